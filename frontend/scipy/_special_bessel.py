"""jax.scipy.special.bessel_jn: J_0 .. J_v of real z by Miller's backward recurrence.

The recurrence runs on the ratios q_k = J_(k+1)/J_k = z / (2(k+1) - z q_(k+1)) from order n_iter
down (JAX's starting point), not on unnormalized values, so nothing overflows at small |z| (where
JAX's float32 and z = 0 results are nan); J_0 = 1/(1 + 2 sum_m J_2m/J_0) normalizes, as in Zhang
& Jin. Derivatives in closed form: J_n' = (J_(n-1) - J_(n+1))/2, J_0' = -J_1.
"""
from __future__ import annotations

import operator as _operator

from .. import lax
from .. import numpy as jnp
from ..custom_derivatives import custom_jvp
from ..numpy._core import as_value, promote_inexact
from .special import _widened


def _orders(z, top, count):
    """J_0 .. J_(count-1) of z, the recurrence started at order top >= count - 1."""
    def step(k, q, even_sum):
        # even_sum = sum of J_j / J_k over even j > k
        kf = lax.convert_element_type(k, z.dtype)
        q = z / (2 * (kf + 1) - z * q)
        return q, q * (even_sum + jnp.where(lax.rem(k + 1, 2) == 0, 1.0, 0.0).astype(z.dtype))
    zero = jnp.zeros_like(z)
    q, even_sum = lax.fori_loop(0, top - count + 2, lambda i, c: step(top - i, *c), (zero, zero))
    ratios = []
    for k in range(count - 2, -1, -1):
        q, even_sum = step(k, q, even_sum)
        ratios.insert(0, q)
    values = [1 / (1 + 2 * even_sum)]
    for q in ratios:
        values.append(values[-1] * q)
    return jnp.stack(values)


def _through_next(z, v, n_iter):
    """J_0 .. J_(v+1): one order beyond the result, for the derivative."""
    return _widened(lambda z: _orders(z, max(n_iter, v + 1), v + 2))(z)


def _jn_impl(z, v, n_iter):
    return _through_next(z, v, n_iter)[:v + 1]


_jn = custom_jvp(_jn_impl, nondiff_argnums=(1, 2))


@_jn.defjvp
def _jn_jvp(v, n_iter, primals, tangents):
    (z,), (t,) = primals, tangents
    values = _through_next(z, v, n_iter)
    previous = jnp.concatenate([-values[1:2], values[:v]])  # J_(-1) = -J_1
    return values[:v + 1], (previous - values[1:]) / 2 * t


def bessel_jn(z, *, v, n_iter=50):
    """J_0(z) .. J_v(z) for real z, shape (v + 1, *z.shape); accurate while n_iter well exceeds |z|."""
    v, n_iter = _operator.index(v), int(n_iter)
    (z,) = promote_inexact(as_value(jnp.asarray(z)))
    if jnp.issubdtype(z.dtype, jnp.complexfloating):
        raise ValueError("complex input not supported.")
    return _jn(z, v, n_iter)


__all__ = ["bessel_jn"]
