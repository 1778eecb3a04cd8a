"""Autodiff API with JAX's signatures: jvp, grad, value_and_grad, vjp, jacfwd, jacrev,
hessian, linearize, linear_transpose.

Every derivative is computed by the MLIR passes: these functions only trace
the user's function and emit a transformation op naming it (`pb.jvp`,
`pb.vjp`, `pb.linear_transpose`), or, where JAX returns a function to call
later (vjp, linearize), run the pass functions on the traced module and keep
the generated primal and linear functions.
"""
from __future__ import annotations

import functools
from typing import Callable, Sequence

import numpy as np

from pullback.dialects.types import numpy_dtype

from . import dtypes
from .core import AbstractValue, Array, Tracer, innermost_trace
from .errors import user_error
from .staging import emit_transform, flatten_values, staged, trace_child, zeros_in
from .tree_util import tree_flatten, tree_unflatten


def _argnums_tuple(argnums) -> tuple:
    return (argnums,) if isinstance(argnums, int) else tuple(argnums)


def _check_inexact_inputs(vals, fname: str, allow_int: bool, holomorphic: bool):
    for v in vals:
        dt = v.aval.dtype
        if holomorphic and not dtypes.is_complex(dt):
            raise user_error(TypeError, f"{fname} with holomorphic=True requires inputs with complex dtype, "
                             f"but got {dt}.")
        if not dtypes.is_inexact(dt) and not allow_int:
            raise user_error(TypeError, f"{fname} requires real- or complex-valued inputs (input dtype that is "
                             f"a sub-dtype of np.inexact), but got {dt}. If you want to use Boolean- or "
                             "integer-valued inputs, use vjp or set allow_int to True.")


# ---------------------------------------------------------------- jvp

def jvp(fun: Callable, primals, tangents, has_aux: bool = False):
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise user_error(TypeError, "primal and tangent arguments to jax.jvp must be tuples or lists; "
                         f"found {type(primals).__name__} and {type(tangents).__name__}.")
    p_vals, p_tree = flatten_values(tuple(primals))
    t_vals, t_tree = flatten_values(tuple(tangents))
    if p_tree != t_tree:
        raise user_error(TypeError, "primal and tangent arguments to jax.jvp must have the same tree "
                         f"structure; primals have tree structure {p_tree} whereas tangents have tree "
                         f"structure {t_tree}.")
    for p, t in zip(p_vals, t_vals):
        if p.aval.shape != t.aval.shape:
            raise user_error(ValueError, "jvp called with different primal and tangent shapes; got primal "
                             f"shape {p.aval.shape} and tangent shape {t.aval.shape}")
        if dtypes.is_inexact(p.aval.dtype) and p.aval.dtype != t.aval.dtype:
            raise user_error(TypeError, "primal and tangent arguments to jax.jvp do not match; dtypes must be "
                             f"equal; got primal dtype {p.aval.dtype} and tangent dtype {t.aval.dtype}")
    n = len(p_vals)
    holder = {}

    def build(T, args):
        ps, ts = args[:n], args[n:]
        callee = trace_child(T, lambda *xs: fun(*tree_unflatten(p_tree, list(xs))), ps)
        holder["out_tree"] = callee.out_tree
        captured = [T.lift(c) for c in callee.captured]
        ts = [t if dtypes.is_inexact(p.aval.dtype) else zeros_in(T, p.aval) for p, t in zip(ps, ts)]
        operands = list(ps) + captured + list(ts) + [zeros_in(T, c.aval) for c in captured]
        m = len(callee.out_avals)
        weak = [a.weak for a in callee.out_avals] * 2
        return emit_transform(T, "jvp", callee, operands, weak=weak)[:2 * m]

    flat = staged(build, p_vals + t_vals, "jvp")
    m = len(flat) // 2
    outs = tree_unflatten(holder["out_tree"], flat[:m])
    touts = tree_unflatten(holder["out_tree"], flat[m:])
    if has_aux:
        (out, aux), (tout, _) = outs, touts
        return out, tout, aux
    return outs, touts


# ---------------------------------------------------------------- grad

def value_and_grad(fun: Callable, argnums=0, has_aux: bool = False, holomorphic: bool = False,
                   allow_int: bool = False, reduce_axes=()):
    argnums_t = _argnums_tuple(argnums)

    @functools.wraps(fun)
    def value_and_grad_f(*args, **kwargs):
        if max(argnums_t) >= len(args):
            raise user_error(TypeError, f"differentiating with respect to argnums={argnums} requires at least "
                             f"{max(argnums_t) + 1} positional arguments to be passed by the caller, but got "
                             f"only {len(args)} positional arguments.")
        diff = tuple(args[i] for i in argnums_t)
        d_vals, d_tree = flatten_values(diff)
        _check_inexact_inputs(d_vals, "grad", allow_int, holomorphic)
        holder = {}

        def call_with(xs):
            new_args = list(args)
            for i, a in zip(argnums_t, tree_unflatten(d_tree, list(xs))):
                new_args[i] = a
            out = fun(*new_args, **kwargs)
            if has_aux:
                if not (isinstance(out, (tuple, list)) and len(out) == 2):
                    raise user_error(TypeError, "has_aux=True requires the function to return a pair "
                                     "(output, auxiliary data)")
                return out
            return (out, None)

        def build(T, xs):
            callee = trace_child(T, lambda *ys: call_with(ys), xs)
            out_leaves_avals = callee.out_avals
            out_tree = callee.out_tree
            holder["out_tree"] = out_tree
            value_aval = out_leaves_avals[0]
            _check_scalar_output(value_aval, out_tree, holomorphic)
            captured = [T.lift(c) for c in callee.captured]
            ct = [_ones_ct(T, value_aval)] + [zeros_in(T, a) for a in out_leaves_avals[1:]]
            res = emit_transform(T, "vjp", callee, list(xs) + captured + ct,
                                 weak=[a.weak for a in out_leaves_avals] + [a.weak for a in callee.in_avals])
            m = len(out_leaves_avals)
            outs, cts = res[:m], res[m:m + len(xs)]
            return list(outs) + list(cts)

        flat = staged(build, d_vals, "grad")
        out_tree = holder["out_tree"]
        m = out_tree.num_leaves
        value, aux = tree_unflatten(out_tree, flat[:m])
        grads = tree_unflatten(d_tree, flat[m:])
        grads = grads[0] if isinstance(argnums, int) else grads
        return ((value, aux), grads) if has_aux else (value, grads)

    return value_and_grad_f


def _check_scalar_output(aval: AbstractValue, out_tree, holomorphic: bool):
    if aval.shape != ():
        raise user_error(TypeError, f"Gradient only defined for scalar-output functions. Output had shape: "
                         f"{aval.shape}.")
    if dtypes.is_complex(aval.dtype) and not holomorphic:
        raise user_error(TypeError, "grad requires real-valued outputs (output dtype that is a sub-dtype of "
                         f"np.floating), but got {aval.dtype}. For holomorphic differentiation, pass "
                         "holomorphic=True. For differentiating non-holomorphic functions involving complex "
                         "outputs, use jax.vjp directly.")
    if not dtypes.is_inexact(aval.dtype):
        raise user_error(TypeError, "grad requires real- or complex-valued outputs (output dtype that is a "
                         f"sub-dtype of np.inexact), but got {aval.dtype}.")


def _ones_ct(T, aval: AbstractValue):
    return T.constant(np.ones(aval.shape, numpy_dtype(aval.dtype)), AbstractValue(aval.shape, aval.dtype))


def grad(fun: Callable, argnums=0, has_aux: bool = False, holomorphic: bool = False, allow_int: bool = False,
         reduce_axes=()):
    vg = value_and_grad(fun, argnums, has_aux=has_aux, holomorphic=holomorphic, allow_int=allow_int)

    @functools.wraps(fun)
    def grad_f(*args, **kwargs):
        out, g = vg(*args, **kwargs)
        return (g, out[1]) if has_aux else g
    return grad_f


# ---------------------------------------------------------------- vjp / linearize

def vjp(fun: Callable, *primals, has_aux: bool = False):
    from .linear import split_vjp
    return split_vjp(fun, primals, has_aux)


def linearize(fun: Callable, *primals, has_aux: bool = False):
    from .linear import split_linearize
    return split_linearize(fun, primals, has_aux)


def linear_transpose(fun: Callable, *primals, reduce_axes=()):
    from .linear import make_linear_transpose
    return make_linear_transpose(fun, primals)


# ---------------------------------------------------------------- jacobians

def _std_basis(aval: AbstractValue):
    """Rows of the identity over the flattened input, in the input's dtype."""
    n = int(np.prod(aval.shape, dtype=np.int64))
    eye = np.eye(n, dtype=numpy_dtype(aval.dtype))
    return [Array(eye[i].reshape(aval.shape), aval.dtype) for i in range(n)]


def jacfwd(fun: Callable, argnums=0, has_aux: bool = False, holomorphic: bool = False):
    """Jacobian by forward mode: one JVP per input basis vector, stacked."""
    argnums_t = _argnums_tuple(argnums)

    def jacfun(*args):
        from . import numpy as jnp
        diff = tuple(args[i] for i in argnums_t)
        d_vals, d_tree = flatten_values(diff)
        _check_inexact_inputs(d_vals, "jacfwd", False, holomorphic)

        def f_flat(*xs):
            new = list(args)
            for i, a in zip(argnums_t, tree_unflatten(d_tree, list(xs))):
                new[i] = a
            return fun(*new)

        out0 = None
        columns = []  # per input leaf: list of tangent outputs (pytrees) for each basis vector
        for k, v in enumerate(d_vals):
            cols = []
            for e in _std_basis(v.aval):
                tangents = [e if j == k else jnp.zeros_like(d) for j, d in enumerate(d_vals)]
                res = jvp(f_flat, d_vals, tangents, has_aux=has_aux)
                out0 = res[0] if out0 is None else out0
                cols.append(res[1])
            columns.append(cols)
            aux = res[2] if has_aux else None
        out_leaves, out_tree = tree_flatten(out0)
        per_input = []
        for v, cols in zip(d_vals, columns):
            leaves_per_basis = [tree_flatten(c)[0] for c in cols]
            jac_leaves = []
            for j, o in enumerate(out_leaves):
                stacked = jnp.stack([lb[j] for lb in leaves_per_basis], axis=-1)
                jac_leaves.append(jnp.reshape(stacked, tuple(o.shape) + tuple(v.aval.shape)))
            per_input.append(tree_unflatten(out_tree, jac_leaves))
        jac = _assemble(per_input, d_tree, out_tree, isinstance(argnums, int))
        return (jac, aux) if has_aux else jac
    return jacfun


def jacrev(fun: Callable, argnums=0, has_aux: bool = False, holomorphic: bool = False, allow_int: bool = False):
    """Jacobian by reverse mode: one VJP per output basis vector, stacked."""
    argnums_t = _argnums_tuple(argnums)

    def jacfun(*args):
        from . import numpy as jnp
        diff = tuple(args[i] for i in argnums_t)
        d_vals, d_tree = flatten_values(diff)
        _check_inexact_inputs(d_vals, "jacrev", allow_int, holomorphic)

        def f_flat(*xs):
            new = list(args)
            for i, a in zip(argnums_t, tree_unflatten(d_tree, list(xs))):
                new[i] = a
            return fun(*new)

        res = vjp(f_flat, *d_vals, has_aux=has_aux)
        y, pullback = res[0], res[1]
        aux = res[2] if has_aux else None
        out_leaves, out_tree = tree_flatten(y)
        rows_per_out = []
        for j, o in enumerate(out_leaves):
            rows = []
            for e in _std_basis(o.aval if hasattr(o, "aval") else Array(o).aval):
                cts = [e if i == j else jnp.zeros_like(ol) for i, ol in enumerate(out_leaves)]
                rows.append(pullback(tree_unflatten(out_tree, cts)))
            rows_per_out.append(rows)
        per_input = []
        for k, v in enumerate(d_vals):
            jac_leaves = []
            for j, o in enumerate(out_leaves):
                stacked = jnp.stack([r[k] for r in rows_per_out[j]], axis=0)
                jac_leaves.append(jnp.reshape(stacked, tuple(o.shape) + tuple(v.aval.shape)))
            per_input.append(tree_unflatten(out_tree, jac_leaves))
        jac = _assemble(per_input, d_tree, out_tree, isinstance(argnums, int))
        return (jac, aux) if has_aux else jac
    return jacfun


def _assemble(per_input: list, d_tree, out_tree, single: bool):
    """JAX's layout: output structure outside, input structure inside."""
    in_struct = tree_unflatten(d_tree, list(range(d_tree.num_leaves)))
    out_leaves_per_input = [tree_flatten(p)[0] for p in per_input]
    n_out = out_tree.num_leaves
    result_leaves = []
    for j in range(n_out):
        inner = tree_unflatten(d_tree, [out_leaves_per_input[k][j] for k in range(len(per_input))])
        result_leaves.append(inner[0] if single else inner)
    del in_struct
    return tree_unflatten(out_tree, result_leaves)


def hessian(fun: Callable, argnums=0, has_aux: bool = False, holomorphic: bool = False):
    return jacfwd(jacrev(fun, argnums, has_aux=has_aux, holomorphic=holomorphic), argnums,
                  has_aux=has_aux, holomorphic=holomorphic)


_ = (Tracer, innermost_trace, Sequence)
