"""The exponential distribution (jax.scipy.stats.expon)."""
from __future__ import annotations

import numpy as np

from ... import lax
from ... import numpy as jnp
from ._util import const, exp_of, promote_args


def logpdf(x, loc=0, scale=1):
    x, loc, scale = promote_args(x, loc, scale)
    linear_term = lax.div(lax.sub(x, loc), scale)
    log_probs = lax.neg(lax.add(linear_term, lax.log(scale)))
    return jnp.where(lax.lt(x, loc), const(x, -np.inf), log_probs)


pdf = exp_of(logpdf)


def cdf(x, loc=0, scale=1):
    x, loc, scale = promote_args(x, loc, scale)
    return jnp.where(lax.lt(x, loc), const(x, 0), lax.neg(lax.expm1(lax.neg(lax.div(lax.sub(x, loc), scale)))))
