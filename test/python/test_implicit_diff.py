"""Implicit differentiation against JAX: lax.custom_linear_solve, lax.custom_root, and the
pieces they are built on, jax.custom_derivatives.linear_call and jax.closure_convert."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import pullback as pb
import pullback.numpy as pnp
from pullback import lax as plax
from pullback.custom_derivatives import linear_call


def close(a, b, tol=2e-5):
    for u, v in zip(jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b)):
        np.testing.assert_allclose(np.asarray(u), np.asarray(v), rtol=tol, atol=tol)


def jacobi_solver(lib, np_, symmetric: bool):
    """sum(w * x) for x solving (a * A) x = b by 60 Jacobi sweeps in a while_loop (which reverse
    mode cannot go through: only the custom_linear_solve rules make grad work)."""
    def f(a, b):
        A = np_.array([[4.0, 1.0], [0.5, 3.0]]) * a
        if symmetric:
            A = (A + A.T) / 2
        d = np_.array([A[0, 0], A[1, 1]])

        def solve(matvec, r):
            def body(c):
                i, x = c
                return i + 1, x + (r - matvec(x)) / d
            return lib.lax.while_loop(lambda c: c[0] < 60, body, (0, np_.zeros_like(r)))[1]
        kw = dict(symmetric=True) if symmetric else dict(transpose_solve=solve)
        x = lib.lax.custom_linear_solve(lambda x: A @ x, b, solve, **kw)
        return np_.sum(x * np_.array([1.0, 2.0]))
    return f


B = np.array([1.0, 2.0], np.float32)


@pytest.mark.parametrize("symmetric", [True, False])
def test_custom_linear_solve(symmetric):
    f, g = jacobi_solver(pb, pnp, symmetric), jacobi_solver(jax, jnp, symmetric)
    close(f(1.5, B), g(1.5, B))
    close(pb.grad(f, (0, 1))(1.5, B), jax.grad(g, (0, 1))(1.5, B))
    close(pb.jvp(f, (1.5, B), (1.0, B)), jax.jvp(g, (1.5, B), (1.0, B)))
    close(pb.jit(pb.grad(f))(1.5, B), jax.grad(g)(1.5, B))
    a = np.array([1.5, 2.0, 3.0], np.float32)
    close(pb.vmap(pb.grad(f), (0, None))(a, B), jax.vmap(jax.grad(g), (0, None))(a, B))
    close(pb.hessian(f)(1.5, B), jax.hessian(g)(1.5, B), tol=1e-4)


def test_custom_linear_solve_has_aux():
    def f(lib, np_):
        def solve(matvec, r):
            return r / 2.0, np_.sum(r)
        return lambda b: lib.lax.custom_linear_solve(lambda x: 2.0 * x, b, solve, symmetric=True, has_aux=True)
    close(f(pb, pnp)(B), f(jax, jnp)(B))
    grad = lambda lib, np_: lib.grad(lambda b: np_.sum(f(lib, np_)(b)[0] ** 2))  # noqa: E731
    close(grad(pb, pnp)(B), grad(jax, jnp)(B))


def newton_sqrt(lib, np_):
    def sqrt_root(a):
        def newton(f, x0):
            def body(c):
                i, x = c
                fx, dfx = lib.jvp(f, (x,), (np_.ones_like(x),))
                return i + 1, x - fx / dfx
            return lib.lax.while_loop(lambda c: c[0] < 30, body, (0, x0))[1]
        return lib.lax.custom_root(lambda x: x ** 2 - a, 1.0, newton, lambda g, y: y / g(1.0))
    return sqrt_root


def test_custom_root():
    f, g = newton_sqrt(pb, pnp), newton_sqrt(jax, jnp)
    close(f(2.0), g(2.0))
    close(pb.grad(f)(2.0), jax.grad(g)(2.0))
    close(pb.grad(pb.grad(f))(2.0), jax.grad(jax.grad(g))(2.0))
    close(pb.jvp(f, (2.0,), (1.0,)), jax.jvp(g, (2.0,), (1.0,)))
    a = np.array([2.0, 9.0], np.float32)
    close(pb.jit(pb.vmap(pb.grad(f)))(a), jax.vmap(jax.grad(g))(a))


def test_linear_call_uses_the_given_transpose():
    """The transpose is the user's (here deliberately not the true one), as in JAX."""
    def f(lib):
        def fun(r, x):
            return x * r
        def fun_t(r, ct):
            return ct * r * 10.0
        return lambda r, x: lib.custom_derivatives.linear_call(fun, fun_t, r, x)
    r, x = np.float32(3.0), np.float32(2.0)
    close(f(pb)(r, x), f(jax)(r, x))
    close(pb.grad(f(pb), 1)(r, x), jax.grad(f(jax), 1)(r, x))
    close(pb.jit(pb.grad(f(pb), 1))(r, x), 30.0)
    # forward mode through the residuals differentiates fun itself (JAX asserts there)
    close(pb.jvp(f(pb), (r, x), (np.float32(1.0), np.float32(1.0))), (6.0, 5.0))
    xs = np.array([1.0, 2.0], np.float32)
    close(pb.vmap(pb.grad(f(pb), 1), (None, 0))(r, xs), np.array([30.0, 30.0]))  # (JAX has no batching rule for it)
    rs = np.array([1.0, 2.0], np.float32)
    close(pb.vmap(pb.grad(f(pb), 1), (0, None))(rs, x), np.array([10.0, 20.0]))
    # the transpose of the transpose is the function again
    t = pb.linear_transpose(lambda x: linear_call(lambda r, v: v * r, lambda r, c: c * r * 10.0, r, x), x)
    tt = pb.linear_transpose(lambda c: t(c)[0], x)
    close(tt(x)[0], x * r)


def test_linear_call_transpose_must_match_the_linear_args():
    def f(r, x):
        return linear_call(lambda r, v: v * r, lambda r, c: (c, c), r, x)
    with pytest.raises(TypeError, match="linear_call transpose function"):
        pb.grad(f, 1)(np.float32(3.0), np.float32(2.0))


def test_closure_convert():
    def f(lib, np_):
        def outer(a, x):
            g = lambda y: np_.sin(a * y)  # noqa: E731
            conv, consts = lib.closure_convert(g, x)
            return conv(x, *consts) + len(consts)
        return outer
    close(pb.grad(f(pb, pnp))(0.5, 2.0), jax.grad(f(jax, jnp))(0.5, 2.0))
    close(pb.jit(f(pb, pnp))(0.5, 2.0), jax.jit(f(jax, jnp))(0.5, 2.0))
