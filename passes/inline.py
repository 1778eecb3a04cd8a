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

Each call becomes what the `Inliner`'s rule for its kind makes of it (cloning.py and
the kinds' rule modules), so a newly registered kind of call needs no change here.
"""
from __future__ import annotations


from pullback.dialects.callbacks import is_callback
from pullback.dialects.control import control_call
from pullback.dialects.ir import FunctionTable, body_ops, is_declaration, is_private, symbol_closure

from .cloning import Inliner, inline_calls
from .registry import register_pass


@register_pass("pb-inline", "Inline all plain calls into public functions and control flow bodies; remove "
                            "the private functions left unused")
def inline_all(module_op) -> None:
    table = FunctionTable(module_op)
    inliner = Inliner(table, keep_custom=False)
    roots = [n for n, fn in table.items() if not is_private(fn) and not is_declaration(fn)]
    done, todo = set(), list(roots)
    while todo:  # public functions, then the bodies of the control flow they call, and so on
        name = todo.pop()
        if name in done:
            continue
        done.add(name)
        inline_calls(inliner, name)
        for op in body_ops(table[name]):
            c = control_call(op, table)
            todo.extend(c.functions() if c is not None else ())
    live = {n for r in roots for n in symbol_closure(module_op, r, table)}
    for name, fn in list(table.items()):
        if is_private(fn) and name not in live and not is_callback(fn):
            table.erase(fn)  # host callback declarations stay even unused: the runtime defines them
