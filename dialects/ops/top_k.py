"""pb.top_k: the k largest entries of each row (the last dimension) and their indices.

Order as XLA's TopK: floats compare in IEEE total order (-NaN < -inf < -0.0 < 0.0 <
inf < NaN), ties keep the lower index first. Indices are int32.

Lowering: one pass over each row keeping the k best so far in a small sorted buffer
(keys as integers in that order, with their indices). An entry enters the buffer only if
it beats the buffer's last one, and then shifts the smaller ones down: O(n + inserts * k)
per row, where a full sort (what lax.top_k was composed from) costs O(n log n) with
several passes over the row. The values are then gathered by the indices. Derivative as
JAX's: the tangents gathered by the indices. Batching: every leading dimension is a row
dimension, so a batch dimension goes in front (after the rows if it was the last).
"""
from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import arith, bufferization, linalg, scf, tensor

from ..batching import defbatch, move_axis
from ..emit import emit
from ..lowering import identity_map
from ..pb import spec as spec_of
from ..registry import I64, JVP, defop
from ..types import BITWIDTH, COMPLEX, UNSIGNED
from .common import require
from .sort import _INT_OF_FLOAT, _index, _Rows, along_indices, take_along


def _top_k_infer(specs, attrs):
    (x,) = specs
    k = attrs["k"]
    require(x.ndim >= 1, "pb.top_k needs an operand of rank >= 1")
    require(x.dtype not in COMPLEX, f"pb.top_k does not accept operand of dtype {x.dtype}")
    require(0 <= k <= x.shape[-1], f"pb.top_k k = {k} must be between 0 and the last dimension {x.shape[-1]}")
    out = x.shape[:-1] + (k,)
    return [x.with_shape(out), x.with_shape(out).with_dtype("int32")]


# ---- reference --------------------------------------------------------------------

def _np_total_order(x: np.ndarray) -> np.ndarray:
    """Integers in IEEE total order of x's values (others as they are, bool as 0/1)."""
    if x.dtype == bool:
        return x.astype(np.int8)
    if x.dtype.kind in "iu":
        return x
    bits = x.dtype.itemsize * 8
    signed = np.ascontiguousarray(x).view(f"int{bits}")
    return np.where(signed < 0, signed ^ np.array(2 ** (bits - 1) - 1, f"int{bits}"), signed)


def _top_k_ref(x, *, k):
    key = _np_total_order(x)
    descending = ~key if key.dtype.kind == "i" else np.iinfo(key.dtype).max - key  # order reversed, no overflow
    order = np.argsort(descending, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, order, -1), order.astype(np.int32)


# ---- lowering ---------------------------------------------------------------------

def _key(low, x, dt):
    """A scalar's total-order integer (floats as _np_total_order, bool as i8)."""
    if dt == "bool":
        return arith.extui(low.scalar_type("int8"), x)
    if dt not in _INT_OF_FLOAT:
        return x
    it = _INT_OF_FLOAT[dt]
    signed = arith.bitcast(low.scalar_type(it), x)
    negative = arith.cmpi(arith.CmpIPredicate.slt, signed, low.constant(0, it))
    return arith.select(negative, arith.xori(signed, low.constant((1 << (BITWIDTH[it] - 1)) - 1, it)), signed)


def _insert(keys, idx, x, j, filled, k: int, less):
    """The buffer with (x, j) inserted where it belongs: entries that x beats (or empty
    slots, at or past `filled`) shift one down, x takes the first of them."""
    loop = scf.ForOp(_index(0), _index(k), _index(1), [keys, idx])
    with ir.InsertionPoint(loop.body):
        p = arith.subi(_index(k - 1), loop.induction_variable)  # from the end, reading unshifted slots
        keys, idx = loop.inner_iter_args
        prev = arith.maxsi(arith.subi(p, _index(1)), _index(0))
        beats_p = arith.ori(arith.cmpi(arith.CmpIPredicate.uge, p, filled), less(tensor.extract(keys, [p]), x))
        beats_prev = arith.andi(arith.cmpi(arith.CmpIPredicate.ugt, p, _index(0)),
                                arith.ori(arith.cmpi(arith.CmpIPredicate.uge, prev, filled),
                                          less(tensor.extract(keys, [prev]), x)))
        # shift the previous entry here if x beats it too, else x goes here if it beats this one
        new_key = arith.select(beats_prev, tensor.extract(keys, [prev]),
                               arith.select(beats_p, x, tensor.extract(keys, [p])))
        new_idx = arith.select(beats_prev, tensor.extract(idx, [prev]),
                               arith.select(beats_p, j, tensor.extract(idx, [p])))
        scf.YieldOp([tensor.insert(new_key, keys, [p]), tensor.insert(new_idx, idx, [p])])
    return list(loop.results)


def _top_k_lower(low, operands, in_specs, out_specs, attrs):
    (x,), (spec,) = operands, in_specs
    k, shape = attrs["k"], spec.shape
    n = shape[-1]
    rows_count = int(np.prod(shape[:-1], dtype=np.int64))
    last = len(shape) - 1
    key_dt = "int8" if spec.dtype == "bool" else _INT_OF_FLOAT.get(spec.dtype, spec.dtype)
    unsigned = key_dt in UNSIGNED
    i32 = low.scalar_type("int32")

    def less(a, b):
        return arith.cmpi(arith.CmpIPredicate.ult if unsigned else arith.CmpIPredicate.slt, a, b)

    if k == 0 or rows_count == 0:
        return [low.empty(s) for s in out_specs]
    out_idx = bufferization.alloc_tensor(low.tensor_type(out_specs[1]), [])
    keys0 = bufferization.alloc_tensor(ir.RankedTensorType.get([k], low.scalar_type(key_dt)), [])
    idx0 = bufferization.alloc_tensor(ir.RankedTensorType.get([k], i32), [])
    rows = scf.ForOp(_index(0), _index(rows_count), _index(1), [out_idx, keys0, idx0])
    with ir.InsertionPoint(rows.body):
        at = _Rows(shape, last, rows.induction_variable)
        scan = scf.ForOp(_index(0), _index(n), _index(1), list(rows.inner_iter_args)[1:])
        with ir.InsertionPoint(scan.body):
            j = scan.induction_variable
            keys, idx = scan.inner_iter_args
            v = _key(low, tensor.extract(x, at.at(j)), spec.dtype)
            filled = arith.minui(j, _index(k))
            not_full = arith.cmpi(arith.CmpIPredicate.ult, j, _index(k))
            enters = arith.ori(not_full, less(tensor.extract(keys, [_index(k - 1)]), v))
            branch = scf.IfOp(enters, [keys.type, idx.type], has_else=True)
            with ir.InsertionPoint(branch.then_block):
                scf.YieldOp(_insert(keys, idx, v, arith.index_cast(i32, j), filled, k, less))
            with ir.InsertionPoint(branch.else_block):
                scf.YieldOp([keys, idx])
            scf.YieldOp(list(branch.results))
        keys, idx = scan.results
        copy = scf.ForOp(_index(0), _index(k), _index(1), [rows.inner_iter_args[0]])
        with ir.InsertionPoint(copy.body):
            p = copy.induction_variable
            scf.YieldOp([tensor.insert(tensor.extract(idx, [p]), copy.inner_iter_args[0], at.at(p))])
        scf.YieldOp([copy.results[0], keys, idx])
    indices = rows.results[0]
    return [_gather_values(low, x, indices, spec, out_specs[0]), indices]


def _gather_values(low, x, indices, spec, out_spec):
    """x's entries at the indices along the last dimension."""
    rank = len(spec.shape)

    def body(i, out):
        at = [linalg.IndexOp(d).result for d in range(rank)]
        at[-1] = arith.index_cast(ir.IndexType.get(), i)
        return tensor.extract(x, at)
    return low.generic([indices], [identity_map(rank)], [out_spec], body)[0]


defop("top_k", ("operand",), {"k": I64}, results=("values", "indices"), infer=_top_k_infer, reference=_top_k_ref,
      lower=_top_k_lower, family="sort", doc="the k largest entries of each row (last dimension), largest first, "
                                              "and their int32 indices (XLA's TopK order)")


def _top_k_jvp(primals, tangents, *, k):
    values, indices = emit("top_k", list(primals), {"k": k}, loc=ir.Location.current)
    (t,) = tangents
    if t is None:
        return [values, indices], [None, None]
    return [values, indices], [take_along(t, along_indices(indices, len(spec_of(t).shape) - 1)), None]


JVP["top_k"] = _top_k_jvp


def _top_k_batch(args, dims, size, *, k):
    (x,), (d,) = args, dims
    rank = len(spec_of(x).shape)
    if d == rank - 1:  # the batch dimension may not be the row's
        x, d = move_axis(x, d, 0), 0
    return emit("top_k", [x], {"k": k}, loc=ir.Location.current), [d, d]


defbatch("top_k", _top_k_batch)
