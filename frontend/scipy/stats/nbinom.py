"""The negative binomial distribution (jax.scipy.stats.nbinom): failures before n successes."""
from __future__ import annotations

import numpy as np

from ... import lax
from ... import numpy as jnp
from ..special import xlogy
from ._util import const, exp_of, promote_args


def logpmf(k, n, p, loc=0):
    k, n, p, loc = promote_args(k, n, p, loc)
    one = const(k, 1)
    y = lax.sub(k, loc)
    comb_term = lax.sub(lax.sub(lax.lgamma(lax.add(y, n)), lax.lgamma(n)), lax.lgamma(lax.add(y, one)))
    log_linear_term = lax.add(xlogy(n, p), xlogy(y, lax.sub(one, p)))
    return jnp.where(lax.lt(k, loc), const(k, -np.inf), lax.add(comb_term, log_linear_term))


pmf = exp_of(logpmf)
