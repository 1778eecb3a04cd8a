"""pb-simplify's rules for control flow calls: dead carries and outputs, loop-invariant code.

Bodies of loops and branches are functions (dialects/control.py), so the local rules of
pb-simplify (DCE, CSE, zero folding) already run inside them; what they cannot see is
across the call. These rules rewrite a control call and its bodies together:

- Dead values. An output of a scan, while or cond that nobody reads is dropped from the
  call and its bodies, with every input only it needed: for a loop, a carry is live if
  its result is read, if the predicate (while) reads it, or if a live body output is
  computed from it (a fixed point, as XLA's while-loop simplifier); a constant or xs
  operand is kept only if a live body output reads it. The new bodies hold the backward
  slice of the live outputs only.
- Loop-invariant code. Ops of a scan or while body computed from the loop's constants
  only (pb ops with at least one operand, not constants themselves) run once, before the
  loop: a new function computes them from the constants, and the loop takes the values
  its body still reads as extra constants. The transposed scan of a gradient reads
  transposes and broadcasts of the weights this way at every step otherwise.

A call whose bodies reach a host callback is left as written: its iterations are effects.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import func

from pullback.dialects.callbacks import is_callback
from pullback.dialects.control import control_call, control_of
from pullback.dialects.ir import (FunctionTable, body_ops, call, callee_of, entry_block, is_private, signature,
                                  referenced_symbols, symbol_closure, symbol_name)

from .cloning import clone_into
from .control_rules import declare_control


def _input_deps(fn) -> list[frozenset]:
    """For each value @fn returns, the set of its argument positions it is computed from."""
    deps = {a: frozenset((i,)) for i, a in enumerate(entry_block(fn).arguments)}
    ops = body_ops(fn)
    for op in ops[:-1]:
        d = frozenset().union(*(deps.get(v, frozenset()) for v in op.operands))
        for r in op.results:
            deps[r] = d
    return [deps.get(v, frozenset()) for v in ops[-1].operands]


def _slice(table: FunctionTable, src: str, base: str, keep_in: list[int], keep_out: list[int], loc,
           extra_first: int = 0, extra: dict | None = None) -> str:
    """@base(src's inputs at keep_in) -> src's outputs at keep_out: the ops they need only.

    `extra` maps values of @src to positions of extra inputs, inserted before input
    `extra_first` of the new function (loop-invariant values passed in)."""
    fn = table[src]
    ins, outs = signature(fn)
    extra = extra or {}
    n_extra = len(set(extra.values()))
    head = [ins[i] for i in keep_in[:extra_first]]
    extra_types = [None] * n_extra
    for v, j in extra.items():
        extra_types[j] = v.type
    tail = [ins[i] for i in keep_in[extra_first:]]
    new = table.new_function(base, head + extra_types + tail, [outs[j] for j in keep_out], loc)
    args = list(entry_block(new).arguments)
    new_args = args[:extra_first] + args[extra_first + n_extra:]
    old_args = list(entry_block(fn).arguments)
    mapping = {old_args[i]: a for i, a in zip(keep_in, new_args)}
    mapping.update({v: args[extra_first + j] for v, j in extra.items()})
    rets = list(body_ops(fn)[-1].operands)
    with ir.InsertionPoint(entry_block(new)), loc:
        func.ReturnOp(clone_slice(fn, mapping, [rets[j] for j in keep_out]))
    return symbol_name(new)


def clone_slice(fn, mapping: dict, targets: list) -> list:
    """Clone at the insertion point the ops of @fn that `targets` are computed from, stopping at
    the values `mapping` already gives; the targets' copies."""
    needed, stack = set(), list(targets)
    while stack:
        v = stack.pop()
        if v in mapping or isinstance(v.owner, ir.Block) or v.owner in needed:
            continue
        needed.add(v.owner)
        stack.extend(v.owner.operands)
    for op in body_ops(fn)[:-1]:
        if op in needed:
            clone_into(op, mapping)
    return [mapping[v] for v in targets]


def _used(op) -> list[bool]:
    return [bool(len(list(r.uses))) for r in op.results]


def _fixed_point(live: set, deps: list, carry_in: int, n: int) -> set:
    """Grow the live outputs with the carries (outputs 0..n-1, inputs carry_in..) they read."""
    while True:
        needed = frozenset().union(*(deps[j] for j in live)) if live else frozenset()
        grown = live | {i for i in range(n) if carry_in + i in needed}
        if grown == live:
            return live
        live = grown


# ---------------------------------------------------------------- dead values

def _dead_scan(table, op, c, args) -> list | None:
    k, n = c.params["num_consts"], c.params["num_carry"]
    body = c.bodies[0]
    deps = _input_deps(table[body])
    used = _used(op)
    live = _fixed_point({j for j, u in enumerate(used) if u}, deps, k, n)
    needed = frozenset().union(*(deps[j] for j in live)) if live else frozenset()
    carry = [i for i in range(n) if i in live]
    ys = [j for j in range(n, len(used)) if j in live]
    keep_in = [i for i in range(k) if i in needed] + [k + i for i in carry] + \
              [p for p in range(k + n, len(args)) if p in needed]
    if len(keep_in) == len(args) and len(carry) + len(ys) == len(used):
        return None
    loc = table[c.bodies[0]].location
    new_body = _slice(table, body, f"{body}_live", keep_in, carry + ys, loc)
    ins, outs = [args[p].type for p in keep_in], [op.results[j].type for j in carry + ys]
    decl = declare_control(table, f"{callee_of(op)}_live", ins, outs, "scan",
                           (new_body,), loc, length=c.params["length"], reverse=c.params["reverse"],
                           num_consts=sum(1 for p in keep_in if p < k), num_carry=len(carry), unroll=c.params["unroll"])
    return decl, [args[p] for p in keep_in], carry + ys


def _dead_while(table, op, c, args) -> list | None:
    k1, k2 = c.params["num_cond_consts"], c.params["num_body_consts"]
    cond, body = c.bodies
    n = len(op.results)
    b_deps = _input_deps(table[body])
    c_deps = _input_deps(table[cond])[0]
    live = {j for j, u in enumerate(_used(op)) if u} | {i for i in range(n) if k1 + i in c_deps}
    live = _fixed_point(live, b_deps, k2, n)
    needed = frozenset().union(*(b_deps[j] for j in live)) if live else frozenset()
    carry = sorted(live)
    b_consts = [i for i in range(k2) if i in needed]
    c_consts = [i for i in range(k1) if i in c_deps]
    if len(carry) == n and len(b_consts) == k2 and len(c_consts) == k1:
        return None
    loc = table[body].location
    new_body = _slice(table, body, f"{body}_live", b_consts + [k2 + i for i in carry], carry, loc)
    new_cond = _slice(table, cond, f"{cond}_live", c_consts + [k1 + i for i in carry], [0], loc)
    operands = [args[i] for i in c_consts] + [args[k1 + i] for i in b_consts] + [args[k1 + k2 + i] for i in carry]
    decl = declare_control(table, f"{callee_of(op)}_live", [v.type for v in operands],
                           [op.results[i].type for i in carry], "while", (new_cond, new_body), loc,
                           num_cond_consts=len(c_consts), num_body_consts=len(b_consts),
                           max_steps=c.params.get("max_steps"), checkpoints=c.params.get("checkpoints"))
    return decl, operands, carry


def _dead_cond(table, op, c, args) -> list | None:
    used = [j for j, u in enumerate(_used(op)) if u]
    deps = [_input_deps(table[b]) for b in c.bodies]
    needed = frozenset().union(*(d[j] for d in deps for j in used)) if used else frozenset()
    keep = [i for i in range(len(args) - 1) if i in needed]
    if len(used) == len(op.results) and len(keep) == len(args) - 1:
        return None
    loc = table[c.bodies[0]].location
    branches = [_slice(table, b, f"{b}_live", keep, used, loc) for b in c.bodies]
    ins, outs = signature(table[branches[0]])
    decl = declare_control(table, f"{callee_of(op)}_live", [args[0].type] + ins, outs, "cond",
                           branches, loc)
    return decl, [args[0]] + [args[1 + i] for i in keep], used


_DEAD = {"scan": _dead_scan, "while": _dead_while, "cond": _dead_cond}


# ---------------------------------------------------------------- loop-invariant code

def _invariant(fn, consts: int) -> tuple[list, dict]:
    """(hoistable ops in order, hoisted value -> extra input position) of a body whose first
    `consts` arguments are the loop's constants: pb ops (not constants) computed from them
    and constants; the values passed are those the rest of the body reads."""
    args = list(entry_block(fn).arguments)
    inv = set(args[:consts])
    ops = body_ops(fn)
    hoisted = []
    for op in ops[:-1]:
        if not op.name.startswith("pb.") or not len(op.operands):
            if op.name == "pb.constant":
                inv.update(op.results)
            continue
        if all(v in inv for v in op.operands):
            inv.update(op.results)
            if op.name != "pb.constant":
                hoisted.append(op)
    hoisted_set = set(hoisted)
    passed = {}
    for op in ops:
        if op in hoisted_set:
            continue
        for v in op.operands:
            if not isinstance(v.owner, ir.Block) and v.owner in hoisted_set and v not in passed:
                passed[v] = len(passed)
    return hoisted, passed


def _hoist(table, op, c, args):
    """The loop with its body's invariant ops computed before it, or None if it has none."""
    kind = c.kind
    body = c.bodies[-1]
    k = c.params["num_consts"] if kind == "scan" else c.params["num_body_consts"]
    first = 0 if kind == "scan" else c.params["num_cond_consts"]  # where the body's consts start
    hoisted, passed = _invariant(table[body], k)
    if not passed:
        return None
    loc = table[body].location
    b_ins, _ = signature(table[body])
    consts = args[first:first + k]
    # @pre(consts) -> the invariant values the body reads
    pre = table.new_function(f"{body}_invariant", list(b_ins[:k]), [v.type for v in passed], loc)
    mapping = dict(zip(list(entry_block(table[body]).arguments)[:k], entry_block(pre).arguments))
    with ir.InsertionPoint(entry_block(pre)), loc:
        func.ReturnOp(clone_slice(table[body], mapping, list(passed)))
    n_in = len(b_ins)
    new_body = _slice(table, body, f"{body}_hoisted", list(range(n_in)), list(range(len(signature(table[body])[1]))),
                      loc, extra_first=k, extra=passed)
    with ir.InsertionPoint(op), op.location:
        values = call(symbol_name(pre), consts, [v.type for v in passed])
    operands = args[:first + k] + values + args[first + k:]
    params = dict(c.params)
    if kind == "scan":
        params["num_consts"] = k + len(passed)
        bodies = (new_body,)
    else:
        params["num_body_consts"] = k + len(passed)
        bodies = (c.bodies[0], new_body)
    decl = declare_control(table, f"{callee_of(op)}_hoisted", [v.type for v in operands],
                           [r.type for r in op.results], kind, bodies, loc, **params)
    return decl, operands, list(range(len(op.results)))


def _has_effects(module_op, table, c) -> bool:
    return any(is_callback(table[n]) for n in symbol_closure(module_op, c.functions(), table))


def effect_free_control_calls(module_op, table: FunctionTable):
    """(call, tag) for each control call of a defined function whose bodies reach no host
    callback, over the functions and ops present when it starts (rewrites may erase them)."""
    for name in list(table):
        fn = table.get(name)
        if fn is None or not len(fn.regions[0].blocks):
            continue
        for op in list(body_ops(fn)):
            c = control_call(op, table)
            if c is not None and not _has_effects(module_op, table, c):
                yield op, c


def simplify_control_calls(module_op) -> bool:
    """Apply the rules above to every control call once; whether anything changed."""
    table = FunctionTable(module_op)
    changed, replaced = False, []
    for op, c in effect_free_control_calls(module_op, table):
        if c.kind == "remat":
            continue
        args = list(op.operands)
        rewrite = _DEAD[c.kind](table, op, c, args)
        if rewrite is None and c.kind in ("scan", "while"):
            rewrite = _hoist(table, op, c, args)
        if rewrite is None:
            continue
        decl, operands, kept = rewrite
        with ir.InsertionPoint(op), op.location:
            new = call(decl, operands, [op.results[j].type for j in kept])
        for j, v in zip(kept, new):
            op.results[j].replace_all_uses_with(v)
        replaced.append(callee_of(op))
        op.erase()
        changed = True
    erase_unreferenced(module_op, table, replaced)
    return changed


def erase_unreferenced(module_op, table: FunctionTable, replaced: list[str]) -> None:
    """The declarations the rewrites replaced, and their bodies, once nothing refers to them."""
    if not replaced:
        return
    live = set(symbol_closure(module_op, [n for n, fn in table.items() if not is_private(fn)], table))
    dead = set()
    for name in replaced:
        c = control_of(table, name)
        if c is not None and name not in live:
            dead.add(name)
            dead.update(b for b in c.functions() if b not in live)
    # A body another kept function still calls stays (an unreachable caller is someone
    # else's to remove): erasing it would leave that call dangling until then.
    while True:
        kept = [fn for n, fn in table.items() if n not in dead]
        used = dead & set().union(*(referenced_symbols(fn) for fn in kept))
        if not used:
            break
        dead -= used
    for name in dead:
        if name in table:
            table.erase(table[name])


__all__ = ["clone_slice", "effect_free_control_calls", "erase_unreferenced", "simplify_control_calls"]
