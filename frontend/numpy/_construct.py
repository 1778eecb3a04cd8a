"""jnp constructors and layout helpers composed from other jnp functions: index sets of
triangles and diagonals (static, as numpy's), fill_diagonal, geometric/log ranges, window
functions, fromfunction, block, resize, unstack, and the array-API names (concat,
permute_dims, matrix_transpose) of existing functions."""
from __future__ import annotations

import math as _math

import numpy as _np

from .. import dtypes as _dt, lax
from ..core import Tracer
from ..errors import user_error
from . import _arithmetic as _a
from ._core import as_value, canonical_axis, operand
from ._creation import arange, array, linspace, zeros_like
from ._shapes import concatenate, moveaxis, ravel, reshape, swapaxes, transpose
from ._arrange import indices

concat = concatenate
permute_dims = transpose


def matrix_transpose(x):
    x = as_value(operand(x))
    if x.aval.ndim < 2:
        raise user_error(ValueError, f"matrix_transpose requires at least 2 dimensions; got ndim={x.aval.ndim}")
    return swapaxes(x, -1, -2)


def empty_like(prototype, dtype=None, shape=None):
    return zeros_like(prototype, dtype=dtype, shape=shape)


def copy(a, order=None):
    return array(a, copy=True)


def rollaxis(a, axis, start=0):
    a = as_value(operand(a))
    nd = a.aval.ndim
    axis = canonical_axis(axis, nd)
    start = start + nd if start < 0 else start
    if not 0 <= start <= nd:
        raise user_error(ValueError, f"start={start} must satisfy -{nd} <= start <= {nd}")
    if axis < start:
        start -= 1
    return moveaxis(a, axis, start)


def unstack(x, axis=0):
    x = as_value(operand(x))
    if x.aval.ndim == 0:
        raise user_error(ValueError, "Unstack requires arrays with rank > 0, however a scalar array was passed.")
    ax = canonical_axis(axis, x.aval.ndim)
    x = moveaxis(x, ax, 0)
    return tuple(x[i] for i in range(x.aval.shape[0]))


def _to_arrays(np_tuple):
    return tuple(array(v.astype(_np.int64)) for v in np_tuple)


def tril_indices(n, k=0, m=None):
    return _to_arrays(_np.tril_indices(n, k, m))


def triu_indices(n, k=0, m=None):
    return _to_arrays(_np.triu_indices(n, k, m))


def _matrix_shape(arr, name):
    shape = as_value(operand(arr)).aval.shape
    if len(shape) != 2:
        raise user_error(ValueError, f"{name} requires a 2-dimensional array")
    return shape


def tril_indices_from(arr, k=0):
    n, m = _matrix_shape(arr, "tril_indices_from")
    return tril_indices(n, k, m)


def triu_indices_from(arr, k=0):
    n, m = _matrix_shape(arr, "triu_indices_from")
    return triu_indices(n, k, m)


def diag_indices(n, ndim=2):
    if n < 0 or ndim < 0:
        raise user_error(ValueError, "n and ndim must be non-negative")
    return (arange(n),) * ndim


def diag_indices_from(arr):
    a = as_value(operand(arr))
    if a.aval.ndim < 2 or len(set(a.aval.shape)) != 1:
        raise user_error(ValueError, "input array must be at least 2-d and all dimensions must be of equal length")
    return diag_indices(a.aval.shape[0], a.aval.ndim)


def mask_indices(n, mask_func, k=0, *, size=None):
    m = _np.asarray(mask_func(_np.ones((n, n), _np.int32), k))
    return _to_arrays(_np.nonzero(m))


def fill_diagonal(a, val, wrap=False, *, inplace=True):
    if inplace:
        raise user_error(NotImplementedError, "JAX arrays are immutable, must use inplace=False")
    a = as_value(operand(a))
    if a.aval.ndim != 2 or wrap:
        raise user_error(NotImplementedError, "fill_diagonal: 2-D arrays without wrap only")
    n, m = a.aval.shape
    mask = lax.eq(lax.broadcasted_iota("int32", (n, m), 0), lax.broadcasted_iota("int32", (n, m), 1))
    v = as_value(operand(val))
    v = lax.convert_element_type(v, a.aval.dtype)
    if v.aval.ndim:
        d = min(n, m)
        flat = ravel(v)
        reps = -(-d // flat.aval.shape[0])
        diag = concatenate([flat] * reps)[:d]
        v = lax.broadcast_in_dim(diag, (n, m), (1,)) if d == m else lax.broadcast_in_dim(diag, (n, m), (0,))
    else:
        v = lax.broadcast_in_dim(v, (n, m), ())
    return lax.select(mask, v, a)


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    dt = _dt.requested(dtype) if dtype is not None else None
    lin = linspace(start, stop, num, endpoint=endpoint, axis=axis)
    out = _a.power(as_value(operand(base)).astype(lin.dtype) if not isinstance(base, (int, float)) else base, lin)
    return out if dt is None else lax.convert_element_type(out, dt)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    start_v, stop_v = as_value(operand(start)), as_value(operand(stop))
    sign = _a.sign(start_v)
    lo = _a.true_divide(_a.log(_a.abs(start_v)), _math.log(10))
    hi = _a.true_divide(_a.log(_a.abs(stop_v)), _math.log(10))
    out = _a.multiply(sign, logspace(lo, hi, num, endpoint=endpoint, base=10.0, axis=axis))
    return out if dtype is None else lax.convert_element_type(out, _dt.requested(dtype))


def _window(M, fn):
    M = int(M)
    dt = _dt.default_float()
    if M <= 1:
        return lax.full((max(M, 0),), 1, dt)
    n = lax.convert_element_type(lax.iota(_dt.default_int(), M), dt)
    return fn(n, M)


def hamming(M):
    return _window(M, lambda n, M: _a.subtract(0.54, _a.multiply(0.46, _a.cos(_a.true_divide(_a.multiply(2 * _math.pi, n), M - 1)))))


def hanning(M):
    return _window(M, lambda n, M: _a.subtract(0.5, _a.multiply(0.5, _a.cos(_a.true_divide(_a.multiply(2 * _math.pi, n), M - 1)))))


def blackman(M):
    def f(n, M):
        t = _a.true_divide(_a.multiply(2 * _math.pi, n), M - 1)
        return _a.add(_a.subtract(0.42, _a.multiply(0.5, _a.cos(t))), _a.multiply(0.08, _a.cos(_a.multiply(2.0, t))))
    return _window(M, f)


def bartlett(M):
    def f(n, M):
        half = (M - 1) / 2.0
        return _a.subtract(1.0, _a.abs(_a.true_divide(_a.subtract(n, half), half)))
    return _window(M, f)


def fromfunction(function, shape, *, dtype=float, **kwargs):
    dt = _dt.requested(dtype)
    grids = [lax.convert_element_type(g, dt) for g in indices(tuple(shape), dtype="int32", sparse=False)]
    return function(*grids, **kwargs)


def block(arrays):
    def depth(x):
        return 1 + depth(x[0]) if isinstance(x, list) and x else (1 if isinstance(x, list) else 0)
    d = depth(arrays)
    if d == 0:
        return as_value(operand(arrays))

    def leaf_ndim(x):
        return leaf_ndim(x[0]) if isinstance(x, list) else as_value(operand(x)).aval.ndim
    nd = max(d, leaf_ndim(arrays))

    def build(x, level):
        if not isinstance(x, list):
            x = as_value(operand(x))
            return reshape(x, (1,) * (nd - x.aval.ndim) + x.aval.shape)
        if not x:
            raise user_error(ValueError, "Lists cannot be empty")
        return concatenate([build(e, level + 1) for e in x], axis=-(d - level))
    return build(arrays, 0)


def resize(a, new_shape):
    a = ravel(a)
    new_shape = (new_shape,) if isinstance(new_shape, int) else tuple(new_shape)
    total = int(_np.prod(new_shape, dtype=_np.int64))
    n = a.aval.shape[0]
    if total == 0 or n == 0:
        return lax.full(new_shape, 0, a.aval.dtype)
    reps = -(-total // n)
    return reshape(concatenate([a] * reps)[:total], new_shape)


def trim_zeros(filt, trim="fb"):
    if isinstance(filt, Tracer):
        raise user_error(TypeError, "trim_zeros needs a concrete array (its output shape depends on the values)")
    f = _np.asarray(filt)
    nz = _np.flatnonzero(f)
    if nz.size == 0:
        return array(f[:0])
    lo = nz[0] if "f" in trim.lower() else 0
    hi = nz[-1] + 1 if "b" in trim.lower() else len(f)
    return as_value(operand(filt))[int(lo):int(hi)]


__all__ = ["bartlett", "blackman", "block", "concat", "copy", "diag_indices", "diag_indices_from", "empty_like",
           "fill_diagonal", "fromfunction", "geomspace", "hamming", "hanning", "logspace", "mask_indices",
           "matrix_transpose", "permute_dims", "resize", "rollaxis", "tril_indices", "tril_indices_from",
           "trim_zeros", "triu_indices", "triu_indices_from", "unstack"]
