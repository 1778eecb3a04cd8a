"""Concrete values of tracers outside jit: compile the trace so far and run it.

This is what lets Python control flow on values work under grad/vjp without
jit, as in JAX: `if x < 3:` compiles the function traced up to `x < 3`,
returning that value, and runs it on the trace's concrete inputs.
"""
from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import func

from pullback.runtime import compile_module


def evaluate_prefix(trace, tracer) -> np.ndarray:
    program = trace.program
    with program.context, trace.ip, ir.Location.unknown():
        ret = func.ReturnOp([tracer.value])
    old_type = trace.func_op.attributes["function_type"]
    trace._set_type([tracer.value.type])
    try:
        # Every function but the enclosing traces, which are still open (no terminator).
        unfinished = {t.name for t in program_traces(program) if not t.finished}
        parts = []
        for op in program.module.body.operations:
            sym = ir.StringAttr(op.attributes["sym_name"]).value
            if sym == trace.name or sym not in unfinished:
                parts.append(str(op))
        text = "module {\n" + "\n".join(parts) + "\n}"
    finally:
        ret.operation.erase()
        trace.func_op.attributes["function_type"] = old_type
    with program.context:
        module = ir.Module.parse(text)
        if "pb.host_callback" in text:  # prints run once, in the full program (frontend/callbacks.py)
            from .callbacks import strip_effects
            strip_effects(module)
    exe = compile_module(module, trace.name)
    (out,) = exe(*_argument_values(trace, tracer))
    return out


def _argument_values(trace, tracer) -> list:
    """The trace's argument values the tracer depends on; zeros for the others, which may have
    no concrete value (the tangent inputs of a custom JVP rule, say) and do not matter."""
    from pullback.dialects.types import numpy_dtype, spec_of_type
    from .core import Array, Tracer
    from .errors import ConcretizationTypeError
    needed = _needed_arguments(trace.block, tracer.value)
    out = []
    for i, (arg, src) in enumerate(zip(trace.block.arguments, trace.sources)):
        if i not in needed:
            s = spec_of_type(arg.type)
            out.append(np.zeros(s.shape, numpy_dtype(s.dtype)))
        elif isinstance(src, Array):
            out.append(np.asarray(src))
        elif isinstance(src, Tracer):
            out.append(np.asarray(src.trace.concrete_value(src, "evaluating a captured value")))
        else:
            raise ConcretizationTypeError(tracer, "an argument it depends on has no concrete value")
    return out


def _needed_arguments(block, value) -> set:
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


def program_traces(program):
    return getattr(program, "traces", ())
