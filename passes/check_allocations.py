"""pb-check-allocations: a failed malloc returns to the caller instead of crashing.

Runs on the LLVM dialect, after every memref has become malloc calls. The generated code
writes through each allocation; when malloc returns NULL (an intermediate larger than the
machine's memory) that is a segfault that kills the user's process. After each malloc a
NULL check branches to a block that stores the requested size in the module's global
`_mlir_pb_oom_bytes` and returns from the function at once. The runtime reads that global
after every call and raises `pullback.errors.ResourceExhaustedError` (JAX raises
RESOURCE_EXHAUSTED), so the process stays alive and usable.

A caller of a function that returned early goes on with uninitialized (but allocated)
buffers; its own allocations are checked too, and the whole call's results are discarded
by the error. Coroutines of the async runtime (parallel loops) are left unchecked: their
returns belong to the coroutine protocol.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import llvm

from pullback.dialects.ir import last_op, module_body

from .registry import PassFailure, register_pass

FLAG = "_mlir_pb_oom_bytes"  # `_mlir_` + name: what ExecutionEngine.raw_lookup("pb_oom_bytes") finds
ALLOCATORS = ("malloc", "aligned_alloc")


def _callee(op) -> str | None:
    if op.name != "llvm.call" or "callee" not in op.attributes:
        return None
    return ir.FlatSymbolRefAttr(op.attributes["callee"]).value


def _is_coroutine(fn) -> bool:
    return "passthrough" in fn.attributes and "presplitcoroutine" in str(fn.attributes["passthrough"])


def _allocating_blocks(fn) -> list:
    """(block, its ops, its allocations in program order) for each block of `fn` that
    allocates. The ops are listed once here, for the split that follows."""
    found = []
    for block in fn.regions[0].blocks:
        ops = [op.operation for op in block.operations]
        allocations = [op for op in ops if op.name == "llvm.call" and _callee(op) in ALLOCATORS]
        if allocations:
            found.append((block, ops, allocations))
    return found


def _result_type(fn) -> ir.Type | None:
    """The type a function returns (read off its first llvm.return), None for void. A return
    is a terminator: only the last op of each block needs a look."""
    for block in fn.regions[0].blocks:
        last = last_op(block)
        if last is not None and last.name == "llvm.return":
            return last.operands[0].type if len(last.operands) else None
    return None


def _failure_block(fn) -> ir.Block:
    """A block of `fn` taking the requested size: it records the size in the flag and returns
    (a zero value if the function has a result). One per function, shared by its checks."""
    i64 = ir.IntegerType.get_signless(64)
    result = _result_type(fn)
    block = fn.regions[0].blocks.append(i64, arg_locs=[fn.location])
    with ir.InsertionPoint(block), fn.location:
        llvm.store(block.arguments[0], llvm.mlir_addressof(ir.Type.parse("!llvm.ptr"), FLAG))
        if result is None:
            llvm.return_()
        else:
            llvm.return_(arg=llvm.mlir_zero(result))
    return block


def _check_block(block: ir.Block, ops: list, allocations: list, failed: ir.Block) -> None:
    """After each allocation of `block` (whose ops are `ops`), a NULL check branching to
    `failed`; the ops after an allocation continue in a new block. One pass over the block's
    ops (each is moved once), so the pass stays linear in the size of the function."""
    first = ops.index(allocations[0])
    is_allocation = set(allocations)  # operations hash by identity: O(1) membership
    chain, target = [(block, allocations[0])], None
    for op in ops[first + 1:]:
        if target is None:
            target = chain[-1][0].create_after()
        target.append(op)
        if op in is_allocation:
            chain.append((target, op))
            target = None
    if target is None:  # the block ended with an allocation: its continuation is empty
        raise PassFailure("pb-check-allocations: a block ends without a terminator", allocations[-1].location)
    conts = [b for b, _ in chain[1:]] + [target]
    i64 = ir.IntegerType.get_signless(64)
    for (owner, alloc), cont in zip(chain, conts):
        with ir.InsertionPoint(owner), alloc.location:
            size = alloc.operands[-1]  # the byte count (aligned_alloc: alignment first)
            if size.type != i64:
                size = llvm.zext(i64, size)
            is_null = llvm.icmp(llvm.ICmpPredicate.eq, alloc.results[0], llvm.mlir_zero(alloc.results[0].type))
            llvm.cond_br(is_null, [size], [], failed, cont)


@register_pass("pb-check-allocations", "Return early, flagging the size, when malloc returns NULL")
def check_allocations(module_op) -> None:
    body = module_body(module_op)
    for op in body.operations:
        if op.operation.name == "func.func":
            name = ir.StringAttr(op.operation.attributes["sym_name"]).value
            raise PassFailure(f"pb-check-allocations runs on the LLVM dialect; found func.func @{name}",
                              op.operation.location)
    functions = [op.operation for op in body.operations
                 if op.operation.name == "llvm.func" and op.operation.regions[0].blocks]
    work = [(fn, _allocating_blocks(fn)) for fn in functions if not _is_coroutine(fn)]
    work = [(fn, found) for fn, found in work if found]
    if not work:
        return
    with ir.InsertionPoint.at_block_begin(body), ir.Location.unknown():
        llvm.GlobalOp(ir.IntegerType.get_signless(64), FLAG, ir.Attribute.parse("#llvm.linkage<external>"),
                      value=ir.IntegerAttr.get(ir.IntegerType.get_signless(64), 0))
    for fn, found in work:
        failed = _failure_block(fn)
        for block, ops, allocations in found:
            _check_block(block, ops, allocations, failed)
