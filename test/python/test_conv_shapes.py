"""lax's shape helpers for convolutions and windowed reductions, against JAX's."""
import pytest

import pullback.lax as plax

jax = pytest.importorskip("jax")
jlax = jax.lax

NCHW = [((8, 3, 28, 28), (16, 3, 5, 5), (1, 1), "SAME"), ((8, 3, 28, 28), (16, 3, 5, 5), (2, 2), "VALID"),
        ((8, 3, 28, 28), (16, 3, 3, 3), (2, 1), [(1, 2), (0, 1)]), ((4, 6, 9), (6, 6, 4), (3,), "SAME_LOWER")]
DN = ("NHWC", "HWIO", "NHWC")
PADS = ["SAME", "VALID", [(1, 1), (2, 0)]]


def _ints(t):
    return tuple(int(d) for d in t)


@pytest.mark.parametrize("lhs,rhs,strides,pads", NCHW)
def test_conv_shape_tuple(lhs, rhs, strides, pads):
    assert plax.conv_shape_tuple(lhs, rhs, strides, pads) == _ints(jlax.conv_shape_tuple(lhs, rhs, strides, pads))


def test_conv_shape_tuple_batch_groups():
    assert plax.conv_shape_tuple((8, 3, 9, 9), (4, 3, 3, 3), (1, 1), "VALID", 4) == \
        _ints(jlax.conv_shape_tuple((8, 3, 9, 9), (4, 3, 3, 3), (1, 1), "VALID", 4))


@pytest.mark.parametrize("pads", PADS)
def test_conv_general_and_transpose_shape_tuple(pads):
    args = ((8, 28, 28, 3), (5, 5, 3, 16), (2, 2), pads, DN)
    assert plax.conv_general_shape_tuple(*args) == _ints(jlax.conv_general_shape_tuple(*args))
    args = ((8, 14, 14, 3), (5, 5, 3, 16), (2, 2), pads, DN)
    assert plax.conv_transpose_shape_tuple(*args) == _ints(jlax.conv_transpose_shape_tuple(*args))


def test_reduce_window_shape_tuple():
    args = ((8, 28, 28, 3), (1, 3, 3, 1), (1, 2, 2, 1), [(0, 0), (1, 1), (0, 1), (0, 0)], (1, 2, 1, 1), (1, 1, 2, 1))
    assert plax.reduce_window_shape_tuple(*args) == _ints(jlax.reduce_window_shape_tuple(*args))
    assert plax.reduce_window_shape_tuple(*args[:4]) == _ints(jlax.reduce_window_shape_tuple(*args[:4]))


def test_errors():
    with pytest.raises(ValueError, match="explicit pads"):
        plax.conv_shape_tuple((8, 3, 28, 28), (16, 3, 5, 5), (1, 1), [(0, 0)])
    with pytest.raises(ValueError, match="Negative padding"):
        plax.conv_shape_tuple((8, 3, 4, 4), (16, 3, 1, 1), (1, 1), [(-5, 0), (0, 0)])
