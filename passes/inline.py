"""pb-inline: inline every call into public functions, then drop private functions.

Upstream's inliner refuses pb ops (IRDL gives them no inliner interface), and
the lowering pipeline compiles one entry function best when it is flat: calls
between bufferized functions would need out-param rewriting across calls.
Calls of host callbacks (dialects/callbacks.py) stay calls, and their
declarations stay.
"""
from __future__ import annotations

from mlir import ir

from pullback.dialects.callbacks import is_callback

from .registry import register_pass
from .cloning import inline_calls
from pullback.dialects.ir import functions, is_declaration


@register_pass("pb-inline", "Inline all calls into public functions and remove private functions")
def inline_all(module_op) -> None:
    table = functions(module_op)
    for name, fn in table.items():
        if is_declaration(fn):
            continue
        if "sym_visibility" in fn.attributes and ir.StringAttr(fn.attributes["sym_visibility"]).value == "private":
            continue
        inline_calls(module_op, fn)
    for name, fn in table.items():
        if is_callback(fn):
            continue  # host callback declarations stay: the runtime defines them
        if "sym_visibility" in fn.attributes and ir.StringAttr(fn.attributes["sym_visibility"]).value == "private":
            fn.erase()
