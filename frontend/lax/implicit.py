"""lax.custom_linear_solve and lax.custom_root: implicit differentiation (JAX's semantics).

Both are custom_jvp functions whose rules differentiate the problem, not the solver:
- custom_linear_solve(matvec, b, solve, transpose_solve): x = solve(matvec, b) with
  dx = A⁻¹(db - dA x), where dA x is the JVP of matvec with respect to the values it
  closes over (closure_convert makes them explicit), and A⁻¹ applied to a tangent is a
  linear_call of solve whose transpose is transpose_solve applied to the transposed
  matvec: reverse mode never transposes the solver (an iterative while_loop, say).
  Without transpose_solve (nor symmetric=True) reverse mode transposes solve's own body,
  which works only when solve is made of transposable ops.
- custom_root(f, x0, solve, tangent_solve): x = solve(f, x0) with f(x) = 0; by the
  implicit function theorem dx = -tangent_solve(∂f/∂x, ∂f/∂θ dθ) for the values θ f
  closes over. tangent_solve(g, y) must be linear in y (JAX's contract).
With has_aux, solve returns (solution, aux) and aux is not differentiated.
"""
from __future__ import annotations

from functools import partial
from typing import Callable

from .. import ad, lax
from ..custom_derivatives import custom_jvp
from ..linear_call import closure_convert, linear_call
from ..tree_util import tree_map


def _split_aux(out, has_aux: bool):
    return out if has_aux else (out, None)


def _no_grad(tree):
    return tree_map(lax.stop_gradient, tree)


def _zeros(tree):
    return tree_map(lambda v: lax.full(v.shape, 0, v.dtype), tree)


@partial(custom_jvp, nondiff_argnums=(0, 1, 2, 3))
def _linear_solve(mv, sv, tv, has_aux, b, mv_consts, sv_consts, tv_consts):
    x, aux = _split_aux(sv(b, *sv_consts), has_aux)
    return x, _no_grad(aux)


@_linear_solve.defjvp
def _linear_solve_jvp(mv, sv, tv, has_aux, primals, tangents):
    b, mv_consts, sv_consts, tv_consts = primals
    b_dot, mv_consts_dot = tangents[0], tangents[1]
    x, aux = _linear_solve(mv, sv, tv, has_aux, b, mv_consts, sv_consts, tv_consts)
    _, mv_dot = ad.jvp(lambda *c: mv(x, *c), tuple(mv_consts), tuple(mv_consts_dot))
    rhs = tree_map(lax.sub, b_dot, mv_dot)

    def solve_only(r, consts):
        return _split_aux(sv(r, *consts), has_aux)[0]
    if tv is None:
        x_dot = solve_only(rhs, sv_consts)
    else:
        x_dot = linear_call(lambda res, r: solve_only(r, res[0]), lambda res, ct: tv(ct, *res[1]),
                            (tuple(sv_consts), tuple(tv_consts)), rhs)
    return (x, aux), (x_dot, _zeros(aux))


def custom_linear_solve(matvec: Callable, b, solve: Callable, transpose_solve: Callable | None = None,
                        symmetric: bool = False, has_aux: bool = False):
    """x with matvec(x) = b, computed by solve(matvec, b) and differentiated implicitly (module doc)."""
    if transpose_solve is None and symmetric:
        transpose_solve = solve
    mv, mv_consts = closure_convert(matvec, b)
    sv, sv_consts = closure_convert(lambda r: solve(matvec, r), b)
    tv, tv_consts = None, []
    if transpose_solve is not None:
        vecmat = matvec if symmetric else (lambda c: ad.linear_transpose(matvec, b)(c)[0])
        tv, tv_consts = closure_convert(lambda c: _split_aux(transpose_solve(vecmat, c), has_aux)[0], b)
    x, aux = _linear_solve(mv, sv, tv, has_aux, b, mv_consts, sv_consts, tv_consts)
    return (x, aux) if has_aux else x


@partial(custom_jvp, nondiff_argnums=(0, 1, 2, 3))
def _root(f, sv, tangent_solve, has_aux, x0, f_consts, sv_consts):
    x, aux = _split_aux(sv(_no_grad(x0), *sv_consts), has_aux)
    return x, _no_grad(aux)


@_root.defjvp
def _root_jvp(f, sv, tangent_solve, has_aux, primals, tangents):
    x0, f_consts, sv_consts = primals
    x, aux = _root(f, sv, tangent_solve, has_aux, x0, f_consts, sv_consts)
    _, rhs = ad.jvp(lambda *c: f(x, *c), tuple(f_consts), tuple(tangents[1]))
    f_x = lambda v: ad.jvp(lambda y: f(y, *f_consts), (x,), (v,))[1]  # noqa: E731  (∂f/∂x applied to v)
    x_dot = tree_map(lax.neg, tangent_solve(f_x, rhs))
    return (x, aux), (x_dot, _zeros(aux))


def custom_root(f: Callable, initial_guess, solve: Callable, tangent_solve: Callable, has_aux: bool = False):
    """x with f(x) = 0, computed by solve(f, initial_guess) and differentiated implicitly (module doc)."""
    fc, f_consts = closure_convert(f, initial_guess)
    sv, sv_consts = closure_convert(lambda x0: solve(f, x0), initial_guess)
    x, aux = _root(fc, sv, tangent_solve, has_aux, initial_guess, f_consts, sv_consts)
    return (x, aux) if has_aux else x


__all__ = ["custom_linear_solve", "custom_root"]
