"""Tracing whole functions: flat in, flat out, on top of `core.Trace`."""
from __future__ import annotations

import contextlib
from typing import Callable, Sequence

import numpy as np

from pullback.dialects.types import numpy_dtype

from . import dtypes
from .core import AbstractValue, Array, Program, Trace, Tracer, trace_stack


# Arrays for Python scalars, which are immutable on both sides: `x + 1` in a loop makes
# its `1` once. Floats key on repr, which tells -0.0 from 0.0 (equal, with one hash).
_scalar_arrays: dict = {}


def _scalar_array(x) -> Array:
    dtype, weak = dtypes.scalar_type(x)
    key = (dtype, weak, type(x), repr(x) if isinstance(x, (float, complex)) else x)
    a = _scalar_arrays.get(key)
    if a is None:
        if len(_scalar_arrays) >= 4096:
            _scalar_arrays.clear()
        a = _scalar_arrays[key] = Array(np.asarray(x, dtype=numpy_dtype(dtype)), dtype, weak)
    return a


def to_array(x):
    """A pullback value (Array or Tracer) for any array-like leaf."""
    if isinstance(x, (Array, Tracer)):
        return x
    if isinstance(x, (bool, int, float, complex)) and not isinstance(x, np.generic):
        return _scalar_array(x)
    if isinstance(x, (np.ndarray, np.generic)):
        return Array(x, dtypes.canonicalize(np.asarray(x).dtype.name), False)
    if isinstance(x, (list, tuple)):
        raise TypeError(f"expected an array, got a {type(x).__name__}; use jnp.array(...) to make one")
    raise TypeError(f"{type(x).__name__} is not a valid pullback array type")


@contextlib.contextmanager
def active(trace: Trace):
    stack = trace_stack()
    stack.append(trace)
    try:
        yield trace
    finally:
        stack.pop()


def trace_flat(fun: Callable, in_avals: Sequence[AbstractValue], *, name: str,
               program: Program | None = None, parent: Trace | None = None,
               concrete_backed: bool = False, sources: Sequence | None = None) -> tuple[Trace, list]:
    """Trace `fun(*tracers) -> flat list of outputs` into a new function.

    Returns the finished trace; its arguments are the explicit inputs followed by
    captured values (`trace.sources[len(in_avals):]`).
    """
    program = program or (parent.program if parent is not None else Program())
    trace = Trace(program, name, parent, concrete_backed)
    srcs = list(sources) if sources is not None else [None] * len(in_avals)
    args = [trace.new_argument(a, source=s) for a, s in zip(in_avals, srcs)]
    with active(trace):
        outs = fun(*args)
    outs = [to_array(o) if not isinstance(o, (Array, Tracer)) else o for o in outs]
    trace.finish(outs)
    return trace, args


def fun_name(fun) -> str:
    return getattr(fun, "__name__", None) or type(fun).__name__
