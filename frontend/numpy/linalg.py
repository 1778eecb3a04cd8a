"""pullback.numpy.linalg: numpy.linalg with JAX's semantics, on the pb linear-algebra ops.

Decompositions bind lax.linalg's primitives (frontend/lax/linalg.py): cholesky, lu and
triangular_solve. Everything else is composed from them and pullback.numpy, as
jax.numpy.linalg does: solve and inv through LU (their derivatives flow through lu's and
triangular_solve's rules, which give JAX's values on nonsingular matrices), det and slogdet
from LU's diagonal and the parity of its pivots; slogdet has JAX's custom JVP (Re tr(a⁻¹ ȧ)
from the same LU: one factorization and two triangular solves, not lu's whole JVP). eigh and
eigvalsh bind pb.eigh, qr pb.qr, svd pb.svd (and on it the 2-norms, nuclear norm, cond,
matrix_rank and pinv). Not here yet: lstsq, eig and eigvals (absent names: AttributeError).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import lax
from ..custom_derivatives import custom_jvp
from ..errors import user_error
from ..lax import linalg as lax_linalg
from ._core import operand, promote_inexact

__all__ = ["EighResult", "QRResult", "SVDResult", "SlogdetResult", "cholesky", "cond", "det", "eigh", "eigvalsh",
           "inv", "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "svd",
           "tensorinv", "tensorsolve", "trace"]


def _jnp():
    import pullback.numpy as jnp  # lazy: this module is imported while pullback.numpy initializes
    return jnp


def _is_complex(x) -> bool:
    return x.aval.dtype.startswith("complex")


def _mT(x):
    return lax_linalg._mT(x)


def _mH(x):
    return lax.conj(_mT(x)) if _is_complex(x) else _mT(x)


def _square(name: str, a) -> None:
    if a.aval.ndim < 2 or a.aval.shape[-1] != a.aval.shape[-2]:
        raise user_error(ValueError, f"Argument to {name} must have shape [..., n, n], got {a.aval.shape}")


def _diagonal(x):
    """The main diagonals of the trailing matrices, (..., n)."""
    jnp = _jnp()
    m, n = x.aval.shape[-2:]
    return jnp.sum(x * jnp.asarray(np.eye(m, n), dtype=x.aval.dtype), axis=-1)[..., :min(m, n)]


def _permute_rows(perm, b, inverse: bool = False):
    """b[..., perm, :] (or its inverse) as a matmul with the one-hot permutation matrix."""
    jnp = _jnp()
    m = perm.aval.shape[-1]
    p = (perm[..., :, None] == jnp.arange(m, dtype=perm.aval.dtype)).astype(b.aval.dtype)
    return jnp.matmul(_mT(p) if inverse else p, b)


def _lu_solve(lu, perm, b, trans: int = 0):
    """x with a x = b (trans 0), aᵀ x = b (1) or aᴴ x = b (2), from a's LU; b of shape (..., m, k)."""
    ts = lax_linalg.triangular_solve
    if trans == 0:
        y = ts(lu, _permute_rows(perm, b), left_side=True, lower=True, unit_diagonal=True)
        return ts(lu, y, left_side=True, lower=False)
    conj = trans == 2
    y = ts(lu, b, left_side=True, lower=False, transpose_a=True, conjugate_a=conj)
    y = ts(lu, y, left_side=True, lower=True, transpose_a=True, conjugate_a=conj, unit_diagonal=True)
    return _permute_rows(perm, y, inverse=True)


def _broadcast_batch(a, b, core_a: int, core_b: int):
    jnp = _jnp()
    batch = np.broadcast_shapes(a.aval.shape[:a.aval.ndim - core_a], b.aval.shape[:b.aval.ndim - core_b])
    return (jnp.broadcast_to(a, batch + a.aval.shape[a.aval.ndim - core_a:]),
            jnp.broadcast_to(b, batch + b.aval.shape[b.aval.ndim - core_b:]))


def cholesky(a, *, upper: bool = False, symmetrize_input: bool = True):
    (a,) = promote_inexact(operand(a))
    L = lax_linalg.cholesky(a, symmetrize_input=symmetrize_input)
    return _mH(L) if upper else L


def solve(a, b):
    a, b = promote_inexact(operand(a), operand(b))
    if a.aval.ndim < 2:
        raise user_error(ValueError, f"left hand array must be at least two dimensional; got a.shape={a.aval.shape}")
    m = a.aval.shape[-1]
    if b.aval.ndim == 1:
        if b.aval.shape[0] != m:
            raise user_error(ValueError, f"inconsistent size for core dimension 'm': {b.aval.shape[0]} vs {m} on "
                                         "vectorized function with excluded=frozenset() and "
                                         "signature='(m,m),(m)->(m)'")
        return solve(a, b[:, None])[..., 0]
    if a.aval.ndim == b.aval.ndim + 1 and a.aval.shape[-1] == b.aval.shape[-1] and m != b.aval.shape[-2]:
        raise user_error(ValueError, f"Invalid shapes for solve: {a.aval.shape}, {b.aval.shape}. Prior to JAX "
                                     "v0.5.0, this would have been treated as a batched 1-dimensional solve. To "
                                     "recover this behavior, use solve(a, b[..., None]).squeeze(-1).")
    if b.aval.shape[-2] != m or a.aval.shape[-2] != m:
        raise user_error(ValueError, f"inconsistent size for core dimension 'm': {b.aval.shape[-2]} vs {m} on "
                                     "vectorized function with excluded=frozenset() and "
                                     "signature='(m,m),(m,n)->(m,n)'")
    a, b = _broadcast_batch(a, b, 2, 2)
    lu, _, perm = lax_linalg.lu(a)
    return _lu_solve(lu, perm, b)


def inv(a):
    jnp = _jnp()
    (a,) = promote_inexact(operand(a))
    _square("inv", a)
    return solve(a, jnp.broadcast_to(jnp.eye(a.aval.shape[-1], dtype=a.aval.dtype), a.aval.shape))


def _lu_parts(lu, pivots):
    """LU's diagonal and (-1)^(number of row swaps)."""
    jnp = _jnp()
    swaps = jnp.sum(pivots != jnp.arange(pivots.aval.shape[-1], dtype=pivots.aval.dtype), axis=-1)
    parity = jnp.where(swaps % 2 == 1, -1, 1).astype(lu.aval.dtype)
    return _diagonal(lu), parity


def _sign_logdet(lu, pivots):
    jnp = _jnp()
    diag, parity = _lu_parts(lu, pivots)
    is_zero = jnp.any(diag == 0, axis=-1)
    magnitude = jnp.abs(diag)
    if _is_complex(lu):
        sign = jnp.prod(diag / jnp.where(magnitude == 0, 1, magnitude).astype(lu.aval.dtype), axis=-1)
    else:
        sign = jnp.prod(jnp.sign(diag), axis=-1)
    sign = jnp.where(is_zero, jnp.zeros_like(sign), sign * parity)
    logdet = jnp.where(is_zero, -jnp.inf, jnp.sum(jnp.log(jnp.where(magnitude == 0, 1, magnitude)), axis=-1))
    return sign, logdet


def _slogdet_impl(a):
    lu, pivots, _ = lax_linalg.lu(a)
    return _sign_logdet(lu, pivots)


_slogdet = custom_jvp(_slogdet_impl)


@_slogdet.defjvp
def _slogdet_jvp(primals, tangents):
    """JAX's rule: d log|det a| = Re tr(a⁻¹ ȧ), the sign turning by the imaginary part (one LU for both)."""
    jnp = _jnp()
    (a,), (g,) = primals, tangents
    lu, pivots, perm = lax_linalg.lu(a)
    sign, logdet = _sign_logdet(lu, pivots)
    ans_dot = trace(_lu_solve(lu, perm, g))
    if _is_complex(a):
        sign_dot = (ans_dot - jnp.real(ans_dot).astype(ans_dot.aval.dtype)) * sign
        ans_dot = jnp.real(ans_dot)
    else:
        sign_dot = jnp.zeros_like(sign)
    return (sign, logdet), (sign_dot, ans_dot)


def det(a):
    (a,) = promote_inexact(operand(a))
    _square("_det()", a)
    n = a.aval.shape[-1]
    if n == 2:  # JAX's closed forms for 2x2 and 3x3 (their derivatives stay finite at singular a)
        return _det_2x2(a)
    if n == 3:
        return _det_3x3(a)
    return _det(a)


class SlogdetResult(NamedTuple):
    sign: object
    logabsdet: object


def slogdet(a, *, method: str | None = None):
    (a,) = promote_inexact(operand(a))
    _square("slogdet()", a)
    if method not in (None, "lu"):
        raise user_error(ValueError, f"Unknown slogdet method '{method}'. Supported methods are 'lu' (`None`), "
                                     "and 'qr'." if method == "qr" else f"Unknown slogdet method '{method}'.")
    return SlogdetResult(*_slogdet(a))


def matrix_power(a, n: int):
    jnp = _jnp()
    a = operand(a)
    if a.aval.ndim < 2 or a.aval.shape[-1] != a.aval.shape[-2]:
        raise user_error(ValueError, f"Argument to matrix_power must have shape [..., n, n], got {a.aval.shape}.")
    try:
        n = int(n)
    except TypeError as err:
        raise user_error(TypeError, f"exponent must be an integer, got {n}") from err
    if n == 0:
        return jnp.broadcast_to(jnp.eye(a.aval.shape[-2], dtype=a.aval.dtype), a.aval.shape)
    if n < 0:
        a, n = inv(a), -n
    if n == 1:
        return a
    z = result = None
    while n > 0:  # binary exponentiation, as JAX
        z = a if z is None else jnp.matmul(z, z)
        n, bit = divmod(n, 2)
        if bit:
            result = z if result is None else jnp.matmul(result, z)
    return result


def multi_dot(arrays, *, precision=None):
    jnp = _jnp()
    arrays = [operand(x) for x in arrays]
    if len(arrays) < 2:
        raise user_error(ValueError, f"multi_dot requires at least two arrays; got len(arrays)={len(arrays)}")
    first, last = arrays[0].aval.ndim == 1, arrays[-1].aval.ndim == 1
    if first:
        arrays[0] = arrays[0][None, :]
    if last:
        arrays[-1] = arrays[-1][:, None]
    if any(x.aval.ndim != 2 for x in arrays):
        raise user_error(ValueError, "multi_dot: arrays other than the first and last must be two-dimensional")
    out = arrays[0]
    for x in arrays[1:]:
        out = jnp.matmul(out, x)
    if first:
        out = out[0]
    if last:
        out = out[..., 0]
    return out


def trace(x, /, *, offset: int = 0, dtype=None):
    jnp = _jnp()
    x = operand(x)
    if x.aval.ndim < 2:
        raise user_error(ValueError, f"Argument to trace must have rank >= 2, got shape {x.aval.shape}")
    m, n = x.aval.shape[-2:]
    mask = jnp.asarray(np.eye(m, n, offset), dtype=x.aval.dtype)
    return jnp.sum(jnp.sum(x * mask, axis=-1), axis=-1, dtype=dtype)


def _vector_norm(x, ord, axis, keepdims):
    jnp = _jnp()
    a = jnp.abs(x)
    if ord is None or ord == 2:
        return jnp.sqrt(jnp.sum(jnp.real(x * jnp.conj(x)) if _is_complex(x) else x * x, axis=axis,
                                keepdims=keepdims))
    if ord == np.inf:
        return jnp.max(a, axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return jnp.min(a, axis=axis, keepdims=keepdims)
    if ord == 0:
        return jnp.sum(x != 0, axis=axis, keepdims=keepdims).astype(a.aval.dtype)
    if ord == 1:
        return jnp.sum(a, axis=axis, keepdims=keepdims)
    if isinstance(ord, str):
        raise user_error(ValueError, f"Invalid order '{ord}' for vector norm.")
    p = float(ord)
    return jnp.sum(a ** p, axis=axis, keepdims=keepdims) ** (1.0 / p)


def _matrix_norm(x, ord, axis, keepdims):
    jnp = _jnp()
    row, col = axis
    if ord is None or ord == "fro":
        return _vector_norm(x, None, axis, keepdims)
    if ord in (1, -1, np.inf, -np.inf):
        reduce = jnp.max if ord > 0 else jnp.min
        inner, outer = (row, col) if ord in (1, -1) else (col, row)
        sums = jnp.sum(jnp.abs(x), axis=inner, keepdims=True)
        out = reduce(sums, axis=outer, keepdims=True)
        return out if keepdims else jnp.squeeze(out, axis=(row, col))
    if ord in (2, -2, "nuc"):
        rest = [d for d in range(x.aval.ndim) if d not in (row, col)]
        y = svd(jnp.transpose(x, rest + [row, col]), compute_uv=False)
        out = jnp.max(y, axis=-1) if ord == 2 else jnp.min(y, axis=-1) if ord == -2 else jnp.sum(y, axis=-1)
        if keepdims:
            out = jnp.reshape(out, tuple(1 if d in (row, col) else size for d, size in enumerate(x.aval.shape)))
        return out
    raise user_error(ValueError, f"Invalid order '{ord}' for matrix norm.")


def norm(x, ord=None, axis=None, keepdims: bool = False):
    jnp = _jnp()
    (x,) = promote_inexact(operand(x))
    ndim = x.aval.ndim
    if axis is None:
        if ord is None:
            out = _vector_norm(jnp.ravel(x), None, 0, False)
            return jnp.reshape(out, (1,) * ndim) if keepdims else out
        axis = tuple(range(ndim))
    elif isinstance(axis, int):
        axis = (axis,)
    axis = tuple(int(a) % ndim if ndim else int(a) for a in axis)
    if len(axis) == 1:
        return _vector_norm(x, ord, axis, keepdims)
    if len(axis) == 2:
        return _matrix_norm(x, ord, axis, keepdims)
    raise user_error(ValueError, f"Improper number of axes for norm: axis={axis}. Pass one axis to compute a "
                                 "vector-norm, or two axes to compute a matrix-norm.")


def tensorinv(a, ind: int = 2):
    jnp = _jnp()
    a = operand(a)
    ind = int(ind)
    if ind <= 0:
        raise user_error(ValueError, f"ind must be a positive integer; got {ind=}")
    out_shape = a.aval.shape[ind:] + a.aval.shape[:ind]
    rows = int(np.prod(a.aval.shape[:ind], dtype=np.int64))
    cols = int(np.prod(a.aval.shape[ind:], dtype=np.int64))
    if rows != cols:
        raise user_error(ValueError, f"tensorinv: product of first {ind} dimensions ({rows}) must equal the "
                                     f"product of the rest ({cols})")
    return jnp.reshape(inv(jnp.reshape(a, (rows, cols))), out_shape)


def tensorsolve(a, b, axes=None):
    jnp = _jnp()
    a, b = operand(a), operand(b)
    if axes is not None:
        a = jnp.moveaxis(a, axes, tuple(range(a.aval.ndim - len(axes), a.aval.ndim)))
    out_shape = a.aval.shape[b.aval.ndim:]
    rows = int(np.prod(a.aval.shape[:b.aval.ndim], dtype=np.int64))
    cols = int(np.prod(out_shape, dtype=np.int64))
    if rows != cols:
        raise user_error(ValueError, f"tensorsolve: product of the dimensions of b ({rows}) must equal the "
                                     f"product of the remaining dimensions of a ({cols})")
    return jnp.reshape(solve(jnp.reshape(a, (rows, cols)), jnp.ravel(b)), out_shape)


class EighResult(NamedTuple):
    eigenvalues: object
    eigenvectors: object


def _uplo_lower(UPLO) -> bool:
    if UPLO is None or UPLO == "L":
        return True
    if UPLO == "U":
        return False
    raise user_error(ValueError, f"UPLO must be one of None, 'L', or 'U', got {UPLO}")


def eigh(a, UPLO: str | None = None, symmetrize_input: bool = True):
    (a,) = promote_inexact(operand(a))
    v, w = lax_linalg.eigh(a, lower=_uplo_lower(UPLO), symmetrize_input=symmetrize_input)
    return EighResult(w, v)


def eigvalsh(a, UPLO: str | None = "L", *, symmetrize_input: bool = True):
    return eigh(a, UPLO, symmetrize_input=symmetrize_input).eigenvalues


class QRResult(NamedTuple):
    Q: object
    R: object


def qr(a, mode: str = "reduced"):
    (a,) = promote_inexact(operand(a))
    if mode == "raw":
        raise NotImplementedError("The 'raw' mode of jnp.linalg.qr is not implemented")
    if mode not in ("reduced", "complete", "r"):
        raise user_error(ValueError, f"Unsupported QR decomposition mode '{mode}'")
    if a.aval.ndim < 2:
        raise user_error(ValueError, f"Argument to qr must have rank >= 2, got shape {a.aval.shape}")
    q, r = lax_linalg.qr(a, full_matrices=mode == "complete")
    return r if mode == "r" else QRResult(q, r)


class SVDResult(NamedTuple):
    U: object
    S: object
    Vh: object


def svd(a, full_matrices: bool = True, compute_uv: bool = True, hermitian: bool = False, subset_by_index=None):
    (a,) = promote_inexact(operand(a))
    if hermitian:
        raise NotImplementedError("pullback.numpy.linalg.svd(hermitian=True) is not implemented")
    if a.aval.ndim < 2:
        raise user_error(ValueError, f"Argument to svd must have rank >= 2, got shape {a.aval.shape}")
    out = lax_linalg.svd(a, full_matrices=full_matrices, compute_uv=compute_uv, subset_by_index=subset_by_index)
    return SVDResult(*out) if compute_uv else out


def _eps(dtype: str) -> float:
    return float(np.finfo(dtype.replace("complex128", "float64").replace("complex64", "float32")).eps)


def matrix_rank(M, rtol=None, *, tol=None):
    jnp = _jnp()
    (M,) = promote_inexact(operand(M))
    if tol is not None:
        rtol = tol
    if M.aval.ndim < 2:
        return jnp.any(M != 0).astype("int32")
    S = svd(M, full_matrices=False, compute_uv=False)
    if rtol is None:
        rtol = jnp.max(S, axis=-1) * float(max(M.aval.shape[-2:])) * _eps(M.aval.dtype)
    rtol = jnp.expand_dims(jnp.asarray(rtol), np.ndim(rtol) if not hasattr(rtol, "aval") else rtol.aval.ndim)
    return jnp.sum(S > rtol, axis=-1)


def cond(x, p=None):
    jnp = _jnp()
    (x,) = promote_inexact(operand(x))
    if p is None or p == 2:
        s = svd(x, compute_uv=False)
        r = s[..., 0] / s[..., -1]
    elif p == -2:
        s = svd(x, compute_uv=False)
        r = s[..., -1] / s[..., 0]
    else:
        if x.aval.ndim < 2 or x.aval.shape[-1] != x.aval.shape[-2]:
            raise user_error(ValueError, f"jnp.linalg.cond: for p={p}, array must be square; got {x.aval.shape}")
        r = norm(x, ord=p, axis=(-2, -1)) * norm(inv(x), ord=p, axis=(-2, -1))
    # NaNs become infinities where the input holds no NaN, as in JAX
    return jnp.where(jnp.isnan(r) & ~jnp.any(jnp.isnan(x), axis=(-2, -1)), jnp.inf, r)


def pinv(a, rtol=None, hermitian: bool = False, *, rcond=None):
    jnp = _jnp()
    (arr,) = promote_inexact(operand(a))
    if rcond is not None:
        rtol = rcond
    m, n = arr.aval.shape[-2:]
    if m == 0 or n == 0:
        return jnp.zeros(arr.aval.shape[:-2] + (n, m), arr.aval.dtype)
    arr = jnp.conj(arr)
    if rtol is None:
        rtol = 10.0 * max(m, n) * _eps(arr.aval.dtype)
    u, s, vh = svd(arr, full_matrices=False, hermitian=hermitian)
    rtol = jnp.asarray(rtol)
    rtol = jnp.reshape(rtol, rtol.shape + (1,) * (s.aval.ndim - rtol.ndim))
    cutoff = rtol * s[..., 0:1]
    s = jnp.where(s > cutoff, s, jnp.inf).astype(u.aval.dtype)
    res = jnp.matmul(_mT(vh), _mT(u) / s[..., None])
    return res.astype(arr.aval.dtype)
from ._linalg_array_api import *  # noqa: E402,F401,F403 - the array API names: cross, diagonal, matmul, matrix_norm, ...



# ---- general eigendecomposition and least squares (pb.eig; lstsq on svd) ----------------------

class EigResult(NamedTuple):
    eigenvalues: object
    eigenvectors: object


def eig(a):
    """(w, v): eigenvalues and right eigenvectors (columns) of general square matrices, always complex."""
    (a,) = promote_inexact(operand(a))
    _square("eig", a)
    w, v = lax_linalg.eig(a, compute_left_eigenvectors=False)
    return EigResult(w, v)


def eigvals(a):
    (a,) = promote_inexact(operand(a))
    _square("eigvals", a)
    return lax_linalg.eig(a, compute_left_eigenvectors=False, compute_right_eigenvectors=False)[0]


def lstsq(a, b, rcond=None, *, numpy_resid: bool = False):
    """JAX's SVD-based least squares: (x, resid, rank, s), singular values below rcond * s[0] dropped."""
    jnp = _jnp()
    a, b = promote_inexact(operand(a), operand(b))
    if a.aval.shape[0] != b.aval.shape[0]:
        raise user_error(ValueError, "Leading dimensions of input arrays must match")
    vector = b.aval.ndim == 1
    if vector:
        b = b[:, None]
    if a.aval.ndim != 2:
        raise user_error(TypeError, f"{a.aval.ndim}-dimensional array given. Array must be two-dimensional")
    if b.aval.ndim != 2:
        raise user_error(TypeError, f"{b.aval.ndim}-dimensional array given. Array must be one or "
                                    "two-dimensional")
    m, n = a.aval.shape
    dtype = a.aval.dtype
    if m == 0 or n == 0:
        s = jnp.zeros((0,), dtype)
        rank = jnp.asarray(0, dtype=int)
        x = jnp.zeros((n,) + b.aval.shape[1:], dtype)
    else:
        eps = _eps(dtype)
        if rcond is None:
            rcond = eps * max(n, m)
        else:
            rcond = jnp.where(jnp.asarray(rcond) < 0, eps, rcond)
        u, s, vt = svd(a, full_matrices=False)
        mask = (s > 0) & (s >= jnp.asarray(rcond, dtype=s.aval.dtype) * s[0])
        rank = jnp.sum(mask)
        safe_s = jnp.where(mask, s, 1).astype(dtype)
        s_inv = jnp.where(mask, 1 / safe_s, jnp.zeros_like(safe_s))[:, None]
        utb = jnp.matmul(_mH(u), b)
        x = jnp.matmul(_mH(vt), s_inv * utb)
    if numpy_resid and (int(rank) < n or m <= n):
        resid = jnp.asarray([])
    else:
        resid = norm(b - jnp.matmul(a, x), axis=0) ** 2
    if vector:
        x = jnp.ravel(x)
    return x, resid, rank, s


__all__ += ["EigResult", "eig", "eigvals", "lstsq"]


# ---- det: JAX's closed forms and custom JVP through the adjugate (finite at singular matrices) ----

def _det_2x2(a):
    return a[..., 0, 0] * a[..., 1, 1] - a[..., 0, 1] * a[..., 1, 0]


def _det_3x3(a):
    return (a[..., 0, 0] * a[..., 1, 1] * a[..., 2, 2] + a[..., 0, 1] * a[..., 1, 2] * a[..., 2, 0]
            + a[..., 0, 2] * a[..., 1, 0] * a[..., 2, 1] - a[..., 0, 2] * a[..., 1, 1] * a[..., 2, 0]
            - a[..., 0, 0] * a[..., 1, 2] * a[..., 2, 1] - a[..., 0, 1] * a[..., 1, 0] * a[..., 2, 2])


def _det_impl(a):
    jnp = _jnp()
    sign, logdet = _slogdet_impl(a)
    return sign * jnp.exp(logdet).astype(sign.aval.dtype)


_det = custom_jvp(_det_impl)


def _cofactor_solve(a, b):
    """(det a, adj(a) b), JAX's _cofactor_solve: from a's LU with U's last pivot replaced by the inverse
    of the product of the others, so a rank n-1 matrix gets its rank-one adjugate instead of NaN; lower
    rank gives zeros (the adjugate vanishes)."""
    jnp = _jnp()
    n = a.aval.shape[-1]
    if n == 1:
        return a[..., 0, 0], b
    lu, pivots, perm = lax_linalg.lu(a)
    diag = _diagonal(lu)
    swaps = jnp.count_nonzero(pivots != jnp.arange(n, dtype=pivots.aval.dtype), axis=-1)
    sign = jnp.asarray(-2 * (swaps % 2) + 1, dtype=a.aval.dtype)
    partial_det = jnp.cumprod(diag, axis=-1) * sign[..., None]
    lu = lu.at[..., -1, -1].set(1.0 / partial_det[..., -2])
    ts = lax_linalg.triangular_solve
    d = ts(lu, jnp.ones(b.aval.shape[:-1], b.aval.dtype), left_side=True, lower=False)
    singular = jnp.any(jnp.isnan(d) | jnp.isinf(d), axis=-1)[..., None, None]
    x = jnp.where(singular, jnp.zeros_like(b), b)
    x = ts(lu, _permute_rows(perm, x), left_side=True, lower=True, unit_diagonal=True)
    x = jnp.concatenate((x[..., :-1, :] * partial_det[..., -1, None, None], x[..., -1:, :]), axis=-2)
    x = ts(lu, x, left_side=True, lower=False)
    return partial_det[..., -1], jnp.where(singular, jnp.zeros_like(x), x)


@_det.defjvp
def _det_jvp(primals, tangents):
    (x,), (g,) = primals, tangents
    y, z = _cofactor_solve(x, g)
    return y, trace(z)
