"""The calling convention of entry functions, prepared before bufferization.

pb-readonly-args: one-shot bufferization otherwise assumes public function
arguments may be written in place, and an op such as scatter_add would then
update the caller's buffer. A pullback Array is immutable, so compiled code
must never write into its inputs; bufferization copies where needed instead.

pb-distinct-results: each result becomes a caller-allocated out-param, so
two results must not be the same tensor (buffer-results-to-out-params also
crashes on a buffer returned twice). Repeats are returned as copies.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, linalg, tensor

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


def _public_functions(module_op):
    for op in module_op.regions[0].blocks[0].operations:
        op = op.operation
        if op.name != "func.func" or not len(op.regions[0].blocks):
            continue
        if "sym_visibility" in op.attributes and ir.StringAttr(op.attributes["sym_visibility"]).value == "private":
            continue
        yield op


@register_pass("pb-distinct-results", "Return copies for results that repeat another result")
def distinct_results(module_op) -> None:
    for fn in _public_functions(module_op):
        for block in fn.regions[0].blocks:
            ret = list(block.operations)[-1].operation
            if ret.name != "func.return":  # a branch, in a function of several blocks
                continue
            seen = set()
            for i, v in enumerate(list(ret.operands)):
                if v in seen and isinstance(v.type, ir.RankedTensorType):
                    with ir.InsertionPoint(ret), ret.location:
                        t = v.type
                        sizes = [tensor.dim(v, arith.constant(ir.IndexType.get(), d)) if t.is_dynamic_dim(d)
                                 else t.shape[d] for d in range(t.rank)]
                        empty = tensor.empty(sizes, t.element_type)
                        ret.operands[i] = linalg.copy(v, outs=[empty])
                seen.add(v)
