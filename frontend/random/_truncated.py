"""random.truncated_normal, JAX's algorithm: a uniform draw between erf(lower/sqrt2) and
erf(upper/sqrt2), mapped back through sqrt2 * erf_inv and clamped inside (lower, upper).
Same bits as JAX for the same key; needs lax.erf and lax.erf_inv."""
from __future__ import annotations

import numpy as np

from pullback.dialects.types import numpy_dtype

from .. import lax, numpy as jnp
from . import _float_dtype, _shape, uniform


def truncated_normal(key, lower, upper, shape=None, dtype=None):
    dt = _float_dtype(dtype, "truncated_normal")
    if shape is None:
        shape = jnp.broadcast_shapes(np.shape(lower), np.shape(upper))
    shape = _shape(shape, "truncated_normal")
    np_dt = numpy_dtype(dt)
    sqrt2 = jnp.array(np.sqrt(2), dt)
    lower_a = lax.convert_element_type(jnp.asarray(lower), dt)
    upper_a = lax.convert_element_type(jnp.asarray(upper), dt)
    a = lax.erf(lower_a / sqrt2)
    b = lax.erf(upper_a / sqrt2)
    u = uniform(key, shape, dt, minval=a, maxval=b)
    out = sqrt2 * lax.erf_inv(u)
    lo = np.nextafter(np.asarray(lower, np_dt), np.asarray(np.inf, np_dt))
    hi = np.nextafter(np.asarray(upper, np_dt), np.asarray(-np.inf, np_dt))
    return jnp.clip(out, lo, hi)
