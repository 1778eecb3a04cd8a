"""GPU passes: bufferized loops to kernels, and buffers the kernels can reach.

They run after bufferization (see `gpu_pipeline.py` for the whole pipeline), in
this order:

pb-gpu-linalg-copies
    `memref.copy` becomes `linalg.copy`, so that copies become parallel loops,
    hence kernels; a host `memref.copy` would read device memory on the CPU.

pb-gpu-parallel-dims-first (after `linalg-generalize-named-ops`)
    `convert-linalg-to-parallel-loops` nests loops in iterator order: a reduction
    dimension before a parallel one (a sum over axis 0, as for bias gradients) would
    become a host loop launching one kernel per step. `linalg.generic`s are
    interchanged (transform dialect) so that parallel dimensions come first.

pb-gpu-serial-kernels (after `convert-linalg-to-parallel-loops`)
    Code outside parallel loops that reads or writes memory (a full reduction,
    which `convert-linalg-to-parallel-loops` leaves as a plain `scf.for` nest;
    the arithmetic of 0-d results; the sequential loops of cumulative ops and
    scatter) is wrapped into a one-iteration `scf.parallel`: it becomes a kernel
    of ONE GPU thread. Correct, not fast: a full reduction runs sequentially in
    that thread (a split/tree reduction is future work). Code that cannot move
    into a kernel stays on the host: ops whose results host code needs (a loop
    bound, an `scf.if` condition), and loops that contain parallel loops.

pb-gpu-map-loops
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

pb-gpu-host-memory (after `convert-parallel-loops-to-gpu`, before outlining)
    Kernels cannot dereference the host pointers a call passes in (numpy
    memory), `memref.alloc` (malloc) or `memref.get_global` (a host global).
    Design: every buffer that a kernel uses is given GPU memory:
      * function arguments are staged: a device buffer is allocated on entry,
        inputs are copied in (`gpu.memcpy`), outputs are copied back to the
        caller's buffer before the return, then the staging buffer is freed.
        With `write-only-outputs` (the GPU pipeline sets it: pb inputs are
        read-only and results are caller-allocated out-params) arguments that
        the function writes are outputs and are not copied in; without it, every
        argument that is read is copied in and every one that is written is
        copied back.
      * `memref.alloc`/`memref.alloca` become `gpu.alloc` and their
        `memref.dealloc`s `gpu.dealloc` (allocas are freed at the end of their block);
      * a `memref.get_global` is copied into a fresh device buffer where it is read.
    A buffer that host code also reads or writes (code that stayed on the host,
    see pb-gpu-serial-kernels, and host callbacks) gets managed memory
    (`gpu.alloc host_shared`, cuMemAllocManaged) instead, which both sides can
    dereference; kernel launches are synchronous, so host accesses never race a
    kernel. Buffers no kernel uses stay where they are. Copies, allocations and
    frees are emitted as `gpu.wait async` / async op / `gpu.wait` triples (the
    form gpu-to-llvm lowers); launches stay synchronous. A buffer that a kernel
    uses and that host code passes through control flow (`scf.yield`, a loop's
    iteration arguments, ...) cannot be tracked: that is a diagnostic.
    Each copy, allocation and free thus creates and synchronizes a stream of its
    own (microseconds per buffer and call); one stream for the whole call is future work.
"""
from __future__ import annotations

import math

from mlir import ir
from mlir.dialects import arith, gpu, linalg, scf
from mlir.dialects.transform import interpreter

from .registry import PassFailure, register_pass

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
# Ops that never move into a kernel of pb-gpu-serial-kernels (nor may be nested in one).
HOST_ONLY = {"scf.parallel", "memref.alloc", "memref.alloca", "memref.dealloc", "memref.get_global",
             "func.call", "func.call_indirect", "func.return"}
PURE_DIALECTS = ("arith.", "math.", "index.", "complex.", "ub.")
THREADS = 256  # threads per block of a mapped loop
MAX_BLOCKS = (1 << 31) - 1


def _name(op) -> str:
    return op.operation.name  # OpView.name is a symbol name for some ops (func.func)


def _parent_op(op):
    p = op.operation.parent
    return p.operation if p is not None else None


def _inside(op, names: tuple) -> bool:
    p = _parent_op(op)
    while p is not None:
        if p.name in names:
            return True
        p = _parent_op(p)
    return False


def _functions(module_op, public_only: bool = False):
    for op in module_op.regions[0].blocks[0].operations:
        op = op.operation
        if op.name == "func.func" and len(op.regions[0].blocks):
            if public_only and "sym_visibility" in op.attributes and \
                    ir.StringAttr(op.attributes["sym_visibility"]).value == "private":
                continue
            yield op


def _walk(op, fn) -> None:
    def visit(o):
        fn(o.operation)
        return ir.WalkResult.ADVANCE
    op.operation.walk(visit)


def _nested(op, pred) -> bool:
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


def _index(n: int) -> ir.Value:
    return arith.constant(ir.IndexType.get(), n)


def _constant_index(v: ir.Value):
    owner = v.owner
    if isinstance(owner, ir.Block) or _name(owner) != "arith.constant":
        return None
    attr = owner.operation.attributes["value"]
    return ir.IntegerAttr(attr).value if isinstance(attr, ir.IntegerAttr) else None


def _mapping(*processors: str) -> ir.ArrayAttr:
    return ir.ArrayAttr.get([ir.Attribute.parse(
        f"#gpu.loop_dim_map<processor = {p}, map = (d0) -> (d0), bound = (d0) -> (d0)>") for p in processors])


def _parallel(lower, upper, step) -> tuple:
    """An empty scf.parallel at the insertion point: (op, body block); the body ends in scf.reduce."""
    loop = scf.ParallelOp([], lower, upper, step, [])
    body = ir.Block.create_at_start(loop.regions[0], [ir.IndexType.get()] * len(lower))
    with ir.InsertionPoint(body):
        scf.ReduceOp([], 0)
    return loop, body


def _terminator(block):
    ops = list(block.operations)
    return ops[-1].operation


# ---------------------------------------------------------------- pb-gpu-linalg-copies

@register_pass("pb-gpu-linalg-copies", "Turn memref.copy into linalg.copy, so that copies run as kernels")
def linalg_copies(module_op) -> None:
    copies = []
    _walk(module_op, lambda op: copies.append(op) if op.name == "memref.copy" and not _inside(
        op, ("gpu.launch", "gpu.func", "gpu.module")) else None)
    for op in copies:
        with ir.InsertionPoint(op), op.location:
            linalg.copy(op.operands[0], outs=[op.operands[1]])
        op.erase()


# ---------------------------------------------------------------- pb-gpu-parallel-dims-first

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
        if op.name == "linalg.generic" and not _inside(op, ("gpu.launch", "gpu.func", "gpu.module")):
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


# ---------------------------------------------------------------- pb-gpu-serial-kernels

def _touches_memory(op) -> bool:
    pred = (lambda o: o.name in ACCESS_OPS or o.name.startswith("linalg."))
    return pred(op) or _nested(op, pred)


def _pure(op) -> bool:
    name = op.name
    return not len(op.regions) and (name.startswith(PURE_DIALECTS) or name in VIEW_OPS or name in METADATA_OPS
                                    or name in ("affine.apply", "affine.min", "affine.max"))


def _movable(op) -> bool:
    """Whether op may run inside a one-thread kernel."""
    name = op.name
    if name in HOST_ONLY or name.startswith(("gpu.", "async.")) or len(op.successors):
        return False
    return not _nested(op, lambda o: o.name in HOST_ONLY or o.name.startswith(("gpu.", "async.")))


def _ancestor_in(op, block):
    while op is not None:
        if op.block == block:
            return op
        op = _parent_op(op)
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
        c0, c1 = _index(0), _index(1)
        _, body = _parallel([c0], [c1], [c1])
    end = _terminator(body)
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
    for fn in _functions(module_op, public_only=True):
        for b in fn.regions[0].blocks:
            _wrap_block(b)


# ---------------------------------------------------------------- pb-gpu-map-loops

def _outermost_parallel_loops(module_op) -> list:
    loops = []

    def visit(op):
        op = op.operation
        if op.name == "gpu.module":
            return ir.WalkResult.SKIP
        if op.name == "scf.parallel" and not _inside(op, ("scf.parallel", "gpu.launch", "gpu.func")):
            loops.append(op)
        return ir.WalkResult.ADVANCE
    module_op.walk(visit, ir.WalkOrder.PRE_ORDER)
    return loops


def _map_loop(loop) -> None:
    n = len(loop.regions[0].blocks[0].arguments)
    lbs, ubs, steps = (list(loop.operands)[k * n:(k + 1) * n] for k in range(3))
    if len(loop.results):
        raise PassFailure("pb-gpu-map-loops: parallel loops with reductions are not supported", loop.location)
    bounds = [[_constant_index(v) for v in vs] for vs in (lbs, ubs, steps)]
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
        c0, c1, cb, ct = _index(0), _index(1), _index(blocks), _index(threads)
        ctotal = _index(total) if blocks * threads != total else None
        grid, grid_body = _parallel([c0], [cb], [c1])
        grid.operation.attributes["mapping"] = _mapping("block_x")
        with ir.InsertionPoint.at_block_begin(grid_body):
            block, block_body = _parallel([c0], [ct], [c1])
        block.operation.attributes["mapping"] = _mapping("thread_x")
        with ir.InsertionPoint.at_block_begin(block_body):
            lin = arith.addi(arith.muli(grid_body.arguments[0], ct), block_body.arguments[0])
            if ctotal is not None:
                guard = scf.IfOp(arith.cmpi(arith.CmpIPredicate.ult, lin, ctotal))
                with ir.InsertionPoint(guard.then_block):
                    scf.YieldOp([])
                target = guard.then_block
            else:
                target = block_body
        with ir.InsertionPoint(_terminator(target)):
            rest, ivs = lin, [None] * n
            for d in reversed(range(n)):
                if d == 0:
                    i = rest
                else:
                    nd = _index(trips[d])
                    i = arith.remui(rest, nd)
                    rest = arith.divui(rest, nd)
                if st[d] != 1:
                    i = arith.muli(i, _index(st[d]))
                if lb[d] != 0:
                    i = arith.addi(i, _index(lb[d]))
                ivs[d] = i
    for arg, iv in zip(old.arguments, ivs):
        arg.replace_all_uses_with(iv)
    end = _terminator(target)
    for op in [o.operation for o in old.operations][:-1]:
        op.move_before(end)
    loop.erase()

    def sequential(op):  # nested parallel loops run inside each thread
        if op.name == "scf.parallel" and op != grid.operation and op != block.operation:
            dims = len(op.regions[0].blocks[0].arguments)
            op.attributes["mapping"] = _mapping(*["sequential"] * dims)
    _walk(grid, sequential)


@register_pass("pb-gpu-map-loops",
               "Tile every outermost scf.parallel into blocks x threads (linearized) and map it to the GPU")
def map_loops(module_op) -> None:
    for loop in _outermost_parallel_loops(module_op):
        _map_loop(loop)


# ---------------------------------------------------------------- pb-gpu-host-memory

class _Uses:
    """How a buffer (and its views) is used: by kernels, by the host, read, written."""

    def __init__(self):
        self.kernel = self.host = self.read = self.write = False
        self.deallocs: list = []
        self.escape = None  # (op, message) of a use that cannot be followed

    def access(self, op, operand_number: int) -> None:
        name = op.name
        if name in ("memref.load", "affine.load", "vector.load", "vector.transfer_read"):
            self.read = True
        elif name in ("memref.store", "affine.store", "vector.store", "vector.transfer_write"):
            self.write = True
        elif name == "memref.copy":
            self.read |= operand_number == 0
            self.write |= operand_number == 1
        else:
            self.read = self.write = True


def _kernel_of(op):
    p = op
    while p is not None:
        if p.name == "gpu.launch":
            return p
        p = _parent_op(p)
    return None


def _trace(value, uses: _Uses, root: bool = True) -> None:
    for use in value.uses:
        op = use.owner.operation
        name = op.name
        if name in VIEW_OPS and use.operand_number == 0:
            _trace(op.results[0], uses, False)
        elif name in METADATA_OPS:
            pass
        elif _kernel_of(op) is not None:
            uses.kernel = True
            uses.access(op, use.operand_number)
        elif name == "memref.dealloc":
            if root:
                uses.deallocs.append(op)
            elif uses.escape is None:
                uses.escape = (op, "frees a view of it")
        elif name in ACCESS_OPS or name.startswith("linalg.") or name in ("func.call", "func.call_indirect"):
            uses.host = True
            uses.access(op, use.operand_number)
        elif uses.escape is None:
            uses.escape = (op, f"passes it to '{name}'")


def _token():
    return gpu.AsyncTokenType.get()


def _sync(make):
    """`gpu.wait async`, the async op `make(dependency)`, then `gpu.wait` on its token; returns the op."""
    start = gpu.WaitOp(_token(), []).result
    op = make(start)
    gpu.WaitOp(None, [op.asyncToken])
    return op


def _alloc(t: ir.MemRefType, managed: bool, dynamic_sizes=()) -> ir.Value:
    if managed:  # host_shared allocations cannot be async
        return gpu.AllocOp(t, None, [], list(dynamic_sizes), [], hostShared=True).memref
    return _sync(lambda dep: gpu.AllocOp(t, _token(), [dep], list(dynamic_sizes), [])).memref


def _free(buf: ir.Value) -> None:
    _sync(lambda dep: gpu.DeallocOp(_token(), [dep], buf))


def _copy(dst: ir.Value, src: ir.Value):
    return _sync(lambda dep: gpu.MemcpyOp(_token(), [dep], dst, src)).operation


def _empty(t) -> bool:
    return isinstance(t, ir.MemRefType) and t.has_static_shape and 0 in list(t.shape)


def _staging_type(t, where) -> ir.MemRefType:
    t = ir.MemRefType(t)
    if not t.has_static_shape or t.affine_map != ir.AffineMap.get_identity(t.rank):
        raise PassFailure(f"pb-gpu-host-memory: cannot stage a buffer of type {t} used by a GPU kernel "
                          "(static shapes with the identity layout only)", where.location)
    return t


def _check(uses: _Uses) -> None:
    if uses.kernel and uses.escape is not None:
        op, what = uses.escape
        raise PassFailure(f"pb-gpu-host-memory: a buffer used by a GPU kernel cannot be placed: host code "
                          f"{what} (only loads, stores, copies, views and calls are supported there)",
                          op.location)


def _host_memory(fn, write_only_outputs: bool) -> None:
    has_kernel = []
    _walk(fn, lambda op: has_kernel.append(op) if op.name == "gpu.launch" else None)
    if not has_kernel:
        return
    blocks = list(fn.regions[0].blocks)
    if len(blocks) != 1:
        raise PassFailure("pb-gpu-host-memory: functions with more than one block are not supported", fn.location)
    entry = blocks[0]
    ret = _terminator(entry)
    allocs, globals_ = [], []

    def collect(op):
        if op.name in ("memref.alloc", "memref.alloca") and _kernel_of(op) is None:
            allocs.append(op)
        elif op.name == "memref.get_global" and _kernel_of(op) is None:
            globals_.append(op)
    _walk(fn, collect)

    with fn.location:
        # function arguments: staged in GPU memory for the duration of the call
        for arg in entry.arguments:
            if not isinstance(arg.type, ir.MemRefType) or _empty(arg.type):
                continue
            uses = _Uses()
            _trace(arg, uses)
            _check(uses)
            if not uses.kernel:
                continue
            t = _staging_type(arg.type, fn)
            with ir.InsertionPoint.at_block_begin(entry):
                staged = _alloc(t, uses.host)
                copy_in = uses.read and not (write_only_outputs and uses.write)
                keep = [_copy(staged, arg)] if copy_in else []
            arg.replace_all_uses_except(staged, keep)
            with ir.InsertionPoint(ret):
                if uses.write:
                    _copy(arg, staged)
                _free(staged)
        # allocations: GPU memory instead of malloc
        for op in allocs:
            t = op.results[0].type
            if _empty(t):
                continue
            uses = _Uses()
            _trace(op.results[0], uses)
            _check(uses)
            if not uses.kernel:
                continue
            if len(op.operands) != sum(1 for d in ir.MemRefType(t).shape if d == ir.ShapedType.get_dynamic_size()):
                raise PassFailure("pb-gpu-host-memory: allocations with layout symbols are not supported",
                                  op.location)
            with ir.InsertionPoint(op), op.location:
                buf = _alloc(ir.MemRefType(t), uses.host, list(op.operands))
            op.results[0].replace_all_uses_with(buf)
            for d in uses.deallocs:
                with ir.InsertionPoint(d), d.location:
                    _free(buf)
                d.erase()
            if op.name == "memref.alloca":
                with ir.InsertionPoint(_terminator(op.block)), op.location:
                    _free(buf)
            op.erase()
        # globals: a GPU copy where they are read
        for op in globals_:
            g = op.results[0]
            if _empty(g.type):
                continue
            uses = _Uses()
            _trace(g, uses)
            _check(uses)
            if not uses.kernel:
                continue
            if uses.write:
                raise PassFailure("pb-gpu-host-memory: a kernel writes a memref.global", op.location)
            t = _staging_type(g.type, op)
            with ir.InsertionPoint.after(op), op.location:
                staged = _alloc(t, uses.host)
                copy = _copy(staged, g)
            g.replace_all_uses_except(staged, [copy])
            with ir.InsertionPoint(_terminator(op.block)), op.location:
                _free(staged)


def _truthy(value) -> bool:
    return str(value).lower() not in ("0", "false", "")


@register_pass("pb-gpu-host-memory",
               "Give every buffer a GPU kernel uses GPU memory: staged arguments, gpu.alloc, copied globals")
def host_memory(module_op, write_only_outputs="false") -> None:
    for fn in _functions(module_op):
        _host_memory(fn, _truthy(write_only_outputs))
