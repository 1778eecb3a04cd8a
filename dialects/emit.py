"""Emit pb ops into IR, with result types from the op table's inference.

The tracer and every transformation rule build IR through `emit`, so the
types in pb IR are always the ones the op table infers.
"""
from __future__ import annotations

from typing import Sequence

from mlir import ir

from . import registry
from .attributes import from_attr, to_attr
from .types import TensorSpec, spec_of_type, type_of_spec


def emit(name: str, operands: Sequence[ir.Value], attrs: dict | None = None,
         loc: ir.Location | None = None) -> list[ir.Value]:
    """Create `pb.<name>` at the current insertion point and return its results."""
    attrs = attrs or {}
    op_def = registry.op_def(name)
    specs = [spec_of_type(v.type) for v in operands]
    results = registry.infer(name, specs, attrs)
    return create(op_def, operands, attrs, results, loc)


def create(op_def: registry.OpDef, operands, attrs: dict, results: Sequence[TensorSpec],
           loc: ir.Location | None = None) -> list[ir.Value]:
    """Create an op whose result specs are already known."""
    ir_attrs = {k: to_attr(kind, attrs[k]) for k, kind in op_def.attrs.items()}
    op = ir.Operation.create(op_def.full_name, results=[type_of_spec(r) for r in results],
                             operands=list(operands), attributes=ir_attrs, loc=loc)
    return list(op.results)


def op_attrs(op: ir.Operation) -> dict:
    """Python values of a pb op's attributes."""
    op_def = registry.op_def(op.name[3:])
    attributes = op.attributes
    out = {}
    for k, kind in op_def.attrs.items():
        if k in attributes:
            out[k] = from_attr(kind, attributes[k])
    return out
