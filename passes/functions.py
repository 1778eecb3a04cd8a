"""Function-level utilities shared by the transformation passes.

A transformation request is a declaration tagged `pb.transform` (see
`pullback.dialects.transforms`); a pass defines its body, usually as calls of
functions it generates next to it. A request is served only once its callee
and everything that calls into is defined, so nested transformations expand
innermost first.
"""
from __future__ import annotations

from typing import Iterator

from mlir import ir
from mlir.dialects import func

from pullback.dialects.callbacks import ATTR as ATTR_CALLBACK
from pullback.dialects.custom import custom_of
from pullback.dialects.transforms import ATTR, read_transform
from pullback.dialects.types import spec_of_type

from pullback.dialects.declarations import function_table

from .registry import PassFailure


def functions(module_op) -> dict[str, ir.Operation]:
    return function_table(module_op)


def function_type(fn) -> ir.FunctionType:
    return ir.FunctionType(ir.TypeAttr(fn.attributes["function_type"]).value)


def body_ops(fn) -> list:
    return [op.operation for op in fn.regions[0].blocks[0].operations]


def entry_block(fn) -> ir.Block:
    return fn.regions[0].blocks[0]


def callee_of(op) -> str:
    return ir.FlatSymbolRefAttr(op.attributes["callee"]).value


def is_declaration(fn) -> bool:
    return len(fn.regions[0].blocks) == 0


def is_defined(module_op, name: str, table=None, _seen=None) -> bool:
    """Whether @name has a body and everything it calls (transitively) has one too. A custom
    derivative declaration (`pb.custom`) counts as defined when its callee and rules are."""
    table = table or functions(module_op)
    _seen = _seen if _seen is not None else set()
    if name in _seen:
        return True
    _seen.add(name)
    fn = table.get(name)
    if fn is not None and ATTR_CALLBACK in fn.attributes:
        return True  # a host callback: a declaration that the runtime defines
    if fn is None:
        return False
    if is_declaration(fn):
        # a custom derivative call is defined once its primal and its rules are
        c = custom_of(table, name)
        return c is not None and all(is_defined(module_op, f, table, _seen) for f in c.functions())
    return all(is_defined(module_op, callee_of(op), table, _seen)
               for op in body_ops(fn) if op.name == "func.call")


def ready_requests(module_op, kind: str) -> list:
    """(declaration, callee, params) for requests of `kind` whose callee is fully defined,
    so nested transformations expand innermost first."""
    table = functions(module_op)
    found = []
    for fn in table.values():
        t = read_transform(fn)
        if t is None or t[0] != kind:
            continue
        if t[1] not in table:
            raise PassFailure(f"@{ir.StringAttr(fn.attributes['sym_name']).value} is the {kind} of "
                              f"@{t[1]}, which is not a function of the module", fn.location)
        if is_defined(module_op, t[1], table):
            found.append((fn, t[1], t[2]))
    return found


def pending_requests(module_op) -> list:
    return [fn for fn in functions(module_op).values() if read_transform(fn) is not None]


def define(decl) -> ir.Block:
    """Turn a request declaration into a definition; returns its (empty) entry block."""
    del decl.attributes[ATTR]
    ft = function_type(decl)
    with decl.location:
        block = decl.regions[0].blocks.append(*ft.inputs)
    return block


def define_by_calls(decl, build) -> None:
    """Give `decl` a body: build(args) emits calls and returns the values to return."""
    block = define(decl)
    with ir.InsertionPoint(block), decl.location:
        func.ReturnOp(build(list(block.arguments)))


def serve_requests(module_op, kind: str, body) -> bool:
    """Define every ready request of `kind`, until none is left ready; whether any was.

    `body(decl, callee, params, args)` emits the definition's calls at the insertion point
    and returns the values the request returns."""
    changed = False
    while True:
        requests = ready_requests(module_op, kind)
        if not requests:
            return changed
        for decl, callee, params in requests:
            define_by_calls(decl, lambda args: body(decl, callee, params, args))
            changed = True


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


def specs(values) -> list:
    return [spec_of_type(v.type) for v in values]
