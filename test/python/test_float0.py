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


# ---- float0 tangents out of traced jvp, vmap, linearize; float0 arguments of jit ----------------

def _jvp_int(lib, x):
    return lib.jvp(lambda y: (y * 2, y.astype(np.float32) * 1.5), (x,), (np.zeros(np.shape(x), dtype=F0),))


@pytest.mark.parametrize("wrap", ["eager", "jit", "jit_of_vmap", "vmap"])
def test_jvp_tangent_of_integer_output_is_float0(wrap):
    x = np.arange(3, dtype=np.int32)

    def run(lib):
        if wrap == "eager":
            return _jvp_int(lib, x)
        if wrap == "jit":
            return lib.jit(lambda v: _jvp_int(lib, v))(x)
        inner = lib.vmap(lambda v: _jvp_int(lib, v))
        return (lib.jit(inner) if wrap == "jit_of_vmap" else inner)(x)
    ours, theirs = run(pb), run(jax)
    _same(ours, theirs)
    assert ours[1][0].dtype == F0 and ours[1][0].shape == (3,)


def test_issue_example_jit_jvp_of_scalar():
    ours = pb.jit(lambda x: pb.jvp(lambda y: y * 2, (x,), (np.zeros((), dtype=F0),)))(3)
    theirs = jax.jit(lambda x: jax.jvp(lambda y: y * 2, (x,), (np.zeros((), dtype=jax.dtypes.float0),)))(3)
    _same(ours, theirs)
    assert ours[1].dtype == F0 and ours[1].shape == ()


@pytest.mark.parametrize("out_axes", [0, 1])
def test_vmap_gives_float0_outputs_the_batch_axis(out_axes):
    x = np.arange(6, dtype=np.int32).reshape(2, 3)
    g = lambda lib: lib.vmap(lambda v: _jvp_int(lib, v)[1][0], out_axes=out_axes)  # noqa: E731
    ours, theirs = g(pb)(x), g(jax)(x)
    assert ours.dtype == F0 and ours.shape == theirs.shape


@pytest.mark.parametrize("jit", [False, True])
def test_linearize_tangent_of_integer_output_is_float0(jit):
    def run(lib):
        _, f_jvp = lib.linearize(lambda x: (x * 2, (x * 3).astype(np.int32)), 1.5)
        return (lib.jit(f_jvp) if jit else f_jvp)(1.0)
    _same(run(pb), run(jax))


def test_jacfwd_block_of_integer_output_is_zeros_of_its_dtype():
    f = lambda x: ((x * 2).astype(np.int32), x * 3)  # noqa: E731
    x = np.float32([1.0, 2.0])
    ours, theirs = pb.jacfwd(f)(x), jax.jacfwd(f)(x)
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.parametrize("allow_int_argnums", [(0,), (0, 1)])
def test_jit_grad_allow_int_of_integer_inputs(allow_int_argnums):
    g = lambda lib: lib.jit(lib.grad(lambda n, x: (n * x).sum(), argnums=allow_int_argnums,  # noqa: E731
                                     allow_int=True))
    args = (np.arange(3, dtype=np.int32), np.float32([1.0, 2.0, 3.0]))
    _same(g(pb)(*args), g(jax)(*args))


def test_jit_takes_float0_arguments():
    for g in (lambda lib: lib.jit(lambda x, t: (x + 1, t)),
              lambda lib: lib.jit(lambda x, t: lib.jvp(lambda y: (y * 2, y * 1.5), (x,), (t,)))):
        args = (np.int32(3), np.zeros((), F0))
        _same(g(pb)(*args), g(jax)(*args))
    ours = pb.jit(lambda x, t=None: (x, t))(1.0, t=np.zeros((2,), F0))
    assert ours[1].dtype == F0 and ours[1].shape == (2,)
