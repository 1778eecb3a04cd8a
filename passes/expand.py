"""pb-expand-transforms: serve every transformation request, innermost first.

Each expander only serves requests whose callee is fully defined, so
alternating them until nothing changes handles any nesting (grad of grad,
jvp of grad, grad of jvp, ...) with no special cases.
"""
from __future__ import annotations

from .registry import PassFailure, register_pass
from .functions import pending_requests
from .autodiff.jvp import expand_jvp
from .autodiff.linearize import expand_linearize
from .autodiff.transpose import expand_transpose, expand_vjp
from .batching.vmap import expand_vmap
from .control_transforms import reject_control_flow

# Each serves the requests of its kind whose callee is fully defined.
EXPANDERS = [expand_vmap, expand_jvp, expand_linearize, expand_vjp, expand_transpose]


@register_pass("pb-expand-transforms", "Expand all transformation ops (innermost first) until none is left")
def expand_transforms(module_op) -> None:
    while any([expander(module_op) for expander in EXPANDERS]):
        pass
    for fn in pending_requests(module_op):
        reject_control_flow(module_op, fn)  # control flow has no transformation rules yet
        raise PassFailure("transformation request could not be served (is its callee recursive or "
                          "missing a body?)", fn.location)
