"""The logistic distribution (jax.scipy.stats.logistic)."""
from __future__ import annotations

from ... import lax
from ._util import const, exp_of, promote_args


def _z(x, loc, scale):
    x, loc, scale = promote_args(x, loc, scale)
    return lax.div(lax.sub(x, loc), scale), scale


def logpdf(x, loc=0, scale=1):
    z, scale = _z(x, loc, scale)
    half = lax.abs(lax.div(z, const(z, 2)))
    # logaddexp(z/2, -z/2) = |z/2| + log1p(exp(-|z|))
    log_cosh_sum = lax.add(half, lax.log1p(lax.exp(lax.mul(const(z, -2), half))))
    return lax.sub(lax.mul(const(z, -2), log_cosh_sum), lax.log(scale))


pdf = exp_of(logpdf)


def cdf(x, loc=0, scale=1):
    return lax.logistic(_z(x, loc, scale)[0])


def sf(x, loc=0, scale=1):
    return lax.logistic(lax.neg(_z(x, loc, scale)[0]))


def _logit(q):
    return lax.log(lax.div(q, lax.sub(const(q, 1), q)))


def ppf(x, loc=0, scale=1):
    x, loc, scale = promote_args(x, loc, scale)
    return lax.add(lax.mul(_logit(x), scale), loc)


def isf(x, loc=0, scale=1):
    x, loc, scale = promote_args(x, loc, scale)
    return lax.sub(loc, lax.mul(_logit(x), scale))
