"""pb-readonly-args: compiled code never writes into its inputs.

One-shot bufferization otherwise assumes public function arguments may be
written in place, and an op such as scatter_add would then update the caller's
buffer. A pullback Array is immutable, so every argument of a public function is
marked `bufferization.writable = false`; bufferization copies where needed
instead. Part of the calling convention of entry functions, prepared before
bufferization (with pb-distinct-results).
"""
from __future__ import annotations

from mlir import ir

from pullback.dialects.ir import as_func, functions, is_declaration, is_private, set_arg_attributes

from .registry import register_pass


def public_definitions(module_op):
    """The public func.funcs with a body: the entry points a caller passes buffers to."""
    return [fn for fn in functions(module_op).values() if not is_declaration(fn) and not is_private(fn)]


@register_pass("pb-readonly-args", "Mark the arguments of public functions bufferization.writable = false")
def readonly_args(module_op) -> None:
    for fn in public_definitions(module_op):
        read_only = ir.BoolAttr.get(False)
        set_arg_attributes(fn, "bufferization.writable", {i: read_only for i in range(len(as_func(fn).arguments))})
