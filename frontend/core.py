"""Tracing Python functions into pb IR.

A `Trace` builds one `func.func` in a `Program` (an MLIR module). Values in a
trace are `Tracer`s holding an `ir.Value` and an abstract value. `bind`
applies a pb op: to tracers it emits IR into the innermost trace involved;
to concrete `Array`s with no trace active it runs the op at once through a
cached one-op kernel (eager mode).

Values from outside a trace (closure-captured arrays, or tracers of an
enclosing trace) become extra arguments of the traced function, never
constants baked into the IR, so one compiled program serves new data.

A trace made outside jit knows where its inputs come from, so a tracer can
produce its concrete value on demand (`bool(x)`, `float(x)`): the function
traced so far is compiled with that value as its result and run.
"""
from __future__ import annotations

import itertools
import threading
from typing import NamedTuple, Sequence

import numpy as np
from mlir import ir
from mlir.dialects import func

from pullback.dialects import context as mlir_context
from pullback.dialects import registry
from pullback.dialects.attributes import ConstantValue
from pullback.dialects.emit import create
from pullback.dialects.types import TensorSpec, numpy_dtype

from . import dtypes
from .errors import ConcretizationTypeError, TracerLeakError, user_error
from .source_info import describe_position, user_position


class AbstractValue(NamedTuple):
    shape: tuple
    dtype: str
    weak: bool = False

    @property
    def spec(self) -> TensorSpec:
        return TensorSpec(self.shape, self.dtype)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def str_short(self) -> str:
        return f"{self.dtype}[{','.join(map(str, self.shape))}]"


class Literal:
    """A Python scalar operand: a constant inside traces, an argument in eager kernels."""
    __slots__ = ("value", "aval")

    def __init__(self, value, dtype: str, weak: bool):
        self.value = value
        self.aval = AbstractValue((), dtype, weak)

    def to_numpy(self) -> np.ndarray:
        return np.asarray(self.value, dtype=numpy_dtype(self.aval.dtype))


# ---------------------------------------------------------------- programs

class Program:
    """An MLIR module under construction: the traced functions of one computation."""
    _ids = itertools.count()

    def __init__(self):
        self.context = mlir_context()
        with self.context:
            self.module = ir.Module.create(loc=ir.Location.unknown())
        self.symbols: set[str] = set()
        self.traces: list = []

    def fresh_symbol(self, base: str) -> str:
        # The prefix keeps compiled symbols apart from C library ones: a function named
        # `atan2` would otherwise capture libm's atan2 calls at link time.
        base = "pb_" + ("".join(c if c.isalnum() or c == "_" else "_" for c in base) or "f")
        name, n = base, 1
        while name in self.symbols:
            n += 1
            name = f"{base}_{n}"
        self.symbols.add(name)
        return name


_state = threading.local()


def trace_stack() -> list:
    s = getattr(_state, "stack", None)
    if s is None:
        s = _state.stack = []
    return s


def current_trace():
    s = trace_stack()
    return s[-1] if s else None


class Trace:
    """One function being traced."""

    def __init__(self, program: Program, name: str, parent: "Trace | None", concrete_backed: bool):
        self.program = program
        self.name = program.fresh_symbol(name)
        self.parent = parent
        self.level = 0 if parent is None else parent.level + 1
        self.concrete_backed = concrete_backed
        self.sources: list = []         # per argument: None (explicit), Array, or outer Tracer
        self._lifted: dict[int, "Tracer"] = {}
        self._keepalive: list = []
        self.finished = False
        program.traces.append(self)
        with program.context, ir.Location.unknown():
            with ir.InsertionPoint(program.module.body):
                self.func_op = func.FuncOp(self.name, ([], []))
            self.block = self.func_op.add_entry_block()
        self.ip = ir.InsertionPoint(self.block)

    # -- arguments
    def new_argument(self, aval: AbstractValue, source=None) -> "Tracer":
        with self.program.context:
            arg = self.block.add_argument(ir.Type.parse(aval.spec.mlir()), ir.Location.unknown())
        self.sources.append(source)
        return Tracer(self, arg, aval)

    def lift(self, x) -> "Tracer":
        """This trace's tracer for an operand from anywhere."""
        if isinstance(x, Tracer):
            if x.trace is self:
                return x
            if x.trace.level > self.level or x.trace.finished:
                raise TracerLeakError(
                    "A tracer from a finished or inner transformation was used outside of it "
                    f"(a leaked tracer of {x.aval.str_short()}); return values from the "
                    "transformed function instead of storing them in outer variables.")
            return self._capture(x, x.aval)
        if isinstance(x, Literal):
            return self.constant(x.to_numpy(), x.aval)
        if isinstance(x, Array):
            return self._capture(x, x.aval)
        raise TypeError(f"cannot use a value of type {type(x).__name__} as a pullback array")

    def _capture(self, x, aval) -> "Tracer":
        t = self._lifted.get(id(x))
        if t is None:
            t = self._lifted[id(x)] = self.new_argument(aval, source=x)
            self._keepalive.append(x)  # keeps id(x) unique while the trace lives
        return t

    def constant(self, array: np.ndarray, aval: AbstractValue) -> "Tracer":
        if aval.dtype in ("complex64", "complex128"):
            # complex dense attributes cannot be built from Python: assemble from parts
            part = "float32" if aval.dtype == "complex64" else "float64"
            pav = AbstractValue(aval.shape, part)
            re = self.constant(np.real(array).astype(part), pav)
            im = self.constant(np.imag(array).astype(part), pav)
            return self.emit("complex", [re, im], {}, [aval.spec], weak=aval.weak)[0]
        return self.emit("constant", [], {"value": ConstantValue(array, aval.spec)},
                         [aval.spec], weak=aval.weak)[0]

    # -- ops
    def emit(self, name: str, operands: Sequence["Tracer"], attrs: dict,
             out_specs: Sequence[TensorSpec], weak: bool | Sequence[bool] = False) -> list["Tracer"]:
        op_def = registry.op_def(name)
        with self.program.context, self.ip:
            values = create(op_def, [t.value for t in operands], attrs, out_specs, loc=current_location())
        weaks = weak if isinstance(weak, (list, tuple)) else [weak] * len(values)
        return [Tracer(self, v, AbstractValue(s.shape, s.dtype, w))
                for v, s, w in zip(values, out_specs, weaks)]

    def emit_call(self, callee: "Trace", operands: Sequence["Tracer"], out_avals) -> list["Tracer"]:
        with self.program.context, self.ip:
            op = func.CallOp([ir.Type.parse(a.spec.mlir()) for a in out_avals], callee.name,
                             [t.value for t in operands], loc=current_location())
        return [Tracer(self, v, a) for v, a in zip(op.results, out_avals)]

    # -- finishing
    def finish(self, outputs: Sequence) -> list[AbstractValue]:
        """Return `outputs` from the function and seal it."""
        outs = [self.lift(o) for o in outputs]
        with self.program.context, self.ip, ir.Location.unknown():
            func.ReturnOp([t.value for t in outs])
        self._set_type([t.value.type for t in outs])
        self.finished = True
        self.out_avals = [t.aval for t in outs]
        return self.out_avals

    def _set_type(self, result_types) -> None:
        with self.program.context:
            ftype = ir.FunctionType.get([a.type for a in self.block.arguments], list(result_types))
            self.func_op.attributes["function_type"] = ir.TypeAttr.get(ftype)

    def make_private(self) -> None:
        with self.program.context:
            self.func_op.attributes["sym_visibility"] = ir.StringAttr.get("private")

    # -- concrete values on demand
    def concrete_value(self, tracer: "Tracer", why: str) -> np.ndarray:
        if not self.concrete_backed:
            raise ConcretizationTypeError(tracer, why)
        from .evaluate import evaluate_prefix
        return evaluate_prefix(self, tracer)

    def argument_values(self) -> list:
        """Concrete values of every argument of a concrete-backed trace."""
        out = []
        for src in self.sources:
            if isinstance(src, Array):
                out.append(src)
            elif isinstance(src, Tracer):
                out.append(Array(src.trace.concrete_value(src, "evaluating a captured value"),
                                 src.aval.dtype, src.aval.weak))
            else:
                raise ConcretizationTypeError(None, "an argument has no concrete value")
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


# ---------------------------------------------------------------- values

class Tracer:
    __slots__ = ("trace", "value", "aval", "__weakref__")
    __array_priority__ = 100

    def __init__(self, trace: Trace, value: ir.Value, aval: AbstractValue):
        self.trace = trace
        self.value = value
        self.aval = aval

    shape = property(lambda self: self.aval.shape)
    ndim = property(lambda self: len(self.aval.shape))
    size = property(lambda self: int(np.prod(self.aval.shape, dtype=np.int64)))
    dtype = property(lambda self: np.dtype(numpy_dtype(self.aval.dtype)))
    weak_type = property(lambda self: self.aval.weak)

    def _concrete(self, why: str) -> np.ndarray:
        return self.trace.concrete_value(self, why)

    def __bool__(self):
        return bool(self._concrete("the truth value of an array (bool())"))

    def __float__(self):
        return float(self._concrete("float()"))

    def __int__(self):
        return int(self._concrete("int()"))

    def __complex__(self):
        return complex(self._concrete("complex()"))

    def __index__(self):
        if not dtypes.is_integer(self.aval.dtype):
            raise TypeError("only integer arrays can be used as an index")
        return int(self._concrete("__index__"))

    def __array__(self, dtype=None, copy=None):
        v = self._concrete("conversion to a numpy array")
        return v if dtype is None else v.astype(dtype)

    def __repr__(self):
        return f"Traced<{self.aval.str_short()}>"

    def __str__(self):
        if self.trace.concrete_backed and not self.trace.finished:
            return str(self._concrete("printing"))
        return repr(self)

    def __len__(self):
        if not self.aval.shape:
            raise TypeError("len() of unsized object")
        return self.aval.shape[0]

    def __iter__(self):
        if not self.aval.shape:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.aval.shape[0]))

    def __hash__(self):
        raise TypeError("unhashable type: a pullback tracer")


class Array:
    """A concrete array: a host buffer, its pb dtype and JAX's weak-type flag."""
    __slots__ = ("_value", "_dtype", "_weak", "_ptr", "_aval", "__weakref__")
    __array_priority__ = 100

    def __init__(self, value, dtype: str | None = None, weak: bool = False):
        v = np.asarray(value)
        if dtype is None:
            dtype = dtypes.canonicalize(v.dtype.name)
        store = numpy_dtype(dtype)
        if v.dtype != store or not v.flags.c_contiguous:
            v = np.ascontiguousarray(v, dtype=store)
        elif v.flags.writeable and v.base is None and not isinstance(value, np.ndarray):
            pass
        elif v.flags.writeable:
            v = v.copy()  # never alias a buffer the caller can still mutate
        v.flags.writeable = False  # arrays are immutable, as in JAX
        self._value = v
        self._dtype = dtype
        self._weak = weak
        self._ptr = None
        self._aval = None

    @classmethod
    def _wrap(cls, v: np.ndarray, dtype: str, weak: bool, ptr: int | None = None) -> "Array":
        """Adopt a freshly computed, C-contiguous buffer of the right storage dtype."""
        a = object.__new__(cls)  # immutable through the API; __array__ hands out read-only views
        a._value, a._dtype, a._weak, a._ptr, a._aval = v, dtype, weak, ptr, None
        return a

    def data_ptr(self) -> int:
        p = self._ptr
        if p is None:
            p = self._ptr = self._value.ctypes.data
        return p

    @property
    def aval(self) -> AbstractValue:
        a = self._aval
        if a is None:
            a = self._aval = AbstractValue(self._value.shape, self._dtype, self._weak)
        return a

    shape = property(lambda self: self._value.shape)
    ndim = property(lambda self: self._value.ndim)
    size = property(lambda self: self._value.size)
    dtype = property(lambda self: self._value.dtype)
    weak_type = property(lambda self: self._weak)

    def __array__(self, dtype=None, copy=None):
        if dtype is not None:
            return self._value.astype(dtype)
        if copy:
            return self._value.copy()
        v = self._value.view()
        v.flags.writeable = False
        return v

    def block_until_ready(self):
        return self

    def item(self, *args):
        return self._value.item(*args)

    def tolist(self):
        return self._value.tolist()

    def copy(self):
        return Array._wrap(self._value.copy(), self._dtype, self._weak)

    def __bool__(self):
        return bool(self._value)

    def __float__(self):
        return float(self._value)

    def __int__(self):
        return int(self._value)

    def __complex__(self):
        return complex(self._value)

    def __index__(self):
        if not dtypes.is_integer(self._dtype):
            raise TypeError("only integer arrays can be used as an index")
        return int(self._value)

    def __len__(self):
        if not self._value.shape:
            raise TypeError("len() of unsized object")
        return self._value.shape[0]

    def __iter__(self):
        if not self._value.shape:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self._value.shape[0]))

    def __hash__(self):
        raise TypeError("unhashable type: 'Array'")

    def __format__(self, spec):
        if self._value.ndim == 0:
            return format(self._value.item(), spec)
        return format(str(self), spec)

    def __str__(self):
        return str(self._value)

    def __repr__(self):
        body = np.array2string(self._value, separator=", ", prefix="Array(")
        extra = ", weak_type=True" if self._weak else ""
        return f"Array({body}, dtype={self._dtype}{extra})"

    def __reduce__(self):
        return (Array, (self._value, self._dtype, self._weak))


def is_array(x) -> bool:
    return isinstance(x, (Array, Tracer))


# ---------------------------------------------------------------- bind

def innermost_trace(operands):
    """The deepest trace among the operands, or the active trace if deeper."""
    best = current_trace()
    for x in operands:
        if isinstance(x, Tracer) and (best is None or x.trace.level > best.level):
            best = x.trace
    return best


def bind(name: str, operands: Sequence, attrs: dict | None = None, weak: bool | None = None):
    """Apply `pb.<name>`. Returns a list of result values (Tracers or Arrays)."""
    attrs = attrs or {}
    avals = [x.aval for x in operands]
    try:
        out_specs = registry.infer(name, [a.spec for a in avals], attrs)
    except registry.InferenceError as e:
        raise user_error(TypeError, str(e)) from None
    if weak is None:  # JAX: results are weak when every operand is
        weak = bool(avals) and all(a.weak for a in avals)
    trace = innermost_trace(operands)
    if trace is None:
        from .eager import apply_eager
        return apply_eager(name, operands, attrs, out_specs, weak)
    if trace.finished:
        raise TracerLeakError("an operation was applied to a tracer of a finished trace")
    return trace.emit(name, [trace.lift(x) for x in operands], attrs, out_specs, weak)


def bind1(name: str, operands: Sequence, attrs: dict | None = None, weak: bool | None = None):
    return bind(name, operands, attrs, weak)[0]


__all__ = ["AbstractValue", "Array", "Literal", "Program", "Trace", "Tracer", "bind", "bind1",
           "current_trace", "describe_position", "is_array", "trace_stack"]
