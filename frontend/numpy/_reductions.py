"""jnp reductions: sum, prod, max, min, mean, all, any, the arg-reductions and cumsum."""
from __future__ import annotations

import builtins

from .. import dtypes as _dt
from .. import lax
from ..core import Literal
from ..errors import user_error
from . import _arithmetic
from ._core import as_value, canonical_axes, canonical_axis, operand, to_bool
from ._shapes import ravel


# Sums and products of narrow integers accumulate in the default integer of their signedness.
_NARROW_ACCUMULATOR = {"bool": "int64", "int8": "int64", "int16": "int64", "uint8": "uint64", "uint16": "uint64"}


def _reduction(name, lax_fn, *, upcast_bool=False, has_identity=True):
    """A numpy reduction over lax_fn. Without an identity (max, min), reducing a zero-size
    axis needs `initial`, as in numpy and JAX."""
    def f(a, axis=None, dtype=None, keepdims=False, out=None, initial=None, where=None):
        if out is not None or where is not None:
            raise NotImplementedError(f"pullback.numpy.{name} with out= or where=")
        a = as_value(operand(a))
        axes = canonical_axes(axis, a.aval.ndim)
        if not has_identity and initial is None and builtins.any(a.aval.shape[ax] == 0 for ax in axes):
            raise user_error(ValueError, f"zero-size array to reduction operation {name} which has no identity")
        if dtype is not None:
            a = lax.convert_element_type(a, _dt.requested(dtype))
        elif upcast_bool and a.aval.dtype in _NARROW_ACCUMULATOR:  # numpy's (and JAX's) widening
            a = lax.convert_element_type(a, _dt.canonicalize(_NARROW_ACCUMULATOR[a.aval.dtype]))
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
max = _reduction("max", lax.reduce_max, has_identity=False)  # noqa: A001
min = _reduction("min", lax.reduce_min, has_identity=False)  # noqa: A001
_bool_max = _reduction("max", lax.reduce_max)  # of booleans: False is the identity
_bool_min = _reduction("min", lax.reduce_min)  # of booleans: True is the identity
amax, amin = max, min


def mean(a, axis=None, dtype=None, keepdims=False):
    a = as_value(operand(a))
    axes = canonical_axes(axis, a.aval.ndim)
    n = 1
    for ax in axes:
        n *= a.aval.shape[ax]
    dt = _dt.requested(dtype) if dtype is not None else _dt.to_inexact(a.aval.dtype)
    s = sum(lax.convert_element_type(a, dt), axis=axes, keepdims=keepdims)
    return lax.div(s, Literal(n, dt, False))


def all(a, axis=None, keepdims=False):  # noqa: A001
    return _bool_min(to_bool(a), axis=axis, keepdims=keepdims)


def any(a, axis=None, keepdims=False):  # noqa: A001
    return _bool_max(to_bool(a), axis=axis, keepdims=keepdims)


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
    if a.aval.shape[ax] == 0:
        raise user_error(ValueError, f"attempt to get {fn.__name__} of an empty sequence")
    r = fn(a, ax, _dt.default_int())
    return _keepdims(r, a.aval.shape, (ax,)) if keepdims else r


def cumsum(a, axis=None, dtype=None):
    a = as_value(operand(a))
    if axis is None:
        a = ravel(a)
        axis = 0
    if dtype is not None:
        a = lax.convert_element_type(a, _dt.requested(dtype))
    elif a.aval.dtype == "bool":
        a = lax.convert_element_type(a, _dt.default_int())
    return lax.cumsum(a, canonical_axis(axis, a.aval.ndim))
