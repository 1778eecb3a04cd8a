"""Forward mode (jvp, jacfwd) and vmap through while_loop, fori_loop, scan, cond and switch,
compared with JAX (passes/control_jvp.py, passes/control_vmap.py)."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import pullback as pb
import pullback.numpy as pnp


def programs(np_, lax):
    """name -> function of one float32[3] vector, written once for both libraries."""
    def while_loop(x):
        return lax.while_loop(lambda c: c[0] < 5, lambda c: (c[0] + 1, c[1] * x + np_.sin(c[1])), (0, x))[1]

    def while_batched_predicate(x):  # under vmap each lane stops on its own
        return lax.while_loop(lambda c: c[1] < 10.0, lambda c: (c[0] + 1, c[1] * (1.5 + x[1]) + 0.1), (0, x[0]))

    def fori_loop(x):
        return lax.fori_loop(0, 4, lambda i, c: c * x[0] + np_.cos(c), x[1])

    def scan_pytree_reverse(x):
        def body(c, xi):
            return {"a": c["a"] * xi, "b": c["b"] + c["a"]}, (c["a"], xi * xi)
        c, ys = lax.scan(body, {"a": 1.0, "b": 0.0}, x, reverse=True)
        return c["a"] + c["b"], ys

    def scan_carry_gets_a_tangent(x):  # the first carry is constant on entry, not after one step
        return lax.scan(lambda c, _: ((c[0] + c[1] * x[0], c[1]), c[0]), (0.0, x[1]), None, length=3)

    def cond(x):
        return lax.cond(x[0] > 0.5, lambda y: np_.sin(y), lambda y: y * 0.0 + 3.0, x)

    def switch(x):
        return lax.switch((x[0] * 4).astype(np_.int32), [lambda y: y, lambda y: y * y, lambda y: -y[::-1]], x)

    def switch_unbatched_index(x):
        return lax.switch(1, [lambda y: y, lambda y: y * y * x[0], lambda y: -y], x)

    def scan_in_cond_in_scan(x):
        def outer(c, xi):
            def inner(c2, xj):
                return c2 * xj + 1.0, c2
            r = lax.cond(xi > 0.5, lambda a: lax.scan(inner, a, x)[0], lambda a: a * 2.0, c)
            return r, r
        return np_.sum(lax.scan(outer, 0.5, x)[1])

    def newton_sqrt(x):  # the tutorial's fixed_point, forward
        def fixed_point(f, a, x_guess):
            def cond_fun(carry):
                x_prev, x = carry
                return np_.abs(x_prev - x) > 1e-6

            def body_fun(carry):
                _, x = carry
                return x, f(a, x)
            _, x_star = lax.while_loop(cond_fun, body_fun, (x_guess, f(a, x_guess)))
            return x_star
        return fixed_point(lambda a, x: 0.5 * (x + a / x), x[0] + 1.0, x[0] + 1.0)

    return {f.__name__: f for f in (while_loop, while_batched_predicate, fori_loop, scan_pytree_reverse,
                                    scan_carry_gets_a_tangent, cond, switch, switch_unbatched_index,
                                    scan_in_cond_in_scan, newton_sqrt)}


OURS, JAXS = programs(pnp, pb.lax), programs(jnp, jax.lax)
NAMES = list(OURS)
X = np.array([[0.3, 0.7, 1.1], [0.9, 0.2, 0.5], [0.1, 0.6, 0.4], [0.7, 0.6, 0.5]], np.float32)
T = np.array([1.0, -0.5, 2.0], np.float32)


def assert_trees_close(got, want, tol=1e-4):
    g, w = jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want)
    assert len(g) == len(w)
    for a, b in zip(g, w):
        if np.asarray(b).dtype.kind == "V":  # JAX's float0 tangent of an integer carry
            continue
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=1e-5)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("jit", [False, True])
def test_jvp(name, jit):
    ours = pb.jit(OURS[name]) if jit else OURS[name]
    for x in X[:2]:
        assert_trees_close(pb.jvp(ours, (x,), (T,)), jax.jvp(JAXS[name], (x,), (T,)))


@pytest.mark.parametrize("name", NAMES)
def test_jacfwd(name):
    assert_trees_close(pb.jacfwd(OURS[name])(X[0]), jax.jacfwd(JAXS[name])(X[0]))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("jit", [False, True])
def test_vmap(name, jit):
    ours = pb.vmap(OURS[name])
    assert_trees_close((pb.jit(ours) if jit else ours)(X), jax.vmap(JAXS[name])(X))


def test_vmap_with_unbatched_operands():
    """Only a closed-over constant is batched: carries become batched after a step."""
    def f(np_, lax, k):
        return lax.fori_loop(0, 3, lambda i, c: c * 0.5 + k, np_.ones(2, np_.float32))
    ks = np.array([0.5, 1.0, 2.0], np.float32)
    assert_trees_close(pb.vmap(lambda k: f(pnp, pb.lax, k))(ks), jax.vmap(lambda k: f(jnp, jax.lax, k))(ks))


def test_jvp_of_vmap_and_vmap_of_jvp():
    f, g = OURS["scan_in_cond_in_scan"], JAXS["scan_in_cond_in_scan"]
    tx = np.ones_like(X)
    assert_trees_close(pb.jvp(pb.vmap(f), (X,), (tx,)), jax.jvp(jax.vmap(g), (X,), (tx,)))
    assert_trees_close(pb.vmap(lambda x, t: pb.jvp(f, (x,), (t,)))(X, tx),
                       jax.vmap(lambda x, t: jax.jvp(g, (x,), (t,)))(X, tx))


def test_batched_index_with_a_callback_in_a_branch_is_an_error():
    def f(x):
        def loud(y):
            pb.debug.print("y = {}", y)
            return y
        return pb.lax.cond(x[0] > 0.5, loud, lambda y: -y, x)
    with pytest.raises(Exception, match="host callback"):
        pb.jit(pb.vmap(f))(X)
