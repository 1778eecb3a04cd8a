"""lax's structural helpers, composed from the one-primitive functions of pullback.lax:
the *_in_dim slicing family, expand_dims/squeeze/collapse, broadcasting helpers, split/tile/
stack/unstack, dot and batch_matmul over dot_general, boolean reductions, lax.reduce for the
known monoids (add, mul, max, min, and, or), Precision, and the identity-valued barriers."""
from __future__ import annotations

import enum
import math
from typing import Sequence

import numpy as np

from pullback.dialects.types import numpy_dtype

from .. import dtypes as _dt, lax
from ..errors import user_error
from ..values import to_array
from ..numpy._core import broadcast_shapes as _bs
from ..numpy._arrange import tile as _tile
from ..tree_util import tree_flatten, tree_unflatten
from ..numpy import indexing as _idx



class Precision(enum.Enum):
    """Dot precision; on the CPU float32 products have one precision, so all are exact float32."""
    DEFAULT = 0
    HIGH = 1
    HIGHEST = 2

    def __str__(self):
        return self.name


def expand_dims(array, dimensions: Sequence[int]):
    x = to_array(array)
    nd = x.aval.ndim + len(dimensions)
    dims = sorted(d % nd for d in dimensions)
    shape = list(x.aval.shape)
    for d in dims:
        shape.insert(d, 1)
    return lax.reshape(x, tuple(shape))


def squeeze(array, dimensions: Sequence[int]):
    x = to_array(array)
    dims = {d % max(x.aval.ndim, 1) for d in dimensions}
    for d in dims:
        if x.aval.shape[d] != 1:
            raise user_error(ValueError, f"cannot select an axis to squeeze out which has size not equal to one, "
                             f"got shape={x.aval.shape} and dimensions={tuple(dimensions)}")
    return lax.reshape(x, tuple(s for i, s in enumerate(x.aval.shape) if i not in dims))


def collapse(operand, start_dimension: int, stop_dimension: int | None = None):
    x = to_array(operand)
    nd = x.aval.ndim
    stop = nd if stop_dimension is None else stop_dimension % (nd + 1) if stop_dimension < 0 else stop_dimension
    start = start_dimension % nd if nd else 0
    shape = x.aval.shape
    return lax.reshape(x, shape[:start] + (math.prod(shape[start:stop]),) + shape[stop:])


def slice_in_dim(operand, start_index, limit_index, stride=1, axis=0):
    x = to_array(operand)
    ax = axis % x.aval.ndim
    n = x.aval.shape[ax]
    start = 0 if start_index is None else (start_index + n if start_index < 0 else start_index)
    limit = n if limit_index is None else (limit_index + n if limit_index < 0 else limit_index)
    lo, hi, st = [0] * x.aval.ndim, list(x.aval.shape), [1] * x.aval.ndim
    lo[ax], hi[ax], st[ax] = start, limit, stride
    return lax.slice(x, lo, hi, st)


def index_in_dim(operand, index, axis=0, keepdims=True):
    x = to_array(operand)
    ax = axis % x.aval.ndim
    n = x.aval.shape[ax]
    index = index + n if index < 0 else index
    if not 0 <= index < n:
        raise user_error(IndexError, f"index {index} is out of bounds for axis {ax} with size {n}")
    out = slice_in_dim(x, index, index + 1, 1, ax)
    return out if keepdims else squeeze(out, (ax,))


def dynamic_slice_in_dim(operand, start_index, slice_size, axis=0):
    x = to_array(operand)
    ax = axis % x.aval.ndim
    idx = to_array(start_index)
    zero = lax.full((), 0, idx.aval.dtype)
    starts = [idx if d == ax else zero for d in range(x.aval.ndim)]
    sizes = [slice_size if d == ax else s for d, s in enumerate(x.aval.shape)]
    return lax.dynamic_slice(x, starts, sizes)


def dynamic_index_in_dim(operand, index, axis=0, keepdims=True):
    x = to_array(operand)
    out = dynamic_slice_in_dim(x, index, 1, axis)
    return out if keepdims else squeeze(out, (axis % x.aval.ndim,))


def dynamic_update_slice_in_dim(operand, update, start_index, axis):
    x = to_array(operand)
    ax = axis % x.aval.ndim
    idx = to_array(start_index)
    zero = lax.full((), 0, idx.aval.dtype)
    return lax.dynamic_update_slice(x, update, [idx if d == ax else zero for d in range(x.aval.ndim)])


def dynamic_update_index_in_dim(operand, update, index, axis):
    x, u = to_array(operand), to_array(update)
    ax = axis % x.aval.ndim
    if u.aval.ndim == x.aval.ndim - 1:
        u = expand_dims(u, (ax,))
    return dynamic_update_slice_in_dim(x, u, index, ax)


def full_like(x, fill_value, dtype=None, shape=None):
    x = to_array(x)
    dt = _dt.name(dtype) if dtype is not None else x.aval.dtype
    return lax.full(x.aval.shape if shape is None else tuple(shape), fill_value, dt)


def empty(shape, dtype):
    return lax.full(tuple(shape) if not isinstance(shape, int) else (shape,), 0, _dt.name(dtype))


def broadcast_shapes(*shapes):
    return _bs(*[tuple(s) for s in shapes])


def broadcast_to_rank(x, rank: int):
    x = to_array(x)
    nd = x.aval.ndim
    if nd >= rank:
        return x
    return lax.broadcast(x, (1,) * (rank - nd))


def broadcast_like(arr, like_arr):
    like = to_array(like_arr)
    x = to_array(arr)
    return lax.broadcast_in_dim(x, like.aval.shape, tuple(range(like.aval.ndim - x.aval.ndim, like.aval.ndim)))


def tile(operand, reps: Sequence[int]):
    x = to_array(operand)
    if len(reps) != x.aval.ndim:
        raise user_error(ValueError, f"len(reps)={len(reps)} must equal the operand's rank {x.aval.ndim}")
    return _tile(x, tuple(reps))


def split(operand, sizes: Sequence[int], axis: int = 0):
    x = to_array(operand)
    ax = axis % x.aval.ndim
    if sum(sizes) != x.aval.shape[ax]:
        raise user_error(ValueError, f"Sum of sizes {sum(sizes)} must be equal to dimension {x.aval.shape[ax]} of "
                         f"the operand shape {x.aval.shape}")
    out, start = [], 0
    for s in sizes:
        out.append(slice_in_dim(x, start, start + s, 1, ax))
        start += s
    return out


def stack(operands, axis: int = 0):
    xs = [to_array(x) for x in operands]
    if not xs:
        raise user_error(ValueError, "stack requires at least one operand")
    ax = axis % (xs[0].aval.ndim + 1)
    return lax.concatenate([expand_dims(x, (ax,)) for x in xs], ax)


def unstack(x, axis: int = 0):
    x = to_array(x)
    ax = axis % x.aval.ndim
    return tuple(index_in_dim(x, i, ax, keepdims=False) for i in range(x.aval.shape[ax]))


def dot(lhs, rhs, *, dimension_numbers=None, precision=None, preferred_element_type=None):
    lhs, rhs = to_array(lhs), to_array(rhs)
    if preferred_element_type is not None:  # accumulate (and return) in the requested type
        dt = _dt.name(preferred_element_type)
        lhs, rhs = lax.convert_element_type(lhs, dt), lax.convert_element_type(rhs, dt)
        preferred_element_type = None
    if dimension_numbers is not None:
        return lax.dot_general(lhs, rhs, dimension_numbers, precision, preferred_element_type)
    if lhs.aval.ndim not in (1, 2) or rhs.aval.ndim not in (1, 2) or lhs.aval.shape[-1] != rhs.aval.shape[0]:
        raise user_error(ValueError, "lax.dot: dimension_numbers must be specified when not performing simple "
                         "un-batched matrix-matrix, matrix-vector, or vector-vector products; got "
                         f"lhs.shape={lhs.aval.shape} rhs.shape={rhs.aval.shape}")
    return lax.dot_general(lhs, rhs, (((lhs.aval.ndim - 1,), (0,)), ((), ())), precision, preferred_element_type)


def batch_matmul(lhs, rhs, precision=None):
    lhs, rhs = to_array(lhs), to_array(rhs)
    if lhs.aval.ndim < 2 or lhs.aval.ndim != rhs.aval.ndim:
        raise user_error(ValueError, f"Arguments to batch_matmul must be at least 2D and of equal rank, got "
                         f"{lhs.aval.ndim} and {rhs.aval.ndim}.")
    nb = lhs.aval.ndim - 2
    batch = tuple(range(nb))
    return lax.dot_general(lhs, rhs, (((nb + 1,), (nb,)), (batch, batch)), precision)


def reduce_and(operand, axes: Sequence[int]):
    x = to_array(operand)
    if x.aval.dtype != "bool":
        raise user_error(TypeError, "reduce_and of non-boolean operands is not supported here")
    return lax.reduce_min(x, tuple(axes))


def reduce_or(operand, axes: Sequence[int]):
    x = to_array(operand)
    if x.aval.dtype != "bool":
        raise user_error(TypeError, "reduce_or of non-boolean operands is not supported here")
    return lax.reduce_max(x, tuple(axes))


def reduce_xor(operand, axes: Sequence[int]):
    x = to_array(operand)
    if x.aval.dtype != "bool":
        raise user_error(TypeError, "reduce_xor of non-boolean operands is not supported here")
    count = lax.reduce_sum(lax.convert_element_type(x, "int32"), tuple(axes))
    return lax.ne(lax.rem(count, lax.full(count.aval.shape, 2, "int32")), lax.full(count.aval.shape, 0, "int32"))


def _monoid(computation, init):
    """The lax reduction for a known (computation, identity) pair, or None."""
    v = np.asarray(init)
    table = {lax.add: (lax.reduce_sum, lambda v: v == 0), lax.mul: (lax.reduce_prod, lambda v: v == 1),
             lax.max: (lax.reduce_max, lambda v: v == _lowest(v)), lax.min: (lax.reduce_min, lambda v: v == _highest(v)),
             lax.bitwise_and: (reduce_and, lambda v: v.dtype == bool and bool(v)),
             lax.bitwise_or: (reduce_or, lambda v: v.dtype == bool and not bool(v))}
    entry = table.get(computation)
    return entry[0] if entry is not None and entry[1](v) else None


def _lowest(v):
    return -np.inf if v.dtype.kind == "f" else (False if v.dtype == bool else np.iinfo(v.dtype).min)


def _highest(v):
    return np.inf if v.dtype.kind == "f" else (True if v.dtype == bool else np.iinfo(v.dtype).max)


def reduce(operands, init_values, computation, dimensions: Sequence[int]):
    """lax.reduce for computations that are known monoids (add, mul, max, min, and, or) with their
    identity as init value; other reducers are not supported."""
    ops, tree = tree_flatten(operands)
    inits, _ = tree_flatten(init_values)
    if len(ops) != len(inits):
        raise user_error(ValueError, "reduce: operands and init_values must have the same structure")
    if len(ops) != 1:  # JAX passes tuples to a variadic computation: no known monoid
        raise user_error(NotImplementedError, "lax.reduce of several operands (a variadic reducer) is not supported")
    outs = []
    for x, init in zip(ops, inits):
        x = to_array(x)
        init_np = np.asarray(init, dtype=numpy_dtype(x.aval.dtype))
        fn = _monoid(computation, init_np)
        if fn is None:
            raise user_error(NotImplementedError, "lax.reduce supports the monoids add/mul/max/min/and/or with their "
                             "identity as init value only")
        outs.append(fn(x, tuple(dimensions)))
    return tree_unflatten(tree, outs)


def optimization_barrier(operand, /):
    """The operand itself: the barrier only constrains XLA's scheduling."""
    return operand


def with_sharding_constraint(x, shardings):
    """x itself: on pullback's single device every array is fully replicated."""
    return x


def dtype(x):
    if hasattr(x, "aval"):
        return np.dtype(numpy_dtype(x.aval.dtype))
    return np.dtype(numpy_dtype(_dt.canonicalize(_dt.name(np.result_type(x)))))


def index_take(src, idxs, axes):
    src = to_array(src)
    axes = [a % src.aval.ndim for a in axes]
    rest = [d for d in range(src.aval.ndim) if d not in axes]
    moved = lax.transpose(src, tuple(axes) + tuple(rest))  # indexed dims first: the result's leading dim
    return _idx.getitem(moved, tuple(idxs))


__all__ = ["Precision", "batch_matmul", "broadcast_like", "broadcast_shapes", "broadcast_to_rank", "collapse", "dot",
           "dtype", "dynamic_index_in_dim", "dynamic_slice_in_dim", "dynamic_update_index_in_dim",
           "dynamic_update_slice_in_dim", "empty", "expand_dims", "full_like", "index_in_dim", "index_take",
           "optimization_barrier", "reduce", "reduce_and", "reduce_or", "reduce_xor", "slice_in_dim", "split",
           "squeeze", "stack", "tile", "unstack", "with_sharding_constraint"]
