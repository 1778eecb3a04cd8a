"""Tracing Python functions into pb IR.

A `Trace` builds one `func.func` in a `Program`. Values in a trace are
`Tracer`s holding an `ir.Value` and an abstract value. `trace_function` is the
one way to trace a Python function; its `Mode` says whether the function's
arguments have concrete values and how many differentiations will apply to it.

`bind` applies a pb op: to tracers it emits IR into the innermost trace
involved; with no trace involved it goes to the trace at the bottom of the
stack, the eager trace, which runs the op at once as a cached one-op program
(as JAX's EvalTrace).

Values from outside a trace (closure-captured arrays, or tracers of an
enclosing trace) become extra arguments of the traced function, never
constants baked into the IR, so one compiled program serves new data.

A trace made outside jit knows where its inputs come from, so a tracer can
produce its concrete value on demand (`bool(x)`, `float(x)`): the function
traced so far is compiled with that value as its result and run (evaluate.py).
"""
from __future__ import annotations

import collections
import contextlib
import threading
from typing import Callable, NamedTuple, Sequence

import numpy as np
from mlir import ir
from mlir.dialects import func

from pullback.dialects import registry
from pullback.dialects.attributes import ConstantValue
from pullback.dialects.emit import create
from pullback.dialects.ir import body_ops, entry_block, lookup
from pullback.dialects.types import MAX_ARRAY_BYTES, TensorSpec, numpy_dtype

from .debug_checks import check as _debug_check, flags as _debug_flags  # jax_debug_nans/infs
from . import float0
from .errors import ConcretizationTypeError, UnexpectedTracerError, user_error
from .evaluate import evaluate_prefix, needed_arguments
from .program import Program, executable, run
from .source_info import user_position
from .tree_util import tree_flatten
from .values import AbstractValue, Array, Literal, Tracer, is_array, to_array

# ---------------------------------------------------------------- the trace stack

_state = threading.local()


def trace_stack() -> list:
    """The traces being built on this thread, innermost last (the eager trace is not on it)."""
    s = getattr(_state, "stack", None)
    if s is None:
        s = _state.stack = []
    return s


def current_trace():
    s = trace_stack()
    return s[-1] if s else None


@contextlib.contextmanager
def active(trace: "Trace"):
    stack = trace_stack()
    stack.append(trace)
    try:
        yield trace
    finally:
        stack.pop()


# ---------------------------------------------------------------- traces

class Trace:
    """One function being traced."""
    __slots__ = ("program", "name", "parent", "level", "concrete_backed", "ad_depth", "sources", "in_avals",
                 "out_avals", "finished", "func_op", "block", "ip", "_lifted", "_keepalive")

    def __init__(self, program: Program, name: str, parent: "Trace | None", concrete_backed: bool,
                 ad_depth: int):
        self.program = program
        self.name = program.fresh_symbol(name)
        self.parent = parent
        self.level = 0 if parent is None else parent.level + 1
        self.concrete_backed = concrete_backed
        self.ad_depth = ad_depth        # differentiations that will apply to this function
        self.sources: list = []         # per argument: None (abstract), Array, or outer Tracer
        self.in_avals: list[AbstractValue] = []
        self.out_avals: list[AbstractValue] = []
        self.finished = False
        self._lifted: dict[int, Tracer] = {}
        self._keepalive: list = []
        with program.context, ir.Location.unknown():
            with ir.InsertionPoint(program.module.body):
                self.func_op = func.FuncOp(self.name, ([], []))
            self.block = self.func_op.add_entry_block()
        self.ip = ir.InsertionPoint(self.block)

    # -- arguments
    def new_argument(self, aval: AbstractValue, source=None) -> Tracer:
        with self.program.context:
            arg = self.block.add_argument(ir.Type.parse(aval.spec.mlir()), ir.Location.unknown())
        self.sources.append(source)
        self.in_avals.append(aval)
        return Tracer(self, arg, aval)

    def lift(self, x) -> Tracer:
        """This trace's tracer for an operand from anywhere."""
        if isinstance(x, Tracer):
            if x.trace is self:
                return x
            if x.trace.level > self.level or x.trace.finished:
                raise UnexpectedTracerError(
                    "A tracer from a finished or inner transformation was used outside of it "
                    f"(a leaked tracer of {x.aval.str_short()}); return values from the "
                    "transformed function instead of storing them in outer variables.")
            return self._capture(x, x.aval)
        if isinstance(x, Literal):
            return self.constant(x.to_numpy(), x.aval)
        if isinstance(x, Array):
            return self._capture(x, x.aval)
        raise TypeError(f"cannot use a value of type {type(x).__name__} as a pullback array")

    def _capture(self, x, aval) -> Tracer:
        t = self._lifted.get(id(x))
        if t is None:
            t = self._lifted[id(x)] = self.new_argument(aval, source=x)
            self._keepalive.append(x)  # keeps id(x) unique while the trace lives
        return t

    def constant(self, array: np.ndarray, aval: AbstractValue) -> Tracer:
        if aval.dtype in ("complex64", "complex128"):
            # complex dense attributes cannot be built from Python: assemble from parts
            part = "float32" if aval.dtype == "complex64" else "float64"
            pav = AbstractValue(aval.shape, part)
            re = self.constant(np.real(array).astype(part), pav)
            im = self.constant(np.imag(array).astype(part), pav)
            return self.emit("complex", [re, im], {}, [aval.spec], weak=aval.weak)[0]
        return self.emit("constant", [], {"value": ConstantValue(array, aval.spec)},
                         [aval.spec], weak=aval.weak)[0]

    def zeros(self, aval: AbstractValue) -> Tracer:
        """A zero constant of `aval`'s shape and dtype (a splat, folded by the lowering)."""
        return self.constant(np.zeros(aval.shape, numpy_dtype(aval.dtype)), AbstractValue(aval.shape, aval.dtype))

    # -- ops
    def emit(self, name: str, operands: Sequence[Tracer], attrs: dict,
             out_specs: Sequence[TensorSpec], weak: bool | Sequence[bool] = False) -> list[Tracer]:
        op_def = registry.op_def(name)
        with self.program.context, self.ip:
            values = create(op_def, [t.value for t in operands], attrs, out_specs, loc=current_location())
        weaks = weak if isinstance(weak, (list, tuple)) else [weak] * len(values)
        return [Tracer(self, v, AbstractValue(s.shape, s.dtype, w))
                for v, s, w in zip(values, out_specs, weaks)]

    def emit_call(self, callee: str, operands: Sequence[Tracer], out_avals) -> list[Tracer]:
        """`func.call @callee(operands)` (operands: this trace's tracers)."""
        with self.program.context, self.ip:
            op = func.CallOp([ir.Type.parse(a.spec.mlir()) for a in out_avals], callee,
                             [t.value for t in operands], loc=current_location())
        return [Tracer(self, v, a) for v, a in zip(op.results, out_avals)]

    def inline_call(self, source: Program, callee: str, operands: Sequence[Tracer], out_avals) -> list[Tracer]:
        """The body of @callee of `source` cloned here on `operands` (what it calls is imported)."""
        program = self.program
        key = (source, callee)
        fresh = key not in program.imported
        local = program.import_function(source, callee)
        fn = lookup(program.module, local)
        mapping = dict(zip(entry_block(fn).arguments, [t.value for t in operands]))

        def remap(op):
            for i, v in enumerate(op.operands):
                if v in mapping:
                    op.operands[i] = mapping[v]
            return ir.WalkResult.ADVANCE

        with program.context, self.ip:
            for op in body_ops(fn):
                if op.name == "func.return":
                    results = [mapping.get(v, v) for v in op.operands]
                    break
                new = op.clone()
                new.walk(remap)  # the op and any ops nested in its regions
                mapping.update(zip(op.results, new.results))
        if fresh and source is not program:  # the copy was only needed for its body
            fn.erase()
            del program.imported[key]
            program.symbols.discard(local)
        return [Tracer(self, v, a) for v, a in zip(results, out_avals)]

    # -- finishing
    def finish(self, outputs: Sequence) -> list[AbstractValue]:
        """Return `outputs` from the function and seal it."""
        outs = [self.lift(o) for o in outputs]
        with self.program.context, self.ip, ir.Location.unknown():
            func.ReturnOp([t.value for t in outs])
            ftype = ir.FunctionType.get([a.type for a in self.block.arguments], [t.value.type for t in outs])
            self.func_op.attributes["function_type"] = ir.TypeAttr.get(ftype)
        self.finished = True
        self.out_avals = [t.aval for t in outs]
        return self.out_avals

    def make_private(self) -> None:
        with self.program.context:
            self.func_op.attributes["sym_visibility"] = ir.StringAttr.get("private")

    # -- concrete values on demand
    def concrete_value(self, tracer: Tracer, why: str, error=ConcretizationTypeError) -> np.ndarray:
        """The tracer's value when this trace has one (eager tracing); otherwise `error`."""
        if not self.concrete_backed:
            raise error(tracer, why)
        return evaluate_prefix(self, tracer.value, self._argument_values(tracer))

    def _argument_values(self, tracer: Tracer) -> list[Array]:
        """The argument values the tracer depends on; zeros for the others, which may have no
        concrete value (the tangent inputs of a custom JVP rule, say) and do not matter."""
        needed = needed_arguments(self.block, tracer.value)
        out = []
        for i, (aval, src) in enumerate(zip(self.in_avals, self.sources)):
            if i not in needed:
                out.append(Array(np.zeros(aval.shape, numpy_dtype(aval.dtype)), aval.dtype))
            elif isinstance(src, Array):
                out.append(src)
            elif isinstance(src, Tracer):
                out.append(Array(src.trace.concrete_value(src, "evaluating a captured value"), src.aval.dtype))
            else:
                raise ConcretizationTypeError(tracer, "an argument it depends on has no concrete value")
        return out


# Locations belong to a context, and each thread traces in a context of its own: the cache
# is per thread (a location of another thread's context would corrupt this one's IR).
_locations = threading.local()


def current_location() -> ir.Location:
    pos = user_position()
    if pos is None:
        return ir.Location.unknown()
    ctx = ir.Context.current
    cache = getattr(_locations, "cache", None)
    if cache is None or _locations.context is not ctx:
        cache = _locations.cache = {}
        _locations.context = ctx
    loc = cache.get(pos)
    if loc is None:
        loc = ir.Location.file(pos[0], pos[1], pos[2], context=ctx)
        if len(cache) < 100_000:
            cache[pos] = loc
    return loc


# ---------------------------------------------------------------- tracing functions

class Mode(NamedTuple):
    """How a traced function relates to the trace it is traced from (its parent).

    concrete: its arguments have concrete values, their `sources`, that a tracer can ask
        for (`if x > 0:`) when the parent can too (or there is no parent): what a
        transformation outside jit sees. Otherwise they are abstract, as under jit.
    ad_depth: how many differentiations will apply to it (None: as many as to the parent).
        Custom derivative rules read it (custom_derivatives.py)."""
    concrete: bool = False
    ad_depth: int | None = None


ABSTRACT = Mode()             # jit, vmap's per-member function, eager kernels, control-flow bodies
CONCRETE = Mode(True)         # the driver of a transformation applied outside jit


def ad_depth(trace: Trace | None) -> int:
    return 0 if trace is None else trace.ad_depth


def differentiated(parent: Trace | None) -> Mode:
    """The mode of a function a differentiation (jvp, grad, vjp, linearize) applies to."""
    return Mode(True, ad_depth(parent) + 1)


def fun_name(fun) -> str:
    return getattr(fun, "__name__", None) or type(fun).__name__


class Traced:
    """A traced function: its trace, and the tree of its outputs."""
    __slots__ = ("trace", "out_tree", "num_explicit")

    def __init__(self, trace: Trace, out_tree, num_explicit: int):
        self.trace, self.out_tree, self.num_explicit = trace, out_tree, num_explicit

    name = property(lambda self: self.trace.name)
    program = property(lambda self: self.trace.program)
    in_avals = property(lambda self: self.trace.in_avals)    # explicit arguments, then captured values
    out_avals = property(lambda self: self.trace.out_avals)
    sources = property(lambda self: self.trace.sources)
    captured = property(lambda self: self.trace.sources[self.num_explicit:])  # values it closes over


def trace_function(fun: Callable, avals: Sequence[AbstractValue], parent: Trace | None = None,
                   mode: Mode = ABSTRACT, *, sources: Sequence | None = None, name: str | None = None,
                   program: Program | None = None) -> Traced:
    """Trace `fun(*tracers) -> pytree of arrays` into a function of arguments `avals`.

    parent: the trace `fun` is traced from (None: the top level). Values of enclosing
        traces that `fun` uses become trailing arguments, their tracers the sources.
    mode: see `Mode`. sources: per argument, the value it stands for (Array, tracer of an
        enclosing trace, or None); a concrete function reads them on demand.
    program: where the function goes; default the parent's program (the function is then
        private) or, at the top level, a new program (the function is public).
    """
    if program is None:
        program = parent.program if parent is not None else Program()
    trace = Trace(program, name or fun_name(fun), parent, mode.concrete and (parent is None or parent.concrete_backed),
                  mode.ad_depth if mode.ad_depth is not None else ad_depth(parent))
    args = [trace.new_argument(a, s) for a, s in zip(avals, sources if sources is not None else [None] * len(avals))]
    with active(trace):
        leaves, out_tree = tree_flatten(float0.as_static(fun(*args)))
    trace.finish([to_array(x) for x in leaves])
    if parent is not None:
        trace.make_private()
    return Traced(trace, out_tree, len(avals))


# ---------------------------------------------------------------- bind

def innermost_trace(operands):
    """The deepest trace among the operands, or the active trace if deeper (None: eager)."""
    best = current_trace()
    for x in operands:
        if isinstance(x, Tracer) and (best is None or x.trace.level > best.level):
            best = x.trace
    return best


class EagerTrace:
    """The bottom of the trace stack: ops on concrete arrays run at once, each signature
    (op, operand shapes and dtypes, attributes) as a one-op program traced and compiled once."""

    CAPACITY = 1024  # kernels kept compiled, least recently used dropped first

    def __init__(self):
        self.kernels: collections.OrderedDict = collections.OrderedDict()

    def apply(self, name: str, operands, attrs: dict, out_specs, weak: bool) -> list[Array]:
        if name == "constant":
            return [Array(attrs["value"].array, out_specs[0].dtype, weak)]
        avals = [AbstractValue(x.aval.shape, x.aval.dtype) for x in operands]
        key = (name, tuple(avals), _attr_key(attrs))
        kernel = self.kernels.get(key)
        if kernel is None:
            kernel = trace_function(lambda *xs: bind(name, xs, attrs), avals, name=name)
            # compiled before other threads can see it: its program belongs to this thread's context
            executable(kernel.program, kernel.name)
            self.kernels[key] = kernel
            if len(self.kernels) > self.CAPACITY:
                self.kernels.popitem(last=False)
        elif len(self.kernels) > self.CAPACITY // 2:
            self.kernels.move_to_end(key)
        outs = run(kernel.program, kernel.name, operands, [weak] * len(out_specs))
        if _debug_flags[0] or _debug_flags[1]:
            _debug_check(outs, name)
        return outs


def _attr_key(attrs: dict):
    items = []
    for k in sorted(attrs):
        v = attrs[k]
        if isinstance(v, ConstantValue):
            v = (v.spec, v.array.tobytes())
        items.append((k, v))
    return tuple(items)


EAGER = EagerTrace()


def bind(name: str, operands: Sequence, attrs: dict | None = None, weak: bool | None = None):
    """Apply `pb.<name>`. Returns a list of result values (Tracers or Arrays)."""
    attrs = attrs or {}
    avals = [x.aval for x in operands]
    try:
        out_specs = registry.infer(name, [a.spec for a in avals], attrs)
    except registry.InferenceError as e:
        raise user_error(TypeError, str(e)) from None
    for spec in out_specs:
        if spec.nbytes > MAX_ARRAY_BYTES:  # rejected before MLIR, whose size arithmetic overflows
            raise user_error(ValueError, f"pb.{name} would create an array of shape {tuple(spec.shape)} and "
                             f"dtype {spec.dtype}: {spec.nbytes} bytes, more than the {MAX_ARRAY_BYTES} "
                             "an array may hold")
    if weak is None:  # JAX: results are weak when every operand is
        weak = bool(avals) and all(a.weak for a in avals)
    trace = innermost_trace(operands)
    if trace is None:
        return EAGER.apply(name, operands, attrs, out_specs, weak)
    if trace.finished:
        raise UnexpectedTracerError("an operation was applied to a tracer of a finished trace")
    return trace.emit(name, [trace.lift(x) for x in operands], attrs, out_specs, weak)


def bind1(name: str, operands: Sequence, attrs: dict | None = None, weak: bool | None = None):
    return bind(name, operands, attrs, weak)[0]


__all__ = ["ABSTRACT", "AbstractValue", "Array", "CONCRETE", "EAGER", "Literal", "Mode", "Program", "Trace",
           "Traced", "Tracer", "active", "ad_depth", "bind", "bind1", "current_trace", "differentiated", "fun_name",
           "innermost_trace", "is_array", "to_array", "trace_function", "trace_stack"]
