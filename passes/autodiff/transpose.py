"""pb-transpose: transpose functions that are linear in their trailing inputs.

For `@lin(res..., t...) -> u...`, linear in t, build
`@lin_T(res..., ct_u...) -> ct_t...`: a call-free copy is split by partial evaluation
(`partial_eval.flatten`); ops that read only residuals are recomputed first; then the
linear ops are visited in reverse, each mapping its output cotangents to input
cotangents with the rule of its kind (`Transposer.call_rules`): a pb op's transpose
rule (`registry.TRANSPOSE`), a custom_vjp's bwd for its custom_lin. Cotangents are
symbolic zeros (None) until summed or returned. An op applied to linear values without
a transpose rule, or a product of two linear values, means the function is not linear:
a diagnostic names the op.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import func

from pullback.dialects import registry
from pullback.dialects.ad import BILINEAR, LINEAR_IN, add_tangents
from pullback.dialects.emit import op_attrs
from pullback.dialects.ir import FunctionTable, call, entry_block, signature, symbol_name
from pullback.dialects.pb import pb

from ..cloning import clone_into
from ..function_transform import FunctionTransform
from ..registry import PassFailure, register_pass
from ..requests import serve_requests
from .partial_eval import flatten


# Cotangents accumulate as tangents do: None is a symbolic zero.
add_ct = add_tangents


class Transposer(FunctionTransform):
    """Memoized transposition of the module's linear functions."""

    pass_name, verb = "pb-transpose", "transpose"

    def transpose(self, name: str, num_nonlinear: int, base: str | None = None) -> str:
        """@name_T(the first `num_nonlinear` inputs, output cotangents) -> cotangents of the others."""
        return self.transformed(name, num_nonlinear, base=base or name)

    def build(self, name: str, num_nonlinear: int, base: str) -> str:
        split = flatten(self.table, name, num_nonlinear, f"{base}_tflat")
        args, ret, linear = split.args, split.ret, split.dependent
        outs = list(ret.operands)
        in_types = [a.type for a in args[:num_nonlinear]] + [v.type for v in outs]
        t_fn = self.table.new_function(f"{base}_T", in_types, [a.type for a in args[num_nonlinear:]],
                                       split.fn.location)
        targs = list(entry_block(t_fn).arguments)
        mapping = dict(zip(args[:num_nonlinear], targs[:num_nonlinear]))
        ct: dict = {}
        with ir.InsertionPoint(entry_block(t_fn)):
            for op in split.known:
                with op.location:
                    clone_into(op, mapping)
            with ret.location:
                for v, c in zip(outs, targs[num_nonlinear:]):
                    if v in linear:
                        ct[v] = add_ct(ct.get(v), c)
            for op in reversed(split.unknown):
                with op.location:
                    flags = [v in linear for v in op.operands]
                    in_cts = self.apply(self.classify(op), [ct.get(r) for r in op.results], flags,
                                        [v if f else mapping[v] for v, f in zip(op.operands, flags)])
                    for v, f, c in zip(op.operands, flags, in_cts):
                        if f and c is not None:
                            ct[v] = add_ct(ct.get(v), c)
            with ret.location:
                results = [ct.get(a) if ct.get(a) is not None else pb.zeros_of_type(a.type)
                           for a in args[num_nonlinear:]]
                func.ReturnOp(results)
        self.table.erase(split.fn)
        return symbol_name(t_fn)

    def missing_rule(self, site, cts, linear, operands):
        if all(c is None for c in cts):
            return [None] * len(operands)
        raise PassFailure(f"pb-transpose: the function is not linear: '{site.op.name}' is applied to a "
                          "linear value and has no transpose rule", site.op.location)


@Transposer.call_rule("pb")
def _transpose_pb_op(tr: Transposer, site, cts, linear, operands):
    if all(c is None for c in cts):
        return [None] * len(operands)
    name, op = site.primitive, site.op
    rule = registry.TRANSPOSE.get(name)
    if rule is None:
        return tr.missing_rule(site, cts, linear, operands)
    allowed = LINEAR_IN.get(name)
    bad = [i for i, f in enumerate(linear) if f and allowed is not None and i not in allowed]
    if bad:
        raise PassFailure(f"pb-transpose: the function is not linear: '{op.name}' is not linear in "
                          f"operand #{bad[0]}", op.location)
    if name in BILINEAR and sum(linear) > 1:
        raise PassFailure(f"pb-transpose: the function is not linear: '{op.name}' multiplies two linear "
                          "values", op.location)
    return rule(cts, operands, linear, **op_attrs(op))


@Transposer.call_rule("call")
def _transpose_call(tr: Transposer, site, cts, linear, operands):
    if all(c is None for c in cts):
        return [None] * len(operands)
    raise PassFailure(f"pb-transpose: calls must be inlined first (@{site.callee})", site.op.location)


def serve_transpose(table: FunctionTable) -> bool:
    tr = Transposer(table)

    def body(decl, callee, params, args):
        return call(tr.transpose(callee, params.get("num_nonlinear", 0)), args, signature(decl)[1])
    return serve_requests(table, "linear_transpose", body)


@register_pass("pb-transpose", "Define linear_transpose requests with generated transposed functions")
def expand_transpose(module_op) -> bool:
    return serve_transpose(FunctionTable(module_op))


__all__ = ["Transposer", "add_ct", "expand_transpose", "serve_transpose"]
