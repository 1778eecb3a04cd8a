"""Transformations as requests: what jvp, grad, vmap, vjp and linearize emit.

A transformation traces the user's function (`core.trace_function`) and
declares a *request* naming it (dialects/transforms.py); the passes define the
request's body. Inside another trace the request is simply called from that
trace's function. With concrete inputs and no trace involved, `transform`
traces a *driver* function that calls it and runs the driver at once
(`program.run`). The driver is concrete, so Python control flow on values
inside the user's function works as in JAX's eager mode.
"""
from __future__ import annotations

from typing import Callable, Sequence

from mlir import ir

from pullback.dialects.transforms import ATTR, expected_signature, transform_attr
from pullback.dialects.types import TensorSpec

from .core import CONCRETE, Trace, Traced, current_trace, innermost_trace, trace_function
from .program import Program, run
from .tree_util import tree_flatten
from .values import AbstractValue, to_array


def flatten_values(tree):
    """The leaves of `tree` as pullback values, and its treedef."""
    leaves, treedef = tree_flatten(tree)
    return [to_array(x) for x in leaves], treedef


def declare_request(program: Program, kind: str, callee: str, in_specs: Sequence[TensorSpec],
                    out_specs: Sequence[TensorSpec], params: dict | None = None) -> tuple[str, list]:
    """Declare the `kind` request of @callee (of signature in_specs -> out_specs) in the program:
    its name, and the specs of its results."""
    want_in, want_out = expected_signature(kind, list(in_specs), list(out_specs), params or {})
    with program.context:
        name = program.declare(f"{callee}_{kind}", [ir.Type.parse(s.mlir()) for s in want_in],
                               [ir.Type.parse(s.mlir()) for s in want_out],
                               {ATTR: transform_attr(kind, callee, params)})
    return name, want_out


def call_request(parent: Trace, kind: str, callee: Traced, operands: Sequence, params: dict | None = None,
                 weak: Sequence[bool] | None = None) -> list:
    """Declare the `kind` request of the traced function `callee` and call it from `parent`."""
    name, out_specs = declare_request(parent.program, kind, callee.name, [a.spec for a in callee.in_avals],
                                      [a.spec for a in callee.out_avals], params)
    weak = list(weak) if weak is not None else [False] * len(out_specs)
    out_avals = [AbstractValue(s.shape, s.dtype, w) for s, w in zip(out_specs, weak)]
    return parent.emit_call(name, [parent.lift(o) for o in operands], out_avals)


def transform(build: Callable, vals: Sequence, name: str) -> list:
    """Run `build(trace, tracers) -> flat outputs` on `vals`: in the innermost trace involved,
    or, with none, in a concrete driver function compiled and run at once."""
    parent = innermost_trace(vals)
    if parent is not None:
        return build(parent, [parent.lift(v) for v in vals])
    driver = trace_function(lambda *xs: build(current_trace(), list(xs)), [v.aval for v in vals], None, CONCRETE,
                            sources=vals, name=name)
    return run(driver.program, driver.name, driver.sources, [a.weak for a in driver.out_avals])


__all__ = ["call_request", "declare_request", "flatten_values", "to_array", "transform"]
