"""User errors: the right exception type, a clear message, and the user's own source line.

Each failing call is written on the same line as `here()`, so the expected
"test_errors.py:<line>" is that line; the message must name it whether the
error happens eagerly or while jit traces the function.
"""
from __future__ import annotations

import operator
import os
import sys

import numpy as np
import pytest

import pullback as pb
import pullback.numpy as jnp
from pullback import lax

FILE = os.path.basename(__file__)


def here() -> int:
    """The line number of the caller."""
    return sys._getframe(1).f_lineno


def assert_names_line(excinfo, line: int, *words: str):
    msg = str(excinfo.value)
    assert f"{FILE}:{line}" in msg, msg
    for w in words:
        assert w in msg, msg


def jit_and_eager(fn):
    """fn itself and fn under jit, for parametrized tests."""
    return pytest.mark.parametrize("wrap", [lambda f: f, pb.jit], ids=["eager", "jit"])(fn)


# ---------------------------------------------------------------- shapes

@jit_and_eager
def test_dot_shape_mismatch(wrap):
    lines = []

    def f(a, b):
        lines.append(here()); return jnp.dot(a, b)  # noqa: E702

    with pytest.raises(TypeError) as e:
        wrap(f)(jnp.ones((2, 3)), jnp.ones((4, 5)))
    assert_names_line(e, lines[0], "dot_general", "[3] and [4]")


@jit_and_eager
def test_add_incompatible_shapes(wrap):
    lines = []

    def f(a, b):
        lines.append(here()); return a + b  # noqa: E702

    with pytest.raises(TypeError) as e:  # as JAX: a TypeError from a binary op
        wrap(f)(jnp.ones(3), jnp.ones(4))
    assert_names_line(e, lines[0], "incompatible shapes for broadcasting", "(3,)", "(4,)")


def test_eager_shape_errors_name_the_calling_line():
    a, b = jnp.ones((2, 3)), jnp.ones((4, 5))
    with pytest.raises(TypeError) as e:
        line = here(); jnp.matmul(a, b)  # noqa: E702
    assert_names_line(e, line, "matmul")
    with pytest.raises(TypeError) as e:  # as JAX: binary ops raise TypeError
        line = here(); jnp.add(jnp.ones(3), np.ones(4, np.float32))  # noqa: E702
    assert_names_line(e, line)
    with pytest.raises(TypeError) as e:
        line = here(); jnp.reshape(a, (4, 2))  # noqa: E702
    assert_names_line(e, line, "reshape", "(2, 3)")
    with pytest.raises(ValueError) as e:
        line = here(); jnp.broadcast_to(a, (3, 3))  # noqa: E702
    assert_names_line(e, line, "broadcast")
    with pytest.raises(TypeError) as e:
        line = here(); jnp.concatenate([a, jnp.ones((2, 2))], axis=0)  # noqa: E702
    assert_names_line(e, line, "concatenate")
    with pytest.raises(TypeError) as e:
        line = here(); lax.add(jnp.ones(3), jnp.ones(3, dtype=jnp.int32))  # noqa: E702
    assert_names_line(e, line, "pb.add", "dtypes")


# ---------------------------------------------------------------- axes and indices

@jit_and_eager
def test_bad_axis(wrap):
    lines = []

    def f(x):
        lines.append(here()); return jnp.sum(x, axis=2)  # noqa: E702

    with pytest.raises(ValueError) as e:
        wrap(f)(jnp.ones((2, 3)))
    assert_names_line(e, lines[0], "axis 2 is out of bounds for array of dimension 2")


def test_other_bad_axes():
    x = jnp.ones((2, 3))
    with pytest.raises(ValueError) as e:
        line = here(); jnp.mean(x, axis=-3)  # noqa: E702
    assert_names_line(e, line, "axis -3")
    with pytest.raises(ValueError) as e:
        line = here(); jnp.transpose(x, (0, 0))  # noqa: E702
    assert_names_line(e, line, "permutation")
    with pytest.raises(ValueError) as e:
        line = here(); jnp.squeeze(x, axis=0)  # noqa: E702
    assert_names_line(e, line, "squeeze")
    with pytest.raises(ValueError) as e:
        line = here(); jnp.sum(x, axis=(0, 0))  # noqa: E702
    assert_names_line(e, line, "repeated axis")
    with pytest.raises(ValueError) as e:
        line = here(); x.argmax(axis=5)  # noqa: E702
    assert_names_line(e, line, "axis 5")


def test_index_errors():
    x = jnp.ones((2, 3))
    with pytest.raises(IndexError) as e:  # JAX clamps x[2], but an empty axis has nothing to clamp to
        line = here(); jnp.ones((0, 3))[0]  # noqa: E702
    assert_names_line(e, line, "out of bounds")
    with pytest.raises(IndexError) as e:
        line = here(); x[0, 0, 0]  # noqa: E702
    assert_names_line(e, line, "too many indices")
    with pytest.raises(IndexError) as e:
        line = here(); x[..., ...]  # noqa: E702
    assert_names_line(e, line, "ellipsis")


# ---------------------------------------------------------------- concretization

def test_if_on_traced_value_under_jit():
    lines = []

    def f(x):
        lines.append(here() + 1)
        if x > 0:
            return x
        return -x

    with pytest.raises(TypeError) as e:
        pb.jit(f)(jnp.array(1.0))
    assert isinstance(e.value, TypeError)
    assert_names_line(e, lines[0], "Abstract tracer value", "concrete value", "bool[]")
    assert "if x > 0:" in str(e.value)


@pytest.mark.parametrize("convert,what", [
    (float, "float()"), (int, "int()"), (bool, "bool()"), (np.asarray, "numpy array"),
    (operator.index, "__index__"),
])
def test_concrete_conversions_under_jit(convert, what):
    lines = []

    def f(x):
        lines.append(here()); convert(x)  # noqa: E702
        return x

    arg = jnp.array(1, dtype=jnp.int32)
    with pytest.raises(TypeError) as e:
        pb.jit(f)(arg)
    assert_names_line(e, lines[0], what)


def test_shape_from_traced_value_under_jit():
    with pytest.raises(TypeError) as e:
        line = here(); pb.jit(lambda n: jnp.arange(n))(3)  # noqa: E702
    assert_names_line(e, line, "arange")


def test_concrete_values_work_outside_jit():
    # the same Python control flow is fine on concrete arrays
    x = jnp.array(2.0)
    assert (x if x > 0 else -x) is x
    assert float(x) == 2.0 and int(x) == 2


def test_leaked_tracer():
    leaked = []

    def f(x):
        leaked.append(x)
        return x * 2

    pb.jit(f)(jnp.ones(2))
    with pytest.raises(Exception) as e:
        line = here(); pb.jit(lambda y: y + leaked[0])(jnp.ones(2))  # noqa: E702
    assert "tracer" in str(e.value).lower()
    assert_names_line(e, line)
