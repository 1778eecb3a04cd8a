"""pb-elide-result-copies: a result computed into a temporary buffer is computed in place.

Runs after bufferization (results as out-params). When a function's result comes from a
call or a kernel that wrote it into a fresh allocation, buffer-results-to-out-params ends
the function with `memref.copy %tmp, %out`: a full extra pass over every result, on every
call. When %tmp is a static allocation of %out's type that nothing touches after the copy
(but its deallocation; before it, loops may write its rows), and %out (an out-parameter: a fresh buffer of the caller, aliasing
nothing) is touched by nothing but the copy, the writers write %out directly and the
allocation, the copy and the deallocation go.
"""
from __future__ import annotations

from mlir import ir

from pullback.dialects.ir import ancestor_in, function_blocks

from .registry import register_pass


def _elide_in(block: ir.Block) -> None:
    ops = [op.operation for op in block.operations]
    args = set(block.arguments)
    for copy in [op for op in ops if op.name == "memref.copy"]:
        src, dst = copy.operands
        alloc = src.owner.operation if isinstance(src.owner, ir.OpView) else None
        if dst not in args or alloc is None or alloc.name != "memref.alloc" or alloc.operands:
            continue
        if src.type != dst.type or alloc.block != block:
            continue
        if any(u.owner != copy for u in dst.uses):
            continue
        users = [ancestor_in(block, u.owner) for u in src.uses]
        if any(u is None for u in users):
            continue
        after = [u for u in users if u != copy and copy.is_before_in_block(u)]
        if any(u.name != "memref.dealloc" for u in after):
            continue
        for u in after:
            u.erase()
        copy.erase()
        src.replace_all_uses_with(dst)
        alloc.erase()


@register_pass("pb-elide-result-copies", "Write results into their out-params instead of copying them there")
def elide_result_copies(module_op) -> None:
    for block in function_blocks(module_op):
        _elide_in(block)
