"""The Dirichlet distribution (jax.scipy.stats.dirichlet): x's first axis runs over the categories."""
from __future__ import annotations

import numpy as np

from ... import lax
from ... import numpy as jnp
from ...numpy._core import as_value, promote_inexact
from ..special import xlogy
from ._util import const, exp_of


def _is_simplex(x):
    total = jnp.sum(x, axis=0)
    return jnp.logical_and(jnp.all(jnp.greater(x, 0), axis=0), jnp.less(jnp.abs(jnp.subtract(total, 1)), 1e-6))


def logpdf(x, alpha):
    x, alpha = (as_value(v) for v in promote_inexact(x, alpha))
    if alpha.aval.ndim != 1:
        raise ValueError(f"`alpha` must be one-dimensional; got alpha.shape={alpha.aval.shape}")
    if x.aval.ndim == 0 or x.aval.shape[0] not in (alpha.aval.shape[0], alpha.aval.shape[0] - 1):
        raise ValueError("`x` must have either the same number of entries as `alpha` or one entry fewer; "
                         f"got x.shape={x.aval.shape}, alpha.shape={alpha.aval.shape}")
    if x.aval.shape[0] != alpha.aval.shape[0]:
        x = jnp.concatenate([x, jnp.subtract(1, jnp.sum(x, axis=0, keepdims=True))], axis=0)
    normalize_term = lax.sub(jnp.sum(lax.lgamma(alpha)), lax.lgamma(jnp.sum(alpha)))
    if x.aval.ndim > 1:
        alpha = lax.broadcast_in_dim(alpha, alpha.aval.shape + (1,) * (x.aval.ndim - 1), (0,))
    log_probs = jnp.subtract(jnp.sum(xlogy(jnp.subtract(alpha, 1), x), axis=0), normalize_term)
    return jnp.where(_is_simplex(x), log_probs, const(log_probs, -np.inf))


pdf = exp_of(logpdf)
