"""pb-gpu-serial-kernels (after `convert-linalg-to-parallel-loops`): host code that touches
memory becomes one-thread kernels.

Code outside parallel loops that reads or writes memory (a full reduction,
which `convert-linalg-to-parallel-loops` leaves as a plain `scf.for` nest;
the arithmetic of 0-d results; the sequential loops of cumulative ops and
scatter) is wrapped into a one-iteration `scf.parallel`: it becomes a kernel
of ONE GPU thread. Correct, not fast: a full reduction runs sequentially in
that thread (a split/tree reduction is future work). Code that cannot move
into a kernel stays on the host: ops whose results host code needs (a loop
bound, an `scf.if` condition), and loops that contain parallel loops.
Part of the GPU pipeline (`gpu_pipeline`).
"""
from __future__ import annotations

from mlir import ir

from .gpu_ir import ACCESS_OPS, METADATA_OPS, VIEW_OPS, defined_functions, index_constant, parallel_loop, parent_op, \
    terminator
from .registry import register_pass

# Ops that never move into a kernel (nor may be nested in one).
HOST_ONLY = {"scf.parallel", "memref.alloc", "memref.alloca", "memref.dealloc", "memref.get_global",
             "func.call", "func.call_indirect", "func.return"}
PURE_DIALECTS = ("arith.", "math.", "index.", "complex.", "ub.")


def nested(op, pred) -> bool:
    """Whether an op strictly nested in `op` satisfies pred."""
    found = []
    root = op.operation

    def visit(o):
        o = o.operation
        if o != root and pred(o):
            found.append(o)
            return ir.WalkResult.INTERRUPT
        return ir.WalkResult.ADVANCE
    root.walk(visit)
    return bool(found)


def _touches_memory(op) -> bool:
    pred = (lambda o: o.name in ACCESS_OPS or o.name.startswith("linalg."))
    return pred(op) or nested(op, pred)


def _pure(op) -> bool:
    name = op.name
    return not len(op.regions) and (name.startswith(PURE_DIALECTS) or name in VIEW_OPS or name in METADATA_OPS
                                    or name in ("affine.apply", "affine.min", "affine.max"))


def _movable(op) -> bool:
    """Whether op may run inside a one-thread kernel."""
    name = op.name
    if name in HOST_ONLY or name.startswith(("gpu.", "async.")) or len(op.successors):
        return False
    return not nested(op, lambda o: o.name in HOST_ONLY or o.name.startswith(("gpu.", "async.")))


def _ancestor_in(op, block):
    while op is not None:
        if op.block == block:
            return op
        op = parent_op(op)
    return None


def _wrap_run(run: list, block) -> None:
    """Move the ops of a run (consecutive movable ops of `block`) into one-thread kernels."""
    members = set(run)
    changed = True
    while changed:  # ops whose results are needed outside the run stay on the host
        changed = False
        for op in run:
            if op in members and any(_ancestor_in(u.owner.operation, block) not in members
                                     for r in op.results for u in r.uses):
                members.discard(op)
                changed = True
    group: list = []
    for op in run:
        if op in members:
            group.append(op)
        elif not _pure(op):  # an effectful op staying on the host splits the run: order matters
            _wrap_group(group)
            group = []
    _wrap_group(group)


def _wrap_group(group: list) -> None:
    if not any(_touches_memory(op) for op in group):
        return
    last = group[-1]
    with ir.InsertionPoint(last), last.location:
        c0, c1 = index_constant(0), index_constant(1)
        _, body = parallel_loop([c0], [c1], [c1])
    end = terminator(body)
    for op in group:
        op.move_before(end)


def _wrap_block(block) -> None:
    run: list = []
    ops = [o.operation for o in block.operations]
    for op in ops[:-1]:  # never the terminator
        if _movable(op):
            run.append(op)
            continue
        if run:
            _wrap_run(run, block)
        run = []
        if op.name != "scf.parallel" and not op.name.startswith("gpu."):
            for region in op.regions:
                for b in region.blocks:
                    _wrap_block(b)
    if run:
        _wrap_run(run, block)


@register_pass("pb-gpu-serial-kernels",
               "Wrap host code that touches memory outside parallel loops into one-thread parallel loops")
def serial_kernels(module_op) -> None:
    # public functions only: private ones are host helpers (buffer-deallocation's
    # dealloc_helper compares pointers in host arrays), never pb code after pb-inline
    for fn in defined_functions(module_op, public_only=True):
        for b in fn.regions[0].blocks:
            _wrap_block(b)
