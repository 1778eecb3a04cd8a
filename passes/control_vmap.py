"""pb-vmap's rules for control flow calls (kind "control": while, cond, scan), as JAX's.

A batched loop stays one loop over batched values: the rule batches the bodies
(`VmapTransform.batched_function`) and emits a new `pb.control` declaration over
wrappers that put every batched carry at dimension 0 (a loop's carry must keep one
layout). A carry unbatched on entry may become batched after a step (c = c + x with x
batched), so which carries are batched is a fixed point, as for the JVP's tangents.

- scan: xs and ys are batched at dimension 1 (0 is the scanned one), carries at 0.
- cond with an unbatched index: the branches are batched; an output batched in one
  branch is batched (broadcast) in all. With a batched index every branch runs on the
  whole batch and `select` picks per lane (JAX's semantics, so a branch's host callback
  would run for lanes that did not pick it: rejected, as JAX does for effects).
- while with an unbatched predicate: the body is batched. With a batched predicate the
  loop runs while any lane's predicate holds, every carry is batched, and the body keeps
  the carry of lanes whose predicate is false (select), as JAX's batched while_loop.
- remat: the body is batched; its outputs keep the batch dimensions it gives them.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import func

from pullback.dialects.batching import broadcast_batch, move_axis, to_front
from pullback.dialects.callbacks import is_callback
from pullback.dialects.ir import call, entry_block, set_results, signature, symbol_closure, symbol_name
from pullback.dialects.pb import pb
from pullback.dialects.types import spec_of_type

from .batching.vmap import VmapTransform, batched_type
from .control_rules import API_OF_KIND, declare_control
from .custom_derivative_rules import placing_wrapper
from .function_transform import Site
from .registry import PassFailure


def _front(dims) -> list:
    """Batch dims after moving every batched value to dimension 0."""
    return [None if d is None else 0 for d in dims]


def _at(v, d, want, size):
    """v batched at `want` (None: unbatched, v must be), from batch dim d."""
    if want is None:
        return v
    return broadcast_batch(v, size, want) if d is None else move_axis(v, d, want)


def _placer(dims, wants, size):
    return lambda i, v: _at(v, dims[i], wants[i], size)


def _carried_batch(vmap: VmapTransform, body: str, before: list, carry: list, after: list, size: int):
    """(batched body, its out dims, carry batched flags at the fixed point) for a body of
    inputs (before..., carry..., after...) whose first len(carry) outputs are the carry."""
    n = len(carry)
    while True:
        name, out_dims = vmap.batched_function(body, tuple(before + _front([0 if c else None for c in carry]) + after),
                                               size)
        grown = [c or d is not None for c, d in zip(carry, out_dims[:n])]
        if grown == carry:
            return name, out_dims, carry
        carry = grown


def _types(values) -> list:
    return [v.type for v in values]


def _batch_scan(vmap: VmapTransform, site: Site, args, dims, size: int):
    c = site.tag
    k, n = c.params["num_consts"], c.params["num_carry"]
    body = c.bodies[0]
    table, loc = vmap.table, site.decl.location
    kd = _front(dims[:k])
    xb = [d is not None for d in dims[k + n:]]
    body_fn, out_dims, cb = _carried_batch(vmap, body, kd, [d is not None for d in dims[k:k + n]],
                                           [0 if b else None for b in xb], size)
    yb = [d is not None for d in out_dims[n:]]
    wants = [0 if b else None for b in cb + yb]
    consts = [to_front(a, d, size) if d is not None else a for a, d in zip(args[:k], dims[:k])]
    carry = [_at(a, d, 0 if b else None, size) for a, d, b in zip(args[k:k + n], dims[k:k + n], cb)]
    xs = [a if d is None else move_axis(a, d, 1) for a, d in zip(args[k + n:], dims[k + n:])]
    body_ins = signature(table[body_fn])[0]
    b_w = placing_wrapper(table, f"{body_fn}_loop", body_fn, body_ins, _placer(out_dims, wants, size), loc)
    results = site.result_types
    out_types = [batched_type(t, 0 if b else None, size) for t, b in zip(results[:n], cb)] + \
        [batched_type(t, 1 if b else None, size) for t, b in zip(results[n:], yb)]
    decl = declare_control(table, f"{site.callee}_vmap", _types(consts + carry + xs), out_types, "scan", (b_w,), loc,
                           **c.params)
    outs = call(decl, consts + carry + xs, out_types)
    return outs, [0 if b else None for b in cb] + [1 if b else None for b in yb]


def _reaches_callback(vmap: VmapTransform, names) -> bool:
    return any(is_callback(vmap.table[f]) for f in symbol_closure(vmap.table.module, list(names), vmap.table))


def _batch_cond(vmap: VmapTransform, site: Site, args, dims, size: int):
    table, loc = vmap.table, site.decl.location
    branches = site.tag.bodies
    ops, op_dims = args[1:], dims[1:]
    batched = [vmap.batched_function(b, tuple(op_dims), size) for b in branches]
    m = len(site.op.results)
    union = [any(od[i] is not None for _, od in batched) for i in range(m)]
    wants = [0 if u else None for u in union]
    out_types = [batched_type(t, w, size) for t, w in zip(site.result_types, wants)]
    if dims[0] is None:
        names = [placing_wrapper(table, f"{name}_cond", name, _types(ops), _placer(od, wants, size), loc)
                 for name, od in batched]
        decl = declare_control(table, f"{site.callee}_vmap", _types(args), out_types, "cond", names, loc)
        return call(decl, args, out_types), wants
    if _reaches_callback(vmap, branches):
        raise PassFailure(f"pb-vmap cannot batch lax.{API_OF_KIND['cond']} with a batched index (predicate) whose "
                          "branches call a host callback: every branch runs for every lane, so the callback's "
                          "effects would happen for lanes that did not pick its branch", site.op.location)
    # every branch on the whole batch, then a per-lane pick (index clamped as lax.switch's)
    results = [[to_front(v, d, size) for v, d in zip(call(name, ops, signature(table[name])[1]), od)]
               for name, od in batched]
    index = to_front(args[0], dims[0], size)
    ispec = spec_of_type(index.type)
    index = pb.min(pb.max(index, pb.full(ispec, 0)), pb.full(ispec, len(branches) - 1))
    outs = []
    for i in range(m):
        shape = spec_of_type(results[0][i].type).shape
        which = pb.broadcast_in_dim(index, shape=shape, broadcast_dimensions=(0,))
        picked = results[-1][i]
        for j in range(len(branches) - 2, -1, -1):  # the last branch, unless an earlier one is picked
            is_j = pb.compare(which, pb.full(spec_of_type(which.type), j), direction="EQ")
            picked = pb.select(is_j, results[j][i], picked)
        outs.append(picked)
    return outs, [0] * m


def _any_lane_body(table, base: str, cond: str, body: str, in_types, k1: int, loc) -> str:
    """@base(cc..., bc..., carry...) -> carry: body on every lane, the old carry kept where the
    (batched, dimension 0) predicate of cond is false."""
    fn = table.new_function(base, in_types, [], loc)
    args = list(entry_block(fn).arguments)
    with ir.InsertionPoint(entry_block(fn)), loc:
        carry_n = len(signature(table[body])[1])
        cc, rest = args[:k1], args[k1:]
        bc, carry = rest[:len(rest) - carry_n], rest[len(rest) - carry_n:]
        live = call(cond, cc + carry, signature(table[cond])[1])[0]
        new = call(body, bc + carry, signature(table[body])[1])
        outs = [pb.select(pb.broadcast_in_dim(live, shape=spec_of_type(v.type).shape, broadcast_dimensions=(0,)), v,
                          old) for v, old in zip(new, carry)]
        func.ReturnOp(outs)
    set_results(fn, _types(outs))
    return symbol_name(fn)


def _any_lane_cond(table, base: str, cond: str, in_types, loc) -> str:
    """@base(...) = whether cond's batched predicate holds for any lane."""
    fn = table.new_function(base, in_types, [], loc)
    with ir.InsertionPoint(entry_block(fn)), loc:
        p = call(cond, list(entry_block(fn).arguments), signature(table[cond])[1])[0]
        out = pb.reduce_max(p, axes=(0,))
        func.ReturnOp([out])
    set_results(fn, [out.type])
    return symbol_name(fn)


def _batch_while(vmap: VmapTransform, site: Site, args, dims, size: int):
    c = site.tag
    k1, k2 = c.params["num_cond_consts"], c.params["num_body_consts"]
    cond, body = c.bodies
    table, loc = vmap.table, site.decl.location
    cd, bd = _front(dims[:k1]), _front(dims[k1:k1 + k2])
    body_fn, out_dims, cb = _carried_batch(vmap, body, bd, [d is not None for d in dims[k1 + k2:]], [], size)
    cond_fn, (pd,) = vmap.batched_function(cond, tuple(cd + _front([0 if b else None for b in cb])), size)
    if pd is not None and not all(cb):  # a batched predicate: every lane keeps its own carry
        cb = [True] * len(cb)
        body_fn, out_dims = vmap.batched_function(body, tuple(bd + [0] * len(cb)), size)
        cond_fn, (pd,) = vmap.batched_function(cond, tuple(cd + [0] * len(cb)), size)
    wants = [0 if b else None for b in cb]
    cc = [to_front(a, d, size) if d is not None else a for a, d in zip(args[:k1], dims[:k1])]
    bc = [to_front(a, d, size) if d is not None else a for a, d in zip(args[k1:k1 + k2], dims[k1:k1 + k2])]
    carry = [_at(a, d, w, size) for a, d, w in zip(args[k1 + k2:], dims[k1 + k2:], wants)]
    b_w = placing_wrapper(table, f"{body_fn}_loop", body_fn, _types(bc + carry), _placer(out_dims, wants, size), loc)
    if pd is None:
        decl = declare_control(table, f"{site.callee}_vmap", _types(cc + bc + carry), _types(carry), "while",
                               (cond_fn, b_w), loc, **c.params)
        return call(decl, cc + bc + carry, _types(carry)), wants
    c_any = _any_lane_cond(table, f"{cond_fn}_any", cond_fn, _types(cc + carry), loc)
    b_sel = _any_lane_body(table, f"{b_w}_live", cond_fn, b_w, _types(cc + bc + carry), k1, loc)
    params = dict(c.params, num_body_consts=k1 + k2)
    decl = declare_control(table, f"{site.callee}_vmap", _types(cc + cc + bc + carry), _types(carry), "while",
                           (c_any, b_sel), loc, **params)
    return call(decl, cc + cc + bc + carry, _types(carry)), wants


def _batch_remat(vmap: VmapTransform, site: Site, args, dims, size: int):
    name, out_dims = vmap.batched_function(site.tag.bodies[0], tuple(dims), size)
    out_types = signature(vmap.table[name])[1]
    decl = declare_control(vmap.table, f"{site.callee}_vmap", _types(args), out_types, "remat", [name],
                           site.decl.location, **site.tag.params)
    return call(decl, args, out_types), list(out_dims)


_RULES = {"while": _batch_while, "cond": _batch_cond, "scan": _batch_scan, "remat": _batch_remat}


@VmapTransform.call_rule("control")
def batch_control_call(vmap: VmapTransform, site: Site, args, dims, size: int):
    """Batch a control flow call some of whose operands are batched (module doc)."""
    return _RULES[site.tag.kind](vmap, site, args, list(dims), size)


__all__ = ["batch_control_call"]
