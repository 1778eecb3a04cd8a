"""jax.scipy.stats' summary functions: mode, rankdata and sem (JAX's _core.py), with JAX's semantics.

mode and rankdata work on a sorted copy with static shapes, so they run under jit and vmap: runs of
equal values are found from neighbour comparisons, their bounds with cumulative max/min (JAX uses
unique/nonzero with size=; the results are the same).
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ... import dtypes, lax
from ... import numpy as jnp
from ...errors import user_error
from ...numpy._core import as_value, canonical_axis, promote_inexact


class ModeResult(NamedTuple):
    mode: object
    count: object


def _check_nan_policy(name, nan_policy):
    if nan_policy not in ("propagate", "omit", "raise"):
        raise user_error(ValueError, f"Illegal nan_policy value {nan_policy!r}; expected one of "
                                     "{'propagate', 'omit', 'raise'}")
    if nan_policy == "omit":
        raise user_error(NotImplementedError, f"Logic for `nan_policy` of {nan_policy} is not implemented")
    if nan_policy == "raise":
        raise user_error(NotImplementedError, f"In order to best JIT compile `{name}`, we cannot know whether `x` "
                                              f"contains nans. Please check if nans exist in `x` outside of the "
                                              f"`{name}` function.")


def _run_starts(s, same):
    """True where a sorted column (axis 0) starts a new run of equal values."""
    first = jnp.ones((1,) + s.aval.shape[1:], dtype="bool")
    return jnp.concatenate([first, jnp.logical_not(same(s[1:], s[:-1]))], axis=0)


def _same_or_both_nan(a, b):
    # jnp.unique (JAX's mode) counts NaNs as one value
    return (a == b) | (jnp.isnan(a) & jnp.isnan(b)) if dtypes.is_inexact(a.aval.dtype) else a == b


def mode(a, axis=0, nan_policy="propagate", keepdims=False):
    """The most frequent value along axis (the smallest of ties) and its count."""
    x = jnp.atleast_1d(as_value(a))
    _check_nan_policy("mode", nan_policy)
    shape = x.aval.shape
    if axis is not None:
        axis = canonical_axis(axis, x.ndim)
    if keepdims:
        out_shape = tuple(1 if axis is None or i == axis else s for i, s in enumerate(shape))
    else:
        out_shape = () if axis is None else tuple(s for i, s in enumerate(shape) if i != axis)
    if axis is None:
        x, axis = jnp.ravel(x), 0
    x = jnp.moveaxis(x, axis, 0)
    n, m = x.aval.shape[0], math.prod(x.aval.shape[1:])
    x = jnp.reshape(x, (n, m))
    if n == 0:
        float_dtype = dtypes.default_float()
        return ModeResult(jnp.full(out_shape, np.nan, float_dtype), jnp.zeros(out_shape, float_dtype))
    s = jnp.sort(x, axis=0)
    idx = lax.broadcasted_iota("int32", (n, m), 0)
    start = lax.cummax(jnp.where(_run_starts(s, _same_or_both_nan), idx, jnp.zeros_like(idx)), axis=0)
    count = idx - start + 1
    best = jnp.argmax(count, axis=0)
    vals = jnp.take_along_axis(s, best[None, :], axis=0)[0]
    return ModeResult(jnp.reshape(vals, out_shape), jnp.reshape(jnp.max(count, axis=0), out_shape))


_RANK_METHODS = ("average", "min", "max", "dense", "ordinal")


def _rank1d(a, method):
    n = a.aval.shape[0]
    out_dtype = dtypes.default_float()
    arr, sorter = lax.sort_key_val(a, jnp.arange(n))
    inv = jnp.argsort(sorter)
    if method == "ordinal":
        ranks = inv + 1
    else:
        starts = _run_starts(arr, lambda u, v: u == v)
        if method == "dense":
            ranks = jnp.cumsum(starts)[inv]
        else:
            idx = jnp.arange(n)
            lowest = lax.cummax(jnp.where(starts, idx, jnp.zeros_like(idx)), axis=0)[inv] + 1
            ends = jnp.concatenate([starts[1:], jnp.ones((1,), dtype="bool")])
            highest = lax.cummin(jnp.where(ends, idx, jnp.full_like(idx, n)), axis=0, reverse=True)[inv] + 1
            ranks = {"min": lowest, "max": highest}.get(method)
            if ranks is None:
                ranks = 0.5 * (lowest.astype(out_dtype) + highest.astype(out_dtype))
    ranks = ranks.astype(out_dtype)
    if not dtypes.is_inexact(a.aval.dtype):
        return ranks
    return jnp.where(jnp.any(jnp.isnan(a)), jnp.full_like(ranks, np.nan), ranks)


def rankdata(a, method="average", *, axis=None, nan_policy="propagate"):
    """Ranks from 1, ties resolved by method (average, min, max, dense, ordinal); all nan if any is."""
    _check_nan_policy("rankdata", nan_policy)
    if method not in _RANK_METHODS:
        raise user_error(ValueError, f"unknown method '{method}'")
    if axis is not None:
        return jnp.apply_along_axis(rankdata, axis, a, method)
    return _rank1d(jnp.ravel(as_value(a)), method)


def sem(a, axis=0, ddof=1, nan_policy="propagate", *, keepdims=False):
    """The standard error of the mean: std(ddof) / sqrt(count) along axis."""
    (b,) = (as_value(v) for v in promote_inexact(a))
    if nan_policy == "propagate":
        size = math.prod(b.aval.shape) if axis is None else b.aval.shape[axis]
        return jnp.std(b, axis, ddof=ddof, keepdims=keepdims) / jnp.sqrt(size).astype(b.aval.dtype)
    if nan_policy == "omit":
        count = jnp.sum(jnp.logical_not(jnp.isnan(b)), axis, keepdims=keepdims)
        return jnp.nanstd(b, axis, ddof=ddof, keepdims=keepdims) / jnp.sqrt(count).astype(b.aval.dtype)
    raise user_error(ValueError, f"{nan_policy} is not supported")
