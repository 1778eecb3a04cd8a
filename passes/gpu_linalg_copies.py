"""pb-gpu-linalg-copies: `memref.copy` becomes `linalg.copy`, so that copies become
parallel loops, hence kernels; a host `memref.copy` would read device memory on the CPU.
Part of the GPU pipeline (`gpu_pipeline`), after bufferization.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import linalg

from .gpu_ir import KERNEL_OPS, inside, walk
from .registry import register_pass


@register_pass("pb-gpu-linalg-copies", "Turn memref.copy into linalg.copy, so that copies run as kernels")
def linalg_copies(module_op) -> None:
    copies = []
    walk(module_op, lambda op: copies.append(op) if op.name == "memref.copy" and not inside(
        op, KERNEL_OPS) else None)
    for op in copies:
        with ir.InsertionPoint(op), op.location:
            linalg.copy(op.operands[0], outs=[op.operands[1]])
        op.erase()
