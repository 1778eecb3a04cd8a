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
from pullback.dialects.emit import emit, op_attrs
from pullback.dialects.pb import pb
from pullback.dialects.types import INEXACT, spec_of_type

from pullback.dialects.callbacks import is_callback

from ..host_callbacks import jvp_call
from ..custom_derivatives import jvp_custom_call
from pullback.dialects.custom import custom_of
from ..registry import PassFailure, register_pass
from ..functions import (body_ops, callee_of, entry_block, fresh_name, function_type, functions,
                         is_declaration, new_function, serve_requests, set_results)


def differentiable(v: ir.Value) -> bool:
    """Integer and boolean values have no tangent (JAX's float0)."""
    return spec_of_type(v.type).dtype in INEXACT


class JVPBuilder:
    """Generates JVP functions in one module, memoized per source function.

    `jvp_function(f)` has the full signature of a jvp request. Calls inside a
    function being differentiated use a version specialized to which arguments
    carry a tangent: it takes only those tangents and returns only the output
    tangents that are not symbolically zero, so zeros never materialize at call
    boundaries (where `0 * inf` would give NaN, as it never does in JAX)."""

    def __init__(self, module_op):
        self.module_op = module_op
        self.done: dict[tuple, tuple[str, tuple]] = {}
        self.active: set[str] = set()  # functions being differentiated (recursion guard)

    def jvp_function(self, name: str, wrt: tuple | None = None) -> str:
        """@name_jvp(primals, tangents of the inputs in `wrt`) -> (outputs, every output tangent)."""
        n = len(function_type(functions(self.module_op)[name]).inputs)
        wrt = tuple(range(n)) if wrt is None else tuple(wrt)
        return self._build(name, tuple(i in wrt for i in range(n)), instantiate=True)[0]

    def _build(self, name: str, mask: tuple, instantiate: bool = False) -> tuple[str, tuple]:
        """(generated name, mask of the outputs it returns a tangent for). It takes a tangent
        for each input in `mask`; `instantiate` returns every output tangent, zeros included."""
        key = (name, mask, instantiate)
        if key in self.done:
            return self.done[key]
        fn = functions(self.module_op)[name]
        if name in self.active:
            raise PassFailure(f"pb-jvp cannot differentiate the recursive function @{name}", fn.location)
        self.active.add(name)
        if is_declaration(fn):
            raise PassFailure(f"pb-jvp: @{name} has no body (an unserved transformation request?)", fn.location)
        ft = function_type(fn)
        ins, outs = list(ft.inputs), list(ft.results)
        new_name = fresh_name(self.module_op, f"{name}_jvp")
        new_fn = new_function(self.module_op, new_name, ins + [t for t, m in zip(ins, mask) if m], [],
                              fn.location)
        block = entry_block(new_fn)
        old_args = list(entry_block(fn).arguments)
        primal = dict(zip(old_args, block.arguments[:len(ins)]))
        tangent_args = iter(block.arguments[len(ins):])
        tangent = {old: (next(tangent_args) if m else None) for old, m in zip(old_args, mask)}
        tangent = {old: (t if t is not None and differentiable(t) else None) for old, t in tangent.items()}
        with ir.InsertionPoint(block):
            for op in body_ops(fn)[:-1]:
                with op.location:
                    self._op(op, primal, tangent)
            ret = body_ops(fn)[-1]
            with ret.location:
                results = [primal[v] for v in ret.operands]
                touts = [tangent.get(v) for v in ret.operands]
                out_mask = tuple(instantiate or t is not None for t in touts)
                touts = [t if t is not None else pb.zeros_like(p) for t, p in zip(touts, results)]
                touts = [t for t, m in zip(touts, out_mask) if m]
                func.ReturnOp(results + touts)
        set_results(new_fn, outs + [t for t, m in zip(outs, out_mask) if m])
        self.done[key] = (new_name, out_mask)
        self.active.discard(name)
        return self.done[key]

    def _op(self, op, primal, tangent) -> None:
        name = op.name
        if name == "func.call":
            in_mask = tuple(tangent.get(v) is not None for v in op.operands)
            args = [primal[v] for v in op.operands]
            if not any(in_mask):
                res = call(callee_of(op), args, [r.type for r in op.results])
                primal.update(zip(op.results, res))
                return
            decl = functions(self.module_op).get(callee_of(op))
            if is_callback(decl):  # host callbacks: primals only, no derivative (passes/host_callbacks.py)
                return jvp_call(op, decl, primal, tangent)
            custom = custom_of({callee_of(op): decl}, callee_of(op)) if decl is not None else None
            if custom is not None:  # custom derivative rules (passes/custom_derivatives.py)
                return jvp_custom_call(self.module_op, op, custom, primal, tangent)
            callee, out_mask = self._build(callee_of(op), in_mask)
            tans = [tangent[v] for v, m in zip(op.operands, in_mask) if m]
            res_types = [r.type for r in op.results]
            res = call(callee, args + tans, res_types + [t for t, m in zip(res_types, out_mask) if m])
            k = len(op.results)
            touts = iter(res[k:])
            for r, p, m in zip(op.results, res[:k], out_mask):
                primal[r] = p
                tangent[r] = next(touts) if m else None
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

    def body(decl, callee, params, args):
        return call(builder.jvp_function(callee, params.get("wrt")), args, function_type(decl).results)
    return serve_requests(module_op, "jvp", body)
