"""pb-expand-math: marked transcendental math ops become the arithmetic pullback computes them by.

pb-to-linalg gives exp, log, sin, cos, tanh, log1p and expm1 of real floats as single
math-dialect ops marked `pb.fast_math`, so fusion, kernel outlining and its deduplication
handle one op where the expansion has ~30. This pass, after outlining (once per distinct
kernel), replaces each by the branch-free arithmetic of `dialects/ops/expansions.py`:
XLA's roundings, in code that LLVM vectorizes. Unmarked math ops are left to libm.

The expansions are scalar: a marked op on a vector (the IR vectorized before this pass) is
an error, not a silent libm call with other roundings.
"""
from __future__ import annotations

from mlir import ir

from pullback.dialects.ir import ops_named
from pullback.dialects.ops.expansions import EXPANSIONS, MARK, scalar_dtype

from .registry import PassFailure, register_pass


@register_pass("pb-expand-math", "Expand marked math ops (exp, log, sin, cos, tanh, log1p, expm1) into vectorizable arithmetic")
def expand_math(module_op) -> None:
    for op in [op for op in ops_named(module_op, EXPANSIONS) if MARK in op.attributes]:
        x = op.operands[0]
        dtype = scalar_dtype(x.type)
        if dtype is None:
            raise PassFailure(f"'{op.name}' marked {MARK} expects a real float scalar, got {x.type} "
                              "(run pb-expand-math before vectorization)", op.location)
        with ir.InsertionPoint(op), op.location:
            value = EXPANSIONS[op.name](x, dtype)
        op.result.replace_all_uses_with(value)
        op.erase()


__all__ = ["expand_math"]
