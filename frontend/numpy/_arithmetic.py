"""jnp elementwise arithmetic and math: unary functions, the arithmetic operators, power,
maximum/minimum, clip, and the complex parts.

Operands are promoted (weak types included) and broadcast first; functions that
run alone outside a trace are one cached compiled kernel (`eager_jit`).
"""
from __future__ import annotations

from .. import dtypes as _dt
from .. import lax
from ..core import Literal
from ._core import as_value, elementwise, operand, promote, promote_inexact
from ._creation import zeros_like
from ._eager import eager_jit


def _unary_inexact(name, fn):
    return eager_jit(lambda x: fn(as_value(promote_inexact(x)[0])), name=name)


exp = _unary_inexact("exp", lax.exp)
log = _unary_inexact("log", lax.log)
log1p = _unary_inexact("log1p", lax.log1p)
expm1 = _unary_inexact("expm1", lax.expm1)
sin = _unary_inexact("sin", lax.sin)
cos = _unary_inexact("cos", lax.cos)
tan = _unary_inexact("tan", lax.tan)
tanh = _unary_inexact("tanh", lax.tanh)
sqrt = _unary_inexact("sqrt", lax.sqrt)


def _unary(name, fn):
    return eager_jit(lambda x: fn(as_value(operand(x))), name=name)


negative = _unary("negative", lax.neg)
sign = _unary("sign", lax.sign)


@eager_jit
def abs(x):  # noqa: A001 - numpy's name
    x = as_value(operand(x))
    if x.aval.dtype in ("uint32", "bool"):
        return x
    return lax.abs(x)


absolute = abs


def floor(x):
    x = as_value(operand(x))
    return x if not _dt.is_inexact(x.aval.dtype) else lax.floor(x)


def ceil(x):
    x = as_value(operand(x))
    return x if not _dt.is_inexact(x.aval.dtype) else lax.ceil(x)


def round(a, decimals=0):  # noqa: A001 - numpy's name
    a = as_value(operand(a))
    if not _dt.is_inexact(a.aval.dtype):
        return a
    if decimals == 0:
        return lax.round(a, lax.RoundingMethod.TO_NEAREST_EVEN)
    factor = Literal(10.0 ** decimals, a.aval.dtype, False)
    return lax.div(lax.round(lax.mul(a, factor), lax.RoundingMethod.TO_NEAREST_EVEN), factor)


around = round


@eager_jit
def square(x):
    return lax.integer_pow(as_value(operand(x)), 2)


def reciprocal(x):
    (x,) = promote_inexact(x)
    return lax.div(Literal(1, x.aval.dtype, x.aval.weak), as_value(x))


def real(x):
    x = as_value(operand(x))
    return lax.real(x) if _dt.is_complex(x.aval.dtype) else x


def imag(x):
    x = as_value(operand(x))
    return lax.imag(x) if _dt.is_complex(x.aval.dtype) else zeros_like(x)


def conjugate(x):
    x = as_value(operand(x))
    return lax.conj(x) if _dt.is_complex(x.aval.dtype) else x


conj = conjugate


@eager_jit
def add(x, y):
    return elementwise(lambda a, b: lax.bitwise_or(a, b) if a.aval.dtype == "bool" else lax.add(a, b), x, y)


@eager_jit
def subtract(x, y):
    return elementwise(lax.sub, x, y)


@eager_jit
def multiply(x, y):
    return elementwise(lambda a, b: lax.bitwise_and(a, b) if a.aval.dtype == "bool" else lax.mul(a, b), x, y)


@eager_jit
def true_divide(x, y):
    return elementwise(lax.div, x, y, inexact=True)


divide = true_divide


@eager_jit
def floor_divide(x, y):
    def f(a, b):
        if _dt.is_integer(a.aval.dtype):
            q = lax.div(a, b)
            if a.aval.dtype in _dt.UNSIGNED:
                return q
            # C division truncates; numpy floors: step down when the signs differ and the
            # division was inexact. Comparing signs (not `b < 0`) gives JAX's x // 0 too.
            zero = Literal(0, a.aval.dtype, False)
            fix = lax.bitwise_and(lax.ne(lax.rem(a, b), zero), lax.ne(lax.sign(a), lax.sign(b)))
            return lax.select(fix, lax.sub(q, Literal(1, q.aval.dtype, False)), q)
        return lax.floor(lax.div(a, b))
    return elementwise(f, x, y)


@eager_jit
def remainder(x, y):
    def f(a, b):
        r = lax.rem(a, b)
        zero = Literal(0, r.aval.dtype, False)
        fix = lax.bitwise_and(lax.ne(r, zero), lax.ne(lax.lt(r, zero), lax.lt(b, zero)))
        out = lax.select(fix, lax.add(r, b), r)
        if _dt.is_integer(a.aval.dtype):  # x % 0 is 0 for integers, as in JAX: b itself there
            out = lax.select(lax.eq(b, zero), b, out)
        return out
    return elementwise(f, x, y)


mod = remainder


def divmod(x, y):  # noqa: A001 - numpy's name
    return floor_divide(x, y), remainder(x, y)


@eager_jit
def power(x, y):
    if isinstance(y, int) and not isinstance(y, bool):  # lax.integer_pow, as JAX does
        (xv,) = promote(x)
        return lax.integer_pow(as_value(xv), y)

    a, b = promote(x, y)  # integers stay integers (pb.pow has an integer form), as in JAX
    return elementwise(lax.pow, a, b, inexact=not _dt.is_integer(a.aval.dtype))


@eager_jit
def maximum(x, y):
    return elementwise(lax.max, x, y)


@eager_jit
def minimum(x, y):
    return elementwise(lax.min, x, y)


@eager_jit
def arctan2(y, x):
    return elementwise(lax.atan2, y, x, inexact=True)


def clip(a, a_min=None, a_max=None, min=None, max=None):  # noqa: A002 - numpy's names
    a_min = min if a_min is None else a_min
    a_max = max if a_max is None else a_max
    out = operand(a)
    if a_min is not None:
        out = maximum(out, a_min)
    if a_max is not None:
        out = minimum(out, a_max)
    return as_value(out)
