"""pb-scan-sink-sums: per-step sums a scan carries become one contraction after the loop.

The transposed scan of a gradient accumulates each weight's cotangent as a carry,
`dW = dW + dot_general(h, g)` at every step: L small products, one after the other. When
a carry is only ever added to (its argument's one use is that add, the add's one use is
the return) and the increment is a `dot_general` or `reduce_sum` of per-step values, the
carry goes: the body returns the increment's operands as ys instead (an operand that is
already a row of an xs is read from that xs), and after the loop one `dot_general` that
also contracts the new leading (step) dimension, or one `reduce_sum` over it, gives the
whole sum, added to the carry's initial value (skipped when that is a zero constant).

    dW = scan(dW += dot(h_t, g_t))  ->  Hs, Gs = scan(ys: h_t, g_t); dW = dW0 + dot(Hs, Gs)

Floating point only (the sum's order changes), and only when the stacked operands stay
under `MAX_STACKED` elements. Loop-invariant operands (constants of the loop) are left
alone: stacking L copies of them would gain nothing. Scans whose bodies reach a host
callback are left as written.
"""
from __future__ import annotations

import math

from mlir import ir
from mlir.dialects import func

from pullback.dialects.ir import FunctionTable, body_ops, call, callee_of, entry_block, signature, symbol_name
from pullback.dialects.pb import pb
from pullback.dialects.types import FLOATS, spec_of_type

from .control_rules import declare_control
from .control_simplify import clone_slice, effect_free_control_calls, erase_unreferenced
from .registry import register_pass
from .simplify import is_zero

# Stacked operands of at most this many elements (256 MiB of float32) per scan.
MAX_STACKED = 1 << 26
_DOT_DIMS = ("lhs_contracting", "rhs_contracting", "lhs_batch", "rhs_batch")


def _stacked_type(length: int, t: ir.Type) -> ir.RankedTensorType:
    rt = ir.RankedTensorType(t)
    return ir.RankedTensorType.get([length] + list(rt.shape), rt.element_type, loc=ir.Location.unknown())


def _single_use(v: ir.Value):
    """The one operation using v, or None."""
    uses = list(v.uses)
    return uses[0].owner if len(uses) == 1 else None


def _dims(op, name: str) -> tuple:
    return tuple(ir.DenseI64ArrayAttr(op.attributes[name]))


class _Sum:
    """A carry summed at each step: `kind` ("dot_general" or "reduce_sum"), the per-step
    operands of its increment and the op computing it."""

    def __init__(self, carry: int, inc):
        self.carry, self.inc, self.kind = carry, inc, inc.name[3:]
        self.operands = list(inc.operands)


def _sums(fn, k: int, n: int) -> list[_Sum]:
    """The carries of a scan body that are only added to, by a dot or a reduction of
    per-step values."""
    args = list(entry_block(fn).arguments)
    consts = set(args[:k])
    rets = list(body_ops(fn)[-1].operands)
    found = []
    for i in range(n):
        arg, out = args[k + i], rets[i]
        add = _single_use(arg)
        if add is None or add.name != "pb.add" or out.owner != add or add.results[0] != out:
            continue
        if len(list(out.uses)) != 1 or rets.count(out) != 1 or spec_of_type(out.type).dtype not in FLOATS:
            continue
        t = add.operands[1] if add.operands[0] == arg else add.operands[0]
        inc = t.owner
        if isinstance(inc, ir.Block) or inc.name not in ("pb.dot_general", "pb.reduce_sum") or _single_use(t) != add:
            continue
        if any(v in consts or (not isinstance(v.owner, ir.Block) and v.owner.name == "pb.constant")
               for v in inc.operands):
            continue  # loop-invariant operand: nothing to gain
        found.append(_Sum(i, inc))
    return found


def _total(s: _Sum, stacked: list) -> ir.Value:
    """The sum over all steps, from the stacked operands (leading dimension: the step)."""
    if s.kind == "reduce_sum":
        axes = _dims(s.inc, "axes")
        return pb.reduce_sum(stacked[0], axes=(0,) + tuple(a + 1 for a in axes))
    lc, rc, lb, rb = (_dims(s.inc, name) for name in _DOT_DIMS)
    if not lb and lc == rc == tuple(range(len(lc))):
        # contracting the leading dimensions of both: one dimension of the steps times them, so
        # the product is a plain matmul (a transposed operand read in place by BLAS)
        return pb.dot_general(_merge_leading(stacked[0], len(lc) + 1), _merge_leading(stacked[1], len(lc) + 1),
                              lhs_contracting=(0,), rhs_contracting=(0,), lhs_batch=(), rhs_batch=())
    shift = [tuple(d + 1 for d in dims) for dims in (lc, rc, lb, rb)]
    return pb.dot_general(stacked[0], stacked[1], lhs_contracting=(0,) + shift[0], rhs_contracting=(0,) + shift[1],
                          lhs_batch=shift[2], rhs_batch=shift[3])


def _merge_leading(v: ir.Value, count: int) -> ir.Value:
    shape = list(ir.RankedTensorType(v.type).shape)
    return pb.reshape(v, new_sizes=(math.prod(shape[:count]),) + tuple(shape[count:]))


def _scan(table: FunctionTable, op, c, body, ins: list, out_types: list, num_carry: int) -> list:
    """A call of a new scan like `op`'s, over `body`; no scan at all when nothing is left."""
    decl = declare_control(table, f"{callee_of(op)}_sunk", [v.type for v in ins], out_types, "scan",
                           (symbol_name(body),), body.location, length=c.params["length"],
                           reverse=c.params["reverse"], num_consts=c.params["num_consts"], num_carry=num_carry,
                           unroll=c.params["unroll"])
    return call(decl, ins, out_types)


def _sink(table: FunctionTable, op, c) -> bool:
    """Rewrite one scan call; whether it changed."""
    k, n, length = c.params["num_consts"], c.params["num_carry"], c.params["length"]
    body = table[c.bodies[0]]
    sums = _sums(body, k, n)
    args = list(entry_block(body).arguments)
    x_args = args[k + n:]
    # what the rewrite stacks: per-step values not already rows of an xs, each once
    stacked_values = list(dict.fromkeys(v for s in sums for v in s.operands if v not in x_args))
    size = length * sum(math.prod(ir.RankedTensorType(v.type).shape) for v in stacked_values)
    if not sums or size > MAX_STACKED:
        return False
    sunk = {s.carry for s in sums}
    kept = [i for i in range(n) if i not in sunk]
    keep_in = list(range(k)) + [k + i for i in kept] + list(range(k + n, len(args)))
    ins, outs = signature(body)
    rets = list(body_ops(body)[-1].operands)
    targets = [rets[i] for i in kept] + rets[n:] + stacked_values
    new_outs = [outs[i] for i in kept] + outs[n:] + [v.type for v in stacked_values]
    loc = body.location
    new_body = table.new_function(f"{symbol_name(body)}_sunk", [ins[p] for p in keep_in], new_outs, loc)
    mapping = {args[p]: a for p, a in zip(keep_in, entry_block(new_body).arguments)}
    with ir.InsertionPoint(entry_block(new_body)), loc:
        func.ReturnOp(clone_slice(body, mapping, targets))

    operands = list(op.operands)
    call_ins = [operands[p] for p in keep_in]
    results = list(op.results)
    call_outs = [results[i].type for i in kept] + [r.type for r in results[n:]] + \
                [_stacked_type(length, v.type) for v in stacked_values]
    with ir.InsertionPoint(op), op.location:
        new = _scan(table, op, c, new_body, call_ins, call_outs, len(kept)) if call_outs else []
        kept_results, ys, extra = new[:len(kept)], new[len(kept):len(kept) + len(results) - n], \
            new[len(kept) + len(results) - n:]
        stacks = dict(zip(stacked_values, extra))
        stacks.update((x, operands[k + n + j]) for j, x in enumerate(x_args))
        replacement = dict(zip(kept, kept_results))
        for s in sums:
            total = _total(s, [stacks[v] for v in s.operands])
            init = operands[k + s.carry]
            replacement[s.carry] = total if is_zero(init) else pb.add(init, total)
    for i in range(n):
        results[i].replace_all_uses_with(replacement[i])
    for old, y in zip(results[n:], ys):
        old.replace_all_uses_with(y)
    op.erase()
    return True


@register_pass("pb-scan-sink-sums", "Turn scan carries that only accumulate per-step dots or reductions into "
                                    "ys and one contraction after the loop")
def scan_sink_sums(module_op) -> None:
    table = FunctionTable(module_op)
    replaced, changed = [], True
    while changed:  # again over the new bodies: a scan nested in a rewritten body
        changed = False
        for op, c in effect_free_control_calls(module_op, table):
            callee = callee_of(op)
            if c.kind == "scan" and _sink(table, op, c):
                replaced.append(callee)
                changed = True
    erase_unreferenced(module_op, table, replaced)
