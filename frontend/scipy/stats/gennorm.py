"""The generalized normal distribution with shape beta (jax.scipy.stats.gennorm)."""
from __future__ import annotations

from ... import lax
from ._util import const, exp_of, promote_args


def logpdf(x, beta):
    x, beta = promote_args(x, beta)
    log_norm = lax.sub(lax.log(lax.mul(const(beta, 0.5), beta)), lax.lgamma(lax.div(const(beta, 1), beta)))
    return lax.sub(log_norm, lax.pow(lax.abs(x), beta))


pdf = exp_of(logpdf)
