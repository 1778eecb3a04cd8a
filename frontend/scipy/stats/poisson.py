"""The Poisson distribution (jax.scipy.stats.poisson)."""
from __future__ import annotations

import numpy as np

from ... import lax
from ... import numpy as jnp
from ...numpy._core import as_value, promote_inexact
from ..special import entr, gammaincc, xlogy
from ._util import const, exp_of, promote_args


def logpmf(k, mu, loc=0):
    k, mu, loc = promote_args(k, mu, loc)
    x = lax.sub(k, loc)
    log_probs = lax.sub(lax.sub(xlogy(x, mu), lax.lgamma(lax.add(x, const(x, 1)))), mu)
    bad = jnp.logical_or(lax.lt(x, const(x, 0)), lax.ne(x, lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN)))
    return jnp.where(bad, const(x, -np.inf), log_probs)


pmf = exp_of(logpmf)


def _entropy_sum(mu, max_k, upper):
    """-sum p log p over k < min(max_k, upper) (JAX's truncated sums for mu < 100)."""
    k = jnp.arange(max_k, dtype=mu.aval.dtype)[:, None]
    probs = pmf(k, mu[None, :], 0)
    probs = jnp.where(k < jnp.ceil(upper)[None, :], probs, jnp.zeros_like(probs))
    return jnp.sum(entr(probs), axis=0)


def entropy(mu, loc=0):
    """The entropy of Poisson(mu): sums over the mass for mu < 10 and mu < 100, the asymptotic
    series 0.5 log(2 pi e mu) - 1 / (12 mu) above (JAX's three regimes); loc only broadcasts."""
    mu, loc = (as_value(v) for v in promote_inexact(mu, loc))
    shape = jnp.broadcast_shapes(mu.aval.shape, loc.aval.shape)
    flat = jnp.ravel(mu)
    small = _entropy_sum(flat, 35, flat + 20)
    medium = _entropy_sum(flat, 250, flat + 10 * jnp.sqrt(flat) + 20)
    large = 0.5 * jnp.log(2 * np.pi * np.e * flat) - 1.0 / (12 * flat)
    result = jnp.where(flat == 0, jnp.zeros_like(flat),
                       jnp.where(flat < 10, small, jnp.where(flat < 100, medium, large)))
    return jnp.broadcast_to(jnp.reshape(result, mu.aval.shape), shape)


def cdf(k, mu, loc=0):
    # P(K <= k) = Q(floor(k) + 1, mu); 0 below loc
    k, mu, loc = promote_args(k, mu, loc)
    x = lax.sub(k, loc)
    p = gammaincc(lax.floor(lax.add(const(x, 1), x)), mu)
    return jnp.where(lax.lt(x, const(x, 0)), const(x, 0), p)
