"""lax's transcendental and special functions (one pb op each, from dialects/ops/transcendental.py and
special.py) and the small lax helpers composed from primitives (square, reciprocal, clamp, is_finite,
polygamma)."""
from __future__ import annotations

import math as _math

from ..core import Literal, bind1
from ..dtypes import is_inexact
from . import (_elementwise, _operands, abs, add, bitwise_and, div, eq, exp, integer_pow, lt, max, min, mul, rem,
               select, stop_gradient, sub)


def _unary(name):
    def f(x):
        return bind1(name, _operands(x))
    f.__name__ = f.__qualname__ = name
    return f


sinh, cosh, asin, acos, atan = (_unary(n) for n in ("sinh", "cosh", "asin", "acos", "atan"))
asinh, acosh, atanh, cbrt, exp2 = (_unary(n) for n in ("asinh", "acosh", "atanh", "cbrt", "exp2"))
erf, erfc, erf_inv, lgamma, digamma = (_unary(n) for n in ("erf", "erfc", "erf_inv", "lgamma", "digamma"))


def zeta(x, q):
    """The Hurwitz zeta function sum_k (q + k)^-x (JAX's lax.zeta)."""
    return bind1("zeta", _elementwise(x, q))


def polygamma(m, x):
    """The m-th derivative of digamma (m a non-negative integer of x's dtype): digamma for m = 0,
    else (-1)^(m+1) m! zeta(m + 1, x), as JAX composes it."""
    m, x = _elementwise(m, x)
    dt = m.aval.dtype
    one, two = Literal(1, dt, False), Literal(2, dt, False)
    m1 = add(m, one)
    sign = sub(mul(two, rem(m, two)), one)
    out = mul(mul(sign, exp(lgamma(m1))), zeta(m1, x))
    return select(eq(m, Literal(0, dt, False)), digamma(x), out)


def square(x):
    return integer_pow(x, 2)


def reciprocal(x):
    (x,) = _operands(x)
    return div(Literal(1, x.aval.dtype, x.aval.weak), x)


def clamp(min_, x, max_):
    """min(max(x, min_), max_); min_ and max_ may be scalars (rank 0), as in JAX.

    Derivatives are clamp_p's: x's strictly between the bounds, min_'s where it is above x
    (and below max_), max_'s where it is below x, and none at a tie: min and max alone would
    split a tie's derivative in halves between their operands."""
    lo, x, hi = _elementwise(min_, x, max_)
    value = min(max(x, lo), hi)
    if not is_inexact(x.aval.dtype):
        return value
    inside = bitwise_and(lt(lo, x), lt(x, hi))
    below = bitwise_and(lt(x, lo), lt(lo, hi))
    return select(inside, x, select(below, lo, select(lt(hi, x), hi, stop_gradient(value))))


def is_finite(x):
    (x,) = _operands(x)
    return lt(abs(x), Literal(_math.inf, x.aval.dtype, False))


__all__ = ["acos", "acosh", "asin", "asinh", "atan", "atanh", "cbrt", "clamp", "cosh", "digamma", "erf", "erf_inv",
           "erfc", "exp2", "is_finite", "lgamma", "polygamma", "reciprocal", "sinh", "square", "zeta"]
