"""Emit pb ops into IR, with result types from the op table's inference.

The tracer and every transformation rule build IR through `emit`, so the
types in pb IR are always the ones the op table infers.
"""
from __future__ import annotations

from typing import Sequence

from mlir import ir

from . import registry
from .attributes import from_attr, to_attr
from .types import ContextMemo, TensorSpec, spec_of_type, type_of_spec

# (name, operand types, attributes) -> (op def, result types, builtin attributes): the tracer
# and the transformation passes emit the same few signatures over and over (each layer of a
# network), and inferring shapes and converting attributes again costs ~10 us an op.
_SIGNATURES = ContextMemo()
_PLAIN = (int, float, str, bool, type(None))


def _plain(value) -> bool:
    """Whether an attribute value may key the memo: numbers, strings and tuples of them (not
    constants' arrays, which the memo would keep alive)."""
    return isinstance(value, _PLAIN) or (isinstance(value, tuple) and all(isinstance(v, _PLAIN) for v in value))


def emit(name: str, operands: Sequence[ir.Value], attrs: dict | None = None,
         loc: ir.Location | None = None) -> list[ir.Value]:
    """Create `pb.<name>` at the current insertion point and return its results."""
    attrs = attrs or {}
    types = tuple(v.type for v in operands)

    def build():
        op_def = registry.op_def(name)
        results = registry.infer(name, [spec_of_type(t) for t in types], attrs)
        return op_def.full_name, [type_of_spec(r) for r in results], _ir_attributes(op_def, attrs)

    if all(_plain(v) for v in attrs.values()):
        full_name, result_types, ir_attrs = _SIGNATURES.get((name, types, tuple(attrs.items())), build)
    else:
        full_name, result_types, ir_attrs = build()
    op = ir.Operation.create(full_name, results=result_types, operands=list(operands), attributes=ir_attrs, loc=loc)
    return list(op.results)


def create(op_def: registry.OpDef, operands, attrs: dict, results: Sequence[TensorSpec],
           loc: ir.Location | None = None) -> list[ir.Value]:
    """Create an op whose result specs are already known."""
    ir_attrs = _ir_attributes(op_def, attrs)
    op = ir.Operation.create(op_def.full_name, results=[type_of_spec(r) for r in results],
                             operands=list(operands), attributes=ir_attrs, loc=loc)
    return list(op.results)


def _ir_attributes(op_def: registry.OpDef, attrs: dict) -> dict:
    """The builtin attributes of an op's Python attribute values."""
    return {k: to_attr(kind, attrs[k]) for k, kind in op_def.attrs.items()}


def op_attrs(op: ir.Operation) -> dict:
    """Python values of a pb op's attributes."""
    op_def = registry.op_def(op.name[3:])
    attributes = op.attributes
    out = {}
    for k, kind in op_def.attrs.items():
        if k in attributes:
            out[k] = from_attr(kind, attributes[k])
    return out
