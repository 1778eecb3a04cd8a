"""pb-empty-memref-args: zero-size memref parameters become `memref<0xT>`.

Runs on bufferized IR, before the conversion to LLVM. Functions take bare pointers
(`use-bare-ptr-memref-call-conv`), which MLIR builds only for memrefs with static strides,
and a multi-dimensional memref with a zero-size dimension (`memref<2x0xf32>`) has none: its
functions and their calls are left unconverted and the module fails to translate. Such a
buffer holds no element, so nothing can read or write through it: the parameter becomes the
one-dimensional `memref<0xT>`, which converts, and its uses inside the function read a local
zero-size buffer of the old type instead. Calls pass a local `memref<0xT>`. A function that
returns such a memref is an error: the pipeline turns results into out-parameters first.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import memref

from pullback.dialects.ir import entry_block, functions, ops_named, set_signature, signature

from .registry import PassFailure, register_pass


def _empty_multidim(t: ir.Type) -> bool:
    if not isinstance(t, ir.MemRefType):
        return False
    m = t
    return m.has_static_shape and m.rank != 1 and 0 in m.shape


def _flat(t: ir.Type) -> ir.Type:
    return ir.MemRefType.get([0], t.element_type, loc=ir.Location.unknown(t.context))


@register_pass("pb-empty-memref-args", "Give zero-size memref parameters a type the bare-pointer calling convention accepts")
def empty_memref_args(module_op) -> None:
    changed: dict[str, list[int]] = {}
    for name, fn in functions(module_op).items():
        ins, outs = signature(fn)
        if any(_empty_multidim(t) for t in outs):
            raise PassFailure(f"@{name} returns a zero-size multi-dimensional memref; run "
                              "buffer-results-to-out-params first", fn.location)
        positions = [i for i, t in enumerate(ins) if _empty_multidim(t)]
        if not positions:
            continue
        changed[name] = positions
        set_signature(fn, [_flat(t) if i in positions else t for i, t in enumerate(ins)])
        if not fn.regions[0].blocks:
            continue  # a declaration
        block = entry_block(fn)
        with ir.InsertionPoint.at_block_begin(block), fn.location:
            for i in positions:
                arg = block.arguments[i]
                arg.replace_all_uses_with(memref.alloca(ins[i], [], []))
                arg.set_type(_flat(ins[i]))
    if changed:
        _update_calls(module_op, changed)


def _update_calls(module_op, changed: dict[str, list[int]]) -> None:
    calls = [op for op in ops_named(module_op, ("func.call",))
             if ir.FlatSymbolRefAttr(op.attributes["callee"]).value in changed]
    for op in calls:
        with ir.InsertionPoint(op), op.location:
            for i in changed[ir.FlatSymbolRefAttr(op.attributes["callee"]).value]:
                op.operands[i] = memref.alloca(_flat(op.operands[i].type), [], [])
