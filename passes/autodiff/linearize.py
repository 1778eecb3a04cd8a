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
from mlir.dialects import func

from pullback.dialects.ir import FunctionTable, call, callee_of, entry_block, set_results, signature, symbol_name
from pullback.dialects.transforms import LINEAR_ATTR

from ..cloning import clone_into
from ..function_transform import FunctionTransform
from ..registry import PassFailure, register_pass
from ..requests import serve_requests
from .jvp import JVPTransform
from .partial_eval import flatten


class Linearized(NamedTuple):
    primal: str         # (primals) -> (outputs, residuals)
    linear: str         # (residuals, tangents) -> output tangents
    num_outputs: int
    num_residuals: int


def linearize_jvp_function(table: FunctionTable, jvp_name: str, num_primals: int, base: str) -> Linearized:
    """Partition @jvp_name(primals, tangents) -> (outs, touts)."""
    split = flatten(table, jvp_name, num_primals, f"{base}_flat")
    args, ret, unknown = split.args, split.ret, split.dependent
    m = len(ret.operands) // 2
    outs, touts = list(ret.operands[:m]), list(ret.operands[m:])
    for i, v in enumerate(outs):
        if v in unknown:
            raise PassFailure(f"pb-linearize: primal output #{i} of @{jvp_name} depends on tangents",
                              ret.location)
    # (calls left in a flat copy are host callbacks: effectful, never recomputed on the linear side)
    constant_ops = {r: op for op in split.known if len(op.operands) == 0 and op.name != "func.call"
                    for r in op.results}
    residuals: list = []
    seen = set()

    def need(v):
        if v not in unknown and v not in seen and v not in constant_ops:
            seen.add(v)
            residuals.append(v)

    for op in split.unknown:
        for v in op.operands:
            need(v)
    for v in touts:
        need(v)

    # primal function
    primal_fn = table.new_function(f"{base}_primal", [a.type for a in args[:num_primals]], [], split.fn.location)
    pmap = dict(zip(args[:num_primals], entry_block(primal_fn).arguments))
    with ir.InsertionPoint(entry_block(primal_fn)):
        for op in split.known:
            with op.location:
                clone_into(op, pmap)
        with ret.location:
            func.ReturnOp([pmap[v] for v in outs] + [pmap[v] for v in residuals])
    set_results(primal_fn, [v.type for v in outs] + [v.type for v in residuals])

    # linear (tangent) function
    tan_args = args[num_primals:]
    lin_fn = table.new_function(f"{base}_lin", [v.type for v in residuals] + [a.type for a in tan_args],
                                [v.type for v in touts], split.fn.location)
    largs = list(entry_block(lin_fn).arguments)
    lmap = dict(zip(residuals, largs[:len(residuals)]))
    lmap.update(zip(tan_args, largs[len(residuals):]))
    with ir.InsertionPoint(entry_block(lin_fn)):
        cloned_consts = set()
        for op in split.unknown + [None]:
            operands = list(op.operands) if op is not None else touts
            for v in operands:
                if v in constant_ops and v not in cloned_consts:
                    cop = constant_ops[v]
                    with cop.location:
                        clone_into(cop, lmap)
                    cloned_consts.update(cop.results)
            if op is not None:
                with op.location:
                    clone_into(op, lmap)
        with ret.location:
            func.ReturnOp([lmap[v] for v in touts])
    table.erase(split.fn)
    return Linearized(symbol_name(primal_fn), symbol_name(lin_fn), len(outs), len(residuals))


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
    calls = []

    def visit(op):
        if op.name == "func.call" and callee_of(op) == name:
            calls.append(op)
        return ir.WalkResult.ADVANCE
    module_op.walk(visit)
    for op in calls:
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
