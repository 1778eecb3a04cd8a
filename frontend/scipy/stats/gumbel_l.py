"""The left-skewed Gumbel distribution (jax.scipy.stats.gumbel_l): nan for scale <= 0, as JAX."""
from __future__ import annotations

import numpy as np

from ... import lax
from ... import numpy as jnp
from ..special import xlog1py
from ._util import const, exp_of, promote_args


def _z(x, loc, scale):
    """(x - loc) / scale and whether scale > 0."""
    x, loc, scale = promote_args(x, loc, scale)
    return lax.div(lax.sub(x, loc), scale), lax.gt(scale, const(scale, 0)), scale


def _nan_unless(ok, value):
    return jnp.where(ok, value, const(value, np.nan))


def logpdf(x, loc=0, scale=1):
    z, ok, scale = _z(x, loc, scale)
    return _nan_unless(ok, lax.add(lax.neg(lax.log(scale)), lax.sub(z, lax.exp(z))))


pdf = exp_of(logpdf)


def logcdf(x, loc=0, scale=1):
    z, ok, _ = _z(x, loc, scale)
    return _nan_unless(ok, lax.log(lax.neg(lax.expm1(lax.neg(lax.exp(z))))))


cdf = exp_of(logcdf)


def logsf(x, loc=0, scale=1):
    z, ok, _ = _z(x, loc, scale)
    return _nan_unless(ok, lax.neg(lax.exp(z)))


sf = exp_of(logsf)


def ppf(p, loc=0, scale=1):
    p, loc, scale = promote_args(p, loc, scale)
    ok = lax.gt(p, const(p, 0)) & lax.lt(p, const(p, 1))
    t = lax.mul(scale, lax.log(xlog1py(jnp.full_like(p, -1), lax.neg(p))))
    return _nan_unless(ok, lax.add(loc, t))
