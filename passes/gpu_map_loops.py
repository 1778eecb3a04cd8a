"""pb-gpu-map-loops: every outermost `scf.parallel` becomes a grid of blocks of threads.

Every outermost `scf.parallel` is linearized and tiled into blocks x threads:
its N iterations become a grid of ceil(N/T) blocks of T (<= 256) threads,
each thread recovering its indices by div/rem with the last dimension
fastest, so that neighbouring threads touch neighbouring elements (coalesced
accesses for row-major buffers) whatever the loop's rank; a guard skips the
tail. Loops nested inside run sequentially in each thread. The result
carries `#gpu.loop_dim_map` attributes for `convert-parallel-loops-to-gpu`.
(Upstream `scf-parallel-loop-tiling` + `gpu-map-parallel-loops` would need one
tile-size list for loops of every rank, and map at most three dimensions, the
others running sequentially in each thread; linearizing fits any rank and shape.)
Part of the GPU pipeline (`gpu_pipeline`).
"""
from __future__ import annotations

import math

from mlir import ir
from mlir.dialects import arith, scf

from .gpu_ir import index_constant, inside, parallel_loop, terminator, walk
from .registry import PassFailure, register_pass

THREADS = 256  # threads per block of a mapped loop
MAX_BLOCKS = (1 << 31) - 1


def constant_index(v: ir.Value):
    owner = v.owner
    if isinstance(owner, ir.Block) or owner.operation.name != "arith.constant":
        return None
    attr = owner.operation.attributes["value"]
    return ir.IntegerAttr(attr).value if isinstance(attr, ir.IntegerAttr) else None


def loop_mapping(*processors: str) -> ir.ArrayAttr:
    return ir.ArrayAttr.get([ir.Attribute.parse(
        f"#gpu.loop_dim_map<processor = {p}, map = (d0) -> (d0), bound = (d0) -> (d0)>") for p in processors])


def _outermost_parallel_loops(module_op) -> list:
    loops = []

    def visit(op):
        op = op.operation
        if op.name == "gpu.module":
            return ir.WalkResult.SKIP
        if op.name == "scf.parallel" and not inside(op, ("scf.parallel", "gpu.launch", "gpu.func")):
            loops.append(op)
        return ir.WalkResult.ADVANCE
    module_op.walk(visit, ir.WalkOrder.PRE_ORDER)
    return loops


def _map_loop(loop) -> None:
    n = len(loop.regions[0].blocks[0].arguments)
    lbs, ubs, steps = (list(loop.operands)[k * n:(k + 1) * n] for k in range(3))
    if len(loop.results):
        raise PassFailure("pb-gpu-map-loops: parallel loops with reductions are not supported", loop.location)
    bounds = [[constant_index(v) for v in vs] for vs in (lbs, ubs, steps)]
    if any(b is None for vs in bounds for b in vs):
        raise PassFailure("pb-gpu-map-loops: parallel loop bounds and steps must be constants", loop.location)
    lb, ub, st = bounds
    if any(s <= 0 for s in st):
        raise PassFailure("pb-gpu-map-loops: parallel loop steps must be positive", loop.location)
    trips = [max(0, -(-(u - lo) // s)) for lo, u, s in zip(lb, ub, st)]
    total = math.prod(trips)
    if total == 0:
        loop.erase()
        return
    threads = min(THREADS, total)
    blocks = -(-total // threads)
    if blocks > MAX_BLOCKS:
        raise PassFailure(f"pb-gpu-map-loops: {total} iterations exceed the grid", loop.location)
    old = loop.regions[0].blocks[0]
    with ir.InsertionPoint(loop), loop.location:
        c0, c1, cb, ct = index_constant(0), index_constant(1), index_constant(blocks), index_constant(threads)
        ctotal = index_constant(total) if blocks * threads != total else None
        grid, grid_body = parallel_loop([c0], [cb], [c1])
        grid.operation.attributes["mapping"] = loop_mapping("block_x")
        with ir.InsertionPoint.at_block_begin(grid_body):
            block, block_body = parallel_loop([c0], [ct], [c1])
        block.operation.attributes["mapping"] = loop_mapping("thread_x")
        with ir.InsertionPoint.at_block_begin(block_body):
            lin = arith.addi(arith.muli(grid_body.arguments[0], ct), block_body.arguments[0])
            if ctotal is not None:
                guard = scf.IfOp(arith.cmpi(arith.CmpIPredicate.ult, lin, ctotal))
                with ir.InsertionPoint(guard.then_block):
                    scf.YieldOp([])
                target = guard.then_block
            else:
                target = block_body
        with ir.InsertionPoint(terminator(target)):
            rest, ivs = lin, [None] * n
            for d in reversed(range(n)):
                if d == 0:
                    i = rest
                else:
                    nd = index_constant(trips[d])
                    i = arith.remui(rest, nd)
                    rest = arith.divui(rest, nd)
                if st[d] != 1:
                    i = arith.muli(i, index_constant(st[d]))
                if lb[d] != 0:
                    i = arith.addi(i, index_constant(lb[d]))
                ivs[d] = i
    for arg, iv in zip(old.arguments, ivs):
        arg.replace_all_uses_with(iv)
    end = terminator(target)
    for op in [o.operation for o in old.operations][:-1]:
        op.move_before(end)
    loop.erase()

    def sequential(op):  # nested parallel loops run inside each thread
        if op.name == "scf.parallel" and op != grid.operation and op != block.operation:
            dims = len(op.regions[0].blocks[0].arguments)
            op.attributes["mapping"] = loop_mapping(*["sequential"] * dims)
    walk(grid, sequential)


@register_pass("pb-gpu-map-loops",
               "Tile every outermost scf.parallel into blocks x threads (linearized) and map it to the GPU")
def map_loops(module_op) -> None:
    for loop in _outermost_parallel_loops(module_op):
        _map_loop(loop)
