"""The beta-binomial distribution (jax.scipy.stats.betabinom): nan for n < 0, a <= 0 or b <= 0."""
from __future__ import annotations

import numpy as np

from ... import lax
from ... import numpy as jnp
from ..special import betaln
from ._util import const, exp_of, promote_args


def logpmf(k, n, a, b, loc=0):
    k, n, a, b, loc = promote_args(k, n, a, b, loc)
    y = lax.sub(lax.floor(k), loc)
    one, zero = const(y, 1), const(y, 0)
    combiln = lax.neg(lax.add(lax.log1p(n), betaln(lax.add(lax.sub(n, y), one), lax.add(y, one))))
    beta_lns = lax.sub(betaln(lax.add(y, a), lax.add(lax.sub(n, y), b)), betaln(a, b))
    log_probs = lax.add(combiln, beta_lns)
    log_probs = jnp.where(lax.eq(y, zero) & lax.eq(n, zero), zero, log_probs)
    outside = lax.lt(y, lax.neg(loc)) | lax.gt(y, n) | lax.le(lax.add(y, a), zero)
    log_probs = jnp.where(outside, const(y, -np.inf), log_probs)
    invalid = lax.lt(n, zero) | lax.le(a, zero) | lax.le(b, zero)
    return jnp.where(invalid, const(y, np.nan), log_probs)


pmf = exp_of(logpmf)
