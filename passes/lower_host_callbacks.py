"""pb-lower-host-callbacks: host callback calls become calls of external C functions.

A host callback is a `func.call` of a declaration tagged `pb.host_callback` (see
`pullback.dialects.callbacks`; the transformation passes' rules for such calls are in
`host_callback_rules`). This pass runs after pb-to-linalg, before bufferization: each
call becomes a call of an external C function `_mlir_ciface_<declaration>` taking one
bare pointer per operand, then one per result, into which it writes. Operands are
passed with read-only `bufferization.to_buffer`; results are fresh `memref.alloc`s
wrapped back with `bufferization.to_tensor restrict`, so one-shot bufferization only
copies where an operand's buffer is not contiguous. The runtime (runtime/callbacks.py)
registers the C function under that name with the ExecutionEngine.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import bufferization, func, memref

from pullback.dialects.callbacks import C_PREFIX, is_callback
from pullback.dialects.ir import callee_of, declare, functions, ops_named, signature

from .registry import PassFailure, register_pass


def _memref_type(t: ir.Type) -> ir.MemRefType:
    rt = ir.RankedTensorType(t)
    return ir.MemRefType.get(list(rt.shape), rt.element_type)


@register_pass("pb-lower-host-callbacks",
               "Lower host callback calls to calls of external C functions on buffers (before bufferization)")
def lower_host_callbacks(module_op) -> None:
    decls = {name: fn for name, fn in functions(module_op).items() if is_callback(fn)}
    if not decls:
        return
    calls = [op for op in ops_named(module_op, ("func.call",)) if callee_of(op) in decls]
    c_names = {}
    for name, decl in decls.items():
        ins, outs = signature(decl)
        for t in ins + outs:
            if not (isinstance(t, ir.RankedTensorType) and ir.RankedTensorType(t).has_static_shape):
                raise PassFailure(f"host callback @{name}: expected static tensor types, got {t}", decl.location)
        c_name = c_names[name] = C_PREFIX + name
        with decl.location:
            declare(module_op, c_name, [_memref_type(t) for t in ins + outs], [], loc=decl.location, before=decl)
    for op in calls:
        with ir.InsertionPoint(op), op.location:
            ins = [bufferization.to_buffer(_memref_type(v.type), v, read_only=True) for v in op.operands]
            outs = [memref.alloc(_memref_type(r.type), [], []) for r in op.results]
            func.CallOp([], c_names[callee_of(op)], ins + outs)
            results = [bufferization.to_tensor(r.type, m, restrict=True, writable=True)
                       for r, m in zip(op.results, outs)]
        for old, new in zip(op.results, results):
            old.replace_all_uses_with(new)
        op.erase()
    for decl in decls.values():
        decl.erase()


__all__ = ["lower_host_callbacks"]
