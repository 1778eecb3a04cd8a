"""The multinomial distribution (jax.scipy.stats.multinomial): counts x (last axis) of n draws."""
from __future__ import annotations

import numpy as np

from ... import dtypes, lax
from ... import numpy as jnp
from ...errors import user_error
from ...numpy._core import as_value, promote
from ..special import xlogy
from ._util import const, exp_of, promote_args


def logpmf(x, n, p):
    (p,) = promote_args(p)
    x, n = (as_value(v) for v in promote(x, n))
    if not dtypes.is_integer(x.aval.dtype):
        raise user_error(ValueError, f"x and n must be of integer type; got x.dtype={x.aval.dtype}, "
                                     f"n.dtype={n.aval.dtype}")
    x = lax.convert_element_type(x, p.aval.dtype)
    n = lax.convert_element_type(n, p.aval.dtype)
    one = const(p, 1)
    logprobs = jnp.add(lax.lgamma(lax.add(n, one)),
                       jnp.sum(jnp.subtract(xlogy(x, p), lax.lgamma(lax.add(x, one))), axis=-1))
    # JAX compares the total of all counts (not per row) with n
    return jnp.where(lax.eq(jnp.sum(x), n), logprobs, const(p, -np.inf))


pmf = exp_of(logpmf)
