"""Reverse mode (grad, vjp, jacrev, hessian) through scan, fori_loop, cond and switch, compared
with JAX: partial evaluation splits each loop in a known and an unknown call
(passes/control_partial_eval.py), pb-transpose transposes the unknown one
(passes/control_transpose.py)."""
from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import pullback as pb
import pullback.numpy as pnp
from pullback import lax as plax
from pullback.test_util import check_grads


def programs(np_, lax):
    """name -> function of (a scalar, a float32[4] vector) to a scalar, written once for both libraries."""
    def scan(x, xs):
        c, ys = lax.scan(lambda c, z: (c * np_.sin(z) + x, c * z), x, xs)
        return c + np_.sum(ys)

    def scan_reverse_pytree(x, xs):
        def body(c, z):
            return {"a": c["a"] * z["u"] + np_.sum(c["b"]), "b": np_.tanh(c["b"] * c["a"])}, (c["a"] * z["u"], z["v"] * x)
        c, (y1, y2) = lax.scan(body, {"a": x, "b": xs[:3]}, {"u": xs, "v": xs * xs}, reverse=True)
        return np_.sum(c["b"]) * c["a"] + np_.sum(y1) + np_.sum(y2)

    def scan_no_xs(x, xs):
        c, ys = lax.scan(lambda c, _: ((np_.sin(c[0]) * 1.5 + c[1], c[1] * x), c[0] * c[0]), (x, xs[0]), None, length=5)
        return c[0] + c[1] + np_.sum(ys)

    def scan_carry_gets_a_tangent(x, xs):  # the first carry starts constant, a linear value after one step
        c, _ = lax.scan(lambda c, z: ((c[0] + c[1] * z, c[1]), None), (0.0, x), xs)
        return c[0]

    def fori_loop(x, xs):
        return lax.fori_loop(0, 4, lambda i, c: c * np_.sin(c) + np_.asarray(xs)[i] * x, x)

    def cond(x, xs):
        return lax.cond(x > 0.5, lambda a, v: np_.sin(a) * np_.sum(v), lambda a, v: a * a + v[1], x, xs)

    def switch(x, xs):
        i = (np_.asarray(x) * 3).astype(np_.int32)
        return lax.switch(i, [lambda a: np_.sin(a) * xs[0], lambda a: a ** 3, lambda a: np_.exp(a) * np_.sum(xs)], x)

    def scan_in_cond_in_scan(x, xs):
        def outer(c, z):
            inner = lambda c2, w: (c2 * w + np_.cos(c2), c2)  # noqa: E731
            r = lax.cond(z > 0.5, lambda c: lax.scan(inner, c, xs)[0], lambda c: c * z, c)
            return r, r * 2.0
        c, ys = lax.scan(outer, x, xs)
        return c + np_.sum(ys)

    return {k: v for k, v in locals().items() if callable(v)}


PB, JAX = programs(pnp, plax), programs(jnp, jax.lax)
XS = np.array([0.2, 0.7, 0.4, 0.9], np.float32)
POINTS = [0.3, 0.8]


def close(a, b, tol=2e-4):
    for u, v in zip(jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b)):
        np.testing.assert_allclose(np.asarray(u), np.asarray(v), rtol=tol, atol=tol)


@pytest.mark.parametrize("x", POINTS)
@pytest.mark.parametrize("name", list(PB))
def test_grad(name, x):
    close(pb.grad(PB[name], (0, 1))(x, XS), jax.grad(JAX[name], (0, 1))(x, XS))


@pytest.mark.parametrize("name", ["scan", "scan_reverse_pytree", "cond", "scan_in_cond_in_scan"])
def test_jit_grad_and_vjp(name):
    close(pb.jit(pb.grad(PB[name], (0, 1)))(0.8, XS), jax.grad(JAX[name], (0, 1))(0.8, XS))
    out, f_vjp = pb.vjp(PB[name], 0.8, XS)
    j_out, j_vjp = jax.vjp(JAX[name], 0.8, XS)
    close(out, j_out)
    close(f_vjp(np.float32(1.7)), j_vjp(np.float32(1.7)))


@pytest.mark.parametrize("name", ["scan", "scan_no_xs", "fori_loop", "cond", "switch", "scan_in_cond_in_scan"])
def test_jacrev_and_hessian(name):
    x = 0.8
    close(pb.jacrev(PB[name], 1)(x, XS), jax.jacrev(JAX[name], 1)(x, XS))
    close(pb.hessian(PB[name], 1)(x, XS), jax.hessian(JAX[name], 1)(x, XS), tol=1e-3)


def test_vector_outputs_jacrev():
    def f(lax, np_):
        return lambda xs: lax.scan(lambda c, z: (c + z, np_.sin(c * z)), 0.5, xs, reverse=True)[1]
    close(pb.jacrev(f(plax, pnp))(XS), jax.jacrev(f(jax.lax, jnp))(XS))


@pytest.mark.parametrize("name", ["scan", "scan_reverse_pytree", "fori_loop", "cond", "switch"])
def test_check_grads(name):
    check_grads(PB[name], (0.8, XS), order=2, modes=("fwd", "rev"), atol=2e-2, rtol=2e-2)


# ---------------------------------------------------------------- while_loop with max_steps

def _bounded_newton(lax, np_, max_steps, checkpoints=None):
    """Newton's iteration for the cube root of a, stopped at a tolerance or after max_steps."""
    def f(a, x0):
        def cond(c):
            i, x = c
            return np_.abs(x * x * x - a) > 1e-4
        def body(c):
            i, x = c
            return i + 1, x - (x * x * x - a) / (3.0 * x * x)
        if lax is plax:
            return lax.while_loop(cond, body, (0, x0), max_steps=max_steps, checkpoints=checkpoints)[1]
        # JAX has no bound: the same loop as the scan of max_steps guarded steps it equals
        step = lambda _, c: jax.lax.cond(cond(c), body, lambda c: c, c)  # noqa: E731
        return jax.lax.fori_loop(0, max_steps, step, (0, x0))[1]
    return f


@pytest.mark.parametrize("checkpoints", [None, 3, 7])  # every step stored; segments (30 = 3 x 10, 7 x 4 + 2)
@pytest.mark.parametrize("max_steps", [2, 30])  # stopped by the bound, by the predicate
def test_bounded_while_reverse_mode(max_steps, checkpoints):
    f, g = _bounded_newton(plax, pnp, max_steps, checkpoints), _bounded_newton(jax.lax, jnp, max_steps)
    for a, x0 in [(2.0, 1.0), (8.0, 3.0)]:
        close(f(a, x0), g(a, x0))
        close(pb.grad(f, (0, 1))(a, x0), jax.grad(g, (0, 1))(a, x0))
        close(pb.jit(pb.grad(f))(a, x0), jax.grad(g)(a, x0))
        close(pb.hessian(f)(a, x0), jax.hessian(g)(a, x0), tol=1e-3)
    a = np.array([2.0, 8.0, 27.0, 0.5], np.float32)
    close(pb.vmap(pb.grad(f), (0, None))(a, 1.5), jax.vmap(jax.grad(g), (0, None))(a, 1.5))  # predicate batched


def test_bounded_while_finished_steps_get_no_derivative():
    """A step after the predicate fails runs no body, so its derivative (here infinite: sqrt at
    0) never reaches the result as 0 * inf = NaN, as a select of both sides would."""
    def f(x):
        return plax.while_loop(lambda y: y > 0.0, lambda y: pnp.sqrt(y) - 1.0, x, max_steps=6)
    np.testing.assert_allclose(pb.grad(f)(0.25), 1.0)  # one step: sqrt(x) - 1, derivative 1 / (2 sqrt(x))


def test_bounded_while_errors():
    with pytest.raises(ValueError, match="max_steps must be a Python int"):
        plax.while_loop(lambda x: x < 1.0, lambda x: x * 2.0, 0.5, max_steps=-1)
    with pytest.raises(ValueError, match="checkpoints needs max_steps"):
        plax.while_loop(lambda x: x < 1.0, lambda x: x * 2.0, 0.5, checkpoints=2)
    with pytest.raises(ValueError, match="Reverse-mode differentiation does not work for lax.while_loop"):
        pb.grad(lambda x: plax.while_loop(lambda y: y < 1.0, lambda y: y * 2.0, x))(0.3)


# ---------------------------------------------------------------- checkpoint (remat)

def _rnn_step_loss(lib, np_, remat, policy=None):
    def loss(w, xs):
        def layer(w, h):
            return np_.tanh(np_.tanh(h @ w) @ w)
        f = lib.checkpoint(layer, policy=policy) if remat else layer
        h, ys = lib.lax.scan(lambda h, x: (f(w, h + x), np_.sum(h)), np_.zeros(4), xs)
        return np_.sum(h ** 2) + np_.sum(ys)
    return loss


W = np.random.RandomState(0).randn(4, 4).astype(np.float32) * 0.5
XS2 = np.random.RandomState(1).randn(6, 4).astype(np.float32)


def test_checkpoint_matches_jax():
    f, g = _rnn_step_loss(pb, pnp, True), _rnn_step_loss(jax, jnp, True)
    close(f(W, XS2), g(W, XS2))
    close(pb.grad(f)(W, XS2), jax.grad(g)(W, XS2))
    close(pb.jit(pb.grad(f))(W, XS2), jax.grad(g)(W, XS2))
    close(pb.jvp(lambda w: f(w, XS2), (W,), (W,)), jax.jvp(lambda w: g(w, XS2), (W,), (W,)))
    batch = np.stack([XS2, XS2 * 0.5])
    close(pb.vmap(pb.grad(f), (None, 0))(W, batch), jax.vmap(jax.grad(g), (None, 0))(W, batch))
    h = lambda lib, np_: lib.checkpoint(lambda x, k: np_.sin(x) * x ** k, static_argnums=1)  # noqa: E731
    close(pb.hessian(h(pb, pnp))(0.7, 3), jax.hessian(h(jax, jnp))(0.7, 3))
    check_grads(lambda w: f(w, XS2), (W,), order=2, modes=("fwd", "rev"), atol=2e-2, rtol=2e-2)


def _residual_bytes(f, *args) -> int:
    """Bytes of the rows the forward scans of grad(f) stack for the backward pass: the ys of the
    scans the program calls that run forward (reverse = 0; the backward scan runs reversed)."""
    import re
    text = pb.jit(pb.grad(f)).lower(*args).as_text("transformed")
    total = 0
    for m in re.finditer(r'func\.func private @(\w+)\(.*\) -> \((.*)\) attributes \{pb\.control = \{(.*)\}\}', text):
        name, outs, tag = m.groups()
        if 'kind = "scan"' not in tag or "reverse = 0" not in tag or f"call @{name}(" not in text:
            continue
        carry = int(re.search(r"num_carry = (\d+)", tag).group(1))
        for ys in re.findall(r"tensor<([^>]*)>", outs)[carry:]:
            dims = ys.split("x")[:-1]
            total += 4 * int(np.prod([int(d) for d in dims]))
    assert total or "scan" not in text, "no forward scan found"
    return total


def test_checkpoint_saves_residual_memory():
    plain, remat = _rnn_step_loss(pb, pnp, False), _rnn_step_loss(pb, pnp, True)
    close(pb.grad(plain)(W, XS2), pb.grad(remat)(W, XS2))
    # without remat: both tanh outputs per step (and the scalar sums); with it, the step's input only
    assert _residual_bytes(remat, W, XS2) < _residual_bytes(plain, W, XS2) / 1.5


@pytest.mark.parametrize("policy", ["dots_saveable", "dots_with_no_batch_dims_saveable", "nothing_saveable",
                                    "everything_saveable"])
def test_checkpoint_policies(policy):
    f = _rnn_step_loss(pb, pnp, True, getattr(pb.checkpoint_policies, policy))
    g = _rnn_step_loss(jax, jnp, True, getattr(jax.checkpoint_policies, policy))
    close(pb.grad(f)(W, XS2), jax.grad(g)(W, XS2))
    plain, nothing = _rnn_step_loss(pb, pnp, False), _rnn_step_loss(pb, pnp, True)
    saved = _residual_bytes(f, W, XS2)
    if policy.startswith("dots"):  # the two matmul results per step are saved, the tanh outputs are not
        assert _residual_bytes(nothing, W, XS2) < saved < _residual_bytes(plain, W, XS2)
    elif policy == "nothing_saveable":
        assert saved == _residual_bytes(nothing, W, XS2)
    else:
        assert saved == _residual_bytes(plain, W, XS2)


def test_checkpoint_errors():
    with pytest.raises(NotImplementedError, match="policy"):
        pb.checkpoint(pnp.sin, policy=object())
    assert pb.remat is pb.checkpoint


# ---------------------------------------------------------------- the tutorial's fixed_point (custom_vjp)

@partial(pb.custom_vjp, nondiff_argnums=(0,))
def fixed_point(f, a, x_guess):
    def cond_fun(carry):
        x_prev, x = carry
        return pnp.abs(x_prev - x) > 1e-6

    def body_fun(carry):
        _, x = carry
        return x, f(a, x)
    _, x_star = plax.while_loop(cond_fun, body_fun, (x_guess, f(a, x_guess)))
    return x_star


def fixed_point_fwd(f, a, x_init):
    x_star = fixed_point(f, a, x_init)
    return x_star, (a, x_star)


def fixed_point_rev(f, res, x_star_bar):
    a, x_star = res
    _, vjp_a = pb.vjp(lambda a: f(a, x_star), a)
    a_bar, = vjp_a(fixed_point(partial(rev_iter, f), (a, x_star, x_star_bar), x_star_bar))
    return a_bar, pnp.zeros_like(x_star)


def rev_iter(f, packed, u):
    a, x_star, x_star_bar = packed
    _, vjp_x = pb.vjp(lambda x: f(a, x), x_star)
    return x_star_bar + vjp_x(u)[0]


fixed_point.defvjp(fixed_point_fwd, fixed_point_rev)


def newton_sqrt(a):
    return fixed_point(lambda a, x: 0.5 * (x + a / x), a, a)


def test_tutorial_fixed_point():
    np.testing.assert_allclose(newton_sqrt(2.0), 1.4142135, rtol=1e-6)
    np.testing.assert_allclose(pb.grad(newton_sqrt)(2.0), 0.35355338, rtol=1e-6)
    np.testing.assert_allclose(pb.jit(pb.grad(newton_sqrt))(2.0), 0.35355338, rtol=1e-6)
    np.testing.assert_allclose(pb.grad(pb.grad(newton_sqrt))(2.0), -0.088388346, rtol=1e-5)


def _rnn_loss(lib, np_, hidden, batch):
    def loss(w, xs):
        def step(h, x):
            h = np_.tanh(h @ w + x)
            return h, np_.sum(h)
        h, ys = lib.lax.scan(step, np.zeros((batch, hidden), np.float32), xs)
        return np_.sum(h ** 2) + np_.sum(ys)
    return loss


@pytest.mark.parametrize("hidden,batch,blas", [(16, 4, "1"), (256, 32, "0")])
def test_matmuls_in_scan_bodies_compile(hidden, batch, blas, monkeypatch):
    """Generated matmul kernels inside a loop body: the codegen's accumulator hoisting once
    reached the scan's own loop (an MLIR assertion killed the process), and a large one
    was parallelized into a body whose subviews the calling convention cannot pass."""
    monkeypatch.setenv("PULLBACK_BLAS", blas)
    rng = np.random.default_rng(0)
    w = (rng.standard_normal((hidden, hidden)) * 0.1).astype(np.float32)
    xs = rng.standard_normal((6, batch, hidden)).astype(np.float32)
    ours = pb.jit(pb.grad(_rnn_loss(pb, pnp, hidden, batch)))(w, xs)
    theirs = jax.grad(_rnn_loss(jax, jnp, hidden, batch))(w, xs)
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=2e-4, atol=2e-4)
