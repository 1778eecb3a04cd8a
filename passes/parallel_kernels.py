"""pb-parallel-kernels: large elementwise and reduction kernels run on every core.

Runs on linalg-on-tensors after pb-outline-kernels. A `linalg.generic` with at least
`PARALLEL_ITERATIONS` iterations, at the top level of its function, is tiled with
`scf.forall` along its outermost parallel dimension into one block per core; the
pipeline turns the forall into tasks on the async runtime's thread pool, as it does for
pb-cpu-codegen's matmul row tiles. Each block writes its own slice of the outputs, so a
reduction dimension is never split. Ops inside a loop of the program stay serial: the
parallel body would capture the loop's subviews, whose dynamic offsets the bare-pointer
calling convention cannot pass (pb-cpu-codegen has the same rule).
"""
from __future__ import annotations

import logging

from mlir import ir
from mlir.dialects.transform import interpreter

from pullback.dialects.ir import ops_named

from .blas import MARK as MARK_BLAS, cores as cores_option, in_loop
from .registry import register_pass

log = logging.getLogger("pullback.passes.parallel_kernels")
MARK = "__pb_parallel__"
# Below this many loop iterations a kernel takes under ~50 us on one core, and the tasks'
# dispatch and join (~10 us each) would eat the gain.
PARALLEL_ITERATIONS = 1 << 17


def loop_bounds(op) -> list[int] | None:
    """Static trip counts of a linalg.generic's loops, read off its operands' shapes through
    the indexing maps; None when one is dynamic or not read directly by any operand."""
    maps = [ir.AffineMapAttr(a).value for a in ir.ArrayAttr(op.attributes["indexing_maps"])]
    bounds = [None] * maps[0].n_dims
    for value, amap in zip(op.operands, maps):
        t = value.type
        if not isinstance(t, ir.RankedTensorType) or not t.has_static_shape:
            return None
        for size, expr in zip(t.shape, amap.results):
            if isinstance(expr, ir.AffineDimExpr) and bounds[expr.position] is None:
                bounds[expr.position] = size
    return None if None in bounds else bounds


def _tileable(expr) -> bool:
    """Whether upstream's tiling accepts an indexing expression: sums of dimensions with
    positive coefficients (it asserts, aborting the process, on a reversal's -d + c)."""
    if isinstance(expr, (ir.AffineDimExpr, ir.AffineConstantExpr)):
        return True
    if isinstance(expr, ir.AffineAddExpr):
        return _tileable(expr.lhs) and _tileable(expr.rhs)
    if isinstance(expr, ir.AffineMulExpr):
        return isinstance(expr.rhs, ir.AffineConstantExpr) and expr.rhs.value > 0 and _tileable(expr.lhs)
    return False


def split_dimension(op, parts: int) -> tuple[int, int] | None:
    """(dimension, block) of the outermost parallel loop with a block per core, or None."""
    if op.name != "linalg.generic" or not all(isinstance(r.type, ir.RankedTensorType) for r in op.results):
        return None
    maps = [ir.AffineMapAttr(a).value for a in ir.ArrayAttr(op.attributes["indexing_maps"])]
    if not all(_tileable(e) for m in maps for e in m.results):
        return None
    bounds = loop_bounds(op)
    if bounds is None or 0 in bounds:
        return None
    total = 1
    for b in bounds:
        total *= b
    if total < PARALLEL_ITERATIONS:
        return None
    kinds = [str(a) for a in ir.ArrayAttr(op.attributes["iterator_types"])]
    for d, (kind, extent) in enumerate(zip(kinds, bounds)):
        if "parallel" in kind and extent >= parts:
            return d, -(-extent // parts)
    return None


def _script(tiles: list[tuple[str, int, int, int]]) -> str:
    lines = []
    for i, (mark, ndims, d, block) in enumerate(tiles):
        sizes = ", ".join(str(block if j == d else 0) for j in range(ndims))
        lines.append(f"    %op{i} = transform.structured.match ops{{[\"linalg.generic\"]}} attributes{{{mark}}} "
                     f"in %root : (!transform.any_op) -> !transform.any_op")
        lines.append(f"    %t{i}, %l{i} = transform.structured.tile_using_forall %op{i} tile_sizes [{sizes}] "
                     f": (!transform.any_op) -> (!transform.any_op, !transform.any_op)")
    body = "\n".join(lines)
    return ("module attributes {transform.with_named_sequence} {\n"
            "  transform.named_sequence @main(%root: !transform.any_op {transform.readonly}) {\n"
            f"{body}\n    transform.yield\n  }}\n}}\n")


@register_pass("pb-parallel-kernels", "Tile large linalg.generic kernels into one scf.forall block per core")
def parallel_kernels(module_op, cores: str = "0") -> None:
    """`cores`: the blocks per kernel (0: the host's cores)."""
    parts = cores_option(cores)
    if parts < 2:
        return
    tiles = []
    for op in ops_named(module_op, ("linalg.generic",)):
        if in_loop(op) or MARK_BLAS in op.attributes:
            continue
        split = split_dimension(op, parts)
        if split is not None:
            mark = f"{MARK}{len(tiles)}"
            op.attributes[mark] = ir.UnitAttr.get()
            tiles.append((mark, len(ir.ArrayAttr(op.attributes["iterator_types"])), *split))
    if not tiles:
        return
    schedule = ir.Module.parse(_script(tiles))
    try:
        interpreter.apply_named_sequence(module_op, schedule.body.operations[0], schedule)
    except ValueError as e:  # every step keeps the IR valid: a failure leaves serial kernels
        log.warning("pb-parallel-kernels: tiling failed, kernels stay serial: %s", e)
    _drop_marks(module_op)


def _drop_marks(module_op) -> None:
    def visit(op):
        for name in [a for a in op.operation.attributes if a.startswith(MARK)]:
            del op.operation.attributes[name]
        return ir.WalkResult.ADVANCE
    module_op.walk(visit)
