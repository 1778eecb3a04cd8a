"""jnp comparisons and logic: the comparison operators, logical and bitwise functions,
where, the isfinite/isnan/isinf tests and the closeness checks."""
from __future__ import annotations

import numpy as _np

from .. import dtypes as _dt
from .. import lax
from ..core import Array, Literal
from . import _arithmetic, _reductions
from ._core import as_value, broadcast_all, elementwise, operand, promote, to_bool
from ._creation import full
from ._eager import eager_jit


def _comparison(name, fn):
    return eager_jit(lambda x, y: elementwise(fn, x, y), name=name)


equal = _comparison("equal", lax.eq)
not_equal = _comparison("not_equal", lax.ne)
less = _comparison("less", lax.lt)
less_equal = _comparison("less_equal", lax.le)
greater = _comparison("greater", lax.gt)
greater_equal = _comparison("greater_equal", lax.ge)


@eager_jit
def logical_and(x, y):
    return elementwise(lax.bitwise_and, to_bool(x), to_bool(y))


@eager_jit
def logical_or(x, y):
    return elementwise(lax.bitwise_or, to_bool(x), to_bool(y))


def logical_not(x):
    return lax.bitwise_not(to_bool(x))


@eager_jit
def bitwise_and(x, y):
    return elementwise(lax.bitwise_and, x, y)


@eager_jit
def bitwise_or(x, y):
    return elementwise(lax.bitwise_or, x, y)


@eager_jit
def bitwise_xor(x, y):
    return elementwise(lax.bitwise_xor, x, y)


@eager_jit
def left_shift(x, y):
    return elementwise(lax.shift_left, x, y)


@eager_jit
def right_shift(x, y):
    """Arithmetic for signed integers, logical for unsigned ones (numpy's >>)."""
    def shift(a, b):
        logical = a.aval.dtype in _dt.UNSIGNED
        return (lax.shift_right_logical if logical else lax.shift_right_arithmetic)(a, b)
    return elementwise(shift, x, y)


bitwise_left_shift, bitwise_right_shift = left_shift, right_shift


def invert(x):
    return lax.bitwise_not(as_value(operand(x)))


bitwise_not = invert


@eager_jit
def where(condition, x=None, y=None):
    if x is None or y is None:
        raise NotImplementedError("pullback.numpy.where with one argument (data-dependent shape)")
    c = to_bool(condition)
    x, y = promote(x, y)
    c, x, y = broadcast_all(c, x, y)
    return lax.select(c, x, y)


def isfinite(x):
    x = as_value(operand(x))
    if not _dt.is_inexact(x.aval.dtype):
        return full(x.aval.shape, True, "bool")
    if _dt.is_complex(x.aval.dtype):
        return logical_and(isfinite(lax.real(x)), isfinite(lax.imag(x)))
    return lax.lt(lax.abs(x), Literal(float("inf"), x.aval.dtype, False))


def isnan(x):
    x = as_value(operand(x))
    return lax.ne(x, x)


def isinf(x):
    x = as_value(operand(x))
    if not _dt.is_inexact(x.aval.dtype):
        return full(x.aval.shape, False, "bool")
    return lax.eq(lax.abs(x), Literal(float("inf"), _dt.real_dtype(x.aval.dtype), False))


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _reductions.all(isclose(a, b, rtol, atol, equal_nan))


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    a, b = promote(a, b)
    a, b = as_value(a), as_value(b)
    if not _dt.is_inexact(a.aval.dtype):
        return equal(a, b)
    diff = _arithmetic.abs(_arithmetic.subtract(a, b))
    tol = _arithmetic.add(atol, _arithmetic.multiply(rtol, _arithmetic.abs(b)))
    close = less_equal(diff, tol)
    close = logical_or(close, equal(a, b))
    if equal_nan:
        close = logical_or(close, logical_and(isnan(a), isnan(b)))
    return close


def array_equal(a1, a2, equal_nan=False):
    a1, a2 = as_value(operand(a1)), as_value(operand(a2))
    if a1.aval.shape != a2.aval.shape:
        return Array(_np.asarray(False), "bool", False)
    eq = equal(a1, a2)
    if equal_nan:
        eq = logical_or(eq, logical_and(isnan(a1), isnan(a2)))
    return _reductions.all(eq)
