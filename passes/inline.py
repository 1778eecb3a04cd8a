"""pb-inline: inline every plain call, keep what only calls can express, drop the rest.

Upstream's inliner refuses pb ops (IRDL gives them no inliner interface), and
the lowering pipeline compiles one entry function best when it is flat: calls
between bufferized functions would need out-param rewriting across calls.

Public functions, and the bodies of control flow calls (dialects/control.py)
reachable from them, get every plain call inlined, transitively. Calls of
host callbacks (dialects/callbacks.py) and of control flow declarations stay
calls; their declarations stay, and so do the body functions control flow
declarations name (pb-to-linalg copies them into loops and branches). Every
other private function goes.
"""
from __future__ import annotations

from mlir import ir

from pullback.dialects.callbacks import is_callback
from pullback.dialects.control import ATTR as CONTROL_ATTR, control_call
from pullback.dialects.ir import (body_ops, callee_of, entry_block, functions, is_declaration, is_private,
                                  symbol_closure)

from .cloning import clone_into
from .registry import PassFailure, register_pass


def _stays_a_call(fn) -> bool:
    """Whether calls of `fn` are kept: host callbacks and control flow (declarations that
    later passes lower, never bodies to inline)."""
    return fn is not None and (is_callback(fn) or CONTROL_ATTR in fn.attributes)


def _inline_body(table: dict, name: str, args, stack: tuple) -> list:
    """Copy @name's body at the current insertion point on `args`, inlining its plain calls;
    the values it returns."""
    if name in stack:
        raise PassFailure(f"cannot inline the recursive function @{name} "
                          f"(call chain: {' -> '.join('@' + n for n in stack + (name,))})", ir.Location.current)
    fn = table.get(name)
    if fn is None or is_declaration(fn):
        hint = " (a custom derivative call: run pb-lower-custom-derivatives first)" if (
            fn is not None and "pb.custom" in fn.attributes) else ""
        raise PassFailure(f"cannot inline a call of @{name}: it has no body{hint}", ir.Location.current)
    mapping = dict(zip(entry_block(fn).arguments, args))
    for op in body_ops(fn):
        if op.name == "func.return":
            return [mapping.get(v, v) for v in op.operands]
        if op.name == "func.call" and not _stays_a_call(table.get(callee_of(op))):
            with op.location:
                outs = _inline_body(table, callee_of(op), [mapping.get(v, v) for v in op.operands], stack + (name,))
            mapping.update(zip(op.results, outs))
        else:
            clone_into(op, mapping)
    return []


def _inline_calls(table: dict, name: str) -> None:
    """Replace each plain call in @name by the callee's body (transitively)."""
    for op in body_ops(table[name]):
        if op.name != "func.call" or _stays_a_call(table.get(callee_of(op))):
            continue
        with ir.InsertionPoint(op), op.location:
            outs = _inline_body(table, callee_of(op), list(op.operands), (name,))
        for old, new in zip(op.results, outs):
            old.replace_all_uses_with(new)
        op.erase()


@register_pass("pb-inline", "Inline all plain calls into public functions and control flow bodies; remove "
                            "the private functions left unused")
def inline_all(module_op) -> None:
    table = functions(module_op)
    roots = [n for n, fn in table.items() if not is_private(fn) and not is_declaration(fn)]
    done, todo = set(), list(roots)
    while todo:  # public functions, then the bodies of the control flow they call, and so on
        name = todo.pop()
        if name in done:
            continue
        done.add(name)
        _inline_calls(table, name)
        for op in body_ops(table[name]):
            c = control_call(op, table)
            todo.extend(c.functions() if c is not None else ())
    live = {n for r in roots for n in symbol_closure(module_op, r, table)}
    for name, fn in table.items():
        if is_private(fn) and name not in live and not is_callback(fn):
            fn.erase()  # host callback declarations stay even unused: the runtime defines them
