"""The Laplace distribution (jax.scipy.stats.laplace)."""
from __future__ import annotations

from ... import lax
from ... import numpy as jnp
from ._util import const, exp_of, promote_args


def logpdf(x, loc=0, scale=1):
    x, loc, scale = promote_args(x, loc, scale)
    linear_term = lax.div(lax.abs(lax.sub(x, loc)), scale)
    return lax.neg(lax.add(linear_term, lax.log(lax.mul(const(x, 2), scale))))


pdf = exp_of(logpdf)


def cdf(x, loc=0, scale=1):
    x, loc, scale = promote_args(x, loc, scale)
    diff = lax.div(lax.sub(x, loc), scale)
    half = const(x, 0.5)
    return jnp.where(lax.le(diff, const(x, 0)), lax.mul(half, lax.exp(diff)),
                     lax.sub(const(x, 1), lax.mul(half, lax.exp(lax.neg(diff)))))
