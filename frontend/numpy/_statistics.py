"""jnp statistics composed from the reductions: var/std (ddof), the nan-ignoring reductions,
average (weights), cov/corrcoef, ptp and count_nonzero.

As in JAX, the nan-reductions replace NaNs by the reduction's identity and divide by the
count of non-NaN entries; integer inputs are computed in the default float type.
"""
from __future__ import annotations

from .. import dtypes as _dt, lax
from ..errors import user_error
from . import _arithmetic as _a, _logic as _l, _reductions as _r
from ._core import as_value, canonical_axes, operand, promote_inexact
from ._products import dot
from ._shapes import atleast_2d, broadcast_to, concatenate, reshape
from ._arrange import diagonal


def _count(shape, axis):
    n = 1
    for ax in canonical_axes(axis, len(shape)):
        n *= shape[ax]
    return n


def _float_input(a, dtype=None):
    a = as_value(operand(a))
    dt = _dt.requested(dtype) if dtype is not None else _dt.to_inexact(a.aval.dtype)
    return lax.convert_element_type(a, dt) if a.aval.dtype != dt else a


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, correction=None):
    if out is not None or where is not None:
        raise user_error(NotImplementedError, "jnp.var with out= or where= is not supported")
    if correction is not None:
        ddof = correction
    a = _float_input(a, dtype)
    centered = _a.subtract(a, _r.mean(a, axis=axis, keepdims=True))
    if _dt.is_complex(a.aval.dtype):
        sq = _a.real(_a.multiply(centered, _a.conjugate(centered)))
    else:
        sq = _a.multiply(centered, centered)
    n = _count(a.aval.shape, axis) - ddof
    return _a.true_divide(_r.sum(sq, axis=axis, keepdims=keepdims), n)


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, correction=None):
    return _a.sqrt(var(a, axis, dtype, out, ddof, keepdims, where=where, correction=correction))


def _nan_replaced(a, fill):
    a = as_value(operand(a))
    if not _dt.is_inexact(a.aval.dtype):
        return a
    return _l.where(_l.isnan(a), lax.full(a.aval.shape, fill, a.aval.dtype), a)


def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    return _r.sum(_nan_replaced(a, 0), axis=axis, dtype=dtype, keepdims=keepdims, initial=initial, where=where)


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    return _r.prod(_nan_replaced(a, 1), axis=axis, dtype=dtype, keepdims=keepdims, initial=initial, where=where)


def _nan_extreme(reduce, fill):
    def f(a, axis=None, out=None, keepdims=False, initial=None, where=None):
        a = as_value(operand(a))
        if not _dt.is_inexact(a.aval.dtype):
            return reduce(a, axis=axis, keepdims=keepdims, initial=initial)
        r = reduce(_nan_replaced(a, fill), axis=axis, keepdims=keepdims, initial=initial)
        all_nan = _r.all(_l.isnan(a), axis=axis, keepdims=keepdims)
        return _l.where(all_nan, lax.full(r.aval.shape, float("nan"), r.aval.dtype), r)
    f.__name__ = "nan" + reduce.__name__
    return f


nanmax = _nan_extreme(_r.max, float("-inf"))
nanmin = _nan_extreme(_r.min, float("inf"))


def _nan_count(a, axis, keepdims):
    return _r.sum(_l.logical_not(_l.isnan(a)), axis=axis, keepdims=keepdims)


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, where=None):
    a = _float_input(a, dtype)
    s = nansum(a, axis=axis, keepdims=keepdims)
    return _a.true_divide(s, lax.convert_element_type(as_value(_nan_count(a, axis, keepdims)), s.aval.dtype))


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=None):
    a = _float_input(a, dtype)
    centered = _a.subtract(a, nanmean(a, axis=axis, keepdims=True))
    sq = _nan_replaced(_a.multiply(centered, centered), 0)
    n = _a.subtract(lax.convert_element_type(as_value(_nan_count(a, axis, keepdims)), a.aval.dtype), ddof)
    v = _a.true_divide(_r.sum(sq, axis=axis, keepdims=keepdims), n)
    return _l.where(_l.less_equal(n, 0), lax.full(v.aval.shape, float("nan"), v.aval.dtype), v)


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=None):
    return _a.sqrt(nanvar(a, axis, dtype, out, ddof, keepdims))


def _nan_arg(reduce, fill):
    def f(a, axis=None, out=None, keepdims=False):
        a = as_value(operand(a))
        if not _dt.is_inexact(a.aval.dtype):
            return reduce(a, axis=axis, keepdims=keepdims)
        r = reduce(_nan_replaced(a, fill), axis=axis, keepdims=keepdims)
        return _l.where(_r.all(_l.isnan(a), axis=axis, keepdims=keepdims), lax.full(r.aval.shape, -1, r.aval.dtype), r)
    f.__name__ = "nan" + reduce.__name__
    return f


nanargmax = _nan_arg(_r.argmax, float("-inf"))
nanargmin = _nan_arg(_r.argmin, float("inf"))


def average(a, axis=None, weights=None, returned=False, keepdims=False):
    if weights is None:
        avg = _r.mean(a, axis=axis, keepdims=keepdims)
        a = as_value(operand(a))
        wsum = lax.full(avg.aval.shape, _count(a.aval.shape, axis), avg.aval.dtype)
    else:
        a, w = promote_inexact(a, weights)
        a, w = as_value(a), as_value(w)
        if w.aval.shape != a.aval.shape:
            if axis is None:
                raise user_error(ValueError, "Axis must be specified when shapes of a and weights differ.")
            if w.aval.ndim != 1:
                raise user_error(ValueError, "1D weights expected when shapes of a and weights differ.")
            ax = canonical_axes(axis, a.aval.ndim)[0]
            if w.aval.shape[0] != a.aval.shape[ax]:
                raise user_error(ValueError, "Length of weights not compatible with specified axis.")
            w = broadcast_to(reshape(w, tuple(-1 if i == ax else 1 for i in range(a.aval.ndim))), a.aval.shape)
        wsum = _r.sum(w, axis=axis, keepdims=keepdims)
        avg = _a.true_divide(_r.sum(_a.multiply(a, w), axis=axis, keepdims=keepdims), wsum)
    return (avg, wsum) if returned else avg


def ptp(a, axis=None, out=None, keepdims=False):
    return _a.subtract(_r.max(a, axis=axis, keepdims=keepdims), _r.min(a, axis=axis, keepdims=keepdims))


def count_nonzero(a, axis=None, keepdims=False):
    a = as_value(operand(a))
    nz = a if a.aval.dtype == "bool" else _l.not_equal(a, 0)
    return lax.convert_element_type(as_value(_r.sum(nz, axis=axis, keepdims=keepdims)), _dt.default_int())


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None):
    if fweights is not None or aweights is not None:
        raise user_error(NotImplementedError, "jnp.cov with fweights/aweights is not supported")
    x = atleast_2d(_float_input(m))
    if not rowvar and x.aval.shape[0] != 1:
        x = lax.transpose(x, (1, 0))
    if y is not None:
        yy = atleast_2d(_float_input(y))
        if not rowvar and yy.aval.shape[0] != 1:
            yy = lax.transpose(yy, (1, 0))
        x, yy = promote_inexact(x, yy)
        x = concatenate([x, yy], axis=0)
    x = as_value(x)
    if ddof is None:
        ddof = 0 if bias else 1
    n = x.aval.shape[1]
    xc = _a.subtract(x, _r.mean(x, axis=1, keepdims=True))
    c = _a.true_divide(dot(xc, _a.conjugate(lax.transpose(xc, (1, 0)))), n - ddof)
    return reshape(c, ()) if c.aval.shape == (1, 1) else c


def corrcoef(x, y=None, rowvar=True):
    c = cov(x, y, rowvar)
    if c.aval.ndim == 0:
        return _a.true_divide(c, c)
    d = _a.sqrt(_a.real(_diag(c)))
    c = _a.true_divide(_a.true_divide(c, reshape(d, (-1, 1))), reshape(d, (1, -1)))
    if _dt.is_complex(c.aval.dtype):
        return c
    return _a.clip(c, -1, 1)


def _diag(c):
    return diagonal(c)
