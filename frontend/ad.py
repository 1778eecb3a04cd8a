"""Autodiff API with JAX's signatures: jvp, grad, value_and_grad, vjp, jacfwd, jacrev,
hessian, linearize, linear_transpose.

Every derivative is computed by the MLIR passes: these functions only trace
the user's function and emit a transformation request naming it (a declaration
tagged `pb.transform` of kind jvp, vjp or linear_transpose, dialects/transforms.py),
or, where JAX returns a function to call later (vjp, linearize, linear.py),
declare a split linearize request, have the runtime serve it, and keep handles to
the generated primal and linear functions. jacfwd and jacrev are vmap of jvp
and of the vjp pullback over a standard basis.
"""
from __future__ import annotations

import functools
from typing import Callable

import numpy as np

from pullback.dialects.types import numpy_dtype

from . import dtypes
from . import float0
from . import lax
from .batching import vmap
from .core import differentiated, trace_function
from .errors import user_error
from .linear import make_linear_transpose, split_linearize, split_vjp
from .tracing import call_request, flatten_values, transform
from .tree_util import tree_flatten, tree_map, tree_unflatten, treedef_is_leaf
from .values import AbstractValue, Array, to_array


def _argnums_tuple(argnums) -> tuple:
    return (argnums,) if isinstance(argnums, int) else tuple(argnums)


def _no_reduce_axes(reduce_axes, fname: str) -> None:
    """reduce_axes named pmap/xmap axes to sum over; JAX deprecated it and raises this too."""
    if reduce_axes:
        raise NotImplementedError(f"reduce_axes argument to {fname} is deprecated")


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


def _check_jacobian_dtypes(avals, fname: str, side: str, holomorphic: bool):
    """jacfwd's inputs and jacrev's outputs must be real unless holomorphic=True, and complex
    when it is (a complex Jacobian of a non-holomorphic function is not what the user meant)."""
    for aval in avals:
        dt = aval.dtype
        if holomorphic and not dtypes.is_complex(dt):
            raise user_error(TypeError, f"{fname} with holomorphic=True requires {side}s with complex dtype, "
                             f"but got {dt}.")
        if not holomorphic and dtypes.is_complex(dt):
            raise user_error(TypeError, f"{fname} requires real-valued {side}s ({side} dtype that is a sub-dtype "
                             f"of np.floating), but got {dt}. For holomorphic differentiation, pass "
                             f"holomorphic=True. For differentiating non-holomorphic functions involving complex "
                             f"{side}s, use jax.vjp directly.")


# ---------------------------------------------------------------- jvp

def jvp(fun: Callable, primals, tangents, has_aux: bool = False):
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise user_error(TypeError, "primal and tangent arguments to jax.jvp must be tuples or lists; "
                         f"found {type(primals).__name__} and {type(tangents).__name__}.")
    p_vals, p_tree = flatten_values(tuple(primals))
    t_leaves, t_tree = tree_flatten(tuple(tangents))
    if p_tree != t_tree:
        raise user_error(TypeError, "primal and tangent arguments to jax.jvp must have the same tree "
                         f"structure; primals have tree structure {p_tree} whereas tangents have tree "
                         f"structure {t_tree}.")
    t_vals = [_jvp_tangent(p, t) for p, t in zip(p_vals, t_leaves)]
    n = len(p_vals)
    holder = {}

    def build(T, args):
        ps, ts = args[:n], args[n:]
        callee = trace_function(lambda *xs: fun(*tree_unflatten(p_tree, list(xs))), [p.aval for p in ps], T,
                                differentiated(T), sources=ps)
        holder["out_tree"] = callee.out_tree
        captured = [T.lift(c) for c in callee.captured]
        ts = [t if dtypes.is_inexact(p.aval.dtype) else T.zeros(p.aval) for p, t in zip(ps, ts)]
        # captured values carry no tangent: symbolic zeros in the pass
        m = len(callee.out_avals)
        weak = [a.weak for a in callee.out_avals] * 2
        return call_request(T, "jvp", callee, list(ps) + captured + list(ts), {"wrt": range(n)},
                            weak=weak)[:2 * m]

    flat = transform(build, p_vals + t_vals, "jvp")
    m = len(flat) // 2
    outs = tree_unflatten(holder["out_tree"], flat[:m])
    # integer and boolean outputs have float0 tangents, traced (jit, vmap) or not, as in JAX
    touts = tree_unflatten(holder["out_tree"], [float0.tangent_of(t, t.aval) for t in flat[m:]])
    if has_aux:
        (out, aux), (tout, _) = outs, touts
        return out, tout, aux
    return outs, touts


def _jvp_tangent(p, t):
    """The tangent leaf `t` of primal `p` as a value: a float0 tangent (that of an integer or
    boolean primal, JAX's convention) is a zero of the primal's type."""
    shape = np.shape(t)
    if tuple(p.aval.shape) != tuple(shape):
        raise user_error(ValueError, "jvp called with different primal and tangent shapes; got primal "
                         f"shape {p.aval.shape} and tangent shape {shape}")
    want = p.aval.dtype if dtypes.is_inexact(p.aval.dtype) else "float0"
    got = "float0" if float0.is_float0(t) else to_array(t).aval.dtype
    if got != want:
        raise user_error(TypeError, "primal and tangent arguments to jax.jvp do not match; dtypes must be "
                         "equal, or in case of int/bool primal dtype the tangent dtype must be float0. "
                         f"Got primal dtype {p.aval.dtype} and so expected tangent dtype {want}, but got "
                         f"tangent dtype {got} instead.")
    return to_array(np.zeros(shape, numpy_dtype(p.aval.dtype))) if got == "float0" else to_array(t)


# ---------------------------------------------------------------- grad

def value_and_grad(fun: Callable, argnums=0, has_aux: bool = False, holomorphic: bool = False,
                   allow_int: bool = False, reduce_axes=()):
    _no_reduce_axes(reduce_axes, "grad")
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
                out, aux = out
            else:
                aux = None
            leaves, tree = tree_flatten(out)
            if len(leaves) != 1 or not treedef_is_leaf(tree):
                raise user_error(TypeError, "Gradient only defined for scalar-output functions. "
                                 f"Output was {out!r}.")
            return (out, aux)

        def build(T, xs):
            callee = trace_function(lambda *ys: call_with(ys), [x.aval for x in xs], T, differentiated(T), sources=xs)
            out_leaves_avals = callee.out_avals
            out_tree = callee.out_tree
            holder["out_tree"] = out_tree
            value_aval = out_leaves_avals[0]
            _check_scalar_output(value_aval, out_tree, holomorphic)
            captured = [T.lift(c) for c in callee.captured]
            ct = [_ones_ct(T, value_aval)] + [T.zeros(a) for a in out_leaves_avals[1:]]
            # cotangents keep their input's type, weak typing included (as JAX)
            res = call_request(T, "vjp", callee, list(xs) + captured + ct, {"wrt": range(len(xs))},
                               weak=[a.weak for a in out_leaves_avals] + [x.aval.weak for x in xs])
            m = len(out_leaves_avals)
            outs, cts = res[:m], res[m:m + len(xs)]
            return list(outs) + list(cts)

        flat = transform(build, d_vals, "grad")
        out_tree = holder["out_tree"]
        m = out_tree.num_leaves
        value, aux = tree_unflatten(out_tree, flat[:m])
        grads = tree_unflatten(d_tree, [float0.tangent_of(g, x.aval) for g, x in zip(flat[m:], d_vals)])
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
    _no_reduce_axes(reduce_axes, "grad")
    vg = value_and_grad(fun, argnums, has_aux=has_aux, holomorphic=holomorphic, allow_int=allow_int)

    @functools.wraps(fun)
    def grad_f(*args, **kwargs):
        out, g = vg(*args, **kwargs)
        return (g, out[1]) if has_aux else g
    return grad_f


# ---------------------------------------------------------------- vjp / linearize

def vjp(fun: Callable, *primals, has_aux: bool = False, reduce_axes=()):
    _no_reduce_axes(reduce_axes, "vjp")
    return split_vjp(fun, primals, has_aux)


def linearize(fun: Callable, *primals, has_aux: bool = False):
    return split_linearize(fun, primals, has_aux)


def linear_transpose(fun: Callable, *primals, reduce_axes=()):
    _no_reduce_axes(reduce_axes, "linear_transpose")
    return make_linear_transpose(fun, primals)


# ---------------------------------------------------------------- jacobians
# As the tutorial's our_jacfwd / our_jacrev: one vmap of jvp (or of the vjp pullback)
# over the whole standard basis, so the batching pass pushes (pulls) every basis
# vector through one batched program.

def _basis(avals) -> list:
    """The standard basis of the flattened leaves: per leaf, an array of shape
    (total size,) + leaf shape, zero outside that leaf's rows."""
    sizes = [int(np.prod(a.shape, dtype=np.int64)) for a in avals]
    total, offset, out = sum(sizes), 0, []
    for a, n in zip(avals, sizes):
        rows = np.zeros((total, n), numpy_dtype(a.dtype))
        rows[offset:offset + n] = np.eye(n, dtype=rows.dtype)
        out.append(Array(rows.reshape((total,) + tuple(a.shape)), a.dtype))
        offset += n
    return out


def _split_basis_axis(jac, axis_avals, leading: bool) -> list:
    """Split a stacked Jacobian leaf along its basis axis into one block per basis leaf.

    leading: the basis axis is first (jacrev rows), else last (jacfwd columns); each
    block is reshaped to (this leaf's shape) + (the other side's shape) in JAX's order."""
    shape = tuple(jac.aval.shape)
    other = shape[1:] if leading else shape[:-1]
    axis = 0 if leading else len(shape) - 1
    blocks, offset = [], 0
    for a in axis_avals:
        n = int(np.prod(a.shape, dtype=np.int64))
        start = [offset if d == axis else 0 for d in range(len(shape))]
        limit = [offset + n if d == axis else s for d, s in enumerate(shape)]
        block = lax.slice(jac, start, limit)
        blocks.append(lax.reshape(block, (tuple(a.shape) + other) if leading else (other + tuple(a.shape))))
        offset += n
    return blocks


def _flat_fun(fun, args, argnums_t, d_tree):
    def f_flat(*xs):
        new = list(args)
        for i, a in zip(argnums_t, tree_unflatten(d_tree, list(xs))):
            new[i] = a
        return fun(*new)
    return f_flat


def jacfwd(fun: Callable, argnums=0, has_aux: bool = False, holomorphic: bool = False,
           chunk_size: int | None = None):
    """Jacobian by forward mode: vmap of jvp over the input basis (`chunk_size` bounds
    how many basis vectors are pushed at once)."""
    argnums_t = _argnums_tuple(argnums)

    @functools.wraps(fun)
    def jacfun(*args):
        d_vals, d_tree = flatten_values(tuple(args[i] for i in argnums_t))
        _check_inexact_inputs(d_vals, "jacfwd", False, holomorphic)
        _check_jacobian_dtypes([v.aval for v in d_vals], "jacfwd", "input", holomorphic)
        f_flat = _flat_fun(fun, args, argnums_t, d_tree)

        def pushfwd(*tangents):
            res = jvp(f_flat, tuple(d_vals), tuple(tangents), has_aux=has_aux)
            # an integer output's float0 tangent becomes a zero of its dtype (JAX's Jacobian block)
            tout = tree_map(lambda t, y: lax.full(t.shape, 0, y.aval.dtype) if float0.is_float0(t) else t,
                            res[1], res[0])
            return (tout, res[2]) if has_aux else tout

        out = vmap(pushfwd, out_axes=(-1, None) if has_aux else -1, chunk_size=chunk_size)(
            *_basis([v.aval for v in d_vals]))
        jac, aux = out if has_aux else (out, None)
        jac_leaves, out_tree = tree_flatten(jac)
        per_out = [tree_unflatten(d_tree, _split_basis_axis(j, [v.aval for v in d_vals], leading=False))
                   for j in jac_leaves]
        jac = tree_unflatten(out_tree, [p[0] if isinstance(argnums, int) else p for p in per_out])
        return (jac, aux) if has_aux else jac
    return jacfun


def jacrev(fun: Callable, argnums=0, has_aux: bool = False, holomorphic: bool = False, allow_int: bool = False,
           chunk_size: int | None = None):
    """Jacobian by reverse mode: vmap of the vjp pullback over the output basis."""
    argnums_t = _argnums_tuple(argnums)

    @functools.wraps(fun)
    def jacfun(*args):
        d_vals, d_tree = flatten_values(tuple(args[i] for i in argnums_t))
        _check_inexact_inputs(d_vals, "jacrev", allow_int, holomorphic)
        res = vjp(_flat_fun(fun, args, argnums_t, d_tree), *d_vals, has_aux=has_aux)
        y, pullback = res[0], res[1]
        out_leaves, out_tree = flatten_values(y)
        out_avals = [o.aval for o in out_leaves]
        _check_jacobian_dtypes(out_avals, "jacrev", "output", holomorphic)
        rows = vmap(lambda *cts: pullback(tree_unflatten(out_tree, list(cts))), chunk_size=chunk_size)(
            *_basis(out_avals))
        # rows: per input leaf, (total output size,) + input shape -> per output leaf, per input leaf
        blocks = [_split_basis_axis(r, out_avals, leading=True) for r in rows]
        per_out = [tree_unflatten(d_tree, [blocks[k][j] for k in range(len(d_vals))]) for j in range(len(out_avals))]
        jac = tree_unflatten(out_tree, [p[0] if isinstance(argnums, int) else p for p in per_out])
        return (jac, res[2]) if has_aux else jac
    return jacfun


def hessian(fun: Callable, argnums=0, has_aux: bool = False, holomorphic: bool = False):
    return jacfwd(jacrev(fun, argnums, has_aux=has_aux, holomorphic=holomorphic), argnums,
                  has_aux=has_aux, holomorphic=holomorphic)
