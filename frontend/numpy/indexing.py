"""NumPy indexing on pb ops: basic indexing as slice/reshape/rev, integer arrays as gather.

Supported: integers (negative too), slices with any step, None, Ellipsis,
integer arrays (advanced indexing, which gathers along consecutive or
separated axes as numpy does) and boolean masks whose value is known (numpy
arrays, concrete Arrays: a k-d mask is its k nonzero index arrays, as in
numpy; a traced mask would give a data-dependent shape). Out-of-bounds indices
clamp, static integers included, as in JAX. `x.at[idx]` lives in _updates.py.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes, lax
from ..core import Array, Literal, is_array
from ..errors import user_error
from ._core import as_value, broadcast_shapes, broadcast_to_shape, operand
from ._creation import array


def _normalize(idx, ndim):
    """Expand Ellipsis; returns a list of index items covering all dims (plus None items)."""
    if not isinstance(idx, tuple):
        idx = (idx,)
    n_ellipsis = sum(1 for i in idx if i is Ellipsis)
    if n_ellipsis > 1:
        raise user_error(IndexError, "an index can only have a single ellipsis ('...')")
    used = sum(_mask(i).ndim if _mask(i) is not None else 1 for i in idx if i is not None and i is not Ellipsis)
    if used > ndim:
        raise user_error(IndexError, f"too many indices for array: array is {ndim}-dimensional, "
                         f"but {used} were indexed")
    out = []
    for i in idx:
        if i is Ellipsis:
            out.extend([slice(None)] * (ndim - used))
        else:
            out.append(i)
    if n_ellipsis == 0:
        out.extend([slice(None)] * (ndim - used))
    return out


def _mask(i):
    """A boolean index array whose value is known, as a numpy array (else None)."""
    if isinstance(i, list) or (isinstance(i, np.ndarray) and i.dtype == bool):
        i = np.asarray(i)
        return i if i.dtype == bool else None
    if isinstance(i, Array) and i.aval.dtype == "bool":
        return np.asarray(i)
    return None


def _expand_masks(items, shape):
    """Each boolean mask replaced by the index arrays of its True elements (np.nonzero)."""
    out, dim = [], 0
    for i in items:
        mask = None if i is None else _mask(i)
        if mask is None:
            out.append(i)
            dim += i is not None
            continue
        covered = tuple(shape[dim:dim + mask.ndim])
        if mask.ndim == 0 or mask.shape != covered:
            raise user_error(IndexError, f"boolean index of shape {mask.shape} does not match the indexed "
                             f"dimensions {covered} (0-d boolean indices are not supported)")
        out.extend(np.nonzero(mask))
        dim += mask.ndim
    return out


def _is_int_scalar(i):
    return isinstance(i, (int, np.integer)) and not isinstance(i, bool)


def _is_array_index(i):
    if isinstance(i, (list, np.ndarray)) or (is_array(i)):
        return True
    return False


def getitem(x, idx, mode: str = "clip"):
    """x[idx]. Out-of-bounds indices, static integers included, are clamped (mode "clip", JAX's
    x[idx]), or give the gather's fill value (mode "fill": jnp.take's default, and where .at[idx]
    updates find the positions they drop)."""
    if isinstance(idx, list):  # JAX refuses numpy's deprecated list-as-tuple ambiguity
        raise user_error(TypeError, "Using a non-tuple sequence for multidimensional indexing is not "
                         "allowed; use `arr[array(seq)]` instead of `arr[seq]`")
    x = as_value(operand(x))
    items = _expand_masks(_normalize(idx, x.aval.ndim), x.aval.shape)
    # a traced 0-d integer index is a dynamic_slice (which clamps) unless out-of-bounds
    # indices must be seen: then it is gathered like any index array, as is a static
    # integer out of bounds
    if mode != "clip" and _any_static_out_of_bounds(items, x.aval.shape):
        items = [np.asarray(i) if _is_int_scalar(i) else i for i in items]
    if any(_is_array_index(i) and not (mode == "clip" and is_array(i) and i.aval.ndim == 0 and _int_dtype(i))
           for i in items):
        return _advanced_getitem(x, items, mode)
    return _basic_getitem(x, items)


def _any_static_out_of_bounds(items, shape) -> bool:
    dims = [i for i in items if i is not None]
    return any(_is_int_scalar(i) and not -n <= i < n for i, n in zip(dims, shape))


def _int_dtype(i):
    return dtypes.is_integer(i.aval.dtype)


def _clamped(i, n: int) -> int:
    """A static integer index wrapped once if negative, then clamped to the axis (as JAX does)."""
    i = int(i) + n if i < 0 else int(i)
    return min(max(i, 0), n - 1)


def _basic_getitem(x, items):
    shape = x.aval.shape
    starts, limits, strides, rev_dims = [], [], [], []
    dyn = []          # (dim, traced index) for 0-d array indices
    out_shape = []
    dim = 0
    for i in items:
        if i is None:
            out_shape.append(("new",))
            continue
        n = shape[dim]
        if isinstance(i, slice):
            start, stop, step = i.indices(n)
            if step > 0:
                size = max(0, (stop - start + step - 1) // step)
                starts.append(start)
                limits.append(start + (size - 1) * step + 1 if size else start)
                strides.append(step)
            else:
                size = max(0, (start - stop - step - 1) // (-step))
                # take the reversed range with a positive stride, then rev
                lo = start + (size - 1) * step if size else start
                starts.append(lo if size else 0)
                limits.append(start + 1 if size else 0)
                strides.append(-step)
                rev_dims.append(dim)
            out_shape.append(("keep", dim))
        elif _is_int_scalar(i):
            if n == 0:
                raise user_error(IndexError, f"index {i} is out of bounds for axis {dim} with size 0")
            i = _clamped(i, n)
            starts.append(i)
            limits.append(i + 1)
            strides.append(1)
            out_shape.append(("drop", dim))
        elif is_array(i):
            if i.aval.shape != () or not _int_dtype(i):
                raise user_error(IndexError, "only integers, slices, None, Ellipsis and integer arrays "
                                 "are valid indices")
            starts.append(0)
            limits.append(n)
            strides.append(1)
            dyn.append((dim, i))
            out_shape.append(("drop", dim))
        else:
            raise user_error(IndexError, f"unsupported index {i!r} of type {type(i).__name__}")
        dim += 1
    y = x
    if any(s != 0 for s in starts) or list(limits) != list(shape) or any(s != 1 for s in strides):
        y = lax.slice(y, starts, limits, strides)
    if rev_dims:
        y = lax.rev(y, rev_dims)
    if dyn:
        y = _dynamic_index(y, dyn)
    final = []
    for kind in out_shape:
        if kind[0] == "new":
            final.append(1)
        elif kind[0] == "keep":
            final.append(y.aval.shape[kind[1]])
    return lax.reshape(y, tuple(final))


def _dynamic_index(y, dyn):
    """Index dims with traced scalars (negative indices wrap, as numpy does)."""
    starts = []
    sizes = list(y.aval.shape)
    dyn_map = dict(dyn)
    for d in range(y.aval.ndim):
        if d in dyn_map:
            i = dyn_map[d]
            i = lax.convert_element_type(i, "int32")
            n = Literal(y.aval.shape[d], "int32", False)
            i = lax.select(lax.lt(i, Literal(0, "int32", False)), lax.add(i, n), i)
            starts.append(i)
            sizes[d] = 1
        else:
            starts.append(Literal(0, "int32", False))
    return lax.dynamic_slice(y, starts, sizes)


def _index_array(i, n):
    """An int32 index array with negative entries wrapped."""
    if isinstance(i, (list, np.ndarray)):
        i = np.asarray(i)
        if i.dtype.kind not in "iu":  # checked before the int32 conversion below would hide it
            raise user_error(IndexError, f"index arrays must be integers, got {i.dtype}")
        return array(np.where(i < 0, i + n, i), "int32")  # known indices wrap on the host
    i = as_value(i)
    if i.aval.dtype == "bool":  # a known mask was expanded by _expand_masks
        raise user_error(IndexError, "boolean mask indexing with a traced mask has a data-dependent "
                         "shape and is not supported; use jnp.where")
    if not _int_dtype(i):
        raise user_error(IndexError, f"index arrays must be integers, got {i.aval.dtype}")
    i = lax.convert_element_type(i, "int32")
    nn = Literal(n, "int32", False)
    return lax.select(lax.lt(i, Literal(0, "int32", False)), lax.add(i, nn), i)


def _advanced_getitem(x, items, mode):
    """Basic-index first (keeping advanced dims), then one gather over the advanced dims."""
    # Replace advanced indices by full slices, apply basic indexing, then gather.
    # numpy: once an index array is present, integer scalars are advanced indices too
    # (x[3, 2:, [1, 3]] on (5, 6, 4) is (2, 4): the advanced indices are not adjacent).
    adv_positions = []   # dims (of x) indexed by arrays or integers
    basic_items = []
    dim = 0
    for i in items:
        if i is None:
            basic_items.append(None)
            continue
        if _is_int_scalar(i):
            i = np.asarray(i)
        if _is_array_index(i):
            adv_positions.append((len(basic_items), dim, i))
            basic_items.append(slice(None))
        else:
            basic_items.append(i)
        dim += 1
    # After basic indexing, find where each advanced dim landed.
    y = _basic_getitem(x, basic_items)
    pos = 0
    landed = {}
    for k, i in enumerate(basic_items):
        if i is None or isinstance(i, slice):
            for (bk, xd, arr) in adv_positions:
                if bk == k:
                    landed[xd] = pos
            pos += 1
    adv_dims = [landed[xd] for (_, xd, _) in adv_positions]
    idx_arrays = [_index_array(arr, y.aval.shape[landed[xd]]) for (_, xd, arr) in adv_positions]
    bshape = broadcast_shapes(*[a.aval.shape for a in idx_arrays])
    idx_arrays = [broadcast_to_shape(a, bshape) for a in idx_arrays]
    # numpy: advanced dims adjacent -> result dims replace them in place; else they go first
    adjacent = adv_dims == list(range(adv_dims[0], adv_dims[0] + len(adv_dims)))
    stacked = lax.concatenate([lax.reshape(a, bshape + (1,)) for a in idx_arrays], len(bshape))
    nd = y.aval.ndim
    remaining = [d for d in range(nd) if d not in adv_dims]
    slice_sizes = [1 if d in adv_dims else y.aval.shape[d] for d in range(nd)]
    nb = len(bshape)
    insert_at = adv_dims[0] if adjacent else 0
    offset_dims = tuple(k if k < insert_at else k + nb for k in range(len(remaining)))
    out = lax.gather(y, stacked, offset_dims=offset_dims, collapsed_slice_dims=tuple(sorted(adv_dims)),
                     start_index_map=tuple(adv_dims), slice_sizes=tuple(slice_sizes), mode=mode)
    return out


# x.at[idx]: out-of-place updates (frontend/numpy/_updates.py builds on getitem above).
from ._updates import AtIndexer  # noqa: E402,F401
