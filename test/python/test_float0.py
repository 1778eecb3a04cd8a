"""float0: the tangents of integer and boolean values, as JAX returns and accepts them."""
import numpy as np
import pytest

import pullback as pb
import pullback.numpy as pnp

jax = pytest.importorskip("jax")

F0 = pb.dtypes.float0


def _same(a, b):
    """Equal trees, with float0 leaves compared by shape and dtype (they hold no data)."""
    la, ta = pb.tree_util.tree_flatten(a)
    lb, tb = jax.tree_util.tree_flatten(b)
    assert len(la) == len(lb)
    for x, y in zip(la, lb):
        if np.asarray(y).dtype == jax.dtypes.float0:
            assert isinstance(x, np.ndarray) and x.dtype == F0 and x.shape == np.shape(y)
        else:
            np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=1e-6)


def f(x, n):
    return x * n, n


def test_float0_is_jax_dtype():
    assert F0 == jax.dtypes.float0 and F0.itemsize == 0


@pytest.mark.parametrize("jit", [False, True])
def test_grad_allow_int_returns_float0(jit):
    g = lambda lib: lib.grad(lambda x, n: (x * n).sum(), argnums=(0, 1), allow_int=True)
    ours, theirs = g(pb), g(jax)
    if jit:
        ours, theirs = pb.jit(ours), jax.jit(theirs)
    _same(ours(2.0, np.arange(3, dtype=np.int32)), theirs(2.0, np.arange(3, dtype=np.int32)))


def test_grad_allow_int_bool_input():
    _same(pb.grad(lambda x: x * 2.0, allow_int=True)(True), jax.grad(lambda x: x * 2.0, allow_int=True)(True))


def test_jvp_takes_and_returns_float0():
    t = (1.0, np.zeros((), F0))
    _same(pb.jvp(f, (2.0, 3), t), jax.jvp(f, (2.0, 3), (1.0, np.zeros((), jax.dtypes.float0))))


def test_jvp_int_primal_needs_float0_tangent():
    for lib in (pb, jax):
        with pytest.raises(TypeError, match="float0"):
            lib.jvp(f, (2.0, 3), (1.0, 1))


def test_jvp_float_primal_rejects_float0_tangent():
    with pytest.raises(TypeError, match="float0"):
        pb.jvp(f, (2.0, 3), (np.zeros((), F0), np.zeros((), F0)))


def test_vjp_int_input_and_output():
    _, ours = pb.vjp(f, 2.0, 3)
    _, theirs = jax.vjp(f, 2.0, 3)
    for ct_int in (0, np.zeros((), F0)):
        _same(ours((1.0, ct_int)), theirs((1.0, np.zeros((), jax.dtypes.float0))))
