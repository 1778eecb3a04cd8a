"""random.choice, multivariate_normal and orthogonal, JAX's algorithms over pullback.numpy.

choice: uniform indices by randint, without replacement a prefix of a permutation, with p the
inverse CDF over cumsum(p) (with replacement) or the Gumbel top-k trick (without). The draws
are JAX's for the same key. multivariate_normal (cholesky, eigh or svd factor times normal
draws) and orthogonal (the sign-fixed Q of a normal matrix) use the same normal draws as JAX;
their factorizations are LAPACK's here and in JAX, so the results agree to rounding."""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .. import dtypes, lax, numpy as jnp
from ..core import is_array
from ..errors import user_error
from ._lax_helpers import _dt, _full
from ._xla_float import _log
from . import _float_dtype, _shape, gumbel, normal, permutation, randint, uniform


def choice(key, a, shape=(), replace=True, p=None, axis=0, mode=None):
    """Samples from a (an array, or arange(a) for an int), as `jax.random.choice`."""
    if not isinstance(shape, Sequence):
        raise user_error(TypeError, f"shape argument of jax.random.choice must be a sequence, got {shape}")
    shape = _shape(tuple(shape), "choice")
    arr = jnp.asarray(a)
    if arr.ndim == 0:
        n_inputs = int(a) if is_array(a) else int(np.asarray(a))  # the count must be concrete
    else:
        if not -arr.ndim <= axis < arr.ndim:
            raise user_error(ValueError, f"axis {axis} is out of bounds for array of dimension {arr.ndim}")
        axis %= arr.ndim
        n_inputs = arr.shape[axis]
    n_draws = math.prod(shape)
    if n_draws == 0:
        return jnp.zeros(shape, dtype=arr.dtype)
    if n_inputs <= 0:
        raise user_error(ValueError, "a must be greater than 0 unless no samples are taken")
    if not replace and n_draws > n_inputs:
        raise user_error(ValueError, f"Cannot take a larger sample (size {n_draws}) than population "
                         f"(size {n_inputs}) when 'replace=False'")
    if p is None:
        if replace:
            ind = randint(key, shape, 0, n_inputs)
            result = ind if arr.ndim == 0 else jnp.take(arr, ind, axis)
        else:
            slices = (slice(None),) * axis + (slice(n_draws),)
            result = permutation(key, n_inputs if arr.ndim == 0 else arr, axis)[slices]
    else:
        p_arr = jnp.asarray(p)
        if not dtypes.is_float(_dt(p_arr)):  # _dt: the array's own dtype name (bfloat16 too)
            p_arr = p_arr.astype(dtypes.default_float())
        pdt = _dt(p_arr)  # the draws are in p's float dtype, as JAX
        if tuple(p_arr.shape) != (n_inputs,):
            raise user_error(ValueError, "p must be None or a 1D vector with the same size as a.shape[axis]. "
                             f"p has shape {tuple(p_arr.shape)} and a.shape[axis] is {n_inputs}.")
        if replace:
            p_cuml = jnp.cumsum(p_arr)
            u = uniform(key, shape, dtype=pdt)
            r = p_cuml[-1] * lax.sub(_full(u, 1.0), u)
            if pdt == "bfloat16":  # the same order in float32 (exact); jnp.searchsorted can't build bfloat16 NaN yet
                p_cuml, r = (lax.convert_element_type(v, "float32") for v in (p_cuml, r))
            ind = jnp.searchsorted(p_cuml, r).astype(dtypes.default_int())
        else:
            g = gumbel(key, (n_inputs,), dtype=pdt, mode="low" if mode is None else mode) + _log(p_arr)
            ind = lax.top_k(g, n_draws)[1].astype(dtypes.default_int())
        result = ind if arr.ndim == 0 else jnp.take(arr, ind, axis)
    return result.reshape(shape if arr.ndim == 0 else
                          tuple(arr.shape[:axis]) + shape + tuple(arr.shape[axis + 1:]))


def multivariate_normal(key, mean, cov, shape=None, dtype=None, method="cholesky"):
    """Normal samples with the given mean and covariance, as `jax.random.multivariate_normal`."""
    if method not in ("svd", "eigh", "cholesky"):
        raise user_error(ValueError, "method must be one of {'svd', 'eigh', 'cholesky'}")
    mean, cov = jnp.asarray(mean), jnp.asarray(cov)
    inexact = dtypes.name(jnp.result_type(mean, cov))
    if not dtypes.is_float(inexact):
        inexact = dtypes.default_float()
    dt = inexact if dtype is None else _float_dtype(dtype, "multivariate_normal")
    mean, cov = mean.astype(inexact), cov.astype(inexact)
    if mean.ndim < 1:
        raise user_error(ValueError, f"multivariate_normal requires mean.ndim >= 1, got mean.ndim == {mean.ndim}")
    if cov.ndim < 2:
        raise user_error(ValueError, f"multivariate_normal requires cov.ndim >= 2, got cov.ndim == {cov.ndim}")
    n = mean.shape[-1]
    if tuple(cov.shape[-2:]) != (n, n):
        raise user_error(ValueError, f"multivariate_normal requires cov.shape == (..., n, n) for n={n}, "
                         f"but got cov.shape == {tuple(cov.shape)}.")
    batch = tuple(np.broadcast_shapes(tuple(mean.shape[:-1]), tuple(cov.shape[:-2])))
    if shape is None:
        shape = batch
    else:
        shape = _shape(shape, "multivariate_normal")
        if tuple(np.broadcast_shapes(shape, tuple(mean.shape[:-1]), tuple(cov.shape[:-2]))) != shape:
            raise user_error(ValueError, "normal parameter shapes must be broadcast-compatible with shape "
                             f"argument, and the result of broadcasting the shapes must equal the shape "
                             f"argument, but got result {batch} for shape argument {shape}.")
    if method == "svd":
        u, s, _ = jnp.linalg.svd(cov)
        factor = u * jnp.sqrt(s[..., None, :])
    elif method == "eigh":
        w, v = jnp.linalg.eigh(cov)
        factor = v * jnp.sqrt(w[..., None, :])
    else:
        factor = jnp.linalg.cholesky(cov)
    z = normal(key, shape + (n,), dt)
    return mean + jnp.einsum("...ij,...j->...i", factor, z)


def orthogonal(key, n, shape=(), dtype=None, m=None):
    """Uniformly (Haar) distributed orthogonal n x m matrices (m = n by default), as
    `jax.random.orthogonal`: the Q of a normal matrix, columns signed by R's diagonal."""
    dt = _float_dtype(dtype, "orthogonal")
    shape = _shape(shape, "orthogonal")
    n = int(n)
    m = n if m is None else int(m)
    z = normal(key, shape + (max(n, m), min(n, m)), dt)
    q, r = jnp.linalg.qr(z)
    d = jnp.diagonal(r, axis1=-2, axis2=-1)
    x = q * jnp.expand_dims(jnp.sign(d), -2)
    return jnp.swapaxes(x, -1, -2) if n < m else x
