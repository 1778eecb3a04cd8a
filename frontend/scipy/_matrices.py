"""jax.scipy.linalg's structured matrices and the polar decomposition, composed from pullback.numpy.

toeplitz, hankel, circulant, companion and leslie take (batches of) vectors, as JAX's vectorized
versions: leading dimensions broadcast and the matrix fills the last two. hilbert, helmert and
hadamard build constants. polar(a) = (u, p) from the reduced SVD (a = U S Vᴴ: u = U Vᴴ, p = V S Vᴴ
on the right, U S Uᴴ on the left). JAX's default method='qdwh' iterates to the same factors; here
both methods use the SVD, keeping qdwh's shape restrictions and errors.
"""
from __future__ import annotations

import math

import numpy as np

from ..errors import user_error
from ..lax import linalg as lax_linalg
from ..numpy._core import operand, promote, promote_inexact
import pullback.numpy as jnp

__all__ = ["circulant", "companion", "hadamard", "hankel", "helmert", "hilbert", "leslie", "polar", "toeplitz"]


def _broadcast_vectors(c, r):
    batch = np.broadcast_shapes(c.aval.shape[:-1], r.aval.shape[:-1])
    return (jnp.broadcast_to(c, batch + c.aval.shape[-1:]), jnp.broadcast_to(r, batch + r.aval.shape[-1:]))


def _windows(elems, rows: int, cols: int, reverse_rows: bool):
    """out[..., i, j] = elems[..., j + (rows - 1 - i if reverse_rows else i)]."""
    i = np.arange(rows)[:, None]
    idx = np.arange(cols)[None, :] + ((rows - 1 - i) if reverse_rows else i)
    return jnp.take(elems, jnp.asarray(idx.astype(np.int32)), axis=-1)


def toeplitz(c, r=None):
    c = jnp.atleast_1d(operand(c))
    r = jnp.conjugate(c) if r is None else jnp.atleast_1d(operand(r))
    c, r = promote(c, r)
    c, r = _broadcast_vectors(c, r)
    m, n = c.aval.shape[-1], r.aval.shape[-1]
    if m == 0 or n == 0:
        return jnp.zeros(c.aval.shape[:-1] + (m, n), c.aval.dtype)
    return _windows(jnp.concatenate((jnp.flip(c, -1), r[..., 1:]), axis=-1), m, n, reverse_rows=True)


def hankel(c, r=None):
    c = operand(c)
    r = jnp.zeros_like(c) if r is None else operand(r)
    if c.aval.ndim == 0:
        raise user_error(ValueError, "hankel: c must be at least 1-dimensional, got a scalar.")
    if r.aval.ndim == 0:
        raise user_error(ValueError, "hankel: r must be at least 1-dimensional, got a scalar.")
    c, r = promote(c, r)
    c, r = _broadcast_vectors(c, r)
    m, n = c.aval.shape[-1], r.aval.shape[-1]
    if m == 0 or n == 0:
        return jnp.zeros(c.aval.shape[:-1] + (m, n), c.aval.dtype)
    return _windows(jnp.concatenate((c, r[..., 1:]), axis=-1), m, n, reverse_rows=False)


def circulant(c):
    c = jnp.atleast_1d(operand(c))
    n = c.aval.shape[-1]
    idx = (np.arange(n)[:, None] - np.arange(n)[None, :]) % max(n, 1)
    return jnp.take(c, jnp.asarray(idx.astype(np.int32)), axis=-1)


def companion(a):
    (a,) = promote_inexact(operand(a))
    a = jnp.atleast_1d(a)
    if a.aval.shape[-1] < 2:
        raise user_error(ValueError, "The length of `a` along the last axis must be at least 2; "
                                     f"got shape {a.aval.shape}.")
    first_row = -a[..., 1:] / a[..., :1]
    m = a.aval.shape[-1] - 1
    below = jnp.broadcast_to(jnp.eye(m, m, k=-1, dtype=first_row.aval.dtype), first_row.aval.shape[:-1] + (m, m))
    return jnp.concatenate((first_row[..., None, :], below[..., 1:, :]), axis=-2)


def leslie(f, s):
    f, s = jnp.atleast_1d(operand(f)), jnp.atleast_1d(operand(s))
    if f.aval.shape[-1] < 2:
        raise user_error(ValueError, "The length of f along the last axis must be at least 2; "
                                     f"got shape {f.aval.shape}.")
    if s.aval.shape[-1] != f.aval.shape[-1] - 1:
        raise user_error(ValueError, "Incorrect lengths for f and s. The length of s along the last axis must be "
                                     f"one less than the length of f; got f shape {f.aval.shape} and s shape "
                                     f"{s.aval.shape}.")
    f, s = promote(f, s)
    f, s = _broadcast_vectors(f, s)
    n = f.aval.shape[-1]
    sub = s[..., None, :] * jnp.asarray(np.eye(n - 1), dtype=s.aval.dtype)       # (..., n-1, n-1) diag(s)
    sub = jnp.concatenate((sub, jnp.zeros(sub.aval.shape[:-1] + (1,), sub.aval.dtype)), axis=-1)
    return jnp.concatenate((f[..., None, :], sub), axis=-2)


def hilbert(n: int):
    a = jnp.arange(n, dtype=float)[:, None]
    return 1 / (a + a.T + 1)


def hadamard(n: int, dtype=int):
    if n < 1 or not math.log2(n).is_integer():
        raise user_error(ValueError, f"n must be a positive power of 2; got {n}.")
    h = np.ones((1, 1))
    for _ in range(int(math.log2(n))):
        h = np.block([[h, h], [h, -h]])
    return jnp.asarray(h, dtype=dtype)


def helmert(n: int, full: bool = False):
    if n < 1:
        raise user_error(ValueError, f"n must be a positive integer; got {n}.")
    i = jnp.arange(n - 1)[:, None]
    j = jnp.arange(n)[None, :]
    k = (i + 1).astype(float)
    denom = jnp.sqrt(k * (k + 1))
    h = jnp.where(j <= i, 1.0 / denom, jnp.where(j == i + 1, -k / denom, jnp.zeros_like(denom)))
    if full:
        h = jnp.concatenate([jnp.full((1, n), 1.0 / np.sqrt(n), dtype=h.dtype), h], axis=0)
    return h


def polar(a, side: str = "right", *, method: str = "qdwh", eps=None, max_iterations=None):
    (a,) = promote_inexact(operand(a))
    if a.aval.ndim < 2:
        raise user_error(ValueError, "The input `a` must be at least a 2-D array.")
    if side not in ("right", "left"):
        raise user_error(ValueError, "The argument `side` must be either 'right' or 'left'.")
    m, n = a.aval.shape[-2:]
    if method == "qdwh" and not ((m >= n and side == "right") or (m < n and side == "left")):
        raise user_error(NotImplementedError, "method='qdwh' only supports mxn matrices where m < n where "
                                              f"side='right' and m >= n side='left', got {a.aval.shape[-2:]} "
                                              f"with side={side!r}")
    if method not in ("qdwh", "svd"):
        raise user_error(ValueError, f"Unknown polar decomposition method {method}.")
    u, s, vh = lax_linalg.svd(a, full_matrices=False)
    s = s.astype(u.dtype)
    unitary = jnp.matmul(u, vh)
    if side == "right":
        posdef = jnp.matmul(jnp.conj(jnp.swapaxes(vh, -1, -2)) * s[..., None, :], vh)
    else:
        posdef = jnp.matmul(u * s[..., None, :], jnp.conj(jnp.swapaxes(u, -1, -2)))
    return unitary, posdef
