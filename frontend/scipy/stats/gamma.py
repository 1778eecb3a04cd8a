"""The gamma distribution with shape a (jax.scipy.stats.gamma)."""
from __future__ import annotations

import numpy as np

from ... import lax
from ... import numpy as jnp
from ..special import gammainc, gammaincc, xlogy
from ._util import clamped, const, exp_of, log_of, promote_args, standardize


def logpdf(x, a, loc=0, scale=1):
    x, a, loc, scale = promote_args(x, a, loc, scale)
    ok = lax.ge(x, loc)
    # y = 1 below loc, as JAX: the unselected branch stays finite, so its zero cotangent
    # gives zero derivatives there (not nan in a, nor -0.0 in x)
    y = jnp.where(ok, lax.div(lax.sub(x, loc), scale), const(x, 1))
    log_linear_term = lax.sub(xlogy(lax.sub(a, const(a, 1)), y), y)
    shape_terms = lax.add(lax.lgamma(a), lax.log(scale))
    return jnp.where(ok, lax.sub(log_linear_term, shape_terms), const(x, -np.inf))


pdf = exp_of(logpdf)


def cdf(x, a, loc=0, scale=1):
    x, a, loc, scale = promote_args(x, a, loc, scale)
    return gammainc(a, clamped(x, loc, scale, np.inf))


def sf(x, a, loc=0, scale=1):
    # JAX selects 1 below loc instead of clamping (so its derivative there is gammaincc's, not 0)
    x, a, loc, scale = promote_args(x, a, loc, scale)
    y = standardize(x, loc, scale)
    return jnp.where(lax.lt(y, const(y, 0)), const(y, 1), gammaincc(a, y))


logcdf = log_of(cdf)
logsf = log_of(sf)
