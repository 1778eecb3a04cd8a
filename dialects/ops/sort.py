"""pb.sort: a stable sort of keys along one dimension, carrying values (`lax.sort_key_val`).

pb.sort takes two operands of one shape, keys and values of any dtype, and returns
both permuted by the keys' stable order. XLA's variadic sort (any number of operands,
`num_keys`) is composed from it in pullback.lax (the permutation carried as values,
one stable sort per key, last key first): IRDL binds one type per constraint
variable, so a variadic operand list of mixed dtypes cannot be declared. The order is JAX's total order: floats
compare as integers after -0.0 becomes 0.0 and every NaN a positive NaN, so NaNs
go last and -0.0/0.0 tie (jax/_src/lax/lax.py, _sort_lt_comparator). The sort is
always stable (`is_stable` is kept for JAX's signature; a stable order is one
valid unstable order).

Lowering: a bottom-up merge sort of a permutation per row (scf loops over
tensors, passes in pairs so each loop writes its carries in place: A -> B, then
B -> A), then one parallel linalg.generic per operand gathering it by the
permutation. The keys, mapped once to integers (floats by the order above), move with
the permutation, so every pass reads and writes sequentially. Derivative as JAX's: the sort with an iota operand gives the
permutation, tangents are gathered by it (so reverse mode is gather's
transpose). Batching: the batch dimension is one more dimension.
"""
from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import arith, bufferization, linalg, scf, tensor

from ..batching import broadcast_batch, concatenate, defbatch, move_axis
from ..emit import emit
from ..pb import pb, spec
from ..registry import I64, JVP, defop
from ..lowering import identity_map, index_constant as _index
from ..types import BITWIDTH, COMPLEX, FLOATS, UNSIGNED
from .common import require

_INT_OF_FLOAT = {"float16": "int16", "bfloat16": "int16", "float32": "int32", "float64": "int64"}


def _sort_infer(specs, attrs):
    keys, values = specs
    d = attrs["dimension"]
    require(keys.ndim >= 1, "pb.sort needs operands of rank >= 1")
    require(0 <= d < keys.ndim, f"pb.sort dimension {d} is out of range for rank {keys.ndim}")
    require(attrs["is_stable"] in (0, 1), f"pb.sort is_stable must be 0 or 1, got {attrs['is_stable']}")
    require(values.shape == keys.shape,
            f"pb.sort operands must have equal shapes, got {list(keys.shape)} and {list(values.shape)}")
    require(keys.dtype not in COMPLEX, f"pb.sort does not accept keys of dtype {keys.dtype}")
    return [keys, values]


# ---- reference --------------------------------------------------------------------

def _np_key(x: np.ndarray) -> np.ndarray:
    """Integers in JAX's sort order of x's values."""
    if x.dtype == bool:
        return x.astype(np.uint8)
    if x.dtype.kind in "iu":
        return x
    x = np.where(x == 0, np.zeros_like(x), x)
    x = np.where(np.isnan(x), np.full_like(x, np.nan), x)
    bits = x.dtype.itemsize * 8
    signed = x.view(f"int{bits}")
    with np.errstate(over="ignore"):  # the subtraction wraps, as arith.subi does
        flipped = (np.array(2 ** (bits - 1) - 1, f"uint{bits}") - x.view(f"uint{bits}")).view(f"int{bits}")
    return np.where(signed < 0, flipped, signed)


def _sort_ref(keys, values, *, dimension, is_stable):
    order = np.argsort(np.moveaxis(_np_key(keys), dimension, -1), axis=-1, kind="stable")
    return tuple(np.moveaxis(np.take_along_axis(np.moveaxis(x, dimension, -1), order, -1), -1, dimension)
                 for x in (keys, values))


# ---- lowering ---------------------------------------------------------------------

def _int_key(low, operand, in_spec):
    """The operand as a tensor of integers in sort order (floats mapped as _np_key)."""
    dt = in_spec.dtype
    if dt not in FLOATS:
        return operand
    it = _INT_OF_FLOAT[dt]
    bits = BITWIDTH[it]

    def body(x):
        zero = low.constant(0, dt)
        x = arith.select(arith.cmpf(arith.CmpFPredicate.OEQ, x, zero), zero, x)
        x = arith.select(arith.cmpf(arith.CmpFPredicate.UNO, x, x), low.constant(np.nan, dt), x)
        signed = arith.bitcast(low.scalar_type(it), x)
        flipped = arith.subi(low.constant((1 << (bits - 1)) - 1, it), signed)
        negative = arith.cmpi(arith.CmpIPredicate.slt, signed, low.constant(0, it))
        return arith.select(negative, flipped, signed)
    return low.map([operand], in_spec.with_dtype(it), body)


class _Rows:
    """Addressing of row `r` (all dimensions but the sorted one, row-major) at position p."""

    def __init__(self, shape, dimension, r):
        self.dimension = dimension
        other = [n for d, n in enumerate(shape) if d != dimension]
        self.prefix, rest = [], r
        for k, n in enumerate(other):
            stride = int(np.prod(other[k + 1:], dtype=np.int64))
            self.prefix.append(arith.remui(arith.divui(rest, _index(stride)), _index(n)) if stride else _index(0))

    def at(self, p):
        return self.prefix[:self.dimension] + [p] + self.prefix[self.dimension:]


def _merge_pass(src, dst, width, n, key_dtype, rows):
    """Merge the sorted runs of `width` of src's row into dst's row (stable). src and dst are
    (permutation, keys) pairs: the keys move with the permutation, so every pass reads and
    writes both sequentially (reading keys through the permutation missed the cache)."""
    nn, last = _index(n), _index(n - 1)
    step = arith.muli(width, _index(2))
    unsigned = key_dtype in UNSIGNED or key_dtype == "bool"
    runs = scf.ForOp(_index(0), nn, step, list(dst))
    with ir.InsertionPoint(runs.body):
        lo = runs.induction_variable
        mid = arith.minui(arith.addi(lo, width), nn)
        hi = arith.minui(arith.addi(lo, step), nn)
        merge = scf.ForOp(lo, hi, _index(1), [lo, mid, *runs.inner_iter_args])
        with ir.InsertionPoint(merge.body):
            k = merge.induction_variable
            i, j, out_perm, out_key = merge.inner_iter_args
            at_i, at_j = rows.at(arith.minui(i, last)), rows.at(arith.minui(j, last))
            pi, pj = tensor.extract(src[0], at_i), tensor.extract(src[0], at_j)
            ki, kj = tensor.extract(src[1], at_i), tensor.extract(src[1], at_j)
            right_less = arith.cmpi(arith.CmpIPredicate.ult if unsigned else arith.CmpIPredicate.slt, kj, ki)
            left_done = arith.cmpi(arith.CmpIPredicate.uge, i, mid)
            right_left = arith.cmpi(arith.CmpIPredicate.ult, j, hi)
            take_right = arith.andi(right_left, arith.ori(left_done, right_less))
            out_perm = tensor.insert(arith.select(take_right, pj, pi), out_perm, rows.at(k))
            out_key = tensor.insert(arith.select(take_right, kj, ki), out_key, rows.at(k))
            one = _index(1)
            scf.YieldOp([arith.select(take_right, i, arith.addi(i, one)),
                         arith.select(take_right, arith.addi(j, one), j), out_perm, out_key])
        scf.YieldOp(list(merge.results)[2:])
    return list(runs.results)


def _sort_lower(low, operands, in_specs, out_specs, attrs):
    dimension = attrs["dimension"]
    shape = in_specs[0].shape
    n = shape[dimension]
    if n <= 1 or 0 in shape:
        return list(operands)
    rows_count = int(np.prod(shape, dtype=np.int64)) // n
    perm_spec = in_specs[0].with_dtype("int32" if n < 2 ** 31 else "int64")
    perm_type = low.tensor_type(perm_spec)
    idx_t = ir.IndexType.get()
    key_dtype = _INT_OF_FLOAT.get(in_specs[0].dtype, in_specs[0].dtype)
    key_type = low.tensor_type(in_specs[0].with_dtype(key_dtype))
    # a buffer of the loop's own: the sort writes its keys in place
    key = bufferization.alloc_tensor(key_type, [], copy=_int_key(low, operands[0], in_specs[0]))
    iota = low.generic([], [], [perm_spec], lambda out: arith.index_cast(
        low.scalar_type(perm_spec.dtype), linalg.IndexOp(dimension).result))[0]
    scratch, key_scratch = bufferization.alloc_tensor(perm_type, []), bufferization.alloc_tensor(key_type, [])
    passes = max(1, int(np.ceil(np.log2(n))))
    row_loop = scf.ForOp(_index(0), _index(rows_count), _index(1), [iota, key, scratch, key_scratch])
    with ir.InsertionPoint(row_loop.body):
        rows = _Rows(shape, dimension, row_loop.induction_variable)
        pair_loop = scf.ForOp(_index(0), _index((passes + 1) // 2), _index(1), list(row_loop.inner_iter_args))
        with ir.InsertionPoint(pair_loop.body):
            state = list(pair_loop.inner_iter_args)
            a, b = state[:2], state[2:]
            width = arith.shli(_index(1), arith.muli(pair_loop.induction_variable, _index(2)))
            b = _merge_pass(a, b, width, n, key_dtype, rows)
            a = _merge_pass(b, a, arith.muli(width, _index(2)), n, key_dtype, rows)
            scf.YieldOp(a + b)
        scf.YieldOp(list(pair_loop.results))
    perm = row_loop.results[0]
    rank = len(shape)

    def gather(v, s):
        def body(p, out):
            at = [linalg.IndexOp(d).result for d in range(rank)]
            at[dimension] = arith.index_cast(idx_t, p)
            return tensor.extract(v, at)
        return low.generic([perm], [identity_map(rank)], [s], body)[0]
    return [gather(v, s) for v, s in zip(operands, out_specs)]


defop("sort", ("keys", "values"), {"dimension": I64, "is_stable": I64}, results=("sorted_keys", "sorted_values"),
      infer=_sort_infer, reference=_sort_ref, lower=_sort_lower, same_type=[("keys", "sorted_keys"),
                                                                          ("values", "sorted_values")],
      family="sort", doc="stable sort of keys along `dimension`, values carried (JAX's total order)")


# ---- JVP ----------------------------------------------------------------------------

def along_indices(perm, dimension: int):
    """Full index vectors (last dim) for a take along `dimension` by perm: an iota per other dim."""
    s = spec(perm)
    column = s.shape + (1,)
    parts = [pb.reshape(perm, new_sizes=column) if d == dimension else
             pb.iota(dtype=s.dtype, shape=column, dimension=d) for d in range(s.ndim)]
    return concatenate(parts, s.ndim)


def take_along(x, indices):
    """x gathered at `along_indices` (take_along_axis)."""
    r = tuple(range(spec(x).ndim))
    return pb.gather(x, indices, offset_dims=(), collapsed_slice_dims=r, start_index_map=r,
                     slice_sizes=(1,) * len(r), mode="clip")


def _sort_jvp(primals, tangents, *, dimension, is_stable):
    """The permutation from a sort of the keys with an iota, the tangents gathered by it."""
    attrs = dict(dimension=dimension, is_stable=is_stable)
    if all(t is None for t in tangents):
        return emit("sort", list(primals), attrs, loc=ir.Location.current), [None, None]
    keys, values = primals
    s = spec(keys)
    iota = pb.iota(dtype="int32" if s.shape[dimension] < 2 ** 31 else "int64", shape=s.shape, dimension=dimension)
    sorted_keys, perm = emit("sort", [keys, iota], attrs, loc=ir.Location.current)
    indices = along_indices(perm, dimension)
    outs = [sorted_keys, take_along(values, indices)]
    return outs, [None if t is None else take_along(t, indices) for t in tangents]


JVP["sort"] = _sort_jvp


# ---- batching -------------------------------------------------------------------------

def _sort_batch(args, dims, size, *, dimension, is_stable):
    batched = {d for d in dims if d is not None}
    bd = batched.pop() if len(batched) == 1 else 0
    aligned = [broadcast_batch(a, size, bd) if d is None else move_axis(a, d, bd) for a, d in zip(args, dims)]
    new_dim = dimension + 1 if bd <= dimension else dimension
    outs = emit("sort", aligned, dict(dimension=new_dim, is_stable=is_stable),
                loc=ir.Location.current)
    return outs, [bd] * len(outs)


defbatch("sort", _sort_batch)

__all__ = ["along_indices", "take_along"]
