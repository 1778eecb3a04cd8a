"""pb-lower-custom-derivatives: custom derivative calls left after the transformations
become calls of their primal.

A custom call (`pullback.dialects.custom`) means "call the primal, but differentiate it
with these rules"; the transformation passes apply the rules
(`custom_derivative_rules`). Once they are done, what is left is evaluated: dead
private functions are removed first (the JVP function pb-linearize partitions stays
behind), every custom_jvp/custom_vjp call left becomes a call of its primal and the
declarations go (a linear_call, a custom_lin with a callee, becomes a call of it); a live
custom_lin without one means pure forward mode of a custom_vjp function:
a TypeError-kind diagnostic at the call (the user's line).
"""
from __future__ import annotations

from mlir import ir

from pullback.dialects.custom import FORWARD_MODE_OF_CUSTOM_VJP, read_custom
from pullback.dialects.ir import FunctionTable, body_ops, callee_of, is_declaration, is_private, symbol_closure

from .registry import PassFailure, register_pass


@register_pass("pb-lower-custom-derivatives",
               "Turn custom derivative calls left after the transformations into calls of their primal")
def lower_custom_derivatives(module_op) -> None:
    table = FunctionTable(module_op)
    customs = {}
    for name, fn in table.items():
        try:
            c = read_custom(fn)
        except ValueError as e:
            raise PassFailure(f"malformed pb.custom attribute on @{name}: {e}", fn.location) from None
        if c is not None:
            customs[name] = c
    if not customs:
        return
    # Dead private functions go first: the transformations leave some behind (the JVP function
    # pb-linearize partitions), and a custom_lin in one of them is never evaluated.
    live = set(symbol_closure(module_op, [n for n, fn in table.items() if not is_private(fn)] or list(table),
                              table))
    for name in [n for n in table if n not in live and is_private(table[n])]:
        table.erase(table[name])
        customs.pop(name, None)

    def primal_of(name: str) -> str:
        seen = set()
        while name in customs and name not in seen:
            seen.add(name)
            name = customs[name].callee
        return name

    for fn in table.values():
        if is_declaration(fn):
            continue
        for op in body_ops(fn):
            if op.name != "func.call" or callee_of(op) not in customs:
                continue
            c = customs[callee_of(op)]
            if c.kind == "custom_lin" and c.callee is None:
                raise PassFailure(FORWARD_MODE_OF_CUSTOM_VJP, op.location, error_type=TypeError)
            op.attributes["callee"] = ir.FlatSymbolRefAttr.get(primal_of(callee_of(op)))
    for name in customs:
        table.erase(table[name])


__all__ = ["lower_custom_derivatives"]
