"""pb-reuse-buffers: an allocation takes over a buffer of its type freed earlier in its block.

Runs after pb-early-dealloc, which frees each buffer right after the last use of it or of an
alias. From that point on the buffer is dead, so a later `memref.alloc` of the same type
(static shape, same alignment) in the same block may be that buffer: the alloc goes, and so
does the dealloc that freed the buffer; the later dealloc (of the new allocation) then frees
it. That is what malloc itself may do (return the block just freed), decided at compile time.
The buffer is taken over only when nothing that may allocate runs between the free and the
allocation (see _reuse_in), so the program's peak memory never grows. A deep network's
straight-line gradient frees a temporary and allocates the next one back to back, so it makes
fewer malloc calls, first touches fewer pages, and its glue has fewer allocations to check
(pb-check-allocations) and to lower.
"""
from __future__ import annotations

from mlir import ir

from pullback.dialects.ir import function_blocks

from .registry import register_pass


# Ops that allocate nothing: a freed buffer may wait across them for its next allocation.
_ALLOCATION_FREE = ("arith.constant", "memref.cast", "memref.subview", "memref.collapse_shape", "memref.expand_shape",
                    "memref.reinterpret_cast")


def _allocation(v: ir.Value):
    """The memref.alloc op of `block` that made `v`, if it did."""
    owner = v.owner
    if isinstance(owner, ir.OpView) and owner.operation.name == "memref.alloc":
        return owner.operation
    return None


def _key(alloc) -> tuple | None:
    """What a reusing allocation must match: its type and alignment (static shapes only)."""
    t = alloc.results[0].type
    if len(alloc.operands) or not t.has_static_shape:
        return None
    alignment = alloc.attributes["alignment"] if "alignment" in alloc.attributes else None
    return t, alignment


def _reuse_in(block: ir.Block) -> None:
    # Buffers freed since the last op that may allocate (an alloc, a call, a loop): a buffer
    # kept for an allocation further on would be live across those, above the program's
    # peak, so an op that may allocate memory ends the wait and the buffers are freed.
    free: dict = {}  # key -> [(buffer, the dealloc that freed it)], most recent last
    for op in [op.operation for op in block.operations]:
        if len(op.regions):  # (counting regions is cheap; listing none is not)
            for region in op.regions:
                for inner in region.blocks:
                    _reuse_in(inner)
        name = op.name
        if name == "memref.dealloc":
            buffer = op.operands[0]
            alloc = _allocation(buffer)
            if alloc is not None and alloc.block == block:
                key = _key(alloc)
                if key is not None:
                    free.setdefault(key, []).append((buffer, op))
            continue
        if name == "memref.alloc":
            key = _key(op)
            waiting = free.get(key) if key is not None else None
            if waiting:
                buffer, dealloc = waiting.pop()
                dealloc.erase()
                op.results[0].replace_all_uses_with(buffer)
                op.erase()
                continue
        if name not in _ALLOCATION_FREE:
            free.clear()


@register_pass("pb-reuse-buffers", "Give an allocation the buffer of its type freed last before it in its block")
def reuse_buffers(module_op) -> None:
    for block in function_blocks(module_op):
        _reuse_in(block)
