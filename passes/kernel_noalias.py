"""pb-kernel-noalias: a kernel's buffer argument that aliases none of its call's others is `noalias`.

Runs after bufferization, on memrefs. An outlined kernel (pb-outline-kernels) sees pointers
only, so LLVM's vectorizer guards each loop with a runtime overlap check between what it
stores and what it loads, and keeps a scalar copy of the loop for the overlapping case:
about a quarter of a kernel's code, and of the time LLVM spends generating it (a 2-layer MLP
gradient's kernel units 24 -> 19 ms). Every call of a kernel is in the module (they are
private), so where a buffer comes from is known at each call: argument k is marked
`llvm.noalias` when, at every call, the buffer passed there is rooted in an allocation of
the caller (memref.alloc or memref.alloca, through view ops) that no other operand of that
call is rooted in. That is what LLVM's noalias asks: nothing else the kernel is given
reaches the memory it reaches through that argument. The caller's own arguments count as one
root (two of them may be one array of the user's); globals and loop-carried buffers are not
roots, so a kernel given one keeps every check.
"""
from __future__ import annotations

from mlir import ir

from pullback.dialects.ir import callee_of, functions, is_declaration, is_private, set_arg_attributes

from .outline_kernels import KERNEL
from .registry import register_pass

NOALIAS = "llvm.noalias"
_ALLOCATIONS = ("memref.alloc", "memref.alloca")
# Ops whose result is a view of their first operand's memory.
_VIEWS = ("memref.subview", "memref.cast", "memref.reinterpret_cast", "memref.expand_shape",
          "memref.collapse_shape", "memref.transpose", "memref.view", "memref.reshape")


def _root(v: ir.Value, entry_args: set) -> tuple | None:
    """What `v`'s memory belongs to: ("alloc", its allocation op) or ("args",) for the
    caller's arguments; None when unknown (a global, a loop's carried buffer, a call's result)."""
    while True:
        if v in entry_args:
            return ("args",)
        owner = v.owner
        if not isinstance(owner, ir.OpView):
            return None  # an argument of a nested block
        op = owner.operation
        name = op.name
        if name in _ALLOCATIONS:
            return ("alloc", op)
        if name not in _VIEWS:
            return None
        v = op.operands[0]


def _calls(fn) -> list:
    """The func.call ops inside `fn`."""
    found = []

    def visit(op):
        if op.name == "func.call":
            found.append(op.operation)
        return ir.WalkResult.ADVANCE
    fn.walk(visit)
    return found


@register_pass("pb-kernel-noalias", "Mark kernel buffer arguments that alias no other operand of any call llvm.noalias")
def kernel_noalias(module_op) -> None:
    table = functions(module_op)
    kernels = {name: fn for name, fn in table.items()
               if KERNEL in fn.attributes and is_private(fn) and not is_declaration(fn)}
    if not kernels:
        return
    # per kernel: for each argument, whether every call so far gives it a buffer of its own
    distinct: dict[str, list[bool]] = {}
    for fn in table.values():
        if is_declaration(fn):
            continue
        entry_args = set(fn.regions[0].blocks[0].arguments)
        for call in _calls(fn):
            callee = callee_of(call)
            if callee not in kernels:
                continue
            roots = [_root(v, entry_args) if isinstance(v.type, ir.MemRefType) else None for v in call.operands]
            own = [r is not None and roots.count(r) == 1 for r in roots]
            previous = distinct.get(callee)
            distinct[callee] = own if previous is None else [a and b for a, b in zip(previous, own)]
    unit = ir.UnitAttr.get()
    for name, flags in distinct.items():
        if any(flags):
            set_arg_attributes(kernels[name], NOALIAS, {k: unit for k, flag in enumerate(flags) if flag})
