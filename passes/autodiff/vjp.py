"""pb-vjp: reverse-mode differentiation, serving `vjp` requests.

A `vjp` request of @f is defined as the primal part of linearizing @f
(pb-linearize's `Linearizer`) followed by the transpose of its linear part
(pb-transpose's `Transposer`), as in JAX.
"""
from __future__ import annotations

from pullback.dialects.ir import FunctionTable, signature

from ..registry import register_pass
from ..requests import serve_requests
from .linearize import Linearizer, primal_then
from .transpose import Transposer


def serve_vjp(table: FunctionTable) -> bool:
    lz = Linearizer(table)
    tr = Transposer(table)

    def body(decl, callee, params, args):
        lin = lz.linearize(callee, params.get("wrt"))
        t_name = tr.transpose(lin.linear, lin.num_residuals, base=f"{callee}_vjp")
        n_in = len(signature(table[callee])[0])
        ct_types = signature(decl)[1][lin.num_outputs:]
        return primal_then(lin, t_name, args[:n_in], args[n_in:], ct_types, table)
    return serve_requests(table, "vjp", body)


@register_pass("pb-vjp", "Define vjp requests: linearize the callee, then transpose its linear part")
def expand_vjp(module_op) -> bool:
    return serve_vjp(FunctionTable(module_op))


__all__ = ["expand_vjp", "serve_vjp"]
