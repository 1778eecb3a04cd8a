"""jnp reductions: sum, prod, max, min, mean, all, any, the arg-reductions and cumsum."""
from __future__ import annotations

from .. import dtypes as _dt
from .. import lax
from ..core import Literal
from . import _arithmetic
from ._core import as_value, canonical_axes, canonical_axis, operand, to_bool
from ._shapes import ravel


def _reduction(name, lax_fn, *, upcast_bool=False):
    def f(a, axis=None, dtype=None, keepdims=False, out=None, initial=None, where=None):
        if out is not None or where is not None:
            raise NotImplementedError(f"pullback.numpy.{name} with out= or where=")
        a = as_value(operand(a))
        axes = canonical_axes(axis, a.aval.ndim)
        if dtype is not None:
            a = lax.convert_element_type(a, _dt.name(dtype))
        elif upcast_bool and a.aval.dtype == "bool":
            a = lax.convert_element_type(a, _dt.default_int())
        elif upcast_bool and a.aval.dtype in ("int8",):
            a = lax.convert_element_type(a, _dt.default_int())
        r = lax_fn(a, axes)
        if initial is not None:
            combine = {"sum": _arithmetic.add, "prod": _arithmetic.multiply, "max": _arithmetic.maximum,
                       "min": _arithmetic.minimum}[name]
            r = combine(r, initial)
        return _keepdims(r, a.aval.shape, axes) if keepdims else r
    f.__name__ = name
    return f


def _keepdims(r, shape, axes):
    new = tuple(1 if i in axes else d for i, d in enumerate(shape))
    return lax.reshape(r, new)


sum = _reduction("sum", lax.reduce_sum, upcast_bool=True)  # noqa: A001
prod = _reduction("prod", lax.reduce_prod, upcast_bool=True)
max = _reduction("max", lax.reduce_max)  # noqa: A001
min = _reduction("min", lax.reduce_min)  # noqa: A001
amax, amin = max, min


def mean(a, axis=None, dtype=None, keepdims=False):
    a = as_value(operand(a))
    axes = canonical_axes(axis, a.aval.ndim)
    n = 1
    for ax in axes:
        n *= a.aval.shape[ax]
    dt = _dt.name(dtype) if dtype is not None else _dt.to_inexact(a.aval.dtype)
    s = sum(lax.convert_element_type(a, dt), axis=axes, keepdims=keepdims)
    return lax.div(s, Literal(n, dt, False))


def all(a, axis=None, keepdims=False):  # noqa: A001
    return min(to_bool(a), axis=axis, keepdims=keepdims)


def any(a, axis=None, keepdims=False):  # noqa: A001
    return max(to_bool(a), axis=axis, keepdims=keepdims)


def argmax(a, axis=None, keepdims=False):
    return _arg_reduction(lax.argmax, a, axis, keepdims)


def argmin(a, axis=None, keepdims=False):
    return _arg_reduction(lax.argmin, a, axis, keepdims)


def _arg_reduction(fn, a, axis, keepdims):
    a = as_value(operand(a))
    if axis is None:
        a = ravel(a)
        axis = 0
    ax = canonical_axis(axis, a.aval.ndim)
    r = fn(a, ax, _dt.default_int())
    return _keepdims(r, a.aval.shape, (ax,)) if keepdims else r


def cumsum(a, axis=None, dtype=None):
    a = as_value(operand(a))
    if axis is None:
        a = ravel(a)
        axis = 0
    if dtype is not None:
        a = lax.convert_element_type(a, _dt.name(dtype))
    elif a.aval.dtype == "bool":
        a = lax.convert_element_type(a, _dt.default_int())
    return lax.cumsum(a, canonical_axis(axis, a.aval.ndim))
