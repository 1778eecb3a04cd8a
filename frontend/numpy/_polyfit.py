"""jnp.roots and jnp.polyfit: the polynomial functions that need linear algebra.

roots: eigenvalues (pb.eig) of the companion matrix, leading zeros stripped as JAX does (which needs
concrete coefficients; strip_zeros=False keeps the shape fixed, rolling the leading zeros to the end
and answering NaN for the roots they stand for). polyfit: JAX's weighted, column-scaled least
squares through jnp.linalg.lstsq, with its `full` and `cov` results.
"""
from __future__ import annotations

import numpy as np

from .. import lax
from ..errors import user_error
from . import linalg
from ._core import operand, promote_inexact

__all__ = ["polyfit", "roots"]


def _jnp():
    import pullback.numpy as jnp  # lazy: this module is imported while pullback.numpy initializes
    return jnp


def _complex_dtype(dtype: str) -> str:
    return {"float32": "complex64", "float64": "complex128"}.get(dtype, dtype)


def _roots_no_zeros(p):
    jnp = _jnp()
    n = p.aval.shape[0]
    if n < 2:
        return jnp.zeros((0,), _complex_dtype(p.aval.dtype))
    a = jnp.diag(jnp.ones((n - 2,), p.aval.dtype), -1)
    a = a.at[0, :].set(-p[1:] / p[0])
    return linalg.eigvals(a)


def _roots_with_zeros(p, num_leading_zeros):
    jnp = _jnp()
    n = p.aval.shape[0]
    p = jnp.where(num_leading_zeros == n, jnp.ones_like(p), p)
    roots = _roots_no_zeros(jnp.roll(p, -num_leading_zeros))
    roots = lax.sort_key_val(roots == 0, roots)[1]  # zero roots to the end
    nan = jnp.asarray(complex(np.nan, np.nan), roots.aval.dtype)
    return jnp.where(jnp.arange(roots.aval.shape[0]) < roots.aval.shape[0] - num_leading_zeros, roots, nan)


def roots(p, *, strip_zeros: bool = True):
    jnp = _jnp()
    (p,) = promote_inexact(operand(p))
    p = jnp.atleast_1d(p)
    if p.aval.ndim != 1:
        raise user_error(ValueError, "Input must be a rank-1 array.")
    if p.aval.shape[0] < 2:
        return jnp.zeros((0,), _complex_dtype(p.aval.dtype))
    num_leading_zeros = jnp.where(jnp.all(p == 0), p.aval.shape[0], jnp.argmin(p == 0))
    if strip_zeros:
        try:
            k = int(num_leading_zeros)
        except Exception as err:  # a tracer: JAX's ConcretizationTypeError names the same fix
            raise user_error(TypeError, "The error occurred in the jnp.roots() function. To use this within a "
                                        "JIT-compiled context, pass strip_zeros=False, but be aware that leading "
                                        "zeros will result in some returned roots being set to NaN.") from err
        return _roots_no_zeros(p[k:])
    return _roots_with_zeros(p, num_leading_zeros)


def polyfit(x, y, deg: int, rcond=None, full: bool = False, w=None, cov=False):
    jnp = _jnp()
    x, y = operand(x), operand(y)
    try:
        deg = int(deg)
    except TypeError as err:
        raise user_error(TypeError, "deg must be int") from err
    order = deg + 1
    if deg < 0:
        raise user_error(ValueError, "expected deg >= 0")
    if x.aval.ndim != 1:
        raise user_error(TypeError, "expected 1D vector for x")
    if x.aval.shape[0] == 0:
        raise user_error(TypeError, "expected non-empty vector for x")
    if y.aval.ndim < 1 or y.aval.ndim > 2:
        raise user_error(TypeError, "expected 1D or 2D array for y")
    if x.aval.shape[0] != y.aval.shape[0]:
        raise user_error(TypeError, "expected x and y to have same length")
    if rcond is None:
        rcond = x.aval.shape[0] * float(jnp.finfo(x.aval.dtype).eps)
    rcond = float(rcond)
    lhs = jnp.vander(x, order)
    rhs = y
    if w is not None:
        (w,) = promote_inexact(operand(w))
        if w.aval.ndim != 1:
            raise user_error(TypeError, "expected a 1-d array for weights")
        if w.aval.shape[0] != y.aval.shape[0]:
            raise user_error(TypeError, "expected w and y to have the same length")
        lhs = lhs * w[:, None]
        rhs = rhs * (w[:, None] if rhs.aval.ndim == 2 else w)
    scale = jnp.sqrt(jnp.sum(lhs * lhs, axis=0))
    lhs = lhs / scale[None, :]
    c, resids, rank, s = linalg.lstsq(lhs, rhs, rcond)
    c = (c.T / scale[None, :]).T if c.aval.ndim > 1 else c / scale
    if full:
        return c, resids, rank, s, jnp.asarray(rcond)
    if cov:
        vbase = linalg.inv(jnp.dot(lhs.T, lhs)) / jnp.outer(scale, scale)
        if cov == "unscaled":
            fac = jnp.asarray(1.0)
        else:
            if x.aval.shape[0] <= order:
                raise user_error(ValueError, "the number of data points must exceed order to scale the "
                                             "covariance matrix")
            fac = resids / (x.aval.shape[0] - order)
        if y.aval.ndim == 1:
            return c, vbase * jnp.atleast_1d(fac)[None]
        return c, vbase[:, :, None] * jnp.atleast_1d(fac)[None, None, :]
    return c
