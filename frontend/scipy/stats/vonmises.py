"""The von Mises distribution with concentration kappa (jax.scipy.stats.vonmises): nan unless kappa > 0."""
from __future__ import annotations

import math

import numpy as np

from ... import lax
from ... import numpy as jnp
from ._util import const, exp_of, promote_args


def logpdf(x, kappa):
    x, kappa = promote_args(x, kappa)
    # log(2 pi I0(kappa)) = log(2 pi i0e(kappa)) + kappa: the scaled Bessel function cannot overflow
    log_norm = lax.log(lax.mul(const(kappa, 2 * math.pi), lax.bessel_i0e(kappa)))
    value = lax.sub(lax.mul(kappa, lax.sub(lax.cos(x), const(x, 1))), log_norm)
    return jnp.where(lax.gt(kappa, const(kappa, 0)), value, const(x, np.nan))


pdf = exp_of(logpdf)
