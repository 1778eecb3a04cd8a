"""pullback.scipy.linalg: jax.scipy.linalg on the pb linear-algebra ops.

Factorizations come from lax.linalg (cholesky, lu, triangular_solve); solves reuse
pullback.numpy.linalg's LU solve. solve(assume_a="pos") factors with Cholesky and, as JAX's
custom_linear_solve does, differentiates as a linear solve: d x = A⁻¹ (d b - d A x) (a
custom_jvp whose tangent is another solve, so it transposes and differentiates again).
"""
from __future__ import annotations

import numpy as np

from .. import lax
from ..custom_derivatives import custom_jvp
from ..errors import user_error
from ..lax import linalg as lax_linalg
from ..numpy import linalg as np_linalg
from ..numpy._core import operand, promote, promote_inexact
import pullback.numpy as jnp

__all__ = ["block_diag", "cho_factor", "cho_solve", "cholesky", "det", "eigh", "inv", "lu", "lu_factor", "lu_solve",
           "qr", "solve", "solve_triangular", "svd"]


def _jnp():
    return jnp


def cholesky(a, lower: bool = False, overwrite_a: bool = False, check_finite: bool = True):
    (a,) = promote_inexact(operand(a))
    if lower:
        return lax_linalg.cholesky(a, symmetrize_input=False)
    return np_linalg._mH(lax_linalg.cholesky(np_linalg._mH(a), symmetrize_input=False))


def cho_factor(a, lower: bool = False, overwrite_a: bool = False, check_finite: bool = True):
    return cholesky(a, lower=lower), lower


def _check_solve_shapes(name: str, a, b) -> None:
    if not (a.aval.ndim >= 2 and b.aval.ndim >= 1 and a.aval.shape[-1] == a.aval.shape[-2]
            and a.aval.shape[-1] == b.aval.shape[a.aval.ndim - 2 if b.aval.ndim >= a.aval.ndim else -1]):
        raise user_error(ValueError, f"The arguments to {name} must have shapes a=[..., m, m] and b=[..., m, k] "
                                     f"or b=[..., m]; got a={a.aval.shape} and b={b.aval.shape}")


def _as_matrix_rhs(a, b):
    """b as (..., m, k) with a's batch broadcast; and whether it was a vector."""
    vector = b.aval.ndim == a.aval.ndim - 1 or b.aval.ndim == 1
    if vector:
        b = b[..., None]
    a, b = np_linalg._broadcast_batch(a, b, 2, 2)
    return a, b, vector


def cho_solve(c_and_lower, b, overwrite_b: bool = False, check_finite: bool = True):
    c, lower = c_and_lower
    c, b = promote_inexact(operand(c), operand(b))
    _check_solve_shapes("cho_solve", c, b)
    c, b, vector = _as_matrix_rhs(c, b)
    ts = lax_linalg.triangular_solve
    b = ts(c, b, left_side=True, lower=lower, transpose_a=not lower, conjugate_a=not lower)
    b = ts(c, b, left_side=True, lower=lower, transpose_a=lower, conjugate_a=lower)
    return b[..., 0] if vector else b


def solve_triangular(a, b, trans=0, lower: bool = False, unit_diagonal: bool = False, overwrite_b: bool = False,
                     debug=None, check_finite: bool = True):
    if trans in (0, "N"):
        transpose_a, conjugate_a = False, False
    elif trans in (1, "T"):
        transpose_a, conjugate_a = True, False
    elif trans in (2, "C"):
        transpose_a, conjugate_a = True, True
    else:
        raise user_error(ValueError, f"Invalid 'trans' value {trans}")
    a, b = promote_inexact(operand(a), operand(b))
    vector = a.aval.ndim == b.aval.ndim + 1
    if vector:
        b = b[..., None]
    out = lax_linalg.triangular_solve(a, b, left_side=True, lower=lower, transpose_a=transpose_a,
                                      conjugate_a=conjugate_a, unit_diagonal=unit_diagonal)
    return out[..., 0] if vector else out


def lu_factor(a, overwrite_a: bool = False, check_finite: bool = True):
    (a,) = promote_inexact(operand(a))
    lu_, pivots, _ = lax_linalg.lu(a)
    return lu_, pivots


def lu(a, permute_l: bool = False, overwrite_a: bool = False, check_finite: bool = True):
    jnp = _jnp()
    (a,) = promote_inexact(operand(a))
    if a.aval.ndim != 2:  # JAX's unpacks the shape into (m, n)
        raise user_error(ValueError, "too many values to unpack (expected 2)" if a.aval.ndim > 2 else
                         f"not enough values to unpack (expected 2, got {a.aval.ndim})")
    lu_, _, permutation = lax_linalg.lu(a)
    m, n = a.aval.shape[-2:]
    k = min(m, n)
    dtype = a.aval.dtype
    real = dtype.replace("complex128", "float64").replace("complex64", "float32")  # JAX's p is real
    p = jnp.swapaxes((permutation[..., None] == jnp.arange(m, dtype=permutation.aval.dtype)).astype(real), -1, -2)
    l = lax_linalg.tril(lu_[..., :, :k], -1) + jnp.asarray(np.eye(m, k), dtype=dtype)
    u = lu_[..., :k, :] - lax_linalg.tril(lu_[..., :k, :], -1)
    if permute_l:
        return jnp.matmul(p.astype(dtype), l), u
    return p, l, u


def lu_solve(lu_and_piv, b, trans: int = 0, overwrite_b: bool = False, check_finite: bool = True):
    lu_, pivots = lu_and_piv
    lu_, b = promote_inexact(operand(lu_), operand(b))
    if trans not in (0, 1, 2):
        raise user_error(ValueError, f"'trans' value must be 0, 1, or 2, got {trans}")
    m = lu_.aval.shape[-1]
    _check_solve_shapes("lu_solve", lu_, b)
    perm = lax_linalg.lu_pivots_to_permutation(operand(pivots), m)
    lu_, b, vector = _as_matrix_rhs(lu_, b)
    perm = _jnp().broadcast_to(perm, lu_.aval.shape[:-1])
    x = np_linalg._lu_solve(lu_, perm, b, trans)
    return x[..., 0] if vector else x


def _pos_solve_impl(lower, a, b):
    return cho_solve(cho_factor(a, lower=lower), b)


_pos_solve = custom_jvp(_pos_solve_impl, nondiff_argnums=(0,))


def _pos_solve_jvp(lower, primals, tangents):
    jnp = _jnp()
    a, b = primals
    da, db = tangents
    x = _pos_solve(lower, a, b)
    return x, _pos_solve(lower, a, db - jnp.matmul(da, x))


_pos_solve.defjvp(_pos_solve_jvp)


def solve(a, b, lower: bool = False, overwrite_a: bool = False, overwrite_b: bool = False, debug: bool = False,
          check_finite: bool = True, assume_a: str = "gen"):
    if assume_a not in ("gen", "sym", "her", "pos"):
        raise user_error(ValueError, f"Expected assume_a to be one of {{'gen', 'sym', 'her', 'pos'}}, got {assume_a}.")
    if assume_a != "pos":
        return np_linalg.solve(a, b)
    a, b = promote_inexact(operand(a), operand(b))
    _check_solve_shapes("solve", a, b)
    a, b, vector = _as_matrix_rhs(a, b)
    x = _pos_solve(bool(lower), a, b)
    return x[..., 0] if vector else x


def inv(a, overwrite_a: bool = False, check_finite: bool = True):
    return np_linalg.inv(a)


def det(a, overwrite_a: bool = False, check_finite: bool = True):
    return np_linalg.det(a)


def block_diag(*arrs):
    jnp = _jnp()
    if not arrs:
        return jnp.zeros((1, 0))
    arrs = [operand(a) for a in arrs]
    arrs = [jnp.reshape(a, (1,) * (2 - a.aval.ndim) + a.aval.shape) if a.aval.ndim < 2 else a for a in arrs]
    if any(a.aval.ndim != 2 for a in arrs):
        raise user_error(ValueError, "Arguments to jax.scipy.linalg.block_diag must have at most 2 dimensions, "
                                     f"got {[a.aval.shape for a in arrs]}")
    arrs = promote(*arrs)
    cols = sum(a.aval.shape[1] for a in arrs)
    rows, acc = [], 0
    for a in arrs:
        r, c = a.aval.shape
        rows.append(lax.pad(a, jnp.zeros((), a.aval.dtype), [(0, 0, 0), (acc, cols - acc - c, 0)]))
        acc += c
    return jnp.concatenate(rows, axis=0)



def eigh(a, b=None, lower: bool = True, eigvals_only: bool = False, overwrite_a: bool = False,
         overwrite_b: bool = False, turbo: bool = True, eigvals=None, type: int = 1, check_finite: bool = True,
         symmetrize_input: bool = True):
    if b is not None:
        raise NotImplementedError("Only the b=None case of eigh is implemented")
    if type != 1:
        raise NotImplementedError("Only the type=1 case of eigh is implemented.")
    if eigvals is not None:
        raise NotImplementedError("Only the eigvals=None case of eigh is implemented.")
    (a,) = promote_inexact(operand(a))
    v, w = lax_linalg.eigh(a, lower=lower, symmetrize_input=symmetrize_input)
    return w if eigvals_only else (w, v)


def qr(a, overwrite_a: bool = False, lwork=None, mode: str = "full", pivoting: bool = False,
       check_finite: bool = True):
    if mode in ("full", "r"):
        full_matrices = True
    elif mode == "economic":
        full_matrices = False
    else:
        raise user_error(ValueError, f"Unsupported QR decomposition mode '{mode}'")
    (a,) = promote_inexact(operand(a))
    q, r = lax_linalg.qr(a, pivoting=pivoting, full_matrices=full_matrices)
    return (r,) if mode == "r" else (q, r)


def svd(a, full_matrices: bool = True, compute_uv: bool = True, overwrite_a: bool = False,
        check_finite: bool = True, lapack_driver: str = "gesdd"):
    (a,) = promote_inexact(operand(a))
    out = lax_linalg.svd(a, full_matrices=full_matrices, compute_uv=compute_uv)
    return out


from ._expm import expm, expm_frechet  # noqa: E402  (Padé with scaling and squaring)

__all__ += ["expm", "expm_frechet"]

from ._matrices import (circulant, companion, hadamard, hankel, helmert, hilbert, leslie,  # noqa: E402
                        polar, toeplitz)

__all__ += ["circulant", "companion", "hadamard", "hankel", "helmert", "hilbert", "leslie", "polar", "toeplitz"]
