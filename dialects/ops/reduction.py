"""Reductions, arg-reductions and cumulative scans (lax.reduce_*, argmax/argmin, cum*).

Every reduction is a monoid: an identity and an associative, commutative
combiner. The table below drives the reduce_* ops (one linalg.generic with
reduction iterators, initialised with the identity) and the cum* ops (an
scf.for nest whose innermost loop runs along the scanned axis with a scalar
carry). argmax/argmin are a two-output linalg.generic (value, index) whose
combiner does not depend on iteration order.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np
from mlir import ir
from mlir.dialects import arith, linalg, scf, tensor
from mlir.dialects import complex as cplx

from ..lowering import PARALLEL, REDUCTION, affine_map, identity_map
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


for _kind_name, _m in MONOIDS.items():
    _name = f"reduce_{_kind_name}"
    defop(_name, ("x",), {"axes": I64_ARRAY}, infer=_reduce_infer(_name, _m),
          reference=_reduce_reference(_m), lower=_reduce_lower(_m), family="reduction",
          doc=f"lax.reduce_{_kind_name}: combine the elements along `axes` (unique, any order); "
              "those axes are dropped from the result.")


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


for _name, _largest, _fn in (("argmax", True, np.argmax), ("argmin", False, np.argmin)):
    defop(_name, ("x",), {"axis": I64, "index_dtype": STRING}, infer=_arg_infer(_name),
          reference=_arg_reference(_fn), lower=_arg_lower(_largest), family="reduction",
          enums={"index_dtype": INDEX_DTYPES},
          doc=f"lax.{_name}: index of the {'largest' if _largest else 'smallest'} element along `axis`; "
              "ties give the first index and NaN counts as the extreme (the first NaN wins).")


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


for _kind_name, _m in MONOIDS.items():
    _name = f"cum{_kind_name}"
    defop(_name, ("x",), {"axis": I64, "reverse": I64}, infer=_cum_infer(_name, _m),
          reference=_cum_reference(_m), lower=_cum_lower(_m), same_type=[("x", "out")],
          family="reduction",
          doc=f"lax.{_name}: inclusive scan along `axis`, from the end when `reverse` is 1.")
