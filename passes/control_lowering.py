"""Control flow calls (dialects/control.py) to scf: the first step of pb-to-linalg.

Each call of a `pb.control` declaration becomes an scf op whose regions hold copies of
the bodies, still in pb ops, which pb-to-linalg then lowers with every other pb op:

  while -> scf.while: the cond body in the `before` region, the loop body in `after`
           (with max_steps, an index counter joins the carry)
  cond  -> the branch itself (one branch), scf.if (two: index > 0 picks branch 1), or
           scf.index_switch on the clamped index (branch n-1 is the default case)
  remat -> a copy of its body (recomputation is reverse mode's business, done by then)
  scan  -> scf.for over (carry..., ys...): row i of each x is a tensor.extract_slice,
           row i of each y a tensor.insert_slice into the ys carried by the loop (so
           bufferization writes them in place; a y that is a body argument, such as an
           old carry, first, before the body overwrites that carry); reverse counts rows down from L - 1;
           `unroll` copies the body that many times per step, the L % unroll rows left
           over after the loop (all rows, without a loop, when that loop would have
           one step).

Buffers (the CPU pipeline bufferizes with one-shot bufferization): a loop starts from
copies of its initial carries (`bufferization.alloc_tensor copy`, once per loop entry) and
each step materializes the new carries in the loop arguments' buffers (a carry after those
made of its old value, a cycle of them through one copy), so loops reuse one buffer per
carry instead of allocating per step; branches write into buffers allocated
before them, so no buffer allocated in a region escapes it.

Functions are lowered bodies first, so a body is copied with its own control flow already
lowered; recursion through control flow is reported. Afterwards the declarations go, and
so do body functions nothing refers to any more.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, bufferization, scf, tensor

from pullback.dialects.control import Control, control_calls, read_control
from pullback.dialects.ir import (body_ops, entry_block, functions, is_declaration, is_private, referenced_symbols,
                                  symbol_name)

from .registry import PassFailure

_DYNAMIC = ir.ShapedType.get_dynamic_stride_or_offset()


def _index(n: int) -> ir.Value:
    return arith.constant(ir.IndexType.get(), n)


def _in_place(values: list, into: list) -> list:
    """`values`, each materialized in the buffer of the loop argument it replaces: one-shot
    bufferization needs a loop's yielded values equivalent to its arguments, and then the
    loop reuses one buffer per carry (written in place where the body allows, else copied
    into) instead of allocating a new one every iteration. The writes go in `_write_order`."""
    order, copied = _write_order(values, into)
    copies = {v: bufferization.alloc_tensor(v.type, [], copy=v) for v in copied}
    out = list(values)
    for i in order:
        out[i] = bufferization.materialize_in_destination(values[i].type, copies.get(values[i], values[i]), into[i])
    return out


def _write_order(values: list, into: list) -> tuple[list, list]:
    """(positions to write, in order; old carries to copy first) for `_in_place`.

    A new carry that is another carry's old value, `(a, b) -> (f(b), a)` (a swap, as reverse
    mode transposes `(a, b) -> (b, f(a))`), has to be copied before that old value is written
    over: one-shot bufferization cannot copy a loop argument out of the way of a write that
    must be in place ("cannot avoid RaW conflict"). So a carry is written after the carries
    made of its old value, in the given order otherwise; a cycle of them, `(a, b) -> (b, a)`,
    reads one old value from a copy made before any write."""
    pending = [i for i, (v, arg) in enumerate(zip(values, into)) if v != arg]
    order, copied = [], []

    def free(i):  # nothing left to write reads carry i's old value
        return into[i] in copied or not any(values[j] == into[i] for j in pending if j != i)

    while pending:
        i = next((i for i in pending if free(i)), None)
        if i is None:
            i = pending[0]
            copied.append(into[i])
        order.append(i)
        pending.remove(i)
    return order, copied


def _fresh(values: list) -> list:
    """Copies of a loop's initial carries into buffers of the loop's own: the loop writes its
    carries in place (`_in_place`), and without the copy an inner loop started from an outer
    loop's carry, which the outer body still reads, is a write one-shot bufferization cannot
    move out of the way ("cannot avoid RaW conflict"). One copy per loop entry."""
    return [bufferization.alloc_tensor(v.type, [], copy=v) for v in values]


def _scalar(v: ir.Value) -> ir.Value:
    """The element of a rank-0 tensor."""
    return tensor.extract(v, [])


def copy_body(fn, args) -> list:
    """Copy @fn's body at the current insertion point on `args`; the values it returns.

    Operations with regions (already lowered control flow) are copied whole, and the uses
    inside them of the body's values are remapped too: `Operation.clone` only keeps the
    values defined inside the copy apart."""
    mapping = dict(zip(entry_block(fn).arguments, args))

    def remap(op):
        for i, v in enumerate(op.operands):
            if v in mapping:
                op.operands[i] = mapping[v]
        return ir.WalkResult.ADVANCE

    for op in body_ops(fn):
        if op.name == "func.return":
            return [mapping.get(v, v) for v in op.operands]
        new = op.clone()
        new.walk(remap)
        for old, r in zip(op.results, new.results):
            mapping[old] = r
    raise PassFailure(f"@{symbol_name(fn)} has no return", fn.location)


# ---------------------------------------------------------------- while

def _lower_while(c: Control, call, table) -> list:
    cond, body = table[c.bodies[0]], table[c.bodies[1]]
    k1, k2 = c.params["num_cond_consts"], c.params["num_body_consts"]
    operands = list(call.operands)
    cond_consts, body_consts, carry = operands[:k1], operands[k1:k1 + k2], operands[k1 + k2:]
    limit = c.params.get("max_steps")
    counter = [_index(0)] if limit is not None else []
    inits = counter + _fresh(carry)
    types = [v.type for v in inits]
    loop = scf.WhileOp(types, inits)
    before = loop.before.blocks.append(*types)
    with ir.InsertionPoint(before):
        args = list(before.arguments)
        state = args[len(counter):]
        go = _scalar(copy_body(cond, cond_consts + state)[0])
        if limit is not None:
            below = arith.cmpi(arith.CmpIPredicate.slt, args[0], _index(limit))
            go = arith.andi(go, below)
        scf.ConditionOp(go, args)
    after = loop.after.blocks.append(*types)
    with ir.InsertionPoint(after):
        args = list(after.arguments)
        step = [arith.addi(args[0], _index(1))] if limit is not None else []
        state = args[len(counter):]
        scf.YieldOp(step + _in_place(copy_body(body, body_consts + state), state))
    return list(loop.results)[len(counter):]


# ---------------------------------------------------------------- cond

def _new_buffer(t) -> ir.Value:
    """A fresh tensor of type t to write results into: `bufferization.alloc_tensor`, not
    `tensor.empty`, which CSE would merge with other empties, and one-shot bufferization
    then lets a nested loop's ys overwrite an enclosing loop's ys through the shared buffer."""
    return bufferization.alloc_tensor(t, [])


def _lower_cond(c: Control, call, table) -> list:
    """Each branch writes its results into buffers allocated before the branch op: a buffer
    allocated inside a region and yielded out of it would escape, which the CPU pipeline's
    deallocation and promotion to stack then get wrong (a freed stack buffer)."""
    branches = [table[b] for b in c.bodies]
    index, operands = call.operands[0], list(call.operands)[1:]
    types = [r.type for r in call.results]
    if len(branches) == 1:
        return copy_body(branches[0], operands)
    i = _scalar(index)
    i32 = i.type
    dests = [_new_buffer(t) for t in types]

    def fill(block, branch):
        with ir.InsertionPoint(block):
            scf.YieldOp(_in_place(copy_body(branch, operands), dests))

    if len(branches) == 2:
        pick = scf.IfOp(arith.cmpi(arith.CmpIPredicate.sgt, i, arith.constant(i32, 0)), types, has_else=True)
        fill(pick.then_block, branches[1])
        fill(pick.else_block, branches[0])
        return list(pick.results)
    clamped = arith.minsi(arith.maxsi(i, arith.constant(i32, 0)), arith.constant(i32, len(branches) - 1))
    switch = scf.IndexSwitchOp(types, arith.index_cast(ir.IndexType.get(), clamped), list(range(len(branches) - 1)))
    fill(switch.default_block, branches[-1])
    for n, branch in enumerate(branches[:-1]):
        fill(switch.case_block(n), branch)
    return list(switch.results)


# ---------------------------------------------------------------- scan

def _row_type(t) -> ir.RankedTensorType:
    rt = ir.RankedTensorType(t)
    return ir.RankedTensorType.get(list(rt.shape)[1:], rt.element_type)


def _row_layout(t):
    """(static offsets, sizes, strides) of one leading-dimension row of a tensor of type t."""
    shape = list(ir.RankedTensorType(t).shape)
    return [_DYNAMIC] + [0] * (len(shape) - 1), [1] + shape[1:], [1] * len(shape)


def _extract_row(x: ir.Value, i: ir.Value) -> ir.Value:
    offsets, sizes, strides = _row_layout(x.type)
    return tensor.ExtractSliceOp(_row_type(x.type), x, [i], [], [], offsets, sizes, strides).result


def _insert_row(row: ir.Value, into: ir.Value, i: ir.Value) -> ir.Value:
    offsets, sizes, strides = _row_layout(into.type)
    return tensor.InsertSliceOp(row, into, [i], [], [], offsets, sizes, strides).result


def _argument_ys(body, n: int) -> dict:
    """{y index: body argument position} for the ys that are the body's own arguments (a
    carry's old value saved for reverse mode, say). Their rows are written before the body
    runs: written after it, they read an old carry the body's new carry has to wait for,
    and the carry is no longer updated in place."""
    args = list(entry_block(body).arguments)
    rets = list(body_ops(body)[-1].operands)[n:]
    return {y: args.index(v) for y, v in enumerate(rets) if v in args}


def _lower_scan(c: Control, call, table) -> list:
    body = table[c.bodies[0]]
    k, n, length = c.params["num_consts"], c.params["num_carry"], c.params["length"]
    reverse, unroll = bool(c.params["reverse"]), max(1, min(c.params["unroll"], max(length, 1)))
    operands = list(call.operands)
    consts, carry, xs = operands[:k], operands[k:k + n], operands[k + n:]
    ys = [_new_buffer(r.type) for r in list(call.results)[n:]]
    early = _argument_ys(body, n)

    def step(j, state: list) -> list:
        """Iteration j (an index value, or a Python int after the loop): reads and writes row j,
        or row length - 1 - j with reverse."""
        if isinstance(j, int):
            row = _index(length - 1 - j if reverse else j)
        else:
            row = arith.subi(_index(length - 1), j) if reverse else j
        inputs = consts + state[:n] + [_extract_row(x, row) for x in xs]
        ys = list(state[n:])
        for y, p in early.items():
            ys[y] = _insert_row(inputs[p], ys[y], row)
        outs = copy_body(body, inputs)
        return outs[:n] + [acc if y in early else _insert_row(v, acc, row)
                           for y, (v, acc) in enumerate(zip(outs[n:], ys))]

    state = (_fresh(carry) if length // unroll > 1 else carry) + ys
    # A loop of one step would be folded by canonicalize, leaving the copies into its
    # arguments writing into the (maybe read-only) initial values: no loop then.
    steps = length // unroll if length // unroll > 1 else 0
    if steps:
        loop = scf.ForOp(_index(0), _index(steps), _index(1), state)
        with ir.InsertionPoint(loop.body):
            s = list(loop.inner_iter_args)
            iv = loop.induction_variable
            base = arith.muli(iv, _index(unroll)) if unroll > 1 else iv
            for u in range(unroll):
                s = step(arith.addi(base, _index(u)) if u else base, s)
            # ys are already insert_slices into the loop's own ys
            scf.YieldOp(_in_place(s[:n], list(loop.inner_iter_args)[:n]) + s[n:])
        state = list(loop.results)
    for j in range(steps * unroll, length):
        state = step(j, state)
    return state


def _lower_remat(c: Control, call, table) -> list:
    """The body itself: recomputation was decided by reverse mode, before lowering."""
    return copy_body(table[c.bodies[0]], list(call.operands))


_LOWER = {"while": _lower_while, "cond": _lower_cond, "scan": _lower_scan, "remat": _lower_remat}


# ---------------------------------------------------------------- the module

def _bodies_first(table) -> list[str]:
    """Defined functions, each after the bodies its control calls copy."""
    order, state = [], {}

    def visit(name, via):
        if state.get(name) == "done":
            return
        if state.get(name) == "active":
            cycle = via[via.index(name):] + (name,)
            chain = " -> ".join("@" + n for n in cycle)
            raise PassFailure(f"control flow calls itself recursively ({chain}); it cannot be lowered to loops",
                              table[name].location)
        state[name] = "active"
        for _, c in control_calls(table[name], table):
            for b in c.functions():
                visit(b, via + (name,))
        state[name] = "done"
        order.append(name)

    for name, fn in table.items():
        if not is_declaration(fn):
            visit(name, ())
    return order


def _tag(name: str, fn) -> Control | None:
    try:
        return read_control(fn)
    except ValueError as e:
        raise PassFailure(f"malformed pb.control attribute on @{name}: {e}", fn.location) from None


def lower_control_flow(module_op) -> None:
    """Replace every control call by scf ops holding copies of its bodies; drop the declarations
    and the body functions nothing refers to afterwards."""
    table = functions(module_op)
    tags = {name: _tag(name, fn) for name, fn in table.items()}
    decls = {name: c for name, c in tags.items() if c is not None}
    if not decls:
        return
    for name in _bodies_first(table):
        for call, c in control_calls(table[name], table):
            with ir.InsertionPoint(call), call.location:
                results = _LOWER[c.kind](c, call, table)
            for old, new in zip(call.results, results):
                old.replace_all_uses_with(new)
            call.erase()
    bodies = {b for c in decls.values() for b in c.functions()}
    for name in decls:
        table.pop(name).erase()
    _erase_unused(table, bodies)


def _erase_unused(table: dict, candidates: set) -> None:
    """Erase the private functions among `candidates` that no function refers to (repeatedly:
    a body may be used only by another body)."""
    while True:
        used = set()
        for fn in table.values():
            used |= referenced_symbols(fn)
        dead = [n for n in candidates if n in table and n not in used and is_private(table[n])]
        if not dead:
            return
        for n in dead:
            table.pop(n).erase()


__all__ = ["copy_body", "lower_control_flow"]
