"""pb-widen-bool-memrefs: keep booleans in memory as bytes.

Booleans are i1 in tensors and arith, but memref stores of i1 do not lower
to LLVM (MemRefToLLVM asserts on sub-byte stores), and host arrays of bools
are one byte per element anyway. After bufferization and loop lowering, this
pass retypes every memref of i1 to a memref of i8, widens stored values with
extui and narrows loaded ones with trunci (values stay 0 or 1).
"""
from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import arith

from pullback.dialects.ir import retype_values

from .registry import register_pass


def _i1():
    return ir.IntegerType.get_signless(1)


def _i8():
    return ir.IntegerType.get_signless(8)


def _is_i1(t) -> bool:
    return isinstance(t, ir.IntegerType) and t.width == 1


def _widen(t: ir.Type) -> ir.Type:
    if isinstance(t, ir.MemRefType) and _is_i1(t.element_type):
        return ir.MemRefType.get(t.shape, _i8(), t.layout, t.memory_space)
    if isinstance(t, ir.UnrankedMemRefType) and _is_i1(t.element_type):
        return ir.UnrankedMemRefType.get(_i8(), t.memory_space)
    return t


def _widen_global(op) -> None:
    t = ir.TypeAttr(op.attributes["type"]).value
    if not (isinstance(t, ir.MemRefType) and _is_i1(t.element_type)):
        return
    op.attributes["type"] = ir.TypeAttr.get(_widen(t))
    if "initial_value" in op.attributes:
        init = op.attributes["initial_value"]
        if isinstance(init, ir.DenseElementsAttr):
            dense = ir.DenseElementsAttr(init)
            shape = list(t.shape)
            if dense.is_splat:
                values = np.full(shape, 1 if dense.get_splat_value().value else 0, np.int8)
            else:
                values = np.asarray(np.array(dense), dtype=np.int8).reshape(shape)
            op.attributes["initial_value"] = ir.DenseElementsAttr.get(
                values, type=ir.RankedTensorType.get(shape, _i8()))


@register_pass("pb-widen-bool-memrefs", "Store booleans as i8 in memrefs (after bufferization)")
def widen_bool_memrefs(module_op) -> None:
    with ir.Location.unknown():
        _widen_module(module_op)


def _widen_module(module_op) -> None:
    loads, stores = [], []

    def visit(op):
        op = op.operation
        retype_values(op, _widen)  # (the pass runs before functions become llvm.func)
        name = op.name
        if name == "memref.global":
            _widen_global(op)
        elif name in ("memref.load", "vector.load", "vector.transfer_read", "affine.load"):
            loads.append(op)
        elif name in ("memref.store", "vector.store", "vector.transfer_write", "affine.store"):
            stores.append(op)
        return ir.WalkResult.ADVANCE

    module_op.walk(visit)
    for op in loads:
        r = op.results[0]
        narrow = _narrow_type(r.type)
        if narrow is None or not isinstance(op.operands[0].type, ir.MemRefType):
            continue  # not a bool, or a vector transfer of a tensor (left as it is)
        wide = _wide_value_type(r.type)
        r.set_type(wide)
        if op.name == "vector.transfer_read":  # its padding has the memref's element type
            for i, v in enumerate(op.operands):
                if _is_i1(v.type):
                    with ir.InsertionPoint(op), op.location:
                        op.operands[i] = arith.extui(_i8(), v)
        with ir.InsertionPoint.after(op), op.location:
            t = arith.trunci(narrow, r)
        r.replace_all_uses_except(t, t.owner.operation)
    for op in stores:
        v = op.operands[0]
        if _narrow_type(v.type) is None or not isinstance(op.operands[1].type, ir.MemRefType):
            continue
        with ir.InsertionPoint(op), op.location:
            w = arith.extui(_wide_value_type(v.type), v)
        op.operands[0] = w


def _narrow_type(t):
    """The i1 (vector) type of a loaded/stored value that needs converting, else None."""
    if _is_i1(t):
        return t
    if isinstance(t, ir.VectorType) and _is_i1(t.element_type):
        return t
    return None


def _wide_value_type(t):
    if isinstance(t, ir.VectorType):
        return ir.VectorType.get(t.shape, _i8())
    return _i8()
