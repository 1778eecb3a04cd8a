"""Partial evaluation: a call-free copy of a function, split by what depends on some inputs.

pb-linearize splits a JVP function into what depends on the tangent inputs (the linear
part) and what does not (the primal part); pb-transpose splits a linear function into
its linear ops and the ones computing constants (residuals) from non-linear inputs.
Both start from a flat copy made by the `Inliner` with those inputs as seeds, so each
call is handled by the inliner's rule for its kind, knowing which of its operands depend
on the seeds: a plain call is inlined; a custom derivative call applied to them becomes
its primal's body (`custom_derivative_rules`), as JAX's partial evaluation stages out
the primal of a custom_jvp_call with unknown inputs; a host callback stays a call.
"""
from __future__ import annotations

from typing import NamedTuple

from mlir import ir
from mlir.dialects import func

from pullback.dialects.ir import FunctionTable, entry_block, signature

from ..cloning import Inliner


class Split(NamedTuple):
    """A flat function's ops in order, split by dependence on its inputs from `first`."""
    fn: ir.Operation       # the flat copy (temporary: erase it when done)
    args: list             # its arguments
    known: list            # ops that depend on none of the seeds
    unknown: list          # ops that depend on one (transitively)
    dependent: set         # the values computed from a seed, seeds included
    ret: ir.Operation      # its func.return


def flatten(table: FunctionTable, name: str, first: int, base: str) -> Split:
    """A call-free copy of @name, named after `base`, whose inputs from position `first` on
    are the seeds, split into the ops that depend on them and the ones that do not."""
    fn = table[name]
    ins, outs = signature(fn)
    flat = table.new_function(base, ins, outs, fn.location)
    block = entry_block(flat)
    args = list(block.arguments)
    with ir.InsertionPoint(block), fn.location:
        func.ReturnOp(Inliner(table, seeds=args[first:]).inline(name, args))
    ops = [op.operation for op in block.operations]
    dependent = set(args[first:])
    known, unknown = [], []
    for op in ops[:-1]:
        if any(v in dependent for v in op.operands):
            unknown.append(op)
            dependent.update(op.results)
        else:
            known.append(op)
    return Split(flat, args, known, unknown, dependent, ops[-1])


__all__ = ["Split", "flatten"]
