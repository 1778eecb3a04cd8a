"""Student's t distribution (jax.scipy.stats.t)."""
from __future__ import annotations

import math

from ... import lax
from ._util import const, exp_of, promote_args


def logpdf(x, df, loc=0, scale=1):
    x, df, loc, scale = promote_args(x, df, loc, scale)
    scaled_x = lax.div(lax.sub(x, loc), scale)
    df_over_two = lax.div(df, const(df, 2))
    df_plus_one_over_two = lax.add(df_over_two, const(df, 0.5))
    normalize_term_const = lax.mul(lax.mul(scale, scale), lax.mul(df, const(df, math.pi)))
    normalize_term = lax.sub(lax.mul(const(df, 0.5), lax.log(normalize_term_const)),
                             lax.sub(lax.lgamma(df_plus_one_over_two), lax.lgamma(df_over_two)))
    quadratic = lax.div(lax.mul(scaled_x, scaled_x), df)
    return lax.neg(lax.add(normalize_term, lax.mul(df_plus_one_over_two, lax.log1p(quadratic))))


pdf = exp_of(logpdf)
