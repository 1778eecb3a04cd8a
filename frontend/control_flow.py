"""Structured control flow with JAX's lax API: while_loop, fori_loop, scan, map, cond, switch.

Each loop or branch is a call of a `pb.control` declaration (dialects/control.py) whose
bodies are the user's functions traced into private functions of the enclosing program on
abstract arguments, so a Python `if` on a carry inside a body raises a
ConcretizationTypeError, as in JAX. Values a body closes over become leading operands of
the declaration (its constants). Inside a trace the call lands in it; with concrete
operands and no trace active it is staged into a program of its own, compiled and run
(`tracing.transform`), so eager calls work. pb-to-linalg lowers the calls to scf loops and
branches.

As in JAX: a weakly typed carry whose body returns another dtype is promoted once
(`fori_loop(0, n, lambda i, x: x + 0.5, 0)` carries a float32); otherwise a carry whose
type changes, branches with different output types and malformed predicates are
TypeErrors, and inconsistent scan lengths ValueErrors, all naming the user's line.
select_n and associative_scan (control_parallel.py) need no control flow.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Callable, NamedTuple

import numpy as np

from mlir import ir
from mlir.dialects import func

from pullback.dialects.control import ATTR, control_attr
from pullback.dialects.ir import call, new_function, entry_block

from . import dtypes, lax
from .batching import vmap
from .control_parallel import take
from .core import ABSTRACT, trace_function
from .errors import user_error
from .tracing import transform
from .tree_util import tree_flatten, tree_unflatten
from .values import AbstractValue, Tracer, to_array

# ---------------------------------------------------------------- tracing bodies and emitting calls
# The only code that traces or emits IR: the frontend's tracing API is being unified, and
# these four helpers are what a port touches.


class Body(NamedTuple):
    """A traced body: private function @name(explicit..., captured...) -> flat outputs."""
    name: str
    captured: list       # the values it closes over
    out_avals: list
    out_tree: Any        # what its flat function recorded


def trace_body(parent, fun: Callable, avals: Sequence[AbstractValue], name: str) -> Body:
    """Trace `fun(*tracers) -> (flat outputs, out_tree)` on abstract arguments into a
    private function of parent's program."""
    store = []

    def flat(*xs):
        leaves, tree = fun(*xs)
        store.append(tree)
        return leaves

    traced = trace_function(flat, list(avals), parent, ABSTRACT, name=name)
    return Body(traced.name, list(traced.captured), list(traced.out_avals), store[0])


def _types(avals) -> list:
    return [ir.Type.parse(a.spec.mlir()) for a in avals]


def adapt(parent, body: Body, explicit: Sequence[AbstractValue], consts: list, consts_first: bool) -> str:
    """A function taking (consts..., explicit...) (or explicit first) that calls @body with its
    own captured values picked out of `consts`; @body itself when it already fits."""
    position = {id(c): i for i, c in enumerate(consts)}
    picks = [position[id(c)] for c in body.captured]
    if picks == list(range(len(consts))) and (not consts or not consts_first):
        return body.name
    n, k = len(explicit), len(consts)
    const_avals = [c.aval for c in consts]
    ins = const_avals + list(explicit) if consts_first else list(explicit) + const_avals
    program = parent.program
    name = program.fresh_symbol(body.name + "_args")
    with program.context, ir.Location.unknown():
        fn = new_function(program.module, name, _types(ins), _types(body.out_avals))
        args = list(entry_block(fn).arguments)
        given, cs = (args[k:], args[:k]) if consts_first else (args[:n], args[n:])
        with ir.InsertionPoint(entry_block(fn)):
            func.ReturnOp(call(body.name, given + [cs[i] for i in picks], _types(body.out_avals)))
    return name


def emit_control(parent, kind: str, bodies: Sequence[str], params: dict, operands: list, out_avals: list) -> list:
    """Declare a `pb.control` function of these operand and result types and call it."""
    program = parent.program
    ops = [parent.lift(o) for o in operands]
    with program.context:
        name = program.declare(kind, _types([o.aval for o in ops]), _types(out_avals),
                               {ATTR: control_attr(kind, bodies, **params)})
    return parent.emit_call(name, ops, out_avals)


# ---------------------------------------------------------------- checks shared by the loops

def _short(a: AbstractValue) -> str:
    return a.str_short()


def _tree_text(tree, avals) -> str:
    return str(tree_unflatten(tree, [_short(a) for a in avals])).replace("'", "")


def _check_carry(what: str, in_tree, in_avals, out_tree, out_avals) -> None:
    """The carry a body returns has the structure and types of the one it takes (TypeError)."""
    if out_tree != in_tree:
        raise user_error(TypeError, f"{what} function carry input and carry output must have the same pytree "
                         f"structure, but they differ:\n\nthe input carry is {_tree_text(in_tree, in_avals)} but "
                         f"the output carry is {_tree_text(out_tree, out_avals)}.\n\nRevise the function so that "
                         "the carry output has the same pytree structure as the carry input.")
    for i, (a, b) in enumerate(zip(in_avals, out_avals)):
        if (a.shape, a.dtype) != (b.shape, b.dtype):
            which = "dtypes" if a.shape == b.shape else "shapes"
            raise user_error(TypeError, f"{what} function carry input and carry output must have equal types, "
                             f"but they differ:\n\nThe input carry component #{i} has type {_short(a)} but the "
                             f"corresponding output carry component has type {_short(b)}, so the {which} do not "
                             "match.\n\nRevise the function so that all output types match the corresponding "
                             "input types.")


def _promoted(carry: list, out_avals: list) -> list | None:
    """JAX's promotion of weakly typed carries: a weak input whose body output has another dtype
    (same shape) is converted to the promoted dtype; None when nothing changes."""
    changed, out = False, []
    for x, b in zip(carry, out_avals):
        a = x.aval
        if a.weak and a.shape == b.shape and a.dtype != b.dtype:
            x = lax.convert_element_type(x, dtypes.result_type((a.dtype, a.weak), (b.dtype, b.weak))[0])
            changed = True
        out.append(x)
    return out if changed else None


def _joined(in_avals, out_avals) -> list:
    """The loop's result avals: weak where the carry was weak on both sides."""
    return [AbstractValue(a.shape, a.dtype, a.weak and b.weak) for a, b in zip(in_avals, out_avals)]


def _flat_values(tree) -> tuple[list, Any]:
    leaves, treedef = tree_flatten(tree)
    return [to_array(x) for x in leaves], treedef


# ---------------------------------------------------------------- while_loop

def _count_arg(name: str, value, least: int):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
        raise user_error(ValueError, f"while_loop {name} must be a Python int >= {least}, got {value!r}")
    return int(value)


def while_loop(cond_fun: Callable, body_fun: Callable, init_val, *, max_steps: int | None = None,
               checkpoints: int | None = None):
    """Repeat `val = body_fun(val)` while `cond_fun(val)` (lax.while_loop).

    `max_steps` (pullback's extension) also stops the loop after that many iterations.
    The bound makes reverse mode (grad, vjp) work: the loop is then differentiated as
    the scan of `max_steps` steps it equals, storing every step's residuals. Without
    it, reverse mode raises JAX's ValueError. `checkpoints=K` makes reverse mode follow
    the binomial (revolve) schedule: at most K carries (the initial one among them) and one
    step's residuals stored at once, the fewest recomputed steps for that memory; K >=
    max_steps stores every step, as without (passes/checkpoint_schedule.py)."""
    max_steps = _count_arg("max_steps", max_steps, 0)
    checkpoints = _count_arg("checkpoints", checkpoints, 1)
    if checkpoints is not None and max_steps is None:
        raise user_error(ValueError, "while_loop checkpoints needs max_steps: an unbounded loop has no reverse mode")
    vals, tree = _flat_values(init_val)
    n = len(vals)

    def carry_fun(fun):
        return lambda *xs: tree_flatten(fun(tree_unflatten(tree, list(xs))))

    def build(T, carry):
        body = trace_body(T, carry_fun(body_fun), [x.aval for x in carry], "while_body")
        promoted = _promoted(carry, body.out_avals[:n]) if body.out_tree == tree else None
        if promoted is not None:
            carry = promoted
            body = trace_body(T, carry_fun(body_fun), [x.aval for x in carry], "while_body")
        avals = [x.aval for x in carry]
        _check_carry("while_loop body", tree, avals, body.out_tree, body.out_avals)
        cond = trace_body(T, carry_fun(cond_fun), avals, "while_cond")
        if len(cond.out_avals) != 1 or cond.out_avals[0].spec.mlir() != "tensor<i1>":
            got = ", ".join(_short(a) for a in cond.out_avals)
            raise user_error(TypeError, f"cond_fun must return a boolean scalar, but got output type(s) [{got}].")
        params = {"num_cond_consts": len(cond.captured), "num_body_consts": len(body.captured),
                  "max_steps": max_steps, "checkpoints": checkpoints}
        bodies = [adapt(T, cond, avals, cond.captured, True), adapt(T, body, avals, body.captured, True)]
        return emit_control(T, "while", bodies, params, cond.captured + body.captured + list(carry),
                            _joined(avals, body.out_avals))

    return tree_unflatten(tree, transform(build, vals, "while_loop"))


def fori_loop(lower, upper, body_fun: Callable, init_val, *, unroll=None):
    """`val = body_fun(i, val)` for i in [lower, upper) (lax.fori_loop): a scan when both bounds
    are concrete, else a while loop."""
    lo, hi = to_array(lower), to_array(upper)
    dtype = dtypes.result_type((lo.aval.dtype, False), (hi.aval.dtype, False))[0]
    if not dtypes.is_integer(dtype):
        raise user_error(TypeError, f"lower and upper arguments to fori_loop must be integers, got {dtype}")
    lo, hi = lax.convert_element_type(lo, dtype), lax.convert_element_type(hi, dtype)
    if not isinstance(lo, Tracer) and not isinstance(hi, Tracer):
        def step(carry, _):
            i, x = carry
            return (lax.add(i, 1), body_fun(i, x)), None
        (_, result), _ = scan(step, (lo, init_val), None, length=max(int(hi) - int(lo), 0),
                              unroll=1 if unroll is None else unroll)
        return result
    if unroll is not None and unroll is not False and unroll != 1:
        raise user_error(ValueError, "Can only use `unroll` in `fori_loop` if the loop bounds are statically known.")
    _, _, result = while_loop(lambda c: lax.lt(c[0], c[1]),
                              lambda c: (lax.add(c[0], 1), c[1], body_fun(c[0], c[2])), (lo, hi, init_val))
    return result


# ---------------------------------------------------------------- scan and map

def _scan_length(xs: list, length) -> int:
    for x in xs:
        if not x.aval.shape:
            raise user_error(ValueError, f"scan got value with no leading axis to scan over: {_short(x.aval)}.")
    sizes = [x.aval.shape[0] for x in xs]
    if length is not None:
        try:
            length = int(length)
        except TypeError:
            raise user_error(TypeError, "scan's `length` must be a concrete integer") from None
        if any(s != length for s in sizes):
            raise user_error(ValueError, f"scan got `length` argument of {length} which disagrees with leading "
                             f"axis sizes {sizes}.")
        return length
    if not sizes:
        raise user_error(ValueError, "scan got no values to scan over and `length` not provided.")
    if len(set(sizes)) > 1:
        raise user_error(ValueError, f"scan got values with different leading axis sizes: "
                         f"{', '.join(str(s) for s in sizes)}.")
    return sizes[0]


def _unroll_count(unroll, length: int) -> int:
    if isinstance(unroll, bool):
        return max(length, 1) if unroll else 1
    if not isinstance(unroll, int) or unroll < 1:
        raise user_error(ValueError, "`unroll` must be a `bool` or a positive `int`.")
    return unroll


def scan(f: Callable, init, xs=None, length=None, reverse: bool = False, unroll=1, _split_transpose: bool = False):
    """`carry, y = f(carry, x)` over the leading axis of xs, ys stacked (lax.scan)."""
    carry_vals, carry_tree = _flat_values(init)
    xs_vals, xs_tree = _flat_values(xs)
    length = _scan_length(xs_vals, length)
    steps = _unroll_count(unroll, length)
    n = len(carry_vals)
    ys_tree = []

    def body_fun(*args):
        out = f(tree_unflatten(carry_tree, list(args[:n])), tree_unflatten(xs_tree, list(args[n:])))
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            leaves, t = tree_flatten(out)
            got = _tree_text(t, [to_array(x).aval for x in leaves])
            raise user_error(TypeError, f"scan body output must be a pair, got {got}.")
        new_carry, y = out
        c_leaves, c_tree = tree_flatten(new_carry)
        y_leaves, y_tree = tree_flatten(y)
        return c_leaves + y_leaves, (c_tree, y_tree)

    def build(T, ops):
        carry, xs_ops = list(ops[:n]), list(ops[n:])
        rows = [AbstractValue(x.aval.shape[1:], x.aval.dtype, x.aval.weak) for x in xs_ops]
        body = trace_body(T, body_fun, [x.aval for x in carry] + rows, "scan_body")
        promoted = _promoted(carry, body.out_avals[:n]) if body.out_tree[0] == carry_tree else None
        if promoted is not None:
            carry = promoted
            body = trace_body(T, body_fun, [x.aval for x in carry] + rows, "scan_body")
        avals = [x.aval for x in carry]
        _check_carry("scan body", carry_tree, avals, body.out_tree[0], body.out_avals[:n])
        ys_tree.append(body.out_tree[1])
        ys = [AbstractValue((length,) + a.shape, a.dtype, a.weak) for a in body.out_avals[n:]]
        params = {"length": length, "reverse": int(bool(reverse)), "num_consts": len(body.captured),
                  "num_carry": n, "unroll": steps}
        fn = adapt(T, body, avals + rows, body.captured, True)
        return emit_control(T, "scan", [fn], params, body.captured + carry + xs_ops,
                            _joined(avals, body.out_avals[:n]) + ys)

    flat = transform(build, carry_vals + xs_vals, "scan")
    return tree_unflatten(carry_tree, flat[:n]), tree_unflatten(ys_tree[-1], flat[n:])


def map(f: Callable, xs, *, batch_size: int | None = None):  # noqa: A001 - JAX's name
    """`f` applied to each slice of xs along the leading axis, results stacked (lax.map).
    With batch_size, f is vmapped over batches of that many slices; the remainder, if any,
    is one more vmapped call."""
    if batch_size is None:
        return scan(lambda _, x: ((), f(x)), (), xs)[1]
    leaves, tree = _flat_values(xs)
    size = _scan_length(leaves, None)
    full, rest = divmod(size, int(batch_size))
    ys = []
    if full:
        batched = [lax.reshape(take(x, 0, full * batch_size, 1, 0), (full, batch_size) + x.aval.shape[1:])
                   for x in leaves]
        ys_b = scan(lambda _, x: ((), vmap(f)(x)), (), tree_unflatten(tree, batched))[1]
        y_leaves, y_tree = tree_flatten(ys_b)
        ys.append([lax.reshape(y, (full * batch_size,) + y.aval.shape[2:]) for y in y_leaves])
    if rest:
        tail = [take(x, full * batch_size, size, 1, 0) for x in leaves]
        y_leaves, y_tree = tree_flatten(vmap(f)(tree_unflatten(tree, tail)))
        ys.append(list(y_leaves))
    if len(ys) == 1:
        return tree_unflatten(y_tree, ys[0])
    return tree_unflatten(y_tree, [lax.concatenate([a, b], 0) for a, b in zip(*ys)])


# ---------------------------------------------------------------- cond and switch

_NOT_GIVEN = object()


def _branch_names(branches: Sequence[Callable], what: str) -> list[str]:
    if what == "cond":
        return ["false_fun", "true_fun"]
    return [f"branch {i}" for i in range(len(branches))]


def _switch(index, branches: Sequence[Callable], operands: tuple, what: str):
    """Call branches[clamp(index)](*operands), every branch traced (index: an int32 scalar)."""
    vals, in_tree = _flat_values(operands)
    names = _branch_names(branches, what)
    holder = []

    def branch_fun(branch):
        return lambda *xs: tree_flatten(branch(*tree_unflatten(in_tree, list(xs))))

    def build(T, ops):
        idx, args = ops[0], list(ops[1:])
        avals = [a.aval for a in args]
        traced = [trace_body(T, branch_fun(b), avals, f"{what}_branch{i}") for i, b in enumerate(branches)]
        first = traced[0]
        for name, t in zip(names[1:], traced[1:]):
            if t.out_tree != first.out_tree:
                raise user_error(TypeError, f"{what} branch outputs must have the same pytree structure, but they "
                                 f"differ:\n\n{names[0]} output is {_tree_text(first.out_tree, first.out_avals)} "
                                 f"but {name} output is {_tree_text(t.out_tree, t.out_avals)}.")
            for a, b in zip(first.out_avals, t.out_avals):
                if (a.shape, a.dtype) != (b.shape, b.dtype):
                    which = "dtypes" if a.shape == b.shape else "shapes"
                    raise user_error(TypeError, f"{what} branches must have equal output types but they differ."
                                     f"\n\nThe output of {names[0]} has type {_short(a)} but the corresponding "
                                     f"output of {name} has type {_short(b)}, so the {which} do not match.")
        consts = list({id(c): c for t in traced for c in t.captured}.values())
        bodies = [adapt(T, t, avals, consts, False) for t in traced]
        outs = [AbstractValue(a.shape, a.dtype, all(t.out_avals[i].weak for t in traced))
                for i, a in enumerate(first.out_avals)]
        holder.append(first.out_tree)
        return emit_control(T, "cond", bodies, {}, [idx] + args + consts, outs)

    flat = transform(build, [index] + vals, what)
    return tree_unflatten(holder[-1], flat)


def _operands(operands: tuple, operand) -> tuple:
    if operand is _NOT_GIVEN:
        return operands
    if operands:
        raise user_error(TypeError, "if 'operand' keyword is passed then no positional operands can be passed.")
    return (operand,)


def _scalar_operand(x, what: str):
    try:
        v = to_array(x)
    except TypeError as e:
        raise user_error(TypeError, f"{what} must be an array, got {type(x).__name__} ({e})") from None
    if v.aval.shape:
        raise user_error(TypeError, f"{what} must be scalar, got {x} of shape {v.aval.shape}.")
    return v


def cond(pred, true_fun, false_fun, *operands, operand=_NOT_GIVEN):
    """true_fun(*operands) if pred else false_fun(*operands) (lax.cond); both are traced.
    Also JAX's old form cond(pred, true_operand, true_fun, false_operand, false_fun)."""
    operands = _operands(operands, operand)
    if not callable(true_fun) and callable(false_fun) and len(operands) == 2 and callable(operands[1]):
        true_operand, true_f, false_operand, false_f = true_fun, false_fun, operands[0], operands[1]
        return cond(pred, lambda ops: true_f(ops[0]), lambda ops: false_f(ops[1]), (true_operand, false_operand))
    if not (callable(true_fun) and callable(false_fun)):
        raise user_error(TypeError, "lax.cond: true_fun and false_fun arguments should be callable.")
    p = _scalar_operand(pred, "Pred")
    if dtypes.is_complex(p.aval.dtype):
        raise user_error(TypeError, f"Pred type must be either boolean or number, got {p.aval.dtype}.")
    if p.aval.dtype != "bool":
        p = lax.ne(p, 0)
    return _switch(lax.convert_element_type(p, "int32"), [false_fun, true_fun], operands, "cond")


def switch(index, branches: Sequence[Callable], *operands, operand=_NOT_GIVEN):
    """branches[clamp(index, 0, len(branches) - 1)](*operands) (lax.switch); all are traced."""
    operands = _operands(operands, operand)
    if not isinstance(branches, Sequence) or not all(callable(b) for b in branches):
        raise user_error(TypeError, f"Branches must be a sequence of callables, got {branches}.")
    if len(branches) == 0:
        raise user_error(ValueError, "Empty branch sequence")
    if len(branches) == 1:
        return branches[0](*operands)
    i = _scalar_operand(index, "Branch index")
    if not dtypes.is_integer(i.aval.dtype):
        raise user_error(TypeError, f"Index type must be an integer, got {index} as {i.aval.dtype}")
    return _switch(lax.convert_element_type(i, "int32"), list(branches), operands, "switch")


__all__ = ["cond", "fori_loop", "map", "scan", "switch", "while_loop"]
