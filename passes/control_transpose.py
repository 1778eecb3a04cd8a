"""pb-transpose's rules for control flow calls (kind "control"), as JAX's scan and cond transposes.

In a linear function the partial evaluation of the flat copy (`control_partial_eval`) has
already split each loop in a known call (computing residuals) and a call whose carries are
all linear, whose constants and xs are linear or non-linear (residuals) as the rule's
`linear` flags say.

  scan   (consts, carry, xs) -> (carry, ys), body b(res c, lin c, carry, res x, lin x) linear
         in (lin c, carry, lin x). Its transpose is a scan in the other direction over
         bT = transpose(b with its non-linear inputs first):
             consts res c; carry (lin c cotangent sums, carry cotangent); xs (res x, ys cotangents)
             (res c, acc, ct carry, res x, ct y) -> (acc + ct lin c, ct carry, ct lin x)
         starting from zeros and the carry's output cotangent; it returns the linear
         consts' cotangents, the initial carry's, and the linear xs' stacked.
  cond   (index, ops) -> outs: a cond on the same index over each branch transposed in its
         linear ops: (index, non-linear ops, ct outs) -> ct linear ops.
  while  JAX's ValueError: a while loop cannot be transposed.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import func

from pullback.dialects.ir import FunctionTable, call, entry_block, signature, symbol_name
from pullback.dialects.pb import pb

from .autodiff.transpose import Transposer, add_ct
from .control_partial_eval import WHILE_REVERSE_MODE
from .control_rules import adapter, declare_control
from .function_transform import Site
from .registry import PassFailure


def _zeros(cts, types) -> list:
    return [c if c is not None else pb.zeros_of_type(t) for c, t in zip(cts, types)]


def _nonlinear_first(table: FunctionTable, body: str, linear_args: list, loc) -> tuple[str, int]:
    """@body with its non-linear inputs first (adapter), and how many they are."""
    ins = signature(table[body])[0]
    layout = [i for i, f in enumerate(linear_args) if not f] + [i for i, f in enumerate(linear_args) if f]
    where = {p: j for j, p in enumerate(layout)}
    name = adapter(table, f"{body}_nl_first", body, [ins[p] for p in layout], [where[i] for i in range(len(ins))],
                   loc=loc)
    return name, len(ins) - sum(linear_args)


def _scan_body_T(table: FunctionTable, body_T: str, nrc: int, acc_types, carry_types, nrx: int, ny_types,
                 loc) -> str:
    """The transposed scan's body: (res c, acc, ct carry, res x, ct y) -> (acc + ct lin c, ct carry, ct lin x)
    over @body_T(res c, res x, ct carry', ct y) -> (ct lin c, ct carry, ct lin x)."""
    t_ins, t_outs = signature(table[body_T])
    na, nc = len(acc_types), len(carry_types)
    ins = t_ins[:nrc] + list(acc_types) + list(carry_types) + t_ins[nrc:nrc + nrx] + list(ny_types)
    fn = table.new_function(f"{body_T}_loop", ins, list(acc_types) + list(t_outs[na:]), loc)
    a = list(entry_block(fn).arguments)
    rc, acc, ctc, rx, cty = (a[:nrc], a[nrc:nrc + na], a[nrc + na:nrc + na + nc], a[nrc + na + nc:nrc + na + nc + nrx],
                             a[nrc + na + nc + nrx:])
    with ir.InsertionPoint(entry_block(fn)), loc:
        outs = call(body_T, rc + rx + ctc + cty, t_outs)
        func.ReturnOp([add_ct(s, o) for s, o in zip(acc, outs[:na])] + outs[na:])
    return symbol_name(fn)


def _transpose_scan(tr: Transposer, site: Site, cts, linear, operands) -> list:
    c, table, loc = site.tag, tr.table, site.decl.location
    k, n = c.params["num_consts"], c.params["num_carry"]
    d_ins, d_outs = signature(site.decl)
    nx = len(d_ins) - k - n
    # every carry is linear (a known carry would have gone to the known call); consts and xs as flagged
    lin = list(linear[:k]) + [True] * n + list(linear[k + n:])
    body = c.bodies[0]
    key = (site.callee, ("pb.control transpose", tuple(lin)))
    if key not in tr.done:
        b_nl, num_nl = _nonlinear_first(table, body, lin, loc)
        body_T = tr.transpose(b_nl, num_nl)
        rc = [i for i in range(k) if not lin[i]]
        lc = [i for i in range(k) if lin[i]]
        rx = [i for i in range(k + n, k + n + nx) if not lin[i]]
        lx = [i for i in range(k + n, k + n + nx) if lin[i]]
        acc_types = [d_ins[i] for i in lc]
        carry_types = d_ins[k:k + n]
        ny_types = [ir.RankedTensorType.get(list(ir.RankedTensorType(t).shape)[1:], ir.RankedTensorType(t).element_type)
                    for t in d_outs[n:]]
        loop = _scan_body_T(table, body_T, len(rc), acc_types, carry_types, len(rx), ny_types, loc)
        ins = [d_ins[i] for i in rc] + acc_types + carry_types + [d_ins[i] for i in rx] + d_outs[n:]
        decl = declare_control(table, f"{site.callee}_T", ins, acc_types + carry_types + [d_ins[i] for i in lx],
                               "scan", (loop,), loc, length=c.params["length"], reverse=1 - c.params["reverse"],
                               num_consts=len(rc), num_carry=len(lc) + n, unroll=c.params["unroll"])
        tr.done[key] = (decl, rc, lc, rx, lx)
    decl, rc, lc, rx, lx = tr.done[key]
    args = ([operands[i] for i in rc] + [pb.zeros_of_type(d_ins[i]) for i in lc] + _zeros(cts[:n], d_outs[:n])
            + [operands[i] for i in rx] + _zeros(cts[n:], d_outs[n:]))
    res = call(decl, args, signature(table[decl])[1])
    out = [None] * len(operands)
    for pos, v in zip(lc + list(range(k, k + n)) + lx, res):
        out[pos] = v
    return out


def _transpose_cond(tr: Transposer, site: Site, cts, linear, operands) -> list:
    table, loc = tr.table, site.decl.location
    if linear[0]:
        raise PassFailure("pb-transpose: the function is not linear: a cond's branch index is linear",
                          site.op.location)
    d_ins, d_outs = signature(site.decl)
    lin = list(linear[1:])
    key = (site.callee, ("pb.control transpose", tuple(lin)))
    if key not in tr.done:
        names = [tr.transpose(*_nonlinear_first(table, b, lin, loc)) for b in site.tag.bodies]
        ops = d_ins[1:]
        ins = d_ins[:1] + [t for t, f in zip(ops, lin) if not f] + d_outs
        tr.done[key] = declare_control(table, f"{site.callee}_T", ins, [t for t, f in zip(ops, lin) if f], "cond",
                                       names, loc)
    decl = tr.done[key]
    nonlin = [v for v, f in zip(operands[1:], lin) if not f]
    res = iter(call(decl, [operands[0]] + nonlin + _zeros(cts, d_outs), signature(table[decl])[1]))
    return [None] + [next(res) if f else None for f in lin]


def _transpose_while(tr: Transposer, site: Site, cts, linear, operands) -> list:
    raise PassFailure(WHILE_REVERSE_MODE, site.op.location, error_type=ValueError)


def _transpose_remat(tr: Transposer, site: Site, cts, linear, operands) -> list:
    """The body transposed, called as a plain function: partial evaluation already decided what
    a linear body recomputes, and a transposed body has nothing left to save."""
    table = tr.table
    d_ins, d_outs = signature(site.decl)
    key = (site.callee, ("pb.control transpose", tuple(linear)))
    if key not in tr.done:
        tr.done[key] = tr.transpose(*_nonlinear_first(table, site.tag.bodies[0], list(linear), site.decl.location))
    name = tr.done[key]
    nonlin = [v for v, f in zip(operands, linear) if not f]
    res = iter(call(name, nonlin + _zeros(cts, d_outs), signature(table[name])[1]))
    return [next(res) if f else None for f in linear]


_RULES = {"while": _transpose_while, "cond": _transpose_cond, "scan": _transpose_scan, "remat": _transpose_remat}


# Replaces control_rules' placeholder (a NotImplementedError) for kind "control".
@Transposer.call_rule("control")
def transpose_control_call(tr: Transposer, site: Site, cts, linear, operands) -> list:
    """The transpose of a control call that reads linear values (module doc)."""
    if all(x is None for x in cts):
        return [None] * len(operands)
    return _RULES[site.tag.kind](tr, site, cts, linear, operands)


__all__ = ["transpose_control_call"]
