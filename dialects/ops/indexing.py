"""Indexing ops: XLA gather, scatter (replace) and scatter-add with JAX's dimension numbers.

Restrictions against full StableHLO, matching what JAX's frontend emits:
the index vector is always the last dimension of the indices (JAX computes
index_vector_dim that way), and there are no operand/indices batching
dimensions. Out-of-bounds starts follow JAX's GatherScatterMode:

- gather "clip": each start index is clamped to [0, dim - slice_size] (XLA's
  own behaviour, also what PROMISE_IN_BOUNDS gets); "fill": a slice whose
  window does not fit is replaced by JAX's default fill value (NaN for
  inexact dtypes, the minimum of signed, the maximum of unsigned integers,
  True for bool); "fill_zero": the same with zero as the fill (JAX's
  fill_value=0, which the gather/scatter_add derivatives need).
- scatter and scatter_add "clip": starts clamped the same way; "drop" (JAX's
  FILL_OR_DROP, the default of .at[].set/add): an update window that does not
  fit entirely is skipped, as XLA does. Where indices repeat, scatter_add adds
  every update and scatter keeps the last one (in row-major order of the
  updates, as XLA's CPU backend does).

Lowerings clamp every index they use, so compiled code never reads or writes
out of bounds whatever the index values.

Derivatives and batching follow JAX's rules: gather is linear in the operand,
its transpose a scatter_add of the cotangent into zeros; scatter_add is linear
in operand and updates jointly, its transpose the cotangent itself and a gather
of it; scatter differentiates through a scatter_add of the values that won
(JAX's _scatter_jvp). Windows that fall outside ("fill"/"drop") carry no
derivative, so those read zeros. Batching keeps the batch dimensions where they
are when the dimension numbers allow it (see `_gather_batch`).
"""
from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import arith, linalg, scf, tensor
from mlir.dialects import complex as cplx

from ..ad import JVP, defjvp, deflinear, deftranspose, instantiate, primal
from ..batching import (broadcast_batch, defbatch, index_dtype_for, insert_at, insertion_range, move_axis,
                        place)
from ..lowering import index_constant as _index
from ..pb import pb, spec
from ..registry import I64_ARRAY, STRING, defop
from ..types import ALL, COMPLEX, FLOATS, INEXACT, INTEGERS, NUMERIC, SIGNED, UNSIGNED, TensorSpec
from .common import numpy_ref, require, require_dtypes

GATHER_DIMS = ("offset_dims", "collapsed_slice_dims", "start_index_map", "slice_sizes")
SCATTER_DIMS = ("update_window_dims", "inserted_window_dims", "scatter_dims_to_operand_dims")


# ---- shared checks and IR helpers -------------------------------------------

def _check_dims(op: str, name: str, dims, bound: int, *, ordered: bool = False) -> None:
    require(all(0 <= d < bound for d in dims), f"pb.{op} {name} must lie in [0, {bound}), got {list(dims)}")
    require(len(set(dims)) == len(dims), f"pb.{op} {name} must not repeat a dimension, got {list(dims)}")
    if ordered:
        require(list(dims) == sorted(dims), f"pb.{op} {name} must be sorted, got {list(dims)}")


def _check_indices(op: str, idx: TensorSpec, what: str, dims_name: str, dims) -> None:
    require_dtypes(op, idx, INTEGERS, what)
    require(idx.ndim >= 1, f"pb.{op} {what} must have rank >= 1 (its last dimension is the index vector)")
    require(idx.shape[-1] == len(dims),
            f"pb.{op} {dims_name} has {len(dims)} entries but the index vector (last dimension of "
            f"{what}) has size {idx.shape[-1]}")


def _start_index(idx: ir.Value, at: list, k: int, idx_dtype: str, hi: int):
    """Component k of the index vector at `at`, as (clamped to [0, hi], in range)."""
    raw = tensor.extract(idx, at + [_index(k)])
    cast = arith.index_castui if idx_dtype in UNSIGNED else arith.index_cast
    raw = cast(ir.IndexType.get(), raw)
    clamped = arith.minsi(arith.maxsi(raw, _index(0)), _index(hi))
    return clamped, arith.cmpi(arith.CmpIPredicate.eq, raw, clamped)


def _and(a, b):
    return b if a is None else arith.andi(a, b)


def _operand_index(rank: int, starts: dict, window_dims, window_ivs) -> list:
    """start + window offset per operand dim; dims with neither are 0."""
    offsets = dict(zip(window_dims, window_ivs))
    out = []
    for d in range(rank):
        s, o = starts.get(d), offsets.get(d)
        out.append(_index(0) if s is None and o is None else s if o is None else o if s is None
                   else arith.addi(s, o))
    return out


def _clamp_np(v: int, hi: int) -> int:
    return min(max(v, 0), hi)


# ---- helpers of the derivative and batching rules -------------------------------

_GATHER_TO_SCATTER_MODE = {"clip": "clip", "fill": "drop", "fill_zero": "drop"}


def _tangent_gather_mode(mode: str) -> str:
    """Gather mode for derivatives: clipped windows read as usual, the others read zero."""
    return "clip" if mode == "clip" else "fill_zero"


def _shift(dims, d: int) -> tuple:
    return tuple(x if x < d else x + 1 for x in dims)


def _indices_with_batch(idx, di: int, size: int, with_iota: bool):
    """Batched indices whose batch dimension is not the index vector's (the last);
    with `with_iota`, the batch position prepended to every index vector."""
    rank = spec(idx).ndim
    if di == rank - 1:  # batched after the index vector: move it just before
        idx, di = move_axis(idx, di, rank - 2), rank - 2
    if with_iota:
        s = spec(idx)
        dtype = index_dtype_for(s.dtype, size)
        if dtype != s.dtype:
            idx = pb.convert_element_type(idx, new_dtype=dtype)
        counts = pb.iota(dtype=dtype, shape=s.shape[:-1] + (1,), dimension=di)
        idx = pb.concatenate(counts, idx, dimension=rank - 1)
    return idx, di


# ---- gather -------------------------------------------------------------------

def _gather_shape(operand: TensorSpec, idx: TensorSpec, attrs) -> tuple:
    window = iter([attrs["slice_sizes"][d] for d in range(operand.ndim)
                   if d not in attrs["collapsed_slice_dims"]])
    batch = iter(idx.shape[:-1])
    rank = idx.ndim - 1 + len(attrs["offset_dims"])
    return tuple(next(window) if i in attrs["offset_dims"] else next(batch) for i in range(rank))


def _gather_infer(specs, attrs):
    operand, idx = specs
    offset, collapsed, smap, sizes = (attrs[k] for k in GATHER_DIMS)
    _check_indices("gather", idx, "start_indices", "start_index_map", smap)
    _check_dims("gather", "offset_dims", offset, idx.ndim - 1 + len(offset), ordered=True)
    _check_dims("gather", "collapsed_slice_dims", collapsed, operand.ndim, ordered=True)
    _check_dims("gather", "start_index_map", smap, operand.ndim)
    require(len(sizes) == operand.ndim,
            f"pb.gather needs one slice size per operand dimension ({operand.ndim}), got {list(sizes)}")
    require(all(0 <= s <= n for s, n in zip(sizes, operand.shape)),
            f"pb.gather slice_sizes {list(sizes)} must lie within the operand shape {list(operand.shape)}")
    require(all(sizes[d] == 1 for d in collapsed),
            f"pb.gather collapsed_slice_dims {list(collapsed)} must have slice size 1, "
            f"got slice_sizes {list(sizes)}")
    require(len(offset) + len(collapsed) == operand.ndim,
            f"pb.gather needs len(offset_dims) + len(collapsed_slice_dims) == operand rank "
            f"({operand.ndim}), got {list(offset)} and {list(collapsed)}")
    return [TensorSpec(_gather_shape(operand, idx, attrs), operand.dtype)]


def _fill_value(dtype: str, mode: str = "fill"):
    """JAX's default fill for mode="fill" (lax.gather's fill_value=None), or zero."""
    if mode == "fill_zero":
        return False if dtype == "bool" else 0
    if dtype in INEXACT:
        return float("nan")
    if dtype in SIGNED:
        return int(np.iinfo(dtype).min)
    if dtype in UNSIGNED:
        return int(np.iinfo(dtype).max)
    return True  # bool


def _np_fill_value(dt: np.dtype, mode: str):
    if mode == "fill_zero":
        return dt.type(0)
    if dt.kind in "fc":
        return np.nan
    if dt.kind in "iu":
        return np.iinfo(dt).min if dt.kind == "i" else np.iinfo(dt).max
    return True


def _gather_reference(operand, idx, *, offset_dims, collapsed_slice_dims, start_index_map, slice_sizes,
                      mode):
    shape = _gather_shape(TensorSpec(operand.shape, ""), TensorSpec(idx.shape, ""),
                          {"offset_dims": offset_dims, "collapsed_slice_dims": collapsed_slice_dims,
                           "slice_sizes": slice_sizes})
    out = np.empty(shape, operand.dtype)
    batch_dims = [i for i in range(len(shape)) if i not in offset_dims]
    window_dims = [d for d in range(operand.ndim) if d not in collapsed_slice_dims]
    hi = [n - s for n, s in zip(operand.shape, slice_sizes)]
    for o in np.ndindex(*shape):
        vector = idx[tuple(o[i] for i in batch_dims)]
        start = [0] * operand.ndim
        for k, d in enumerate(start_index_map):
            start[d] = int(vector[k])
        fits = all(0 <= start[d] <= hi[d] for d in range(operand.ndim))
        full = [_clamp_np(s, h) for s, h in zip(start, hi)]
        for k, d in enumerate(window_dims):
            full[d] += o[offset_dims[k]]
        out[o] = operand[tuple(full)] if fits or mode == "clip" else _np_fill_value(operand.dtype, mode)
    return out


def _gather_lower(low, operands, in_specs, out_specs, attrs):
    """A generic over the result; the body extracts from the operand at a clamped index."""
    operand, idx = operands
    op_spec, idx_spec = in_specs
    out = out_specs[0]
    offset, collapsed, smap, sizes = (attrs[k] for k in GATHER_DIMS)
    batch_dims = [i for i in range(out.ndim) if i not in offset]
    window_dims = [d for d in range(op_spec.ndim) if d not in collapsed]

    def body(_init):
        # linalg.IndexOp directly: linalg.index in these bindings is the opdsl expression.
        ivs = [linalg.IndexOp(i).result for i in range(out.ndim)]
        at = [ivs[i] for i in batch_dims]
        starts, fits = {}, None
        for k, d in enumerate(smap):
            starts[d], ok = _start_index(idx, at, k, idx_spec.dtype, op_spec.shape[d] - sizes[d])
            fits = _and(fits, ok)
        value = tensor.extract(operand, _operand_index(op_spec.ndim, starts, window_dims,
                                                       [ivs[i] for i in offset]))
        if attrs["mode"] != "clip" and fits is not None:
            value = arith.select(fits, value, low.constant(_fill_value(out.dtype, attrs["mode"]), out.dtype))
        return value
    return low.generic([], [], [out], body)


defop("gather", ("operand", "start_indices"),
      {**{k: I64_ARRAY for k in GATHER_DIMS}, "mode": STRING}, enums={"mode": {"clip", "fill", "fill_zero"}},
      infer=_gather_infer, reference=numpy_ref(_gather_reference), lower=_gather_lower,
      family="indexing", doc="XLA gather; the index vector is the last dim of start_indices")


def _gather_jvp(t, ans, operand, idx, *, offset_dims, collapsed_slice_dims, start_index_map, slice_sizes,
                mode):
    return pb.gather(t, idx, offset_dims=offset_dims, collapsed_slice_dims=collapsed_slice_dims,
                     start_index_map=start_index_map, slice_sizes=slice_sizes, mode=_tangent_gather_mode(mode))


def _gather_transpose(cts, ops, lin, *, offset_dims, collapsed_slice_dims, start_index_map, slice_sizes,
                      mode):
    operand, idx = ops
    return [pb.scatter_add(pb.zeros_like(operand), idx, cts[0], update_window_dims=offset_dims,
                           inserted_window_dims=collapsed_slice_dims,
                           scatter_dims_to_operand_dims=start_index_map,
                           mode=_GATHER_TO_SCATTER_MODE[mode]), None]


def _gather_batch(args, dims, size, offset_dims, collapsed_slice_dims, start_index_map, slice_sizes, mode):
    (operand, idx), (do, di) = args, dims
    out_rank = len(offset_dims) + spec(idx).ndim - (1 if di is None else 2)
    attrs = dict(collapsed_slice_dims=collapsed_slice_dims, start_index_map=start_index_map,
                 slice_sizes=slice_sizes, mode=mode)
    if di is None:
        # the operand's batch dim is the k-th window dim: the k-th offset dim of the result
        k = sum(1 for e in range(do) if e not in collapsed_slice_dims)
        _, p = insertion_range(offset_dims, k, out_rank)
        out = pb.gather(operand, idx, offset_dims=insert_at(_shift(offset_dims, p), k, p),
                        collapsed_slice_dims=_shift(collapsed_slice_dims, do),
                        start_index_map=_shift(start_index_map, do),
                        slice_sizes=insert_at(slice_sizes, do, size), mode=mode)
        return [out], [p]
    idx, di = _indices_with_batch(idx, di, size, with_iota=do is not None)
    # the indices' batch dim di is the di-th batch dim of the result
    batch_positions = [i for i in range(out_rank) if i not in offset_dims]
    _, p = insertion_range(batch_positions, di, out_rank)
    if do is not None:
        attrs = dict(collapsed_slice_dims=tuple(sorted(_shift(collapsed_slice_dims, do) + (do,))),
                     start_index_map=(do,) + _shift(start_index_map, do),
                     slice_sizes=insert_at(slice_sizes, do, 1), mode=mode)
    return [pb.gather(operand, idx, offset_dims=_shift(offset_dims, p), **attrs)], [p]


defjvp("gather", _gather_jvp, None)
deftranspose("gather", _gather_transpose, linear_in=(0,))
defbatch("gather", _gather_batch)


# ---- scatter and scatter_add: shared parts ------------------------------------------

def _window_sizes(operand: TensorSpec, updates: TensorSpec, window_dims, inserted) -> list[int]:
    """Update window extent per operand dim (1 for inserted dims)."""
    sizes = iter(updates.shape[d] for d in window_dims)
    return [1 if d in inserted else next(sizes) for d in range(operand.ndim)]


def _scatter_infer(name: str, dtypes):
    def infer(specs, attrs):
        operand, idx, updates = specs
        uwd, inserted, to_operand = (attrs[k] for k in SCATTER_DIMS)
        require(updates.dtype == operand.dtype,
                f"pb.{name} updates must have the operand dtype {operand.dtype}, got {updates.dtype}")
        require_dtypes(name, operand, dtypes)
        _check_indices(name, idx, "scatter_indices", "scatter_dims_to_operand_dims", to_operand)
        require(updates.ndim == idx.ndim - 1 + len(uwd),
                f"pb.{name} updates must have rank {idx.ndim - 1 + len(uwd)} (scatter_indices batch "
                f"dims + update_window_dims), got {updates.ndim}")
        _check_dims(name, "update_window_dims", uwd, updates.ndim, ordered=True)
        _check_dims(name, "inserted_window_dims", inserted, operand.ndim, ordered=True)
        _check_dims(name, "scatter_dims_to_operand_dims", to_operand, operand.ndim)
        require(len(uwd) + len(inserted) == operand.ndim,
                f"pb.{name} needs len(update_window_dims) + len(inserted_window_dims) == operand rank "
                f"({operand.ndim}), got {list(uwd)} and {list(inserted)}")
        window = [updates.shape[d] for d in uwd]
        bounds = [operand.shape[d] for d in range(operand.ndim) if d not in inserted]
        require(all(w <= b for w, b in zip(window, bounds)),
                f"pb.{name} update window {window} exceeds the operand bounds {bounds}")
        scatter = [updates.shape[d] for d in range(updates.ndim) if d not in uwd]
        require(scatter == list(idx.shape[:-1]),
                f"pb.{name} updates scatter dims {scatter} must match the scatter_indices batch "
                f"dims {list(idx.shape[:-1])}")
        return [operand]
    return infer


def _scatter_reference(combine):
    """numpy scatter whose window elements become combine(old, update), in row-major order."""
    def ref(operand, idx, updates, *, update_window_dims, inserted_window_dims, scatter_dims_to_operand_dims,
            mode):
        out = operand.copy()
        if out.size == 0:
            return out
        wsize = _window_sizes(TensorSpec(operand.shape, ""), TensorSpec(updates.shape, ""),
                              update_window_dims, inserted_window_dims)
        hi = [n - w for n, w in zip(operand.shape, wsize)]
        scatter_dims = [i for i in range(updates.ndim) if i not in update_window_dims]
        window_dims = [d for d in range(operand.ndim) if d not in inserted_window_dims]
        for u in np.ndindex(*updates.shape):
            vector = idx[tuple(u[i] for i in scatter_dims)]
            start = [0] * operand.ndim
            for k, d in enumerate(scatter_dims_to_operand_dims):
                start[d] = int(vector[k])
            if mode == "drop" and not all(0 <= s <= h for s, h in zip(start, hi)):
                continue
            full = [_clamp_np(s, h) for s, h in zip(start, hi)]
            for k, d in enumerate(window_dims):
                full[d] += u[update_window_dims[k]]
            out[tuple(full)] = combine(out[tuple(full)], updates[u])
        return out
    return numpy_ref(ref)


def _add(dtype: str):
    if dtype in COMPLEX:
        return cplx.add
    return arith.addf if dtype in FLOATS else arith.addi


def _loop_nest(shape, init: ir.Value, body) -> ir.Value:
    """scf.for nest over `shape` carrying one tensor; body(ivs, acc) -> new acc."""
    def build(level, ivs, acc):
        if level == len(shape):
            return body(ivs, acc)
        loop = scf.ForOp(_index(0), _index(shape[level]), _index(1), [acc])
        with ir.InsertionPoint(loop.body):
            scf.YieldOp([build(level + 1, ivs + [loop.induction_variable], loop.inner_iter_args[0])])
        return loop.results[0]
    return build(0, [], init)


def _scatter_lower(combine):
    """Sequential loops over the updates, clamped extract/insert: a window element becomes
    combine(dtype)(old, update), so duplicate indices accumulate (add) or the last wins (set)."""
    def lower(low, operands, in_specs, out_specs, attrs):
        operand, idx, updates = operands
        op_spec, idx_spec, upd_spec = in_specs
        if op_spec.size == 0 or upd_spec.size == 0:
            return [operand]  # nothing can be written
        uwd, inserted, to_operand = (attrs[k] for k in SCATTER_DIMS)
        wsize = _window_sizes(op_spec, upd_spec, uwd, inserted)
        scatter_dims = [i for i in range(upd_spec.ndim) if i not in uwd]
        window_dims = [d for d in range(op_spec.ndim) if d not in inserted]
        update = combine(op_spec.dtype)

        def body(ivs, acc):
            at = [ivs[i] for i in scatter_dims]
            starts, fits = {}, None
            for k, d in enumerate(to_operand):
                starts[d], ok = _start_index(idx, at, k, idx_spec.dtype, op_spec.shape[d] - wsize[d])
                fits = _and(fits, ok)
            where = _operand_index(op_spec.ndim, starts, window_dims, [ivs[i] for i in uwd])
            old = tensor.extract(acc, where)
            new = update(old, tensor.extract(updates, ivs))
            if attrs["mode"] == "drop" and fits is not None:
                new = arith.select(fits, new, old)  # a dropped update rewrites the old value
            return tensor.insert(new, acc, where)
        return [_loop_nest(upd_spec.shape, operand, body)]
    return lower


def _scatter_batch(name: str):
    """Batching of scatter and scatter_add (JAX's _scatter_batching_rule)."""
    def rule(args, dims, size, update_window_dims, inserted_window_dims, scatter_dims_to_operand_dims, mode):
        (operand, idx, updates), (do, di, du) = args, dims
        if do is None:  # the result is batched: scatter into a broadcast operand
            operand, do = broadcast_batch(operand, size, 0), 0
        upd_rank = spec(updates).ndim - (0 if du is None else 1)
        uwd = tuple(update_window_dims)
        if di is None:
            # the operand's batch dim is the k-th window dim: the k-th update window dim
            k = sum(1 for e in range(do) if e not in inserted_window_dims)
            updates, pu = place(updates, du, *insertion_range(uwd, k, upd_rank), size)
            out = getattr(pb, name)(operand, idx, updates, update_window_dims=insert_at(_shift(uwd, pu), k, pu),
                                    inserted_window_dims=_shift(inserted_window_dims, do),
                                    scatter_dims_to_operand_dims=_shift(scatter_dims_to_operand_dims, do),
                                    mode=mode)
            return [out], [do]
        idx, di = _indices_with_batch(idx, di, size, with_iota=True)
        # the indices' batch dim di is the di-th scatter dim of the updates
        scatter_positions = [i for i in range(upd_rank) if i not in uwd]
        updates, pu = place(updates, du, *insertion_range(scatter_positions, di, upd_rank), size)
        out = getattr(pb, name)(operand, idx, updates, update_window_dims=_shift(uwd, pu),
                                inserted_window_dims=tuple(sorted(_shift(inserted_window_dims, do) + (do,))),
                                scatter_dims_to_operand_dims=(do,) + _shift(scatter_dims_to_operand_dims, do),
                                mode=mode)
        return [out], [do]
    return rule


def _window_gather(v, idx, operand, updates, update_window_dims, inserted_window_dims,
                   scatter_dims_to_operand_dims, mode):
    """The windows of v that a scatter with these dimension numbers writes, as updates-shaped
    values (scatter_add's transpose; outside windows read zero)."""
    sizes = _window_sizes(spec(operand), spec(updates), update_window_dims, inserted_window_dims)
    return pb.gather(v, idx, offset_dims=update_window_dims, collapsed_slice_dims=inserted_window_dims,
                     start_index_map=scatter_dims_to_operand_dims, slice_sizes=tuple(sizes),
                     mode=_tangent_gather_mode(mode))


def _scatter_op(name: str, dtypes, np_combine, combine, doc: str) -> str:
    """A scatter whose window elements become combine(old, update): the op and its batching."""
    defop(name, ("operand", "scatter_indices", "updates"),
          {**{k: I64_ARRAY for k in SCATTER_DIMS}, "mode": STRING}, enums={"mode": {"clip", "drop"}},
          infer=_scatter_infer(name, dtypes), reference=_scatter_reference(np_combine),
          lower=_scatter_lower(combine), same_type=[("operand", "out")], family="indexing", doc=doc)
    defbatch(name, _scatter_batch(name))
    return name


# ---- scatter_add ----------------------------------------------------------------

def _scatter_add_transpose(cts, ops, lin, **attrs):
    ct, (operand, idx, updates) = cts[0], ops
    return [ct if lin[0] else None, None,
            _window_gather(ct, idx, operand, updates, **attrs) if lin[2] else None]


_scatter_op("scatter_add", NUMERIC, lambda old, u: old + u, _add,
            "XLA scatter with add; the index vector is the last dim of scatter_indices")
deflinear("scatter_add", linear_in=(0, 2), transpose=_scatter_add_transpose)


# ---- scatter --------------------------------------------------------------------

def _update_ids(updates, update_window_dims):
    """1, 2, ... per update window (the same id across a window), in the updates' shape."""
    u = spec(updates)
    ids_shape = tuple(1 if d in update_window_dims else n for d, n in enumerate(u.shape))
    count = TensorSpec(ids_shape, "").size
    dtype = "int32" if count < np.iinfo(np.int32).max else "int64"
    ids = pb.add(pb.reshape(pb.iota(dtype=dtype, shape=(count,), dimension=0), new_sizes=ids_shape),
                 pb.full(TensorSpec(ids_shape, dtype), 1))
    return pb.broadcast_in_dim(ids, shape=u.shape, broadcast_dimensions=tuple(range(u.ndim)))


def _scatter_jvp(primals, tangents, **attrs):
    """JAX's _scatter_jvp: which update reached each element of the result is found by
    scattering ids and gathering them back; the tangent is a scatter_add of the tangents
    of exactly those updates into the tangent of the elements no update reached."""
    (ans,) = primal("scatter", primals, attrs)
    (operand, idx, updates), (t_op, _, t_up) = primals, tangents
    if t_op is None and t_up is None:
        return [ans], [None]
    ids = _update_ids(updates, attrs["update_window_dims"])
    scattered = pb.scatter(pb.full(spec(operand).with_dtype(spec(ids).dtype), 0), idx, ids, **attrs)
    won = pb.compare(ids, _window_gather(scattered, idx, operand, updates, **attrs), direction="EQ")
    untouched = pb.compare(scattered, pb.zeros_like(scattered), direction="EQ")
    t_op, t_up = instantiate(t_op, operand), instantiate(t_up, updates)
    return [ans], [pb.scatter_add(pb.select(untouched, t_op, pb.zeros_like(t_op)), idx,
                                  pb.select(won, t_up, pb.zeros_like(t_up)), **attrs)]


_scatter_op("scatter", ALL, lambda old, u: u, lambda dtype: lambda old, u: u,
            "XLA scatter replacing the window elements (lax.scatter); where indices repeat, the last "
            "update in row-major order wins")
JVP["scatter"] = _scatter_jvp
