"""The geometric distribution (jax.scipy.stats.geom): support k >= 1 (shifted by loc)."""
from __future__ import annotations

import numpy as np

from ... import lax
from ... import numpy as jnp
from ..special import xlog1py
from ._util import const, exp_of, promote_args


def logpmf(k, p, loc=0):
    k, p, loc = promote_args(k, p, loc)
    x = lax.sub(k, loc)
    log_probs = lax.add(xlog1py(lax.sub(x, const(x, 1)), lax.neg(p)), lax.log(p))
    return jnp.where(lax.le(x, const(x, 0)), const(x, -np.inf), log_probs)


pmf = exp_of(logpmf)
