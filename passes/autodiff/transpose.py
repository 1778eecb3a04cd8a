"""pb-transpose: transpose functions that are linear in their trailing inputs.

For `@lin(res..., t...) -> u...`, linear in t, build
`@lin_T(res..., ct_u...) -> ct_t...`: ops that read only residuals are
recomputed first; then the linear ops are visited in reverse, each mapping
its output cotangents to input cotangents with its transpose rule
(`registry.TRANSPOSE`). Cotangents are symbolic zeros (None) until summed or
returned. An op applied to linear values without a transpose rule, or a
product of two linear values, means the function is not linear: a diagnostic
names the op.

pb-vjp composes the passes: a `vjp` request of @f is defined as the primal part
of linearizing @f followed by the transpose of its linear part, as in JAX.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import func

from pullback.dialects import registry
from pullback.dialects.ad import BILINEAR, LINEAR_IN
from pullback.dialects.emit import op_attrs
from pullback.dialects.pb import pb

from pullback.dialects.callbacks import callback_callee

from ..host_callbacks import check_not_linear
from ..custom_derivatives import custom_call_of, inline_dependent_custom_calls, transpose_custom_lin
from ..registry import PassFailure, register_pass
from ..cloning import clone_into
from ..functions import (callee_of, entry_block, fresh_name, function_type, functions, new_function,
                         serve_requests)
from .jvp import call
from .linearize import Linearizer, flat_copy, primal_then


def add_ct(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return pb.add(a, b)


def transpose_function(module_op, name: str, num_nonlinear: int, base: str | None = None) -> str:
    flat = flat_copy(module_op, name, f"{base or name}_tflat")
    block = entry_block(flat)
    args = list(block.arguments)
    # custom calls on linear values: their primal is what is transposed (custom_lin stays)
    inline_dependent_custom_calls(module_op, flat, args[num_nonlinear:])
    ops = [op.operation for op in block.operations]
    ret, ops = ops[-1], ops[:-1]
    linear = set(args[num_nonlinear:])
    linear_ops, const_ops = [], []
    for op in ops:
        if any(v in linear for v in op.operands):
            linear_ops.append(op)
            linear.update(op.results)
        else:
            const_ops.append(op)
    outs = list(ret.operands)
    t_name = fresh_name(module_op, f"{base or name}_T")
    in_types = [a.type for a in args[:num_nonlinear]] + [v.type for v in outs]
    out_types = [a.type for a in args[num_nonlinear:]]
    t_fn = new_function(module_op, t_name, in_types, out_types, flat.location)
    targs = list(entry_block(t_fn).arguments)
    mapping = dict(zip(args[:num_nonlinear], targs[:num_nonlinear]))
    ct: dict = {}
    with ir.InsertionPoint(entry_block(t_fn)):
        for op in const_ops:
            with op.location:
                clone_into(op, mapping)
        with ret.location:
            for v, c in zip(outs, targs[num_nonlinear:]):
                if v in linear:
                    ct[v] = add_ct(ct.get(v), c)
        for op in reversed(linear_ops):
            with op.location:
                custom = custom_call_of(module_op, op)
                if custom is not None:  # custom_lin: a call of the custom_vjp's bwd
                    transpose_custom_lin(module_op, op, custom, ct, linear, mapping)
                else:
                    _transpose_op(op, ct, linear, mapping)
        with ret.location:
            results = [ct.get(a) if ct.get(a) is not None else pb.zeros_of_type(a.type)
                       for a in args[num_nonlinear:]]
            func.ReturnOp(results)
    flat.erase()
    return t_name


def _transpose_op(op, ct: dict, linear: set, mapping: dict) -> None:
    decl = callback_callee(op)
    if decl is not None:  # a host callback on a linear value (passes/host_callbacks.py)
        check_not_linear(op, decl, linear)
    cts = [ct.get(r) for r in op.results]
    if all(c is None for c in cts):
        return
    name = op.name[3:] if op.name.startswith("pb.") else None
    if op.name == "func.call":
        raise PassFailure(f"pb-transpose: calls must be inlined first (@{callee_of(op)})", op.location)
    flags = [v in linear for v in op.operands]
    rule = registry.TRANSPOSE.get(name) if name else None
    if rule is None:
        raise PassFailure(f"pb-transpose: the function is not linear: '{op.name}' is applied to a "
                          "linear value and has no transpose rule", op.location)
    allowed = LINEAR_IN.get(name)
    bad = [i for i, f in enumerate(flags) if f and allowed is not None and i not in allowed]
    if bad:
        raise PassFailure(f"pb-transpose: the function is not linear: '{op.name}' is not linear in "
                          f"operand #{bad[0]}", op.location)
    if name in BILINEAR and sum(flags) > 1:
        raise PassFailure(f"pb-transpose: the function is not linear: '{op.name}' multiplies two linear "
                          "values", op.location)
    operands = [v if f else mapping[v] for v, f in zip(op.operands, flags)]
    in_cts = rule(cts, operands, flags, **op_attrs(op))
    for v, f, c in zip(op.operands, flags, in_cts):
        if f and c is not None:
            ct[v] = add_ct(ct.get(v), c)


class Transposer:
    def __init__(self, module_op):
        self.module_op = module_op
        self.done: dict = {}

    def transpose(self, name: str, num_nonlinear: int, base: str | None = None) -> str:
        key = (name, num_nonlinear)
        if key not in self.done:
            self.done[key] = transpose_function(self.module_op, name, num_nonlinear, base)
        return self.done[key]


@register_pass("pb-transpose", "Define linear_transpose requests with generated transposed functions")
def expand_transpose(module_op) -> bool:
    tr = Transposer(module_op)

    def body(decl, callee, params, args):
        return call(tr.transpose(callee, params.get("num_nonlinear", 0)), args, function_type(decl).results)
    return serve_requests(module_op, "linear_transpose", body)


@register_pass("pb-vjp", "Define vjp requests: linearize the callee, then transpose its linear part")
def expand_vjp(module_op) -> bool:
    lz = Linearizer(module_op)
    tr = Transposer(module_op)

    def body(decl, callee, params, args):
        lin = lz.linearize(callee, params.get("wrt"))
        t_name = tr.transpose(lin.linear, lin.num_residuals, base=f"{callee}_vjp")
        n_in = len(function_type(functions(module_op)[callee]).inputs)
        ct_types = list(function_type(decl).results)[lin.num_outputs:]
        return primal_then(module_op, lin, t_name, args[:n_in], args[n_in:], ct_types)
    return serve_requests(module_op, "vjp", body)
