"""jnp sorting and order statistics: sort, argsort, lexsort, searchsorted, quantile, percentile, median and
their nan- forms, with JAX's semantics (stable sorts, NaNs last, quantile methods as jnp.quantile).

All of them are pb.sort (through lax.sort) plus gathers; quantiles interpolate between the two order
statistics around q * (n - 1), n counting the non-NaN entries for the nan- forms.
"""
from __future__ import annotations

import math as _math

import numpy as _np

from .. import dtypes as _dt
from .. import lax
from ..core import Literal
from ..errors import user_error
from ..lax._sort import _total_order, take_along
from ._core import as_value, canonical_axis, operand, promote, promote_inexact
from ._creation import asarray
from ._logic import isnan, where
from ._reductions import any as _any
from ._reductions import sum as _sum
from ._shapes import ravel, reshape


def _prepare(a, axis):
    a = as_value(operand(a))
    if axis is None:
        return ravel(a), 0
    return a, canonical_axis(axis, a.aval.ndim)


def sort(a, axis=-1, *, kind=None, order=None, stable=True, descending=False):
    if order is not None:
        raise ValueError("'order' argument to sort is not supported.")
    a, d = _prepare(a, axis)
    out = lax.sort(a, dimension=d, is_stable=stable)
    return lax.rev(out, (d,)) if descending else out


def argsort(a, axis=-1, *, kind=None, order=None, stable=True, descending=False):
    """Indices that sort a along axis; descending and stable keeps ties in their original order, as JAX
    (the row and the indices reversed, sorted, and the indices reversed back)."""
    if order is not None:
        raise ValueError("'order' argument to argsort is not supported.")
    a, d = _prepare(a, axis)
    iota = lax.broadcasted_iota(_dt.default_int(), a.aval.shape, d)
    if descending:
        _, idx = lax.sort_key_val(lax.rev(a, (d,)), lax.rev(iota, (d,)), dimension=d, is_stable=stable)
        return lax.rev(idx, (d,))
    return lax.sort_key_val(a, iota, dimension=d, is_stable=stable)[1]


def lexsort(keys, axis=-1):
    """Indices sorting by the last key first, then the others (numpy's lexsort)."""
    keys = [as_value(operand(k)) for k in keys]
    if not keys:
        raise TypeError("need sequence of keys with len > 0 in lexsort")
    shapes = {k.aval.shape for k in keys}
    if len(shapes) != 1:
        raise ValueError("all keys need to be the same shape")
    shape = keys[0].aval.shape
    if not shape:
        raise TypeError("lexsort needs keys of rank >= 1")
    d = canonical_axis(axis, len(shape))
    iota = lax.broadcasted_iota(_dt.default_int(), shape, d)
    return lax.sort((*keys[::-1], iota), dimension=d, num_keys=len(keys))[-1]


def _sort_key(x):
    """Integers in lax.sort's order (-0.0 ties 0.0, NaNs last)."""
    dt = x.aval.dtype
    if dt == "bool":
        return lax.convert_element_type(x, "int32")
    if not _dt.is_float(dt):
        return x
    zero = Literal(0, dt, False)
    x = lax.select(lax.eq(x, zero), lax.full(x.aval.shape, 0, dt), x)
    x = lax.select(lax.ne(x, x), lax.full(x.aval.shape, _np.nan, dt), x)
    return _total_order(x)


def searchsorted(a, v, side="left", sorter=None, *, method="scan"):
    """Insertion points of v in the sorted 1-D a (left: first, right: after equal entries), in
    lax.sort's order; every method gives the same result (they differ only in cost in JAX)."""
    if side not in ("left", "right"):
        raise ValueError(f"{side!r} is an invalid value for keyword 'side'. Expected one of ['left', 'right'].")
    if method not in ("scan", "scan_unrolled", "sort", "compare_all"):
        raise ValueError(f"{method!r} is an invalid value for keyword 'method'. "
                         "Expected one of ['sort', 'scan', 'scan_unrolled', 'compare_all'].")
    a, v = promote(a, v)
    a, v = as_value(a), as_value(v)
    if a.aval.ndim != 1:
        raise ValueError("a should be 1-dimensional")
    if sorter is not None:
        a = take_along(a, as_value(asarray(sorter)), 0)
    ka, kv = _sort_key(a), _sort_key(v)
    n, vshape = a.aval.shape[0], v.aval.shape
    ka = lax.broadcast_in_dim(ka, vshape + (n,), (len(vshape),))
    kv = lax.broadcast_in_dim(kv, vshape + (n,), tuple(range(len(vshape))))
    before = lax.lt(ka, kv) if side == "left" else lax.le(ka, kv)
    return _sum(before, axis=-1, dtype="int32")


# ---- quantiles -------------------------------------------------------------------

_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(a, q, axis, method, keepdims, squash_nans, name):
    if method not in _METHODS:
        raise user_error(ValueError, "method can only be 'linear', 'lower', 'higher', 'midpoint', or 'nearest'")
    a, q = (as_value(x) for x in promote_inexact(a, q))
    if _dt.is_complex(a.aval.dtype):
        raise user_error(ValueError, f"{name} does not support complex input, as the operation is poorly defined.")
    if q.aval.ndim > 1:
        raise user_error(ValueError, f"q must be have rank <= 1, got shape {q.aval.shape}")
    dt, shape = a.aval.dtype, a.aval.shape
    if axis is None:
        axes = tuple(range(len(shape)))
    elif isinstance(axis, (tuple, list)):
        axes = tuple(sorted(canonical_axis(ax, len(shape)) for ax in axis))
        if len(set(axes)) != len(axes):
            raise user_error(ValueError, "repeated axis")
    else:
        axes = (canonical_axis(axis, len(shape)),)
    kept = [d for d in range(len(shape)) if d not in axes]
    batch = tuple(shape[d] for d in kept)
    n = _math.prod(shape[d] for d in axes)
    a = reshape(lax.transpose(a, tuple(kept) + axes), batch + (n,))
    nan = Literal(_np.nan, dt, False)
    if squash_nans:
        a = where(isnan(a), nan, a)  # every NaN positive, so all sort last
    else:
        a = where(_any(isnan(a), axis=-1, keepdims=True), nan, a)
    s = lax.sort(a, dimension=len(batch))
    qshape = q.aval.shape
    full = qshape + batch
    qb = lax.broadcast_in_dim(q, full, tuple(range(len(qshape))))
    if squash_nans:
        counts = _sum(lax.bitwise_not(isnan(s)), axis=-1, dtype=dt)
        counts = lax.broadcast_in_dim(counts, full, tuple(range(len(qshape), len(full))))
    else:
        counts = lax.full(full, n, dt)
    one = Literal(1, dt, False)
    last = lax.sub(counts, one)
    pos = lax.mul(qb, last)
    low, high = lax.floor(pos), lax.ceil(pos)
    high_weight = lax.sub(pos, low)
    low_weight = lax.sub(one, high_weight)
    zero = Literal(0, dt, False)
    low = lax.convert_element_type(lax.max(zero, lax.min(low, last)), "int32")
    high = lax.convert_element_type(lax.max(zero, lax.min(high, last)), "int32")
    sb = lax.broadcast_in_dim(s, full + (n,), tuple(range(len(qshape), len(full) + 1)))

    def at(idx):
        picked = take_along(sb, lax.reshape(idx, full + (1,)), len(full))
        return lax.reshape(picked, full)
    low_value, high_value = at(low), at(high)
    if method == "linear":
        out = lax.add(lax.mul(low_value, low_weight), lax.mul(high_value, high_weight))
    elif method == "lower":
        out = low_value
    elif method == "higher":
        out = high_value
    elif method == "nearest":
        out = lax.select(lax.le(high_weight, Literal(0.5, dt, False)), low_value, high_value)
    else:
        out = lax.mul(lax.add(low_value, high_value), Literal(0.5, dt, False))
    if keepdims:
        out = lax.reshape(out, qshape + tuple(1 if d in axes else shape[d] for d in range(len(shape))))
    return out


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *,
             interpolation=None):
    return _quantile(a, q, axis, interpolation or method, keepdims, False, "quantile")


def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *,
                interpolation=None):
    return _quantile(a, q, axis, interpolation or method, keepdims, True, "nanquantile")


def _percent(q):
    q = as_value(promote_inexact(q)[0])
    return lax.div(q, Literal(100, q.aval.dtype, q.aval.weak))


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *,
               interpolation=None):
    a, q = promote_inexact(a, q)
    return quantile(a, _percent(q), axis, method=interpolation or method, keepdims=keepdims)


def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *,
                  interpolation=None):
    a, q = promote_inexact(a, q)
    return nanquantile(a, _percent(q), axis, method=interpolation or method, keepdims=keepdims)


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    return quantile(a, 0.5, axis=axis, method="midpoint", keepdims=keepdims)


def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    return nanquantile(a, 0.5, axis=axis, method="midpoint", keepdims=keepdims)


__all__ = ["argsort", "lexsort", "median", "nanmedian", "nanpercentile", "nanquantile", "percentile", "quantile",
           "searchsorted", "sort"]

