"""Transcendental functions as pullback computes them, expanded late (pb-expand-math).

The elementwise lowerings give exp, log, sin, cos, tanh, log1p and expm1 of real floats as
one math-dialect op each, marked with MARK. They stay one op through fusion, kernel
outlining and deduplication, so a 32-layer network's 32 tanh kernels are one op each in
those passes instead of ~30 (a 32-layer MLP gradient's pass pipeline: ~10 ms less), and
pb-expand-math replaces every marked op by the arithmetic in EXPANSIONS once per distinct
kernel. Unmarked math ops (the special functions, which want libm's rounding) stay libm
calls.

The arithmetic is fast_math's exp and log, fast_trig's sin and cos, and, here, XLA's
rational float32 tanh and Kahan's forms of log1p and expm1: all branch-free, so LLVM
vectorizes the loops they sit in where a libm call per element would not be.
"""
from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import arith, math

from ..types import DTYPE_OF_ELEMENT, FLOATS
from . import fast_math, fast_trig

MARK = "pb.fast_math"


def marked(name: str, x: ir.Value) -> ir.Value:
    """math.<name>(x), marked for pb-expand-math."""
    op = getattr(math, name)(x).owner
    op.attributes[MARK] = ir.UnitAttr.get()
    return op.result


def _c(value: float, t: ir.Type) -> ir.Value:
    return arith.constant(t, float(value))


# float32 tanh as XLA's CPU backend computes it, bit for bit: a rational approximation
# (odd degree-13 numerator, even degree-6 denominator, Horner steps as FMAs) on x clamped
# to +-7.9988117, and tanh(x) = x below 4e-4; within a few ulps of the exact value.
_TANH_NUMERATOR = (-2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11,
                   5.12229709037114e-08, 1.48572235717979e-05, 6.37261928875436e-04, 4.89352455891786e-03)
_TANH_DENOMINATOR = (1.19825839466702e-06, 1.18534705686654e-04, 2.26843463243900e-03, 4.89352518554385e-03)


def tanh(x: ir.Value, dtype: str) -> ir.Value:
    if dtype != "float32":
        return math.tanh(x)  # libm's (float64; 16-bit floats are computed in float32 by it)
    bound = _c(7.99881172180175781, x.type)
    clamped = arith.maximumf(arith.minimumf(x, bound), arith.negf(bound))
    x2 = arith.mulf(clamped, clamped)
    ratio = arith.divf(arith.mulf(clamped, fast_math._horner(_TANH_NUMERATOR, x2)),
                       fast_math._horner(_TANH_DENOMINATOR, x2))
    tiny = arith.cmpf(arith.CmpFPredicate.OLT, math.absf(x), _c(0.0004, x.type))
    return arith.select(tiny, x, ratio)


# Real log1p/expm1 are Kahan's forms on log/exp: MLIR lowers math.log1p/expm1 to
# log(1 + x) / exp(x) - 1, which loses every digit near 0 (expm1(1e-10) was 0). With
# u = 1 + x (u = exp(x)), log(u) * x / (u - 1) and (u - 1) * x / log(u) cancel the
# rounding of u, within a few ulps of exact as XLA's kernels.
def log1p(x: ir.Value, dtype: str) -> ir.Value:
    t = x.type
    u = arith.addf(_c(1, t), x)
    um1 = arith.subf(u, _c(1, t))
    ratio = arith.divf(arith.mulf(fast_math.log(u, dtype), x), um1)
    exact = arith.ori(arith.cmpf(arith.CmpFPredicate.OEQ, um1, _c(0, t)),
                      arith.cmpf(arith.CmpFPredicate.OEQ, u, _c(np.inf, t)))
    return arith.select(exact, x, ratio)


def expm1(x: ir.Value, dtype: str) -> ir.Value:
    t = x.type
    u = fast_math.exp(x, dtype)
    um1 = arith.subf(u, _c(1, t))
    ratio = arith.divf(arith.mulf(um1, x), fast_math.log(u, dtype))
    out = arith.select(arith.cmpf(arith.CmpFPredicate.OEQ, um1, _c(-1, t)), um1, ratio)
    out = arith.select(arith.cmpf(arith.CmpFPredicate.OEQ, u, _c(np.inf, t)), u, out)
    return arith.select(arith.cmpf(arith.CmpFPredicate.OEQ, um1, _c(0, t)), x, out)


# math op name -> builder(real float scalar, its pb dtype) -> the value, in ops that LLVM
# vectorizes (float64 exp, log, sin, cos and tanh stay libm's).
EXPANSIONS = {
    "math.exp": fast_math.exp,
    "math.log": fast_math.log,
    "math.sin": fast_trig.sin,
    "math.cos": fast_trig.cos,
    "math.tanh": tanh,
    "math.log1p": log1p,
    "math.expm1": expm1,
}


def scalar_dtype(t: ir.Type) -> str | None:
    """The pb dtype of a real float scalar type; None for anything else (vectors, say)."""
    dtype = DTYPE_OF_ELEMENT.get(str(t))
    return dtype if dtype in FLOATS else None
