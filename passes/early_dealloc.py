"""pb-early-dealloc: free a buffer right after its last use instead of at the end of its block.

Runs after bufferization and the buffer-deallocation pipeline, which puts the
`memref.dealloc` of every buffer a block allocates at the end of that block. In a loop
body that is soon enough; in straight-line code it keeps every temporary alive until the
function returns, so peak memory grows with the length of the code. Reverse mode through a
checkpointed loop (checkpoint_schedule.py) is such code: the binomial schedule's segments
are copied one after the other, and its bound (K carries and one step's residuals live at
once) needs each copy's buffers freed when the next one starts.

A `memref.dealloc` of a `memref.alloc` of the same block moves to just after the last op
of the block that uses the buffer or an alias of it. Aliases, conservatively: every memref
result of an op (or of an op holding one, a loop or a branch) that reads the buffer or an
alias. A buffer whose address leaves the memref world (an op from ESCAPES) keeps its
deallocation where it is.
"""
from __future__ import annotations

from mlir import ir

from pullback.dialects.ir import ancestor_in, function_blocks

from .registry import register_pass

# Ops whose non-memref results can carry a buffer's address: its last use is unknowable.
ESCAPES = ("memref.extract_aligned_pointer_as_index", "builtin.unrealized_conversion_cast")


def _memref_results(op) -> list:
    return [r for r in op.results if isinstance(r.type, ir.MemRefType)]


def _last_use(block: ir.Block, buffer: ir.Value, dealloc):
    """The last op of `block` touching `buffer` or an alias; None when it has none; False
    when the buffer may be reached in ways the uses do not show."""
    seen, stack, users = set(), [buffer], []
    while stack:
        v = stack.pop()
        for use in v.uses:
            owner = use.owner.operation
            if owner == dealloc:
                continue
            if owner.name in ESCAPES:
                return False
            top = ancestor_in(block, owner)
            if top is None:
                return False
            users.append(top)
            op = owner
            while True:  # the op's memref results, and those of every op holding it in the block
                for r in _memref_results(op):
                    key = (r.owner.operation, r.result_number)
                    if key not in seen:
                        seen.add(key)
                        stack.append(r)
                if op == top:
                    break
                op = op.parent.operation
    last = None
    for u in users:
        if last is None or last.is_before_in_block(u):
            last = u
    return last


def _move_in(block: ir.Block) -> None:
    for op in [op.operation for op in block.operations]:
        if len(op.regions):  # (counting regions is cheap; listing none is not)
            for region in op.regions:
                for inner in region.blocks:
                    _move_in(inner)
        if op.name != "memref.dealloc":
            continue
        buffer = op.operands[0]
        alloc = buffer.owner
        if not isinstance(alloc, ir.OpView) or alloc.operation.name != "memref.alloc" or alloc.operation.block != block:
            continue
        last = _last_use(block, buffer, op)
        if last is False:
            continue
        op.move_after(last if last is not None else alloc.operation)


@register_pass("pb-early-dealloc", "Free each buffer right after its last use in its block")
def early_dealloc(module_op) -> None:
    for block in function_blocks(module_op):
        _move_in(block)
