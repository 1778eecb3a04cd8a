"""pb-expand-transforms: serve every transformation request, innermost first.

Each expander only serves requests whose callee is fully defined, so
alternating them until nothing changes handles any nesting (grad of grad,
jvp of grad, grad of jvp, ...) with no special cases. They share one function
table for the whole run.
"""
from __future__ import annotations

from pullback.dialects.ir import FunctionTable

from .autodiff.jvp import serve_jvp
from .autodiff.linearize import serve_linearize
from .autodiff.transpose import serve_transpose
from .autodiff.vjp import serve_vjp
from .batching.vmap import serve_vmap
from .registry import PassFailure, register_pass
from .requests import pending_requests

# Each serves the requests of its kind whose callee is fully defined.
EXPANDERS = [serve_vmap, serve_jvp, serve_linearize, serve_vjp, serve_transpose]


@register_pass("pb-expand-transforms", "Serve every transformation request (innermost first) until none is left")
def expand_transforms(module_op) -> None:
    table = FunctionTable(module_op)
    while any([expander(table) for expander in EXPANDERS]):
        pass
    for fn in pending_requests(table):
        raise PassFailure("transformation request could not be served (is its callee recursive or "
                          "missing a body?)", fn.location)
