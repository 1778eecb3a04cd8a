"""pb-blas-calls: matmuls marked by pb-outline-blas-matmuls become OpenBLAS calls.

Runs after bufferization. Each marked `linalg.matmul` / `linalg.batch_matmul` on memrefs
with unit inner strides becomes one call of `scipy_cblas_?gemm` (`?gemm_batch_strided` for
a batch) on the buffers' aligned pointers, row-major, with `trans` flags read from its
indexing maps and beta = 0, so the zero fill of its output (when it immediately precedes
the matmul) is dropped. The library is declared as private functions and loaded by the
runtime (runtime/engine.py) when a module calls it. A marked matmul that cannot be called
(a layout with a non-unit inner stride) stays a matmul and lowers to loops: slower, never wrong.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, llvm, memref

from pullback.dialects.ir import call, declare, functions

from . import blas
from .registry import register_pass

ROW_MAJOR, NO_TRANS, TRANS = 101, 111, 112


def _i32(v: int) -> ir.Value:
    return arith.ConstantOp(ir.IntegerType.get_signless(32), v).result


def _float(element: ir.Type, v: float) -> ir.Value:
    return arith.ConstantOp(element, v).result


def _pointer(buf: ir.Value, offset: int, element_bytes: int) -> ir.Value:
    """An !llvm.ptr to the first element of a memref (its aligned pointer plus offset)."""
    index = memref.ExtractAlignedPointerAsIndexOp(buf).result
    i64 = ir.IntegerType.get_signless(64)
    address = arith.IndexCastOp(i64, index).result
    if offset:
        address = arith.AddIOp(address, arith.ConstantOp(i64, offset * element_bytes).result).result
    return llvm.IntToPtrOp(llvm.PointerType.get(), address).result


def _layout(t: ir.MemRefType):
    """(strides, offset) when static and the innermost stride is 1, else None."""
    strides, offset = t.get_strides_and_offset()
    if any(t.is_dynamic_stride_or_offset(s) for s in [*strides, offset]) or strides[-1] != 1:
        return None
    return strides, offset


def _transposed(op, operand: int) -> bool:
    """Whether operand 0 (A) or 1 (B) is read transposed: its innermost dimension is not the
    one row-major storage has innermost (k for A, n for B; loops are (batch,) m, n, k)."""
    m = ir.AffineMapAttr(ir.ArrayAttr(op.attributes["indexing_maps"])[operand]).value
    k, n = m.n_dims - 1, m.n_dims - 2
    return m.results[-1].position != (k if operand == 0 else n)


def _gemm_type(element: ir.Type, batched: bool) -> tuple[list, list]:
    i32, ptr = ir.IntegerType.get_signless(32), llvm.PointerType.get()
    if batched:
        return [i32] * 6 + [element, ptr, i32, i32, ptr, i32, i32, element, ptr, i32, i32, i32], []
    return [i32] * 6 + [element, ptr, i32, ptr, i32, element, ptr, i32], []


def _rewrite(op, declared: set, module_op) -> bool:
    a, b, c = op.operands
    types = [ir.MemRefType(v.type) for v in (a, b, c)]
    layouts = [_layout(t) for t in types]
    if None in layouts:
        return False
    element = types[2].element_type
    batched = op.name == "linalg.batch_matmul"
    symbol = blas.gemm_symbol(str(element), batched)
    if symbol not in declared:
        declare(module_op, symbol, *_gemm_type(element, batched))
        declared.add(symbol)
    nbytes = element.width // 8
    ta, tb = _transposed(op, 0), _transposed(op, 1)
    *_, m, n = types[2].shape
    k = types[0].shape[-2] if ta else types[0].shape[-1]
    (sa, oa), (sb, ob), (sc, oc) = layouts
    _drop_preceding_fill(op, c)
    with ir.InsertionPoint(op), op.location:
        pa, pb, pc = (_pointer(v, o, nbytes) for v, (_, o) in zip((a, b, c), layouts))
        head = [_i32(ROW_MAJOR), _i32(TRANS if ta else NO_TRANS), _i32(TRANS if tb else NO_TRANS),
                _i32(m), _i32(n), _i32(k), _float(element, 1.0)]
        if batched:
            args = head + [pa, _i32(sa[-2]), _i32(sa[0]), pb, _i32(sb[-2]), _i32(sb[0]),
                           _float(element, 0.0), pc, _i32(sc[-2]), _i32(sc[0]), _i32(types[2].shape[0])]
        else:
            args = head + [pa, _i32(sa[-2]), pb, _i32(sb[-2]), _float(element, 0.0), pc, _i32(sc[-2])]
        call(symbol, args, [])
    op.erase()
    return True


def _drop_preceding_fill(op, out: ir.Value) -> None:
    """beta = 0 overwrites the output: a zero fill of it right before the matmul is dead."""
    prev = None
    for o in op.block.operations:
        if o.operation == op:
            break
        prev = o.operation
    if prev is not None and prev.name == "linalg.fill" and prev.operands[1] == out:
        prev.erase()


@register_pass("pb-blas-calls", "Turn matmuls marked pb.blas into OpenBLAS cblas_?gemm calls (after bufferization)")
def blas_calls(module_op) -> None:
    marked = []

    def visit(op):
        if blas.MARK in op.attributes and op.name in ("linalg.matmul", "linalg.batch_matmul"):
            marked.append(op.operation)
        return ir.WalkResult.ADVANCE

    module_op.walk(visit)
    declared = set(functions(module_op))
    for op in marked:
        _rewrite(op, declared, module_op)
