"""Transformation requests: function declarations tagged with `pb.transform`.

    func.func private @f_jvp(tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
        attributes {pb.transform = {kind = "jvp", callee = @f}}
    ...
    %y, %ty = call @f_jvp(%x, %tx) : ...

A transformation of @f is a declared function whose body a pass provides
(pb-jvp, pb-linearize, pb-vjp, pb-transpose); callers use plain `func.call`.
Why not ops such as `pb.jvp @f`: IRDL constraint variables bind, so every
member of a variadic operand list must have the same type, and a
transformation's operands (primals, tangents, captured values) do not.
Declarations also keep the transformed signature explicit and verified by
the func dialect at every call site.

Each kind maps the callee's signature (and its parameters) to the signature
the declaration must have; operands and results are flat: primals then
tangents or cotangents. jvp, linearize and vjp take `wrt`, the input positions
that carry tangents (default: all). vmap takes `in_axes` and `out_axes` (one
entry per input and output, -1 for unbatched) and `axis_size`.
"""
from __future__ import annotations

from typing import Callable

from mlir import ir

from .registry import InferenceError
from .types import TensorSpec

ATTR = "pb.transform"
LINEAR_ATTR = "pb.linear"  # on a served split linearize request: its linear half


def wrt_positions(num_inputs: int, params: dict) -> tuple:
    """The inputs that carry a tangent (param `wrt`; default all). The others, such as
    captured values, are symbolic zeros: never materialized, so `0 * inf` never arises."""
    wrt = tuple(params.get("wrt", range(num_inputs)))
    if sorted(set(wrt)) != list(wrt) or any(not 0 <= i < num_inputs for i in wrt):
        raise InferenceError(f"wrt={list(wrt)} must be increasing input positions of a function of "
                             f"{num_inputs} inputs")
    return wrt


def _jvp(ins, outs, params):
    tangents = [ins[i] for i in wrt_positions(len(ins), params)]
    return list(ins) + tangents, list(outs) + list(outs)


def _linearize(ins, outs, params):
    """Without `split`: as jvp. With `split = 1` the request is the primal half only,
    (primals) -> (outputs): the pass serves it by a function that also returns the
    residuals, and names the linear half in the attribute `pb.linear`
    (residuals..., tangents...) -> output tangents. A frontend keeps that handle to run
    the linear part later (vjp and linearize return functions)."""
    if params.get("split", 0):
        wrt_positions(len(ins), params)
        return list(ins), list(outs)
    return _jvp(ins, outs, params)


def _vjp(ins, outs, params):
    cotangents = [ins[i] for i in wrt_positions(len(ins), params)]
    return list(ins) + list(outs), list(outs) + cotangents


def _linear_transpose(ins, outs, params):
    k = params.get("num_nonlinear", 0)
    if not 0 <= k <= len(ins):
        raise InferenceError(f"num_nonlinear={k} is out of range for a function of {len(ins)} inputs")
    return list(ins[:k]) + list(outs), list(ins[k:])


NOT_MAPPED = -1  # an in_axes/out_axes entry for an unbatched input or output (JAX's None)


def _with_batch(spec: TensorSpec, axis: int, size: int, what: str) -> TensorSpec:
    if axis == NOT_MAPPED:
        return spec
    if not 0 <= axis <= spec.ndim:
        raise InferenceError(f"vmap {what} {axis} is out of range for a value of rank {spec.ndim} "
                             f"(expected -1 for unbatched, or 0..{spec.ndim})")
    return TensorSpec(spec.shape[:axis] + (size,) + spec.shape[axis:], spec.dtype)


def _vmap(ins, outs, params):
    in_axes, out_axes = tuple(params.get("in_axes", ())), tuple(params.get("out_axes", ()))
    size = params.get("axis_size")
    if size is None or size < 0:
        raise InferenceError("vmap needs a non-negative axis_size")
    if len(in_axes) != len(ins) or len(out_axes) != len(outs):
        raise InferenceError(f"vmap of a function of {len(ins)} inputs and {len(outs)} outputs needs as many "
                             f"in_axes and out_axes, got {len(in_axes)} and {len(out_axes)}")
    return ([_with_batch(s, a, size, "in_axes entry") for s, a in zip(ins, in_axes)],
            [_with_batch(s, a, size, "out_axes entry") for s, a in zip(outs, out_axes)])


# kind -> (callee inputs, callee outputs, params) -> (declared inputs, declared outputs)
KINDS: dict[str, Callable] = {
    "jvp": _jvp,
    "linearize": _linearize,
    "vjp": _vjp,
    "linear_transpose": _linear_transpose,
    "vmap": _vmap,
}


def expected_signature(kind: str, ins: list[TensorSpec], outs: list[TensorSpec], params: dict):
    if kind not in KINDS:
        raise InferenceError(f"unknown transformation kind '{kind}' (known: {', '.join(sorted(KINDS))})")
    return KINDS[kind](ins, outs, params)


def transform_attr(kind: str, callee: str, params: dict | None = None) -> ir.Attribute:
    entries = {"kind": ir.StringAttr.get(kind), "callee": ir.FlatSymbolRefAttr.get(callee)}
    for k, v in (params or {}).items():
        entries[k] = ir.IntegerAttr.get(ir.IntegerType.get_signless(64), int(v)) if isinstance(v, int) \
            else ir.DenseI64ArrayAttr.get(list(v))
    return ir.DictAttr.get(entries)


def read_transform(fn) -> tuple[str, str, dict] | None:
    """(kind, callee, params) of a tagged declaration, or None."""
    if ATTR not in fn.attributes:
        return None
    d = ir.DictAttr(fn.attributes[ATTR])
    kind = ir.StringAttr(d["kind"]).value
    callee = ir.FlatSymbolRefAttr(d["callee"]).value
    params = {}
    for named in d:
        if named.name in ("kind", "callee"):
            continue
        a = named.attr
        params[named.name] = ir.IntegerAttr(a).value if isinstance(a, ir.IntegerAttr) else tuple(
            ir.DenseI64ArrayAttr(a))
    return kind, callee, params
