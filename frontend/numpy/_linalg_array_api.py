"""The array API's names in jnp.linalg (cross, diagonal, matmul, matrix_norm, matrix_transpose, outer,
svdvals, tensordot, vecdot, vector_norm) with JAX's signatures: keyword-only options, the last two axes as
the matrix, and JAX's checks (3-vectors for cross, 1-D operands for outer, ndim >= 2 for matrix_transpose).
Each is a thin composition of pullback.numpy; `precision` is accepted for JAX compatibility (the CPU
kernels compute at full precision) and `preferred_element_type` computes in that dtype.
"""
from __future__ import annotations

import numpy as _np

from .. import dtypes as _dt
from .. import lax
from ..errors import user_error
from . import _arithmetic as _a, _logic as _l, _reductions as _r
from ._composite_math import cross as _cross
from ._arrange import diagonal as _diagonal
from ._core import as_value, convert, operand
from ._more_math import vecdot as _vecdot
from ._products import matmul as _matmul, tensordot as _tensordot
from ._shapes import reshape


def _preferred(xs, preferred_element_type):
    xs = [as_value(operand(x)) for x in xs]
    if preferred_element_type is None:
        return xs
    dt = _dt.name(preferred_element_type)
    return [convert(x, dt) for x in xs]


def cross(x1, x2, /, *, axis=-1):
    a, b = as_value(operand(x1)), as_value(operand(x2))
    if a.aval.shape[axis] != 3 or b.aval.shape[axis] != 3:
        raise user_error(ValueError, "Both input arrays must be (arrays of) 3-dimensional vectors, but they have "
                         f"x1.shape[axis]={a.aval.shape[axis]} and x2.shape[axis]={b.aval.shape[axis]}")
    return _cross(a, b, axis=axis)


def diagonal(x, /, *, offset=0):
    return _diagonal(x, offset=offset, axis1=-2, axis2=-1)


def matmul(x1, x2, /, *, precision=None, preferred_element_type=None):
    return _matmul(*_preferred((x1, x2), preferred_element_type))


def tensordot(x1, x2, /, *, axes=2, precision=None, preferred_element_type=None, out_sharding=None):
    return _tensordot(*_preferred((x1, x2), preferred_element_type), axes=axes)


def vecdot(x1, x2, /, *, axis=-1, precision=None, preferred_element_type=None):
    return _vecdot(*_preferred((x1, x2), preferred_element_type), axis=axis)


def matrix_transpose(x, /):
    x = as_value(operand(x))
    nd = x.aval.ndim
    if nd < 2:
        raise user_error(ValueError, f"matrix_transpose requires at least 2 dimensions; got ndim={nd}")
    return lax.transpose(x, (*range(nd - 2), nd - 1, nd - 2))


def outer(x1, x2, /):
    a, b = as_value(operand(x1)), as_value(operand(x2))
    if a.aval.ndim != 1 or b.aval.ndim != 1:
        raise user_error(ValueError, f"Input arrays must be one-dimensional, but they are x1.ndim={a.aval.ndim} "
                         f"x2.ndim={b.aval.ndim}")
    return _a.multiply(reshape(a, (-1, 1)), reshape(b, (1, -1)))


def matrix_norm(x, /, *, keepdims=False, ord="fro"):  # noqa: A002 - the array API's name
    from .linalg import norm  # lazy: linalg imports this module
    return norm(x, ord=ord, keepdims=keepdims, axis=(-2, -1))


def svdvals(x, /):
    from .linalg import svd  # lazy: linalg imports this module
    return svd(x, compute_uv=False, hermitian=False)


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):  # noqa: A002 - the array API's name
    x = as_value(operand(x))
    if ord is None or ord == 2:
        return _a.sqrt(_r.sum(_a.real(_a.multiply(x, _a.conj(x))), axis=axis, keepdims=keepdims))
    if ord == _np.inf:
        return _r.amax(_a.abs(x), axis=axis, keepdims=keepdims, initial=0)
    if ord == -_np.inf:
        return _r.amin(_a.abs(x), axis=axis, keepdims=keepdims)
    if ord == 0:
        if not _dt.is_inexact(x.aval.dtype):  # JAX counts in finfo(x.dtype), which integers lack
            raise user_error(ValueError, f"data type {x.dtype} not inexact")
        dt = _dt.real_dtype(x.aval.dtype)
        return _r.sum(_l.not_equal(x, 0), dtype=dt, axis=axis, keepdims=keepdims)
    if ord == 1:
        return _r.sum(_a.abs(x), axis=axis, keepdims=keepdims)
    if isinstance(ord, str):
        msg = f"Invalid order '{ord}' for vector norm."
        if ord == "inf":
            msg += "Use 'jax.numpy.inf' instead."
        if ord == "-inf":
            msg += "Use '-jax.numpy.inf' instead."
        raise user_error(ValueError, msg)
    ax = as_value(_a.abs(x))
    out = _r.sum(_a.power(ax, lax.full((), ord, ax.aval.dtype)), axis=axis, keepdims=keepdims)
    return _a.power(out, lax.full((), 1.0 / ord, ax.aval.dtype))


__all__ = ["cross", "diagonal", "matmul", "matrix_norm", "matrix_transpose", "outer", "svdvals", "tensordot",
           "vecdot", "vector_norm"]
