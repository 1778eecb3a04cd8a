"""Function-level utilities shared by the transformation passes.

Transformation ops name functions (`{callee = @f}`); the passes generate new
functions next to them and replace each op by a `func.call`. A transformation
op is expanded only once its callee (and everything it calls) is free of
transformation ops, so nested transformations expand innermost first.
"""
from __future__ import annotations

from typing import Iterator

from mlir import ir
from mlir.dialects import func

from pullback.dialects import registry
from pullback.dialects.builder import op_attrs
from pullback.dialects.types import spec_of_type

from ..registry import PassFailure


def functions(module_op) -> dict[str, ir.Operation]:
    out = {}
    for op in module_op.regions[0].blocks[0].operations:
        op = op.operation
        if op.name == "func.func":
            out[ir.StringAttr(op.attributes["sym_name"]).value] = op
    return out


def function_type(fn) -> ir.FunctionType:
    return ir.FunctionType(ir.TypeAttr(fn.attributes["function_type"]).value)


def body_ops(fn) -> list:
    return [op.operation for op in fn.regions[0].blocks[0].operations]


def entry_block(fn) -> ir.Block:
    return fn.regions[0].blocks[0]


def is_transform(op) -> bool:
    return op.name.startswith("pb.") and op.name[3:] in registry.TRANSFORMS


def callee_of(op) -> str:
    if op.name == "func.call":
        return ir.FlatSymbolRefAttr(op.attributes["callee"]).value
    return op_attrs(op)["callee"]


def is_transform_free(module_op, name: str, table=None, _seen=None) -> bool:
    """Whether @name and all it calls contain no transformation ops."""
    table = table or functions(module_op)
    _seen = _seen if _seen is not None else set()
    if name in _seen:
        return True
    _seen.add(name)
    fn = table.get(name)
    if fn is None:
        return True
    for op in body_ops(fn):
        if is_transform(op):
            return False
        if op.name == "func.call" and not is_transform_free(module_op, callee_of(op), table, _seen):
            return False
    return True


def ready_ops(module_op, kind: str) -> Iterator:
    """pb.<kind> ops whose callee is free of transformation ops (innermost first)."""
    table = functions(module_op)
    found = []
    for fn in table.values():
        for op in body_ops(fn):
            if op.name == f"pb.{kind}" and is_transform_free(module_op, callee_of(op), table):
                found.append(op)
    return found


def fresh_name(module_op, base: str) -> str:
    taken = set(functions(module_op))
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    return name


def new_function(module_op, name: str, input_types, result_types, loc=None) -> ir.Operation:
    """An empty private func.func at the end of the module (caller adds the body)."""
    with ir.InsertionPoint(module_op.regions[0].blocks[0]), loc or ir.Location.unknown():
        fn = func.FuncOp(name, (list(input_types), list(result_types)))
        fn.attributes["sym_visibility"] = ir.StringAttr.get("private")
        fn.add_entry_block()
    return fn.operation


def set_results(fn, result_types) -> None:
    ft = function_type(fn)
    fn.attributes["function_type"] = ir.TypeAttr.get(ir.FunctionType.get(list(ft.inputs), list(result_types)))


def replace_with_call(op, callee: str, operands) -> None:
    """Replace a transformation op by a call of the generated function."""
    with ir.InsertionPoint(op), op.location:
        call = func.CallOp([r.type for r in op.results], callee, list(operands))
    for old, new in zip(op.results, call.results):
        old.replace_all_uses_with(new)
    op.erase()


def require_callee(module_op, op) -> ir.Operation:
    name = callee_of(op)
    fn = functions(module_op).get(name)
    if fn is None:
        raise PassFailure(f"'{op.name}' names @{name}, which is not a function of the module", op.location)
    return fn


def specs(values) -> list:
    return [spec_of_type(v.type) for v in values]
