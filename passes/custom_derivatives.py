"""Custom derivative rules in the passes, and pb-lower-custom-derivatives.

A custom call is a `func.call` of a declaration tagged `pb.custom`
(`pullback.dialects.custom` describes the format). The transformation passes
treat it as follows:

- pb-jvp (`jvp_custom_call`), on a call some of whose operands carry tangents:
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
  Calls without tangents stay custom calls, so the rules still apply when the
  result is differentiated again (the rule of grad(grad(f)) calls f).
- pb-linearize and pb-transpose flatten functions with `keep_custom`: custom
  calls stay calls. One that reads a tangent (or linear) value is only being
  applied linearly, so it is replaced by the body of its primal
  (`inline_dependent_custom_calls`), as JAX's partial evaluation stages out the
  primal of a custom_jvp_call with unknown inputs. custom_lin stays on the
  linear side, and pb-transpose replaces it by bwd's body
  (`transpose_custom_lin`).
- pb-vmap (`batch_custom_call`) batches the primal and the rules and calls a
  new custom declaration naming the batched functions. Every output and
  residual of the new functions is batched at dimension 0 (unbatched ones are
  broadcast), so the rules agree on one layout; bwd's cotangents for unbatched
  inputs are summed over the batch. A custom_lin cannot be batched (JAX: the
  forward-mode error).
- pb-lower-custom-derivatives: dead private functions are removed (the JVP
  function pb-linearize partitions stays behind), every custom_jvp/custom_vjp
  call left becomes a call of its primal and the declarations go; a live
  custom_lin means pure forward mode of a custom_vjp function: a
  TypeError-kind diagnostic at the call (the user's line).
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import func

from pullback.dialects.batching import broadcast_batch, move_axis
from pullback.dialects.custom import (CLOSED_OVER_VJP, FORWARD_MODE_OF_CUSTOM_VJP, Custom, custom_attr, custom_of,
                                      read_custom)
from pullback.dialects.pb import pb
from pullback.dialects.types import INEXACT, spec_of_type

from .cloning import inline_body
from .functions import (body_ops, callee_of, entry_block, fresh_name, function_type, functions, is_declaration,
                        new_function)
from .registry import PassFailure, register_pass


def _call(name: str, args, result_types) -> list:
    return list(func.CallOp(list(result_types), name, list(args)).results)


def _differentiable(v) -> bool:
    return spec_of_type(v.type).dtype in INEXACT


def _zeros(t: ir.Type) -> ir.Value:
    return pb.zeros_of_type(t)


def _signature(module_op, name: str):
    ft = function_type(functions(module_op)[name])
    return list(ft.inputs), list(ft.results)


def new_declaration(module_op, name: str, in_types, out_types, attr: ir.Attribute, loc=None) -> str:
    """A private `pb.custom` declaration at the end of the module."""
    with ir.InsertionPoint(module_op.regions[0].blocks[0]), loc or ir.Location.unknown():
        fn = func.FuncOp(name, (list(in_types), list(out_types)))
        fn.attributes["sym_visibility"] = ir.StringAttr.get("private")
        fn.attributes["pb.custom"] = attr
    return name


def custom_call_of(module_op, op, table=None) -> Custom | None:
    """The custom tag of the declaration a func.call calls, or None."""
    if op.name != "func.call":
        return None
    return custom_of(table if table is not None else functions(module_op), callee_of(op))


# ---------------------------------------------------------------- pb-jvp

def _custom_lin_for(module_op, decl_name: str, c: Custom, res_types, tan_types, out_types) -> str:
    """The custom_lin declaration of a custom_vjp's bwd (one per bwd and signature)."""
    want = ir.FunctionType.get(list(res_types) + list(tan_types), list(out_types))
    for name, fn in functions(module_op).items():
        other = custom_of({name: fn}, name)
        if other is not None and other.kind == "custom_lin" and other.rules["bwd"] == c.rules["bwd"] \
                and function_type(fn) == want:
            return name
    name = fresh_name(module_op, f"{decl_name}_lin")
    return new_declaration(module_op, name, want.inputs, want.results, custom_attr("custom_lin", bwd=c.rules["bwd"]))


def jvp_custom_call(module_op, op, c: Custom, primal: dict, tangent: dict) -> None:
    """Differentiate a call of a custom declaration some of whose operands carry tangents."""
    args = [primal[v] for v in op.operands]
    tans = [tangent.get(v) for v in op.operands]
    res_types = [r.type for r in op.results]
    m = len(res_types)

    def done(outs, touts):
        for r, p, t in zip(op.results, outs, touts):
            primal[r] = p
            tangent[r] = t if t is not None and _differentiable(r) else None

    if c.kind == "custom_lin":
        _, b_outs = _signature(module_op, c.rules["bwd"])
        k = len(args) - len(b_outs)
        if any(t is not None for t in tans[:k]):
            raise PassFailure(FORWARD_MODE_OF_CUSTOM_VJP, op.location, error_type=TypeError)
        outs = _call(callee_of(op), args, res_types)
        tts = [t if t is not None else _zeros(a.type) for t, a in zip(tans[k:], args[k:])]
        return done(outs, _call(callee_of(op), args[:k] + tts, res_types))
    nd = len(args) - c.num_consts
    if c.kind == "custom_vjp" and any(t is not None for t in tans[nd:]):
        raise PassFailure(CLOSED_OVER_VJP, op.location, error_type=TypeError)
    dtans = tans[:nd]
    if all(t is None for t in dtans):  # only closed-over values carry tangents: the rule ignores them
        return done(_call(callee_of(op), args, res_types), [None] * m)
    materialized = lambda: [t if t is not None else _zeros(a.type) for t, a in zip(dtans, args)]  # noqa: E731
    if c.kind == "custom_jvp":
        mask = "".join("0" if t is None else "1" for t in dtans)
        if mask in c.variants:
            res = _call(c.variants[mask], args + [t for t in dtans if t is not None], res_types * 2)
        else:
            res = _call(c.rules["jvp"], args + materialized(), res_types * 2)
        return done(res[:m], res[m:])
    _, fwd_outs = _signature(module_op, c.rules["fwd"])
    res = _call(c.rules["fwd"], args, fwd_outs)
    outs, residuals = res[:m], res[m:]
    lin = _custom_lin_for(module_op, callee_of(op), c, [r.type for r in residuals], [a.type for a in args[:nd]],
                          res_types)
    done(outs, _call(lin, residuals + materialized(), res_types))


# ---------------------------------------------------------------- pb-linearize, pb-transpose

def inline_dependent_custom_calls(module_op, fn, seeds) -> None:
    """In the flat function `fn`, replace every custom_jvp/custom_vjp call that reads a value
    depending on `seeds` (tangent or linear inputs) by the body of its primal; custom calls in
    that body stay calls, and are visited in turn."""
    seeds = set(seeds)
    while True:
        table = functions(module_op)
        dep = set(seeds)
        target = None
        for op in body_ops(fn):
            if any(v in dep for v in op.operands):
                c = custom_call_of(module_op, op, table)
                if c is not None and c.kind != "custom_lin":
                    target = (op, c)
                    break
                dep.update(op.results)
        if target is None:
            return
        op, c = target
        with ir.InsertionPoint(op), op.location:
            outs = inline_body(module_op, c.callee, list(op.operands), keep_custom=True)
        for old, new in zip(op.results, outs):
            old.replace_all_uses_with(new)
        op.erase()


def transpose_custom_lin(module_op, op, c: Custom, ct: dict, linear: set, mapping: dict) -> None:
    """custom_lin(residuals, tangents) transposed: bwd(residuals, output cotangents)."""
    cts = [ct.get(r) for r in op.results]
    if all(x is None for x in cts):
        return
    bwd = c.rules["bwd"]
    _, b_outs = _signature(module_op, bwd)
    k = len(op.operands) - len(b_outs)
    if any(v in linear for v in list(op.operands)[:k]):
        raise PassFailure(f"pb-transpose: the function is not linear: the residuals of the custom_vjp rule "
                          f"@{bwd} depend on a linear value", op.location)
    residuals = [mapping[v] for v in list(op.operands)[:k]]
    cts = [x if x is not None else _zeros(r.type) for x, r in zip(cts, op.results)]
    # bwd's body, inlined: a transposed function stays call-free but for custom calls and callbacks
    in_cts = inline_body(module_op, bwd, residuals + cts, keep_custom=True)
    for v, x in zip(list(op.operands)[k:], in_cts):
        if v in linear:
            ct[v] = x if ct.get(v) is None else pb.add(ct[v], x)


# ---------------------------------------------------------------- pb-vmap

def _batched(t: ir.Type, dim, size: int) -> ir.Type:
    if dim is None:
        return t
    rt = ir.RankedTensorType(t)
    shape = list(rt.shape)
    shape.insert(dim, size)
    return ir.RankedTensorType.get(shape, rt.element_type)


def _wrapper(module_op, base: str, target: str, in_types, place, loc) -> str:
    """@base(in_types) calling @target and passing each result through place(i, value)."""
    t_outs = list(function_type(functions(module_op)[target]).results)
    name = fresh_name(module_op, base)
    fn = new_function(module_op, name, in_types, [], loc)
    with ir.InsertionPoint(entry_block(fn)), loc:
        outs = _call(target, list(entry_block(fn).arguments), t_outs)
        outs = [place(i, v) for i, v in enumerate(outs)]
        func.ReturnOp(outs)
    ft = function_type(fn)
    fn.attributes["function_type"] = ir.TypeAttr.get(ir.FunctionType.get(list(ft.inputs), [v.type for v in outs]))
    return name


def _to_front(v, d, size):
    return broadcast_batch(v, size, 0) if d is None else move_axis(v, d, 0)


def batch_custom_call(batcher, op, c: Custom, args, dims, size: int):
    """(outputs, output batch dims) of a batched custom call: a call of a new custom
    declaration over the batched primal and rules, every output batched at dimension 0."""
    module_op = batcher.module_op
    decl = callee_of(op)
    if c.kind == "custom_lin":
        raise PassFailure(FORWARD_MODE_OF_CUSTOM_VJP, op.location, error_type=TypeError)
    dims = tuple(dims)
    key = ("pb.custom", decl, dims, size)
    in_types = [a.type for a in args]
    out_types = [_batched(r.type, 0, size) for r in op.results]
    if key not in batcher.done:
        loc = functions(module_op)[decl].location
        new = fresh_name(module_op, f"{decl}_vmap")
        # declared first, so a rule that calls this custom function again finds it
        new_declaration(module_op, new, in_types, out_types, custom_attr(c.kind, callee=c.callee), loc)
        batcher.done[key] = (new, (0,) * len(out_types))
        front = lambda dims_of: (lambda i, v: _to_front(v, dims_of[i], size))  # noqa: E731

        def batched(name, in_dims):
            if name in batcher.active:  # a rule calling this custom function, being batched right now:
                fn = functions(module_op)[name]  # batch a copy (its call of the custom function finds `new`)
                copy = fn.clone(ip=ir.InsertionPoint(module_op.regions[0].blocks[0]))
                name = fresh_name(module_op, name)
                copy.attributes["sym_name"] = ir.StringAttr.get(name)
            return batcher.batched_function(name, tuple(in_dims), size)

        n, k = len(args), c.num_consts
        p, p_dims = batched(c.callee, dims)
        callee = _wrapper(module_op, f"{c.callee}_vmap_w", p, in_types, front(p_dims), loc)
        rules, variants = {}, {}
        if c.kind == "custom_jvp":
            r, r_dims = batched(c.rules["jvp"], dims + dims[:n - k])
            rules["jvp"] = _wrapper(module_op, f"{c.rules['jvp']}_vmap_w", r,
                                    in_types + in_types[:n - k], front(r_dims), loc)
            for mask, rule in c.variants.items():
                pos = [i for i, ch in enumerate(mask) if ch == "1"]
                r, r_dims = batched(rule, dims + tuple(dims[i] for i in pos))
                variants[mask] = _wrapper(module_op, f"{rule}_vmap_w", r, in_types + [in_types[i] for i in pos],
                                          front(r_dims), loc)
        else:
            f, f_dims = batched(c.rules["fwd"], dims)
            fwd = _wrapper(module_op, f"{c.rules['fwd']}_vmap_w", f, in_types, front(f_dims), loc)
            b_in = list(function_type(functions(module_op)[fwd]).results)[len(out_types):] + out_types
            b, b_dims = batched(c.rules["bwd"], (0,) * len(b_in))

            def place_ct(i, v):  # a cotangent in the layout of input i
                d, want = b_dims[i], dims[i]
                if want is None:
                    return v if d is None else pb.reduce_sum(v, axes=(d,))
                return broadcast_batch(v, size, want) if d is None else move_axis(v, d, want)
            rules["fwd"] = fwd
            rules["bwd"] = _wrapper(module_op, f"{c.rules['bwd']}_vmap_w", b, b_in, place_ct, loc)
        functions(module_op)[new].attributes["pb.custom"] = custom_attr(
            c.kind, callee=callee, num_consts=k, variants=variants, **rules)
    new, out_dims = batcher.done[key]
    return _call(new, args, out_types), list(out_dims)


# ---------------------------------------------------------------- lowering

def _is_public(fn) -> bool:
    return "sym_visibility" not in fn.attributes or ir.StringAttr(fn.attributes["sym_visibility"]).value != "private"


def _reachable(table: dict, customs: dict) -> set:
    """Functions reachable from the public ones (all, if none is public) through calls and the
    functions custom declarations and transformation requests name."""
    from pullback.dialects.transforms import read_transform
    todo = [n for n, fn in table.items() if _is_public(fn)] or list(table)
    seen = set()
    while todo:
        name = todo.pop()
        if name in seen or name not in table:
            continue
        seen.add(name)
        fn = table[name]
        if name in customs:
            todo.extend(customs[name].functions())
        t = read_transform(fn)
        if t is not None:
            todo.append(t[1])
        if not is_declaration(fn):
            todo.extend(callee_of(op) for op in body_ops(fn) if op.name == "func.call")
    return seen


@register_pass("pb-lower-custom-derivatives",
               "Turn custom derivative calls left after the transformations into calls of their primal")
def lower_custom_derivatives(module_op) -> None:
    table = functions(module_op)
    customs = {}
    for name, fn in table.items():
        try:
            c = read_custom(fn)
        except ValueError as e:
            raise PassFailure(f"malformed pb.custom attribute on @{name}: {e}", fn.location) from None
        if c is not None:
            customs[name] = c
    if not customs:
        return
    # Dead private functions go first: the transformations leave some behind (the JVP function
    # pb-linearize partitions), and a custom_lin in one of them is never evaluated.
    live = _reachable(table, customs)
    for name in [n for n in table if n not in live and not _is_public(table[n])]:
        table.pop(name).erase()
        customs.pop(name, None)

    def primal_of(name: str) -> str:
        seen = set()
        while name in customs and name not in seen:
            seen.add(name)
            name = customs[name].callee
        return name

    for fn in table.values():
        if is_declaration(fn):
            continue
        for op in body_ops(fn):
            if op.name != "func.call" or callee_of(op) not in customs:
                continue
            c = customs[callee_of(op)]
            if c.kind == "custom_lin":
                raise PassFailure(FORWARD_MODE_OF_CUSTOM_VJP, op.location, error_type=TypeError)
            op.attributes["callee"] = ir.FlatSymbolRefAttr.get(primal_of(callee_of(op)))
    for name in customs:
        table[name].erase()


__all__ = ["batch_custom_call", "custom_call_of", "inline_dependent_custom_calls", "jvp_custom_call",
           "lower_custom_derivatives", "transpose_custom_lin"]
