"""lax.sort, sort_key_val and top_k on pb.sort (dialects/ops/sort.py: a stable sort of keys that carries
one values operand).

XLA's variadic sort is composed from it: the permutation (an iota) is carried as the values, one stable
sort per key from the last key to the first (a least-significant-key-first radix order, so the first key
decides and later keys break its ties), and every operand is gathered by the final permutation.
"""
from __future__ import annotations

from pullback.dialects.types import BITWIDTH

from ..core import Literal, bind
from ..errors import user_error
from . import (_operands, bitcast_convert_type, bitwise_not, bitwise_xor, broadcast_in_dim, broadcasted_iota,
               concatenate, gather, lt, ne, reshape, select, transpose)


def _canonical_dim(dimension: int, ndim: int) -> int:
    if not -ndim <= dimension < ndim:
        raise ValueError(f"dimension {dimension} is out of bounds for an operand of rank {ndim}")
    return dimension % ndim


def _sort2(keys, values, dimension: int, is_stable: bool):
    return bind("sort", [keys, values], {"dimension": dimension, "is_stable": int(bool(is_stable))})


def take_along(x, perm, dimension: int):
    """x gathered along `dimension` by the integer array perm (take_along_axis; perm's shape is x's but
    for `dimension`)."""
    shape = perm.aval.shape
    column = shape + (1,)
    parts = [reshape(perm, column) if d == dimension else broadcasted_iota(perm.aval.dtype, column, d)
             for d in range(len(shape))]
    dims = tuple(range(len(shape)))
    return gather(x, concatenate(parts, len(shape)), offset_dims=(), collapsed_slice_dims=dims,
                  start_index_map=dims, slice_sizes=(1,) * len(shape), mode="clip")


def _index_dtype(n: int) -> str:
    return "int32" if n < 2 ** 31 else "int64"


def sort(operand, dimension: int = -1, is_stable: bool = True, num_keys: int = 1):
    """Sort one array, or a sequence of arrays by their first num_keys (JAX's lax.sort)."""
    single = not isinstance(operand, (list, tuple))
    ops = _operands(*([operand] if single else operand))
    if not ops:
        raise ValueError("sort needs at least one operand")
    if not 1 <= num_keys <= len(ops):
        raise ValueError(f"num_keys={num_keys} must be at least 1 and at most the number of operands {len(ops)}")
    shapes = [x.aval.shape for x in ops]
    if len(set(shapes)) != 1:
        raise TypeError(f"sort operands must have the same shape, got {shapes}")
    shape = shapes[0]
    if not shape:
        raise TypeError("sort needs operands of rank >= 1")
    d = _canonical_dim(dimension, len(shape))
    if len(ops) <= 2 and num_keys == 1:
        values = ops[1] if len(ops) == 2 else broadcasted_iota(_index_dtype(shape[d]), shape, d)
        outs = _sort2(ops[0], values, d, is_stable)
        return outs[0] if single else tuple(outs[:len(ops)])
    perm = broadcasted_iota(_index_dtype(shape[d]), shape, d)
    for i, key in reversed(list(enumerate(ops[:num_keys]))):
        keyed = key if i == num_keys - 1 else take_along(key, perm, d)
        _, perm = _sort2(keyed, perm, d, True)
    return tuple(take_along(x, perm, d) for x in ops)


def sort_key_val(keys, values, dimension: int = -1, is_stable: bool = True):
    k, v = sort((keys, values), dimension=dimension, is_stable=is_stable, num_keys=1)
    return k, v


def top_k(operand, k: int):
    """The k largest entries along the last axis and their int32 indices, largest first; ties
    keep the lower index first (as XLA's TopK), NaNs count as largest."""
    (operand,) = _operands(operand)
    shape = operand.aval.shape
    if not shape:
        raise TypeError("top_k needs an operand of rank >= 1")
    k = int(k)
    if not 0 <= k <= shape[-1]:
        raise ValueError(f"k argument to top_k must be nonnegative and at most {shape[-1]}, got {k}")
    return tuple(bind("top_k", [operand], {"k": k}))


def _total_order(x):
    """Floats as integers in IEEE total order (-NaN < -inf < -0.0 < 0.0 < inf < NaN), as XLA's TopK
    compares them; other dtypes as they are."""
    dt = x.aval.dtype
    if dt not in _INT_OF_FLOAT:
        return x
    it = _INT_OF_FLOAT[dt]
    i = bitcast_convert_type(x, it)
    magnitude = Literal((1 << (BITWIDTH[it] - 1)) - 1, it, False)
    return select(lt(i, Literal(0, it, False)), bitwise_xor(i, magnitude), i)


_INT_OF_FLOAT = {"float16": "int16", "bfloat16": "int16", "float32": "int32", "float64": "int64"}


def _top_k_along(operand, k: int, dimension: int, largest: bool):
    """top_k along `dimension` (of the negation for the smallest, so ties keep the lower index)."""
    (operand,) = _operands(operand)
    if operand.aval.dtype not in _INT_OF_FLOAT:
        raise user_error(ValueError, "operand must be a floating type")  # as XLA's ApproxTopK
    nd = len(operand.aval.shape)
    dimension = int(dimension) % nd if nd else 0
    perm = tuple(d for d in range(nd) if d != dimension) + (dimension,)
    moved = transpose(operand, perm) if dimension != nd - 1 else operand
    values, index = top_k(moved if largest else _negated_order(moved), k)
    if not largest:
        values = take_along(moved, index, nd - 1)
    if dimension != nd - 1:
        back = tuple(perm.index(d) for d in range(nd))
        values, index = transpose(values, back), transpose(index, back)
    return values, index


def _negated_order(x):
    """A key whose descending order is x's ascending order, NaNs first (XLA's ApproxTopK counts
    a NaN as the extreme in either direction): the bitwise complement of the total-order
    integer reverses its order."""
    key = _total_order(x)
    it = key.aval.dtype
    top = Literal((1 << (BITWIDTH[it] - 1)) - 1, it, False)
    return select(ne(x, x), broadcast_in_dim(top, key.aval.shape, ()), bitwise_not(key))


def approx_max_k(operand, k: int, reduction_dimension: int = -1, recall_target: float = 0.95,
                 reduction_input_size_override: int = -1, aggregate_to_topk: bool = True):
    """The k largest entries along reduction_dimension and their indices. XLA's CPU backend
    computes it exactly (a sort), and so does this; recall_target and the size override only
    tune the TPU approximation."""
    if not aggregate_to_topk:
        raise NotImplementedError("approx_max_k(aggregate_to_topk=False) returns TPU-specific partial results")
    return _top_k_along(operand, k, reduction_dimension, largest=True)


def approx_min_k(operand, k: int, reduction_dimension: int = -1, recall_target: float = 0.95,
                 reduction_input_size_override: int = -1, aggregate_to_topk: bool = True):
    """The k smallest entries along reduction_dimension and their indices (exact, as approx_max_k)."""
    if not aggregate_to_topk:
        raise NotImplementedError("approx_min_k(aggregate_to_topk=False) returns TPU-specific partial results")
    return _top_k_along(operand, k, reduction_dimension, largest=False)


__all__ = ["approx_max_k", "approx_min_k", "sort", "sort_key_val", "top_k"]
