"""pb-strided-copies: copies into or out of strided views become row memcpys.

Runs after bufferization. A `memref.copy` between buffers that are not both contiguous
(the interior of a pad, a piece of a concatenation, a transposed view) lowers upstream to
a call of the runtime's generic `memrefCopy`, which walks the elements one by one through
their descriptors: a 25 MB pad of a convolution's input took 20 ms. Where both sides share
a contiguous innermost run of at least `MIN_RUN_BYTES`, the copy becomes a loop of
`llvm.intr.memcpy` calls, one per run, on addresses computed from the buffers' static
strides; a copy of at least `PARALLEL_BYTES` runs its loop on the async runtime's thread
pool. The loops capture integer addresses only, never views (the bare-pointer calling
convention cannot pass a view's offset to the outlined parallel body).
"""
from __future__ import annotations

import math

from mlir import ir
from mlir.dialects import arith, llvm, memref, scf

from pullback.dialects.ir import ops_named

from .blas import cores as cores_option
from .gpu_ir import index_constant, parallel_loop, terminator
from .registry import register_pass

MIN_RUN_BYTES = 32  # shorter runs: a memcpy call per run costs more than memrefCopy's loop
PARALLEL_BYTES = 1 << 20


def _layout(t: ir.MemRefType):
    """(strides, offset) when static, else None."""
    strides, offset = t.get_strides_and_offset()
    if any(t.is_dynamic_stride_or_offset(s) for s in [*strides, offset]):
        return None
    return strides, offset


def contiguous_trailing_dims(shape, *stride_lists) -> int:
    """How many trailing dimensions are laid out row-major and contiguous in every layout."""
    count, expected = 0, 1
    for d in range(len(shape) - 1, -1, -1):
        if any(strides[d] != expected for strides in stride_lists) and shape[d] != 1:
            break
        expected *= shape[d]
        count += 1
    return count


def _address(buf: ir.Value, offset: int, nbytes: int) -> ir.Value:
    """The i64 address of a buffer's element at `offset` from its aligned pointer."""
    i64 = ir.IntegerType.get_signless(64)
    base = arith.IndexCastOp(i64, memref.ExtractAlignedPointerAsIndexOp(buf).result).result
    return arith.AddIOp(base, arith.ConstantOp(i64, offset * nbytes).result).result if offset else base


def _row_copy(flat: ir.Value, outer: list[int], src_strides, dst_strides, src, dst, run_bytes: int,
              nbytes: int) -> None:
    """memcpy of run `flat` (row-major over the outer dimensions) from src to dst addresses."""
    i64 = ir.IntegerType.get_signless(64)
    indices, rest = [], flat
    for size in reversed(outer[1:]):  # delinearize, innermost first
        indices.append(arith.RemUIOp(rest, index_constant(size)).result)
        rest = arith.DivUIOp(rest, index_constant(size)).result
    indices = [arith.IndexCastOp(i64, i).result for i in [rest] + indices[::-1]]

    def address(base, strides):
        for i, stride in zip(indices, strides):
            base = arith.AddIOp(base, arith.MulIOp(i, arith.ConstantOp(i64, stride * nbytes).result).result).result
        return llvm.IntToPtrOp(llvm.PointerType.get(), base).result
    llvm.MemcpyOp(address(dst, dst_strides), address(src, src_strides), arith.ConstantOp(i64, run_bytes).result,
                  False)


def _rewrite(op, parts: int) -> bool:
    src, dst = op.operands
    st, dt = ir.MemRefType(src.type), ir.MemRefType(dst.type)
    if not (st.has_static_shape and dt.has_static_shape) or st.rank == 0:
        return False
    layouts = _layout(st), _layout(dt)
    if None in layouts:
        return False
    (ss, so), (ds, do) = layouts
    shape = list(st.shape)
    trailing = contiguous_trailing_dims(shape, ss, ds)
    if trailing == len(shape):
        return False  # both contiguous: upstream lowers it to one memcpy already
    nbytes = st.element_type.width // 8 if hasattr(st.element_type, "width") else 0
    if nbytes == 0 or st.element_type.width % 8:
        return False
    run_bytes = math.prod(shape[len(shape) - trailing:]) * nbytes
    if run_bytes < MIN_RUN_BYTES or 0 in shape:
        return False
    outer = shape[:len(shape) - trailing]
    count = math.prod(outer)
    with ir.InsertionPoint(op), op.location:
        src_base, dst_base = _address(src, so, nbytes), _address(dst, do, nbytes)
        if parts > 1 and count * run_bytes >= PARALLEL_BYTES and count > 1:
            _, body = parallel_loop([index_constant(0)], [index_constant(count)], [index_constant(1)])
            at = ir.InsertionPoint(terminator(body))
        else:
            loop = scf.ForOp(index_constant(0), index_constant(count), index_constant(1))
            body = loop.body
            with ir.InsertionPoint(body):
                scf.YieldOp([])
            at = ir.InsertionPoint(terminator(body))
        with at:
            _row_copy(body.arguments[0], outer, ss, ds, src_base, dst_base, run_bytes, nbytes)
    op.erase()
    return True


@register_pass("pb-strided-copies", "Turn memref.copy between strided views into loops of row memcpys")
def strided_copies(module_op, cores: str = "0") -> None:
    """`cores`: 1 keeps every loop serial (0: the host's cores decide)."""
    parts = cores_option(cores)
    for op in ops_named(module_op, ("memref.copy",)):
        _rewrite(op, parts)

