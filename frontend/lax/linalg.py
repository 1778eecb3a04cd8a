"""pullback.lax.linalg: JAX's lax.linalg on the pb linear-algebra ops (dialects/ops/linalg.py).

Each function binds one primitive after JAX's argument handling: `cholesky` symmetrizes its
input by default and keeps the lower triangle; `triangular_solve` accepts a vector b (one
dimension less than a) and ignores `conjugate_a` for real operands.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..core import bind, bind1
from ..errors import user_error
from . import _operands, add, broadcast_in_dim, conj, convert_element_type, div, full, mul, reshape, transpose

__all__ = ["cholesky", "eig", "eigh", "lu", "lu_pivots_to_permutation", "qr", "svd", "triangular_solve"]


def _check_matrix(name: str, x, what: str = "operand") -> None:
    if x.aval.ndim < 2:
        raise user_error(ValueError, f"{name} {what} must have rank >= 2, got shape {x.aval.shape}")


def _inexact(x):
    dt = x.aval.dtype
    return x if dtypes.is_inexact(dt) else convert_element_type(x, dtypes.default_float())


def _mT(x):
    n = x.aval.ndim
    return transpose(x, tuple(range(n - 2)) + (n - 1, n - 2))


def _H(x):
    y = _mT(x)
    return conj(y) if dtypes.is_complex(y.aval.dtype) else y


def symmetrize(x):
    """(x + xᴴ) / 2, JAX's lax.linalg.symmetrize."""
    return div(add(x, _H(x)), full((), 2, x.aval.dtype))


def tril(x, k: int = 0):
    """The lower triangle (on and below diagonal k) of the trailing matrices, zeros above."""
    m, n = x.aval.shape[-2:]
    mask = np.tril(np.ones((m, n), bool), k)
    real = dtypes.real_dtype(x.aval.dtype) if dtypes.is_complex(x.aval.dtype) else x.aval.dtype
    c = convert_element_type(_operands(np.asarray(mask, dtype=np.dtype(real)))[0], x.aval.dtype)
    return mul(x, broadcast_in_dim(c, x.aval.shape, (x.aval.ndim - 2, x.aval.ndim - 1)))


def cholesky(x, *, symmetrize_input: bool = True):
    (x,) = _operands(x)
    _check_matrix("cholesky", x)
    if x.aval.shape[-1] != x.aval.shape[-2]:  # JAX fails in the symmetrization's add, or in the shape rule
        if symmetrize_input:
            t = x.aval.shape[:-2] + x.aval.shape[-2:][::-1]
            raise user_error(TypeError, f"add got incompatible shapes for broadcasting: {x.aval.shape}, {t}.")
        raise user_error(ValueError, "The last two dimensions of the argument to cholesky must be equal, "
                                     f"got {x.aval.shape}")
    x = _inexact(x)
    if symmetrize_input:
        x = symmetrize(x)
    return bind1("cholesky", [x])


def triangular_solve(a, b, *, left_side: bool = False, lower: bool = False, transpose_a: bool = False,
                     conjugate_a: bool = False, unit_diagonal: bool = False):
    a, b = _operands(a, b)
    _check_matrix("triangular_solve", a, "a")
    conjugate_a = bool(conjugate_a) and dtypes.is_complex(a.aval.dtype)
    singleton = b.aval.ndim == a.aval.ndim - 1
    if singleton:
        shape = b.aval.shape
        b = reshape(b, shape + (1,) if left_side else shape[:-1] + (1, shape[-1]))
    if a.aval.dtype != b.aval.dtype:
        raise user_error(TypeError, f"triangular_solve requires a and b of one dtype, got {a.aval.dtype} "
                                    f"and {b.aval.dtype}")
    m, n = a.aval.shape[-2:]
    k = b.aval.shape[-2] if left_side else b.aval.shape[-1]
    if m != n or a.aval.shape[:-2] != b.aval.shape[:-2] or k != n:
        raise user_error(ValueError, f"Incompatible shapes for arguments to triangular_solve: {a.aval.shape} "
                                     f"and {b.aval.shape}.")
    out = bind1("triangular_solve", [a, b], dict(
        left_side=int(bool(left_side)), lower=int(bool(lower)), transpose_a=int(bool(transpose_a)),
        conjugate_a=int(conjugate_a), unit_diagonal=int(bool(unit_diagonal))))
    if singleton:
        out = reshape(out, out.aval.shape[:-1] if left_side else out.aval.shape[:-2] + out.aval.shape[-1:])
    return out


def lu(x):
    """(lu, pivots, permutation): partial-pivoting LU of the trailing matrices (pb.lu)."""
    (x,) = _operands(x)
    _check_matrix("lu", x)
    return tuple(bind("lu", [_inexact(x)]))


def lu_pivots_to_permutation(pivots, permutation_size: int):
    (pivots,) = _operands(pivots)
    if pivots.aval.ndim < 1 or pivots.aval.dtype != "int32":
        raise user_error(ValueError, "lu_pivots_to_permutation requires int32 pivots of rank >= 1, got "
                                     f"{pivots.aval.dtype}{list(pivots.aval.shape)}")
    if permutation_size < pivots.aval.shape[-1]:
        raise user_error(ValueError, f"Output permutation size {permutation_size} has to exceed the trailing "
                                     f"dimension of the pivots. Got pivots size {pivots.aval.shape[-1]}")
    return bind1("lu_pivots_to_permutation", [pivots], {"permutation_size": int(permutation_size)})


def eigh(x, *, lower: bool = True, symmetrize_input: bool = True, sort_eigenvalues: bool = True,
         subset_by_index=None):
    """(v, w): eigenvectors (columns) and ascending eigenvalues of Hermitian matrices (pb.eigh)."""
    (x,) = _operands(x)
    _check_matrix("eigh", x)
    if x.aval.shape[-1] != x.aval.shape[-2]:
        raise user_error(ValueError, f"Argument to symmetric eigendecomposition must have shape [..., n, n], "
                                     f"got shape {x.aval.shape}")
    if subset_by_index is not None and tuple(subset_by_index) != (0, x.aval.shape[-1]):
        raise NotImplementedError("pullback.lax.linalg.eigh: subset_by_index is not implemented")
    x = _inexact(x)
    if symmetrize_input:
        x = symmetrize(x)
    v, w = bind("eigh", [x], {"lower": int(bool(lower))})
    return v, w


def qr(x, *, pivoting: bool = False, full_matrices: bool = True, use_magma=None):
    """(q, r): Householder QR of the trailing matrices (pb.qr), complete or reduced."""
    if pivoting:
        raise NotImplementedError("pullback.lax.linalg.qr: pivoting is not implemented")
    (x,) = _operands(x)
    _check_matrix("qr", x)
    q, r = bind("qr", [_inexact(x)], {"full_matrices": int(bool(full_matrices))})
    return q, r


def svd(x, *, full_matrices: bool = True, compute_uv: bool = True, subset_by_index=None, algorithm=None):
    """(u, s, vh), or s alone: singular value decomposition of the trailing matrices (pb.svd)."""
    (x,) = _operands(x)
    _check_matrix("svd", x)
    if subset_by_index is not None and tuple(subset_by_index) != (0, min(x.aval.shape[-2:])):
        raise NotImplementedError("pullback.lax.linalg.svd: subset_by_index is not implemented")
    s, u, vh = bind("svd", [_inexact(x)], {"full_matrices": int(bool(full_matrices) and bool(compute_uv))})
    return (u, s, vh) if compute_uv else s


def eig(x, *, compute_left_eigenvectors: bool = True, compute_right_eigenvectors: bool = True,
        enable_eigvec_derivs: bool = False, implementation=None, use_magma=None):
    """[w, vl, vr] (the vectors per flag): eigenvalues and eigenvectors of general matrices (pb.eig)."""
    if enable_eigvec_derivs:
        raise NotImplementedError("pullback.lax.linalg.eig: enable_eigvec_derivs is not implemented")
    (x,) = _operands(x)
    _check_matrix("eig", x)
    if x.aval.shape[-1] != x.aval.shape[-2]:
        raise user_error(ValueError, f"The input to eig must be a square matrix. Got shape {x.aval.shape[-2:]}.")
    out = bind("eig", [_inexact(x)], {"compute_left_eigenvectors": int(bool(compute_left_eigenvectors)),
                                      "compute_right_eigenvectors": int(bool(compute_right_eigenvectors))})
    return list(out)
