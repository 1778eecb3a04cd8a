"""jax.custom_derivatives.linear_call and jax.closure_convert.

`linear_call(fun, fun_transpose, residual_args, linear_args)` is `fun(residual_args,
linear_args)`, a function linear in `linear_args`, whose transpose is the user's
`fun_transpose(residual_args, cotangents)` instead of what pb-transpose would make of
fun's body. It is the building block of lax.custom_linear_solve (where fun is an
iterative solver that cannot be transposed, or should not be). In IR it is a
`custom_lin {callee, bwd}` declaration (dialects/custom.py): pb-transpose calls the
swapped pair, pb-jvp differentiates the callee where residuals carry tangents, pb-vmap
batches both, and what is left is a call of the callee.

`closure_convert(fun, *example_args)` returns `(converted, consts)`: the traced values fun
closes over become explicit trailing arguments, so a rule can differentiate with respect
to them (custom_linear_solve differentiates its matvec's parameters).
"""
from __future__ import annotations

from typing import Callable

from mlir import ir
from mlir.dialects import func

from pullback.dialects.custom import ATTR, custom_attr
from pullback.dialects.ir import call, entry_block, new_function

from .core import Mode, ad_depth, fun_name, innermost_trace, trace_function
from .errors import user_error
from .tree_util import tree_flatten, tree_unflatten
from .values import AbstractValue, to_array


def _types(avals) -> list:
    return [ir.Type.parse(a.spec.mlir()) for a in avals]


def _flat(fun: Callable, trees: list, store: dict) -> Callable:
    """fun on the unflattened argument trees, as a function of flat leaves to flat leaves."""
    sizes = [t.num_leaves for t in trees]

    def flat(*xs):
        parts, i = [], 0
        for tree, n in zip(trees, sizes):
            parts.append(tree_unflatten(tree, list(xs[i:i + n])))
            i += n
        leaves, store["tree"] = tree_flatten(fun(*parts))
        return leaves
    return flat


def _short(tree, avals) -> str:
    return str(tree_unflatten(tree, [a.str_short() for a in avals])).replace("'", "")


def linear_call(fun: Callable, fun_transpose: Callable, residual_args, linear_args):
    """fun(residual_args, linear_args), transposed by fun_transpose (module doc)."""
    res_leaves, res_tree = tree_flatten(residual_args)
    lin_leaves, lin_tree = tree_flatten(linear_args)
    vals = [to_array(x) for x in res_leaves + lin_leaves]
    T = innermost_trace(vals)
    if T is None:  # nothing traced: only a transformation would use the transpose
        return fun(residual_args, linear_args)
    ops = [T.lift(v) for v in vals]
    nr = len(res_leaves)
    depth = ad_depth(T)
    store, t_store = {}, {}
    F = trace_function(_flat(fun, [res_tree, lin_tree], store), [o.aval for o in ops], T, Mode(False, depth),
                       sources=ops, name=fun_name(fun))
    # kept a declaration even at depth 0: transposition (pb-linearize's, pb-transpose's) is not
    # counted in ad_depth, and it is what the user's transpose is for
    out_tree, out_avals = store["tree"], list(F.out_avals)
    ct_avals = [AbstractValue(a.shape, a.dtype) for a in out_avals]
    G = trace_function(_flat(fun_transpose, [res_tree, out_tree], t_store), [o.aval for o in ops[:nr]] + ct_avals,
                       T, Mode(False, depth), sources=ops[:nr] + [None] * len(ct_avals), name=fun_name(fun_transpose))
    lin_avals = [o.aval for o in ops[nr:]]
    if t_store["tree"] != lin_tree or any((a.shape, a.dtype) != (b.shape, b.dtype)
                                          for a, b in zip(G.out_avals, lin_avals)):
        raise user_error(TypeError, f"linear_call transpose function {fun_name(fun_transpose)} must return "
                         f"cotangents of the structure and types of linear_args, {_short(lin_tree, lin_avals)}, "
                         f"got {_short(t_store['tree'], list(G.out_avals))}")
    consts = list({id(c): c for c in list(F.captured) + list(G.captured)}.values())
    where = {id(c): i for i, c in enumerate(consts)}
    res_avals = [o.aval for o in ops[:nr]] + [c.aval for c in consts]
    program = T.program
    nk = len(consts)

    def define(base: str, target, ins, out_types, split: int):
        """@base(R..., consts..., X...) -> target(R..., X..., its own captured consts)."""
        name = program.fresh_symbol(base)
        with program.context, ir.Location.unknown():
            block = entry_block(new_function(program.module, name, _types(ins), out_types))
            a = list(block.arguments)
            cs = a[split:split + nk]
            with ir.InsertionPoint(block):
                func.ReturnOp(call(target.name, a[:split] + a[split + nk:] + [cs[where[id(c)]] for c in target.captured],
                                   out_types))
        return name

    with program.context:
        callee = define(f"{F.name}_linear", F, res_avals + lin_avals, _types(out_avals), nr)
        bwd = define(f"{G.name}_linear", G, res_avals + ct_avals, _types(lin_avals), nr)
        decl = program.declare(f"{F.name}_linear_call", _types(res_avals + lin_avals), _types(out_avals),
                               {ATTR: custom_attr("custom_lin", callee=callee, bwd=bwd)})
    operands = ops[:nr] + [T.lift(c) for c in consts] + ops[nr:]
    return tree_unflatten(out_tree, T.emit_call(decl, operands, out_avals))


def closure_convert(fun: Callable, *example_args):
    """(converted, consts): converted(*args, *consts) is fun(*args), with the traced values fun
    closes over passed explicitly (as jax.closure_convert)."""
    leaves, in_tree = tree_flatten(example_args)
    vals = [to_array(x) for x in leaves]
    T = innermost_trace(vals)
    if T is None:
        return fun, []
    store = {}
    F = trace_function(_flat(lambda args: fun(*args), [in_tree], store), [to_array(v).aval for v in vals], T,
                       Mode(False, ad_depth(T) + 1), name=fun_name(fun))
    consts = list(F.captured)
    out_tree, out_avals, n = store["tree"], list(F.out_avals), len(vals)

    def converted(*args):
        xs, tree = tree_flatten(args[:len(args) - len(consts)])
        if tree != in_tree:
            raise user_error(TypeError, f"closure_convert: {fun_name(fun)} was converted for arguments "
                             f"{in_tree}, got {tree}")
        flat = [to_array(x) for x in xs] + [to_array(c) for c in args[len(args) - len(consts):]]
        S = innermost_trace(flat)
        if S is None:  # concrete arguments: run the Python function on them
            return fun(*tree_unflatten(in_tree, flat[:n]))
        return tree_unflatten(out_tree, S.emit_call(F.name, [S.lift(x) for x in flat], out_avals))
    return converted, consts


__all__ = ["closure_convert", "linear_call"]
