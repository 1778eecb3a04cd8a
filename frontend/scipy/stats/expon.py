"""The exponential distribution (jax.scipy.stats.expon)."""
from __future__ import annotations

import numpy as np

from ... import lax
from ... import numpy as jnp
from ._util import const, exp_of, promote_args


def logpdf(x, loc=0, scale=1):
    x, loc, scale = promote_args(x, loc, scale)
    linear_term = lax.div(lax.sub(x, loc), scale)
    log_probs = lax.neg(lax.add(linear_term, lax.log(scale)))
    return jnp.where(lax.lt(x, loc), const(x, -np.inf), log_probs)


pdf = exp_of(logpdf)


def cdf(x, loc=0, scale=1):
    x, loc, scale = promote_args(x, loc, scale)
    return jnp.where(lax.lt(x, loc), const(x, 0), lax.neg(lax.expm1(lax.neg(lax.div(lax.sub(x, loc), scale)))))


def logsf(x, loc=0, scale=1):
    x, loc, scale = promote_args(x, loc, scale)
    neg_scaled_x = lax.div(lax.sub(loc, x), scale)
    return jnp.where(lax.lt(x, loc), const(x, 0), neg_scaled_x)


sf = exp_of(logsf)


def logcdf(x, loc=0, scale=1):
    return lax.log1p(lax.neg(sf(x, loc, scale)))


def ppf(q, loc=0, scale=1):
    q, loc, scale = promote_args(q, loc, scale)
    invalid = jnp.isnan(q) | lax.lt(q, const(q, 0)) | lax.gt(q, const(q, 1))
    return jnp.where(invalid, const(q, np.nan), lax.sub(loc, lax.mul(scale, lax.log1p(lax.neg(q)))))
