"""The right-skewed Gumbel distribution (jax.scipy.stats.gumbel_r): nan for scale <= 0, as JAX."""
from __future__ import annotations

from ... import lax
from ... import numpy as jnp
from ...nn import log1mexp
from ..special import xlogy
from ._util import const, exp_of, promote_args
from .gumbel_l import _nan_unless, _z


def logpdf(x, loc=0, scale=1):
    z, ok, scale = _z(x, loc, scale)
    return _nan_unless(ok, lax.sub(lax.neg(lax.log(scale)), lax.add(z, lax.exp(lax.neg(z)))))


pdf = exp_of(logpdf)


def logcdf(x, loc=0, scale=1):
    z, ok, _ = _z(x, loc, scale)
    return _nan_unless(ok, lax.neg(lax.exp(lax.neg(z))))


cdf = exp_of(logcdf)


def sf(x, loc=0, scale=1):
    z, ok, _ = _z(x, loc, scale)
    return _nan_unless(ok, lax.sub(const(z, 1), lax.exp(lax.neg(lax.exp(lax.neg(z))))))


def logsf(x, loc=0, scale=1):
    z, ok, _ = _z(x, loc, scale)
    return _nan_unless(ok, log1mexp(lax.exp(lax.neg(z))))


def ppf(p, loc=0, scale=1):
    p, loc, scale = promote_args(p, loc, scale)
    ok = lax.gt(p, const(p, 0)) & lax.lt(p, const(p, 1))
    t = lax.mul(scale, lax.log(xlogy(jnp.full_like(p, -1), p)))
    return _nan_unless(ok, lax.sub(loc, t))
