"""The Cauchy distribution (jax.scipy.stats.cauchy)."""
from __future__ import annotations

import math

from ... import lax
from ._util import const, exp_of, promote_args


def logpdf(x, loc=0, scale=1):
    x, loc, scale = promote_args(x, loc, scale)
    scaled_x = lax.div(lax.sub(x, loc), scale)
    normalize_term = lax.log(lax.mul(const(x, math.pi), scale))
    return lax.neg(lax.add(normalize_term, lax.log1p(lax.mul(scaled_x, scaled_x))))


pdf = exp_of(logpdf)


def cdf(x, loc=0, scale=1):
    x, loc, scale = promote_args(x, loc, scale)
    scaled_x = lax.div(lax.sub(x, loc), scale)
    return lax.add(const(x, 0.5), lax.div(lax.atan(scaled_x), const(x, math.pi)))


def logcdf(x, loc=0, scale=1):
    return lax.log(cdf(x, loc, scale))


def sf(x, loc=0, scale=1):
    x, loc, scale = promote_args(x, loc, scale)
    return cdf(lax.neg(x), lax.neg(loc), scale)


def logsf(x, loc=0, scale=1):
    x, loc, scale = promote_args(x, loc, scale)
    return logcdf(lax.neg(x), lax.neg(loc), scale)


def isf(q, loc=0, scale=1):
    q, loc, scale = promote_args(q, loc, scale)
    unscaled = lax.tan(lax.sub(const(q, math.pi / 2), lax.mul(const(q, math.pi), q)))
    return lax.add(lax.mul(unscaled, scale), loc)


def ppf(q, loc=0, scale=1):
    q, loc, scale = promote_args(q, loc, scale)
    return lax.add(loc, lax.mul(scale, lax.tan(lax.mul(const(q, math.pi), lax.sub(q, const(q, 0.5))))))
