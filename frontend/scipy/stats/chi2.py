"""The chi-squared distribution with df degrees of freedom (jax.scipy.stats.chi2)."""
from __future__ import annotations

import math

import numpy as np

from ... import lax
from ... import numpy as jnp
from ._util import const, exp_of, promote_args


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
