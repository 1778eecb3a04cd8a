"""The values of pullback programs: concrete `Array`s and the `Tracer`s of a trace.

Both carry an abstract value (shape, pb dtype, JAX's weak-type flag). A Tracer
stands for an `ir.Value` of the function its trace builds; it asks that trace
for a concrete value when Python needs one (`bool(x)`, `float(x)`), which only
a trace made outside jit can give (core.py). This module knows nothing about
traces beyond that one method, so everything else can import it.
"""
from __future__ import annotations

import ctypes
from typing import NamedTuple

import numpy as np
from mlir import ir

from pullback.dialects.types import MLIR_ELEMENT, TensorSpec, numpy_dtype

from . import dtypes, errors


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


class _Sequence:
    """len() and iteration over the leading axis, shared by Tracer and Array."""
    __slots__ = ()

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.shape[0]))


class Tracer(_Sequence):
    """A value of the function a trace builds (`trace.concrete_value` gives its value, if any)."""
    __slots__ = ("trace", "value", "aval", "__weakref__")
    __array_priority__ = 100

    def __init__(self, trace, value: ir.Value, aval: AbstractValue):
        self.trace = trace
        self.value = value
        self.aval = aval

    shape = property(lambda self: self.aval.shape)
    ndim = property(lambda self: len(self.aval.shape))
    size = property(lambda self: int(np.prod(self.aval.shape, dtype=np.int64)))
    dtype = property(lambda self: np.dtype(numpy_dtype(self.aval.dtype)))
    weak_type = property(lambda self: self.aval.weak)

    def _concrete(self, why: str, error=errors.ConcretizationTypeError) -> np.ndarray:
        return self.trace.concrete_value(self, why, error)

    def __bool__(self):
        return bool(self._concrete("the truth value of an array (bool())", errors.TracerBoolConversionError))

    def __float__(self):
        return float(self._concrete("float()"))

    def __int__(self):
        return int(self._concrete("int()", errors.TracerIntegerConversionError))

    def __complex__(self):
        return complex(self._concrete("complex()"))

    def __index__(self):
        if not dtypes.is_integer(self.aval.dtype):
            raise TypeError("only integer arrays can be used as an index")
        return int(self._concrete("__index__", errors.TracerIntegerConversionError))

    def __array__(self, dtype=None, copy=None):
        v = self._concrete("conversion to a numpy array", errors.TracerArrayConversionError)
        return v if dtype is None else v.astype(dtype)

    def item(self, *args):
        return self._concrete("the item() method of an array").item(*args)

    def tolist(self):
        return self._concrete("the tolist() method of an array", errors.TracerArrayConversionError).tolist()

    def __repr__(self):
        return f"Traced<{self.aval.str_short()}>"

    def __str__(self):
        if self.trace.concrete_backed and not self.trace.finished:
            return str(self._concrete("printing"))
        return repr(self)

    def __hash__(self):
        raise TypeError("unhashable type: a pullback tracer")


class Array(_Sequence):
    """A concrete array: a host buffer, its pb dtype and JAX's weak-type flag."""
    __slots__ = ("_value", "_dtype", "_weak", "_ptr", "_aval", "__weakref__")
    __array_priority__ = 100

    def __init__(self, value, dtype: str | None = None, weak: bool = False):
        v = np.asarray(value)
        if dtype is None:
            dtype = dtypes.canonicalize(v.dtype.name)
        store = numpy_dtype(dtype)
        if v.dtype != store or not v.flags.c_contiguous:
            v = np.asarray(v, dtype=store, order="C")  # not ascontiguousarray: it makes 0-d arrays 1-d
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


_char, _addressof = ctypes.c_char, ctypes.addressof
_as_is: dict = {}  # (numpy dtype, x64 mode) -> pb dtype when numpy stores it as pb does, else None


def _storage_dtype(x: np.ndarray) -> str | None:
    """The pb dtype of a numpy array that numpy stores exactly as pb does, else None."""
    key = (x.dtype, dtypes.x64_enabled())
    dt = _as_is.get(key, False)
    if dt is False:
        name = dtypes.canonicalize(x.dtype.name) if x.dtype.name in MLIR_ELEMENT else None
        dt = _as_is[key] = name if name is not None and numpy_dtype(name) == x.dtype else None
    return dt


_in_place_avals: dict = {}  # (numpy dtype, shape, x64 mode) -> aval of such an array read in place, or None


def numpy_in_place(x) -> tuple[AbstractValue, int] | None:
    """(aval, data pointer) of a writable C-contiguous numpy array a compiled call can read in
    place, without wrapping it in an Array; None for anything else. On every cached call with
    numpy arguments: the aval is looked up, not built (a sixth of a call with six arrays)."""
    if type(x) is not np.ndarray:
        return None
    key = (x.dtype, x.shape, dtypes.x64_enabled())
    aval = _in_place_avals.get(key, False)
    if aval is False:
        if len(_in_place_avals) >= 4096:  # bounded, whatever the variety of shapes seen
            _in_place_avals.clear()
        dt = _storage_dtype(x)
        aval = _in_place_avals[key] = None if dt is None else AbstractValue(x.shape, dt, False)
    if aval is None:
        return None
    try:  # the buffer of a writable C-contiguous array
        return aval, _addressof(_char.from_buffer(x))
    except (TypeError, ValueError, BufferError):
        return None


def borrow_array(x):
    """`to_array`, without copying a C-contiguous numpy array already in its storage dtype.
    Only for the arguments of a compiled call, which reads them and returns: a borrowed
    array must not outlive the call (a trace would capture it as a constant, which then
    changes when the caller writes into the numpy array)."""
    found = numpy_in_place(x)
    if found is not None:
        aval, ptr = found
        return Array._wrap(x, aval.dtype, False, ptr)
    return to_array(x)  # anything else: converted (copied where it must be)


__all__ = ["AbstractValue", "Array", "Literal", "Tracer", "borrow_array", "is_array", "numpy_in_place", "to_array"]
