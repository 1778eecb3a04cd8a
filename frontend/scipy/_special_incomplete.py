"""jax.scipy.special's incomplete gamma/beta, Bessel, entropy and combinatorial functions.

gammainc, gammaincc, betainc, i0e and i1e are one pb op each (dialects/ops/incomplete.py); i0 and
i1 scale them back by exp|x|. The rest compose pb ops as JAX does (jax/_src/scipy/special.py),
with JAX's custom derivatives where it defines them (poch). Kept apart from special.py so
neither module grows past a screenful of unrelated functions.
"""
from __future__ import annotations

import operator as _operator

import numpy as _np

from .. import lax
from .. import numpy as jnp
from ..custom_derivatives import custom_jvp
from ..numpy._core import as_value
from .special import _args, _c, digamma, gamma, gammaln


def _real_args(name, *xs):
    xs = _args(*xs)
    if jnp.issubdtype(xs[0].aval.dtype, jnp.complexfloating):
        raise ValueError(f"{name} does not support complex-valued inputs.")
    return xs


def gammainc(a, x):
    """The regularized lower incomplete gamma function P(a, x)."""
    return lax.igamma(*_args(a, x))


def gammaincc(a, x):
    """The regularized upper incomplete gamma function Q(a, x)."""
    return lax.igammac(*_args(a, x))


def betainc(a, b, x):
    """The regularized incomplete beta function I_x(a, b)."""
    return lax.betainc(*_real_args("betainc", a, b, x))


def i0e(x):
    return lax.bessel_i0e(*_args(x))


def i1e(x):
    return lax.bessel_i1e(*_args(x))


def i0(x):
    (x,) = _args(x)
    return lax.mul(lax.exp(lax.abs(x)), lax.bessel_i0e(x))


def i1(x):
    (x,) = _args(x)
    return lax.mul(lax.exp(lax.abs(x)), lax.bessel_i1e(x))


def loggamma(x):
    """log Gamma(x) for real x > 0 (nan elsewhere). Complex x is not supported here."""
    (x,) = _args(x)
    if jnp.issubdtype(x.aval.dtype, jnp.complexfloating):
        raise TypeError("pullback's loggamma takes real inputs only (the complex branch is not implemented)")
    return jnp.where(lax.gt(x, _c(x, 0)), lax.lgamma(x), _c(x, _np.nan))


def comb(N, k, *, repetition=False):
    """The binomial coefficient from gammaln (0 outside 0 <= k <= N), as JAX."""
    N, k = _args(N, k)
    if repetition:
        result = comb(lax.sub(lax.add(N, k), _c(N, 1)), k)
        return jnp.where(jnp.logical_and(lax.eq(k, _c(k, 0)), lax.ge(N, _c(N, 0))), _c(N, 1.0), result)
    cond = jnp.logical_and(jnp.logical_and(lax.le(k, N), lax.ge(N, _c(N, 0))), lax.ge(k, _c(k, 0)))
    safe_n = jnp.where(cond, N, _c(N, 0.0))
    safe_k = jnp.where(cond, k, _c(k, 0.0))
    one = _c(N, 1)
    log = lax.sub(lax.sub(gammaln(lax.add(safe_n, one)), gammaln(lax.add(safe_k, one))),
                  gammaln(lax.sub(lax.add(safe_n, one), safe_k)))
    return jnp.where(cond, lax.exp(log), _c(N, 0.0))


def _boxcox(log_x, lmbda):
    zero = lax.eq(lmbda, _c(lmbda, 0))
    safe = jnp.where(zero, jnp.ones_like(lmbda), lmbda)
    return jnp.where(zero, log_x, lax.div(lax.expm1(lax.mul(safe, log_x)), safe))


def boxcox(x, lmbda):
    """(x^lmbda - 1) / lmbda, log x at lmbda = 0."""
    x, lmbda = _args(x, lmbda)
    return _boxcox(lax.log(x), lmbda)


def boxcox1p(x, lmbda):
    """((1 + x)^lmbda - 1) / lmbda, log1p x at lmbda = 0."""
    x, lmbda = _args(x, lmbda)
    return _boxcox(lax.log1p(x), lmbda)


def rel_entr(p, q):
    """p log(p / q) for p, q > 0; 0 at p = 0 <= q; inf elsewhere."""
    p, q = _real_args("rel_entr", p, q)
    zero = _c(p, 0.0)
    both = jnp.logical_and(lax.gt(p, zero), lax.gt(q, zero))
    one_zero = jnp.logical_and(lax.eq(p, zero), lax.ge(q, zero))
    safe_p = jnp.where(both, p, _c(p, 1))
    safe_q = jnp.where(both, q, _c(q, 1))
    value = lax.sub(lax.mul(safe_p, lax.log(safe_p)), lax.mul(safe_p, lax.log(safe_q)))
    return jnp.where(both, value, jnp.where(one_zero, zero, _c(p, _np.inf)))


def kl_div(p, q):
    """rel_entr(p, q) - p + q."""
    p, q = _real_args("kl_div", p, q)
    return lax.add(lax.sub(rel_entr(p, q), p), q)


@custom_jvp
def _poch(z, m):
    return jnp.where(lax.eq(m, _c(m, 0.0)), _c(z, 1), lax.div(gamma(lax.add(z, m)), gamma(z)))


def _poch_z(z_dot, ans, z, m):
    return lax.mul(lax.mul(lax.sub(digamma(lax.add(z, m)), digamma(z)), _poch(z, m)), z_dot)


def _poch_m(m_dot, ans, z, m):
    return lax.mul(lax.mul(digamma(lax.add(z, m)), _poch(z, m)), m_dot)


_poch.defjvps(_poch_z, _poch_m)


def poch(z, m):
    """The rising factorial Gamma(z + m) / Gamma(z) (1 at m = 0), with JAX's derivatives."""
    z, m = _real_args("poch", z, m)
    return _poch(z, m)


# Cephes' rational approximation of spence on [0, 1] in w (JAX's _spence_poly)
_SPENCE_A = (4.65128586073990045278E-5, 7.31589045238094711071E-3, 1.33847639578309018650E-1,
             8.79691311754530315341E-1, 2.71149851196553469920E0, 4.25697156008121755724E0,
             3.29771340985225106936E0, 1.00000000000000000126E0)
_SPENCE_B = (6.90990488912553276999E-4, 2.54043763932544379113E-2, 2.82974860602568089943E-1,
             1.41172597751831069617E0, 3.63800533345137075418E0, 5.03278880143316990390E0,
             3.54771340985225096217E0, 9.99999999999999998740E-1)


def _horner(coefficients, w):
    acc = _c(w, coefficients[0])
    for k in coefficients[1:]:
        acc = lax.add(lax.mul(acc, w), _c(w, k))
    return acc


def spence(x):
    """Spence's function int_1^x log t / (1 - t) dt for x >= 0 (nan below), Cephes' algorithm."""
    x = as_value(jnp.asarray(x))
    if x.aval.dtype not in ("float32", "float64"):
        raise TypeError(f"x.dtype={x.aval.dtype} is not supported, see docstring for supported types.")
    one = _c(x, 1.0)
    big = lax.gt(x, _c(x, 2.0))
    # keep the branches away from 0 and 1, where they are replaced below
    y = jnp.where(jnp.logical_or(lax.le(x, _c(x, 0.0)), lax.eq(x, one)), _c(x, 0.5), x)
    y = jnp.where(big, lax.div(one, y), y)
    above = lax.gt(y, _c(x, 1.5))
    below = lax.lt(y, _c(x, 0.5))
    w = jnp.where(above, lax.sub(lax.div(one, y), one), jnp.where(below, lax.neg(y), lax.sub(y, one)))
    poly = lax.div(lax.mul(lax.neg(w), _horner(_SPENCE_A, w)), _horner(_SPENCE_B, w))
    out = jnp.where(below, lax.sub(lax.sub(_c(x, _np.pi ** 2 / 6), lax.mul(lax.log(y), lax.log1p(lax.neg(y)))), poly),
                    poly)
    log_y = lax.log(y)
    out = jnp.where(jnp.logical_or(big, above), lax.sub(lax.mul(_c(x, -0.5), lax.mul(log_y, log_y)), out), out)
    out = jnp.where(lax.eq(x, _c(x, 0.0)), _c(x, _np.pi ** 2 / 6), out)
    out = jnp.where(lax.eq(x, one), _c(x, 0.0), out)
    return jnp.where(lax.lt(x, _c(x, 0.0)), _c(x, _np.nan), out)


def bernoulli(n):
    """The first n + 1 Bernoulli numbers (B_1 = -1/2), from the zeta series as JAX computes them."""
    n = _operator.index(n)
    if n < 0:
        raise ValueError("n must be a non-negative integer.")
    b3 = jnp.array([1, -1 / 2, 1 / 6])
    if n < 3:
        return b3[:n + 1]
    m = jnp.arange(4, n + 1, 2, dtype=b3.dtype)
    q1 = jnp.multiply(1.0 / _np.pi ** 2, jnp.cumprod(-(m - 1) * m / 4 / _np.pi ** 2))
    k = jnp.arange(2, 50, dtype=b3.dtype)
    q2 = jnp.sum(k[:, None] ** -m[None, :], axis=0)
    bn = jnp.zeros(n + 1, dtype=b3.dtype).at[:3].set(b3)
    return bn.at[4::2].set(q1 * (1 + q2))


__all__ = ["bernoulli", "betainc", "boxcox", "boxcox1p", "comb", "gammainc", "gammaincc", "i0", "i0e", "i1", "i1e",
           "kl_div", "loggamma", "poch", "rel_entr", "spence"]
