"""jnp functions whose output size depends on the data: nonzero, argwhere, flatnonzero, unique (and the array
API's unique_all/counts/inverse/values), the 1-D set operations, compress, extract, with JAX's semantics.

Each one computes a boolean "keep" mask over a sorted or flat operand and compacts it to a static length:
`size=` under jit (padding with fill_value, or JAX's defaults), or, outside jit, the count read from the
concrete mask. Without size= under jit, the mask has no concrete value and reading it raises
ConcretizationTypeError naming the size= remedy, as JAX does. Compaction is a stable sort of ~mask (the
kept positions first, in order), so everything is lax.sort plus gathers.
"""
from __future__ import annotations

import collections

import numpy as _np

from .. import dtypes as _dt
from .. import lax
from ..core import Tracer
from ..errors import user_error
from . import _arithmetic as _a, _logic as _l, _reductions as _r
from ._core import as_value, canonical_axis, convert, operand, promote, to_bool
from ._composite_math import diff
from ._creation import full, zeros
from ._shapes import concatenate, moveaxis, ravel, reshape
from ._sorting import lexsort
from ._more_math import logical_xor

_SIZE_HINT = ("jnp.{0} has a data-dependent output shape; pass a static size= to use it under jit "
              "or other transformations. The mask")


def _concrete_count(mask, name):
    """The number of True entries of mask as a Python int (needs a concrete mask: not under jit)."""
    if isinstance(mask, Tracer):
        return int(_np.sum(mask._concrete(_SIZE_HINT.format(name))))
    return int(_np.sum(_np.asarray(mask)))


def _static_size(size, name):
    if isinstance(size, Tracer):
        size._concrete(f"the size argument of jnp.{name}")
    return int(size)


def _size(x):
    return int(_np.prod(x.aval.shape, dtype=_np.int64))


def _iota(n, dtype=None):
    return lax.iota(dtype or _dt.default_int(), n)


def _first_true(mask, size):
    """Positions of the first `size` True entries of the 1-D mask (in order), and how many there are; the
    positions past that count are those of False entries (callers replace them)."""
    n = mask.aval.shape[0]
    idx = lax.sort_key_val(convert(_l.logical_not(mask), "int32"), _iota(n), dimension=0, is_stable=True)[1]
    if size > n:
        idx = concatenate([idx, zeros(size - n, idx.dtype)])
    return idx[:size], _r.sum(mask, dtype=_dt.default_int())


def nonzero(a, *, size=None, fill_value=None):
    x = as_value(operand(a))
    if x.aval.ndim == 0:
        raise user_error(ValueError, "Calling nonzero on 0d arrays is not allowed. Use jnp.atleast_1d(scalar) "
                         "instead.")
    mask = ravel(to_bool(x))
    size = _concrete_count(mask, "nonzero") if size is None else _static_size(size, "nonzero")
    shape = x.aval.shape
    if mask.aval.shape[0] == 0:
        flat = zeros(size, _dt.default_int())
        count = 0
    else:
        flat, count = _first_true(mask, size)
    valid = _l.less(_iota(size), count)
    flat = _l.where(valid, flat, 0)
    strides = [int(_np.prod(shape[i + 1:], dtype=_np.int64)) for i in range(len(shape))]
    out = [_a.remainder(_a.floor_divide(flat, s), d) if d else flat for s, d in zip(strides, shape)]
    if fill_value is not None:
        fills = _np.broadcast_to(_np.asarray(fill_value), (len(shape),)) if _np.ndim(fill_value) <= 1 else None
        if fills is None or (_np.ndim(fill_value) == 1 and len(fill_value) != len(shape)):
            raise user_error(ValueError, f"fill_value must be a scalar or a tuple of length {len(shape)}; "
                             f"got {fill_value}")
        out = [_l.where(valid, o, convert(as_value(operand(fv.item())), o.aval.dtype)) for o, fv in zip(out, fills)]
    return tuple(as_value(o) for o in out)


def flatnonzero(a, *, size=None, fill_value=None):
    return nonzero(ravel(as_value(operand(a))), size=size, fill_value=fill_value)[0]


def argwhere(a, *, size=None, fill_value=None):
    x = as_value(operand(a))
    if x.aval.ndim == 0:
        x = reshape(x, (1,))
        out = nonzero(x, size=size, fill_value=fill_value)
        return reshape(out[0], (-1, 0)) if size is None else lax.full((size, 0), 0, _dt.default_int())
    cols = nonzero(x, size=size, fill_value=fill_value)
    return lax.concatenate([reshape(c, (-1, 1)) for c in cols], 1)


def _neq(a, b, equal_nan):
    ne = _l.not_equal(a, b)
    if equal_nan and _dt.is_inexact(a.aval.dtype):
        ne = _l.logical_and(ne, _l.logical_not(_l.logical_and(_l.isnan(a), _l.isnan(b))))
    return ne


def _sorted_mask(ar, equal_nan):
    """ar (axis first) sorted lexicographically by rows, the mask of first-of-run rows, and the permutation."""
    n, rest = ar.aval.shape[0], ar.aval.shape[1:]
    width = int(_np.prod(rest, dtype=_np.int64))
    if width == 0:
        perm = zeros(1, _dt.default_int())
        n = 1
    elif not rest:
        perm = lax.sort_key_val(ar, _iota(n), dimension=0, is_stable=True)[1]
    else:
        rows = reshape(ar, (n, width))
        perm = lexsort([rows[:, j] for j in range(width)][::-1])
    aux = ar[perm] if _size(ar) else ar
    if _size(aux):
        ne = _neq(aux[1:], aux[:-1], equal_nan)
        if ne.aval.ndim > 1:
            ne = _r.any(ne, axis=tuple(range(1, ne.aval.ndim)))
        mask = concatenate([lax.full((1,), True, "bool"), ne])
    else:
        mask = lax.full((n,), False, "bool")
    return aux, mask, perm


def _unique(ar, axis, return_index, return_inverse, return_counts, equal_nan, size, fill_value):
    if ar.aval.shape[axis] == 0 and size and fill_value is None:
        raise user_error(ValueError, "jnp.unique: for zero-sized input with nonzero size argument, fill_value "
                         "must be specified")
    aux, mask, perm = _sorted_mask(moveaxis(ar, axis, 0), equal_nan)
    if size is None:
        size = _concrete_count(mask, "unique")
    ind, count = _first_true(mask, size)
    ind = _l.where(_l.less(_iota(size), count), ind, 0)
    result = aux[ind] if _size(aux) else aux
    if fill_value is not None:
        fill = convert(as_value(operand(fill_value)), result.aval.dtype)
        if result.aval.shape[0]:
            valid = reshape(_l.less(_iota(size), count), (size,) + (1,) * (result.aval.ndim - 1))
            result = _l.where(valid, result, fill)
        else:
            result = lax.broadcast_in_dim(as_value(fill), (size,) + result.aval.shape[1:], ())
    ret = (moveaxis(result, 0, axis),)
    if return_index:
        ret += (perm[ind] if _size(aux) else perm,)
    if return_inverse:
        if _size(aux):
            imask = _a.subtract(_r.cumsum(mask, dtype=_dt.default_int()), 1)
            inv = zeros(mask.aval.shape, _dt.default_int()).at[perm].set(imask)
        else:
            inv = zeros(ar.aval.shape[axis], _dt.default_int())
        ret += (inv,)
    if return_counts:
        if _size(aux):
            idx, _ = _first_true(mask, size + 1)
            idx = _l.where(_l.less(_iota(size + 1), count), idx, mask.aval.shape[0])
            ret += (diff(idx),)
        elif ar.aval.shape[axis]:
            ret += (full((1,), ar.aval.shape[axis], _dt.default_int()),)
        else:
            ret += (zeros(0, _dt.default_int()),)
    return ret[0] if len(ret) == 1 else ret


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *, equal_nan=True,
           size=None, fill_value=None, sorted=True):  # noqa: A002 - numpy's name
    x = as_value(operand(ar))
    if size is not None:
        size = _static_size(size, "unique")
    shape = x.aval.shape
    if axis is None:
        x, ax = ravel(x), 0
    else:
        ax = canonical_axis(axis, x.aval.ndim)
    out = _unique(x, ax, return_index, return_inverse, return_counts, equal_nan, size, fill_value)
    if return_inverse and axis is None:
        k = 2 if return_index else 1
        out = (*out[:k], reshape(out[k], shape), *out[k + 1:])
    return out


UniqueAllResult = collections.namedtuple("UniqueAllResult", ["values", "indices", "inverse_indices", "counts"])
UniqueCountsResult = collections.namedtuple("UniqueCountsResult", ["values", "counts"])
UniqueInverseResult = collections.namedtuple("UniqueInverseResult", ["values", "inverse_indices"])


def unique_all(x, /, *, size=None, fill_value=None):
    return UniqueAllResult(*unique(x, True, True, True, equal_nan=False, size=size, fill_value=fill_value))


def unique_counts(x, /, *, size=None, fill_value=None):
    return UniqueCountsResult(*unique(x, return_counts=True, equal_nan=False, size=size, fill_value=fill_value))


def unique_inverse(x, /, *, size=None, fill_value=None):
    return UniqueInverseResult(*unique(x, return_inverse=True, equal_nan=False, size=size, fill_value=fill_value))


def unique_values(x, /, *, size=None, fill_value=None):
    return unique(x, equal_nan=False, size=size, fill_value=fill_value)


def _in1d(a, b):
    """For each element of 1-D a, whether it occurs in 1-D b (all pairs compared, as JAX's 'compare_all')."""
    if a.aval.shape[0] == 0 or b.aval.shape[0] == 0:
        return lax.full(a.aval.shape, False, "bool")
    return _r.any(_l.equal(reshape(a, (-1, 1)), reshape(b, (1, -1))), axis=1)


def _compact_sorted(aux, keep, size, fill_value, name, default_fill):
    """The kept entries of the sorted 1-D aux, first `size` of them, padded with fill_value or JAX's
    default ('min': the smallest result, 0 when none; else the value default_fill)."""
    if size is None:
        size = _concrete_count(keep, name)
    if aux.aval.shape[0] == 0:
        return zeros(size, aux.aval.dtype)
    ind, count = _first_true(keep, size)
    valid = _l.less(_iota(size), count)
    vals = _l.where(valid, aux[ind], convert(as_value(operand(0)), aux.aval.dtype))
    if fill_value is None and default_fill == "min":
        vals = _l.where(valid, vals, _r.max(vals) if size else vals)
        return _l.where(valid, vals, _r.min(vals) if size else vals)
    fill = default_fill if fill_value is None else fill_value
    return _l.where(valid, vals, convert(as_value(operand(fill)), aux.aval.dtype))


def _sorted_unique_mask(x):
    aux = lax.sort(x, dimension=0)
    if aux.aval.shape[0] == 0:
        return aux, lax.full((0,), False, "bool")
    return aux, concatenate([lax.full((1,), True, "bool"), _l.not_equal(aux[1:], aux[:-1])])


def _flat_pair(ar1, ar2):
    a, b = promote(ar1, ar2)
    return ravel(as_value(a)), ravel(as_value(b))


def union1d(ar1, ar2, *, size=None, fill_value=None):
    a, b = _flat_pair(ar1, ar2)
    return unique(concatenate([a, b]), size=size, fill_value=fill_value)


def setdiff1d(ar1, ar2, assume_unique=False, *, size=None, fill_value=None):
    a, b = _flat_pair(ar1, ar2)
    size = None if size is None else _static_size(size, "setdiff1d")
    aux, first = _sorted_unique_mask(a)
    keep = _l.logical_and(first, _l.logical_not(_in1d(aux, b))) if aux.aval.shape[0] else first
    return _compact_sorted(aux, keep, size, fill_value, "setdiff1d", 0)


def setxor1d(ar1, ar2, assume_unique=False, *, size=None, fill_value=None):
    a, b = _flat_pair(ar1, ar2)
    size = None if size is None else _static_size(size, "setxor1d")
    aux, first = _sorted_unique_mask(concatenate([a, b]))
    if aux.aval.shape[0]:
        first = _l.logical_and(first, logical_xor(_in1d(aux, a), _in1d(aux, b)))
    return _compact_sorted(aux, first, size, fill_value, "setxor1d", "min")


def intersect1d(ar1, ar2, assume_unique=False, return_indices=False, *, size=None, fill_value=None):
    a, b = _flat_pair(ar1, ar2)
    size = None if size is None else _static_size(size, "intersect1d")
    n1 = a.aval.shape[0]
    perm = lax.sort_key_val(a, _iota(n1), dimension=0, is_stable=True)[1] if n1 else _iota(0)
    aux = a[perm] if n1 else a
    _, first = _sorted_unique_mask(aux)
    keep = _l.logical_and(first, _in1d(aux, b)) if n1 else first
    vals = _compact_sorted(aux, keep, size, fill_value, "intersect1d", "min")
    if not return_indices:
        return vals
    k = vals.aval.shape[0]
    if n1 == 0 or b.aval.shape[0] == 0:
        return vals, full(k, n1, _dt.default_int()), full(k, b.aval.shape[0], _dt.default_int())
    ind, count = _first_true(keep, k)
    valid = _l.less(_iota(k), count)
    i1 = _l.where(valid, perm[ind], n1)
    hits = _l.equal(reshape(aux[ind], (-1, 1)), reshape(b, (1, -1)))
    i2 = _l.where(valid, _r.argmax(hits, axis=1).astype(_dt.default_int()), b.aval.shape[0])
    return vals, i1, i2


def compress(condition, a, axis=None, *, size=None, fill_value=0, out=None):
    if out is not None:
        raise NotImplementedError("The 'out' argument to jnp.compress is not supported.")
    cond = as_value(operand(condition))
    if cond.aval.ndim != 1:
        raise user_error(ValueError, "condition must be a 1D array")
    x = as_value(operand(a))
    if axis is None:
        x, axis = ravel(x), 0
    axis = canonical_axis(axis, x.aval.ndim)
    x = moveaxis(x, axis, 0)
    n = min(cond.aval.shape[0], x.aval.shape[0])
    extra, cond, x = cond[n:], to_bool(cond[:n]), x[:n]
    if size is None:
        if _concrete_count(to_bool(extra), "compress"):
            raise user_error(ValueError, "condition contains entries that are out of bounds")
        size = _concrete_count(cond, "compress")
    elif not 0 <= size <= x.aval.shape[0]:
        raise user_error(ValueError, "size must be positive and not greater than the size of the array axis; "
                         f"got size={size} for a.shape[axis]={x.aval.shape[0]}")
    if size == 0:
        return moveaxis(x[:0], 0, axis)
    ind, count = _first_true(cond, size)
    valid = reshape(_l.less(_iota(size), count), (size,) + (1,) * (x.aval.ndim - 1))
    out = _l.where(valid, x[ind], convert(as_value(operand(fill_value)), x.aval.dtype))
    return moveaxis(out, 0, axis)


def extract(condition, arr, *, size=None, fill_value=0):
    return compress(ravel(as_value(operand(condition))), ravel(as_value(operand(arr))), size=size,
                    fill_value=fill_value)


__all__ = ["argwhere", "compress", "extract", "flatnonzero", "intersect1d", "nonzero", "setdiff1d", "setxor1d",
           "union1d", "unique", "unique_all", "unique_counts", "unique_inverse", "unique_values"]
