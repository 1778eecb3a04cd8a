"""Reductions, arg-reductions and cumulative scans (lax.reduce_*, argmax/argmin, cum*).

Every reduction is a monoid: an identity and an associative, commutative
combiner. The table below drives the reduce_* ops (one linalg.generic with
reduction iterators, initialised with the identity) and the cum* ops (an
scf.for nest whose innermost loop runs along the scanned axis with a scalar
carry). argmax/argmin are a two-output linalg.generic (value, index) whose
combiner does not depend on iteration order.

Derivatives follow JAX's rules (jax/_src/lax/lax.py, control_flow/loops.py), in
pb ops only so that derivatives differentiate again. Batching never reduces or
scans the batch dimension: the axes move past it (JAX's _reduce_batch_rule).
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np
from mlir import ir
from mlir.dialects import arith, linalg, scf, tensor
from mlir.dialects import complex as cplx

from ..ad import JVP, deflinear, defnondiff, primal
from ..batching import batched_dim, defbatch, shift_dims
from ..lowering import PARALLEL, REDUCTION, affine_map, identity_map
from ..pb import pb, spec
from ..registry import I64, I64_ARRAY, STRING, defop
from ..types import BOOL, COMPLEX, FLOATS, INTEGERS, NUMERIC, SIGNED, TensorSpec
from .common import numpy_ref, require, require_dtypes

ORDERED = FLOATS | INTEGERS | BOOL  # dtypes with a total order (up to NaN)


def _kind(dtype: str) -> str:
    """Arith flavour of a pb dtype: bool compares as unsigned (true > false)."""
    if dtype in COMPLEX:
        return "c"
    if dtype in FLOATS:
        return "f"
    return "i" if dtype in SIGNED else "u"


def _extreme(dtype: str, largest: bool):
    """The largest or smallest value of an ordered dtype (float infinities)."""
    if dtype in FLOATS:
        return np.inf if largest else -np.inf
    if dtype == "bool":
        return largest
    info = np.iinfo(dtype)
    return int(info.max if largest else info.min)


class Monoid(NamedTuple):
    dtypes: frozenset
    identity: Callable        # dtype -> Python scalar
    combine: dict             # dtype kind -> arith/complex builder (a, b) -> scalar
    ufunc: np.ufunc           # the numpy reference's combiner


MONOIDS = {
    "sum": Monoid(NUMERIC, lambda dt: 0,
                  {"f": arith.addf, "i": arith.addi, "u": arith.addi, "c": cplx.add}, np.add),
    "prod": Monoid(NUMERIC, lambda dt: 1,
                   {"f": arith.mulf, "i": arith.muli, "u": arith.muli, "c": cplx.mul}, np.multiply),
    # maximumf/minimumf propagate NaN, like lax.max/lax.min.
    "max": Monoid(ORDERED, lambda dt: _extreme(dt, largest=False),
                  {"f": arith.maximumf, "i": arith.maxsi, "u": arith.maxui}, np.maximum),
    "min": Monoid(ORDERED, lambda dt: _extreme(dt, largest=True),
                  {"f": arith.minimumf, "i": arith.minsi, "u": arith.minui}, np.minimum),
}


def _combine(m: Monoid, dtype: str, a, b):
    return m.combine[_kind(dtype)](a, b)


def _numpy_identity(m: Monoid, dtype) -> np.ndarray:
    return np.asarray(m.identity(np.dtype(dtype).name)).astype(dtype)


def _one_operand(name: str, specs, dtypes) -> TensorSpec:
    (x,) = specs
    require_dtypes(name, x, dtypes)
    return x


def _check_axis(name: str, x: TensorSpec, axis: int) -> None:
    require(0 <= axis < x.ndim, f"pb.{name} axis {axis} is out of range for an operand of rank {x.ndim}")


def _drop(shape, axes) -> tuple:
    return tuple(d for i, d in enumerate(shape) if i not in axes)


# ---- reduce_* ----------------------------------------------------------------

def _reduce_infer(name: str, m: Monoid):
    def infer(specs, attrs):
        x = _one_operand(name, specs, m.dtypes)
        axes = list(attrs["axes"])
        require(all(0 <= a < x.ndim for a in axes),
                f"pb.{name} axes {axes} are out of range for an operand of rank {x.ndim}")
        require(len(set(axes)) == len(axes), f"pb.{name} axes {axes} contain duplicates")
        return [x.with_shape(_drop(x.shape, axes))]
    return infer


def _reduce_lower(m: Monoid):
    def lower(low, operands, in_specs, out_specs, attrs):
        x, out = in_specs[0], out_specs[0]
        axes = set(attrs["axes"])
        if not axes:
            # Reducing nothing is the identity. (As a generic it would be all-parallel and read
            # its init, which linalg-fuse-elementwise-ops turns into a repeated accumulation when
            # a broadcast consumes it: sum(x, ()) broadcast 3 times gave x, 2x, 3x.)
            return [operands[0]]
        kept = [d for d in range(x.ndim) if d not in axes]
        return low.generic(operands, [identity_map(x.ndim)], [out],
                           lambda v, acc: _combine(m, x.dtype, acc, v),
                           num_dims=x.ndim, out_maps=[affine_map(x.ndim, kept)],
                           iterators=[REDUCTION if d in axes else PARALLEL for d in range(x.ndim)],
                           inits=[low.full(out, m.identity(x.dtype))])
    return lower


def _reduce_reference(m: Monoid):
    def ref(x, axes):
        return m.ufunc.reduce(x, axis=tuple(axes), dtype=x.dtype, initial=_numpy_identity(m, x.dtype))
    return numpy_ref(ref)


def _defreduce(name: str) -> str:
    """reduce_<monoid>: its op, and its batching rule (the reduced axes move past the batch dim)."""
    m = MONOIDS[name[len("reduce_"):]]
    defop(name, ("x",), {"axes": I64_ARRAY}, infer=_reduce_infer(name, m),
          reference=_reduce_reference(m), lower=_reduce_lower(m), family="reduction",
          doc=f"lax.{name}: combine the elements along `axes` (unique, any order); "
              "those axes are dropped from the result.")
    defbatch(name, _reduce_batch(name))
    return name


# ---- argmax / argmin ---------------------------------------------------------

INDEX_DTYPES = {"int32", "int64"}


def _arg_infer(name: str):
    def infer(specs, attrs):
        x = _one_operand(name, specs, ORDERED)
        axis = attrs["axis"]
        _check_axis(name, x, axis)
        require(x.shape[axis] >= 1, f"pb.{name} needs a non-empty axis {axis}, got shape {list(x.shape)}")
        require(x.shape[axis] - 1 <= np.iinfo(attrs["index_dtype"]).max,
                f"pb.{name} index_dtype {attrs['index_dtype']} cannot hold indices up to {x.shape[axis] - 1}")
        return [TensorSpec(_drop(x.shape, {axis}), attrs["index_dtype"])]
    return infer


def _arg_better(dtype: str, largest: bool, x, v):
    """(x beats v, x ties v); NaN beats every number and ties NaN."""
    kind = _kind(dtype)
    if kind == "f":
        p = arith.CmpFPredicate
        x_nan, v_nan = arith.cmpf(p.UNO, x, x), arith.cmpf(p.UNO, v, v)
        beats = arith.ori(arith.cmpf(p.OGT if largest else p.OLT, x, v),
                          arith.andi(x_nan, arith.cmpf(p.ORD, v, v)))
        return beats, arith.ori(arith.cmpf(p.OEQ, x, v), arith.andi(x_nan, v_nan))
    p = arith.CmpIPredicate
    strict = {("i", True): p.sgt, ("i", False): p.slt, ("u", True): p.ugt, ("u", False): p.ult}
    return arith.cmpi(strict[kind, largest], x, v), arith.cmpi(p.eq, x, v)


def _arg_lower(largest: bool):
    def lower(low, operands, in_specs, out_specs, attrs):
        x, out = in_specs[0], out_specs[0]
        axis = attrs["axis"]
        index_type = low.scalar_type(out.dtype)

        def body(v, acc_v, acc_i):
            # Order independent: the winner is the best value, then the lowest index.
            # The init (worst value, index 0) only survives when every element equals
            # the worst value, and then 0 is the right answer. (linalg.IndexOp: the
            # bindings' linalg.index is OpDSL's, not the op.)
            j = arith.index_cast(index_type, linalg.IndexOp(axis).result)
            beats, ties = _arg_better(x.dtype, largest, v, acc_v)
            earlier = arith.cmpi(arith.CmpIPredicate.slt, j, acc_i)
            take_index = arith.ori(beats, arith.andi(ties, earlier))
            return [arith.select(beats, v, acc_v), arith.select(take_index, j, acc_i)]

        value_spec = out.with_dtype(x.dtype)
        kept = [d for d in range(x.ndim) if d != axis]
        results = low.generic(operands, [identity_map(x.ndim)], [value_spec, out], body,
                              num_dims=x.ndim, out_maps=[affine_map(x.ndim, kept)] * 2,
                              iterators=[REDUCTION if d == axis else PARALLEL for d in range(x.ndim)],
                              inits=[low.full(value_spec, _extreme(x.dtype, largest=not largest)),
                                     low.full(out, 0)])
        return [results[1]]
    return lower


def _arg_reference(fn):
    return numpy_ref(lambda x, axis, index_dtype: fn(x, axis=axis).astype(index_dtype))


# ---- cumsum / cumprod / cummax / cummin --------------------------------------

def _cum_infer(name: str, m: Monoid):
    def infer(specs, attrs):
        x = _one_operand(name, specs, m.dtypes)
        _check_axis(name, x, attrs["axis"])
        require(attrs["reverse"] in (0, 1), f"pb.{name} attribute 'reverse' must be 0 or 1, got {attrs['reverse']}")
        return [x]
    return infer


def _cum_lower(m: Monoid):
    def lower(low, operands, in_specs, out_specs, attrs):
        """A loop nest: one scf.for per other dim, innermost the scanned axis with a scalar carry.

        O(n) and element-wise tensor.extract/insert, so bufferization updates the
        result in place with no slice copies.
        """
        (x,), spec = operands, in_specs[0]
        axis, dtype = attrs["axis"], spec.dtype
        outer = [d for d in range(spec.ndim) if d != axis]
        index = ir.IndexType.get()

        def const(v):
            return arith.constant(index, v)

        def nest(out, idx):
            if len(idx) < len(outer):
                loop = scf.ForOp(const(0), const(spec.shape[outer[len(idx)]]), const(1), [out])
                with ir.InsertionPoint(loop.body):
                    scf.YieldOp([nest(loop.inner_iter_args[0], idx + [loop.induction_variable])])
                return loop.results[0]
            n = spec.shape[axis]
            loop = scf.ForOp(const(0), const(n), const(1), [out, low.constant(m.identity(dtype), dtype)])
            with ir.InsertionPoint(loop.body):
                k = loop.induction_variable
                if attrs["reverse"]:
                    k = arith.subi(const(n - 1), k)
                at = idx[:axis] + [k] + idx[axis:]
                acc_out, acc = loop.inner_iter_args
                acc = _combine(m, dtype, acc, tensor.extract(x, at))
                scf.YieldOp([tensor.insert(acc, acc_out, at), acc])
            return loop.results[0]

        return [nest(low.empty(spec), [])]
    return lower


def _cum_reference(m: Monoid):
    def ref(x, axis, reverse):
        if reverse:
            return np.flip(m.ufunc.accumulate(np.flip(x, axis), axis=axis, dtype=x.dtype), axis)
        return m.ufunc.accumulate(x, axis=axis, dtype=x.dtype)
    return numpy_ref(ref)


def _defcumulative(name: str) -> str:
    """cum<monoid>: its op, and its batching rule (the scanned axis moves past the batch dim)."""
    m = MONOIDS[name[len("cum"):]]
    defop(name, ("x",), {"axis": I64, "reverse": I64}, infer=_cum_infer(name, m),
          reference=_cum_reference(m), lower=_cum_lower(m), same_type=[("x", "out")],
          family="reduction",
          doc=f"lax.{name}: inclusive scan along `axis`, from the end when `reverse` is 1.")
    defbatch(name, _cum_batch(name))
    return name


# ---- derivatives and batching rules ------------------------------------------

def _kept(x: TensorSpec, axes) -> tuple:
    return tuple(d for d in range(x.ndim) if d not in axes)


def _expand(v, x: TensorSpec, axes):
    """Broadcast a reduced value back over the reduced axes of x."""
    return pb.broadcast_in_dim(v, shape=x.shape, broadcast_dimensions=_kept(x, axes))


def _chooser_jvp(name: str):
    """reduce_max/min: the tangent averaged over the locations of the extremum (as JAX)."""
    def rule(primals, tangents, axes):
        (ans,) = primal(name, primals, {"axes": axes})
        (x,), (t,) = primals, tangents
        at = pb.convert_element_type(pb.compare(x, _expand(ans, spec(x), axes), direction="EQ"),
                                     new_dtype=spec(x).dtype)
        counts = pb.reduce_sum(at, axes=axes)
        return [ans], [pb.div(pb.reduce_sum(pb.mul(t, at), axes=axes), counts)]
    return rule



# reduce_prod and cumprod/cummax/cummin differentiate a tree of binary combines,
# carrying (value, tangent) pairs through the binary op's own JVP rule, as JAX's
# jvp of its pairwise reduction / associative_scan does. Only products and sums
# appear, so zeros in the operand need no special case (no division by x), and
# ties in cummax/cummin are split as lax.max/lax.min split them.

def _pair_combine(name: str, a, b):
    (v,), (t,) = JVP[name]([a[0], b[0]], [a[1], b[1]])
    return v, t


def _slice_along(v, axis: int, start: int, limit: int, stride: int = 1):
    s = spec(v)
    lo, hi, st = [0] * s.ndim, list(s.shape), [1] * s.ndim
    lo[axis], hi[axis], st[axis] = start, limit, stride
    return pb.slice(v, start_indices=lo, limit_indices=hi, strides=st)


def _pad_along(v, axis: int, value, low: int, high: int, interior: int = 0):
    s = spec(v)
    cfg = [[0] * s.ndim for _ in range(3)]
    cfg[0][axis], cfg[1][axis], cfg[2][axis] = low, high, interior
    return pb.pad(v, pb.full(TensorSpec((), s.dtype), value), low=cfg[0], high=cfg[1], interior=cfg[2])


def _pairs(fn, pair):
    return tuple(fn(v) for v in pair)


def _tree_reduce(name: str, identity, pair, axis: int):
    """Halve the axis by combining its two halves until one element is left (size kept as 1)."""
    while spec(pair[0]).shape[axis] > 1:
        n = spec(pair[0]).shape[axis]
        half = (n + 1) // 2
        lo = _pairs(lambda v: _slice_along(v, axis, 0, half), pair)
        hi = _pairs(lambda v: _slice_along(v, axis, half, n), pair)
        if n % 2:  # pad the short half with the identity (value) and 0 (tangent)
            hi = (_pad_along(hi[0], axis, identity, 0, 1), _pad_along(hi[1], axis, 0, 0, 1))
        pair = _pair_combine(name, lo, hi)
    return pair


def _reduce_prod_jvp(primals, tangents, axes):
    (ans,) = primal("reduce_prod", primals, {"axes": axes})
    (x,), (t,) = primals, tangents
    if spec(x).size == 0:  # an empty product is the constant 1
        return [ans], [pb.zeros_like(ans)]
    pair = (x, t)
    for axis in axes:
        pair = _tree_reduce("mul", 1, pair, axis)
    # Every reduced axis now has size 1; summing over them just drops them (linearly).
    return [ans], [pb.reduce_sum(pair[1], axes=axes)]




def _interleave(a, b, axis: int):
    """a[0], b[0], a[1], b[1], ... along axis (len(a) is len(b) or len(b) + 1), as JAX's."""
    na, nb = spec(a).shape[axis], spec(b).shape[axis]
    return pb.add(_pad_along(a, axis, 0, 0, 1 if na == nb else 0, 1),
                  _pad_along(b, axis, 0, 1, 0 if na == nb else 1, 1))


def _scan(name: str, pair, axis: int):
    """JAX's lax.associative_scan (odd/even recursion) over (value, tangent) pairs."""
    n = spec(pair[0]).shape[axis]
    if n < 2:
        return pair
    odd = _scan(name, _pair_combine(name, _pairs(lambda v: _slice_along(v, axis, 0, n - 1, 2), pair),
                                    _pairs(lambda v: _slice_along(v, axis, 1, n, 2), pair)), axis)
    m = spec(odd[0]).shape[axis] - (1 if n % 2 == 0 else 0)
    first = _pairs(lambda v: _slice_along(v, axis, 0, 1), pair)
    if m == 0:  # n == 2: the even positions are just element 0
        even = first
    else:
        rest = _pair_combine(name, _pairs(lambda v: _slice_along(v, axis, 0, m), odd),
                             _pairs(lambda v: _slice_along(v, axis, 2, n, 2), pair))
        # [first, rest...]: pad both to full length and add (pad is needed anyway; no concatenate)
        even = tuple(pb.add(_pad_along(f, axis, 0, 0, m), _pad_along(r, axis, 0, 1, 0))
                     for f, r in zip(first, rest))
    return tuple(_interleave(e, o, axis) for e, o in zip(even, odd))


def _cumulative_jvp(name: str, combine: str):
    # The primal is the op itself (JAX returns the scan's values: equal up to rounding).
    def rule(primals, tangents, axis, reverse):
        (ans,) = primal(name, primals, {"axis": axis, "reverse": reverse})
        pair = (primals[0], tangents[0])
        if reverse:
            pair = _pairs(lambda v: pb.rev(v, dimensions=(axis,)), pair)
        t = _scan(combine, pair, axis)[1]
        return [ans], [pb.rev(t, dimensions=(axis,)) if reverse else t]
    return rule


# Batching (JAX's _reduce_batch_rule / _argminmax batching / cumulative batching):
# the batch dimension is never reduced or scanned, so the axes move past it and the
# result keeps it (one position lower for every reduced axis before it).

def _reduce_batch(name: str):
    def rule(args, dims, size, axes):
        (x,), (d,) = args, dims
        new_axes = shift_dims(axes, d)
        return [getattr(pb, name)(x, axes=new_axes)], [d - sum(a < d for a in new_axes)]
    return rule


def _arg_batch(name: str):
    def rule(args, dims, size, axis, index_dtype):
        (x,), (d,) = args, dims
        new_axis = batched_dim(d, axis)
        return [getattr(pb, name)(x, axis=new_axis, index_dtype=index_dtype)], [d if new_axis > d else d - 1]
    return rule


def _cum_batch(name: str):
    def rule(args, dims, size, axis, reverse):
        (x,), (d,) = args, dims
        return [getattr(pb, name)(x, axis=batched_dim(d, axis), reverse=reverse)], [d]
    return rule


# ---- the ops, each with its derivative -----------------------------------------
# reduce_sum^T broadcasts the cotangent back; cumsum^T is the scan the other way;
# the others differentiate through the helpers above.

deflinear(_defreduce("reduce_sum"), transpose=lambda cts, ops, lin, axes: [_expand(cts[0], spec(ops[0]), axes)])
JVP[_defreduce("reduce_prod")] = _reduce_prod_jvp
for _name in ("reduce_max", "reduce_min"):
    JVP[_defreduce(_name)] = _chooser_jvp(_name)
deflinear(_defcumulative("cumsum"), transpose=lambda cts, ops, lin, axis, reverse: [
    pb.cumsum(cts[0], axis=axis, reverse=1 - reverse)])
for _name, _combine_op in (("cumprod", "mul"), ("cummax", "max"), ("cummin", "min")):
    JVP[_defcumulative(_name)] = _cumulative_jvp(_name, _combine_op)
for _name, _largest, _fn in (("argmax", True, np.argmax), ("argmin", False, np.argmin)):
    defop(_name, ("x",), {"axis": I64, "index_dtype": STRING}, infer=_arg_infer(_name),
          reference=_arg_reference(_fn), lower=_arg_lower(_largest), family="reduction",
          enums={"index_dtype": INDEX_DTYPES},
          doc=f"lax.{_name}: index of the {'largest' if _largest else 'smallest'} element along `axis`; "
              "ties give the first index and NaN counts as the extreme (the first NaN wins).")
    defnondiff(_name)
    defbatch(_name, _arg_batch(_name))
