"""pb-gpu-check-ops: reject pb ops that have no GPU lowering, naming the op and its source line.

The linear-algebra ops (dialects/ops/linalg.py, lu.py) lower to calls of the host's LAPACK
(dialects/lapack.py): on the GPU path those calls would land in host code touching device
buffers, or in kernels that cannot call a shared library. Until they get GPU lowerings the
GPU pipeline runs this check right before pb-to-linalg (after the transformations, whose
rules may introduce such ops), so compiling one for the GPU fails with a clear
NotImplementedError instead of a crash deep in codegen.
"""
from __future__ import annotations

from mlir import ir

from pullback.dialects import registry

from .registry import PassFailure, register_pass

# family -> why it is CPU-only (pb.fft's generated kernels are host functions on host buffers)
CPU_ONLY_FAMILIES = {"linalg": "it calls LAPACK on the host", "fft": "its kernels are generated for the host CPU"}


def cpu_only(name: str) -> bool:
    op = registry.OPS.get(name)
    return op is not None and op.family in CPU_ONLY_FAMILIES


@register_pass("pb-gpu-check-ops", "Fail on pb ops that have no GPU lowering (linear algebra), naming the op")
def gpu_check_ops(module_op) -> None:
    found = []

    def visit(op):
        name = op.operation.name
        if name.startswith("pb.") and cpu_only(name[3:]):
            found.append(op.operation)
            return ir.WalkResult.INTERRUPT
        return ir.WalkResult.ADVANCE

    module_op.walk(visit)
    if found:
        op = found[0]
        why = CPU_ONLY_FAMILIES[registry.OPS[op.name[3:]].family]
        raise PassFailure(f"'{op.name}' has no GPU lowering yet ({why}): run it on the CPU target", op.location,
                          error_type=NotImplementedError)
