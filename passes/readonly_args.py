"""pb-readonly-args: mark entry-function arguments non-writable for bufferization.

One-shot bufferization otherwise assumes public function arguments may be
written in place, and an op such as scatter_add would then update the
caller's buffer: a pullback Array is immutable, so compiled code must never
write into its inputs. Bufferization copies where an in-place update would
have been needed.
"""
from __future__ import annotations

from mlir import ir

from .registry import register_pass


@register_pass("pb-readonly-args", "Mark the arguments of public functions bufferization.writable = false")
def readonly_args(module_op) -> None:
    for op in module_op.regions[0].blocks[0].operations:
        op = op.operation
        if op.name != "func.func" or not len(op.regions[0].blocks):
            continue
        if "sym_visibility" in op.attributes and ir.StringAttr(op.attributes["sym_visibility"]).value == "private":
            continue
        n = len(op.regions[0].blocks[0].arguments)
        old = ir.ArrayAttr(op.attributes["arg_attrs"]) if "arg_attrs" in op.attributes else None
        entries = []
        for i in range(n):
            d = {}
            if old is not None:
                for named in ir.DictAttr(old[i]):
                    d[named.name] = named.attr
            d["bufferization.writable"] = ir.BoolAttr.get(False)
            entries.append(ir.DictAttr.get(d))
        op.attributes["arg_attrs"] = ir.ArrayAttr.get(entries)
