"""Host callbacks from any trace: call a Python function on the values of a computation.

`pullback.callbacks.host_call(fn, operands, result_avals, key=None, name=None) -> outs`:

- `operands`: a sequence of array-likes: pullback Arrays, tracers of any trace
  (jit, grad/jvp/vjp's traced functions, vmap, nested), numpy arrays, Python
  scalars.
- `result_avals`: a sequence describing each result, anything with `.shape`
  and `.dtype` (an `AbstractValue`, a `TensorSpec`, an array, ...); dtype as a
  pb name or a numpy dtype; a `.weak` attribute, if any, sets the weak type of
  the returned value.
- `fn(*arrays)` receives one numpy array per operand (a private copy, of the
  operand's shape and storage dtype: bool as numpy bool, bfloat16 as ml_dtypes.bfloat16)
  and returns the results: a sequence of `len(result_avals)` array-likes
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

from pullback.dialects.callbacks import ATTR, SYMBOL_PREFIX, callback_attr
from pullback.dialects.types import TensorSpec, dtype_name
from pullback.runtime import callbacks as _runtime
from pullback.runtime.callbacks import CallbackResultError

from .core import innermost_trace
from .errors import UnexpectedTracerError
from .values import AbstractValue, Array, to_array


def _aval(x) -> AbstractValue:
    shape = tuple(int(d) for d in x.shape)
    dtype = x.dtype if isinstance(x.dtype, str) else dtype_name(x.dtype)
    return AbstractValue(shape, dtype, bool(getattr(x, "weak", False)))


def _declare(program, cid: int, name: str, in_specs: Sequence[TensorSpec], out_specs: Sequence[TensorSpec]) -> str:
    """The declaration of callback `cid` with this signature in `program` (added once)."""
    sig = "(" + ",".join(s.mlir() for s in in_specs) + ")->(" + ",".join(s.mlir() for s in out_specs) + ")"
    sym = f"{SYMBOL_PREFIX}{cid}_{hashlib.sha1(sig.encode()).hexdigest()[:8]}"
    declared = program.callbacks.get(sym)
    if declared is None:
        with program.context:
            declared = program.callbacks[sym] = program.declare(
                sym, [ir.Type.parse(s.mlir()) for s in in_specs], [ir.Type.parse(s.mlir()) for s in out_specs],
                {ATTR: callback_attr(cid, name)})
    return declared


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
        raise UnexpectedTracerError("a host callback was applied to a tracer of a finished trace")
    cid = _runtime.register(fn, key=key, name=name)
    sym = _declare(trace.program, cid, name, [x.aval.spec for x in ops], out_specs)
    return trace.emit_call(sym, [trace.lift(x) for x in ops], avals)


__all__ = ["CallbackResultError", "host_call"]
