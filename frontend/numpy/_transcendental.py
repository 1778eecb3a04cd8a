"""jnp's hyperbolic, inverse trigonometric and other transcendental functions (sinh ... arctanh, cbrt,
exp2, log2, log10, sinc), on the pb ops of dialects/ops/transcendental.py, with JAX's promotion."""
from __future__ import annotations

import math as _math

from .. import lax
from ..core import Literal
from ._arithmetic import _unary_inexact
from ._core import as_value, promote_inexact
from ._eager import eager_jit
from ._logic import where

sinh = _unary_inexact("sinh", lax.sinh)
cosh = _unary_inexact("cosh", lax.cosh)
arcsin = _unary_inexact("arcsin", lax.asin)
arccos = _unary_inexact("arccos", lax.acos)
arctan = _unary_inexact("arctan", lax.atan)
arcsinh = _unary_inexact("arcsinh", lax.asinh)
arccosh = _unary_inexact("arccosh", lax.acosh)
arctanh = _unary_inexact("arctanh", lax.atanh)
cbrt = _unary_inexact("cbrt", lax.cbrt)
exp2 = _unary_inexact("exp2", lax.exp2)
asin, acos, atan, asinh, acosh, atanh = arcsin, arccos, arctan, arcsinh, arccosh, arctanh


def _log_base(name, base):
    def f(x):
        x = as_value(promote_inexact(x)[0])
        return lax.div(lax.log(x), Literal(_math.log(base), x.aval.dtype, False))
    return eager_jit(f, name=name)


log2 = _log_base("log2", 2)
log10 = _log_base("log10", 10)


def _sinc_maclaurin_coefficient(k: int) -> float:
    # the k-th derivative of sin(x)/x at 0: (-1)^(k/2) / (k + 1) for even k, 0 for odd k
    return 0.0 if k % 2 else (-1) ** (k // 2) / (k + 1)


_MACLAURIN = None


def _maclaurin():
    """The k-th derivative of sin(x)/x at 0, as a custom_jvp function of x whose derivative is the
    next one (JAX's _sinc_maclaurin), so every derivative of sinc at 0 is exact. Built on first use:
    custom_derivatives imports pullback.numpy."""
    global _MACLAURIN
    if _MACLAURIN is None:
        from ..custom_derivatives import custom_jvp  # lazy: custom_derivatives imports pullback.numpy

        
        def maclaurin(k, x):
            return lax.add(lax.mul(x, Literal(0, x.aval.dtype, False)),
                           Literal(_sinc_maclaurin_coefficient(k), x.aval.dtype, False))
        f = custom_jvp(maclaurin, nondiff_argnums=(0,))

        @f.defjvp
        def _(k, primals, tangents):
            (x,), (t,) = primals, tangents
            return f(k, x), lax.mul(f(k + 1, x), t)
        _MACLAURIN = f
    return _MACLAURIN


def sinc(x):
    """sin(pi x) / (pi x), 1 at 0 (derivatives there from the Maclaurin series, as JAX)."""
    x = as_value(promote_inexact(x)[0])
    dt = x.aval.dtype
    zero = lax.eq(x, Literal(0, dt, False))
    pi_x = lax.mul(Literal(_math.pi, dt, False), x)
    safe = where(zero, Literal(1, dt, False), pi_x)
    return where(zero, _maclaurin()(0, pi_x), lax.div(lax.sin(safe), safe))


__all__ = ["acos", "acosh", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctanh", "asin", "asinh", "atan",
           "atanh", "cbrt", "cosh", "exp2", "log10", "log2", "sinc", "sinh"]
