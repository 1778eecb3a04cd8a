"""Verification of pb ops beyond what IRDL checks: shapes, dtypes, attributes.

IRDL checks operand counts and the base kind of every operand and attribute.
This pass re-runs each op's shape and dtype inference and compares it with
the types written in the IR.
"""
from __future__ import annotations

from mlir import ir

from . import registry
from .callbacks import verify_callbacks
from .control import verify_control
from .emit import op_attrs
from .custom import verify_custom
from .declarations import signature_specs, tagged_declarations
from .transforms import expected_signature, read_transform
from .types import spec_of_type


def verify_op(op) -> str | None:
    """Error message for one pb op, or None when it is well formed."""
    name = op.name[3:]
    if name not in registry.OPS:
        return f"unknown op '{op.name}'"
    try:
        operands = [spec_of_type(v.type) for v in op.operands]
        results = [spec_of_type(r.type) for r in op.results]
        expected = registry.infer(name, operands, op_attrs(op))
    except (TypeError, ValueError) as e:
        return str(e)
    if list(expected) != results:
        want = ", ".join(s.mlir() for s in expected)
        got = ", ".join(s.mlir() for s in results)
        return f"inferred result type {want} does not match {got}"
    return None


def verify_module(module_op) -> list[tuple[ir.Location, str]]:
    """All pb verification errors in a module, as (location, message)."""
    errors = verify_transforms(module_op) + verify_custom(module_op)
    errors += verify_callbacks(module_op)  # host callback declarations (dialects/callbacks.py)
    errors += verify_control(module_op)  # control flow declarations (dialects/control.py)

    def visit(op):
        op = op.operation
        if op.name.startswith("pb."):
            msg = verify_op(op)
            if msg:
                errors.append((op.location, f"'{op.name}' op {msg}"))
        return ir.WalkResult.ADVANCE

    module_op.walk(visit)
    return errors


def verify_transforms(module_op) -> list[tuple[ir.Location, str]]:
    """Each `pb.transform` declaration: a known kind, an existing callee, the right signature."""
    errors = []
    for name, fn, (kind, callee, params), funcs in tagged_declarations(
            module_op, "pb.transform", read_transform, "transformation requests", errors):
        if callee not in funcs:
            errors.append((fn.location, f"@{name} is the {kind} of @{callee}, which is not a function of "
                                        "the module"))
            continue
        try:
            ins, outs = signature_specs(funcs[callee])
            want_in, want_out = expected_signature(kind, ins, outs, params)
            got_in, got_out = signature_specs(fn)
        except (TypeError, ValueError) as e:
            errors.append((fn.location, str(e)))
            continue
        if (list(want_in), list(want_out)) != (got_in, got_out):
            fmt = lambda specs: "(" + ", ".join(s.mlir() for s in specs) + ")"  # noqa: E731
            errors.append((fn.location, f"@{name} must have type {fmt(want_in)} -> {fmt(want_out)} to be the "
                                        f"{kind} of @{callee}, got {fmt(got_in)} -> {fmt(got_out)}"))
    return errors
