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
