"""Element types and tensor specs of the pb dialect.

The dialect works on builtin ranked tensors. Python code (the op tables,
the tracer, the runtime) talks about them through `TensorSpec`, a plain
(shape, dtype) pair keyed by numpy-style dtype names, so shape and dtype
inference never needs an MLIR context.
"""
from __future__ import annotations

from typing import NamedTuple

import ml_dtypes
import numpy as np
from mlir import ir

# dtype name -> MLIR element type spelling. Order matters for promotion only in
# the frontend; here it is just the closed set the dialect accepts.
MLIR_ELEMENT = {
    "bool": "i1",
    "int8": "i8",
    "int16": "i16",
    "int32": "i32",
    "int64": "i64",
    "uint8": "ui8",
    "uint16": "ui16",
    "uint32": "ui32",
    "uint64": "ui64",
    "float16": "f16",
    "bfloat16": "bf16",
    "float32": "f32",
    "float64": "f64",
    "complex64": "complex<f32>",
    "complex128": "complex<f64>",
}
DTYPE_OF_ELEMENT = {v: k for k, v in MLIR_ELEMENT.items()}

FLOATS = frozenset({"float16", "bfloat16", "float32", "float64"})
COMPLEX = frozenset({"complex64", "complex128"})
INEXACT = FLOATS | COMPLEX
SIGNED = frozenset({"int8", "int16", "int32", "int64"})
UNSIGNED = frozenset({"uint8", "uint16", "uint32", "uint64"})
INTEGERS = SIGNED | UNSIGNED
BOOL = frozenset({"bool"})
ALL = frozenset(MLIR_ELEMENT)
NUMERIC = ALL - BOOL

BFLOAT16 = np.dtype(ml_dtypes.bfloat16)

# Byte offsets are signed 64-bit in generated code (and MLIR's size arithmetic overflows
# past them): larger arrays are rejected before any MLIR call.
MAX_ARRAY_BYTES = (1 << 63) - 1

# complex <-> its real component type
REAL_OF_COMPLEX = {"complex64": "float32", "complex128": "float64"}

BITWIDTH = {"bool": 1, "int8": 8, "int16": 16, "int32": 32, "int64": 64, "uint8": 8, "uint16": 16,
            "uint32": 32, "uint64": 64, "float16": 16,
            "bfloat16": 16, "float32": 32, "float64": 64, "complex64": 64, "complex128": 128}


def numpy_dtype(dtype: str) -> np.dtype:
    """The host numpy dtype that holds `dtype` (bfloat16 is ml_dtypes', as in JAX: the same
    bits as MLIR's bf16, so a buffer passes as is and users see values, not bit patterns)."""
    if dtype == "bfloat16":
        return BFLOAT16
    return np.dtype(dtype)


def dtype_name(dt) -> str:
    """Canonical dtype name of a numpy dtype, a Python type or a name."""
    if isinstance(dt, str) and dt in MLIR_ELEMENT:
        return dt
    name = np.dtype(dt).name
    if name not in MLIR_ELEMENT:
        raise TypeError(f"dtype {name} is not supported by pullback")
    return name


class TensorSpec(NamedTuple):
    """Static shape and dtype of a pb value."""
    shape: tuple
    dtype: str

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def nbytes(self) -> int:
        return self.size * max(BITWIDTH[self.dtype] // 8, 1)

    @property
    def size(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n

    def mlir(self) -> str:
        """Spelling of the builtin tensor type, e.g. tensor<2x3xf32>."""
        dims = "".join(f"{d}x" for d in self.shape)
        return f"tensor<{dims}{MLIR_ELEMENT[self.dtype]}>"

    def with_dtype(self, dtype: str) -> "TensorSpec":
        return TensorSpec(self.shape, dtype)

    def with_shape(self, shape) -> "TensorSpec":
        return TensorSpec(tuple(shape), self.dtype)

    def __str__(self) -> str:
        return f"{self.dtype}{list(self.shape)}"


class ContextMemo:
    """A memo of values computed from one MLIR context's types and attributes.

    Parsing and printing MLIR types costs microseconds per call and the passes do it for
    every value they touch; types are uniqued per context, so a dict keyed by them (or by
    what they are built from) answers in nanoseconds. The entries keep their context
    alive, so the memo holds one context's at a time: asked for another (another thread's,
    a fresh one), it starts over rather than keeping dead programs' contexts around."""

    def __init__(self):
        self._current = (None, {})  # (context, entries), replaced as one: threads may race

    def of(self, context: ir.Context) -> dict:
        """The entries of `context` (empty when the last call was for another one)."""
        owner, entries = self._current
        if owner is not context:
            entries = {}
            self._current = (context, entries)
        return entries

    def get(self, key, build):
        """The entry for `key` in the current context; build() makes it the first time (and
        every time for an unhashable key, a shape given as a list say)."""
        entries = self.of(ir.Context.current)
        try:
            value = entries.get(key)
        except TypeError:
            return build()
        if value is None:
            value = entries[key] = build()
        return value


_SPECS = ContextMemo()  # ir.RankedTensorType -> TensorSpec
_TENSOR_TYPES = ContextMemo()  # TensorSpec -> ir.RankedTensorType


def spec_of_type(t) -> TensorSpec:
    """TensorSpec of an `ir.Type` that is a static ranked tensor."""
    if not isinstance(t, ir.RankedTensorType):
        raise TypeError(f"expected a ranked tensor type, got {t}")
    specs = _SPECS.of(t.context)
    spec = specs.get(t)
    if spec is None:
        spec = specs[t] = _spec_of_ranked_tensor(t)
    return spec


def _spec_of_ranked_tensor(rt: ir.RankedTensorType) -> TensorSpec:
    if not rt.has_static_shape:
        raise TypeError(f"expected a static shape, got {rt}")
    if rt.encoding is not None:  # pb values are plain dense arrays: an encoding would be dropped
        raise TypeError(f"expected a tensor without an encoding, got {rt}")
    elt = str(rt.element_type)
    if elt not in DTYPE_OF_ELEMENT:
        raise TypeError(f"element type {elt} is not supported by the pb dialect")
    return TensorSpec(tuple(rt.shape), DTYPE_OF_ELEMENT[elt])


def type_of_spec(spec: TensorSpec) -> ir.RankedTensorType:
    """The builtin tensor type of a spec (`spec.mlir()` parsed) in the current context."""
    return _TENSOR_TYPES.get(spec, lambda: ir.Type.parse(spec.mlir()))
