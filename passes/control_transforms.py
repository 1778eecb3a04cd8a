"""Control flow under the transformation passes: not supported yet, reported clearly.

JVP, linearize, transpose and batching rules for `pb.control` calls (dialects/control.py)
come with the unified transformation driver. Until then a request whose callee reaches a
control flow call is never ready (`is_defined` knows no body for the declaration), and
pb-expand-transforms calls `reject_control_flow` before its generic "could not be served"
diagnostic, so the user gets a NotImplementedError naming the loop's line instead.
"""
from __future__ import annotations

from pullback.dialects.control import control_calls
from pullback.dialects.ir import functions, symbol_closure
from pullback.dialects.transforms import read_transform

from .registry import PassFailure

PASS_OF_KIND = {"jvp": "pb-jvp", "linearize": "pb-linearize", "vjp": "pb-vjp", "linear_transpose": "pb-transpose",
                "vmap": "pb-vmap"}
API_OF_KIND = {"while": "while_loop", "cond": "cond/switch", "scan": "scan"}


def first_control_call(module_op, name: str, table: dict):
    """(call, tag) of the first control flow call @name reaches, or None."""
    for n in symbol_closure(module_op, name, table):
        found = control_calls(table[n], table, first_only=True)
        if found:
            return found[0]
    return None


def reject_control_flow(module_op, request) -> None:
    """Raise a NotImplementedError-kind PassFailure at the control flow call the unserved
    `request` reaches, if it reaches one."""
    t = read_transform(request)
    if t is None:
        return
    kind, callee, _ = t
    table = functions(module_op)
    hit = first_control_call(module_op, callee, table) if callee in table else None
    if hit is None:
        return
    op, c = hit
    raise PassFailure(f"{PASS_OF_KIND.get(kind, 'pb-' + kind)}: control flow ({API_OF_KIND[c.kind]}) is not "
                      f"supported yet under {kind} (@{callee} reaches it)", op.location,
                      error_type=NotImplementedError)


__all__ = ["first_control_call", "reject_control_flow"]
