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
    exe = compile_module(module, trace.name)
    args = trace.argument_values()
    (out,) = exe(*[np.asarray(a) for a in args])
    return out


def program_traces(program):
    return getattr(program, "traces", ())
