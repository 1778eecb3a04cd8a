"""The wrapped Cauchy distribution on [0, 2 pi] (jax.scipy.stats.wrapcauchy): nan unless 0 < c < 1."""
from __future__ import annotations

import math

import numpy as np

from ... import lax
from ... import numpy as jnp
from ._util import const, exp_of, promote_args


def logpdf(x, c):
    x, c = promote_args(x, c)
    one = const(c, 1)
    c2 = lax.mul(c, c)
    value = lax.sub(lax.sub(lax.log(lax.sub(one, c2)), const(x, math.log(2 * math.pi))),
                    lax.log(lax.sub(lax.add(one, c2), lax.mul(lax.mul(const(c, 2), c), lax.cos(x)))))
    in_support = lax.ge(x, const(x, 0)) & lax.le(x, const(x, 2 * math.pi))
    valid = lax.gt(c, const(c, 0)) & lax.lt(c, one)
    return jnp.where(valid, jnp.where(in_support, value, const(x, -np.inf)), const(x, np.nan))


pdf = exp_of(logpdf)
