"""The multivariate normal distribution (jax.scipy.stats.multivariate_normal): x (..., n), mean (..., n)
and cov (..., n, n), a scalar variance, or all scalars (JAX's three cases); Cholesky and one triangular
solve per point."""
from __future__ import annotations

import math

from ... import numpy as jnp
from ...errors import user_error
from ...lax import linalg as lax_linalg
from ...numpy._core import as_value, promote_inexact
from ._util import exp_of


def _whitened(L, diff):
    """y with L y = diff for each point (batch dims of L and diff broadcast)."""
    n = L.aval.shape[-1]
    if L.aval.ndim == 2:
        flat = jnp.reshape(diff, (-1, n))
        y = lax_linalg.triangular_solve(L, flat, lower=True, transpose_a=True)
        return jnp.reshape(y, diff.aval.shape)
    batch = jnp.broadcast_shapes(L.aval.shape[:-2], diff.aval.shape[:-1])
    L = jnp.broadcast_to(L, batch + (n, n))
    rows = jnp.broadcast_to(diff, batch + (n,))[..., None, :]
    return lax_linalg.triangular_solve(L, rows, lower=True, transpose_a=True)[..., 0, :]


def logpdf(x, mean, cov, allow_singular=None):
    if allow_singular is not None:
        raise NotImplementedError("allow_singular argument of multivariate_normal.logpdf")
    x, mean, cov = (as_value(v) for v in promote_inexact(x, mean, cov))
    log_2pi = math.log(2 * math.pi)
    if not mean.aval.shape:
        return -1 / 2 * jnp.square(x - mean) / cov - 1 / 2 * (log_2pi + jnp.log(cov))
    n = mean.aval.shape[-1]
    if not cov.aval.shape:
        y = x - mean
        return -1 / 2 * jnp.einsum("...i,...i->...", y, y) / cov - n / 2 * (log_2pi + jnp.log(cov))
    if cov.aval.ndim < 2 or cov.aval.shape[-2:] != (n, n):
        raise user_error(ValueError, "multivariate_normal.logpdf got incompatible shapes")
    L = lax_linalg.cholesky(cov)
    y = _whitened(L, x - mean)
    log_det = jnp.sum(jnp.log(jnp.diagonal(L, axis1=-1, axis2=-2)), axis=-1)
    return -1 / 2 * jnp.einsum("...i,...i->...", y, y) - n / 2 * log_2pi - log_det


pdf = exp_of(logpdf)
