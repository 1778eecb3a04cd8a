"""pb-jvp: forward-mode differentiation, serving `jvp` requests.

For a request `@d {pb.transform = {kind = "jvp", callee = @f}}` the pass builds
`@f_jvp(primals..., tangents...) -> (outputs..., output tangents...)` by walking @f once and applying each
op's JVP rule (`registry.JVP`). Tangents are symbolic zeros (None) until
something needs them as a value: an op without tangents is copied as is, and only
function boundaries materialize zeros (splat constants that pb-simplify and
the lowering fold away). Calls are differentiated by generating the callee's
JVP function, so one function is differentiated once per module; calls of
tagged declarations by their kind's rule (`JVPTransform.call_rules`: custom
derivative calls, host callbacks).
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import func

from pullback.dialects import registry
from pullback.dialects.emit import op_attrs
from pullback.dialects.ir import FunctionTable, call, entry_block, set_results, signature, symbol_name
from pullback.dialects.pb import pb
from pullback.dialects.types import INEXACT, spec_of_type

from ..function_transform import FunctionTransform, copy_op
from ..registry import PassFailure, register_pass
from ..requests import serve_requests


def differentiable(v: ir.Value) -> bool:
    """Integer and boolean values have no tangent (JAX's float0)."""
    return spec_of_type(v.type).dtype in INEXACT


class JVPTransform(FunctionTransform):
    """Generates JVP functions in one module, memoized per (function, tangent mask).

    `jvp_function(f)` has the full signature of a jvp request. Calls inside a
    function being differentiated use a version specialized to which arguments
    carry a tangent: it takes only those tangents and returns only the output
    tangents that are not symbolically zero, so zeros never materialize at call
    boundaries (where `0 * inf` would give NaN, as it never does in JAX)."""

    pass_name, verb = "pb-jvp", "differentiate"

    def jvp_function(self, name: str, wrt: tuple | None = None) -> str:
        """@name_jvp(primals, tangents of the inputs in `wrt`) -> (outputs, every output tangent)."""
        n = len(signature(self.table[name])[0])
        wrt = tuple(range(n)) if wrt is None else tuple(wrt)
        return self.transformed(name, (tuple(i in wrt for i in range(n)), True))[0]

    def build(self, name: str, key) -> tuple[str, tuple]:
        """(generated name, mask of the outputs it returns a tangent for), for key (mask,
        instantiate): it takes a tangent for each input in `mask`; `instantiate` (True, or one
        bool per output) returns those output tangents even when they are zeros."""
        mask, instantiate = key
        fn = self.table[name]
        ins, outs = signature(fn)
        new_fn = self.table.new_function(f"{name}_jvp", ins + [t for t, m in zip(ins, mask) if m], [],
                                         fn.location)
        block = entry_block(new_fn)
        old_args = list(entry_block(fn).arguments)
        primal = dict(zip(old_args, block.arguments[:len(ins)]))
        tangent_args = iter(block.arguments[len(ins):])
        tangent = {old: (next(tangent_args) if m else None) for old, m in zip(old_args, mask)}
        tangent = {old: (t if t is not None and differentiable(t) else None) for old, t in tangent.items()}
        with ir.InsertionPoint(block):
            ret = self.visit_body(fn, lambda site: self._visit(site, primal, tangent))
            with ret.location:
                results = [primal[v] for v in ret.operands]
                touts = [tangent.get(v) for v in ret.operands]
                inst = instantiate if isinstance(instantiate, tuple) else (instantiate,) * len(touts)
                out_mask = tuple(i or t is not None for i, t in zip(inst, touts))
                touts = [t if t is not None else pb.zeros_like(p) for t, p in zip(touts, results)]
                touts = [t for t, m in zip(touts, out_mask) if m]
                func.ReturnOp(results + touts)
        set_results(new_fn, outs + [t for t, m in zip(outs, out_mask) if m])
        return symbol_name(new_fn), out_mask

    def _visit(self, site, primal: dict, tangent: dict) -> None:
        op = site.op
        args = [primal[v] for v in op.operands]
        tans = [tangent.get(v) for v in op.operands]
        if all(t is None for t in tans):
            outs, touts = copy_op(op, args), [None] * len(op.results)
        else:
            outs, touts = self.apply(site, args, tans)
        for r, p, t in zip(op.results, outs, touts):
            primal[r] = p
            tangent[r] = t if t is not None and differentiable(r) else None


@JVPTransform.call_rule("pb")
def _jvp_pb_op(jvp: JVPTransform, site, primals, tangents):
    rule = registry.JVP.get(site.primitive)
    if rule is None:
        raise PassFailure(f"'{site.op.name}' has no JVP rule", site.op.location)
    try:
        return rule(primals, tangents, **op_attrs(site.op))
    except NotImplementedError as e:  # a rule's unsupported case (QR's, SVD's): the user's error, as a
        # diagnostic; an exception thrown through the pass manager left MLIR in a state that aborted later
        raise PassFailure(str(e), site.op.location, error_type=NotImplementedError) from None


@JVPTransform.call_rule("call")
def _jvp_call(jvp: JVPTransform, site, primals, tangents):
    """A call of the callee's JVP function specialized to the operands that carry tangents."""
    callee, out_mask = jvp.transformed(site.callee, (tuple(t is not None for t in tangents), False))
    res_types = site.result_types
    res = call(callee, primals + [t for t in tangents if t is not None],
               res_types + [t for t, m in zip(res_types, out_mask) if m])
    k = len(res_types)
    touts = iter(res[k:])
    return res[:k], [next(touts) if m else None for m in out_mask]


def serve_jvp(table: FunctionTable) -> bool:
    jvp = JVPTransform(table)

    def body(decl, callee, params, args):
        return call(jvp.jvp_function(callee, params.get("wrt")), args, signature(decl)[1])
    return serve_requests(table, "jvp", body)


@register_pass("pb-jvp", "Define jvp requests with generated forward-mode functions")
def expand_jvp(module_op) -> bool:
    return serve_jvp(FunctionTable(module_op))


__all__ = ["JVPTransform", "differentiable", "expand_jvp", "serve_jvp"]
