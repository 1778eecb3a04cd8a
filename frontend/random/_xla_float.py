"""Floating-point arithmetic as XLA's CPU backend does it, so that samples are bit-identical
to jax.random's.

XLA:CPU contracts a multiply feeding an add into one FMA, and computes float32
log with its own Cephes polynomial. Uniform's `floats * span + minval`, the
ErfInv (Giles; float32 and float64 variants) and log1p polynomials, that log and
its float32 exp are written here exactly as XLA evaluates them, each FMA emulated exactly
(float32: in float64 with round-to-odd; float64: Dekker's product and Boldo and
Melquiond's round-to-odd sum).
"""
from __future__ import annotations

import numpy as np

from .. import lax
from ..core import is_array
from ..custom_derivatives import custom_jvp
from ._lax_helpers import _add, _and, _convert, _dt, _eq, _full, _lt, _max, _mul, _or, _select, _shr, _sub


def _two_sum(a, b):
    """s = a + b rounded, and its exact rounding error (Knuth's TwoSum)."""
    s = lax.add(a, b)
    bb = lax.sub(s, a)
    return s, lax.add(lax.sub(a, lax.sub(s, bb)), lax.sub(b, bb))


def _round_to_odd(s, err):
    """The float64 s = RN(x) moved one ulp toward x when inexact and even: x rounded to odd."""
    bits = lax.bitcast_convert_type(s, "int64")
    inexact_even = lax.bitwise_and(lax.ne(err, _full(err, 0.0)), _eq(_and(bits, 1), 0))
    toward = _select(lax.eq(_lt(err, 0.0), _lt(s, 0.0)), 1, -1, "int64")  # +1 grows |s|
    return lax.bitcast_convert_type(lax.add(bits, _select(inexact_even, toward, 0)), "float64")


def _veltkamp(a):
    """a = hi + lo with 26-bit halves, so products of halves are exact."""
    g = _mul(a, 134217729.0)  # 2**27 + 1
    hi = lax.sub(g, lax.sub(g, a))
    return hi, lax.sub(a, hi)


def _fma(a, b, c):
    """a*b + c rounded once, as XLA:CPU computes a multiply feeding an add (it contracts them
    into FMA), for float32 or float64 operands (scalar operands take the others' dtype);
    float16 and bfloat16 as XLA:CPU computes them (below).

    float32: the product is exact in float64 and the sum is rounded to odd there, so its one
    rounding to float32 is correct. float64: Boldo and Melquiond's emulation -- the exact
    product (Dekker), TwoSum with c, the low parts added with rounding to odd, one final add."""
    dtype = next(_dt(v) for v in (a, b, c) if is_array(v))
    like = next(v for v in (a, b, c) if is_array(v))
    if dtype in ("float16", "bfloat16"):
        a, b, c = (v if is_array(v) else _full(like, v) for v in (a, b, c))
        if dtype == "bfloat16":  # not contracted: each op is float32 rounded to bfloat16
            return lax.add(lax.mul(a, b), c)
        # a float16 FMA runs as a float32 FMA, whose product is exact: one float32 add, rounded again
        a, b, c = (_convert(v, "float32") for v in (a, b, c))
        return _convert(lax.add(lax.mul(a, b), c), dtype)
    wide = "float64"
    a, b, c = (_convert(v, wide) if is_array(v) else _full(like, v, wide) for v in (a, b, c))
    if dtype == "float32":
        s, err = _two_sum(lax.mul(a, b), c)
        return _convert(_round_to_odd(s, err), "float32")
    p = lax.mul(a, b)
    (ah, al), (bh, bl) = _veltkamp(a), _veltkamp(b)
    pe = lax.sub(lax.mul(ah, bh), p)
    for x, y in ((ah, bl), (al, bh), (al, bl)):
        pe = lax.add(pe, lax.mul(x, y))
    th, tl = _two_sum(c, p)
    return lax.add(th, _round_to_odd(*_two_sum(tl, pe)))


def _f32(v):
    return float(np.float32(v))


# XLA:CPU's float32 log (Cephes/Eigen polynomial, polynomial_approximations.cc).
_LOG_P = [_f32(c) for c in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1,
                            1.4249322787E-1, -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1,
                            3.3333331174E-1)]


def _log_f32(x):
    valid = lax.gt(x, _full(x, 0.0))           # negative and NaN inputs give NaN
    m = _max(x, _f32(np.finfo(np.float32).tiny))
    bits = lax.bitcast_convert_type(m, "int32")
    e = _add(_convert(_sub(_shr(bits, 23), 0x7F), "float32"), 1.0)
    m = lax.bitcast_convert_type(_or(_and(bits, ~0x7F800000), 0x3F000000), "float32")  # in [0.5, 1)
    small = _lt(m, _f32(0.707106781186547524))
    t = lax.add(_sub(m, 1.0), _select(small, m, 0.0))
    e = lax.sub(e, _select(small, 1.0, 0.0, "float32"))
    x2 = lax.mul(t, t)
    x3 = lax.mul(x2, t)
    p = _LOG_P
    y = _fma(_fma(t, p[0], p[1]), t, p[2])
    y1 = _fma(_fma(t, p[3], p[4]), t, p[5])
    y2 = _fma(_fma(t, p[6], p[7]), t, p[8])
    y = _fma(_fma(y, x3, y1), x3, y2)
    y = _fma(y, x3, _mul(e, _f32(-2.12194440e-4)))
    t = lax.add(lax.sub(t, _mul(x2, 0.5)), y)
    r = lax.add(t, _mul(e, 0.693359375))
    r = _select(valid, r, float("nan"))
    r = _select(_eq(x, 0.0), float("-inf"), r)
    return _select(_eq(x, float("inf")), float("inf"), r)


# XLA:CPU's float32 exp (Cephes, polynomial_approximations.cc): x = n ln2 + a with n = floor(x log2(e) + 1/2)
# clamped to [-127, 127], a degree-7 polynomial for e^a, times 2^n; results below the smallest normal
# float flush to zero, as XLA:CPU runs with denormals flushed.
_EXP_P = [_f32(c) for c in (1.9875691500E-4, 1.3981999507E-3, 8.3334519073E-3, 4.1665795894E-2,
                            1.6666665459E-1, 5.0000001201E-1)]


def _exp_f32(x):
    c = lax.clamp(_full(x, _f32(-87.8)), x, _full(x, _f32(88.8)))
    n = lax.floor(_fma(c, _f32(1.44269504088896341), 0.5))
    n = lax.clamp(_full(n, -127.0), n, _full(n, 127.0))
    a = _fma(n, _f32(2.12194440e-4), _fma(n, -0.693359375, c))
    z = _fma(a, _EXP_P[0], _EXP_P[1])
    for coef in _EXP_P[2:]:
        z = _fma(z, a, coef)
    z = _add(_fma(z, lax.mul(a, a), a), 1.0)
    ni = _convert(n, "int32")
    r = lax.mul(z, lax.bitcast_convert_type(lax.shift_left(_add(ni, 127), _full(ni, 23)), "float32"))
    r = _select(_lt(r, _f32(np.finfo(np.float32).tiny)), 0.0, r)
    return _select(lax.ne(x, x), x, r)  # NaN stays NaN


# XLA's log1p (codegen/intrinsic/log1p.cc): a Cephes rational function for |x| < sqrt(2) - 1, else
# log(1 + x) -- XLA:CPU's own log in float32, libm's in float64.
_LOG1P_NUM = (4.5270000862445199635215E-5, 4.9854102823193375972212E-1, 6.5787325942061044846969E0,
              2.9911919328553073277375E1, 6.0949667980987787057556E1, 5.7112963590585538103336E1,
              2.0039553499201281259648E1)


_LOG1P_DEN = (1., 1.5062909083469192043167E1, 8.3047565967967209469434E1, 2.2176239823732856465394E2,
              3.0909872225312059774938E2, 2.1642788614495947685003E2, 6.0118660497603843919306E1)


def _horner(x, coeffs):
    p = _full(x, coeffs[0])
    for c in coeffs[1:]:
        p = _fma(p, x, c)
    return p


def _log1p(x):
    f32 = _dt(x) == "float32"
    rnd = _f32 if f32 else float  # XLA rounds the coefficients to the type
    xsq = lax.mul(x, x)
    r = lax.div(_horner(x, [rnd(c) for c in _LOG1P_NUM]), _horner(x, [rnd(c) for c in _LOG1P_DEN]))
    small = lax.add(x, lax.add(_mul(xsq, -0.5), lax.mul(lax.mul(x, xsq), r)))
    near0 = _lt(lax.abs(x), rnd(0.41421356237309504880))
    return lax.select(near0, small, (_log_f32 if f32 else lax.log)(_add(x, 1.0)))


# XLA's float32 ErfInv (Giles' approximation): two degree-8 polynomials in w = -log1p(-x*x).
_ERFINV_W_LT_5 = [_f32(c) for c in (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
                                    0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)]


_ERFINV_W_GE_5 = [_f32(c) for c in (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
                                    0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)]


def _erf_inv_f32(x):
    w = lax.neg(_log1p(lax.mul(x, lax.neg(x))))
    lt5 = _lt(w, 5.0)
    w = lax.select(lt5, _add(w, -2.5), _sub(lax.sqrt(w), 3.0))
    p = _select(lt5, _ERFINV_W_LT_5[0], _ERFINV_W_GE_5[0], "float32")
    for a, b in zip(_ERFINV_W_LT_5[1:], _ERFINV_W_GE_5[1:]):
        p = _fma(p, w, _select(lt5, a, b, "float32"))
    return _select(_eq(lax.abs(x), 1.0), _mul(x, float("inf")), lax.mul(p, x))


# XLA's float64 ErfInv (Giles): polynomials of degree 22, 18 and 16 for w < 6.25, w < 16, w >= 16.
_ERFINV64 = (
    (-3.6444120640178196996e-21, -1.685059138182016589e-19, 1.2858480715256400167e-18,
     1.115787767802518096e-17, -1.333171662854620906e-16, 2.0972767875968561637e-17,
     6.6376381343583238325e-15, -4.0545662729752068639e-14, -8.1519341976054721522e-14,
     2.6335093153082322977e-12, -1.2975133253453532498e-11, -5.4154120542946279317e-11,
     1.051212273321532285e-09, -4.1126339803469836976e-09, -2.9070369957882005086e-08,
     4.2347877827932403518e-07, -1.3654692000834678645e-06, -1.3882523362786468719e-05,
     0.0001867342080340571352, -0.00074070253416626697512, -0.0060336708714301490533,
     0.24015818242558961693, 1.6536545626831027356),
    (2.2137376921775787049e-09, 9.0756561938885390979e-08, -2.7517406297064545428e-07,
     1.8239629214389227755e-08, 1.5027403968909827627e-06, -4.013867526981545969e-06,
     2.9234449089955446044e-06, 1.2475304481671778723e-05, -4.7318229009055733981e-05,
     6.8284851459573175448e-05, 2.4031110387097893999e-05, -0.0003550375203628474796,
     0.00095328937973738049703, -0.0016882755560235047313, 0.0024914420961078508066,
     -0.0037512085075692412107, 0.005370914553590063617, 1.0052589676941592334,
     3.0838856104922207635),
    (-2.7109920616438573243e-11, -2.5556418169965252055e-10, 1.5076572693500548083e-09,
     -3.7894654401267369937e-09, 7.6157012080783393804e-09, -1.4960026627149240478e-08,
     2.9147953450901080826e-08, -6.7711997758452339498e-08, 2.2900482228026654717e-07,
     -9.9298272942317002539e-07, 4.5260625972231537039e-06, -1.9681778105531670567e-05,
     7.5995277030017761139e-05, -0.00021503011930044477347, -0.00013871931833623122026,
     1.0103004648645343977, 4.8499064014085844221))


def _erf_inv_f64(x):
    w = lax.neg(_log1p(lax.mul(x, lax.neg(x))))
    lt6, lt16 = _lt(w, 6.25), _lt(w, 16.0)
    w = lax.select(lt6, _add(w, -3.125), lax.sub(lax.sqrt(w), _select(lt16, 3.25, 5.0, "float64")))
    p = None
    for i in range(23):  # one Horner chain; a branch's value stays once its polynomial ends
        cs = [c[i] for c in _ERFINV64 if i < len(c)]
        coef = _select(lt6, cs[0], _select(lt16, cs[1], cs[2], "float64") if len(cs) == 3 else cs[1],
                       "float64") if len(cs) > 1 else _full(w, cs[0])
        if p is None:
            p = coef
            continue
        step = _fma(p, w, coef)
        p = step if len(cs) == 3 else lax.select(lt16 if len(cs) == 2 else lt6, step, p)
    return _select(_eq(lax.abs(x), 1.0), _mul(x, float("inf")), lax.mul(p, x))


# ---- derivatives ---------------------------------------------------------------------
# The emulations above reach XLA's bits through integer and round-to-odd tricks, whose
# derivatives are not the function's: each is differentiated as the function it computes.

def _differentiated_as(fn, derivative):
    wrapped = custom_jvp(fn)

    @wrapped.defjvp
    def _jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        y = wrapped(x)
        return y, lax.mul(derivative(y, x), t)
    return wrapped


_exp_f32 = _differentiated_as(_exp_f32, lambda y, x: y)
_log_f32 = _differentiated_as(_log_f32, lambda y, x: lax.div(_full(x, 1.0), x))
_log1p = _differentiated_as(_log1p, lambda y, x: lax.div(_full(x, 1.0), lax.add(_full(x, 1.0), x)))
_erf_inv_f32 = _differentiated_as(_erf_inv_f32, lambda y, x: lax.mul(_full(y, 0.886226925452758),
                                                                     lax.exp(lax.mul(y, y))))
_erf_inv_f64 = _differentiated_as(_erf_inv_f64, lambda y, x: lax.mul(_full(y, 0.886226925452758),
                                                                     lax.exp(lax.mul(y, y))))


_fma_bits = _fma


def _fma(a, b, c):  # noqa: F811 - the differentiable form of the emulation above
    """a*b + c as XLA:CPU rounds it (see _fma_bits), differentiated as a*b + c. Python-scalar
    operands stay constants of the emulation (exact in float64, as _fma_bits reads them)."""
    consts = [None if is_array(v) else v for v in (a, b, c)]

    def fill(xs):
        it = iter(xs)
        return [next(it) if k is None else k for k in consts]

    @custom_jvp
    def fma(*xs):
        return _fma_bits(*fill(xs))

    @fma.defjvp
    def _jvp(primals, tangents):
        (x, y, _), (tx, ty, tz) = fill(primals), fill(tangents)
        out = fma(*primals)
        terms = [lax.mul(tx, y if is_array(y) else _full(out, y)) if consts[0] is None else None,
                 lax.mul(x if is_array(x) else _full(out, x), ty) if consts[1] is None else None,
                 tz if consts[2] is None else None]
        t = None
        for term in terms:
            t = term if t is None else t if term is None else lax.add(t, term)
        return out, t
    return fma(*[v for v in (a, b, c) if is_array(v)])


# ---- every float dtype ----------------------------------------------------------------
# XLA:CPU keeps float64 in float64 (its own exp, libm's log); computes float16 ops one at a
# time in float16 but contracts a multiply feeding an add into one float32 FMA rounded once;
# and runs bfloat16 as float32 ops each rounded back to bfloat16 (no contraction). Its
# float16/bfloat16 log, log1p and exp are the float32 ones, rounded.

def _via_f32(fn):
    """fn evaluated in float32 on a 16-bit float and rounded back, as XLA:CPU does."""
    def g(x):
        dt = _dt(x)
        return _convert(fn(_convert(x, "float32")), dt)
    return g


_LN2_HI64, _LN2_LO64 = float.fromhex("0x1.62e4p-1"), float.fromhex("0x1.7f7d1cf79abcap-20")
_EXP64_P = (float.fromhex("0x1.089cdd5e44be8p-13"), float.fromhex("0x1.f06d10cca2c7ep-6"))
_EXP64_Q = (float.fromhex("0x1.92eb6bc365fap-19"), float.fromhex("0x1.4ae39b508b6cp-9"),
            float.fromhex("0x1.d17099887e074p-3"))
_EXP64_LO, _EXP64_HI = float.fromhex("-0x1.6232bdd7abcd2p+9"), float.fromhex("0x1.62e42fefa39efp+9")


def _exp_f64(x):
    """XLA:CPU's float64 exp (its own, not libm's): n = floor(x log2(e) + 1/2), x - n ln2 in two
    parts, a Pade approximant 1 + 2 g P(g^2) / (Q(g^2) - g P(g^2)), times 2^n in three factors
    (so that subnormal results come out right)."""
    c = lax.max(lax.min(x, _full(x, _EXP64_HI)), _full(x, _EXP64_LO))
    n = lax.floor(_fma(c, 1.4426950408889634, 0.5))
    g = _fma(lax.neg(n), _LN2_HI64, c)
    g = _fma(lax.neg(n), _LN2_LO64, g)
    g2 = lax.mul(g, g)
    pg = lax.mul(_fma(_fma(g2, _EXP64_P[0], _EXP64_P[1]), g2, 1.0), g)
    q = _fma(_fma(_fma(g2, _EXP64_Q[0], _EXP64_Q[1]), g2, _EXP64_Q[2]), g2, 2.0)
    e = _fma(lax.div(pg, lax.sub(q, pg)), 2.0, 1.0)
    ni = lax.clamp(_full(n, -2099, "int64"), _convert(n, "int64"), _full(n, 2099, "int64"))
    b = lax.shift_right_arithmetic(ni, _full(ni, 2))

    def pow2(k):
        return lax.bitcast_convert_type(_add(lax.shift_left(k, _full(k, 52)), 0x3FF0000000000000), "float64")
    s = pow2(b)
    r = lax.mul(lax.mul(lax.mul(lax.mul(e, s), s), s), pow2(lax.sub(ni, lax.mul(b, _full(b, 3)))))
    r = _select(_lt(x, _EXP64_LO), 0.0, r)
    return _select(lax.gt(x, _full(x, _EXP64_HI)), float("inf"), r)


_exp_f64 = _differentiated_as(_exp_f64, lambda y, x: y)


def _log(x):
    """XLA:CPU's log in x's float dtype."""
    dt = _dt(x)
    return lax.log(x) if dt == "float64" else _log_f32(x) if dt == "float32" else _via_f32(_log_f32)(x)


def _exp(x):
    """XLA:CPU's exp in x's float dtype."""
    dt = _dt(x)
    return _exp_f64(x) if dt == "float64" else _exp_f32(x) if dt == "float32" else _via_f32(_exp_f32)(x)


_log1p_wide = _log1p


def _log1p(x):  # noqa: F811 - the 16-bit floats through float32
    """XLA's log1p in x's float dtype."""
    return _via_f32(_log1p_wide)(x) if _dt(x) in ("float16", "bfloat16") else _log1p_wide(x)


def _erf_inv(x):
    """XLA's ErfInv in x's float dtype (16-bit floats through float32)."""
    dt = _dt(x)
    return _erf_inv_f64(x) if dt == "float64" else _erf_inv_f32(x) if dt == "float32" else \
        _via_f32(_erf_inv_f32)(x)
