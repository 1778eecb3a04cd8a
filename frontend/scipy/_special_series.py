"""jax.scipy.special's exponential, sine and cosine integrals: exp1, expi, expn, sici.

Each is a power series near 0 and a continued fraction or asymptotic series beyond, summed for a
fixed number of terms in a lax loop (so jit, vmap and batching see one static program), widened
to float64 where x64 allows (_widened), with the closed-form derivatives as custom_jvp rules.
Term counts are set for float64 round-off on each branch's worst point. Edge values follow
SciPy where JAX's differ (JAX's expi is nan at 0 and +inf, its exp1/expn loop forever at 0).
"""
from __future__ import annotations

import numpy as _np

from .. import lax
from .. import numpy as jnp
from ..custom_derivatives import custom_jvp
from ._special_incomplete import _real_args
from .special import _closed_form, _widened, digamma

_EULER = float(_np.euler_gamma)


def _index(j, z):
    return lax.convert_element_type(j, jnp.real(z).dtype)


def _ein_series(z, terms, scale=1.0, shift=0.0, first=1):
    """sum_{j=first}^{terms} z^j / (j! (scale j + shift)), real or complex z: the entire part of
    E1/Ei/Si/Ci (scale 1, shift 0) and of the Fresnel integrals (scale 2, shift 1)."""
    def body(j, carry):
        power, acc = carry  # power = z^(j-1) / (j-1)!
        jf = _index(j, z)
        power = power * z / jf
        return power, acc + power / (scale * jf + shift)
    power0 = jnp.ones_like(z)
    acc0 = power0 / shift if first == 0 else jnp.zeros_like(z)
    return lax.fori_loop(1, terms + 1, body, (power0, acc0))[1]


def _expn_fraction(n, z, terms):
    """E_n(z) = e^-z / (z + n - 1 n / (z + n + 2 - 2 (n + 1) / (z + n + 4 - ...))), evaluated from
    its tail up: converges for |z| >= 1 where the power series cancels (real z, or z = ix for sici)."""
    def body(i, t):
        k = _index(terms - i, z)
        return z + n + 2 * (k - 1) - k * (n + k - 1) / t
    t = lax.fori_loop(0, terms, body, z + n + 2 * terms)
    return jnp.exp(-z) / t


def _expn_series(n, x, terms=24):
    """E_n(x), 0 < x <= 1: (-x)^(n-1)/(n-1)! (psi(n) - log x) - sum_{k != n-1} (-x)^k / ((k - n + 1) k!)."""
    def body(k, carry):
        power, acc = carry  # power = (-x)^k / k!
        kf = _index(k, x)
        special = kf == n - 1
        term = jnp.where(special, power * (digamma(n) - jnp.log(x)),
                         -power / jnp.where(special, 1.0, kf - n + 1))
        return -power * x / (kf + 1), acc + term
    return lax.fori_loop(0, terms, body, (jnp.ones_like(x), jnp.zeros_like(x)))[1]


@_widened
def _expn_impl(n, x):
    n = jnp.trunc(n)  # SciPy truncates a non-integer order
    safe = jnp.where(x > 0, x, 1.0)
    positive_n = jnp.maximum(n, 1.0)
    value = jnp.where(safe <= 1, _expn_series(positive_n, jnp.minimum(safe, 1.0)),
                      _expn_fraction(positive_n, jnp.maximum(safe, 1.0), 80))
    value = jnp.where(n == 0, jnp.exp(-safe) / safe, value)
    at_zero = jnp.where(n > 1, 1 / jnp.maximum(n - 1, 1.0), _np.inf)
    value = jnp.where(x == 0, at_zero, value)
    return jnp.where((n < 0) | (x < 0) | jnp.isnan(x), _np.nan, value)


_expn = custom_jvp(_expn_impl, nondiff_argnums=(0,))


@_expn.defjvp
def _expn_jvp(n, primals, tangents):
    (x,), (t,) = primals, tangents
    out = _expn(n, x)
    slope = jnp.where(n == 0, -out * (1 + 1 / x), -_expn(jnp.maximum(n - 1, 0), x))
    return out, slope * t


def expn(n, x):
    """The generalized exponential integral E_n(x) = int_1^inf e^(-xt) / t^n dt, x >= 0 (nan below)."""
    n, x = _real_args("expn", n, x)
    return _expn(n, x)


@_closed_form(lambda x, out: -jnp.exp(-x) / x)
def _exp1(x):
    return _expn_impl(jnp.ones_like(x), x)


def exp1(x):
    """E1(x) = int_1^inf e^(-xt) / t dt for x >= 0 (nan below)."""
    (x,) = _real_args("exp1", x)
    return _exp1(x)


@_closed_form(lambda x, out: jnp.exp(x) / x)
def _expi(x):
    # x > 40: the asymptotic e^x/x sum k!/x^k has its smallest term below float64 eps; below,
    # the all-positive power series (110 terms reach eps at x = 40)
    small = jnp.clip(x, 1e-300, 40.0)
    series = _EULER + jnp.log(small) + _ein_series(small, 110)
    big = jnp.maximum(x, 40.0)
    def body(k, carry):
        term, acc = carry
        term = term * _index(k, big) / big
        return term, acc + term
    asymptotic = lax.fori_loop(1, 41, body, (jnp.ones_like(big), jnp.ones_like(big)))[1]
    half = jnp.exp(big / 2)  # e^x in two halves: finite up to Ei's own overflow
    asymptotic = half * (half / big) * asymptotic
    positive = jnp.where(x > 40, jnp.where(x == _np.inf, _np.inf, asymptotic), series)
    positive = jnp.where(x == 0, -_np.inf, positive)
    return jnp.where(x < 0, -_exp1(-x), positive)


def expi(x):
    """Ei(x) = -PV int_-x^inf e^-t / t dt: -E1(-x) for x < 0."""
    (x,) = _real_args("expi", x)
    return _expi(x)


def _sici_slope(x, out):
    sinc = jnp.where(x == 0, 1.0, jnp.sin(x) / jnp.where(x == 0, 1.0, x))
    return sinc, jnp.cos(x) / x


@_closed_form(_sici_slope)
def _sici(x):
    # |x| <= 4: Si + i (Ci - gamma - log x) = sum (ix)^j / (j j!); beyond, Ci - i (Si - pi/2) = -E1(ix)
    # by its continued fraction, 40 terms at |x| = 4
    ax = jnp.abs(x)
    near = jnp.minimum(ax, 4.0)
    series = _ein_series(lax.complex(jnp.zeros_like(near), near), 34)
    si_near, ci_near = jnp.imag(series), _EULER + jnp.log(near) + jnp.real(series)
    far = jnp.where(jnp.isinf(ax), 4.0, jnp.maximum(ax, 4.0))
    e1 = _expn_fraction(1.0, lax.complex(jnp.zeros_like(far), far), 40)
    si_far, ci_far = jnp.pi / 2 + jnp.imag(e1), -jnp.real(e1)
    si = jnp.where(ax <= 4, si_near, jnp.where(jnp.isinf(ax), jnp.pi / 2, si_far))
    ci = jnp.where(ax <= 4, ci_near, jnp.where(jnp.isinf(ax), 0.0, ci_far))
    ci = jnp.where(x == -_np.inf, _np.nan, ci)  # SciPy's Ci(-inf)
    return jnp.where(x < 0, -si, si), ci


def sici(x):
    """(Si(x), Ci(x)): the sine and cosine integrals; Ci(-x) = Ci(x), as SciPy's real branch."""
    (x,) = _real_args("sici", x)
    return _sici(x)


__all__ = ["exp1", "expi", "expn", "sici"]
