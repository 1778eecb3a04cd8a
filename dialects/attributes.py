"""Conversion between Python values and the builtin attributes pb ops carry."""
from __future__ import annotations

import numpy as np
from mlir import ir

from .registry import ELEMENTS, I64, I64_ARRAY, STRING, SYMBOL, InferenceError
from .types import COMPLEX, MLIR_ELEMENT, ContextMemo, TensorSpec, numpy_dtype, spec_of_type, type_of_spec


def to_attr(kind: str, value) -> ir.Attribute:
    """Builtin attribute for a Python value (needs an active context)."""
    if kind == I64:
        return ir.IntegerAttr.get(ir.IntegerType.get_signless(64), int(value))
    if kind == I64_ARRAY:
        return ir.DenseI64ArrayAttr.get([int(v) for v in value])
    if kind == STRING:
        return ir.StringAttr.get(str(value))
    if kind == ELEMENTS:
        return elements_attr(value)
    if kind == SYMBOL:
        return ir.FlatSymbolRefAttr.get(str(value))
    raise ValueError(f"unknown attribute kind {kind}")


# Reading an array attribute element by element costs ~2 us; the transformations read the
# same few (dot_general's dimensions, say) for every op.
_I64_ARRAYS = ContextMemo()  # DenseI64ArrayAttr -> tuple of ints


def from_attr(kind: str, attr: ir.Attribute):
    """Python value of a builtin attribute."""
    if kind == I64:
        return ir.IntegerAttr(attr).value
    if kind == I64_ARRAY:
        return _I64_ARRAYS.get(attr, lambda: tuple(ir.DenseI64ArrayAttr(attr)))
    if kind == STRING:
        return ir.StringAttr(attr).value
    if kind == ELEMENTS:
        return elements_value(attr)
    if kind == SYMBOL:
        return ir.FlatSymbolRefAttr(attr).value
    raise ValueError(f"unknown attribute kind {kind}")


def elements_attr(value: "ConstantValue") -> ir.Attribute:
    spec = value.spec
    if spec.dtype not in MLIR_ELEMENT or spec.dtype in COMPLEX:
        # The Python bindings cannot hold complex dense attributes; the frontend
        # builds complex constants from real ones with pb.complex.
        raise InferenceError(f"constants of dtype {spec.dtype} are not supported")
    tensor_type = type_of_spec(spec)
    arr = value.array
    if arr.size > 1 and not any(arr.strides):
        # Every element is the same memory (a broadcast scalar, as pb.full makes): MLIR reads a
        # one-element buffer as that splat, the attribute a full buffer of equal elements is
        # uniqued to, without copying and scanning the whole array.
        arr = arr.flat[:1]
    arr = np.ascontiguousarray(arr)
    if spec.dtype == "bfloat16":  # the bindings take the raw bits of 16-bit types
        arr = arr.view(np.uint16)
    if spec.dtype == "bool":
        # The bindings reject numpy bool buffers with an explicit i1 type: splats are built
        # from their scalar, other arrays bit-packed by the bindings from their shape.
        if arr.size and (arr == arr.flat[0]).all():
            return ir.DenseElementsAttr.get_splat(tensor_type, ir.BoolAttr.get(bool(arr.flat[0])))
        return ir.DenseElementsAttr.get(arr.astype(bool))
    return ir.DenseElementsAttr.get(arr, type=tensor_type)


def elements_value(attr: ir.Attribute) -> "ConstantValue":
    dense = ir.DenseElementsAttr(attr)
    spec = spec_of_type(dense.type)
    if dense.is_splat:
        scalar = dense.get_splat_value().value
        arr = np.full(spec.shape, bool(scalar) if spec.dtype == "bool" else scalar,
                      dtype=numpy_dtype(spec.dtype))
    else:
        arr = np.array(dense).astype(numpy_dtype(spec.dtype), copy=False).reshape(spec.shape)
    return ConstantValue(arr, spec)


class ConstantValue:
    """The value attribute of pb.constant: a host array and its pb spec.

    A wrapper rather than a bare ndarray: the spec is the pb one even where numpy's dtype
    name differs (bool constants of the bindings, say).
    """
    __slots__ = ("array", "spec")

    def __init__(self, array, spec: TensorSpec | None = None):
        self.array = np.asarray(array)
        self.spec = spec or TensorSpec(self.array.shape, np.dtype(self.array.dtype).name)

    def __repr__(self):
        return f"ConstantValue({self.array!r}, {self.spec})"
