"""Serving transformation requests: which are ready, and defining them.

A transformation request is a declaration tagged `pb.transform` (see
`pullback.dialects.transforms`); a pass defines its body, usually as calls of functions
it generates next to it. A request is served only once its callee and everything that
calls into is defined, so nested transformations expand innermost first.
"""
from __future__ import annotations

from collections import defaultdict

from mlir import ir
from mlir.dialects import func

from pullback.dialects.ir import FunctionTable, as_func, body_ops, callee_of, is_declaration, referenced_symbols
from pullback.dialects.transforms import ATTR, read_transform

from .function_transform import call_kind
from .registry import PassFailure


def _needs(table: FunctionTable, name: str) -> list[str] | None:
    """The functions @name needs defined to be defined itself; None if it has no definition.

    A tagged declaration whose calls the passes handle (a custom derivative call, a host
    callback: see `function_transform.CALL_KINDS`) is defined once the functions its tag
    names are; a callback names none, the runtime defines it."""
    fn = table.get(name)
    if fn is None:
        return None
    if is_declaration(fn):
        return sorted(referenced_symbols(fn)) if call_kind(fn) is not None else None
    return [callee_of(op) for op in body_ops(fn) if op.name == "func.call"]


def undefined_functions(table: FunctionTable, roots) -> set[str]:
    """The functions, among `roots` and what they need, that are not fully defined: those
    without a definition and those that need one of them (one walk over their closure)."""
    needs: dict[str, list] = {}
    undefined = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in needs:
            continue
        n = _needs(table, name)
        needs[name] = n or []
        if n is None:
            undefined.add(name)
        todo.extend(needs[name])
    needed_by = defaultdict(list)
    for name, ns in needs.items():
        for n in ns:
            needed_by[n].append(name)
    todo = list(undefined)
    while todo:
        for user in needed_by[todo.pop()]:
            if user not in undefined:
                undefined.add(user)
                todo.append(user)
    return undefined


def ready_requests(table: FunctionTable, kind: str) -> list:
    """(declaration, callee, params) for requests of `kind` whose callee is fully defined,
    so nested transformations expand innermost first."""
    requests = []
    for name, fn in table.items():
        t = read_transform(fn)
        if t is None or t[0] != kind:
            continue
        if t[1] not in table:
            raise PassFailure(f"@{name} is the {kind} of @{t[1]}, which is not a function of the module",
                              fn.location)
        requests.append((fn, t[1], t[2]))
    undefined = undefined_functions(table, [callee for _, callee, _ in requests]) if requests else set()
    return [r for r in requests if r[1] not in undefined]


def pending_requests(table: FunctionTable) -> list:
    return [fn for fn in table.values() if read_transform(fn) is not None]


def define(decl) -> ir.Block:
    """Turn a request declaration into a definition; returns its (empty) entry block."""
    del decl.attributes[ATTR]
    with decl.location:
        return as_func(decl).add_entry_block()


def define_by_calls(decl, build) -> None:
    """Give `decl` a body: build(args) emits calls and returns the values to return."""
    block = define(decl)
    with ir.InsertionPoint(block), decl.location:
        func.ReturnOp(build(list(block.arguments)))


def serve_requests(table: FunctionTable, kind: str, body) -> bool:
    """Define every ready request of `kind`, until none is left ready; whether any was.

    `body(decl, callee, params, args)` emits the definition's calls at the insertion point
    and returns the values the request returns."""
    changed = False
    while True:
        requests = ready_requests(table, kind)
        if not requests:
            return changed
        for decl, callee, params in requests:
            define_by_calls(decl, lambda args: body(decl, callee, params, args))
            changed = True


__all__ = ["define", "define_by_calls", "pending_requests", "ready_requests", "serve_requests",
           "undefined_functions"]
