"""jax.scipy.special's Faddeeva function wofz and what follows from it: erfcx, dawsn, fresnel.

w(z) = e^(-z^2) erfc(-iz) by Weideman's rational approximation (SIAM J. Numer. Anal. 31, 1994): one
polynomial in (L + iz)/(L - iz), valid in the whole upper half plane, ~2e-14 relative with 40 terms
(the coefficients are computed here from his FFT recipe), the lower half plane by reflection. For
real x, erfcx(x) = w(ix) and dawsn(x) = sqrt(pi)/2 Im w(x); the Fresnel integrals are erf at
(1 - i) x sqrt(pi)/2. All widen to float64/complex128 (_widened); derivatives in closed form.
"""
from __future__ import annotations

import numpy as _np

from .. import lax
from .. import numpy as jnp
from ._special_incomplete import _real_args
from ._special_series import _ein_series
from .special import _args, _closed_form

_N = 40
_L = float(_np.sqrt(_N / _np.sqrt(2)))
_SQRT_PI = float(_np.sqrt(_np.pi))


def _weideman_coefficients(n=_N, length=_L):
    m = 2 * n
    t = length * _np.tan(_np.arange(-m + 1, m) * _np.pi / (2 * m))
    f = _np.r_[0.0, _np.exp(-t * t) * (length * length + t * t)]
    a = _np.real(_np.fft.fft(_np.fft.fftshift(f))) / (2 * m)
    return tuple(float(v) for v in a[n:0:-1])  # highest degree first


_COEFFICIENTS = _weideman_coefficients()


def _polyval(coefficients, z):
    acc = jnp.zeros_like(z) + coefficients[0]
    for c in coefficients[1:]:
        acc = acc * z + c
    return acc


def _w_upper(z):
    """w(z) for Im z >= 0; the asymptotic i / (sqrt(pi) z) (1 + 1/(2z^2)) beyond |z| = 1e8, where
    the rational form's (L + iz)/(L - iz) would be inf/inf."""
    iz = 1j * z
    far = jnp.abs(z) > 1e8
    safe = jnp.where(far, 1j, iz)
    denominator = _L - safe
    rational = 2 * _polyval(_COEFFICIENTS, (_L + safe) / denominator) / (denominator * denominator) \
        + 1 / (_SQRT_PI * denominator)
    big = jnp.where(far, z, 1.0)
    return jnp.where(far, 1j / (_SQRT_PI * big) * (1 + 0.5 / (big * big)), rational)


@_closed_form(lambda z, w: 2j / _SQRT_PI - 2 * z * w)
def _wofz(z):
    upper = jnp.imag(z) >= 0
    w = _w_upper(jnp.where(upper, z, -z))
    return jnp.where(upper, w, 2 * jnp.exp(-z * z) - w)


def wofz(z):
    """The Faddeeva function w(z) = e^(-z^2) erfc(-iz)."""
    (z,) = _args(z)
    if not jnp.issubdtype(z.aval.dtype, jnp.complexfloating):
        z = lax.convert_element_type(z, {"float64": "complex128"}.get(z.aval.dtype, "complex64"))
    return _wofz(z)


@_closed_form(lambda x, out: 2 * x * out - 2 / _SQRT_PI)
def _erfcx(x):
    # w(iy) for real y >= 0 is real: the rational form in real arithmetic, Z = (L - y)/(L + y)
    y = jnp.abs(x)
    far = y > 1e8
    safe = jnp.where(far, 1.0, y)
    denominator = _L + safe
    upper = 2 * _polyval(_COEFFICIENTS, (_L - safe) / denominator) / (denominator * denominator) \
        + 1 / (_SQRT_PI * denominator)
    upper = jnp.where(far, 1 / (_SQRT_PI * y), upper)
    return jnp.where(x < 0, 2 * jnp.exp(x * x) - upper, upper)


def erfcx(x):
    """The scaled complementary error function e^(x^2) erfc(x); w(ix) for complex x."""
    (x,) = _args(x)
    if jnp.issubdtype(x.aval.dtype, jnp.complexfloating):
        return _wofz(1j * x)
    return _erfcx(x)


@_closed_form(lambda x, out: 1 - 2 * x * out)
def _dawsn(x):
    # |x| < 0.5: the Taylor series sum (-2)^k x^(2k+1) / (2k+1)!!, keeping the relative accuracy
    # near 0 that the Im part of w loses
    ax = jnp.abs(x)
    near = jnp.minimum(ax, 0.5)
    term, series = near, near
    for k in range(1, 18):
        term = term * (-2 * near * near) / (2 * k + 1)
        series = series + term
    far = _SQRT_PI / 2 * jnp.imag(_w_upper(lax.complex(jnp.maximum(ax, 0.5), jnp.zeros_like(ax))))
    return jnp.sign(x) * jnp.where(ax < 0.5, series, far)


def dawsn(x):
    """Dawson's integral e^(-x^2) int_0^x e^(t^2) dt."""
    (x,) = _real_args("dawsn", x)
    return _dawsn(x)


@_closed_form(lambda x, out: (jnp.sin(jnp.pi / 2 * x * x), jnp.cos(jnp.pi / 2 * x * x)))
def _fresnel(x):
    # |x| <= 1: C + iS = x sum (i pi x^2/2)^j / (j! (2j + 1)); beyond, C + iS = (1+i)/2 erf(z) with
    # z = sqrt(pi)/2 (1-i)|x|, erfc(z) = e^(i pi x^2/2) w(sqrt(pi)/2 (1+i)|x|), for the upper half plane
    ax = jnp.abs(x)
    near = jnp.minimum(ax, 1.0)
    series = near * _ein_series(lax.complex(jnp.zeros_like(near), jnp.pi / 2 * near * near), 26,
                                scale=2.0, shift=1.0, first=0)
    far = jnp.where(jnp.isinf(ax), 1.0, jnp.maximum(ax, 1.0))
    phase = jnp.pi / 2 * far * far
    erfc = lax.complex(jnp.cos(phase), jnp.sin(phase)) * _w_upper(_SQRT_PI / 2 * (1 + 1j) * far)
    far = (0.5 + 0.5j) * (1 - erfc)
    value = jnp.where(ax <= 1, series, jnp.where(jnp.isinf(ax), 0.5 + 0.5j, far))
    return jnp.sign(x) * jnp.imag(value), jnp.sign(x) * jnp.real(value)


def fresnel(x):
    """(S(x), C(x)) = (int_0^x sin(pi t^2/2) dt, int_0^x cos(pi t^2/2) dt), as SciPy orders them."""
    (x,) = _real_args("fresnel", x)
    return _fresnel(x)


__all__ = ["dawsn", "erfcx", "fresnel", "wofz"]
