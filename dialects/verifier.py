"""Verification of pb ops beyond what IRDL checks: shapes, dtypes, attributes.

IRDL checks operand counts and the base kind of every operand and attribute.
This pass re-runs each op's shape and dtype inference and compares it with
the types written in the IR.
"""
from __future__ import annotations

from mlir import ir

from . import registry
from .builder import function_signatures, op_attrs
from .types import spec_of_type


def verify_op(op, signature_of=None) -> str | None:
    """Error message for one pb op, or None when it is well formed."""
    name = op.name[3:]
    if name not in registry.OPS and name not in registry.TRANSFORMS:
        return f"unknown op '{op.name}'"
    try:
        operands = [spec_of_type(v.type) for v in op.operands]
        results = [spec_of_type(r.type) for r in op.results]
        expected = registry.infer(name, operands, op_attrs(op), signature_of)
    except (TypeError, ValueError) as e:
        return str(e)
    if list(expected) != results:
        want = ", ".join(s.mlir() for s in expected)
        got = ", ".join(s.mlir() for s in results)
        return f"inferred result type {want} does not match {got}"
    return None


def verify_module(module_op) -> list[tuple[ir.Location, str]]:
    """All pb verification errors in a module, as (location, message)."""
    errors = []
    signature_of = function_signatures(module_op)

    def visit(op):
        op = op.operation
        if op.name.startswith("pb."):
            msg = verify_op(op, signature_of)
            if msg:
                errors.append((op.location, f"'{op.name}' op {msg}"))
        return ir.WalkResult.ADVANCE

    module_op.walk(visit)
    return errors
