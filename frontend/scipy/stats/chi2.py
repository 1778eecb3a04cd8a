"""The chi-squared distribution with df degrees of freedom (jax.scipy.stats.chi2)."""
from __future__ import annotations

import math

import numpy as np

from ... import lax
from ... import numpy as jnp
from ..special import gammainc, gammaincc
from ._util import clamped, const, exp_of, log_of, promote_args


def logpdf(x, df, loc=0, scale=1):
    x, df, loc, scale = promote_args(x, df, loc, scale)
    one, two = const(x, 1), const(x, 2)
    y = lax.div(lax.sub(x, loc), scale)
    df_on_two = lax.div(df, two)
    kernel = lax.sub(lax.mul(lax.sub(df_on_two, one), lax.log(y)), lax.div(y, two))
    nrml_cnst = lax.neg(lax.add(lax.lgamma(df_on_two), lax.div(lax.mul(const(x, math.log(2)), df), two)))
    log_probs = lax.add(lax.sub(nrml_cnst, lax.log(scale)), kernel)
    return jnp.where(lax.lt(x, loc), const(x, -np.inf), log_probs)


pdf = exp_of(logpdf)


def _gamma_args(x, df, loc, scale):
    """chi2(df) at scale s is gamma(df / 2) at scale 2 s: (a, clamped point) of the incomplete gamma."""
    x, df, loc, scale = promote_args(x, df, loc, scale)
    two = const(x, 2)
    return lax.div(df, two), clamped(x, loc, lax.mul(scale, two), np.inf)


def cdf(x, df, loc=0, scale=1):
    return gammainc(*_gamma_args(x, df, loc, scale))


def sf(x, df, loc=0, scale=1):
    return gammaincc(*_gamma_args(x, df, loc, scale))


logcdf = log_of(cdf)
logsf = log_of(sf)
