"""The uniform distribution on [loc, loc + scale] (jax.scipy.stats.uniform)."""
from __future__ import annotations

import numpy as np

from ... import lax
from ... import numpy as jnp
from ._util import const, exp_of, promote_args


def logpdf(x, loc=0, scale=1):
    x, loc, scale = promote_args(x, loc, scale)
    log_probs = lax.neg(lax.log(scale))
    return jnp.where(jnp.logical_or(lax.gt(x, lax.add(loc, scale)), lax.lt(x, loc)), const(x, -np.inf), log_probs)


pdf = exp_of(logpdf)


def cdf(x, loc=0, scale=1):
    x, loc, scale = promote_args(x, loc, scale)
    # JAX's cases: the slope holds on the closed support (so at x = loc + scale too) and
    # a nan x matches none of them (0)
    hi = lax.add(loc, scale)
    conds = [lax.lt(x, loc), lax.gt(x, hi), lax.ge(x, loc) & lax.le(x, hi)]
    return jnp.select(conds, [const(x, 0), const(x, 1), lax.div(lax.sub(x, loc), scale)])


def ppf(q, loc=0, scale=1):
    q, loc, scale = promote_args(q, loc, scale)
    bad = jnp.logical_or(jnp.isnan(q), jnp.logical_or(lax.lt(q, const(q, 0)), lax.gt(q, const(q, 1))))
    return jnp.where(bad, const(q, np.nan), lax.add(loc, lax.mul(q, scale)))
