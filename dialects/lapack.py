"""Lowering helpers for the linear-algebra ops: LAPACKE / CBLAS calls in a batch loop.

JAX's CPU backend calls LAPACK; so do we. The scipy-openblas32 wheel that already serves
the BLAS matmuls (passes/blas.py) ships LAPACKE with every routine under a `scipy_` prefix,
so each op lowers (at the tensor level, inside pb-to-linalg) to:

    fresh buffers (memref.alloc) holding copies of the operands LAPACK overwrites;
    an scf.for over the flattened batch calling `scipy_LAPACKE_?xxx` (or `scipy_cblas_?xxx`)
    on each member's pointers, row-major, storing the returned `info` per member;
    bufferization.to_tensor (restrict) of the buffers, which the op's rule post-processes
    with ordinary linalg (masking a triangle, NaN where `info` reports a failure).

The callee is a private func.func declaration with pointer and i32 arguments, so the
runtime (runtime/engine.py) loads the library into the process once and the disk
cache links it into its entries, exactly as for the gemm calls. One parametrised helper,
`batched_call`, serves every routine; the routines differ only in their argument lists.
"""
from __future__ import annotations

import os
from typing import Callable, Sequence

from mlir import ir
from mlir.dialects import arith, bufferization, func, llvm, memref

from .ir import declare, functions
from .lowering import Lowering, for_each, index_constant, scalar_type
from .types import TensorSpec

# OpenBLAS's worker threads spin while they wait: beside the async runtime's pool on a small
# machine one spun for minutes and starved the process. One thread per call, until its
# threading is tuned (read when the library is loaded, after this import).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

try:  # optional at run time: without the wheel, matmuls keep generated kernels
    import scipy_openblas32
except ImportError:
    scipy_openblas32 = None


def library_path() -> str | None:
    """libscipy_openblas.so of the scipy-openblas32 wheel (BLAS, LAPACK, LAPACKE), or None."""
    if scipy_openblas32 is None:
        return None
    path = os.path.join(os.path.dirname(scipy_openblas32.__file__), "lib", "libscipy_openblas.so")
    return path if os.path.exists(path) else None

ROW_MAJOR, COL_MAJOR = 101, 102
LETTER = {"float32": "s", "float64": "d", "complex64": "c", "complex128": "z"}
ELEMENT_BYTES = {"float32": 4, "float64": 8, "complex64": 8, "complex128": 16, "int32": 4}


def lapacke(routine: str, dtype: str) -> str:
    return f"scipy_LAPACKE_{LETTER[dtype]}{routine}"


def cblas(routine: str, dtype: str) -> str:
    return f"scipy_cblas_{LETTER[dtype]}{routine}"


def i32(v) -> ir.Value:
    return arith.ConstantOp(ir.IntegerType.get_signless(32), int(v)).result


def char(c: str) -> ir.Value:
    return arith.ConstantOp(ir.IntegerType.get_signless(8), ord(c)).result


def ptr_type() -> ir.Type:
    return llvm.PointerType.get()


def _module_of_insertion_point():
    op = ir.InsertionPoint.current.block.owner
    while op is not None and op.name != "builtin.module":
        op = op.parent
    return op


def _ensure_declared(symbol: str, arg_types, result_types) -> None:
    module = _module_of_insertion_point()
    if symbol not in functions(module):
        declare(module, symbol, arg_types, result_types)


def _memref_type(spec: TensorSpec) -> ir.MemRefType:
    return ir.MemRefType.get(list(spec.shape), scalar_type(spec.dtype))


def fresh_buffer(spec: TensorSpec, init: ir.Value | None = None) -> ir.Value:
    """A new buffer of `spec`, holding a copy of the tensor `init` when given."""
    buf = memref.AllocOp(_memref_type(spec), [], []).result
    if init is not None:
        bufferization.MaterializeInDestinationOp(None, init, buf, restrict=True, writable=True)
    return buf


def read_buffer(spec: TensorSpec, value: ir.Value) -> ir.Value:
    """The buffer of the tensor `value` for a routine that only reads it: no copy, unlike fresh_buffer."""
    return bufferization.ToBufferOp(_memref_type(spec), value, read_only=True).result


def as_tensor(buf: ir.Value, spec: TensorSpec) -> ir.Value:
    t = ir.RankedTensorType.get(list(spec.shape), scalar_type(spec.dtype))
    return bufferization.ToTensorOp(t, buf, restrict=True, writable=True).result


def _member_pointer(buf: ir.Value, spec: TensorSpec, b: ir.Value) -> ir.Value:
    """Pointer to member `b` (the leading dimension) of a row-major buffer."""
    index = ir.IndexType.get()
    base = memref.ExtractAlignedPointerAsIndexOp(buf).result
    stride = 1
    for d in spec.shape[1:]:
        stride *= d
    step = arith.ConstantOp(index, stride * ELEMENT_BYTES[spec.dtype]).result
    address = arith.AddIOp(base, arith.MulIOp(b, step).result).result
    i64 = ir.IntegerType.get_signless(64)
    return llvm.IntToPtrOp(ptr_type(), arith.IndexCastOp(i64, address).result).result


def scalar_pointer(value: float | complex, dtype: str) -> ir.Value:
    """A pointer to a stack slot holding one scalar (cblas takes complex alphas by pointer)."""
    slot = memref.AllocaOp(ir.MemRefType.get([1], scalar_type(dtype)), [], []).result
    zero = arith.ConstantOp(ir.IndexType.get(), 0).result
    memref.StoreOp(Lowering().constant(value, dtype), slot, [zero])
    return _member_pointer(slot, TensorSpec((1,), dtype), zero)


def batched_call(symbol: str, buffers: Sequence[tuple[ir.Value, TensorSpec]],
                 args: Callable[[list], list], *, info: ir.Value | None = None) -> None:
    """Call `symbol(*args(pointers))` once per member of the leading (batch) dimension.

    `buffers` are memrefs whose dimension 0 is the batch; `args` receives each member's
    pointers (one per buffer, in order) and returns the full argument list, of i32, i8,
    pointer or float values. When `info` (a memref<B x i32>) is given the routine returns
    an i32 stored there per member; otherwise it returns nothing.
    """
    def member(b):
        pointers = [_member_pointer(buf, s, b) for buf, s in buffers]
        values = list(args(pointers))
        results = [ir.IntegerType.get_signless(32)] if info is not None else []
        _ensure_declared(symbol, [v.type for v in values], results)
        call = func.CallOp(results, symbol, values)
        if info is not None:
            memref.StoreOp(call.results[0], info, [b])

    for_each(index_constant(0), index_constant(buffers[0][1].shape[0]), member)
