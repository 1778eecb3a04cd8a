"""jax.scipy.special.owens_t: Owen's T(h, a) = 1/(2 pi) int_0^a e^(-h^2 (1 + x^2)/2) / (1 + x^2) dx.

For |a| <= 1 the integrand is smooth on [0, |a|]: 20-point Gauss-Legendre (nodes from numpy at
import) reaches float64 round-off, absolute, over the whole (h, a) plane; |a| > 1 maps there by
T(h, a) = (erfc(h/r2) + erfc(ah/r2) - erfc(h/r2) erfc(ah/r2))/4 - T(ah, 1/a) (r2 = sqrt 2, h >= 0).
Derivatives in closed form. At a = +-inf this follows SciPy (JAX is nan at h = 0).
"""
from __future__ import annotations

import math as _math

import numpy as _np

from .. import lax
from .. import numpy as jnp
from ..custom_derivatives import custom_jvp
from ._special_incomplete import _real_args
from .special import _widened

_X, _W = _np.polynomial.legendre.leggauss(20)
_NODES = tuple(float(x) for x in (_X + 1) / 2)
_WEIGHTS = tuple(float(w) for w in _W / (4 * _math.pi))  # the [0, 1] rule times 1/(2 pi)
_R2 = _math.sqrt(2)


def _quadrature(h, a):
    """T(h, a) for 0 <= a <= 1, h >= 0: the integral over x = a s, s in [0, 1]."""
    total = jnp.zeros_like(h)
    for s, w in zip(_NODES, _WEIGHTS):
        r = (a * s) ** 2
        total = total + w * jnp.exp(-h * h * (1 + r) / 2) / (1 + r)
    return jnp.where(a == 0, 0.0, a * total)


@custom_jvp
@_widened
def _owens_t(h, a):
    h, big = jnp.abs(h), jnp.abs(a)
    inverted = big > 1
    ah = jnp.where(h == 0, 0.0, big * h)
    small = jnp.where(inverted, 1 / big, big)
    t = _quadrature(jnp.where(inverted, ah, h), small)
    n1, n2 = lax.erfc(h / _R2), lax.erfc(ah / _R2)
    t = jnp.where(inverted, (n1 + n2 - n1 * n2) / 4 - t, t)
    return jnp.sign(a) * t


@_owens_t.defjvp
def _owens_t_jvp(primals, tangents):
    (h, a), (th, ta) = primals, tangents
    d_h = -jnp.exp(-h * h / 2) * lax.erf(a * h / _R2) / (2 * _math.sqrt(2 * _math.pi))
    d_a = jnp.exp(-(1 + a * a) * h * h / 2) / (2 * _math.pi * (1 + a * a))
    return _owens_t(h, a), d_h * th + d_a * ta


def owens_t(h, a):
    """Owen's T function T(h, a), real h and a."""
    h, a = _real_args("owens_t", h, a)
    return _owens_t(h, a)


__all__ = ["owens_t"]
