"""pb-expand-transforms: expand every transformation op, innermost first.

Each expander only touches ops whose callee is free of transformation ops,
so alternating them until nothing changes handles any nesting
(grad of grad, jvp of grad, grad of jvp, ...) with no special cases.
"""
from __future__ import annotations

from ..registry import PassFailure, register_pass
from .functions import body_ops, functions, is_transform
from .jvp import expand_jvp
from .linearize import expand_linearize
from .transpose import expand_transpose, expand_vjp

# Later issues (vmap, custom rules) add their expanders here.
EXPANDERS = [expand_jvp, expand_linearize, expand_vjp, expand_transpose]


@register_pass("pb-expand-transforms", "Expand all transformation ops (innermost first) until none is left")
def expand_transforms(module_op) -> None:
    while any([expander(module_op) for expander in EXPANDERS]):
        pass
    for fn in functions(module_op).values():
        for op in body_ops(fn):
            if is_transform(op):
                raise PassFailure(f"'{op.name}' could not be expanded (a recursive function?)", op.location)
