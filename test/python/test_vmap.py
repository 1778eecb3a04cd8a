"""vmap's API and semantics (JAX's), and its compositions with jit and autodiff.

The per-op batching rules are checked in test_vmap_ops.py; this file checks the
frontend: in_axes/out_axes forms, axis_size, chunking, errors naming the
arguments, and nestings with jit, grad, jvp, vjp and the Jacobians.
"""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import pullback as jax
import pullback.numpy as jnp


def close(a, b, rtol=1e-5, atol=1e-6):
    jax.tree_util.tree_map(
        lambda x, y: np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=rtol, atol=atol), a, b)


def here(offset: int = 1) -> str:
    frame = inspect.currentframe().f_back
    return f"{frame.f_code.co_filename.split('/')[-1]}:{frame.f_lineno + offset}"


rng = np.random.default_rng(0)
X = rng.standard_normal((4, 3)).astype(np.float32)
Y = rng.standard_normal((3, 4)).astype(np.float32)
W = rng.standard_normal((3, 2)).astype(np.float32)


def loop(f, *xs, axes=None):
    """Python loop reference: stack f over the mapped axis."""
    axes = axes or (0,) * len(xs)
    n = next(np.shape(x)[a] for x, a in zip(xs, axes) if a is not None)
    outs = [f(*[x if a is None else np.take(x, i, axis=a) for x, a in zip(xs, axes)]) for i in range(n)]
    return jax.tree_util.tree_map(lambda *o: np.stack([np.asarray(v) for v in o]), *outs)


# ---- in_axes / out_axes -------------------------------------------------------------

def test_default_axes():
    f = lambda x: jnp.sin(x) @ W  # noqa: E731
    close(jax.vmap(f)(X), loop(f, X))


@pytest.mark.parametrize("in_axes", [(0, 1), (0, -1), (-2, 1)])
def test_in_axes_ints_and_negative(in_axes):
    f = lambda a, b: a * b  # noqa: E731
    close(jax.vmap(f, in_axes=in_axes)(X, Y), X * Y.T)


def test_in_axes_none_leaves_argument_unbatched():
    f = lambda x, w: jnp.tanh(x @ w)  # noqa: E731
    close(jax.vmap(f, in_axes=(0, None))(X, W), np.tanh(X @ W))


def test_in_axes_list_is_a_tuple():
    close(jax.vmap(lambda a, b: a + b, in_axes=[0, None])(X, X[0]), X + X[0])


def test_in_axes_pytree_prefix():
    f = lambda p, x: p["w"] * x + p["b"]  # noqa: E731
    params = {"w": np.float32(2.0), "b": np.arange(4, dtype=np.float32)}
    got = jax.vmap(f, in_axes=({"w": None, "b": 0}, 0))(params, X)
    close(got, 2.0 * X + np.arange(4, dtype=np.float32)[:, None])


@pytest.mark.parametrize("out_axes", [0, 1, -1])
def test_out_axes(out_axes):
    got = jax.vmap(lambda x: x * 2.0, out_axes=out_axes)(X)
    close(got, np.moveaxis(X * 2.0, 0, out_axes))


def test_out_axes_pytree_and_none():
    f = lambda x: (x * 2.0, jnp.ones(2))  # noqa: E731
    a, b = jax.vmap(f, out_axes=(1, None))(X)
    close(a, (X * 2.0).T)
    close(b, np.ones(2))


def test_pytree_outputs():
    out = jax.vmap(lambda x: {"s": jnp.sum(x), "x": x})(X)
    close(out["s"], X.sum(1))
    close(out["x"], X)


def test_axis_size_without_batched_inputs():
    out = jax.vmap(lambda: jnp.ones(3), in_axes=(), axis_size=5)()
    close(out, np.ones((5, 3)))


def test_unbatched_output_is_broadcast():
    close(jax.vmap(lambda x: jnp.ones(2))(X), np.ones((4, 2)))


def test_closure_captured_values_stay_unbatched():
    w = jnp.asarray(W)
    close(jax.vmap(lambda x: x @ w)(X), X @ W)


def test_keyword_arguments_are_mapped_over_axis_0():
    close(jax.vmap(lambda a, b: a - b)(X, b=X * 3.0), -2.0 * X)


# ---- errors ------------------------------------------------------------------------

def test_inconsistent_sizes_name_the_arguments():
    where = here(2)
    with pytest.raises(ValueError, match="inconsistent sizes") as info:
        jax.vmap(lambda first, second: first + second)(np.ones(3), np.ones(4))
    assert "argument first" in str(info.value) and "argument second" in str(info.value)
    assert where in str(info.value)


def test_axis_out_of_range():
    with pytest.raises(ValueError, match="map its argument along axis 2"):
        jax.vmap(lambda x: x, in_axes=2)(X)


def test_in_axes_not_matching_the_arguments():
    with pytest.raises(ValueError, match="in_axes"):
        jax.vmap(lambda a, b: a, in_axes=(0, 0, 0))(X, X)
    with pytest.raises(ValueError, match="tree prefix"):
        jax.vmap(lambda p: p["a"], in_axes=({"b": 0},))({"a": X})


def test_bad_in_axes_type():
    with pytest.raises(TypeError, match="vmap in_axes must be an int, None"):
        jax.vmap(lambda x: x, in_axes="0")(X)


def test_no_batched_input_needs_axis_size():
    with pytest.raises(ValueError, match="at least one non-None"):
        jax.vmap(lambda x: x, in_axes=None)(X)


def test_out_axes_none_for_a_batched_output():
    with pytest.raises(ValueError, match="out_axes"):
        jax.vmap(lambda x: x, out_axes=None)(X)


def test_control_flow_on_batched_values_raises():
    def f(x):
        return x if x.sum() > 0 else -x
    with pytest.raises(TypeError, match="concrete value"):
        jax.vmap(f)(X)


# ---- chunking ----------------------------------------------------------------------

@pytest.mark.parametrize("chunk", [1, 3, 4, 10])
def test_chunk_size(chunk):
    f = lambda x, w: jnp.tanh(x @ w)  # noqa: E731
    close(jax.vmap(f, in_axes=(0, None), chunk_size=chunk)(X, W), np.tanh(X @ W))
    close(jax.vmap(f, in_axes=(1, None), out_axes=1, chunk_size=chunk)(X.T.copy(), W), np.tanh(X @ W).T)


def test_jacobians_chunked():
    f = lambda x: jnp.tanh(x @ W)  # noqa: E731
    x = X[0]
    close(jax.jacfwd(f, chunk_size=2)(x), jax.jacfwd(f)(x))
    close(jax.jacrev(f, chunk_size=1)(x), jax.jacrev(f)(x))


# ---- compositions ------------------------------------------------------------------

def test_nested_vmap():
    f = lambda a, b: jnp.dot(a, b)  # noqa: E731
    got = jax.vmap(jax.vmap(f, in_axes=(0, None)), in_axes=(None, 1))(X, Y)
    close(got, (X @ Y).T)


def test_jit_of_vmap_and_vmap_of_jit():
    f = lambda x: jnp.sum(jnp.sin(x) ** 2)  # noqa: E731
    want = np.sum(np.sin(X) ** 2, axis=1)
    close(jax.jit(jax.vmap(f))(X), want)
    close(jax.vmap(jax.jit(f))(X), want)


def test_per_example_gradients():
    def loss(w, x):
        return jnp.sum(jnp.tanh(x @ w) ** 2)
    got = jax.jit(jax.vmap(jax.grad(loss), in_axes=(None, 0)))(W, X)
    want = np.stack([np.asarray(jax.grad(loss)(W, x)) for x in X])
    close(got, want, rtol=1e-5)


def test_grad_of_vmap_and_jvp_of_vmap():
    f = lambda w: jnp.sum(jax.vmap(lambda x: jnp.tanh(x @ w))(X))  # noqa: E731
    g = jax.grad(f)(W)
    eps = 1e-3
    fd = np.zeros_like(W)
    for i in np.ndindex(W.shape):
        d = np.zeros_like(W)
        d[i] = eps
        fd[i] = (float(f(W + d)) - float(f(W - d))) / (2 * eps)
    close(g, fd, rtol=2e-2, atol=2e-3)
    _, t = jax.jvp(f, (W,), (np.ones_like(W),))
    close(t, np.sum(g), rtol=1e-4)


def test_vmap_of_log1pexp_grad():
    def log1pexp(x):
        return jnp.log(1. + jnp.exp(x))
    xs = np.array([0.0, 1.0, -2.0], np.float32)
    close(jax.vmap(jax.jit(jax.grad(log1pexp)))(xs), 1 / (1 + np.exp(-xs)))


def test_hessian_is_jacfwd_of_jacrev():
    f = lambda x: jnp.sum(jnp.tanh(x) ** 3 * x[::-1])  # noqa: E731
    x = np.array([0.3, -0.7, 1.1], np.float32)
    close(jax.hessian(f)(x), jax.jacfwd(jax.jacrev(f))(x), rtol=1e-5)
    close(jax.hessian(f)(x), jax.jacrev(jax.jacfwd(f))(x), rtol=1e-4, atol=1e-5)
