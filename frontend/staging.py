"""Running transformation IR: inside the current trace, or as a fresh program.

A transformation (jvp, grad, ...) traces the user's function into a private
function and emits a transformation op that names it. Inside another trace the
op simply lands in that trace's function; with concrete inputs and no trace
active, the op is emitted into a fresh *driver* function, which is compiled
(passes expand the op, then the usual lowering) and run. The driver is
concrete-backed, so Python control flow on values inside the user's function
works as in JAX's eager mode.
"""
from __future__ import annotations

from typing import Callable, Sequence

from mlir import ir

from pullback.dialects import registry
from pullback.runtime import compile_module

from .core import AbstractValue, Array, Program, Trace, Tracer, current_trace, innermost_trace
from .tracing import active, fun_name, to_array
from .tree_util import tree_flatten, tree_unflatten


def staged(build: Callable, vals: Sequence, name: str):
    """Run `build(trace, tracers) -> flat outputs` on `vals`, staged or at once."""
    parent = innermost_trace(vals)
    if parent is not None:
        return build(parent, [parent.lift(v) for v in vals])
    program = Program()
    driver = Trace(program, name, None, concrete_backed=True)
    args = [driver.new_argument(v.aval, source=v) for v in vals]
    with active(driver):
        outs = build(driver, args)
    outs = [o if isinstance(o, (Array, Tracer)) else to_array(o) for o in outs]
    driver.finish(outs)
    exe = compile_module(program.module, driver.name)
    arrays = driver.argument_values()
    results = exe.call_pointers([a.data_ptr() for a in arrays])
    return [Array._wrap(r, a.dtype, a.weak) for r, a in zip(results, driver.out_avals)]


class Traced:
    """A user function traced as a private function of the enclosing program."""

    def __init__(self, trace: Trace, out_tree, num_explicit: int):
        self.trace = trace
        self.out_tree = out_tree
        self.num_explicit = num_explicit

    @property
    def name(self) -> str:
        return self.trace.name

    @property
    def captured(self) -> list:
        """Values the function closes over (extra trailing arguments)."""
        return self.trace.sources[self.num_explicit:]

    @property
    def in_avals(self) -> list:
        return [AbstractValue(tuple(a.type.shape), _dtype_of(a.type)) for a in self.trace.block.arguments]

    @property
    def out_avals(self) -> list:
        return self.trace.out_avals

    def signature_of(self, name: str):
        if name != self.name:
            raise registry.InferenceError(f"unknown function @{name}")
        return [a.spec for a in self.in_avals], [a.spec for a in self.out_avals]


def _dtype_of(t) -> str:
    from pullback.dialects.types import spec_of_type
    return spec_of_type(t).dtype


def ad_depth(trace: Trace | None) -> int:
    """How many differentiations (jvp, grad, vjp, ...) will apply to code traced into `trace`:
    the traced function of a differentiation is one deeper than its parent, other traces
    inherit their parent's depth. Custom derivative rules use it (custom_derivatives.py)."""
    while trace is not None:
        depth = trace.__dict__.get("ad_depth")
        if depth is not None:
            return depth
        trace = trace.parent
    return 0


def trace_child(parent: Trace, fun: Callable, args: Sequence[Tracer], *, name: str | None = None,
                flatten_out: bool = True, arg_avals: Sequence[AbstractValue] | None = None,
                differentiated: bool = False) -> Traced:
    """Trace `fun(*args)` (args: tracers of `parent`) into a private function of parent's program.

    Its explicit arguments remember `args` as their sources, so values can be computed on
    demand when the parent is concrete-backed. With `arg_avals` (vmap: one batch member
    of each argument) the arguments are abstract: they have no single concrete value.
    `differentiated`: the function is what a differentiation applies to (see `ad_depth`)."""
    out_store = []

    def flat(*xs):
        out = fun(*xs)
        leaves, tree = tree_flatten(out) if flatten_out else (list(out), None)
        out_store.append(tree)
        return leaves

    abstract = arg_avals is not None
    trace = Trace(parent.program, name or fun_name(fun), parent, parent.concrete_backed and not abstract)
    if differentiated:
        trace.ad_depth = ad_depth(parent) + 1
    targs = [trace.new_argument(aval, source=None) for aval in arg_avals] if abstract else [
        trace.new_argument(a.aval, source=a) for a in args]
    with active(trace):
        outs = flat(*targs)
    outs = [o if isinstance(o, (Array, Tracer)) else to_array(o) for o in outs]
    trace.finish(outs)
    trace.make_private()
    return Traced(trace, out_store[0], len(args))


def emit_transform(parent: Trace, kind: str, callee: Traced, operands: Sequence, params: dict | None = None,
                   weak: Sequence[bool] | None = None) -> list:
    """Declare the `kind` transformation of `callee` and call it from `parent`."""
    from mlir.dialects import func
    from pullback.dialects.transforms import ATTR, expected_signature, transform_attr
    from .core import AbstractValue
    ins = [a.spec for a in callee.in_avals]
    outs = [a.spec for a in callee.out_avals]
    want_in, want_out = expected_signature(kind, ins, outs, params or {})
    program = parent.program
    name = program.fresh_symbol(f"{callee.name}_{kind}")
    with program.context, ir.Location.unknown(), ir.InsertionPoint(program.module.body):
        decl = func.FuncOp(name, ([ir.Type.parse(s.mlir()) for s in want_in],
                                  [ir.Type.parse(s.mlir()) for s in want_out]))
        decl.attributes["sym_visibility"] = ir.StringAttr.get("private")
        decl.attributes[ATTR] = transform_attr(kind, callee.name, params)
    ops = [parent.lift(o) for o in operands]
    weak = list(weak) if weak is not None else [False] * len(want_out)
    out_avals = [AbstractValue(s.shape, s.dtype, w) for s, w in zip(want_out, weak)]
    return parent.emit_call(_Named(name), ops, out_avals)


class _Named:
    def __init__(self, name: str):
        self.name = name


def zeros_in(parent: Trace, aval: AbstractValue):
    """A zero constant of `aval` in `parent` (a splat, folded by the lowering)."""
    import numpy as np
    from pullback.dialects.types import numpy_dtype
    return parent.constant(np.zeros(aval.shape, numpy_dtype(aval.dtype)), AbstractValue(aval.shape, aval.dtype))


def flatten_values(tree):
    leaves, treedef = tree_flatten(tree)
    return [to_array(x) for x in leaves], treedef


__all__ = ["Traced", "ad_depth", "emit_transform", "flatten_values", "staged", "trace_child", "tree_unflatten", "zeros_in",
           "current_trace", "ir", "Program"]
