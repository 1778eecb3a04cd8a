"""The binomial distribution (jax.scipy.stats.binom): n trials of probability p."""
from __future__ import annotations

import numpy as np

from ... import lax
from ... import numpy as jnp
from ..special import xlog1py, xlogy
from ._util import const, exp_of, promote_args


def logpmf(k, n, p, loc=0):
    k, n, p, loc = promote_args(k, n, p, loc)
    y = lax.sub(k, loc)
    zero, one = const(y, 0), const(y, 1)
    comb_term = lax.sub(lax.lgamma(lax.add(n, one)),
                        lax.add(lax.lgamma(lax.add(y, one)), lax.lgamma(lax.add(lax.sub(n, y), one))))
    log_linear_term = lax.add(xlogy(y, p), xlog1py(lax.sub(n, y), lax.neg(p)))
    log_probs = lax.add(comb_term, log_linear_term)
    # JAX: exactly 0 where the outcome is certain (n = 0, or p in {0, 1} at the matching end)
    certain = (lax.eq(y, zero) & lax.eq(n, zero)) | lax.eq(log_linear_term, zero)
    log_probs = jnp.where(certain, zero, log_probs)
    in_support = lax.ge(k, loc) & lax.lt(k, lax.add(lax.add(loc, n), one))
    return jnp.where(in_support, log_probs, const(y, -np.inf))


pmf = exp_of(logpmf)
