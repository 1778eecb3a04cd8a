"""Partial evaluation of control flow calls (the inliner's rule for kind "control").

pb-linearize and pb-transpose split a flat copy of a function into the ops that depend on
its seed inputs (tangent or linear: *unknown*) and the ones that do not (*known*). A loop
or branch whose operands are partly unknown (a JVP'd scan reads primal and tangent
values) is split the same way, as JAX's partial evaluation of scan and cond: its body is
split by `partial_eval_function` with the unknown operands as seeds, and the call becomes
a call of a known declaration, then of an unknown one reading the known one's residuals.

  scan   known:   (known consts, known carry, known xs) -> (known carry, known ys, residuals)
                  the residuals of every iteration stacked as extra ys
         unknown: (forwarded consts, unknown consts, unknown carry, forwarded xs, residuals,
                  unknown xs) -> (unknown carry, unknown ys)
         A carry is unknown when its initial value is or the body makes it so (a fixed
         point, at most one round per carry); its body output is then instantiated.
         Known consts and xs the unknown body reads are passed to it directly, not stacked.
  cond   known:   (index, known ops) -> (known outs, every branch's residuals), each branch
                  filling its own residual slots and zeros in the others'
         unknown: (index, forwarded ops, residuals, unknown ops) -> unknown outs
         An output is unknown when it is in some branch. The index must be known.
  while  the number of iterations is not known before the loop runs, so nothing can be
         stored for the reverse pass: JAX's ValueError, at the loop's line. A bounded loop
         (`max_steps = N`, pullback's extension of lax.while_loop) is split as the scan of
         N steps it equals: each step is a cond that runs the body while the predicate holds
         and passes the carry through after (a finished carry keeps its predicate false).
         The branch-wise split stores the body's residuals of the steps that ran, zeros
         for the others, and never differentiates the body at a carry it did not see.
         With `checkpoints = K` < N, the steps are the binomial schedule of nested
         remat'ed segments (checkpoint_schedule.py, `_bounded_while_as_scans`): memory
         for K carries and one step's residuals instead of every step's, for revolve's
         minimum of recomputed steps.

  remat  known:   (known ops) -> known outs (the body's residuals are not kept)
         unknown: a remat call of (ops...) -> unknown outs whose body recomputes the
         residuals from the known operands, then runs the body's unknown half: the
         operands are what is saved (jax.checkpoint). Transposed later, its body is
         evaluated in the backward pass, so the recomputation happens there. With
         `policy` = 1 (dots_saveable) or 2 (dots_with_no_batch_dims_saveable) the
         residuals that are dot_general results are saved too, and not recomputed.

A call all of whose operands are known, or all unknown, stays as it is.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import func

from pullback.dialects.control import SAVE_DOTS_NO_BATCH, SAVE_NOTHING, read_control
from pullback.dialects.ir import FunctionTable, body_ops, call, entry_block, set_results, signature, symbol_name
from pullback.dialects.pb import pb

from .autodiff.partial_eval import PartialEval, partial_eval_function
from .checkpoint_schedule import split
from .cloning import Inliner, clone_into
from .control_rules import adapter, declare_control
from .function_transform import Site, copy_op
from .registry import PassFailure

WHILE_REVERSE_MODE = ("Reverse-mode differentiation does not work for lax.while_loop or lax.fori_loop with dynamic "
                      "start/stop values. Try using lax.scan, or using fori_loop with static start/stop.")


def _types(values) -> list:
    return [v.type for v in values]


def _pick(values, mask, want=True) -> list:
    return [v for v, m in zip(values, mask) if bool(m) == want]


def _erase(table: FunctionTable, pe: PartialEval) -> None:
    for name in (pe.known, pe.unknown):
        table.erase(table[name])


def _memo(table: FunctionTable, site: Site, mask: tuple, build):
    """What `build` makes for this declaration and unknown mask, once per pass run."""
    memo = table.indexes.setdefault("control_partial_eval", {})
    key = (site.callee, mask)
    if key not in memo:
        memo[key] = build()
    return memo[key]


# ---------------------------------------------------------------- scan

def _split_scan(table: FunctionTable, site: Site, mask: tuple):
    c = site.tag
    k, n = c.params["num_consts"], c.params["num_carry"]
    body = c.bodies[0]
    b_ins, b_outs = signature(table[body])
    nx, ny = len(b_ins) - k - n, len(b_outs) - n
    kmask, cmask, xmask = mask[:k], mask[k:k + n], mask[k + n:]
    forwardable = (True,) * k + (False,) * n + (True,) * nx
    while True:
        pe = partial_eval_function(table, body, kmask + cmask + xmask, cmask + (False,) * ny, f"{body}_pe",
                                   forwardable)
        grown = tuple(a or b for a, b in zip(cmask, pe.out_unknown[:n]))
        if grown == cmask:
            break
        _erase(table, pe)
        cmask = grown
    ymask = pe.out_unknown[n:]
    length, params = c.params["length"], dict(reverse=c.params["reverse"], unroll=c.params["unroll"])
    loc = site.decl.location
    stacked = [ir.RankedTensorType.get([length] + list(ir.RankedTensorType(t).shape),
                                       ir.RankedTensorType(t).element_type) for t in pe.residual_types]
    d_ins, d_outs = signature(site.decl)
    kc, kcarry, kx = _pick(d_ins[:k], kmask, False), _pick(d_ins[k:k + n], cmask, False), _pick(d_ins[k + n:], xmask,
                                                                                                   False)
    known = None
    known_outs = _pick(d_outs[:n], cmask, False) + _pick(d_outs[n:], ymask, False) + stacked
    if known_outs:
        known = declare_control(table, f"{site.callee}_known", kc + kcarry + kx, known_outs, "scan", (pe.known,), loc,
                                length=length, num_consts=len(kc), num_carry=len(kcarry), **params)
    # the unknown body's layout: (fwd consts, unknown consts, carry, fwd xs, residual rows, unknown xs)
    fwd_c = [p for p in pe.forwarded if p < k]
    fwd_x = [p for p in pe.forwarded if p >= k + n]
    u_pos = [i for i, u in enumerate(kmask + cmask + xmask) if u]
    u_c, u_carry, u_x = ([p for p in u_pos if p < k], [p for p in u_pos if k <= p < k + n],
                         [p for p in u_pos if p >= k + n])
    nr = len(pe.residual_types)
    # positions in the new layout of the unknown function's arguments (forwarded, residuals, unknown)
    layout = fwd_c + u_c + u_carry + fwd_x + [("res", j) for j in range(nr)] + u_x
    where = {key: j for j, key in enumerate(layout)}
    arg_order = [where[p] for p in pe.forwarded] + [where[("res", j)] for j in range(nr)] + [where[p] for p in u_pos]
    in_types = [b_ins[p] if not isinstance(p, tuple) else pe.residual_types[p[1]] for p in layout]
    u_body = adapter(table, f"{pe.unknown}_loop", pe.unknown, in_types, arg_order, loc=loc)
    d_types = [d_ins[p] if not isinstance(p, tuple) else stacked[p[1]] for p in layout]
    u_outs = _pick(d_outs[:n], cmask) + _pick(d_outs[n:], ymask)
    unknown = declare_control(table, f"{site.callee}_unknown", d_types, u_outs, "scan", (u_body,), loc, length=length,
                              num_consts=len(fwd_c) + len(u_c), num_carry=len(u_carry), **params)
    return known, unknown, layout, cmask, ymask


def _scan_rule(inliner: Inliner, site: Site, args, mask: tuple) -> list:
    table = inliner.table
    known, unknown, layout, cmask, ymask = _memo(table, site, mask, lambda: _split_scan(table, site, mask))
    k, n = site.tag.params["num_consts"], site.tag.params["num_carry"]
    d_ins, d_outs = signature(site.decl)
    full = tuple(mask[:k]) + cmask + tuple(mask[k + n:])
    residuals, k_carry, k_ys = [], [], []
    if known is not None:
        outs = call(known, _pick(args, full, False), signature(table[known])[1])
        nk = len(_pick(d_outs[:n], cmask, False))
        nky = len(_pick(d_outs[n:], ymask, False))
        k_carry, k_ys, residuals = outs[:nk], outs[nk:nk + nky], outs[nk + nky:]
    operands = [residuals[p[1]] if isinstance(p, tuple) else args[p] for p in layout]
    u = call(unknown, operands, signature(table[unknown])[1])
    nu = sum(cmask)
    u_carry, u_ys = iter(u[:nu]), iter(u[nu:])
    k_carry, k_ys = iter(k_carry), iter(k_ys)
    return ([next(u_carry) if m else next(k_carry) for m in cmask]
            + [next(u_ys) if m else next(k_ys) for m in ymask])


# ---------------------------------------------------------------- cond

def _with_slots(table: FunctionTable, base: str, target: str, in_types, num_outs: int, slot_types, mine: range,
                loc) -> str:
    """@base(in_types) -> (target's first `num_outs` results, one value per residual slot):
    @target's residuals in the slots `mine`, zeros in the others."""
    t_outs = signature(table[target])[1]
    fn = table.new_function(base, list(in_types), list(t_outs[:num_outs]) + list(slot_types), loc)
    with ir.InsertionPoint(entry_block(fn)), loc:
        outs = call(target, list(entry_block(fn).arguments), t_outs)
        res = iter(outs[num_outs:])
        func.ReturnOp(outs[:num_outs] + [next(res) if j in mine else pb.zeros_of_type(t)
                                         for j, t in enumerate(slot_types)])
    return symbol_name(fn)


def _split_cond(table: FunctionTable, site: Site, mask: tuple):
    branches = site.tag.bodies
    d_ins, d_outs = signature(site.decl)
    ops_mask = mask[1:]
    m = len(d_outs)
    pes = [partial_eval_function(table, b, ops_mask, (False,) * m, f"{b}_pe", (True,) * len(ops_mask))
           for b in branches]
    union = tuple(any(pe.out_unknown[i] for pe in pes) for i in range(m))
    for i, (b, pe) in enumerate(zip(branches, pes)):
        if pe.out_unknown != union:
            _erase(table, pe)
            pes[i] = partial_eval_function(table, b, ops_mask, union, f"{b}_pe", (True,) * len(ops_mask))
    loc = site.decl.location
    slot_types, slots = [], []
    for pe in pes:
        slots.append(range(len(slot_types), len(slot_types) + len(pe.residual_types)))
        slot_types += pe.residual_types
    known_ops = _pick(d_ins[1:], ops_mask, False)
    k_outs = _pick(d_outs, union, False)
    known = None
    if k_outs or slot_types:
        k_branches = [_with_slots(table, f"{pe.known}_slots", pe.known, known_ops, len(k_outs), slot_types, mine, loc)
                      for pe, mine in zip(pes, slots)]
        known = declare_control(table, f"{site.callee}_known", d_ins[:1] + known_ops, k_outs + slot_types, "cond",
                                k_branches, loc)
    fwd = sorted({p for pe in pes for p in pe.forwarded})
    u_ops = [i for i, u in enumerate(ops_mask) if u]
    in_types = [d_ins[1 + p] for p in fwd] + slot_types + [d_ins[1 + p] for p in u_ops]
    u_branches = []
    for pe, mine in zip(pes, slots):
        order = ([fwd.index(p) for p in pe.forwarded] + [len(fwd) + j for j in mine]
                 + [len(fwd) + len(slot_types) + j for j in range(len(u_ops))])
        u_branches.append(adapter(table, f"{pe.unknown}_branch", pe.unknown, in_types, order, loc=loc))
    unknown = declare_control(table, f"{site.callee}_unknown", d_ins[:1] + in_types, _pick(d_outs, union), "cond",
                              u_branches, loc)
    return known, unknown, fwd, len(slot_types), union


def _cond_rule(inliner: Inliner, site: Site, args, mask: tuple) -> list:
    if mask[0]:
        raise PassFailure("the branch index of a cond depends on a linear (tangent) value", site.op.location)
    table = inliner.table
    known, unknown, fwd, num_slots, union = _memo(table, site, mask, lambda: _split_cond(table, site, mask))
    index, ops = args[0], args[1:]
    k_outs, slots = [], []
    if known is not None:
        outs = call(known, [index] + _pick(ops, mask[1:], False), signature(table[known])[1])
        k_outs, slots = outs[:len(outs) - num_slots], outs[len(outs) - num_slots:]
    u = call(unknown, [index] + [ops[p] for p in fwd] + slots + _pick(ops, mask[1:]), signature(table[unknown])[1])
    u, k_outs = iter(u), iter(k_outs)
    return [next(u) if m else next(k_outs) for m in union]


# ---------------------------------------------------------------- the rule

def _bounded_while_as_scans(table: FunctionTable, site: Site) -> list[Site]:
    """The scan equal to a while loop with max_steps (module doc).

    The operands keep their order: the while's (cond consts, body consts, carry) are the
    scan's (consts, carry), with no xs and no ys. Without checkpoints, or with K >= N (every
    step stored, as without), one scan of N guarded steps; with `checkpoints = K`, a scan of
    one step whose body is the binomial schedule `segment(N, K)` (checkpoint_schedule.py):
    at most K carries and one step's residuals stored at once, the fewest recomputations."""
    c = site.tag
    cond_fn, body_fn = c.bodies
    k1, k2 = c.params["num_cond_consts"], c.params["num_body_consts"]
    d_ins, d_outs = signature(site.decl)
    loc = site.decl.location
    index = ir.RankedTensorType.get([], ir.IntegerType.get_signless(32))
    b_ins = d_ins[k1:]
    keep = table.new_function(f"{site.callee}_done", list(b_ins), list(d_outs), loc)
    with ir.InsertionPoint(entry_block(keep)), loc:
        func.ReturnOp(list(entry_block(keep).arguments)[k2:])
    step = declare_control(table, f"{site.callee}_step", [index] + list(b_ins), list(d_outs), "cond",
                           (symbol_name(keep), body_fn), loc)
    fn = table.new_function(f"{site.callee}_scan_body", list(d_ins), list(d_outs), loc)
    args = list(entry_block(fn).arguments)
    with ir.InsertionPoint(entry_block(fn)), loc:
        (pred,) = call(cond_fn, args[:k1] + args[k1 + k2:], signature(table[cond_fn])[1])
        i = pb.convert_element_type(pred, new_dtype="int32")
        func.ReturnOp(call(step, [i] + args[k1:], list(d_outs)))
    segments, remats = {}, {}

    def wrap(base: str, target: str) -> str:
        """@base(operands) -> carry, calling @target(operands): a body for a scan."""
        f = table.new_function(base, list(d_ins), list(d_outs), loc)
        with ir.InsertionPoint(entry_block(f)), loc:
            func.ReturnOp(call(target, list(entry_block(f).arguments), list(d_outs)))
        return symbol_name(f)

    def remat(n: int, k: int) -> str:
        """A remat call of segment(n, k): reverse mode stores its input carry only. One
        step's needs no snapshot inside, so every k shares it."""
        key = (n, k) if n > 1 else 1
        if key not in remats:
            base = f"{site.callee}_remat_{n}_{k}" if n > 1 else f"{site.callee}_remat_step"
            remats[key] = declare_control(table, base, list(d_ins), list(d_outs), "remat", (segment(n, k),), loc)
        return remats[key]

    def remat_steps(j: int) -> str:
        """j remat'ed steps in a scan: the j snapshots stacked, one copy of the step in the IR."""
        if ("steps", j) not in remats:
            remats[("steps", j)] = declare_control(
                table, f"{site.callee}_remat_steps_{j}", list(d_ins), list(d_outs), "scan",
                (wrap(f"{site.callee}_remat_steps_body", remat(1, 1)),), loc, length=j, reverse=0,
                num_consts=k1 + k2, num_carry=len(d_outs), unroll=1)
        return remats[("steps", j)]

    def segment(n: int, k: int) -> str:
        """@(operands) -> carry after n guarded steps, reversed with k snapshots: the first
        `split` steps remat'ed, the rest with k - 1. With n <= k + 1 every split is one step
        (one rerun each, N - 1 in all), and the n - 1 remat'ed steps are one scan. Memoised:
        equal (n, k) share one function."""
        if n == 1:
            return symbol_name(fn)
        if (n, k) not in segments:
            if 3 <= n <= k + 1:
                first, rest = remat_steps(n - 1), symbol_name(fn)
            else:
                m = split(n, k)
                first, rest = remat(m, k), segment(n - m, k - 1)
            f = table.new_function(f"{site.callee}_steps_{n}_{k}", list(d_ins), list(d_outs), loc)
            a = list(entry_block(f).arguments)
            with ir.InsertionPoint(entry_block(f)), loc:
                carry = call(first, a, list(d_outs))
                func.ReturnOp(call(rest, a[:k1 + k2] + carry, list(d_outs)))
            segments[(n, k)] = symbol_name(f)
        return segments[(n, k)]

    n, k = c.params["max_steps"], c.params.get("checkpoints")
    body, length = (symbol_name(fn), n) if k is None or k >= n else (segment(n, k), 1)
    name = declare_control(table, f"{site.callee}_scan", list(d_ins), list(d_outs), "scan", (body,), loc,
                           length=length, reverse=0, num_consts=k1 + k2, num_carry=len(d_outs), unroll=1)
    return [Site(site.op, site.kind, name, table[name], read_control(table[name]))]


def _while_rule(inliner: Inliner, site: Site, args, mask: tuple) -> list:
    if site.tag.params.get("max_steps") is None:
        raise PassFailure(WHILE_REVERSE_MODE, site.op.location, error_type=ValueError)
    table = inliner.table
    memo = table.indexes.setdefault("control_partial_eval", {})
    if (site.callee, "scans") not in memo:
        memo[(site.callee, "scans")] = _bounded_while_as_scans(table, site)
    k = site.tag.params["num_cond_consts"] + site.tag.params["num_body_consts"]
    args = list(args)
    for scan in memo[(site.callee, "scans")]:
        mask = tuple(inliner.depends(a) for a in args)
        if any(mask) and not all(mask):
            carry = _scan_rule(inliner, scan, args, mask)
        else:
            carry = call(scan.callee, args, signature(scan.decl)[1])
        args = args[:k] + carry
    return args[k:]


# ---------------------------------------------------------------- remat

def _saved_dots(table: FunctionTable, known: str, first: int, policy: int) -> list:
    """The pb.dot_general ops of @known that the residuals (its results from `first` on) are
    computed from and that the remat policy saves: any (SAVE_DOTS), or those without batch
    dimensions (SAVE_DOTS_NO_BATCH). Saving a dot's result spares recomputing the matmul;
    the cheap ops between it and the residuals are recomputed."""
    if policy == SAVE_NOTHING:
        return []
    ops = body_ops(table[known])
    needed, stack = set(), [v for v in list(ops[-1].operands)[first:]]
    while stack:
        v = stack.pop()
        owner = v.owner
        if isinstance(owner, ir.Block) or owner in needed:
            continue
        needed.add(owner)
        stack.extend(owner.operands)
    return [op for op in ops[:-1] if op in needed and op.name == "pb.dot_general"
            and (policy != SAVE_DOTS_NO_BATCH or not len(ir.DenseI64ArrayAttr(op.attributes["lhs_batch"])))]


def _clone_body(table: FunctionTable, src: str, base: str, extra_in: list, results, loc,
                replaced: dict | None = None) -> str:
    """@base(src's inputs..., extra_in...) -> results(mapping, returned values): src's body
    copied, the ops in `replaced` (op -> index into extra_in) taking the extra arguments as
    their results instead of being copied."""
    s_ins, _ = signature(table[src])
    fn = table.new_function(base, list(s_ins) + list(extra_in), [], loc)
    args = list(entry_block(fn).arguments)
    mapping = dict(zip(entry_block(table[src]).arguments, args[:len(s_ins)]))
    ops = body_ops(table[src])
    with ir.InsertionPoint(entry_block(fn)), loc:
        for op in ops[:-1]:
            if replaced and op in replaced:
                mapping[op.results[0]] = args[len(s_ins) + replaced[op]]
            else:
                clone_into(op, mapping)
        outs = results(mapping, list(ops[-1].operands))
        func.ReturnOp(outs)
    set_results(fn, [v.type for v in outs])
    return symbol_name(fn)


def _split_remat(table: FunctionTable, site: Site, mask: tuple):
    body = site.tag.bodies[0]
    d_ins, d_outs = signature(site.decl)
    loc = site.decl.location
    pe = partial_eval_function(table, body, mask, (False,) * len(d_outs), f"{body}_pe", (True,) * len(mask))
    unknown_outs = pe.out_unknown
    known_outs = _pick(d_outs, unknown_outs, False)
    nk = len(known_outs)
    dots = _saved_dots(table, pe.known, nk, site.tag.params.get("policy", SAVE_NOTHING))
    saved_types = [d.results[0].type for d in dots]
    known = None
    if known_outs or dots:  # the known outputs and saved dots only: the residuals' other ops go (DCE)
        known = _clone_body(table, pe.known, f"{pe.known}_outs", [], loc=loc,
                            results=lambda m, rets: [m.get(v, v) for v in rets[:nk]] + [m[d.results[0]] for d in dots])
    recompute = _clone_body(table, pe.known, f"{pe.known}_residuals", saved_types, loc=loc,
                            results=lambda m, rets: [m.get(v, v) for v in rets[nk:]],
                            replaced={d: i for i, d in enumerate(dots)})
    fn = table.new_function(f"{body}_recompute", list(d_ins) + saved_types, _pick(d_outs, unknown_outs), loc)
    args = list(entry_block(fn).arguments)
    ops, kept = args[:len(d_ins)], args[len(d_ins):]
    with ir.InsertionPoint(entry_block(fn)), loc:
        residuals = call(recompute, _pick(ops, mask, False) + kept, pe.residual_types)
        func.ReturnOp(call(pe.unknown, [ops[p] for p in pe.forwarded] + residuals + _pick(ops, mask),
                           signature(table[pe.unknown])[1]))
    unknown = declare_control(table, f"{site.callee}_unknown", list(d_ins) + saved_types, _pick(d_outs, unknown_outs),
                              "remat", (symbol_name(fn),), loc)
    return known, unknown, unknown_outs, nk


def _remat_rule(inliner: Inliner, site: Site, args, mask: tuple) -> list:
    """The known outputs now; the unknown ones from a remat call that reads the known operands
    as its residuals and recomputes the rest (jax.checkpoint)."""
    table = inliner.table
    known, unknown, unknown_outs, nk = _memo(table, site, mask, lambda: _split_remat(table, site, mask))
    k_res = call(known, _pick(args, mask, False), signature(table[known])[1]) if known else []
    k_outs = iter(k_res[:nk])
    u_outs = iter(call(unknown, list(args) + k_res[nk:], signature(table[unknown])[1]))
    return [next(u_outs) if u else next(k_outs) for u in unknown_outs]


_RULES = {"while": _while_rule, "cond": _cond_rule, "scan": _scan_rule, "remat": _remat_rule}


# Replaces control_rules' placeholder (a NotImplementedError) for kind "control".
@Inliner.call_rule("control")
def partial_eval_control_call(inliner: Inliner, site: Site, args) -> list:
    """A control call split in a known and an unknown call when it reads both (module doc)."""
    mask = tuple(inliner.depends(a) for a in args)
    if not any(mask) or (all(mask) and site.tag.kind != "while"):
        return copy_op(site.op, args)
    return _RULES[site.tag.kind](inliner, site, args, mask)


__all__ = ["WHILE_REVERSE_MODE", "partial_eval_control_call"]
