"""Hyperbolic and inverse trigonometric ops, and cbrt: one declaration each, with all rules.

They lower to the math dialect (libm calls after convert-math-to-libm, which is as
accurate as XLA's own kernels to float32 rounding); complex sinh/cosh are built from
complex exp, as XLA expands them. JVP partials are JAX's (jax/_src/lax/lax.py), so
derivatives of every order are these ops again. Batching is the elementwise rule
(`defelementwise`). The special functions (erf, lgamma, ...) live in special.py.
"""
from __future__ import annotations

import numpy as np
from mlir.dialects import arith, math
from mlir.dialects import complex as cplx

from ..pb import pb
from ..types import FLOATS, INEXACT
from . import expansions
from .common import defelementwise
from .elementwise import _dispatch, _horner, _math


def _complex_sinh_cosh(sign):
    """(exp(z) +- exp(-z)) / 2 on complex scalars."""
    def lower(low, dt, z):
        e, ei = cplx.exp(z), cplx.exp(cplx.neg(z))
        both = cplx.sub(e, ei) if sign < 0 else cplx.add(e, ei)
        return cplx.mul(both, low.constant(0.5, dt))
    return lower


# sinh's Taylor series x (1 + x^2/3! + x^4/5! + ...) for |x| < 1 (to x^13: float32 rounding),
# coefficients of x^2k highest first
_SINH_TAYLOR = tuple(1 / float(np.prod(np.arange(1, 2 * k + 2, dtype=np.float64))) for k in range(7))[::-1]


def _sinh_cosh_f(sign):
    """float32 sinh (sign -1) and cosh (+1) from one exp, which vectorizes (fast_math; a libm sinhf call per
    element cost 15 ns, 5x JAX): (e +- 1/e) / 2 with e = exp(|x|); past |x| = 88 (h/2) h with
    h = exp(|x|/2), so finite results near the overflow threshold stay finite; sinh below 1 its
    Taylor series (no cancellation). Within 2 ulps of exact."""
    def lower(low, dt, x):
        if dt == "float64":  # libm's: the exp form loses digits in float64 (up to ~500 ulps)
            return math.cosh(x) if sign > 0 else math.sinh(x)
        c = lambda v: low.constant(v, dt)  # noqa: E731
        ax = math.absf(x)
        e = expansions.marked("exp", ax)
        both = arith.addf(e, arith.divf(c(1), e)) if sign > 0 else arith.subf(e, arith.divf(c(1), e))
        h = expansions.marked("exp", arith.mulf(ax, c(0.5)))
        huge = arith.mulf(arith.mulf(h, c(0.5)), h)
        threshold = c(88.0)
        out = arith.select(arith.cmpf(arith.CmpFPredicate.OGT, ax, threshold), huge, arith.mulf(both, c(0.5)))
        if sign > 0:
            return out
        small = arith.mulf(x, _horner(low, dt, _SINH_TAYLOR[-7:], arith.mulf(x, x)))
        out = math.copysign(out, x)
        return arith.select(arith.cmpf(arith.CmpFPredicate.OLT, ax, c(1)), small, out)
    return lower


def _one_minus_square(x):
    return pb.sub(pb.ones_like(x), pb.mul(x, x))


defelementwise("sinh", 1, INEXACT, np.sinh, _dispatch(f=_sinh_cosh_f(-1), c=_complex_sinh_cosh(-1)),
               jvp=lambda t, ans, x: pb.mul(t, pb.cosh(x)), family="transcendental")
defelementwise("cosh", 1, INEXACT, np.cosh, _dispatch(f=_sinh_cosh_f(1), c=_complex_sinh_cosh(1)),
               jvp=lambda t, ans, x: pb.mul(t, pb.sinh(x)), family="transcendental")
defelementwise("asin", 1, FLOATS, np.arcsin, _math(math.asin),
               jvp=lambda t, ans, x: pb.mul(t, pb.rsqrt(_one_minus_square(x))), family="transcendental")
defelementwise("acos", 1, FLOATS, np.arccos, _math(math.acos),
               jvp=lambda t, ans, x: pb.neg(pb.mul(t, pb.rsqrt(_one_minus_square(x)))), family="transcendental")
defelementwise("atan", 1, FLOATS, np.arctan, _math(math.atan),
               jvp=lambda t, ans, x: pb.div(t, pb.add(pb.ones_like(x), pb.mul(x, x))), family="transcendental")
defelementwise("asinh", 1, FLOATS, np.arcsinh, _math(math.asinh),
               jvp=lambda t, ans, x: pb.mul(t, pb.rsqrt(pb.add(pb.mul(x, x), pb.ones_like(x)))),
               family="transcendental")
# JAX: g * rsqrt((x - 1) * (x + 1)), which keeps the product exact near 1
defelementwise("acosh", 1, FLOATS, np.arccosh, _math(math.acosh),
               jvp=lambda t, ans, x: pb.mul(t, pb.rsqrt(pb.mul(pb.sub(x, pb.ones_like(x)),
                                                               pb.add(x, pb.ones_like(x))))),
               family="transcendental")
# JAX: g / (1 + x) / (1 - x)
defelementwise("atanh", 1, FLOATS, np.arctanh, _math(math.atanh),
               jvp=lambda t, ans, x: pb.div(pb.div(t, pb.add(pb.ones_like(x), x)), pb.sub(pb.ones_like(x), x)),
               family="transcendental")


def _np_cbrt(x):
    return np.cbrt(x).astype(x.dtype)


# JAX: g * (1/3) * ans**-2
defelementwise("cbrt", 1, FLOATS, _np_cbrt, _math(math.cbrt),
               jvp=lambda t, ans, x: pb.mul(t, pb.mul(pb.full_like(x, 1 / 3), pb.integer_pow(ans, y=-2))),
               family="transcendental")


def _complex_exp2(low, dt, z):
    return cplx.exp(cplx.mul(z, low.constant(np.log(2.0), dt)))


defelementwise("exp2", 1, INEXACT, np.exp2, _dispatch(f=lambda low, dt, x: math.exp2(x), c=_complex_exp2),
               jvp=lambda t, ans, x: pb.mul(t, pb.mul(ans, pb.full_like(ans, np.log(2.0)))),
               family="transcendental")
