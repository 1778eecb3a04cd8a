"""The generalized normal distribution with shape beta (jax.scipy.stats.gennorm)."""
from __future__ import annotations

from ... import lax
from ..special import gammainc
from ._util import const, exp_of, promote_args


def logpdf(x, beta):
    x, beta = promote_args(x, beta)
    log_norm = lax.sub(lax.log(lax.mul(const(beta, 0.5), beta)), lax.lgamma(lax.div(const(beta, 1), beta)))
    return lax.sub(log_norm, lax.pow(lax.abs(x), beta))


pdf = exp_of(logpdf)


def cdf(x, beta):
    # 1/2 (1 + sign(x) P(1/beta, |x|^beta)): the mass of |X| < |x| is P(1/beta, |x|^beta)
    x, beta = promote_args(x, beta)
    half = const(x, 0.5)
    mass = gammainc(lax.div(const(beta, 1), beta), lax.pow(lax.abs(x), beta))
    return lax.mul(half, lax.add(const(x, 1), lax.mul(lax.sign(x), mass)))
