"""The beta distribution (jax.scipy.stats.beta)."""
from __future__ import annotations

import numpy as np

from ... import lax
from ... import numpy as jnp
from ..special import betainc, betaln, xlog1py, xlogy
from ._util import clamped, const, exp_of, log_of, promote_args


def logpdf(x, a, b, loc=0, scale=1):
    x, a, b, loc, scale = promote_args(x, a, b, loc, scale)
    one = const(x, 1)
    y = lax.div(lax.sub(x, loc), scale)
    log_linear_term = lax.add(xlogy(lax.sub(a, one), y), xlog1py(lax.sub(b, one), lax.neg(y)))
    log_probs = lax.sub(lax.sub(log_linear_term, betaln(a, b)), lax.log(scale))
    outside = jnp.logical_or(lax.gt(x, lax.add(loc, scale)), lax.lt(x, loc))
    log_probs = jnp.where(outside, const(x, -np.inf), log_probs)
    zero = const(x, 0)
    invalid = lax.le(a, zero) | lax.le(b, zero) | lax.le(scale, zero)  # JAX: nan for these, in or out
    return jnp.where(invalid, const(x, np.nan), log_probs)


pdf = exp_of(logpdf)


def cdf(x, a, b, loc=0, scale=1):
    x, a, b, loc, scale = promote_args(x, a, b, loc, scale)
    return betainc(a, b, clamped(x, loc, scale, 1))


def sf(x, a, b, loc=0, scale=1):
    # I_(1-y)(b, a) rather than 1 - I_y(a, b): no cancellation in the upper tail
    x, a, b, loc, scale = promote_args(x, a, b, loc, scale)
    return betainc(b, a, lax.sub(const(x, 1), clamped(x, loc, scale, 1)))


logcdf = log_of(cdf)
logsf = log_of(sf)
