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

from pullback.dialects.ir import module_body

from .registry import PassFailure, register_pass

FLAG = "_mlir_pb_oom_bytes"  # `_mlir_` + name: what ExecutionEngine.raw_lookup("pb_oom_bytes") finds
ALLOCATORS = ("malloc", "aligned_alloc")


def _callee(op) -> str | None:
    if op.name != "llvm.call" or "callee" not in op.attributes:
        return None
    return ir.FlatSymbolRefAttr(op.attributes["callee"]).value


def _is_coroutine(fn) -> bool:
    return "passthrough" in fn.attributes and "presplitcoroutine" in str(fn.attributes["passthrough"])


def _allocations(fn) -> list:
    found = []
    for block in fn.regions[0].blocks:
        found.extend((block, op.operation) for op in block.operations if _callee(op.operation) in ALLOCATORS)
    return found


def _result_type(fn) -> ir.Type | None:
    """The type a function returns (read off its llvm.return), None for void."""
    for block in fn.regions[0].blocks:
        for op in block.operations:
            if op.operation.name == "llvm.return":
                return op.operation.operands[0].type if len(op.operation.operands) else None
    return None


def _return_early(fn, block: ir.Block, size: ir.Value) -> None:
    """`block`: record the size in the flag and return (a zero value if the function has a result)."""
    i64 = ir.IntegerType.get_signless(64)
    ptr = ir.Type.parse("!llvm.ptr")
    with ir.InsertionPoint(block):
        if size.type != i64:
            size = llvm.zext(i64, size)
        llvm.store(size, llvm.mlir_addressof(ptr, FLAG))
        result = _result_type(fn)
        if result is None:
            llvm.return_()
        else:
            llvm.return_(arg=llvm.mlir_zero(result))


def _check(fn, block: ir.Block, alloc) -> None:
    ops = [op.operation for op in block.operations]
    rest = ops[ops.index(alloc) + 1:]
    cont = block.create_after()
    for op in rest:
        cont.append(op)
    failed = block.create_after()
    _return_early(fn, failed, alloc.operands[-1])  # the byte count (aligned_alloc: alignment first)
    with ir.InsertionPoint(block), alloc.location:
        null = llvm.mlir_zero(alloc.results[0].type)
        is_null = llvm.icmp(llvm.ICmpPredicate.eq, alloc.results[0], null)
        llvm.cond_br(is_null, [], [], failed, cont)


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
    # Last allocation of a block first: splitting moves only what follows it, so the
    # earlier allocations stay in the block they were found in.
    work = [(fn, block, a) for fn in functions if not _is_coroutine(fn) for block, a in reversed(_allocations(fn))]
    if not work:
        return
    with ir.InsertionPoint.at_block_begin(body), ir.Location.unknown():
        llvm.GlobalOp(ir.IntegerType.get_signless(64), FLAG, ir.Attribute.parse("#llvm.linkage<external>"),
                      value=ir.IntegerAttr.get(ir.IntegerType.get_signless(64), 0))
    for fn, block, alloc in work:
        with alloc.location:
            _check(fn, block, alloc)
