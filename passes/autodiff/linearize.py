"""pb-linearize: split a JVP into a primal function and a linear tangent function.

Partial evaluation over the (call-free) JVP function of @f: a value is
*unknown* when it depends on a tangent input, *known* otherwise. Known ops
form `@f_primal(x) -> (y, residuals)`; unknown ops form
`@f_lin(residuals, t) -> t_out`, which is linear in t by construction of the
JVP rules. Residuals are the known values the tangent side reads; constants
are recomputed there instead of being passed.

A `linearize` request of @f is defined as calls of the two functions.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import func

from pullback.dialects.transforms import LINEAR_ATTR

from ..registry import PassFailure, register_pass
from ..cloning import clone_into, inline_body
from ..functions import (callee_of, entry_block, fresh_name, function_type, functions, new_function, serve_requests,
                         set_results)
from .jvp import JVPBuilder, call
from ..custom_derivatives import inline_dependent_custom_calls


class Linearized:
    def __init__(self, primal: str, linear: str, num_outputs: int, num_residuals: int):
        self.primal, self.linear = primal, linear
        self.num_outputs, self.num_residuals = num_outputs, num_residuals


def flat_copy(module_op, name: str, base: str) -> ir.Operation:
    """A call-free copy of @name (calls inlined), to be partitioned and erased. Calls of
    custom derivative declarations stay calls (passes/custom_derivatives.py)."""
    fn = functions(module_op)[name]
    ft = function_type(fn)
    tmp = new_function(module_op, fresh_name(module_op, base), list(ft.inputs), list(ft.results), fn.location)
    with ir.InsertionPoint(entry_block(tmp)), fn.location:
        outs = inline_body(module_op, name, list(entry_block(tmp).arguments), keep_custom=True)
        func.ReturnOp(outs)
    return tmp


def linearize_jvp_function(module_op, jvp_name: str, num_primals: int, base: str) -> Linearized:
    """Partition @jvp_name(primals, tangents) -> (outs, touts)."""
    flat = flat_copy(module_op, jvp_name, f"{base}_flat")
    block = entry_block(flat)
    args = list(block.arguments)
    # a custom call applied to tangents is applied linearly: its primal's body takes its place
    inline_dependent_custom_calls(module_op, flat, args[num_primals:])
    ops = [op.operation for op in block.operations]
    ret = ops[-1]
    ops = ops[:-1]
    unknown = set(args[num_primals:])
    known_ops, unknown_ops = [], []
    for op in ops:
        if any(v in unknown for v in op.operands):
            unknown_ops.append(op)
            unknown.update(op.results)
        else:
            known_ops.append(op)
    m = len(ret.operands) // 2
    outs, touts = list(ret.operands[:m]), list(ret.operands[m:])
    for i, v in enumerate(outs):
        if v in unknown:
            raise PassFailure(f"pb-linearize: primal output #{i} of @{jvp_name} depends on tangents",
                              ret.location)
    # (calls left in a flat copy are host callbacks: effectful, never recomputed on the linear side)
    constant_ops = {r: op for op in known_ops if len(op.operands) == 0 and op.name != "func.call"
                    for r in op.results}
    residuals: list = []
    seen = set()

    def need(v):
        if v not in unknown and v not in seen and v not in constant_ops and v not in args[num_primals:]:
            seen.add(v)
            residuals.append(v)

    for op in unknown_ops:
        for v in op.operands:
            need(v)
    for v in touts:
        need(v)

    # primal function
    primal_name = fresh_name(module_op, f"{base}_primal")
    in_types = [a.type for a in args[:num_primals]]
    primal_fn = new_function(module_op, primal_name, in_types, [], flat.location)
    pmap = dict(zip(args[:num_primals], entry_block(primal_fn).arguments))
    with ir.InsertionPoint(entry_block(primal_fn)):
        for op in known_ops:
            with op.location:
                clone_into(op, pmap)
        with ret.location:
            func.ReturnOp([pmap[v] for v in outs] + [pmap[v] for v in residuals])
    set_results(primal_fn, [v.type for v in outs] + [v.type for v in residuals])

    # linear (tangent) function
    lin_name = fresh_name(module_op, f"{base}_lin")
    tan_args = args[num_primals:]
    lin_fn = new_function(module_op, lin_name, [v.type for v in residuals] + [a.type for a in tan_args],
                          [v.type for v in touts], flat.location)
    largs = list(entry_block(lin_fn).arguments)
    lmap = dict(zip(residuals, largs[:len(residuals)]))
    lmap.update(zip(tan_args, largs[len(residuals):]))
    with ir.InsertionPoint(entry_block(lin_fn)):
        cloned_consts = set()
        for op in unknown_ops + [None]:
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
    flat.erase()
    return Linearized(primal_name, lin_name, len(outs), len(residuals))


class Linearizer:
    """Memoized linearization of the module's functions."""

    def __init__(self, module_op):
        self.module_op = module_op
        self.jvp = JVPBuilder(module_op)
        self.done: dict[tuple, Linearized] = {}

    def linearize(self, name: str, wrt: tuple | None = None) -> Linearized:
        """Linearized @name in the inputs `wrt` (default all)."""
        key = (name, None if wrt is None else tuple(wrt))
        if key not in self.done:
            n = len(function_type(functions(self.module_op)[name]).inputs)
            self.done[key] = linearize_jvp_function(self.module_op, self.jvp.jvp_function(name, wrt), n, name)
        return self.done[key]


def primal_then(module_op, lin: Linearized, second: str, primals, others, second_results):
    """Call the primal function, then `second(residuals, others)`; returns outs + its results."""
    ft = function_type(functions(module_op)[lin.primal])
    p = call(lin.primal, primals, ft.results)
    outs, res = p[:lin.num_outputs], p[lin.num_outputs:]
    return outs + call(second, res + list(others), second_results)


def _widen_calls(module_op, decl, result_types) -> None:
    """Calls of a served split request also return its residuals (unused by the caller)."""
    name = ir.StringAttr(decl.attributes["sym_name"]).value
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


@register_pass("pb-linearize", "Define linearize requests as a primal function and a linear tangent function")
def expand_linearize(module_op) -> bool:
    lz = Linearizer(module_op)

    def body(decl, callee, params, args):
        lin = lz.linearize(callee, params.get("wrt"))
        n = len(function_type(functions(module_op)[callee]).inputs)
        if params.get("split", 0):  # the primal half: outputs and residuals; the linear half is named
            decl.attributes[LINEAR_ATTR] = ir.FlatSymbolRefAttr.get(lin.linear)
            outs = call(lin.primal, args, function_type(functions(module_op)[lin.primal]).results)
            set_results(decl, [v.type for v in outs])
            _widen_calls(module_op, decl, [v.type for v in outs])
            return outs
        tan_types = list(function_type(decl).results)[lin.num_outputs:]
        return primal_then(module_op, lin, lin.linear, args[:n], args[n:], tan_types)
    return serve_requests(module_op, "linearize", body)


__all__ = ["Linearized", "Linearizer", "expand_linearize", "linearize_jvp_function"]
