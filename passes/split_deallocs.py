"""pb-split-deallocs: a dealloc of fresh allocations, unconditionally, becomes one memref.dealloc each.

Runs between ownership-based-buffer-deallocation and buffer-deallocation-simplification.
The ownership pass frees everything a block allocated with one `bufferization.dealloc` at the
block's end; in straight-line code (a program's entry function, after kernel outlining)
that is one op over every temporary of the program, and the simplification pass, which asks
whether each pair of its memrefs may alias, takes time quadratic in their number (a 32-layer
MLP gradient: 190 buffers, 6.7 ms). When every memref of the op is the result of its own
`memref.alloc`, no two can alias, so with constant-true conditions and nothing retained the
op means exactly one `memref.dealloc` per memref, which is what simplification and lowering
would make of it. Any other dealloc, and those inside loops and branches, is left to them.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import memref

from pullback.dialects.ir import functions

from .registry import register_pass


def _is_true(v: ir.Value) -> bool:
    owner = v.owner
    if not isinstance(owner, ir.OpView) or owner.operation.name != "arith.constant":
        return False
    value = owner.operation.attributes["value"]
    return isinstance(value, ir.BoolAttr) and value.value


def _fresh_allocations(values) -> bool:
    """Each value a result of its own memref.alloc (so no two alias)."""
    seen = set()
    for v in values:
        owner = v.owner
        if not isinstance(owner, ir.OpView) or owner.operation.name != "memref.alloc" or v in seen:
            return False
        seen.add(v)
    return True


def _splittable(op) -> bool:
    dealloc = op.opview
    return (not len(dealloc.retained) and all(_is_true(c) for c in dealloc.conditions)
            and _fresh_allocations(list(dealloc.memrefs)))


def _block_end_deallocs(block: ir.Block) -> list:
    """The deallocs right before `block`'s terminator, where the ownership pass puts them."""
    ops = block.operations
    found, i = [], len(ops) - 2
    while i >= 0 and ops[i].operation.name == "bufferization.dealloc":
        found.append(ops[i].operation)
        i -= 1
    return found


@register_pass("pb-split-deallocs",
               "Split unconditional deallocs of distinct allocations into memref.dealloc ops (before buffer-deallocation-simplification)")
def split_deallocs(module_op) -> None:
    # Only the functions' own blocks: a loop body's dealloc holds that body's few buffers,
    # cheap to simplify, and finding it would take a walk over every op of every kernel.
    for fn in functions(module_op).values():
        for block in fn.regions[0].blocks:
            for op in _block_end_deallocs(block):
                if not _splittable(op):
                    continue
                with ir.InsertionPoint(op), op.location:
                    for m in op.opview.memrefs:
                        memref.dealloc(m)
                op.erase()


__all__ = ["split_deallocs"]
