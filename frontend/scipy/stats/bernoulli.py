"""The Bernoulli distribution (jax.scipy.stats.bernoulli)."""
from __future__ import annotations

import numpy as np

from ... import lax
from ... import numpy as jnp
from ..special import xlog1py, xlogy
from ._util import const, exp_of, promote_args


def logpmf(k, p, loc=0):
    k, p, loc = promote_args(k, p, loc)
    x = lax.sub(k, loc)
    log_probs = lax.add(xlogy(x, p), xlog1py(lax.sub(const(x, 1), x), lax.neg(p)))
    return jnp.where(jnp.logical_or(lax.lt(x, const(x, 0)), lax.gt(x, const(x, 1))), const(x, -np.inf), log_probs)


pmf = exp_of(logpmf)


def cdf(k, p):
    k, p = promote_args(k, p)
    zero, one = const(k, 0), const(k, 1)
    invalid = jnp.isnan(k) | jnp.isnan(p) | lax.lt(p, zero) | lax.gt(p, one)
    conds = [invalid, lax.lt(k, zero), lax.ge(k, zero) & lax.lt(k, one), lax.ge(k, one)]
    return jnp.select(conds, [const(k, np.nan), zero, lax.sub(one, p), one])


def ppf(q, p):
    q, p = promote_args(q, p)
    zero, one = const(q, 0), const(q, 1)
    invalid = jnp.isnan(q) | jnp.isnan(p) | lax.lt(p, zero) | lax.gt(p, one) | lax.lt(q, zero) | lax.gt(q, one)
    return jnp.where(invalid, const(q, np.nan), jnp.where(lax.le(q, lax.sub(one, p)), zero, one))
