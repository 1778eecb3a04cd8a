"""pb-linearize: split a JVP into a primal function and a linear tangent function.

Partial evaluation (`partial_eval.flatten`) over a call-free copy of the JVP
function: a value is *unknown* when it depends on a tangent input, *known*
otherwise. Known ops form `@f_primal(x) -> (y, residuals)`; unknown ops form
`@f_lin(residuals, t) -> t_out`, which is linear in t by construction of the
JVP rules. Residuals are the known values the tangent side reads; constants
are recomputed there instead of being passed.

A `linearize` request of @f is defined as calls of the two functions; with
`split = 1`, as the primal function alone, naming the linear one in `pb.linear`.
"""
from __future__ import annotations

from typing import NamedTuple

from mlir import ir

from pullback.dialects.ir import FunctionTable, call, callee_of, ops_named, set_results, signature, symbol_name
from pullback.dialects.transforms import LINEAR_ATTR

from ..function_transform import FunctionTransform
from ..registry import PassFailure, register_pass
from ..requests import serve_requests
from .jvp import JVPTransform
from .partial_eval import partial_eval_function


class Linearized(NamedTuple):
    primal: str         # (primals) -> (outputs, residuals)
    linear: str         # (residuals, tangents) -> output tangents
    num_outputs: int
    num_residuals: int


def linearize_jvp_function(table: FunctionTable, jvp_name: str, num_primals: int, base: str) -> Linearized:
    """Partition @jvp_name(primals, tangents) -> (outs, touts)."""
    ins, outs = signature(table[jvp_name])
    m = len(outs) // 2
    pe = partial_eval_function(table, jvp_name, [i >= num_primals for i in range(len(ins))],
                               [False] * m + [True] * m, base, names=("primal", "lin"))
    if any(pe.out_unknown[:m]):
        i = pe.out_unknown.index(True)
        raise PassFailure(f"pb-linearize: primal output #{i} of @{jvp_name} depends on tangents",
                          table[jvp_name].location)
    return Linearized(pe.known, pe.unknown, m, len(pe.residual_types))


class Linearizer(FunctionTransform):
    """Memoized linearization of the module's functions (a JVP, then partial evaluation)."""

    pass_name, verb = "pb-linearize", "linearize"

    def __init__(self, module_or_table):
        super().__init__(module_or_table)
        self.jvp = JVPTransform(self.table)

    def linearize(self, name: str, wrt: tuple | None = None) -> Linearized:
        """Linearized @name in the inputs `wrt` (default all)."""
        return self.transformed(name, None if wrt is None else tuple(wrt))

    def build(self, name: str, wrt) -> Linearized:
        n = len(signature(self.table[name])[0])
        return linearize_jvp_function(self.table, self.jvp.jvp_function(name, wrt), n, name)


def primal_then(lin: Linearized, second: str, primals, others, second_results, table: FunctionTable) -> list:
    """Call the primal function, then `second(residuals, others)`; returns outs + its results."""
    p = call(lin.primal, primals, signature(table[lin.primal])[1])
    outs, res = p[:lin.num_outputs], p[lin.num_outputs:]
    return outs + call(second, res + list(others), second_results)


def _widen_calls(module_op, decl, result_types) -> None:
    """Calls of a served split request also return its residuals (unused by the caller)."""
    name = symbol_name(decl)
    for op in [op for op in ops_named(module_op, ("func.call",)) if callee_of(op) == name]:
        with ir.InsertionPoint(op), op.location:
            new = call(name, list(op.operands), result_types)
        for old, v in zip(op.results, new):
            old.replace_all_uses_with(v)
        op.erase()


def serve_linearize(table: FunctionTable) -> bool:
    lz = Linearizer(table)

    def body(decl, callee, params, args):
        lin = lz.linearize(callee, params.get("wrt"))
        n = len(signature(table[callee])[0])
        if params.get("split", 0):  # the primal half: outputs and residuals; the linear half is named
            decl.attributes[LINEAR_ATTR] = ir.FlatSymbolRefAttr.get(lin.linear)
            outs = call(lin.primal, args, signature(table[lin.primal])[1])
            set_results(decl, [v.type for v in outs])
            _widen_calls(table.module, decl, [v.type for v in outs])
            return outs
        tan_types = signature(decl)[1][lin.num_outputs:]
        return primal_then(lin, lin.linear, args[:n], args[n:], tan_types, table)
    return serve_requests(table, "linearize", body)


@register_pass("pb-linearize", "Define linearize requests as a primal function and a linear tangent function")
def expand_linearize(module_op) -> bool:
    return serve_linearize(FunctionTable(module_op))


__all__ = ["Linearized", "Linearizer", "expand_linearize", "linearize_jvp_function", "primal_then",
           "serve_linearize"]
