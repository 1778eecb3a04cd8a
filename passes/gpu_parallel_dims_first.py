"""pb-gpu-parallel-dims-first (after `linalg-generalize-named-ops`): parallel dimensions first.

`convert-linalg-to-parallel-loops` nests loops in iterator order: a reduction
dimension before a parallel one (a sum over axis 0, as for bias gradients) would
become a host loop launching one kernel per step. `linalg.generic`s are
interchanged (transform dialect) so that parallel dimensions come first.
Part of the GPU pipeline (`gpu_pipeline`).
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects.transform import interpreter

from .gpu_ir import KERNEL_OPS, inside
from .registry import register_pass

MARK = "__pb_gpu_interchange__"


def _iterator_kinds(op) -> list[str]:
    return ["parallel" if "parallel" in str(a) else "reduction" for a in ir.ArrayAttr(op.attributes["iterator_types"])]


@register_pass("pb-gpu-parallel-dims-first",
               "Interchange linalg.generic loops so that parallel dimensions are outermost")
def parallel_dims_first(module_op) -> None:
    """convert-linalg-to-parallel-loops nests loops in iterator order, so a reduction
    dimension before a parallel one (a sum over axis 0) would become a host loop launching
    one kernel per step; interchanged, it is a sequential loop inside each thread."""
    targets = []

    def visit(op):
        op = op.operation
        if op.name == "linalg.generic" and not inside(op, KERNEL_OPS):
            kinds = _iterator_kinds(op)
            perm = [i for i, k in enumerate(kinds) if k == "parallel"] + \
                   [i for i, k in enumerate(kinds) if k != "parallel"]
            if perm != sorted(perm):
                targets.append((op, perm))
        return ir.WalkResult.ADVANCE
    module_op.walk(visit)

    def unmark(op):
        op = op.operation
        if MARK in op.attributes:
            del op.attributes[MARK]
        return ir.WalkResult.ADVANCE
    for op, perm in targets:  # one op at a time: the interchanged op keeps the mark
        op.attributes[MARK] = ir.UnitAttr.get()
        script = ir.Module.parse(
            "module attributes {transform.with_named_sequence} {\n"
            "  transform.named_sequence @main(%root: !transform.any_op {transform.readonly}) {\n"
            f'    %g = transform.structured.match ops{{["linalg.generic"]}} attributes{{{MARK}}} in %root '
            ": (!transform.any_op) -> !transform.any_op\n"
            f"    %i = transform.structured.interchange %g iterator_interchange = {perm} "
            ": (!transform.any_op) -> !transform.any_op\n"
            "    transform.yield\n  }\n}\n")
        interpreter.apply_named_sequence(module_op, script.body.operations[0], script)
        module_op.walk(unmark)
