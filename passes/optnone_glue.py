"""pb-optnone-glue: loop-free LLVM functions skip LLVM's optimizer.

Runs last, on the LLVM dialect. Once kernels are outlined (pb-outline-kernels, the BLAS
passes), a program's entry function is glue: allocations, views and calls, straight-line
code that optimization hardly speeds up but that LLVM's O2 pipeline spends most of a
compile on (thousands of memref-descriptor instructions for a deep network). A function
whose control-flow graph has no cycle and that is not tiny is marked `optnone` (with the
`noinline` LLVM requires alongside); functions with loops keep the full pipeline.
"""
from __future__ import annotations

from mlir import ir

from pullback.dialects.ir import last_op

from .registry import register_pass

MIN_OPS = 64  # smaller functions compile in no time either way


def _has_cycle(region) -> bool:
    """Whether the blocks of a region form a loop (depth-first search for a back edge)."""
    blocks = list(region.blocks)
    index = {b: i for i, b in enumerate(blocks)}
    state = [0] * len(blocks)  # 0 new, 1 on the stack, 2 done

    def successors(i):
        last = last_op(blocks[i])
        return [index[s] for s in last.successors] if last is not None else []

    stack = [(0, iter(successors(0)))] if blocks else []
    if blocks:
        state[0] = 1
    while stack:
        i, it = stack[-1]
        nxt = next(it, None)
        if nxt is None:
            state[i] = 2
            stack.pop()
        elif state[nxt] == 1:
            return True
        elif state[nxt] == 0:
            state[nxt] = 1
            stack.append((nxt, iter(successors(nxt))))
    return False


def _size(region) -> int:
    return sum(len(b.operations) for b in region.blocks)


@register_pass("pb-optnone-glue", "Mark loop-free LLVM functions optnone (they gain little from LLVM's optimizer)")
def optnone_glue(module_op) -> None:
    for op in module_op.regions[0].blocks[0].operations:
        op = op.operation
        if op.name != "llvm.func" or not op.regions[0].blocks or "passthrough" in op.attributes:
            continue
        region = op.regions[0]
        if _size(region) >= MIN_OPS and not _has_cycle(region):
            op.attributes["passthrough"] = ir.ArrayAttr.get([ir.StringAttr.get("noinline"), ir.StringAttr.get("optnone")])
