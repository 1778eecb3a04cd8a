"""The normal distribution (jax.scipy.stats.norm)."""
from __future__ import annotations

import math

from ... import lax
from ..special import log_ndtr, ndtr, ndtri
from ._util import const, exp_of, promote_args


def logpdf(x, loc=0, scale=1):
    x, loc, scale = promote_args(x, loc, scale)
    scale_sqrd = lax.mul(scale, scale)
    log_normalizer = lax.log(lax.mul(const(x, 2 * math.pi), scale_sqrd))
    quadratic = lax.div(lax.integer_pow(lax.sub(x, loc), 2), scale_sqrd)
    return lax.div(lax.add(log_normalizer, quadratic), const(x, -2))


pdf = exp_of(logpdf)


def _z(x, loc, scale):
    x, loc, scale = promote_args(x, loc, scale)
    return lax.div(lax.sub(x, loc), scale)


def cdf(x, loc=0, scale=1):
    return ndtr(_z(x, loc, scale))


def logcdf(x, loc=0, scale=1):
    return log_ndtr(_z(x, loc, scale))


def sf(x, loc=0, scale=1):
    return ndtr(lax.neg(_z(x, loc, scale)))


def logsf(x, loc=0, scale=1):
    return log_ndtr(lax.neg(_z(x, loc, scale)))


def ppf(q, loc=0, scale=1):
    q, loc, scale = promote_args(q, loc, scale)
    return lax.add(lax.mul(ndtri(q), scale), loc)


def isf(q, loc=0, scale=1):
    q, loc, scale = promote_args(q, loc, scale)
    return lax.sub(loc, lax.mul(ndtri(q), scale))
