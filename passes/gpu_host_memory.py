"""pb-gpu-host-memory (after `convert-parallel-loops-to-gpu`, before outlining): GPU memory
for every buffer a kernel uses.

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
Part of the GPU pipeline (`gpu_pipeline`).
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import gpu

from .gpu_ir import ACCESS_OPS, METADATA_OPS, VIEW_OPS, defined_functions, parent_op, terminator, walk
from .registry import PassFailure, register_pass


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
        p = parent_op(p)
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
    walk(fn, lambda op: has_kernel.append(op) if op.name == "gpu.launch" else None)
    if not has_kernel:
        return
    blocks = list(fn.regions[0].blocks)
    if len(blocks) != 1:
        raise PassFailure("pb-gpu-host-memory: functions with more than one block are not supported", fn.location)
    entry = blocks[0]
    ret = terminator(entry)
    allocs, globals_ = [], []

    def collect(op):
        if op.name in ("memref.alloc", "memref.alloca") and _kernel_of(op) is None:
            allocs.append(op)
        elif op.name == "memref.get_global" and _kernel_of(op) is None:
            globals_.append(op)
    walk(fn, collect)

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
                with ir.InsertionPoint(terminator(op.block)), op.location:
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
            with ir.InsertionPoint(terminator(op.block)), op.location:
                _free(staged)


def _truthy(value) -> bool:
    return str(value).lower() not in ("0", "false", "")


@register_pass("pb-gpu-host-memory",
               "Give every buffer a GPU kernel uses GPU memory: staged arguments, gpu.alloc, copied globals")
def host_memory(module_op, write_only_outputs="false") -> None:
    for fn in defined_functions(module_op):
        _host_memory(fn, _truthy(write_only_outputs))
