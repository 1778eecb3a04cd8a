"""Host callbacks from any trace: call a Python function on the values of a computation.

    from pullback.frontend.callbacks import host_call   # pullback.callbacks.host_call

    outs = host_call(fn, operands, result_avals, key=None, name=None)

- `operands`: a sequence of array-likes: pullback Arrays, tracers of any trace
  (jit, grad/jvp/vjp's traced functions, vmap, nested), numpy arrays, Python
  scalars.
- `result_avals`: a sequence describing each result, anything with `.shape`
  and `.dtype` (an `AbstractValue`, a `TensorSpec`, an array, ...); dtype as a
  pb name or a numpy dtype; a `.weak` attribute, if any, sets the weak type of
  the returned value.
- `fn(*arrays)` receives one numpy array per operand (a private copy, of the
  operand's shape and storage dtype: bool as numpy bool, bfloat16 as raw uint16
  bits) and returns the results: a sequence of `len(result_avals)` array-likes
  (a single array when there is one result, None when there are none), each
  of exactly the declared shape and dtype (Python scalars are converted);
  anything else raises `CallbackResultError`.
- `key`: a hashable value; calls with equal keys share one callback id (and the
  first `fn`), so retracing gives the same IR and reuses the compiled program.
  Without a key the id is `fn`'s identity. `name` appears in the IR and in
  error messages.
- Returns a list: Arrays when no trace is involved (then `fn` is called at
  once), tracers of the innermost trace otherwise.

Inside a trace, `host_call` declares `@pb_host_callback_<id>_<signature hash>`
tagged `pb.host_callback` (dialects/callbacks.py) in the trace's program and
emits a `func.call` of it. The compiled program calls `fn` each time it runs,
on concrete values; an exception raised by `fn` is re-raised by the call of
the compiled function. Under differentiation a callback sees primal values
only; one whose inexact result would need a derivative is an error, so a
differentiable use (custom_vjp's bwd called from a compiled backward pass)
must sit where no tangent reaches it, i.e. inside a rule's own backward
function. Under vmap, `fn` is called once per batch member. A call outside jit
that needs a concrete value (`if x > 0:` in grad without jit) evaluates the
program so far without its result-less callbacks, so a print runs once, in
the final program.
"""
from __future__ import annotations

import hashlib
from typing import Callable, Sequence

import numpy as np
from mlir import ir
from mlir.dialects import func

from pullback.dialects.callbacks import ATTR, SYMBOL_PREFIX, callback_attr, callback_callee, is_callback
from pullback.dialects.types import TensorSpec, dtype_name
from pullback.runtime import callbacks as _runtime
from pullback.runtime.callbacks import CallbackResultError

from .core import AbstractValue, Array, innermost_trace
from .errors import TracerLeakError
from .tracing import to_array


def _aval(x) -> AbstractValue:
    shape = tuple(int(d) for d in x.shape)
    dtype = x.dtype if isinstance(x.dtype, str) else dtype_name(x.dtype)
    return AbstractValue(shape, dtype, bool(getattr(x, "weak", False)))


class _Named:
    def __init__(self, name: str):
        self.name = name


def _declare(program, cid: int, name: str, in_specs: Sequence[TensorSpec], out_specs: Sequence[TensorSpec]) -> str:
    """The declaration of callback `cid` with this signature in `program` (added once)."""
    sig = "(" + ",".join(s.mlir() for s in in_specs) + ")->(" + ",".join(s.mlir() for s in out_specs) + ")"
    sym = f"{SYMBOL_PREFIX}{cid}_{hashlib.sha1(sig.encode()).hexdigest()[:8]}"
    declared = program.__dict__.setdefault("_callback_symbols", set())
    if sym in declared:
        return sym
    if sym in program.symbols:
        raise RuntimeError(f"symbol @{sym} is already taken in this program")
    with program.context, ir.Location.unknown(), ir.InsertionPoint(program.module.body):
        decl = func.FuncOp(sym, ([ir.Type.parse(s.mlir()) for s in in_specs],
                                 [ir.Type.parse(s.mlir()) for s in out_specs]))
        decl.attributes["sym_visibility"] = ir.StringAttr.get("private")
        decl.attributes[ATTR] = callback_attr(cid, name)
    program.symbols.add(sym)
    declared.add(sym)
    return sym


def host_call(fn: Callable, operands: Sequence, result_avals: Sequence, *, key=None,
              name: str | None = None) -> list:
    """Call `fn` on the operands' values, now or whenever the traced program runs (module doc)."""
    ops = [to_array(x) for x in operands]
    avals = [_aval(a) for a in result_avals]
    out_specs = [a.spec for a in avals]
    name = name or getattr(fn, "__name__", None) or "callback"
    trace = innermost_trace(ops)
    if trace is None:
        arrays = [np.array(x) for x in ops]  # private copies, as compiled code passes
        results = _runtime.invoke(fn, name, arrays, out_specs)
        return [Array(r, a.dtype, a.weak) for r, a in zip(results, avals)]
    if trace.finished:
        raise TracerLeakError("a host callback was applied to a tracer of a finished trace")
    cid = _runtime.register(fn, key=key, name=name)
    sym = _declare(trace.program, cid, name, [x.aval.spec for x in ops], out_specs)
    return trace.emit_call(_Named(sym), [trace.lift(x) for x in ops], avals)


# ---------------------------------------------------------------- helpers for program surgery

def strip_effects(module: ir.Module) -> None:
    """Erase calls of result-less callbacks (prints): for evaluating a prefix of a program,
    whose callbacks will run in the full program."""
    table = {ir.StringAttr(op.attributes["sym_name"]).value: op.operation
             for op in module.body.operations if op.operation.name == "func.func"}
    dead = []

    def visit(op):
        op = op.operation
        if op.name == "func.call" and len(op.results) == 0 and callback_callee(op, table) is not None:
            dead.append(op)
        return ir.WalkResult.ADVANCE

    module.operation.walk(visit)
    for op in dead:
        op.erase()


def declarations_text(module: ir.Module, fn) -> str:
    """Text of the callback declarations `fn` calls (to copy a function out of its module)."""
    table = {ir.StringAttr(op.attributes["sym_name"]).value: op.operation
             for op in module.body.operations if op.operation.name == "func.func"}
    found: dict = {}

    def visit(op):
        op = op.operation
        decl = callback_callee(op, table) if op.name == "func.call" else None
        if decl is not None:
            found[ir.StringAttr(decl.attributes["sym_name"]).value] = decl
        return ir.WalkResult.ADVANCE

    fn.operation.walk(visit)
    return "".join("\n" + str(d) for d in found.values())


def adopt_declarations(program, module: ir.Module) -> None:
    """Move the callback declarations of a parsed module into `program` (once per name: a
    declaration's name determines its id and signature)."""
    declared = program.__dict__.setdefault("_callback_symbols", set())
    for op in list(module.body.operations):
        op = op.operation
        if op.name != "func.func" or not is_callback(op):
            continue
        sym = ir.StringAttr(op.attributes["sym_name"]).value
        if sym in declared:
            continue
        program.module.body.append(op)
        program.symbols.add(sym)
        declared.add(sym)


__all__ = ["CallbackResultError", "adopt_declarations", "declarations_text", "host_call", "strip_effects"]
