"""The Poisson distribution (jax.scipy.stats.poisson)."""
from __future__ import annotations

import numpy as np

from ... import lax
from ... import numpy as jnp
from ..special import xlogy
from ._util import const, exp_of, promote_args


def logpmf(k, mu, loc=0):
    k, mu, loc = promote_args(k, mu, loc)
    x = lax.sub(k, loc)
    log_probs = lax.sub(lax.sub(xlogy(x, mu), lax.lgamma(lax.add(x, const(x, 1)))), mu)
    bad = jnp.logical_or(lax.lt(x, const(x, 0)), lax.ne(x, lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN)))
    return jnp.where(bad, const(x, -np.inf), log_probs)


pmf = exp_of(logpmf)
