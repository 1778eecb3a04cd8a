"""The transformation passes' rules for custom derivative calls (kind "custom").

A custom call is a `func.call` of a declaration tagged `pb.custom`
(`pullback.dialects.custom` describes the format). These rules are registered in the
transforms' tables (see `function_transform`):

- pb-jvp, on a call some of whose operands carry tangents:
  * custom_jvp: calls the `jvp` rule on the primals and the tangents, zeros
    materialized (with `symbolic_zeros`, the rule for the exact mask of nonzero
    tangents, taking those only). The rule is an ordinary function: it is
    differentiated, linearized and transposed like any other, so reverse mode
    comes from transposing its tangent part, and a rule that is not linear in
    the tangents is reported by pb-transpose at the rule's op. Tangents of
    closed-over values (`num_consts`) are not the rule's business and are
    dropped, as JAX does for consts of a custom_jvp.
  * custom_vjp: calls `fwd` (outputs and residuals), and for the tangents a
    `custom_lin` declaration {bwd} taking (residuals, tangents), as JAX's
    custom_lin. A tangent on a closed-over value is an error (JAX's message).
  * custom_lin: linear in its tangent operands, so its JVP applies it to their
    tangents; a tangent reaching its residuals would need the derivative of
    bwd: "can't apply forward-mode autodiff (jvp) to a custom_vjp function."
    A linear_call (a custom_lin with a callee) differentiates its callee instead.
  Calls without tangents stay custom calls, so the rules still apply when the
  result is differentiated again (the rule of grad(grad(f)) calls f).
- The inliner (the flat copies pb-linearize and pb-transpose partition): custom
  calls stay calls. One that reads a tangent (or linear) value is only being
  applied linearly, so it is replaced by the body of its primal, as JAX's partial
  evaluation stages out the primal of a custom_jvp_call with unknown inputs.
  custom_lin stays on the linear side. pb-inline, which runs after
  pb-lower-custom-derivatives, reports a custom call.
- pb-transpose replaces a custom_lin by bwd's body (inlined: a transposed function
  stays call-free but for custom calls and callbacks); a linear_call by a call of the
  swapped linear_call (bwd as the callee, the callee as its transpose).
- pb-vmap batches the primal and the rules and calls a new custom declaration
  naming the batched functions. Every output and residual of the new functions
  is batched at dimension 0 (unbatched ones are broadcast), so the rules agree
  on one layout; bwd's cotangents for unbatched inputs are summed over the
  batch. A custom_lin cannot be batched (JAX: the forward-mode error); a linear_call
  batches its callee and transpose (cotangents in the layout of the linear inputs).

Whatever custom calls are left after the transformations, pb-lower-custom-derivatives
(`lower_custom_derivatives`) turns into calls of their primal.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import func

from pullback.dialects.batching import broadcast_batch, move_axis, to_front
from pullback.dialects.custom import (ATTR, CLOSED_OVER_VJP, FORWARD_MODE_OF_CUSTOM_VJP, Custom, custom_attr,
                                      read_custom)
from pullback.dialects.ir import FunctionTable, call, entry_block, set_results, signature, symbol_name
from pullback.dialects.pb import pb

from .autodiff.jvp import JVPTransform
from .autodiff.transpose import Transposer
from .batching.vmap import VmapTransform, batched_type
from .cloning import Inliner
from .function_transform import Site, copy_op
from .registry import PassFailure


def _zeros_for(tangents, values) -> list:
    """The tangents, symbolic zeros materialized in the types of `values`."""
    return [t if t is not None else pb.zeros_of_type(v.type) for t, v in zip(tangents, values)]


# ---------------------------------------------------------------- pb-jvp

def _custom_lins(table: FunctionTable) -> dict:
    """(bwd, signature) -> the module's custom_lin declaration for them (the first one);
    found once per pass run, kept current as pb-jvp declares more."""
    if "custom_lin" not in table.indexes:
        found = table.indexes["custom_lin"] = {}
        for name, fn in table.items():
            if ATTR in fn.attributes:
                c = read_custom(fn)
                if c.kind == "custom_lin" and c.callee is None:
                    found.setdefault((c.rules["bwd"], str(ir.FunctionType.get(*signature(fn)))), name)
    return table.indexes["custom_lin"]


def _custom_lin_for(table: FunctionTable, decl_name: str, c: Custom, res_types, tan_types, out_types) -> str:
    """The custom_lin declaration of a custom_vjp's bwd (one per bwd and signature)."""
    ins = list(res_types) + list(tan_types)
    key = (c.rules["bwd"], str(ir.FunctionType.get(ins, list(out_types))))
    lins = _custom_lins(table)
    if key not in lins:
        fn = table.declare(f"{decl_name}_lin", ins, out_types,
                           attributes={ATTR: custom_attr("custom_lin", bwd=c.rules["bwd"])})
        lins[key] = symbol_name(fn)
    return lins[key]


@JVPTransform.call_rule("custom")
def jvp_custom_call(jvp: JVPTransform, site: Site, args, tans):
    """Differentiate a call of a custom declaration some of whose operands carry tangents."""
    c, op, table = site.tag, site.op, jvp.table
    res_types = site.result_types
    m = len(res_types)
    if c.kind == "custom_lin":
        k = len(args) - len(signature(table[c.rules["bwd"]])[1])
        if any(t is not None for t in tans[:k]):
            if c.callee is None:
                raise PassFailure(FORWARD_MODE_OF_CUSTOM_VJP, op.location, error_type=TypeError)
            # a linear_call whose residuals carry tangents: the callee's own JVP
            mask = tuple(t is not None for t in tans)
            name, out_mask = jvp.transformed(c.callee, (mask, False))
            res = call(name, args + [t for t in tans if t is not None], signature(table[name])[1])
            touts = iter(res[m:])
            return res[:m], [next(touts) if f else None for f in out_mask]
        outs = call(site.callee, args, res_types)
        return outs, call(site.callee, args[:k] + _zeros_for(tans[k:], args[k:]), res_types)
    nd = len(args) - c.num_consts
    if c.kind == "custom_vjp" and any(t is not None for t in tans[nd:]):
        raise PassFailure(CLOSED_OVER_VJP, op.location, error_type=TypeError)
    dtans = tans[:nd]
    if all(t is None for t in dtans):  # only closed-over values carry tangents: the rule ignores them
        return call(site.callee, args, res_types), [None] * m
    if c.kind == "custom_jvp":
        mask = "".join("0" if t is None else "1" for t in dtans)
        if mask in c.variants:
            res = call(c.variants[mask], args + [t for t in dtans if t is not None], res_types * 2)
        else:
            res = call(c.rules["jvp"], args + _zeros_for(dtans, args), res_types * 2)
        return res[:m], res[m:]
    res = call(c.rules["fwd"], args, signature(table[c.rules["fwd"]])[1])
    outs, residuals = res[:m], res[m:]
    lin = _custom_lin_for(table, site.callee, c, [r.type for r in residuals], [a.type for a in args[:nd]],
                          res_types)
    return outs, call(lin, residuals + _zeros_for(dtans, args), res_types)


# ---------------------------------------------------------------- inlining, pb-transpose

@Inliner.call_rule("custom")
def inline_custom_call(inliner: Inliner, site: Site, args) -> list:
    """Kept as a call, unless it reads a value that depends on the seeds (tangent or linear
    inputs): then its primal's body takes its place (custom_lin stays, on the linear side)."""
    if not inliner.keep_custom:
        raise PassFailure(f"cannot inline a call of @{site.callee}: it has no body (a custom derivative call: "
                          "run pb-lower-custom-derivatives first)", ir.Location.current)
    if site.tag.kind == "custom_lin" or not any(inliner.depends(a) for a in args):
        return copy_op(site.op, args)
    return inliner.inline(site.tag.callee, args)


@Transposer.call_rule("custom")
def transpose_custom_lin(tr: Transposer, site: Site, cts, linear, operands) -> list:
    """custom_lin(residuals, tangents) transposed: bwd(residuals, output cotangents)."""
    if all(x is None for x in cts):
        return [None] * len(operands)
    c = site.tag
    bwd = c.rules["bwd"]
    k = len(operands) - len(signature(tr.table[bwd])[1])
    if any(linear[:k]):
        raise PassFailure(f"pb-transpose: the function is not linear: the residuals of the custom_vjp rule "
                          f"@{bwd} depend on a linear value", site.op.location)
    args = operands[:k] + _zeros_for(cts, site.op.results)
    if c.callee is not None:  # a linear_call: the swapped pair, so that transposing again gives it back
        return [None] * k + call(_swapped_linear_call(tr.table, site), args, signature(tr.table[bwd])[1])
    # bwd's body, inlined: a transposed function stays call-free but for custom calls and callbacks
    return [None] * k + Inliner(tr.table).inline(bwd, args)


def _swapped_linear_call(table: FunctionTable, site: Site) -> str:
    """custom_lin {bwd = callee, callee = bwd} of the type (R..., O...) -> (D...), one per declaration."""
    memo = table.indexes.setdefault("linear_call transpose", {})
    if site.callee not in memo:
        c = site.tag
        ins, outs = signature(table[c.rules["bwd"]])
        fn = table.declare(f"{site.callee}_T", ins, outs,
                           attributes={ATTR: custom_attr("custom_lin", callee=c.rules["bwd"], bwd=c.callee)},
                           loc=site.decl.location)
        memo[site.callee] = symbol_name(fn)
    return memo[site.callee]


# ---------------------------------------------------------------- pb-vmap

def placing_wrapper(table: FunctionTable, base: str, target: str, in_types, place, loc) -> str:
    """@base(in_types) calling @target and passing each result through place(i, value)."""
    fn = table.new_function(base, in_types, [], loc)
    with ir.InsertionPoint(entry_block(fn)), loc:
        outs = call(target, list(entry_block(fn).arguments), signature(table[target])[1])
        outs = [place(i, v) for i, v in enumerate(outs)]
        func.ReturnOp(outs)
    set_results(fn, [v.type for v in outs])
    return symbol_name(fn)


@VmapTransform.call_rule("custom")
def batch_custom_call(vmap: VmapTransform, site: Site, args, dims, size: int):
    """(outputs, output batch dims) of a batched custom call: a call of a new custom
    declaration over the batched primal and rules, every output batched at dimension 0."""
    c, table, decl = site.tag, vmap.table, site.callee
    if c.kind == "custom_lin" and c.callee is None:
        raise PassFailure(FORWARD_MODE_OF_CUSTOM_VJP, site.op.location, error_type=TypeError)
    dims = tuple(dims)
    key = (decl, ("pb.custom", dims, size))
    in_types = [a.type for a in args]
    out_types = [batched_type(r.type, 0, size) for r in site.op.results]
    if key not in vmap.done:
        loc = site.decl.location
        # declared first, so a rule that calls this custom function again finds it
        new = table.declare(f"{decl}_vmap", in_types, out_types, attributes={ATTR: custom_attr(c.kind, callee=c.callee)},
                            loc=loc)
        vmap.done[key] = (symbol_name(new), (0,) * len(out_types))
        front = lambda dims_of: (lambda i, v: to_front(v, dims_of[i], size))  # noqa: E731

        def batched(name, in_dims):
            if name in vmap.active:  # a rule calling this custom function, being batched right now:
                name = table.copy(name)  # batch a copy (its call of the custom function finds `new`)
            return vmap.batched_function(name, tuple(in_dims), size)

        n, k = len(args), c.num_consts
        p, p_dims = batched(c.callee, dims)
        callee = placing_wrapper(table, f"{c.callee}_vmap_w", p, in_types, front(p_dims), loc)
        rules, variants = {}, {}
        if c.kind == "custom_jvp":
            r, r_dims = batched(c.rules["jvp"], dims + dims[:n - k])
            rules["jvp"] = placing_wrapper(table, f"{c.rules['jvp']}_vmap_w", r, in_types + in_types[:n - k],
                                    front(r_dims), loc)
            for mask, rule in c.variants.items():
                pos = [i for i, ch in enumerate(mask) if ch == "1"]
                r, r_dims = batched(rule, dims + tuple(dims[i] for i in pos))
                variants[mask] = placing_wrapper(table, f"{rule}_vmap_w", r, in_types + [in_types[i] for i in pos],
                                          front(r_dims), loc)
        else:
            if c.kind == "custom_lin":  # a linear_call: bwd reads the residuals as they are batched
                nr = n - len(signature(table[c.rules["bwd"]])[1])
                b_in = in_types[:nr] + out_types
                b, b_dims = batched(c.rules["bwd"], dims[:nr] + (0,) * len(out_types))
                ct_dims = dims[nr:]
            else:
                f, f_dims = batched(c.rules["fwd"], dims)
                rules["fwd"] = placing_wrapper(table, f"{c.rules['fwd']}_vmap_w", f, in_types, front(f_dims), loc)
                b_in = signature(table[rules["fwd"]])[1][len(out_types):] + out_types
                b, b_dims = batched(c.rules["bwd"], (0,) * len(b_in))
                ct_dims = dims

            def place_ct(i, v):  # a cotangent in the layout of input i
                d, want = b_dims[i], ct_dims[i]
                if want is None:
                    return v if d is None else pb.reduce_sum(v, axes=(d,))
                return broadcast_batch(v, size, want) if d is None else move_axis(v, d, want)
            rules["bwd"] = placing_wrapper(table, f"{c.rules['bwd']}_vmap_w", b, b_in, place_ct, loc)
        new.attributes[ATTR] = custom_attr(c.kind, callee=callee, num_consts=k, variants=variants, **rules)
    new_name, out_dims = vmap.done[key]
    return call(new_name, args, out_types), list(out_dims)


__all__ = ["batch_custom_call", "inline_custom_call", "placing_wrapper", "jvp_custom_call", "transpose_custom_lin"]
