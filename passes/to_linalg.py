"""pb-to-linalg: lower every pb op to linalg/tensor/arith/math/complex, and control flow to scf.

Control flow calls become scf ops holding copies of their bodies first
(`control_lowering.py`); then each op is lowered by its rule in the op table (`registry.LOWER`). Specs are
recorded before any rewriting because the lowering changes value types: pb's
uint32 becomes signless i32 storage, so the signedness an op needs is read
from its recorded pb dtypes, never from the IR types it sees mid-rewrite.
"""
from __future__ import annotations

import re

from mlir import ir

from pullback.dialects import registry
from pullback.dialects.emit import op_attrs
from pullback.dialects.ir import function_type, functions, ops_named, retype_values
from pullback.dialects.lowering import Lowering
from pullback.dialects.types import MAX_ARRAY_BYTES, ContextMemo, spec_of_type

from .control_lowering import lower_control_flow
from .lowering_memo import LoweringMemo
from .registry import PassFailure, register_pass


_UNSIGNED_INT = re.compile(r"ui(\d+)")  # "tensor<5xui8>": no word boundary before ui


_STORAGE_TYPES = ContextMemo()  # type -> its signless storage type (printing a type costs ~2 us)


def _retype(t: ir.Type) -> ir.Type:
    """Unsigned storage as signless integers (ui32 -> i32); other types unchanged."""
    return _STORAGE_TYPES.get(t, lambda: _signless(t))


def _signless(t: ir.Type) -> ir.Type:
    s = str(t)
    if "ui" not in s:
        return t
    return ir.Type.parse(_UNSIGNED_INT.sub(r"i\1", s))


def _retype_unsigned(module_op) -> None:
    """Rewrite every unsigned integer in value types and function signatures to i32."""

    def visit(op):
        retype_values(op, _retype)
        return ir.WalkResult.ADVANCE

    module_op.walk(visit)


def _attributes_key(attributes) -> tuple:
    """An op's attributes, hashable (attributes are uniqued: equal ones are the same object)."""
    return tuple((named.name, named.attr) for named in (attributes[i] for i in range(len(attributes))))


@register_pass("pb-to-linalg", "Lower pb ops to linalg, tensor, arith, math and complex, control flow to scf")
def lower_to_linalg(module_op) -> None:
    lower_control_flow(module_op)
    pb_ops = ops_named(module_op, ["pb." + name for name in registry.OPS])
    plans = []
    for op in pb_ops:
        name = op.name[3:]
        if name not in registry.LOWER:
            raise PassFailure(f"'{op.name}' has no lowering; run the transformation passes first", op.location)
        out_specs = [spec_of_type(r.type) for r in op.results]
        for spec in out_specs:
            if spec.nbytes > MAX_ARRAY_BYTES:
                raise PassFailure(f"result of type {spec.mlir()} holds {spec.nbytes} bytes, more than "
                                  f"the {MAX_ARRAY_BYTES} an array may hold", op.location, error_type=ValueError)
        # (types and attributes are uniqued: hashing them hashes pointers)
        key = (name, tuple(v.type for v in op.operands), tuple(r.type for r in op.results),
               _attributes_key(op.attributes))
        plans.append((op, name, [spec_of_type(v.type) for v in op.operands], out_specs, key))
    # Every unsigned value is in a function's signature or a pb op's operands or results:
    # without one there, the walk that retypes them is skipped (~60 us per layer of a network).
    types = {t for _, _, _, _, key in plans for t in (*key[1], *key[2])}
    for fn in functions(module_op).values():
        types.update(function_type(fn).inputs, function_type(fn).results)
    if any(_retype(t) != t for t in types):
        _retype_unsigned(module_op)
    low, memo = Lowering(), LoweringMemo()
    for op, name, in_specs, out_specs, key in plans:
        operands = list(op.operands)
        with ir.InsertionPoint(op), op.location:
            new_values = memo.lower(key, op, operands, lambda: registry.LOWER[name](
                low, operands, in_specs, out_specs, op_attrs(op)))
        for old, new in zip(op.results, new_values):
            old.replace_all_uses_with(new)
        op.erase()
