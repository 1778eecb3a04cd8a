"""pb-jvp's rules for control flow calls (kind "control": while, cond, scan).

The JVP of a loop is a loop over (primals, tangents), so the rule emits a new `pb.control`
declaration of the same kind whose bodies are the JVPs of the old ones, and calls it.
Symbolic-zero tangents stay zero and are not carried: a JVP body is requested for the exact
mask of inputs that carry a tangent (`JVPTransform.transformed(body, (mask, instantiate))`).
A carry whose tangent is zero on entry may get one after one step (c = c + x * t), so the
mask of carried tangents is a fixed point: start from the carries with a nonzero tangent,
add those whose tangent the body makes nonzero, repeat (at most one round per carry). The
body JVP then instantiates (returns as zeros if need be) exactly the carried tangents, one
bool per output, so its outputs fit its inputs.

What the rules emit (the contract reverse mode partial-evaluates), for a call whose tangent
masks are `mask(...)` (one bool per operand: it carries a nonzero tangent):

  while  (cc..., bc..., carry...) -> carry
      @d(cc..., bc..., tbc..., carry..., tcarry...) -> (carry..., tcarry...)
        {kind = "while", cond = @c_w, body = @b_w, num_cond_consts = K1,
         num_body_consts = K2 + #tbc, max_steps, checkpoints as before}
      @c_w(cc..., carry..., tcarry...) = @cond(cc..., carry...)           (primals only)
      @b_w(bc..., tbc..., carry..., tcarry...) = @body_jvp(bc..., carry..., tbc..., tcarry...)
  cond   (index, ops...) -> outs
      @d(index, ops..., tops...) -> (outs..., touts...)   {kind = "cond", branches = [@bi_jvp...]}
      touts: the union of the branches' nonzero output tangents; every branch's JVP
      instantiates all of them (zeros where that branch has none).
  scan   (consts..., carry..., xs...) -> (carry..., ys...)
      @d(consts..., tconsts..., carry..., tcarry..., xs..., txs...)
          -> (carry..., tcarry..., ys..., tys...)
        {kind = "scan", body = @b_w, num_consts = K + #tconsts, num_carry = C + #tcarry,
         length, reverse, unroll as before}
      @b_w(consts, tconsts, carry, tcarry, x rows, tx rows) -> (carry, tcarry, y rows, ty rows)
          = @body_jvp(consts, carry, x rows, tconsts, tcarry, tx rows), outputs reordered

  remat  (ops...) -> outs
      @d(ops..., tops...) -> (outs..., touts...)   {kind = "remat", body = @body_jvp}

Tangent lists hold only the masked (nonzero) ones, in operand order; the wrappers are plain
functions calling the body's JVP function (`@<body>_jvp...`).
"""
from __future__ import annotations

from pullback.dialects.ir import call, signature
from pullback.dialects.pb import pb

from .autodiff.jvp import JVPTransform
from .control_rules import adapter, declare_control
from .function_transform import Site, copy_op


def _mask(tangents) -> tuple:
    return tuple(t is not None for t in tangents)


def _present(values, mask) -> list:
    return [v for v, m in zip(values, mask) if m]


def _spread(values, mask) -> list:
    """The inverse of `_present`: values at the masked positions, None elsewhere."""
    it = iter(values)
    return [next(it) if m else None for m in mask]


def _carried(tangents, primals, mask) -> list:
    """The tangents at the masked positions, zeros where a carried one is still zero on entry."""
    return [t if t is not None else pb.zeros_like(p) for t, p, m in zip(tangents, primals, mask) if m]


def _types(values) -> list:
    return [v.type for v in values]


def carried_jvp(jvp: JVPTransform, body: str, before: tuple, carry: tuple, after: tuple, num_out: int):
    """(body JVP name, carry mask at the fixed point, output mask) for a body whose inputs are
    (before..., carry..., after...) and whose first len(carry) outputs are the next carry."""
    n = len(carry)
    while True:
        instantiate = carry + (False,) * (num_out - n)
        name, out_mask = jvp.transformed(body, (before + carry + after, instantiate))
        grown = tuple(a or b for a, b in zip(carry, out_mask[:n]))
        if grown == carry:
            return name, carry, out_mask
        carry = grown


def _permuted(jvp: JVPTransform, base: str, target: str, layout: list, out_order=None) -> str:
    """@base whose argument j is argument layout[j] of @target (see `control_rules.adapter`)."""
    ins = signature(jvp.table[target])[0]
    where = {src: j for j, src in enumerate(layout)}
    return adapter(jvp.table, base, target, [ins[i] for i in layout], [where[i] for i in range(len(ins))],
                   out_order)


def _memo(jvp: JVPTransform, site: Site, masks: tuple, build):
    """The declaration built for this control declaration and tangent mask, built once."""
    key = (site.callee, ("pb.control jvp", masks))
    if key not in jvp.done:
        jvp.done[key] = build()
    return jvp.done[key]


def _jvp_while(jvp: JVPTransform, site: Site, primals, tangents):
    c = site.tag
    k1, k2 = c.params["num_cond_consts"], c.params["num_body_consts"]
    cond, body = c.bodies
    cc, bc, carry = primals[:k1], primals[k1:k1 + k2], primals[k1 + k2:]
    bmask, cmask = _mask(tangents[k1:k1 + k2]), _mask(tangents[k1 + k2:])
    if not any(bmask) and not any(cmask):  # only the condition's constants carry tangents
        return copy_op(site.op, primals), [None] * len(carry)
    nb, n = len(bmask), len(carry)

    def build():
        body_jvp, mask, _ = carried_jvp(jvp, body, bmask, cmask, (), n)
        nt, nc = sum(bmask), sum(mask)
        table, loc = jvp.table, site.decl.location
        tcarry_types = _present(_types(carry), mask)
        c_w = adapter(table, f"{cond}_jvp_cond", cond, _types(cc) + _types(carry) + tcarry_types,
                      list(range(k1 + n)), loc=loc)
        # body JVP inputs: bc, carry, tbc, tcarry; the loop's: bc, tbc, carry, tcarry
        layout = list(range(nb)) + list(range(nb + n, nb + n + nt)) + list(range(nb, nb + n)) + \
            list(range(nb + n + nt, nb + n + nt + nc))
        b_w = _permuted(jvp, f"{body_jvp}_loop", body_jvp, layout)
        ins = _types(cc) + _types(bc) + _present(_types(bc), bmask) + _types(carry) + tcarry_types
        decl = declare_control(table, f"{site.callee}_jvp", ins, _types(carry) + tcarry_types, "while", (c_w, b_w),
                               loc, num_cond_consts=k1, num_body_consts=k2 + nt,
                               max_steps=c.params.get("max_steps"), checkpoints=c.params.get("checkpoints"))
        return decl, mask
    decl, mask = _memo(jvp, site, bmask + cmask, build)
    operands = cc + bc + _present(tangents[k1:k1 + k2], bmask) + carry + _carried(tangents[k1 + k2:], carry, mask)
    res = call(decl, operands, _types(carry) + _present(_types(carry), mask))
    return res[:n], _spread(res[n:], mask)


def _jvp_cond(jvp: JVPTransform, site: Site, primals, tangents):
    mask = _mask(tangents[1:])
    branches = site.tag.bodies
    m = len(site.op.results)

    def build():
        first = [jvp.transformed(b, (mask, False)) for b in branches]
        union = tuple(any(om[i] for _, om in first) for i in range(m))
        if not any(union):
            return None, union
        names = [name if om == union else jvp.transformed(b, (mask, union))[0]
                 for b, (name, om) in zip(branches, first)]
        outs = site.result_types
        decl = declare_control(jvp.table, f"{site.callee}_jvp", _types(primals) + _present(_types(primals[1:]), mask),
                               outs + _present(outs, union), "cond", names, site.decl.location)
        return decl, union
    decl, union = _memo(jvp, site, mask, build)
    if decl is None:  # no output depends on a tangent
        return copy_op(site.op, primals), [None] * m
    res = call(decl, primals + _present(tangents[1:], mask), signature(jvp.table[decl])[1])
    return res[:m], _spread(res[m:], union)


def _jvp_scan(jvp: JVPTransform, site: Site, primals, tangents):
    c = site.tag
    k, n = c.params["num_consts"], c.params["num_carry"]
    body = c.bodies[0]
    consts, carry, xs = primals[:k], primals[k:k + n], primals[k + n:]
    kmask, cmask, xmask = _mask(tangents[:k]), _mask(tangents[k:k + n]), _mask(tangents[k + n:])
    outs = site.result_types
    ny = len(outs) - n
    nx = len(xs)

    def build():
        body_jvp, mask, out_mask = carried_jvp(jvp, body, kmask, cmask, xmask, n + ny)
        ymask = out_mask[n:]
        if not any(mask) and not any(ymask):
            return None, mask, ymask
        tk, tc, tx, ty = sum(kmask), sum(mask), sum(xmask), sum(ymask)
        # body JVP inputs: consts, carry, x rows, tconsts, tcarry, tx rows; the loop's:
        # consts, tconsts, carry, tcarry, x rows, tx rows
        p = k + n + nx
        layout = (list(range(k)) + list(range(p, p + tk)) + list(range(k, k + n)) + list(range(p + tk, p + tk + tc))
                  + list(range(k + n, p)) + list(range(p + tk + tc, p + tk + tc + tx)))
        # its outputs: carry, y rows, tcarry, ty rows; the loop's: carry, tcarry, y rows, ty rows
        out_order = (list(range(n)) + list(range(n + ny, n + ny + tc)) + list(range(n, n + ny))
                     + list(range(n + ny + tc, n + ny + tc + ty)))
        b_w = _permuted(jvp, f"{body_jvp}_loop", body_jvp, layout, out_order)
        ins = (_types(consts) + _present(_types(consts), kmask) + _types(carry) + _present(_types(carry), mask)
               + _types(xs) + _present(_types(xs), xmask))
        res_types = outs[:n] + _present(outs[:n], mask) + outs[n:] + _present(outs[n:], ymask)
        decl = declare_control(jvp.table, f"{site.callee}_jvp", ins, res_types, "scan", (b_w,), site.decl.location,
                               length=c.params["length"], reverse=c.params["reverse"], num_consts=k + tk,
                               num_carry=n + tc, unroll=c.params["unroll"])
        return decl, mask, ymask
    decl, mask, ymask = _memo(jvp, site, kmask + cmask + xmask, build)
    if decl is None:  # no output depends on a tangent
        return copy_op(site.op, primals), [None] * len(outs)
    operands = (consts + _present(tangents[:k], kmask) + carry + _carried(tangents[k:k + n], carry, mask)
                + xs + _present(tangents[k + n:], xmask))
    res = call(decl, operands, signature(jvp.table[decl])[1])
    tc = sum(mask)
    return (res[:n] + res[n + tc:n + tc + ny],
            _spread(res[n:n + tc], mask) + _spread(res[n + tc + ny:], ymask))


def _jvp_remat(jvp: JVPTransform, site: Site, primals, tangents):
    mask = _mask(tangents)
    m = len(site.op.results)

    def build():
        name, out_mask = jvp.transformed(site.tag.bodies[0], (mask, False))
        if not any(out_mask):
            return None, out_mask
        outs = site.result_types
        decl = declare_control(jvp.table, f"{site.callee}_jvp", _types(primals) + _present(_types(primals), mask),
                               outs + _present(outs, out_mask), "remat", [name], site.decl.location,
                               **site.tag.params)
        return decl, out_mask
    decl, out_mask = _memo(jvp, site, mask, build)
    if decl is None:
        return copy_op(site.op, primals), [None] * m
    res = call(decl, primals + _present(tangents, mask), signature(jvp.table[decl])[1])
    return res[:m], _spread(res[m:], out_mask)


_RULES = {"while": _jvp_while, "cond": _jvp_cond, "scan": _jvp_scan, "remat": _jvp_remat}


@JVPTransform.call_rule("control")
def jvp_control_call(jvp: JVPTransform, site: Site, primals, tangents):
    """Differentiate a control flow call some of whose operands carry tangents (module doc)."""
    return _RULES[site.tag.kind](jvp, site, primals, tangents)


__all__ = ["carried_jvp", "jvp_control_call"]
