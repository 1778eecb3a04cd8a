"""The normal distribution truncated to [a, b] in standard units (jax.scipy.stats.truncnorm).

The log of the Gaussian mass between a and b is taken in the tail that keeps its digits (JAX's
_log_gauss_mass): a difference of log_ndtr values in a tail, log1p of the two tails in the middle.
"""
from __future__ import annotations

import numpy as np

from ... import lax
from ... import numpy as jnp
from ..special import log_ndtr, logsumexp, ndtr
from . import norm
from ._util import const, exp_of, promote_args


def _log_diff(x, y):
    """log(exp(x) - exp(y))."""
    return logsumexp(jnp.stack([x, y]), b=jnp.stack([jnp.ones_like(x), lax.neg(jnp.ones_like(y))]), axis=0)


def _log_gauss_mass(a, b):
    a, b = jnp.broadcast_arrays(a, b)
    case_left = lax.le(b, const(b, 0))
    case_right = lax.gt(a, const(a, 0))
    case_central = jnp.logical_not(case_left | case_right)
    a_tail = jnp.where(case_right, lax.neg(b), a)
    b_tail = jnp.where(case_right, lax.neg(a), b)
    mass_tail = _log_diff(log_ndtr(b_tail), log_ndtr(a_tail))
    mass_central = lax.log1p(lax.sub(lax.neg(ndtr(a)), ndtr(lax.neg(b))))
    return jnp.where(case_central, mass_central, mass_tail)


def logpdf(x, a, b, loc=0, scale=1):
    x, a, b, loc, scale = promote_args(x, a, b, loc, scale)
    val = lax.sub(norm.logpdf(x, loc, scale), _log_gauss_mass(a, b))
    x_scaled = lax.div(lax.sub(x, loc), scale)
    val = jnp.where(lax.lt(x_scaled, a) | lax.gt(x_scaled, b), const(x, -np.inf), val)
    return jnp.where(lax.ge(a, b), const(x, np.nan), val)


pdf = exp_of(logpdf)


def logcdf(x, a, b, loc=0, scale=1):
    x, a, b, loc, scale = promote_args(x, a, b, loc, scale)
    x = lax.div(lax.sub(x, loc), scale)
    lgm_ab = _log_gauss_mass(a, b)
    log_cdf = lax.sub(_log_gauss_mass(a, x), lgm_ab)
    log_sf = lax.sub(_log_gauss_mass(x, b), lgm_ab)
    # near 1 the complement keeps the digits
    log_cdf = jnp.select([lax.ge(x, b), lax.le(x, a), lax.gt(log_cdf, const(x, -0.1)), lax.gt(x, a)],
                         [const(x, 0), const(x, -np.inf), lax.log1p(lax.neg(lax.exp(log_sf))), log_cdf])
    return jnp.where(lax.ge(a, b), const(x, np.nan), log_cdf)


cdf = exp_of(logcdf)


def logsf(x, a, b, loc=0, scale=1):
    x, a, b, loc, scale = promote_args(x, a, b, loc, scale)
    return logcdf(lax.neg(x), lax.neg(b), lax.neg(a), lax.neg(loc), scale)


sf = exp_of(logsf)
