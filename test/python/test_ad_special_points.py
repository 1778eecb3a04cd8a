"""Derivatives at special points (0, 1, negative values, ties, zeros) against JAX.

Finite differences cannot check derivatives at kinks and singular points, and
a rule that special-cases such a point (a select on y == 0, say) can be right
to first order and wrong for the mixed partials of a derivative. JAX is the
oracle here: each elementwise op is differentiated up to order 2 (3 for
unary ops) in forward and reverse mode over a grid of special values, in one
vectorized call per derivative, and must agree with JAX element for element,
NaNs included.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import pullback as pjax
import pullback.numpy as pjnp
from pullback import lax as plax

jax = pytest.importorskip("jax")
jnp, jlax = jax.numpy, jax.lax

SPECIAL = np.array([0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 3.0, 1e-8])
# (1e-8 stays out of the pairs: at x = y = 1e-8, d2 atan2/dydx is a cancellation whose
# rounding depends on the order of operations)
GRID_X, GRID_Y = (a.ravel() for a in np.meshgrid(SPECIAL[:-1], SPECIAL[:-1]))
COMPLEX_POINTS = np.array([0j, 1, -1, 1j, -2 - 1j, 0.5 + 2j])


pytestmark = pytest.mark.usefixtures("both_x64")  # conftest.py: 64 bits on both sides


def assert_same(got, want, what):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, f"{what}: shape {got.shape}, JAX {want.shape}"
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=what)


def elementwise_derivatives(M, f, args, order):
    """{name: elementwise derivative at args} up to `order`, by reverse mode (grad of a
    sum) and forward mode (jvp with unit tangents), for each sequence of operands."""
    def rev(g, i):
        return M.grad(lambda *a: M.numpy.sum(g(*a)), argnums=i)

    def fwd(g, i):
        def h(*a):
            tangents = tuple(M.numpy.ones_like(x) if k == i else M.numpy.zeros_like(x) for k, x in enumerate(a))
            return M.jvp(g, a, tangents)[1]
        return h

    out = {}
    for n in range(1, order + 1):
        for seq in itertools.product(range(len(args)), repeat=n):
            for mode, step in (("rev", rev), ("fwd", fwd)):
                g = f
                for i in seq:
                    g = step(g, i)
                out[f"{mode} d/d{''.join('xy'[i] for i in reversed(seq))}"] = g(*args)
    return out


def compare(pf, jf, args, order):
    got = elementwise_derivatives(pjax, pf, args, order)
    want = elementwise_derivatives(jax, jf, args, order)
    for name in want:
        assert_same(got[name], want[name], name)


BINARY = ["pow", "atan2", "div", "rem", "max", "min", "mul", "add", "sub"]


@pytest.mark.parametrize("op", BINARY)
def test_binary_partials(op):
    """Every first and second partial (d/dy d/dx of x ** y at (4, 0) is 1/4, not 0)."""
    compare(getattr(plax, op), getattr(jlax, op), (GRID_X, GRID_Y), order=2)


def test_pow_mixed_partial_at_zero_exponent():
    f = lambda m: m.grad(m.grad(lambda x, y: x ** y, 0), 1)  # noqa: E731
    assert float(f(pjax)(4.0, 0.0)) == pytest.approx(0.25)


UNARY = ["neg", "abs", "sign", "floor", "ceil", "round", "exp", "log", "log1p", "expm1", "sin", "cos", "tan",
         "tanh", "logistic", "sqrt", "rsqrt"]


@pytest.mark.parametrize("op", UNARY)
def test_unary_derivatives(op):
    """Up to order 3 (|x|' at 0 is 1, as JAX's select(x >= 0, t, -t) gives)."""
    compare(getattr(plax, op), getattr(jlax, op), (SPECIAL,), order=3)


@pytest.mark.parametrize("y", [-3, -2, -1, 0, 1, 2, 3])
def test_integer_pow_derivatives(y):
    compare(lambda x: plax.integer_pow(x, y), lambda x: jlax.integer_pow(x, y), (SPECIAL,), order=3)


COMPLEX_UNARY = ["abs", "exp", "log", "sin", "tanh", "sqrt", "rsqrt", "real", "imag", "conj"]


def complex_derivatives(M, f, z):
    """jvp along 1 and 1j, the jvp of that jvp, and the vjp of the jvp."""
    out = {}
    for t in (1.0, 1j):
        jvp = lambda x, t=t: M.jvp(f, (x,), (np.full_like(z, t),))[1]  # noqa: E731
        out[f"jvp {t}"] = jvp(z)
        out[f"jvp of jvp {t}"] = M.jvp(jvp, (z,), (np.full_like(z, t),))[1]
        y, pull = M.vjp(jvp, z)
        out[f"vjp of jvp {t}"] = pull(np.ones(np.shape(y), np.asarray(y).dtype))[0]
    return out


@pytest.mark.parametrize("op", COMPLEX_UNARY)
def test_complex_unary_derivatives(op):
    z = COMPLEX_POINTS.astype(np.complex128)
    got = complex_derivatives(pjax, getattr(plax, op), z)
    for name, want in complex_derivatives(jax, getattr(jlax, op), z).items():
        assert_same(got[name], want, name)


@pytest.mark.parametrize("op", ["mul", "div", "pow"])
def test_complex_binary_derivatives(op):
    zx, zy = (a.ravel().astype(np.complex128) for a in np.meshgrid(COMPLEX_POINTS[:4], COMPLEX_POINTS[:4]))
    for i, t in itertools.product((0, 1), (1.0, 1j)):
        tangents = [np.zeros_like(zx), np.zeros_like(zy)]
        tangents[i] = np.full_like(zx, t)
        assert_same(pjax.jvp(getattr(plax, op), (zx, zy), tuple(tangents))[1],
                    jax.jvp(getattr(jlax, op), (zx, zy), tuple(tangents))[1], f"jvp {i} {t}")
        ct = np.full_like(zx, t)
        assert_same(pjax.vjp(getattr(plax, op), zx, zy)[1](ct)[i],
                    jax.vjp(getattr(jlax, op), zx, zy)[1](ct)[i], f"vjp {i} {t}")


# ---- creation functions with traced arguments --------------------------------

LINSPACE = [dict(num=1), dict(num=2), dict(num=5), dict(num=4, endpoint=False), dict(num=1, endpoint=False),
            dict(num=0), dict(num=3, axis=-1), dict(num=6, dtype=np.int32)]


@pytest.mark.parametrize("kw", LINSPACE, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()))
def test_linspace_derivatives_in_its_bounds(kw):
    """d linspace(x, y, 1)/dx is 1: the bounds are traced, not read on the host."""
    start, stop = np.array([1.0, -2.0]), np.array([3.0, 0.5])
    tangents = (np.array([1.0, 2.0]), np.array([-1.0, 0.5]))
    for i in (0, 1):
        t = tuple(tangents[k] if k == i else np.zeros(2) for k in (0, 1))
        y, ty = pjax.jvp(lambda a, b: pjnp.linspace(a, b, **kw), (start, stop), t)
        jy, jty = jax.jvp(lambda a, b: jnp.linspace(a, b, **kw), (start, stop), t)
        assert_same(y, jy, "primal")
        if np.asarray(jy).dtype.kind == "f":
            assert_same(ty, jty, f"tangent of bound {i}")
        else:  # integer results carry no tangent (JAX's float0)
            assert not np.any(np.asarray(ty))
    jit_value = pjax.jit(lambda a, b: pjnp.linspace(a, b, **kw))(start, stop)
    assert_same(jit_value, jnp.linspace(start, stop, **kw), "under jit")
    ct = np.arange(np.size(jy), dtype=np.float64).reshape(np.shape(jy))
    if np.asarray(jy).dtype.kind == "f":
        for got, want in zip(pjax.vjp(lambda a, b: pjnp.linspace(a, b, **kw), start, stop)[1](ct),
                             jax.vjp(lambda a, b: jnp.linspace(a, b, **kw), start, stop)[1](ct)):
            assert_same(got, want, "cotangent")


# ---- .at[].set: repeated and out-of-bounds indices ---------------------------------

AT_INDICES = [np.array([1, 1, 3, 7]), np.array([0, -1, -7, 2]), np.array([2, 2, 2, 2])]


@pytest.mark.parametrize("idx", AT_INDICES, ids=["repeats", "out_of_bounds", "all_equal"])
def test_at_set_derivatives(idx):
    """Only the update that lands (the last of a repeated index) carries a derivative; an
    element overwritten carries none; out-of-bounds updates none (JAX's _scatter_jvp)."""
    x, v = np.arange(5.0) + 1, np.array([10.0, 20.0, 30.0, 40.0])

    def f(m):
        return lambda a, b: m.numpy.asarray(a).at[idx].set(b * b) * a

    tangents = (np.ones(5), np.arange(4.0) + 1)
    for got, want in zip(pjax.jvp(f(pjax), (x, v), tangents), jax.jvp(f(jax), (x, v), tangents)):
        assert_same(got, want, "jvp")
    ct = np.arange(5.0) + 1
    for got, want in zip(pjax.vjp(f(pjax), x, v)[1](ct), jax.vjp(f(jax), x, v)[1](ct)):
        assert_same(got, want, "vjp")
    assert_same(pjax.hessian(lambda b: pjnp.sum(f(pjax)(x, b)))(v), jax.hessian(lambda b: jnp.sum(f(jax)(x, b)))(v),
                "hessian")
    set_at = lambda m: lambda a, b, i: m.numpy.asarray(a).at[i].set(b)  # noqa: E731
    batch = (np.stack([x, 2 * x]), np.stack([v, 3 * v]), np.stack([idx, idx[::-1]]))
    for axes in [(0, 0, None), (None, None, 0), (0, None, 0)]:
        args = [b if a is not None else b[0] for a, b in zip(axes, batch)]
        assert_same(pjax.vmap(set_at(pjax), in_axes=axes)(*args), jax.vmap(set_at(jax), in_axes=axes)(*args),
                    f"vmap {axes}")
