"""IR queries and builders the pb-gpu-* passes share (see `gpu_pipeline` for their order).

Which ops view, describe or access buffer memory; walking and ancestry; the index
constants and empty `scf.parallel` loops the passes build.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, scf

from pullback.dialects.ir import functions, is_declaration, is_private

# Ops whose result 0 is a view of operand 0's memory.
VIEW_OPS = {"memref.subview", "memref.expand_shape", "memref.collapse_shape", "memref.cast",
            "memref.reinterpret_cast", "memref.transpose", "memref.view", "memref.memory_space_cast",
            "memref.extract_strided_metadata"}
# Ops that read a buffer's metadata, never its data.
METADATA_OPS = {"memref.dim", "memref.rank", "memref.extract_aligned_pointer_as_index"}
# Ops that read or write buffer data.
ACCESS_OPS = {"memref.load", "memref.store", "memref.copy", "memref.atomic_rmw",
              "memref.generic_atomic_rmw", "affine.load", "affine.store", "vector.load",
              "vector.store", "vector.transfer_read", "vector.transfer_write"}
KERNEL_OPS = ("gpu.launch", "gpu.func", "gpu.module")  # code inside these runs on the GPU already


def parent_op(op):
    p = op.operation.parent
    return p.operation if p is not None else None


def inside(op, names: tuple) -> bool:
    p = parent_op(op)
    while p is not None:
        if p.name in names:
            return True
        p = parent_op(p)
    return False


def defined_functions(module_op, public_only: bool = False):
    """The module's func.funcs with a body (only the public ones, with `public_only`)."""
    for fn in functions(module_op).values():
        if not is_declaration(fn) and not (public_only and is_private(fn)):
            yield fn


def walk(op, fn) -> None:
    def visit(o):
        fn(o.operation)
        return ir.WalkResult.ADVANCE
    op.operation.walk(visit)


def index_constant(n: int) -> ir.Value:
    return arith.constant(ir.IndexType.get(), n)


def parallel_loop(lower, upper, step) -> tuple:
    """An empty scf.parallel at the insertion point: (op, body block); the body ends in scf.reduce."""
    loop = scf.ParallelOp([], lower, upper, step, [])
    body = ir.Block.create_at_start(loop.regions[0], [ir.IndexType.get()] * len(lower))
    with ir.InsertionPoint(body):
        scf.ReduceOp([], 0)
    return loop, body


def terminator(block):
    ops = list(block.operations)
    return ops[-1].operation
