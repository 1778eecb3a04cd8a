"""Copying ops between functions, and inlining calls.

IRDL ops have no inliner interface, so upstream's inliner refuses pb ops;
transformations that need a flat function (partial evaluation, transposition)
inline calls themselves.
"""
from __future__ import annotations

from mlir import ir

from pullback.dialects.callbacks import is_callback
from pullback.dialects.custom import ATTR as CUSTOM_ATTR

from .registry import PassFailure
from .functions import body_ops, callee_of, entry_block, functions, is_declaration


def is_custom(fn) -> bool:
    """Whether `fn` is a custom derivative declaration (`pb.custom`)."""
    return fn is not None and CUSTOM_ATTR in fn.attributes


def clone_into(op, mapping: dict) -> ir.Operation:
    """Clone `op` at the current insertion point with operands remapped; maps its results."""
    new = op.clone()
    for i, v in enumerate(op.operands):
        if v in mapping:
            new.operands[i] = mapping[v]
    for old, r in zip(op.results, new.results):
        mapping[old] = r
    return new


def inline_body(module_op, fn_name: str, args, _stack: tuple = (), keep_custom: bool = False):
    """Clone @fn_name's body at the current insertion point on `args`, inlining nested
    calls; returns the values it returns. With `keep_custom`, calls of custom derivative
    declarations (`pb.custom`) are copied as calls, so later differentiation still sees them."""
    if fn_name in _stack:
        raise PassFailure(f"cannot inline the recursive function @{fn_name} "
                          f"(call chain: {' -> '.join('@' + n for n in _stack + (fn_name,))})",
                          ir.Location.current)
    fn = functions(module_op).get(fn_name)
    if fn is None or is_declaration(fn):
        hint = " (a custom derivative call: run pb-lower-custom-derivatives first)" if (
            fn is not None and CUSTOM_ATTR in fn.attributes) else ""
        raise PassFailure(f"cannot inline a call of @{fn_name}: it has no body{hint}", ir.Location.current)
    mapping = dict(zip(entry_block(fn).arguments, args))
    results = None
    table = functions(module_op)
    for op in body_ops(fn):
        if op.name == "func.return":
            results = [mapping.get(v, v) for v in op.operands]
        elif op.name == "func.call" and not is_callback(table.get(callee_of(op))) and not (  # callbacks are copied
                keep_custom and is_custom(table.get(callee_of(op)))):  # and so are custom calls if asked
            with op.location:
                outs = inline_body(module_op, callee_of(op), [mapping.get(v, v) for v in op.operands],
                                   _stack + (fn_name,), keep_custom)
            for old, new in zip(op.results, outs):
                mapping[old] = new
        else:
            clone_into(op, mapping)
    return results


def inline_calls(module_op, fn) -> None:
    """Replace every func.call in `fn` by the callee's body (recursively)."""
    table = functions(module_op)
    for op in body_ops(fn):
        if op.name != "func.call" or is_callback(table.get(callee_of(op))):  # host callbacks stay calls
            continue
        with ir.InsertionPoint(op), op.location:
            outs = inline_body(module_op, callee_of(op), list(op.operands))
        for old, new in zip(op.results, outs):
            old.replace_all_uses_with(new)
        op.erase()
