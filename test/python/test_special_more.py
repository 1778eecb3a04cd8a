"""Incomplete gamma/beta and scaled Bessel functions (dialects/ops/incomplete.py) and the
scipy.special compositions on them (frontend/scipy/_special_incomplete.py) against JAX: random
inputs with edge values, float32 and float64, eager and under jit, derivatives (check_grads and
element for element against JAX's), vmap, and JAX's errors."""
from __future__ import annotations

import numpy as np
import pytest

import pullback as pj
import pullback.numpy as pnp
import pullback.scipy.special as ps
from pullback import lax as plax
from pullback import test_util

jax = pytest.importorskip("jax")
jnp, jlax = jax.numpy, jax.lax
js = jax.scipy.special


@pytest.fixture
def jax_x64(x64):
    before = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    yield
    jax.config.update("jax_enable_x64", before)


RNG = np.random.default_rng(1234)
A = np.r_[RNG.uniform(0.05, 12, 60), 0, 0, 1, 2, np.nan, 3, 0.5, 1e-3, 40, 2]
X = np.r_[RNG.uniform(0, 30, 60), 0, 1, 0, np.inf, 1, -1, 0.5, 2.0, 41, np.nan]
BA = np.r_[RNG.uniform(0.05, 8, 60), 0, 1, 2, np.inf, np.nan, 3, 0.5, 1e-3, 20, 2]
BB = np.r_[RNG.uniform(0.05, 8, 60), 1, 0, 2, 1, 1, 2, 0.5, 4, 30, 0]
BX = np.r_[RNG.uniform(0, 1, 60), 0.5, 0.5, 1, 0.3, 0.2, 1.5, 0, 0.5, 0.4, 0.5]
Z = np.r_[RNG.uniform(-40, 40, 60), 0, -0.0, 8, -8, 7.99, 8.01, np.inf, -np.inf, np.nan, 1e-30]

LAX = {"igamma": (A, X), "igammac": (A, X), "igamma_grad_a": (A, X), "random_gamma_grad": (A, X),
       "betainc": (BA, BB, BX), "bessel_i0e": (Z,), "bessel_i1e": (Z,)}
# float32: the loops stop at float32 eps as XLA's do; the derivative ops lose a few more ulps to
# the cancellation in their last step, as JAX's
F32_RTOL = {"igamma_grad_a": 2e-5, "random_gamma_grad": 2e-5}


def _jax_lax(name):
    return getattr(jlax, name)


def assert_close_as_jax(got, theirs, exact, rtol, atol=None):
    """got within rtol of JAX's result, or no further from the exact value (JAX in float64) than
    twice JAX's own error plus rtol: float32 lgamma's absolute error, amplified by exp in betainc's
    prefactor at large a + b, is both implementations' (they differ in where they round)."""
    got, theirs, exact = (np.asarray(v, np.float64) for v in (got, theirs, exact))
    np.testing.assert_array_equal(np.isnan(got), np.isnan(theirs))
    ok = np.isnan(got) | (got == theirs)
    ok |= np.abs(got - theirs) <= rtol * np.abs(theirs) + (rtol * 1e-2 if atol is None else atol)
    ok |= np.abs(got - exact) <= 2 * np.abs(theirs - exact) + rtol * np.abs(exact)
    assert ok.all(), f"at {np.flatnonzero(~ok)}: {got[~ok]} vs JAX {theirs[~ok]} (exact {exact[~ok]})"


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(LAX))
def test_lax_ops_against_jax(name, dtype, jax_x64):
    args = [a.astype(dtype) for a in LAX[name]]
    want = np.asarray(_jax_lax(name)(*args))
    exact = np.asarray(_jax_lax(name)(*(a.astype(np.float64) for a in args)))
    eager = np.asarray(getattr(plax, name)(*args))
    jitted = np.asarray(pj.jit(getattr(plax, name))(*args))
    assert eager.dtype == jitted.dtype == np.dtype(dtype)
    rtol = F32_RTOL.get(name, 4e-6) if dtype == "float32" else 1e-12
    for got in (eager, jitted):
        assert_close_as_jax(got, want, exact, rtol)


def test_edge_values_exactly_as_jax(jax_x64):
    """x = 0, inf, a = 0, nan and out-of-domain operands give JAX's exact values."""
    a = np.float64([0, 0, 2, 3, np.nan, 1, 0, -1, 2])
    x = np.float64([0, 1, np.inf, 0, 1, -1, np.inf, 1, 0])
    for name in ("igamma", "igammac", "igamma_grad_a", "random_gamma_grad"):
        np.testing.assert_array_equal(np.asarray(getattr(plax, name)(a, x)), np.asarray(_jax_lax(name)(a, x)))
    b = np.float64([1, 0, 0, 2, np.inf, 1, 2, 2, 2])
    u = np.float64([0.5, 0.5, 0, 1, 0.5, 0, -0.1, 1.1, 0])
    np.testing.assert_array_equal(np.asarray(plax.betainc(np.abs(a), b, u)),
                                  np.asarray(jlax.betainc(np.abs(a), b, u)))
    z = np.float32([0, -0.0, np.inf, -np.inf, np.nan])
    for name in ("bessel_i0e", "bessel_i1e"):
        np.testing.assert_array_equal(np.asarray(getattr(plax, name)(z)), np.asarray(_jax_lax(name)(z)))


def test_half_precision_computes_in_float32():
    a = np.float16([0.5, 2, 3]), np.float16([0.25, 1, 7.5])
    got = plax.igamma(*a)
    assert got.dtype == np.float16
    np.testing.assert_allclose(np.asarray(got, np.float32), np.asarray(jlax.igamma(*a), np.float32), rtol=2e-3)


def test_igamma_derivatives(jax_x64):
    """In x: the gamma density; in a: igamma_grad_a. First order in a (JAX has no second), both
    modes against finite differences, and element for element against JAX's."""
    a, x = np.float64([0.7, 2.5, 4.0]), np.float64([0.4, 3.0, 9.0])  # series and continued fraction
    for name in ("igamma", "igammac"):
        f = getattr(plax, name)
        test_util.check_grads(lambda a_: f(a_, x), (a,), order=1, modes=("fwd", "rev"))
        test_util.check_grads(lambda x_: f(a, x_), (x,), order=2, modes=("fwd", "rev"))
        for arg in (0, 1):
            got = pj.grad(lambda *v: f(*v).sum(), argnums=arg)(a, x)
            want = jax.grad(lambda *v: getattr(jlax, name)(*v).sum(), argnums=arg)(a, x)
            np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-10)


def test_igamma_grad_a_and_random_gamma_grad_in_x(jax_x64):
    """JAX differentiates neither; their x-derivatives here are closed forms, checked against
    finite differences to order 2; in a they raise, as JAX."""
    a, x = np.float64([0.7, 2.5, 4.0]), np.float64([0.4, 3.0, 9.0])
    for name in ("igamma_grad_a", "random_gamma_grad"):
        test_util.check_grads(lambda x_: getattr(plax, name)(a, x_), (x,), order=2, modes=("fwd", "rev"))
        with pytest.raises(ValueError, match="not differentiable in a"):
            pj.grad(lambda a_: getattr(plax, name)(a_, x).sum())(a)


def test_random_gamma_grad_is_the_implicit_derivative(jax_x64):
    """dx/da at fixed P(a, x) = -(dP/da) / (dP/dx)."""
    a, x = np.float64([0.3, 1.5, 6.0]), np.float64([0.2, 2.0, 4.0])
    dp_da = np.asarray(plax.igamma_grad_a(a, x))
    dp_dx = np.asarray(pj.grad(lambda x_: plax.igamma(a, x_).sum())(x))
    np.testing.assert_allclose(np.asarray(plax.random_gamma_grad(a, x)), -dp_da / dp_dx, rtol=1e-10)


def test_betainc_derivatives(jax_x64):
    a, b, x = np.float64([0.5, 2.0, 3.0]), np.float64([1.5, 2.0, 0.7]), np.float64([0.2, 0.5, 0.9])
    test_util.check_grads(lambda x_: plax.betainc(a, b, x_), (x,), order=2, modes=("fwd", "rev"))
    got = pj.grad(lambda v: plax.betainc(a, b, v).sum())(x)
    want = jax.grad(lambda v: jlax.betainc(a, b, v).sum())(x)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-10)
    for arg in (0, 1):
        with pytest.raises(ValueError, match="Betainc gradient with respect to a and b not supported"):
            pj.grad(lambda *v: plax.betainc(*v).sum(), argnums=arg)(a, b, x)


@pytest.mark.parametrize("name", ["bessel_i0e", "bessel_i1e"])
def test_bessel_derivatives(name, jax_x64):
    z = np.float64([-9.0, -0.5, 0.3, 2.0, 8.5])
    test_util.check_grads(getattr(plax, name), (z,), order=2, modes=("fwd", "rev"))
    zz = np.r_[z, 0.0]
    got = pj.vmap(pj.grad(getattr(plax, name)))(zz)
    want = jax.vmap(jax.grad(getattr(jlax, name)))(zz)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-10, atol=1e-15)


def test_vmap_of_the_ops():
    a = RNG.uniform(0.5, 4, (3, 5)).astype(np.float32)
    x = RNG.uniform(0.1, 6, (3, 5)).astype(np.float32)
    u = RNG.uniform(0.05, 0.95, (3, 5)).astype(np.float32)
    for name in ("igamma", "igammac", "igamma_grad_a", "random_gamma_grad"):
        f = getattr(plax, name)
        got = pj.vmap(f, in_axes=(1, None))(a, x[:, 0])
        want = np.stack([np.asarray(f(a[:, i], x[:, 0])) for i in range(5)])
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)
    got = pj.vmap(plax.betainc, in_axes=(0, None, 0))(a, a[0], u)
    want = np.stack([np.asarray(plax.betainc(a[i], a[0], u[i])) for i in range(3)])
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(pj.vmap(plax.bessel_i1e)(x - 3)), np.asarray(jlax.bessel_i1e(x - 3)),
                               rtol=4e-6)


# ---- scipy.special -------------------------------------------------------------------

P = np.r_[RNG.uniform(0, 3, 12), 0, 0, 1, -1]
Q = np.r_[RNG.uniform(0, 3, 12), 0, 1, 0, 1]
LAMBDA = np.r_[RNG.uniform(-2, 2, 12), 0, 0, 1, -1]
SCIPY = {
    "gammainc": (A, X), "gammaincc": (A, X), "betainc": (BA, BB, BX),
    "i0": (Z[np.isfinite(Z)] / 2,), "i0e": (Z,), "i1": (Z[np.isfinite(Z)] / 2,), "i1e": (Z,),
    "loggamma": (np.r_[RNG.uniform(-5, 30, 20), 0, 1, 2, -1],),
    "comb": (np.r_[10, 5, 3, -1, 7.5, 4, 0, 2, 30, 12.5], np.r_[3, 5, 4, 1, 2.5, 0, 0, -1, 15, 13]),
    "boxcox": (np.r_[RNG.uniform(0.01, 5, 12), 0, -1, 1, 2], LAMBDA),
    "boxcox1p": (np.r_[RNG.uniform(-0.99, 5, 12), -1, -2, 0, 2], LAMBDA),
    "rel_entr": (P, Q), "kl_div": (P, Q),
    "poch": (np.r_[RNG.uniform(0.5, 5, 12), 1, 2, 3, 0.5], np.r_[RNG.uniform(-0.4, 3, 12), 0, 0, 2, -0.2]),
    "spence": (np.r_[RNG.uniform(0, 20, 20), 0, 1, 2, 0.5, 1.5, -1],),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(SCIPY))
def test_scipy_special_against_jax(name, dtype, jax_x64):
    args = [np.asarray(a, dtype) for a in SCIPY[name]]
    want = np.asarray(getattr(js, name)(*args))
    exact = np.asarray(getattr(js, name)(*(a.astype(np.float64) for a in args)))
    rtol = 3e-5 if dtype == "float32" else 1e-11
    for f in (getattr(ps, name), pj.jit(getattr(ps, name))):
        got = np.asarray(f(*args))
        assert got.dtype == want.dtype
        # lgamma's float32 Lanczos sum is 4 ulps of 1 off at its zeros 1 and 2 (test_special.py)
        assert_close_as_jax(got, want, exact, rtol, atol=1e-6 if name == "loggamma" else None)


def test_comb_with_repetition(jax_x64):
    n, k = np.float64([10, 5, 0, -1, 3.5]), np.float64([3, 0, 0, 2, 1.5])
    np.testing.assert_allclose(np.asarray(ps.comb(n, k, repetition=True)),
                               np.asarray(js.comb(n, k, repetition=True)), rtol=1e-12)


GRADS = {"gammainc": (np.float64([1.5, 3.0]), np.float64([0.7, 4.5])), "i0": (np.float64([-2.0, 0.5, 3.0]),),
         "i1": (np.float64([-2.0, 0.5, 3.0]),), "boxcox": (np.float64([0.5, 2.0]), np.float64([-0.7, 1.3])),
         "boxcox1p": (np.float64([-0.5, 2.0]), np.float64([-0.7, 1.3])),
         "rel_entr": (np.float64([0.5, 2.0]), np.float64([1.5, 0.3])),
         "kl_div": (np.float64([0.5, 2.0]), np.float64([1.5, 0.3])),
         "poch": (np.float64([1.5, 3.0]), np.float64([0.7, 2.5])), "comb": (np.float64([7.5, 9.0]), np.float64([2.5, 4.0])),
         "loggamma": (np.float64([0.5, 3.0]),)}


@pytest.mark.parametrize("name", sorted(GRADS))
def test_scipy_special_grads(name, jax_x64):
    args = GRADS[name]
    order = 1 if name == "gammainc" else 2  # JAX has no second derivative of igamma in a
    test_util.check_grads(getattr(ps, name), args, order=order, modes=("fwd", "rev"))
    for arg in range(len(args)):
        got = pj.grad(lambda *v: getattr(ps, name)(*v).sum(), argnums=arg)(*args)
        want = jax.grad(lambda *v: getattr(js, name)(*v).sum(), argnums=arg)(*args)
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-9)


def test_jnp_i0(jax_x64):
    x = np.float64([-3.0, 0.0, 0.5, 12.0])
    np.testing.assert_allclose(np.asarray(pnp.i0(x)), np.asarray(jnp.i0(x)), rtol=1e-13)
    np.testing.assert_allclose(np.asarray(pj.jit(pnp.i0)(x.astype(np.float32))),
                               np.asarray(jnp.i0(x.astype(np.float32))), rtol=4e-6)
    got = pj.vmap(pj.grad(pnp.i0))(x)
    np.testing.assert_allclose(np.asarray(got), np.asarray(jax.vmap(jax.grad(jnp.i0))(x)), rtol=1e-12)
    assert float(got[1]) == 0.0


def test_bernoulli(jax_x64):
    for n in (0, 1, 2, 3, 10, 24):
        np.testing.assert_allclose(np.asarray(ps.bernoulli(n)), np.asarray(js.bernoulli(n)), rtol=1e-12)
    with pytest.raises(ValueError, match="non-negative"):
        ps.bernoulli(-1)


def test_errors_as_jax():
    with pytest.raises(ValueError, match="complex"):
        ps.betainc(1.0, 2.0, np.complex64(0.5))
    with pytest.raises(ValueError, match="complex"):
        ps.rel_entr(np.complex64(1), 2.0)
    with pytest.raises(TypeError, match="not supported"):
        ps.spence(np.int32(3))
    with pytest.raises(ValueError):
        pnp.i0(np.complex64(1))
