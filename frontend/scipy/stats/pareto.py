"""The Pareto distribution with shape b (jax.scipy.stats.pareto): support x >= loc + scale."""
from __future__ import annotations

import numpy as np

from ... import lax
from ... import numpy as jnp
from ._util import const, exp_of, promote_args


def _scaled(x, b, loc, scale):
    x, b, loc, scale = promote_args(x, b, loc, scale)
    return x, b, lax.div(lax.sub(x, loc), scale), lax.lt(x, lax.add(loc, scale)), scale


def logpdf(x, b, loc=0, scale=1):
    x, b, scaled_x, below, scale = _scaled(x, b, loc, scale)
    normalize_term = lax.log(lax.div(scale, b))
    log_probs = lax.neg(lax.add(normalize_term, lax.mul(lax.add(b, const(b, 1)), lax.log(scaled_x))))
    return jnp.where(below, const(x, -np.inf), log_probs)


pdf = exp_of(logpdf)


def cdf(x, b, loc=0, scale=1):
    x, b, scaled_x, below, _ = _scaled(x, b, loc, scale)
    return jnp.where(below, const(x, 0), lax.sub(const(x, 1), lax.pow(scaled_x, lax.neg(b))))


def logcdf(x, b, loc=0, scale=1):
    x, b, scaled_x, below, _ = _scaled(x, b, loc, scale)
    return jnp.where(below, const(x, -np.inf), lax.log1p(lax.neg(lax.pow(scaled_x, lax.neg(b)))))


def logsf(x, b, loc=0, scale=1):
    x, b, scaled_x, below, _ = _scaled(x, b, loc, scale)
    return jnp.where(below, const(x, 0), lax.neg(lax.mul(b, lax.log(scaled_x))))


sf = exp_of(logsf)


def ppf(q, b, loc=0, scale=1):
    q, b, loc, scale = promote_args(q, b, loc, scale)
    one = const(q, 1)
    value = lax.add(loc, lax.mul(scale, lax.pow(lax.sub(one, q), lax.neg(lax.div(one, b)))))
    return jnp.where(jnp.isnan(q) | lax.lt(q, const(q, 0)) | lax.gt(q, one), const(q, np.nan), value)
