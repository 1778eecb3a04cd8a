"""Concrete values of tracers outside jit: run the function traced so far.

This is what lets Python control flow on values work under grad/vjp without
jit, as in JAX: `if x < 3:` compiles the function traced up to `x < 3`,
returning that value, and runs it on the trace's concrete inputs. The prefix is
copied (with what it calls) into a program of its own, so the enclosing traces,
still open, are never part of it.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from mlir import ir
from mlir.dialects import func

from pullback.dialects.callbacks import callback_callee
from pullback.dialects.ir import copy_function, functions, lookup, set_private, set_signature, signature

from .program import Program, run
from .values import Array


def evaluate_prefix(trace, value: ir.Value, arguments: Sequence[Array]) -> np.ndarray:
    """The value of `value` in the unfinished function `trace` builds, on `arguments`."""
    program, fn = trace.program, trace.func_op
    prefix = Program()
    with program.context, ir.Location.unknown():
        with trace.ip:
            ret = func.ReturnOp([value])
        old = signature(fn)  # an open function's signature is only set when it is finished
        set_signature(fn, [a.type for a in trace.block.arguments], [value.type])
        try:
            copy_function(program.module, trace.name, prefix.module)
        finally:
            ret.operation.erase()
            set_signature(fn, *old)
        set_private(lookup(prefix.module, trace.name), False)
        strip_effects(prefix.module)  # prints run once, in the full program (frontend/callbacks.py)
    (out,) = run(prefix, trace.name, arguments)
    return np.asarray(out)


def needed_arguments(block: ir.Block, value: ir.Value) -> set:
    """Positions of the block arguments `value` depends on (through the ops of `block`)."""
    needed, seen, todo = set(), set(), [value]
    while todo:
        v = todo.pop()
        if v in seen:
            continue
        seen.add(v)
        owner = v.owner
        if isinstance(owner, ir.Block):  # a block argument
            needed.add(ir.BlockArgument(v).arg_number)
            continue
        todo.extend((owner.operation if hasattr(owner, "operation") else owner).operands)
    return needed


def strip_effects(module: ir.Module) -> None:
    """Erase calls of result-less callbacks (prints): for evaluating a prefix of a program,
    whose callbacks will run in the full program."""
    table = functions(module)
    dead = []

    def visit(op):
        op = op.operation
        if op.name == "func.call" and len(op.results) == 0 and callback_callee(op, table) is not None:
            dead.append(op)
        return ir.WalkResult.ADVANCE

    module.operation.walk(visit)
    for op in dead:
        op.erase()


__all__ = ["evaluate_prefix", "needed_arguments", "strip_effects"]
