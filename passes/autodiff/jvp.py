"""pb-jvp: forward-mode differentiation of functions named by pb.jvp ops.

For a request `@d {pb.transform = {kind = "jvp", callee = @f}}` the pass builds
`@f_jvp(primals..., tangents...) -> (outputs..., output tangents...)` by walking @f once and applying each
op's JVP rule (`registry.JVP`). Tangents are symbolic zeros (None) until
something needs them as a value: a zero-tangent op is copied as is, and only
function boundaries materialize zeros (splat constants that pb-simplify and
the lowering fold away). Calls are differentiated by generating the callee's
JVP function, so one function is differentiated once per module.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import func

from pullback.dialects import registry
from pullback.dialects.builder import emit, op_attrs
from pullback.dialects.emit import pb
from pullback.dialects.types import INEXACT, spec_of_type

from ..registry import PassFailure, register_pass
from .functions import (body_ops, callee_of, define_by_calls, entry_block, fresh_name, function_type,
                        functions, is_declaration, new_function, ready_requests)


def differentiable(v: ir.Value) -> bool:
    """Integer and boolean values have no tangent (JAX's float0)."""
    return spec_of_type(v.type).dtype in INEXACT


class JVPBuilder:
    """Generates JVP functions in one module, memoized per source function."""

    def __init__(self, module_op):
        self.module_op = module_op
        self.done: dict[str, str] = {}

    def jvp_function(self, name: str) -> str:
        if name in self.done:
            return self.done[name]
        table = functions(self.module_op)
        fn = table[name]
        if is_declaration(fn):
            raise PassFailure(f"pb-jvp: @{name} has no body (an unserved transformation request?)", fn.location)
        ft = function_type(fn)
        new_name = fresh_name(self.module_op, f"{name}_jvp")
        self.done[name] = new_name
        ins, outs = list(ft.inputs), list(ft.results)
        new_fn = new_function(self.module_op, new_name, ins + ins, outs + outs, fn.location)
        block = entry_block(new_fn)
        n = len(ins)
        primal = dict(zip(entry_block(fn).arguments, block.arguments[:n]))
        tangent = {old: (t if differentiable(t) else None)
                   for old, t in zip(entry_block(fn).arguments, block.arguments[n:])}
        with ir.InsertionPoint(block):
            for op in body_ops(fn):
                with op.location:
                    self._op(op, primal, tangent)
        return new_name

    def _op(self, op, primal, tangent) -> None:
        name = op.name
        if name == "func.return":
            outs = [primal[v] for v in op.operands]
            touts = [tangent.get(v) for v in op.operands]
            touts = [t if t is not None else pb.zeros_like(p) for t, p in zip(touts, outs)]
            func.ReturnOp(outs + touts)
            return
        if name == "func.call":
            callee = self.jvp_function(callee_of(op))
            args = [primal[v] for v in op.operands]
            tans = [tangent.get(v) if tangent.get(v) is not None else pb.zeros_like(primal[v])
                    for v in op.operands]
            res_types = [r.type for r in op.results]
            call = func.CallOp(res_types + res_types, callee, args + tans)
            k = len(op.results)
            for i, r in enumerate(op.results):
                primal[r] = call.results[i]
                tangent[r] = call.results[k + i] if differentiable(r) else None
            return
        if not name.startswith("pb.") or name[3:] not in registry.OPS:
            raise PassFailure(f"pb-jvp cannot differentiate '{name}'", op.location)
        prim_name = name[3:]
        attrs = op_attrs(op)
        args = [primal[v] for v in op.operands]
        tans = [tangent.get(v) for v in op.operands]
        if all(t is None for t in tans):
            outs, touts = emit(prim_name, args, attrs, loc=op.location), [None] * len(op.results)
        else:
            rule = registry.JVP.get(prim_name)
            if rule is None:
                raise PassFailure(f"'{name}' has no JVP rule", op.location)
            outs, touts = rule(args, tans, **attrs)
        for r, p, t in zip(op.results, outs, touts):
            primal[r] = p
            tangent[r] = t if differentiable(r) else None


def call(name: str, args, result_types) -> list:
    return list(func.CallOp(list(result_types), name, list(args)).results)


@register_pass("pb-jvp", "Define jvp requests with generated forward-mode functions")
def expand_jvp(module_op) -> bool:
    builder = JVPBuilder(module_op)
    changed = False
    while True:
        requests = ready_requests(module_op, "jvp")
        if not requests:
            return changed
        for decl, callee, _ in requests:
            target = builder.jvp_function(callee)
            results = list(function_type(decl).results)
            define_by_calls(decl, lambda args: call(target, args, results))
            changed = True
