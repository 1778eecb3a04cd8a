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
tangents or cotangents.
"""
from __future__ import annotations

from typing import Callable

from mlir import ir

from .registry import InferenceError
from .types import TensorSpec

ATTR = "pb.transform"


def _jvp(ins, outs, params):
    return list(ins) + list(ins), list(outs) + list(outs)


def _vjp(ins, outs, params):
    return list(ins) + list(outs), list(outs) + list(ins)


def _linear_transpose(ins, outs, params):
    k = params.get("num_nonlinear", 0)
    if not 0 <= k <= len(ins):
        raise InferenceError(f"num_nonlinear={k} is out of range for a function of {len(ins)} inputs")
    return list(ins[:k]) + list(outs), list(ins[k:])


# kind -> (callee inputs, callee outputs, params) -> (declared inputs, declared outputs)
KINDS: dict[str, Callable] = {
    "jvp": _jvp,
    "linearize": _jvp,
    "vjp": _vjp,
    "linear_transpose": _linear_transpose,
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
