"""The gamma distribution with shape a (jax.scipy.stats.gamma)."""
from __future__ import annotations

import numpy as np

from ... import lax
from ... import numpy as jnp
from ..special import xlogy
from ._util import const, exp_of, promote_args


def logpdf(x, a, loc=0, scale=1):
    x, a, loc, scale = promote_args(x, a, loc, scale)
    y = lax.div(lax.sub(x, loc), scale)
    log_linear_term = lax.sub(xlogy(lax.sub(a, const(a, 1)), y), y)
    shape_terms = lax.add(lax.lgamma(a), lax.log(scale))
    return jnp.where(lax.lt(x, loc), const(x, -np.inf), lax.sub(log_linear_term, shape_terms))


pdf = exp_of(logpdf)
