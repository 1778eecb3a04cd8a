"""Shape ops: constants, iota and data movement (JAX's lax primitives of the same names).

None of these ops computes on element values, so they accept every dtype
(iota only numbers, constant no complex; see there). Attributes follow the
lax primitives: `broadcast_in_dim(shape, broadcast_dimensions)`,
`slice(start_indices, limit_indices, strides)`, ... Lowerings produce
linalg.generic where a fusable elementwise form exists (broadcast, transpose,
rev, iota) and tensor slices otherwise. Dynamic start indices are clamped into
range as XLA does, so no index can reach memory outside a buffer.

Derivatives and batching follow JAX's rules (jax/_src/lax/lax.py, slicing.py).
Every op here only moves values, so each is linear in its array operands and
its transpose moves the cotangent back; index operands are integers, carry no
tangent and pass through as they are. Batching makes the batch dimension one
more dimension of each op's attributes, kept where it is whenever the op allows
it (only reshape needs it in front); dynamic slices with batched starts become
a gather (dynamic_slice) or a select of gathered update values
(dynamic_update_slice), with dynamic_slice's clamping preserved exactly.
"""
from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import arith, linalg, tensor
from mlir.dialects import complex as cplx

from ..ad import deflinear, defnondiff
from ..attributes import ConstantValue, elements_attr
from ..batching import (BATCH, batched_dim, broadcast_batch, concatenate, defbatch, defunbatched, insert_at,
                        move_axis, shift_dims, to_front)
from ..lowering import affine_map, scalar_type, tensor_type
from ..pb import pb, spec
from ..registry import ELEMENTS, I64, I64_ARRAY, STRING, InferenceError, defop
from ..types import ALL, COMPLEX, INTEGERS, NUMERIC, REAL_OF_COMPLEX, UNSIGNED, TensorSpec, numpy_dtype
from .common import require, require_dtypes

FAMILY = "shape"


# ---- attribute and shape checks shared by the family -----------------------------

def _ints(op: str, attrs: dict, name: str) -> tuple:
    """An I64_ARRAY attribute as a tuple of ints (Python callers may pass lists)."""
    value = attrs[name]
    try:
        return tuple(int(v) for v in value)
    except (TypeError, ValueError):
        raise InferenceError(f"pb.{op} attribute '{name}' must be a list of integers, got {value!r}") from None


def _int(op: str, attrs: dict, name: str) -> int:
    value = attrs[name]
    require(isinstance(value, (int, np.integer)) and not isinstance(value, bool),
            f"pb.{op} attribute '{name}' must be an integer, got {value!r}")
    return int(value)


def _sizes(op: str, attrs: dict, name: str) -> tuple:
    sizes = _ints(op, attrs, name)
    require(all(d >= 0 for d in sizes), f"pb.{op} attribute '{name}' must be non-negative, got {list(sizes)}")
    return sizes


def _per_dim(op: str, values: tuple, rank: int, name: str) -> None:
    require(len(values) == rank,
            f"pb.{op} attribute '{name}' needs one entry per operand dimension ({rank}), got {list(values)}")


def _dims_in_range(op: str, dims: tuple, rank: int, name: str) -> None:
    require(all(0 <= d < rank for d in dims),
            f"pb.{op} attribute '{name}' entries must be in [0, {rank}), got {list(dims)}")


def _start_indices(op: str, x: TensorSpec, starts: list) -> None:
    """One 0-d integer tensor per dimension of x, all of one dtype (as lax requires)."""
    require(len(starts) == x.ndim,
            f"pb.{op} needs one start index per operand dimension ({x.ndim}), got {len(starts)}")
    for s in starts:
        require(s.ndim == 0, f"pb.{op} start indices must be 0-d tensors, got shape {list(s.shape)}")
        require_dtypes(op, s, INTEGERS, "start index")
        require(s.dtype == starts[0].dtype,
                f"pb.{op} start indices must share one dtype, got {starts[0].dtype} and {s.dtype}")


def _clamped_starts(starts: list, limits: list) -> list[int]:
    """XLA clamps dynamic starts into [0, dim - size] (numpy side)."""
    return [max(0, min(int(s), hi)) for s, hi in zip(starts, limits)]


# ---- lowering helpers ---------------------------------------------------------------

def _dynamic(n: int) -> list[int]:
    return [ir.ShapedType.get_dynamic_stride_or_offset()] * n


def _lower_starts(starts, start_specs, limits) -> list[ir.Value]:
    """0-d integer start tensors as index values clamped into [0, limit]."""
    index = ir.IndexType.get()
    out = []
    for s, start_spec, hi in zip(starts, start_specs, limits):
        v = tensor.extract(s, [])
        # unsigned storage is signless: zero-extend it (never below 0), sign-extend the rest.
        if start_spec.dtype in UNSIGNED:
            v = arith.index_castui(index, v)
        else:
            v = arith.maxsi(arith.index_cast(index, v), arith.constant(index, 0))
        out.append(arith.minsi(v, arith.constant(index, hi)))
    return out


def _extract_slice(x, out: TensorSpec, offsets, strides=None, dynamic_offsets=()):
    n = out.ndim
    return tensor.extract_slice(tensor_type(out), x, list(dynamic_offsets), [], [],
                                list(offsets), list(out.shape), list(strides or [1] * n))


def _insert_slice(piece, dest, sizes, offsets, strides=None, dynamic_offsets=()):
    return tensor.insert_slice(piece, dest, list(dynamic_offsets), [], [],
                               list(offsets), list(sizes), list(strides or [1] * len(sizes)))


# ---- helpers of the derivative and batching rules ------------------------------------

def _reshape_to(v, shape):
    return v if spec(v).shape == tuple(shape) else pb.reshape(v, new_sizes=tuple(shape))


def _sum(v, axes):
    return pb.reduce_sum(v, axes=tuple(axes)) if axes else v


def _inverse(perm):
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return tuple(inv)


def _without(shape, d):
    """The per-member shape of a value of `shape` batched at d (None: unbatched)."""
    return tuple(shape) if d is None else tuple(shape[:d]) + tuple(shape[d + 1:])


def _zero_start(starts) -> ir.Value:
    return pb.full(TensorSpec((), spec(starts[0]).dtype if starts else "int32"), 0)



# ---- constant -----------------------------------------------------------------------

def _constant_infer(specs, attrs):
    v = attrs["value"]
    # Not require(): messages are formatted only on failure (the first would print the whole array).
    if not isinstance(v, ConstantValue):
        raise InferenceError(f"pb.constant attribute 'value' must be a ConstantValue, got {v!r}")
    if v.spec.dtype not in ALL:
        raise InferenceError(f"pb.constant does not accept dtype {v.spec.dtype}")
    # The Python bindings cannot build complex dense attributes; the frontend builds
    # complex constants from two real ones with pb.complex.
    if v.spec.dtype in COMPLEX:
        raise InferenceError(f"pb.constant cannot hold dtype {v.spec.dtype}; build complex constants with "
                             "pb.complex")
    if not (tuple(v.array.shape) == tuple(v.spec.shape) and v.array.dtype == numpy_dtype(v.spec.dtype)):
        raise InferenceError(f"pb.constant value array {v.array.dtype.name}{list(v.array.shape)} does not "
                             f"match its spec {v.spec}")
    return [TensorSpec(tuple(v.spec.shape), v.spec.dtype)]


def _constant_lower(low, operands, in_specs, out_specs, attrs):
    spec = out_specs[0]
    arr = np.ascontiguousarray(attrs["value"].array)
    if spec.dtype in UNSIGNED:
        signless = arr.view(arr.dtype.str.replace("u", "i"))  # signless storage of the same width
        attr = ir.DenseElementsAttr.get(signless, type=tensor_type(spec))
    else:
        attr = elements_attr(attrs["value"])
    return [arith.constant(tensor_type(spec), attr)]


defop("constant", (), {"value": ELEMENTS}, infer=_constant_infer,
      reference=lambda *, value: value.array.copy(), lower=_constant_lower, family=FAMILY,
      doc="A dense constant array (any dtype but complex).")
defnondiff("constant")
defunbatched("constant")


# ---- iota ---------------------------------------------------------------------------

def _bf16_bits(values) -> np.ndarray:
    """bfloat16 of float values, rounded to nearest even (no NaNs here)."""
    b = np.asarray(values, np.float32).view(np.uint32).astype(np.uint64)
    return ((b + 0x7FFF + ((b >> 16) & 1)) >> 16).astype(np.uint16).view(numpy_dtype("bfloat16"))


def _iota_infer(specs, attrs):
    shape = _sizes("iota", attrs, "shape")
    dim = _int("iota", attrs, "dimension")
    require(0 <= dim < len(shape), f"pb.iota dimension must be in [0, {len(shape)}), got {dim}")
    return [TensorSpec(shape, attrs["dtype"])]


def _iota_ref(*, dtype, shape, dimension):
    shape = tuple(shape)
    axis = [1] * len(shape)
    axis[dimension] = shape[dimension]
    values = np.broadcast_to(np.arange(shape[dimension]).reshape(axis), shape)
    if dtype == "bfloat16":
        return _bf16_bits(values.astype(np.float32))
    return values.astype(np.dtype(dtype))


def _index_to(low, i: ir.Value, dtype: str) -> ir.Value:
    """An index value converted to a pb dtype (ints wrap like a C cast, as XLA's iota)."""
    if dtype in INTEGERS:
        return arith.index_cast(scalar_type(dtype), i)
    real = REAL_OF_COMPLEX.get(dtype, dtype)
    f = arith.sitofp(scalar_type(real), arith.index_cast(ir.IntegerType.get_signless(64), i))
    if dtype in COMPLEX:
        return cplx.create_(scalar_type(dtype), f, low.constant(0, real))
    return f


def _iota_lower(low, operands, in_specs, out_specs, attrs):
    def body(out):
        return _index_to(low, linalg.IndexOp(attrs["dimension"]).result, attrs["dtype"])
    return low.generic([], [], out_specs, body)


defop("iota", (), {"dtype": STRING, "shape": I64_ARRAY, "dimension": I64}, infer=_iota_infer,
      reference=_iota_ref, lower=_iota_lower, enums={"dtype": NUMERIC}, family=FAMILY,
      doc="Indices along `dimension` of an array of `shape`.")
defnondiff("iota")
defunbatched("iota")


# ---- broadcast_in_dim -----------------------------------------------------------------

def _broadcast_infer(specs, attrs):
    x = specs[0]
    shape = _sizes("broadcast_in_dim", attrs, "shape")
    bd = _ints("broadcast_in_dim", attrs, "broadcast_dimensions")
    _per_dim("broadcast_in_dim", bd, x.ndim, "broadcast_dimensions")
    _dims_in_range("broadcast_in_dim", bd, len(shape), "broadcast_dimensions")
    require(all(a < b for a, b in zip(bd, bd[1:])),
            f"pb.broadcast_in_dim broadcast_dimensions must be strictly increasing, got {list(bd)}")
    for i, d in enumerate(bd):
        require(x.shape[i] in (1, shape[d]),
                f"pb.broadcast_in_dim operand dimension {i} of size {x.shape[i]} must be 1 or equal to "
                f"output dimension {d} of size {shape[d]}")
    return [TensorSpec(shape, x.dtype)]


def _broadcast_ref(x, *, shape, broadcast_dimensions):
    kept = [1] * len(shape)
    for i, d in enumerate(broadcast_dimensions):
        kept[d] = x.shape[i]
    return np.broadcast_to(x.reshape(kept), tuple(shape)).copy()


def _broadcast_lower(low, operands, in_specs, out_specs, attrs):
    x, out = in_specs[0], out_specs[0]
    bd = attrs["broadcast_dimensions"]
    # A broadcast size-1 dim reads index 0; the map stays a projection elsewhere so that
    # elementwise fusion can pull the broadcast into its consumers.
    results = [bd[i] if x.shape[i] == out.shape[bd[i]] else None for i in range(x.ndim)]
    return low.generic(operands, [affine_map(out.ndim, results)], out_specs, lambda a, _: a)


defop("broadcast_in_dim", ("x",), {"shape": I64_ARRAY, "broadcast_dimensions": I64_ARRAY},
      infer=_broadcast_infer, reference=_broadcast_ref, lower=_broadcast_lower, family=FAMILY,
      doc="Broadcast x to `shape`; operand dim i becomes output dim broadcast_dimensions[i].")


def _broadcast_transpose(cts, ops, lin, shape, broadcast_dimensions):
    """Sum over the new dims and the expanded size-1 dims, then restore the size-1 dims."""
    x = spec(ops[0])
    kept = [d for i, d in enumerate(broadcast_dimensions) if x.shape[i] != 1]
    return [_reshape_to(_sum(cts[0], [d for d in range(len(shape)) if d not in kept]), x.shape)]


def _broadcast_in_dim_batch(args, dims, size, shape, broadcast_dimensions):
    """The batch dimension lands just before the output dim of x's next dimension."""
    (x,), (d,) = args, dims
    bd = tuple(broadcast_dimensions)
    p = bd[d] if d < len(bd) else len(shape)
    new_bd = insert_at(tuple(b if b < p else b + 1 for b in bd), d, p)
    return [pb.broadcast_in_dim(x, shape=insert_at(shape, p, size), broadcast_dimensions=new_bd)], [p]


deflinear("broadcast_in_dim", transpose=_broadcast_transpose)
defbatch("broadcast_in_dim", _broadcast_in_dim_batch)


# ---- reshape ----------------------------------------------------------------------------

def _reshape_infer(specs, attrs):
    x = specs[0]
    sizes = _sizes("reshape", attrs, "new_sizes")
    out = TensorSpec(sizes, x.dtype)
    require(out.size == x.size,
            f"pb.reshape cannot reshape {list(x.shape)} ({x.size} elements) to {list(sizes)} "
            f"({out.size} elements)")
    return [out]


def _reshape_ref(x, *, new_sizes):
    # Row-major order, as lax.reshape without `dimensions`.
    return np.array(x.ravel(order="C")).reshape(tuple(new_sizes), order="C")


def _reshape_lower(low, operands, in_specs, out_specs, attrs):
    """Collapse to 1-D, then expand: both are views that bufferize without copies."""
    x, (src, out) = operands[0], (in_specs[0], out_specs[0])
    if src.shape == out.shape:
        return [x]
    flat = TensorSpec((src.size,), src.dtype)
    if src.ndim == 0:
        x = tensor.expand_shape(tensor_type(flat), x, [], [], [1])
    elif src.ndim > 1:
        x = tensor.collapse_shape(tensor_type(flat), x, [list(range(src.ndim))])
    if out.ndim == 0:
        x = tensor.collapse_shape(tensor_type(out), x, [])
    elif out.ndim > 1:
        x = tensor.expand_shape(tensor_type(out), x, [list(range(out.ndim))], [], list(out.shape))
    return [x]


defop("reshape", ("x",), {"new_sizes": I64_ARRAY}, infer=_reshape_infer, reference=_reshape_ref,
      lower=_reshape_lower, family=FAMILY, doc="Row-major reshape to `new_sizes`.")


def _reshape_batch(args, dims, size, new_sizes):
    """Row-major reshape: the batch dimension must lead."""
    x = move_axis(args[0], dims[0], 0)
    return [pb.reshape(x, new_sizes=(size,) + tuple(new_sizes))], [0]


deflinear("reshape", transpose=lambda cts, ops, lin, new_sizes: [_reshape_to(cts[0], spec(ops[0]).shape)])
defbatch("reshape", _reshape_batch)


# ---- transpose --------------------------------------------------------------------------

def _transpose_infer(specs, attrs):
    x = specs[0]
    perm = _ints("transpose", attrs, "permutation")
    require(sorted(perm) == list(range(x.ndim)),
            f"pb.transpose permutation {list(perm)} is not a permutation of the operand's {x.ndim} dimensions")
    return [TensorSpec(tuple(x.shape[p] for p in perm), x.dtype)]


def _transpose_ref(x, *, permutation):
    out = np.empty(tuple(x.shape[p] for p in permutation), x.dtype)
    for idx in np.ndindex(out.shape):
        src = [0] * x.ndim
        for i, p in enumerate(permutation):
            src[p] = idx[i]
        out[idx] = x[tuple(src)]
    return out


def _transpose_lower(low, operands, in_specs, out_specs, attrs):
    perm = attrs["permutation"]  # input dim p is walked by output dim inverse[p]
    return low.generic(operands, [affine_map(len(perm), _inverse(perm))], out_specs, lambda a, _: a)


defop("transpose", ("x",), {"permutation": I64_ARRAY}, infer=_transpose_infer, reference=_transpose_ref,
      lower=_transpose_lower, family=FAMILY, doc="out.shape[i] = x.shape[permutation[i]].")


def _transpose_batch(args, dims, size, permutation):
    (x,), (d,) = args, dims
    perm = insert_at(tuple(p if p < d else p + 1 for p in permutation), d, d)
    return [pb.transpose(x, permutation=perm)], [d]


deflinear("transpose", transpose=lambda cts, ops, lin, permutation: [
    pb.transpose(cts[0], permutation=_inverse(permutation))])
defbatch("transpose", _transpose_batch)


# ---- rev --------------------------------------------------------------------------------

def _rev_infer(specs, attrs):
    x = specs[0]
    dims = _ints("rev", attrs, "dimensions")
    _dims_in_range("rev", dims, x.ndim, "dimensions")
    require(len(set(dims)) == len(dims), f"pb.rev dimensions must be unique, got {list(dims)}")
    return [x]


def _rev_ref(x, *, dimensions):
    return x[tuple(slice(None, None, -1) if d in dimensions else slice(None) for d in range(x.ndim))].copy()


def _rev_lower(low, operands, in_specs, out_specs, attrs):
    shape = in_specs[0].shape
    # Reversed dims read (n - 1) - i: an affine map, so it stays a fusable generic.
    exprs = [ir.AffineConstantExpr.get(n - 1) - ir.AffineDimExpr.get(d)
             if d in attrs["dimensions"] and n > 1 else ir.AffineDimExpr.get(d)
             for d, n in enumerate(shape)]
    return low.generic(operands, [ir.AffineMap.get(len(shape), 0, exprs)], out_specs, lambda a, _: a)


defop("rev", ("x",), {"dimensions": I64_ARRAY}, infer=_rev_infer, reference=_rev_ref, lower=_rev_lower,
      same_type=[("x", "out")], family=FAMILY, doc="Reverse x along `dimensions`.")


def _rev_batch(args, dims, size, dimensions):
    (x,), (d,) = args, dims
    return [pb.rev(x, dimensions=shift_dims(dimensions, d))], [d]


deflinear("rev", transpose=lambda cts, ops, lin, dimensions: [pb.rev(cts[0], dimensions=tuple(dimensions))])
defbatch("rev", _rev_batch)


# ---- slice ------------------------------------------------------------------------------

def _slice_infer(specs, attrs):
    x = specs[0]
    start = _ints("slice", attrs, "start_indices")
    limit = _ints("slice", attrs, "limit_indices")
    strides = _ints("slice", attrs, "strides")
    for name, v in (("start_indices", start), ("limit_indices", limit), ("strides", strides)):
        _per_dim("slice", v, x.ndim, name)
    for d, (s, l, n) in enumerate(zip(start, limit, x.shape)):
        require(0 <= s <= l <= n,
                f"pb.slice needs 0 <= start <= limit <= size in dimension {d}, got start {s}, "
                f"limit {l}, size {n}")
    require(all(st >= 1 for st in strides), f"pb.slice strides must be positive, got {list(strides)}")
    return [TensorSpec(tuple(-(-(l - s) // st) for s, l, st in zip(start, limit, strides)), x.dtype)]


def _slice_ref(x, *, start_indices, limit_indices, strides):
    return x[tuple(slice(s, l, st) for s, l, st in zip(start_indices, limit_indices, strides))].copy()


def _slice_lower(low, operands, in_specs, out_specs, attrs):
    if out_specs[0].size == 0:
        return [low.empty(out_specs[0])]  # slice verifiers reject offsets at the end of a dim
    return [_extract_slice(operands[0], out_specs[0], attrs["start_indices"], attrs["strides"])]


defop("slice", ("x",), {"start_indices": I64_ARRAY, "limit_indices": I64_ARRAY, "strides": I64_ARRAY},
      infer=_slice_infer, reference=_slice_ref, lower=_slice_lower, family=FAMILY,
      doc="Static strided slice x[start:limit:stride].")


def _slice_transpose(cts, ops, lin, start_indices, limit_indices, strides):
    """Pad the cotangent with zeros back to x's shape; a stride s leaves s - 1 zeros between."""
    x, t = spec(ops[0]), cts[0]
    # The last element a strided slice reads, plus one (the slice's own limit may overshoot it).
    last = [s + (n - 1) * st + 1 if n else s for s, n, st in zip(start_indices, spec(t).shape, strides)]
    high = [n - l for n, l in zip(x.shape, last)]
    return [pb.pad(t, pb.full(TensorSpec((), x.dtype), 0), low=tuple(start_indices), high=tuple(high),
                   interior=tuple(st - 1 for st in strides))]


def _slice_batch(args, dims, size, start_indices, limit_indices, strides):
    (x,), (d,) = args, dims
    return [pb.slice(x, start_indices=insert_at(start_indices, d, 0), limit_indices=insert_at(limit_indices, d, size),
                     strides=insert_at(strides, d, 1))], [d]


deflinear("slice", transpose=_slice_transpose)
defbatch("slice", _slice_batch)


# ---- dynamic_slice ----------------------------------------------------------------------

def _dynamic_slice_infer(specs, attrs):
    x, starts = specs[0], specs[1:]
    _start_indices("dynamic_slice", x, starts)
    sizes = _ints("dynamic_slice", attrs, "slice_sizes")
    _per_dim("dynamic_slice", sizes, x.ndim, "slice_sizes")
    require(all(0 <= s <= n for s, n in zip(sizes, x.shape)),
            f"pb.dynamic_slice slice_sizes {list(sizes)} must lie in [0, operand shape {list(x.shape)}]")
    return [TensorSpec(sizes, x.dtype)]


def _dynamic_slice_ref(x, *starts, slice_sizes):
    begin = _clamped_starts(starts, [n - s for n, s in zip(x.shape, slice_sizes)])
    return x[tuple(slice(b, b + s) for b, s in zip(begin, slice_sizes))].copy()


def _dynamic_slice_lower(low, operands, in_specs, out_specs, attrs):
    x, out = in_specs[0], out_specs[0]
    if x.ndim == 0:
        return [operands[0]]
    if out.size == 0:
        return [low.empty(out)]
    limits = [n - s for n, s in zip(x.shape, out.shape)]
    offsets = _lower_starts(operands[1:], in_specs[1:], limits)
    return [_extract_slice(operands[0], out, _dynamic(x.ndim), dynamic_offsets=offsets)]


defop("dynamic_slice", ("x", "start_indices*"), {"slice_sizes": I64_ARRAY}, infer=_dynamic_slice_infer,
      reference=_dynamic_slice_ref, lower=_dynamic_slice_lower, family=FAMILY,
      doc="Slice of `slice_sizes` at runtime starts, clamped into range as XLA does.")


def _dynamic_slice_batch(args, dims, size, slice_sizes):
    (x, *starts), (dx, *ds) = args, dims
    if all(d is None for d in ds):
        # the batch dimension is sliced whole: start 0 (clamping never moves it)
        return [pb.dynamic_slice(x, *insert_at(starts, dx, _zero_start(starts)),
                                 slice_sizes=insert_at(slice_sizes, dx, size))], [dx]
    # Batched starts (JAX's _dynamic_slice_batching_rule): one gather whose index vectors
    # are the members' starts. Gather's "clip" clamps each start into [0, dim - size]
    # exactly as dynamic_slice does, for every index dtype.
    n = len(starts)
    columns = [pb.reshape(to_front(s, d, size), new_sizes=(size, 1)) for s, d in zip(starts, ds)]
    attrs = dict(offset_dims=tuple(range(n)), collapsed_slice_dims=(), start_index_map=tuple(range(n)),
                 slice_sizes=tuple(slice_sizes), mode="clip")
    return BATCH["gather"]([x, concatenate(columns, 1)], [dx, 0], size, **attrs)


# linear in x; the (clamped) starts are the same on both sides, so the transpose
# writes the cotangent into zeros where the slice was read.
deflinear("dynamic_slice", linear_in=(0,), transpose=lambda cts, ops, lin, slice_sizes: [
    pb.dynamic_update_slice(pb.zeros_like(ops[0]), cts[0], *ops[1:])] + [None] * (len(ops) - 1))
defbatch("dynamic_slice", _dynamic_slice_batch)


# ---- dynamic_update_slice ---------------------------------------------------------------

def _dynamic_update_slice_infer(specs, attrs):
    x, update, starts = specs[0], specs[1], specs[2:]
    require(update.dtype == x.dtype,
            f"pb.dynamic_update_slice update dtype {update.dtype} must equal operand dtype {x.dtype}")
    require(update.ndim == x.ndim and all(u <= n for u, n in zip(update.shape, x.shape)),
            f"pb.dynamic_update_slice update shape {list(update.shape)} must fit in operand shape "
            f"{list(x.shape)}")
    _start_indices("dynamic_update_slice", x, starts)
    return [x]


def _dynamic_update_slice_ref(x, update, *starts):
    begin = _clamped_starts(starts, [n - u for n, u in zip(x.shape, update.shape)])
    out = x.copy()
    out[tuple(slice(b, b + u) for b, u in zip(begin, update.shape))] = update
    return out


def _dynamic_update_slice_lower(low, operands, in_specs, out_specs, attrs):
    x, update = in_specs[0], in_specs[1]
    if x.ndim == 0:
        return [operands[1]]
    if update.size == 0:
        return [operands[0]]
    limits = [n - u for n, u in zip(x.shape, update.shape)]
    offsets = _lower_starts(operands[2:], in_specs[2:], limits)
    return [_insert_slice(operands[1], operands[0], update.shape, _dynamic(x.ndim), dynamic_offsets=offsets)]


defop("dynamic_update_slice", ("x", "update", "start_indices*"), {}, infer=_dynamic_update_slice_infer,
      reference=_dynamic_update_slice_ref, lower=_dynamic_update_slice_lower, same_type=[("x", "out")],
      family=FAMILY, doc="x with `update` written at runtime starts, clamped into range as XLA does.")


def _dus_transpose(cts, ops, lin):
    t, (_, update, *starts) = cts[0], ops
    u = spec(update)
    return [pb.dynamic_update_slice(t, pb.zeros_like(update), *starts) if lin[0] else None,
            pb.dynamic_slice(t, *starts, slice_sizes=u.shape) if lin[1] else None] + [None] * len(starts)


def _dynamic_update_slice_batch(args, dims, size):
    (x, update, *starts), (dx, du, *ds) = args, dims
    if all(d is None for d in ds):
        d = dx if dx is not None else du
        xb = broadcast_batch(x, size, d) if dx is None else x
        ub = broadcast_batch(update, size, d) if du is None else move_axis(update, du, d)
        return [pb.dynamic_update_slice(xb, ub, *insert_at(starts, d, _zero_start(starts)))], [d]
    # Batched starts: out = select(inside the window, update[i - start], x[i]), the update
    # values read by a gather at each position's offset into the window. Starts are
    # clamped into [0, dim - update size] as dynamic_update_slice does, in int64 (which
    # holds every index dtype's values). Exact for every dtype: nothing is added.
    xs, us = _without(spec(x).shape, dx), _without(spec(update).shape, du)
    if any(u == 0 for u in us):
        return [x], [dx]  # nothing is written
    full = (size,) + xs
    xb = to_front(x, dx, size)

    def i64(value, shape=full):
        return pb.full(TensorSpec(shape, "int64"), value)

    offsets = [pb.iota(dtype="int64", shape=full, dimension=0)] if du is not None else []
    mask = None
    for k, (s, d) in enumerate(zip(starts, ds)):
        s = to_front(s, d, size)
        if spec(s).dtype != "int64":
            s = pb.convert_element_type(s, new_dtype="int64")
        s = pb.max(pb.min(s, i64(xs[k] - us[k], (size,))), i64(0, (size,)))
        rel = pb.sub(pb.iota(dtype="int64", shape=full, dimension=k + 1),
                     pb.broadcast_in_dim(s, shape=full, broadcast_dimensions=(0,)))
        inside = getattr(pb, "and")(pb.compare(rel, i64(0), direction="GE"),
                                    pb.compare(rel, i64(us[k]), direction="LT"))
        mask = inside if mask is None else getattr(pb, "and")(mask, inside)
        offsets.append(rel)
    ub = update if du is None else move_axis(update, du, 0)
    rank = spec(ub).ndim
    index = concatenate([pb.reshape(o, new_sizes=full + (1,)) for o in offsets], len(full))
    values = pb.gather(ub, index, offset_dims=(), collapsed_slice_dims=tuple(range(rank)),
                       start_index_map=tuple(range(rank)), slice_sizes=(1,) * rank, mode="clip")
    return [pb.select(mask, values, xb)], [0]


# linear in x and update jointly: the same update applied to the tangents
deflinear("dynamic_update_slice", linear_in=(0, 1), transpose=_dus_transpose)
defbatch("dynamic_update_slice", _dynamic_update_slice_batch)


# ---- concatenate ------------------------------------------------------------------------

def _concatenate_infer(specs, attrs):
    require(len(specs) >= 1, "pb.concatenate needs at least one operand")
    first = specs[0]
    dim = _int("concatenate", attrs, "dimension")
    require(0 <= dim < first.ndim, f"pb.concatenate dimension must be in [0, {first.ndim}), got {dim}")
    for s in specs[1:]:
        require(s.dtype == first.dtype, f"pb.concatenate operands must share one dtype, got {first.dtype} "
                                        f"and {s.dtype}")
        require(s.ndim == first.ndim and all(a == b for i, (a, b) in enumerate(zip(s.shape, first.shape))
                                             if i != dim),
                f"pb.concatenate operand shapes {list(first.shape)} and {list(s.shape)} must agree except "
                f"in dimension {dim}")
    shape = list(first.shape)
    shape[dim] = sum(s.shape[dim] for s in specs)
    return [TensorSpec(tuple(shape), first.dtype)]


def _concatenate_ref(*xs, dimension):
    out_shape = list(xs[0].shape)
    out_shape[dimension] = sum(x.shape[dimension] for x in xs)
    out = np.empty(out_shape, xs[0].dtype)
    at = 0
    for x in xs:
        idx = [slice(None)] * x.ndim
        idx[dimension] = slice(at, at + x.shape[dimension])
        out[tuple(idx)] = x
        at += x.shape[dimension]
    return out


def _concatenate_lower(low, operands, in_specs, out_specs, attrs):
    if len(operands) == 1:
        return [operands[0]]
    dim = attrs["dimension"]
    out = low.empty(out_specs[0])  # every element is written by exactly one insert
    at = 0
    for v, piece in zip(operands, in_specs):
        if piece.size:  # an empty piece may sit at the end, where offsets fail to verify
            offsets = [at if d == dim else 0 for d in range(piece.ndim)]
            out = _insert_slice(v, out, piece.shape, offsets)
        at += piece.shape[dim]
    return [out]


# Binary: IRDL binds one constraint variable to every member of a variadic list, so a
# variadic concatenate could only join pieces of one shape. The frontend joins N pieces
# as a balanced tree of binary concatenates.
defop("concatenate", ("lhs", "rhs"), {"dimension": I64}, infer=_concatenate_infer, reference=_concatenate_ref,
      lower=_concatenate_lower, family=FAMILY, doc="Join two operands along `dimension`.")


def _concatenate_transpose(cts, ops, lin, dimension):
    lhs, t = spec(ops[0]), cts[0]
    n, m = lhs.shape[dimension], spec(t).shape[dimension]

    def part(lo, hi):
        start = [lo if d == dimension else 0 for d in range(lhs.ndim)]
        limit = [hi if d == dimension else s for d, s in enumerate(spec(t).shape)]
        return pb.slice(t, start_indices=start, limit_indices=limit, strides=(1,) * lhs.ndim)
    return [part(0, n) if lin[0] else None, part(n, m) if lin[1] else None]


def _concatenate_batch(args, dims, size, dimension):
    d = next(b for b in dims if b is not None)
    lhs, rhs = (broadcast_batch(a, size, d) if b is None else move_axis(a, b, d) for a, b in zip(args, dims))
    return [pb.concatenate(lhs, rhs, dimension=batched_dim(d, dimension))], [d]


deflinear("concatenate", transpose=_concatenate_transpose)
defbatch("concatenate", _concatenate_batch)


# ---- pad --------------------------------------------------------------------------------

def _pad_infer(specs, attrs):
    x, value = specs
    require(value.ndim == 0, f"pb.pad padding_value must be 0-d, got shape {list(value.shape)}")
    require(value.dtype == x.dtype,
            f"pb.pad padding_value dtype {value.dtype} must equal operand dtype {x.dtype}")
    lo, hi, interior = (_ints("pad", attrs, n) for n in ("low", "high", "interior"))
    for name, v in (("low", lo), ("high", hi), ("interior", interior)):
        _per_dim("pad", v, x.ndim, name)
    require(all(i >= 0 for i in interior), f"pb.pad interior padding must be non-negative, got {list(interior)}")
    shape = tuple(l + h + n + max(n - 1, 0) * i for n, l, h, i in zip(x.shape, lo, hi, interior))
    require(all(d >= 0 for d in shape),
            f"pb.pad result shape {list(shape)} of operand shape {list(x.shape)} has a negative dimension")
    return [TensorSpec(shape, x.dtype)]


def _pad_ref(x, padding_value, *, low, high, interior):
    """Dilate, pad the positive edges, then crop the negative ones (lax.pad's definition)."""
    out = x
    for d, (l, h, i) in enumerate(zip(low, high, interior)):
        n = out.shape[d]
        dilated_shape = list(out.shape)
        dilated_shape[d] = n + max(n - 1, 0) * i + max(l, 0) + max(h, 0)
        grown = np.full(dilated_shape, padding_value, x.dtype)
        at = [slice(None)] * x.ndim
        at[d] = slice(max(l, 0), max(l, 0) + n + max(n - 1, 0) * i, i + 1)
        grown[tuple(at)] = out
        at[d] = slice(max(-l, 0), dilated_shape[d] - max(-h, 0))
        out = grown[tuple(at)]
    return out.copy()


def _pad_lower(low, operands, in_specs, out_specs, attrs):
    """Fill with the padding value, then insert the surviving part of x with stride interior+1.

    Per dim, x[i] lands at low + i*(interior+1); only the i whose position is inside
    the output survive, which covers negative low/high (cropping) with static slices.
    """
    x, out = in_specs[0], out_specs[0]
    result = low.full(out, tensor.extract(operands[1], []))
    first, count, dest, step = [], [], [], []
    for n, size, l, i in zip(x.shape, out.shape, attrs["low"], attrs["interior"]):
        s = i + 1
        i_min = max(0, -(l // s))                 # ceil(-l / s), clamped at 0
        i_max = min(n, (size - 1 - l) // s + 1)   # last i with l + i*s < size, plus 1
        first.append(i_min)
        count.append(max(0, i_max - i_min))
        dest.append(l + i_min * s)
        step.append(s)
    if any(c == 0 for c in count):
        return [result]  # nothing of x survives (or there is nothing to place)
    piece = operands[0]
    if tuple(count) != x.shape:
        piece = _extract_slice(piece, TensorSpec(tuple(count), x.dtype), first)
    return [_insert_slice(piece, result, count, dest, step)]


defop("pad", ("x", "padding_value"), {"low": I64_ARRAY, "high": I64_ARRAY, "interior": I64_ARRAY},
      infer=_pad_infer, reference=_pad_ref, lower=_pad_lower, family=FAMILY,
      doc="lax.pad: edge padding (negative crops) and interior padding per dimension.")


def _pad_transpose(cts, ops, lin, low, high, interior):
    """x's cotangent: undo the edges (zeros where x was cropped), then take every
    (interior + 1)-th element. The padding value's: everything x did not get."""
    t = cts[0]
    nd = spec(t).ndim
    unpadded = pb.pad(t, pb.full(TensorSpec((), spec(t).dtype), 0), low=tuple(-l for l in low),
                      high=tuple(-h for h in high), interior=(0,) * nd)
    t_x = pb.slice(unpadded, start_indices=(0,) * nd, limit_indices=spec(unpadded).shape,
                   strides=tuple(i + 1 for i in interior))
    t_value = pb.sub(_sum(t, range(nd)), _sum(t_x, range(nd))) if lin[1] else None
    return [t_x if lin[0] else None, t_value]


def _pad_batch(args, dims, size, low, high, interior):
    (x, value), (dx, dv) = args, dims
    if dv is None:
        return [pb.pad(x, value, low=insert_at(low, dx, 0), high=insert_at(high, dx, 0),
                       interior=insert_at(interior, dx, 0))], [dx]
    # A batched padding value (JAX's _pad_batch_rule): pad with any value, then select the
    # padding value wherever a padded mask of trues says the element is not from x.
    d = 0 if dx is None else dx
    xb = broadcast_batch(x, size, d) if dx is None else x
    any_value = pb.reshape(pb.slice(value, start_indices=(0,), limit_indices=(1,), strides=(1,)), new_sizes=())
    padded = pb.pad(xb, any_value, low=insert_at(low, d, 0), high=insert_at(high, d, 0),
                    interior=insert_at(interior, d, 0))
    per_member = _without(spec(x).shape, dx)
    # (int8 ones and zeros compared with 0: bool constants cannot be built as attributes yet)
    ones = pb.pad(pb.full(TensorSpec(per_member, "int8"), 1), pb.full(TensorSpec((), "int8"), 0),
                  low=tuple(low), high=tuple(high), interior=tuple(interior))
    mask = pb.compare(ones, pb.zeros_like(ones), direction="NE")
    fill = pb.broadcast_in_dim(value, shape=spec(padded).shape, broadcast_dimensions=(d,))
    return [pb.select(broadcast_batch(mask, size, d), padded, fill)], [d]


deflinear("pad", transpose=_pad_transpose)
defbatch("pad", _pad_batch)
