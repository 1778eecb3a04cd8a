"""jnp.take, jnp.take_along_axis and jnp.put, with JAX's modes (each one gather or one scatter).

JAX's defaults differ from x[idx]: take and take_along_axis fill out-of-bounds
positions (mode None is "fill": NaN for inexact dtypes, the minimum of signed
and the maximum of unsigned integers, or `fill_value`); "clip" clamps; "wrap"
takes indices modulo the axis. Negative indices count from the end under
"fill" (and under "clip" in take_along_axis only: jnp.take clamps -1 to 0). put (inplace=False only, as
JAX) clamps by default after counting negative indices from the end (as JAX's
unravel_index, so nothing is dropped), clamps the raw index under "clip" and
wraps it under "wrap"; its values are repeated to the number of indices.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes, lax
from ..errors import user_error
from ..lax._scatter import GatherScatterMode
from ._core import as_value, operand
from ._creation import asarray

_TAKE_MODES = (None, "fill", "clip", "wrap")


def _int_indices(indices, what: str, error=ValueError):
    idx = as_value(asarray(indices))
    if not dtypes.is_integer(idx.aval.dtype):
        raise user_error(error, what.format(dtype=idx.aval.dtype))
    return idx


def _axis(axis, ndim: int) -> int:
    if not -ndim <= axis < ndim:
        raise user_error(ValueError, f"axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim


def _normalized(idx, n: int, mode):
    """Indices counted from the end made positive; modulo n under "wrap"; as they are under "clip"
    (which clamps them, as jnp.take does: -1 is 0)."""
    wide = "int64" if n >= 2**31 or idx.aval.dtype in ("uint32", "uint64", "int64") else "int32"
    if idx.aval.dtype != wide:  # room for index + n, and for the iotas next to it
        idx = lax.convert_element_type(idx, wide)
    size = lax.full(idx.aval.shape, n, idx.aval.dtype)
    zero = lax.full(idx.aval.shape, 0, idx.aval.dtype)
    if mode == "clip":
        return idx
    if mode == "wrap":
        if n == 0:
            return idx
        r = lax.rem(idx, size)
        return lax.select(lax.lt(r, zero), lax.add(r, size), r)
    return lax.select(lax.lt(idx, zero), lax.add(idx, size), idx)


def _gather_mode(mode) -> str:
    return "clip" if mode in ("clip", "wrap") else "fill"


def take(a, indices, axis=None, out=None, mode=None, unique_indices=False, indices_are_sorted=False,
         fill_value=None):
    if out is not None:
        raise user_error(NotImplementedError, "The 'out' argument to jnp.take is not supported.")
    if mode == "raise":
        raise user_error(NotImplementedError, "The 'raise' mode to jnp.take is not supported.")
    if mode not in _TAKE_MODES:
        raise user_error(ValueError, f"Invalid mode '{mode}' for np.take")
    a = as_value(operand(a))
    idx = _int_indices(indices, "indices must have an integer type")
    if axis is None:
        a, axis = lax.reshape(a, (int(np.prod(a.aval.shape, dtype=np.int64)),)), 0
    axis = _axis(axis, a.aval.ndim)
    n = a.aval.shape[axis]
    if n == 0 and int(np.prod(idx.aval.shape, dtype=np.int64)):
        raise user_error(IndexError, "Cannot do a non-empty jnp.take() from an empty axis.")
    idx = _normalized(idx, n, mode)
    rest = a.aval.ndim - 1
    offset_dims = tuple(d if d < axis else d + idx.aval.ndim for d in range(rest))
    sizes = tuple(1 if d == axis else s for d, s in enumerate(a.aval.shape))
    return lax.gather(a, lax.reshape(idx, idx.aval.shape + (1,)), offset_dims=offset_dims,
                      collapsed_slice_dims=(axis,), start_index_map=(axis,), slice_sizes=sizes,
                      mode=_gather_mode(mode), fill_value=fill_value)


def take_along_axis(arr, indices, axis, mode=None, fill_value=None):
    """arr's elements at `indices` along `axis`; the other dimensions of arr and indices broadcast."""
    try:  # lax's modes (JAX's GatherScatterMode.from_any): no "wrap" here
        clip = GatherScatterMode.from_any(mode) is not GatherScatterMode.FILL_OR_DROP
    except ValueError as e:
        raise user_error(ValueError, str(e)) from None
    a = as_value(operand(arr))
    idx = _int_indices(indices, "take_along_axis indices must be of integer type, got {dtype}", TypeError)
    if axis is None:
        if idx.aval.ndim != 1:
            raise user_error(ValueError, f"when axis=None, `indices` must have a single dimension, "
                             f"got {idx.aval.shape}")
        a, axis = lax.reshape(a, (int(np.prod(a.aval.shape, dtype=np.int64)),)), 0
    if idx.aval.ndim != a.aval.ndim:
        raise user_error(ValueError, f"indices and arr must have the same number of dimensions; "
                         f"{idx.aval.ndim} vs. {a.aval.ndim}")
    axis = _axis(axis, a.aval.ndim)
    shape = []
    for d, (m, k) in enumerate(zip(a.aval.shape, idx.aval.shape)):
        if d == axis:
            shape.append(k)
        elif m == k or m == 1 or k == 1:
            shape.append(k if m == 1 else m)
        else:
            raise user_error(ValueError, f"index shape {idx.aval.shape} is incompatible with array shape "
                             f"{a.aval.shape} outside axis {axis}")
    shape = tuple(shape)
    # negative indices count from the end in every mode here (jnp.take_along_axis does so)
    idx = _normalized(idx, a.aval.shape[axis], None)
    dtype = idx.aval.dtype
    # one full index vector per result element: iotas along the other dims (0 where arr broadcasts)
    columns = []
    for d, m in enumerate(a.aval.shape):
        if d == axis:
            col = lax.broadcast_in_dim(idx, shape, tuple(range(len(shape))))
        elif m == 1:
            col = lax.full(shape, 0, dtype)
        else:
            col = lax.broadcasted_iota(dtype, shape, d)
        columns.append(lax.reshape(col, shape + (1,)))
    vectors = lax.concatenate(columns, len(shape)) if columns else lax.full(shape + (0,), 0, dtype)
    dims = tuple(range(a.aval.ndim))
    return lax.gather(a, vectors, offset_dims=(), collapsed_slice_dims=dims, start_index_map=dims,
                      slice_sizes=(1,) * a.aval.ndim, mode="clip" if clip else "fill", fill_value=fill_value)


def put(a, ind, v, mode=None, *, inplace=True):
    if inplace:
        raise user_error(ValueError, "jax.numpy.put cannot modify arrays in-place, because JAX arrays are "
                         "immutable. Pass inplace=False to instead return an updated array.")
    a = as_value(operand(a))
    idx = _int_indices(ind, "indices must have an integer type")
    vals = as_value(asarray(v))
    size = int(np.prod(a.aval.shape, dtype=np.int64))
    ni = int(np.prod(idx.aval.shape, dtype=np.int64))
    nv = int(np.prod(vals.aval.shape, dtype=np.int64))
    if mode == "raise":
        raise user_error(NotImplementedError, "The 'raise' mode to jnp.put is not supported.")
    if mode not in (None, "clip", "wrap"):
        raise user_error(ValueError, f"mode should be one of 'wrap' or 'clip'; got mode={mode!r}")
    if not size or not ni or not nv:
        return a
    idx, vals = lax.reshape(idx, (ni,)), lax.reshape(vals, (nv,))
    if nv != ni:  # numpy's resize: the values repeated (or cut) to one per index
        reps = -(-ni // nv)
        vals = lax.slice(lax.reshape(lax.broadcast_in_dim(vals, (reps, nv), (1,)), (reps * nv,)), (0,), (ni,))
    if mode == "wrap":
        idx = _normalized(idx, size, "wrap")
    else:  # clamped; by default after counting negative indices from the end (JAX's unravel_index)
        if mode is None:
            idx = _normalized(idx, size, None)
        hi = lax.full((ni,), size - 1, idx.aval.dtype)
        idx = lax.min(lax.max(idx, lax.full((ni,), 0, idx.aval.dtype)), hi)
    flat = lax.reshape(a, (size,))
    return lax.reshape(flat.at[idx].set(vals), a.aval.shape)
