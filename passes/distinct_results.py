"""pb-distinct-results: no two results of an entry function are the same tensor.

Each result becomes a caller-allocated out-param, so two results must not be the
same tensor (buffer-results-to-out-params also crashes on a buffer returned
twice). Repeats are returned as copies. Part of the calling convention of entry
functions, prepared before bufferization (with pb-readonly-args).
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, linalg, tensor

from .readonly_args import public_definitions
from .registry import register_pass


@register_pass("pb-distinct-results", "Return copies for results that repeat another result")
def distinct_results(module_op) -> None:
    for fn in public_definitions(module_op):
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
