"""jnp partial sorts and masked placement: partition/argpartition (JAX's layout: the kth+1 smallest
ascending, then the rest descending, from two lax.top_k), sort_complex, put_along_axis, place (both
inplace=False, as JAX's immutable arrays require), and piecewise (each function vmapped over the elements,
then selected by the first true condition, as JAX's vectorized switch).
"""
from __future__ import annotations

import numpy as _np

from .. import dtypes as _dt
from .. import lax
from ..batching import vmap
from ..errors import user_error
from . import _logic as _l, _reductions as _r
from ._core import as_value, canonical_axis, convert, operand
from ._creation import asarray, zeros_like
from ._shapes import broadcast_to, concatenate, ravel, reshape, swapaxes
from ._sorting import sort
from ..lax._sort import take_along


def _partition_input(a, kth, axis, name):
    x = as_value(operand(a))
    if _dt.is_complex(x.aval.dtype):
        raise user_error(NotImplementedError, f"jnp.{name} for complex dtype is not implemented.")
    axis = canonical_axis(axis, x.aval.ndim)
    kth = canonical_axis(kth, x.aval.shape[axis])
    return swapaxes(x, axis, -1), kth, axis


def _neg_for_min(x):
    """A key whose top_k is x's bottom_k (unsigned: -(x+1) wraps to the order-reversing bit complement)."""
    if x.aval.dtype.startswith("uint"):
        return lax.bitwise_not(x)
    if x.aval.dtype == "bool":
        return lax.bitwise_not(x)
    return lax.neg(x)


def partition(a, kth, axis=-1):
    x, kth, axis = _partition_input(a, kth, axis, "partition")
    bottom = _neg_for_min(lax.top_k(_neg_for_min(x), kth + 1)[0])
    top = lax.top_k(x, x.aval.shape[-1] - kth - 1)[0]
    return swapaxes(lax.concatenate([bottom, top], x.aval.ndim - 1), -1, axis)


def argpartition(a, kth, axis=-1):
    x, kth, axis = _partition_input(a, kth, axis, "argpartition")
    bottom = lax.top_k(_neg_for_min(x), kth + 1)[1]
    n = x.aval.shape[-1]
    # the positions not among the bottom ones, in index order: top_k of a proxy that is 0 at the bottom ones
    hit = _r.any(_l.equal(reshape(bottom, bottom.aval.shape + (1,)),
                          lax.broadcasted_iota(bottom.aval.dtype, bottom.aval.shape[:-1] + (1, n), x.aval.ndim)),
                 axis=-2)
    proxy = convert(_l.logical_not(hit), "float32")
    top = lax.top_k(proxy, n - kth - 1)[1]
    return swapaxes(lax.concatenate([bottom, top], x.aval.ndim - 1), -1, axis)


def sort_complex(a):
    x = as_value(operand(a))
    if _dt.is_complex(x.aval.dtype):
        # lexicographic on (real, imag), as numpy orders complex numbers (pb.sort keys are real)
        d = x.aval.ndim - 1
        iota = lax.broadcasted_iota("int32", x.aval.shape, d)
        perm = lax.sort((lax.real(x), lax.imag(x), iota), dimension=d, num_keys=2)[-1]
        return take_along(x, perm, d)
    x = sort(x, axis=-1)
    dt = x.aval.dtype
    target = dt if _dt.is_complex(dt) else ("complex128" if dt in ("float64", "int64", "uint64", "int32", "uint32")
                                            and _dt.default_float() == "float64" else "complex64")
    return convert(x, target)


def _along_axis_index(shape, indices, axis):
    nd = len(shape)
    return tuple(indices if d == axis else lax.broadcasted_iota(indices.aval.dtype, indices.aval.shape, d)
                 for d in range(nd))


def put_along_axis(arr, indices, values, axis, inplace=True, *, mode=None):
    if inplace:
        raise user_error(ValueError, "jax.numpy.put_along_axis cannot modify arrays in-place, because JAX arrays"
                         "are immutable. Pass inplace=False to instead return an updated array.")
    x, idx, v = (as_value(operand(t)) for t in (arr, indices, values))
    shape = x.aval.shape
    if axis is None:
        x, axis = ravel(x), 0
    axis = canonical_axis(axis, x.aval.ndim)
    if x.aval.ndim != idx.aval.ndim:
        raise user_error(ValueError, f"put_along_axis arguments 'arr' and 'indices' must have same ndim. Got "
                         f"arr.ndim={x.aval.ndim} and indices.ndim={idx.aval.ndim}.")
    try:
        v = broadcast_to(v, idx.aval.shape)
    except ValueError:
        raise user_error(ValueError, f"put_along_axis argument 'values' must be broadcastable to 'indices'. Got "
                         f"values.shape={v.aval.shape} and indices.shape={idx.aval.shape}.") from None
    out = x.at[_along_axis_index(x.aval.shape, idx, axis)].set(v, mode=mode)
    return reshape(out, shape)


def place(arr, mask, vals, *, inplace=True):
    x, m, v = (as_value(operand(t)) for t in (arr, mask, vals))
    v = ravel(v)
    if inplace:
        raise user_error(ValueError, "jax.numpy.place cannot modify arrays in-place, because JAX arrays are "
                         "immutable. Pass inplace=False to instead return an updated array.")
    n = int(_np.prod(x.aval.shape, dtype=_np.int64))
    if n != int(_np.prod(m.aval.shape, dtype=_np.int64)):
        raise user_error(ValueError, "place: arr and mask must be the same size")
    if not v.aval.shape[0]:
        raise user_error(ValueError, "Cannot place values from an empty array")
    if not n:
        return x
    from ._setops import nonzero  # lazy: _setops imports _sorting, as this module does; kept acyclic
    idx = nonzero(ravel(m), size=n, fill_value=n)[0]
    reps = -(-n // v.aval.shape[0])
    v = concatenate([v] * reps)[:n]
    return reshape(ravel(x).at[idx].set(v, mode="drop"), x.aval.shape)


def piecewise(x, condlist, funclist, *args, **kw):
    x = as_value(operand(x))
    conds = [as_value(operand(c)) for c in (condlist if isinstance(condlist, (list, tuple)) else [condlist])]
    nc, nf = len(conds), len(funclist)
    if nf == nc + 1:
        funclist = list(funclist[-1:]) + list(funclist[:-1])
    elif nf == nc:
        funclist = [0] + list(funclist)
    else:
        raise user_error(ValueError, f"with {nc} condition(s), either {nc} or {nc + 1} functions are expected; "
                         f"got {nf}")
    dt = x.aval.dtype
    cond = lax.concatenate([reshape(broadcast_to(to, x.aval.shape), (1,) + x.aval.shape)
                            for to in [zeros_like(x, dtype="bool")] + [c.astype("bool") for c in conds]], 0)
    which = _r.argmax(_r.cumsum(cond, axis=0, dtype="int32"), axis=0)
    flat = ravel(x)
    out = None
    for i, f in enumerate(funclist):
        if callable(f):
            val = reshape(vmap(lambda e, f=f: asarray(f(e, *args, **kw)).astype(dt))(flat), x.aval.shape)
        else:
            val = broadcast_to(asarray(f, dtype=dt), x.aval.shape)
        out = val if out is None else _l.where(_l.equal(which, i), val, out)
    return out


__all__ = ["argpartition", "partition", "piecewise", "place", "put_along_axis", "sort_complex"]
