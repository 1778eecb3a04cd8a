"""pb-internal-linkage: private LLVM functions get internal linkage.

Runs on the LLVM dialect. `func.func private` lowers to an `llvm.func` that keeps external
linkage, and the ExecutionEngine writes a packed `_mlir_<name>` wrapper for every function
with external linkage: one per kernel, BLAS wrapper and parallel body, doubling the
functions LLVM compiles (a two-layer MLP's gradient: 120 -> 70 ms of LLVM time once they
are internal). Only public functions are entry points a caller looks up; everything else
becomes internal, which also lets LLVM drop what no one calls. Internal functions are kept
`noinline`: LLVM inlines an internal function with one call site almost whatever its size,
and kernels merged into their callers gave loop nests whose unrolling took minutes (a
float16 sampler under jit(vmap): 46 -> 101 s to compile).
"""
from __future__ import annotations

from mlir import ir

from .registry import register_pass


@register_pass("pb-internal-linkage", "Give private llvm.func definitions internal linkage "
               "(no packed wrapper per function)")
def internal_linkage(module_op) -> None:
    internal = ir.Attribute.parse("#llvm.linkage<internal>")
    external = ir.Attribute.parse("#llvm.linkage<external>")
    for op in module_op.regions[0].blocks[0].operations:
        op = op.operation
        if op.name != "llvm.func" or not op.regions[0].blocks:
            continue
        if "linkage" in op.attributes and op.attributes["linkage"] != external:
            continue  # a linkage of its own (weak, linkonce, ...) is deliberate
        visibility = op.attributes["sym_visibility"] if "sym_visibility" in op.attributes else None
        if visibility is not None and ir.StringAttr(visibility).value == "private":
            op.attributes["linkage"] = internal
            _add_passthrough(op, "noinline")


def _add_passthrough(op, name: str) -> None:
    """Add an LLVM function attribute to an llvm.func's passthrough list (once)."""
    present = list(op.attributes["passthrough"]) if "passthrough" in op.attributes else []
    if not any(isinstance(a, ir.StringAttr) and a.value == name for a in present):
        op.attributes["passthrough"] = ir.ArrayAttr.get(present + [ir.StringAttr.get(name)])
