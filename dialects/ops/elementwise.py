"""Elementwise arithmetic and math ops: one declaration each, with all its rules.

Operands of an elementwise op share one shape and dtype; broadcasting and
promotion are explicit in pb IR (the frontend inserts broadcast_in_dim and
convert_element_type), as in JAX's primitives. Each `defelementwise` call
also gives the op's derivative (JVP partials as JAX's, jax/_src/lax/lax.py,
or linear with a transpose: JAX's linear transposes, no conjugation);
batching is the same for every op here (operands aligned on one batch
dimension, JAX's broadcast_batcher).
"""
from __future__ import annotations

import numpy as np
from mlir.dialects import arith, math
from mlir.dialects import complex as cplx

from ..pb import pb, spec
from ..registry import I64, STRING
from ..types import ALL, BITWIDTH, COMPLEX, FLOATS, INEXACT, INTEGERS, NUMERIC, REAL_OF_COMPLEX, SIGNED, UNSIGNED
from . import expansions
from .common import defelementwise, require


def _kind(dtype: str) -> str:
    if dtype in COMPLEX:
        return "c"
    if dtype in FLOATS:
        return "f"
    if dtype in UNSIGNED or dtype == "bool":
        return "u"
    return "i"


def _dispatch(f=None, i=None, u=None, c=None):
    """Scalar lowering that picks a builder by dtype kind; u defaults to i."""
    table = {"f": f, "i": i, "u": u or i, "c": c}

    def lower(low, dtype, *xs, **attrs):
        return table[_kind(dtype)](low, dtype, *xs, **attrs)
    return lower


def _math(fn_f, fn_c=None):
    return _dispatch(f=lambda low, dt, x: fn_f(x), c=(lambda low, dt, x: fn_c(x)) if fn_c else None)


def _fast(name: str, fn_c):
    """math.<name> for real floats, marked for pb-expand-math (dialects/ops/expansions.py),
    fn_c for complex ones."""
    return _dispatch(f=lambda low, dt, x: expansions.marked(name, x), c=lambda low, dt, x: fn_c(x))


# ---- helpers of the JVP rules ----------------------------------------------

def _replace_zero(x):
    """x with its zeros replaced by ones (JAX's _replace_zero): keeps logs and divisions finite."""
    return pb.select(pb.compare(x, pb.zeros_like(x), direction="EQ"), pb.ones_like(x), x)


def _balanced(x, ans, other):
    """1 where x alone attains the extremum, 1/2 on ties, 0 elsewhere (as JAX)."""
    x_is = pb.compare(x, ans, direction="EQ")
    other_is = pb.compare(other, ans, direction="EQ")
    share = pb.select(other_is, pb.full_like(x, 0.5), pb.ones_like(x))
    return pb.select(x_is, share, pb.zeros_like(x))


# ---- unary -----------------------------------------------------------------

def _neg_int(low, dt, x):
    return arith.subi(low.constant(0, dt), x)


defelementwise("neg", 1, NUMERIC, np.negative,
               _dispatch(f=lambda low, dt, x: arith.negf(x), i=_neg_int, c=lambda low, dt, x: cplx.neg(x)),
               linear=True, transpose=lambda cts, ops, lin: [pb.neg(cts[0])])


def _abs_jvp(t, ans, x):
    """JAX's rule: t where x >= 0, else -t (so |x|' = 1 at 0); d|z| = Re(t conj(z) / |z|)."""
    if spec(x).dtype in COMPLEX:
        magnitude = _replace_zero(pb.convert_element_type(ans, new_dtype=spec(x).dtype))
        return pb.real(pb.mul(t, pb.div(pb.conj(x), magnitude)))
    return pb.select(pb.compare(x, pb.zeros_like(x), direction="GE"), t, pb.neg(t))


defelementwise("abs", 1, FLOATS | SIGNED | COMPLEX, np.abs,
               _dispatch(f=lambda low, dt, x: math.absf(x), i=lambda low, dt, x: math.absi(x),
                         c=lambda low, dt, x: cplx.abs(x)),
               result_dtype=lambda dt: REAL_OF_COMPLEX.get(dt, dt), jvp=_abs_jvp)


def _sign_real(low, dt, x):
    # sign(0) = 0 and sign(nan) = nan: select on strict comparisons keeps x itself.
    zero, one, mone = low.constant(0, dt), low.constant(1, dt), low.constant(-1, dt)
    if dt in FLOATS:
        pos = arith.cmpf(arith.CmpFPredicate.OGT, x, zero)
        neg = arith.cmpf(arith.CmpFPredicate.OLT, x, zero)
    else:
        pos = arith.cmpi(arith.CmpIPredicate.sgt, x, zero)
        neg = arith.cmpi(arith.CmpIPredicate.slt, x, zero)
    return arith.select(pos, one, arith.select(neg, mone, x))


def _np_sign(x):
    if np.iscomplexobj(x):
        mag = np.abs(x)
        return np.where(mag == 0, x, x / np.where(mag == 0, 1, mag))
    return np.sign(x)


defelementwise("sign", 1, FLOATS | SIGNED | COMPLEX, _np_sign,
               _dispatch(f=_sign_real, i=_sign_real, c=lambda low, dt, x: cplx.sign(x)), differentiable=False)
defelementwise("floor", 1, FLOATS, np.floor, _math(math.floor), differentiable=False)
defelementwise("ceil", 1, FLOATS, np.ceil, _math(math.ceil), differentiable=False)

ROUNDING = {"TO_NEAREST_EVEN", "AWAY_FROM_ZERO"}


def _np_round(x, rounding_method):
    if rounding_method == "TO_NEAREST_EVEN":
        return np.round(x)
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


defelementwise("round", 1, FLOATS, _np_round,
               _dispatch(f=lambda low, dt, x, rounding_method: (
                   math.roundeven(x) if rounding_method == "TO_NEAREST_EVEN" else math.round(x))),
               attrs={"rounding_method": STRING}, enums={"rounding_method": ROUNDING}, differentiable=False)
defelementwise("exp", 1, INEXACT, np.exp, _fast("exp", cplx.exp), jvp=lambda t, ans, x: pb.mul(t, ans))
defelementwise("log", 1, INEXACT, np.log, _fast("log", cplx.log), jvp=lambda t, ans, x: pb.div(t, x))
defelementwise("log1p", 1, INEXACT, np.log1p, _fast("log1p", cplx.log1p),
               jvp=lambda t, ans, x: pb.div(t, pb.add(x, pb.ones_like(x))))
defelementwise("expm1", 1, INEXACT, np.expm1, _fast("expm1", cplx.expm1),
               jvp=lambda t, ans, x: pb.mul(t, pb.add(ans, pb.ones_like(ans))))
defelementwise("sin", 1, INEXACT, np.sin, _fast("sin", cplx.sin), jvp=lambda t, ans, x: pb.mul(t, pb.cos(x)))
defelementwise("cos", 1, INEXACT, np.cos, _fast("cos", cplx.cos),
               jvp=lambda t, ans, x: pb.neg(pb.mul(t, pb.sin(x))))
# tan stays libm's tanf: XLA calls it too, and jax.random.cauchy (tan of uniforms) is
# bit-identical to JAX's only while tan rounds as tanf does.
defelementwise("tan", 1, INEXACT, np.tan, _math(math.tan, cplx.tan),
               jvp=lambda t, ans, x: pb.mul(t, pb.add(pb.ones_like(ans), pb.mul(ans, ans))))
defelementwise("tanh", 1, INEXACT, np.tanh, _fast("tanh", cplx.tanh),
               jvp=lambda t, ans, x: pb.mul(t, pb.sub(pb.ones_like(ans), pb.mul(ans, ans))))
defelementwise("sqrt", 1, INEXACT, np.sqrt, _math(math.sqrt, cplx.sqrt),
               jvp=lambda t, ans, x: pb.div(t, pb.mul(pb.full_like(ans, 2), ans)))
defelementwise("rsqrt", 1, INEXACT, lambda x: 1 / np.sqrt(x), _math(math.rsqrt, cplx.rsqrt),
               jvp=lambda t, ans, x: pb.mul(t, pb.mul(pb.full_like(ans, -0.5), pb.div(ans, x))))


def _horner(low, dt, coefficients, x):
    acc = low.constant(coefficients[0], dt)
    for c in coefficients[1:]:
        acc = math.fma(acc, x, low.constant(c, dt))
    return acc


def _logistic(low, dt, x):
    one = low.constant(1, dt)
    if dt in COMPLEX:
        return cplx.div(one, cplx.add(one, cplx.exp(cplx.neg(x))))
    return arith.divf(one, arith.addf(one, expansions.marked("exp", arith.negf(x))))


defelementwise("logistic", 1, INEXACT, lambda x: 1 / (1 + np.exp(-x)), _logistic,
               jvp=lambda t, ans, x: pb.mul(t, pb.mul(ans, pb.sub(pb.ones_like(ans), ans))))


def _integer_pow(low, dt, x, y):
    """x**y by repeated squaring, unrolled at compile time (y is an attribute)."""
    mul = cplx.mul if dt in COMPLEX else arith.mulf if dt in FLOATS else arith.muli
    n, acc, base = abs(y), None, x
    while n:
        if n & 1:
            acc = base if acc is None else mul(acc, base)
        n >>= 1
        if n:
            base = mul(base, base)
    if acc is None:
        return low.constant(1, dt)
    if y < 0:
        div = cplx.div if dt in COMPLEX else arith.divf
        return div(low.constant(1, dt), acc)
    return acc


def _np_integer_pow(x, y):
    if y < 0:
        return 1 / np.power(x, -y)
    return np.power(x, y)


def _integer_pow_jvp(t, ans, x, y):
    if y == 0:
        return pb.zeros_like(x)
    if y == 1:
        return t
    return pb.mul(t, pb.mul(pb.full_like(x, y), pb.integer_pow(x, y=y - 1)))


defelementwise("integer_pow", 1, NUMERIC, _np_integer_pow, _integer_pow, attrs={"y": I64},
               check=lambda specs, attrs: require(attrs["y"] >= 0 or specs[0].dtype in INEXACT,
                                                  "pb.integer_pow of an integer needs a non-negative exponent"),
               jvp=_integer_pow_jvp)
defelementwise("real", 1, COMPLEX, np.real, _dispatch(c=lambda low, dt, x: cplx.re(x)),
               result_dtype=lambda dt: REAL_OF_COMPLEX[dt], linear=True,
               transpose=lambda cts, ops, lin: [pb.complex(cts[0], pb.zeros_like(cts[0]))])
defelementwise("imag", 1, COMPLEX, np.imag, _dispatch(c=lambda low, dt, x: cplx.im(x)),
               result_dtype=lambda dt: REAL_OF_COMPLEX[dt], linear=True,
               transpose=lambda cts, ops, lin: [pb.complex(pb.zeros_like(cts[0]), pb.neg(cts[0]))])
defelementwise("conj", 1, COMPLEX, np.conj, _dispatch(c=lambda low, dt, x: cplx.conj(x)), linear=True,
               transpose=lambda cts, ops, lin: [pb.conj(cts[0])])
# stop_gradient: the identity whose tangent is zero (JAX's lax.stop_gradient).
defelementwise("stop_gradient", 1, ALL, lambda x: x, lambda low, dt, x: x, differentiable=False)


# ---- binary ----------------------------------------------------------------

defelementwise("add", 2, NUMERIC, np.add,
               _dispatch(f=lambda low, dt, a, b: arith.addf(a, b), i=lambda low, dt, a, b: arith.addi(a, b),
                         c=lambda low, dt, a, b: cplx.add(a, b)),
               linear=True, transpose=lambda cts, ops, lin: [cts[0], cts[0]])
defelementwise("sub", 2, NUMERIC, np.subtract,
               _dispatch(f=lambda low, dt, a, b: arith.subf(a, b), i=lambda low, dt, a, b: arith.subi(a, b),
                         c=lambda low, dt, a, b: cplx.sub(a, b)),
               linear=True, transpose=lambda cts, ops, lin: [cts[0], pb.neg(cts[0])])
defelementwise("mul", 2, NUMERIC, np.multiply,
               _dispatch(f=lambda low, dt, a, b: arith.mulf(a, b), i=lambda low, dt, a, b: arith.muli(a, b),
                         c=lambda low, dt, a, b: cplx.mul(a, b)),
               bilinear=True, transpose=lambda cts, ops, lin: [pb.mul(cts[0], ops[1]) if lin[0] else None,
                                                             pb.mul(ops[0], cts[0]) if lin[1] else None])


def _safe_int_divisor(low, dt, a, b):
    """XLA's integer division semantics without trapping: x/0 and INT_MIN/-1 are defined.

    Returns (divisor to use, is_zero, is_overflow)."""
    zero = low.constant(0, dt)
    is_zero = arith.cmpi(arith.CmpIPredicate.eq, b, zero)
    if dt in UNSIGNED:
        overflow = None
    else:
        bits = BITWIDTH[dt]
        overflow = arith.andi(arith.cmpi(arith.CmpIPredicate.eq, a, low.constant(-(1 << (bits - 1)), dt)),
                              arith.cmpi(arith.CmpIPredicate.eq, b, low.constant(-1, dt)))
    bad = is_zero if overflow is None else arith.ori(is_zero, overflow)
    return arith.select(bad, low.constant(1, dt), b), is_zero, overflow


def _div_int(low, dt, a, b):
    d, is_zero, overflow = _safe_int_divisor(low, dt, a, b)
    q = arith.divui(a, d) if dt in UNSIGNED else arith.divsi(a, d)
    if overflow is not None:
        q = arith.select(overflow, a, q)          # INT_MIN / -1 = INT_MIN
    return arith.select(is_zero, low.constant(-1, dt), q)  # x / 0 = -1 (all ones)


def _rem_int(low, dt, a, b):
    d, is_zero, overflow = _safe_int_divisor(low, dt, a, b)
    r = arith.remui(a, d) if dt in UNSIGNED else arith.remsi(a, d)
    if overflow is not None:
        r = arith.select(overflow, low.constant(0, dt), r)  # INT_MIN % -1 = 0
    return arith.select(is_zero, a, r)                     # x % 0 = x


def _np_div(a, b):
    if a.dtype.kind in "iu":
        with np.errstate(all="ignore"):
            q = np.where(b == 0, -1, np.trunc(a.astype(np.float64) / np.where(b == 0, 1, b)))
            info = np.iinfo(a.dtype)
            if a.dtype.kind == "i":
                q = np.where((a == info.min) & (b == -1), info.min, q)
            return q.astype(np.int64).astype(a.dtype)
    return np.divide(a, b)


def _np_rem(a, b):
    if a.dtype.kind in "iu":
        safe = np.where(b == 0, 1, b)
        if a.dtype.kind == "i":
            safe = np.where((a == np.iinfo(a.dtype).min) & (b == -1), 1, safe)
        r = np.fmod(a, safe)
        return np.where(b == 0, a, r).astype(a.dtype)
    return np.fmod(a, b)


# div is linear in its numerator: the transpose divides the cotangent.
defelementwise("div", 2, NUMERIC, _np_div,
               _dispatch(f=lambda low, dt, a, b: arith.divf(a, b), i=_div_int,
                         c=lambda low, dt, a, b: cplx.div(a, b)),
               jvp=(lambda t, ans, x, y: pb.div(t, y), lambda t, ans, x, y: pb.neg(pb.div(pb.mul(t, ans), y))),
               transpose=lambda cts, ops, lin: [pb.div(cts[0], ops[1]), None], linear_in=(0,))


def _rem_rhs(t, ans, x, y):
    q = pb.div(x, y)
    return pb.neg(pb.mul(t, pb.mul(pb.sign(q), pb.floor(pb.abs(q)))))


defelementwise("rem", 2, FLOATS | INTEGERS, _np_rem,
               _dispatch(f=lambda low, dt, a, b: arith.remf(a, b), i=_rem_int),
               jvp=(lambda t, ans, x, y: t, _rem_rhs))
defelementwise("max", 2, FLOATS | INTEGERS | {"bool"}, np.maximum,
               _dispatch(f=lambda low, dt, a, b: arith.maximumf(a, b), i=lambda low, dt, a, b: arith.maxsi(a, b),
                         u=lambda low, dt, a, b: arith.maxui(a, b)),
               jvp=(lambda t, ans, x, y: pb.mul(t, _balanced(x, ans, y)),
                    lambda t, ans, x, y: pb.mul(t, _balanced(y, ans, x))))
defelementwise("min", 2, FLOATS | INTEGERS | {"bool"}, np.minimum,
               _dispatch(f=lambda low, dt, a, b: arith.minimumf(a, b), i=lambda low, dt, a, b: arith.minsi(a, b),
                         u=lambda low, dt, a, b: arith.minui(a, b)),
               jvp=(lambda t, ans, x, y: pb.mul(t, _balanced(x, ans, y)),
                    lambda t, ans, x, y: pb.mul(t, _balanced(y, ans, x))))


def _np_pow(a, b):
    if a.dtype.kind in "iu":
        # math.ipowi semantics: negative exponents give 0 unless the base is +-1.
        out = np.power(a, np.maximum(b, 0).astype(a.dtype))
        neg = b < 0
        res_neg = np.where(a == 1, 1, np.where(a == -1, np.where(b % 2 == 0, 1, -1), 0))
        return np.where(neg, res_neg, out).astype(a.dtype)
    return np.power(a, b)


def _pow_lhs(t, ans, x, y):
    # JAX's rule for inexact exponents: y * x**(y - 1), with no case for y == 0 (a select
    # there would zero d/dy of this partial: d2/dydx x**y at y = 0 is 1/x, not 0).
    return pb.mul(t, pb.mul(y, pb.pow(x, pb.sub(y, pb.ones_like(y)))))


def _pow_rhs(t, ans, x, y):
    # log(x) * x**y, with zeros of x replaced before the log (JAX's _replace_zero)
    return pb.mul(t, pb.mul(pb.log(_replace_zero(x)), ans))


defelementwise("pow", 2, INEXACT | SIGNED, _np_pow,
               _dispatch(f=lambda low, dt, a, b: math.powf(a, b), i=lambda low, dt, a, b: math.ipowi(a, b),
                         c=lambda low, dt, a, b: cplx.pow(a, b)),
               jvp=(_pow_lhs, _pow_rhs))


def _atan2_denominator(x, y):
    return pb.add(pb.mul(x, x), pb.mul(y, y))


defelementwise("atan2", 2, FLOATS, np.arctan2, _dispatch(f=lambda low, dt, a, b: math.atan2(a, b)),
               jvp=(lambda t, ans, x, y: pb.mul(t, pb.div(y, _atan2_denominator(x, y))),
                    lambda t, ans, x, y: pb.mul(t, pb.neg(pb.div(x, _atan2_denominator(x, y))))))
defelementwise("complex", 2, {"float32", "float64"}, lambda a, b: a + 1j * b,
               _dispatch(f=lambda low, dt, a, b: cplx.create_(low.scalar_type(
                   {"float32": "complex64", "float64": "complex128"}[dt]), a, b)),
               result_dtype=lambda dt: {"float32": "complex64", "float64": "complex128"}[dt], linear=True,
               transpose=lambda cts, ops, lin: [pb.real(cts[0]), pb.imag(pb.neg(cts[0]))])
