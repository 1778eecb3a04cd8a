"""Special-function ops: erf, erfc, erf_inv, lgamma, digamma and the Hurwitz zeta.

erf/erfc lower to the math dialect (libm). The others have no math op, so they
lower to branch-free arithmetic, as XLA's CPU backend expands them
(xla/client/lib/math.cc): erf_inv is Giles' single-precision approximation (float32,
refined by two Newton steps on erf/erfc in float64), lgamma and digamma the Lanczos
approximation (g = 7, 9 terms) with the reflection formula below 1/2, zeta the
Euler-Maclaurin sum. float16/bfloat16 compute in float32. JVPs are JAX's, each
an expression in these ops again (lgamma' = digamma, digamma' = zeta(2, x),
d zeta(s, q)/dq = -s zeta(s + 1, q)), so every order is differentiable.
"""
from __future__ import annotations

import math as _pymath

import numpy as np
from mlir.dialects import arith, math

from ..pb import pb
from ..types import FLOATS
from .common import defelementwise
from .elementwise import _dispatch, _horner, _math
from statistics import NormalDist

_EXTEND = {"float16", "bfloat16"}


class _Scalar:
    """Terse scalar float arithmetic for the expansions below (one dtype throughout)."""

    def __init__(self, low, dt):
        self.low, self.dt = low, dt

    def c(self, v):
        return self.low.constant(float(v), self.dt)

    def lt(self, a, b):
        return arith.cmpf(arith.CmpFPredicate.OLT, a, b)

    def le(self, a, b):
        return arith.cmpf(arith.CmpFPredicate.OLE, a, b)

    def eq(self, a, b):
        return arith.cmpf(arith.CmpFPredicate.OEQ, a, b)

    def horner(self, coefficients, x):
        acc = self.c(coefficients[0])
        for k in coefficients[1:]:
            acc = math.fma(acc, x, self.c(k))
        return acc


def _in_f32(body):
    """A scalar lowering computed in float32 for the half-precision dtypes."""
    def lower(low, dt, *xs):
        if dt not in _EXTEND:
            return body(_Scalar(low, dt), *xs)
        f32 = low.scalar_type("float32")
        out = body(_Scalar(low, "float32"), *(arith.extf(f32, x) for x in xs))
        return arith.truncf(low.scalar_type(dt), out)
    return _dispatch(f=lower)


def _reference(fn):
    """A scipy-free numpy reference: fn on float64 values, cast back."""
    vec = np.vectorize(fn, otypes=[np.float64])

    def ref(*xs):
        return vec(*(x.astype(np.float64) for x in xs)).astype(xs[0].dtype)
    return ref


# ---- erf, erfc -------------------------------------------------------------------

_TWO_OVER_SQRT_PI = 2 / _pymath.sqrt(_pymath.pi)
# float32 erf as XLA's CPU backend computes it (ErfImpl32): x P(x^2) / Q(x^2) on x clamped to
# +-3.7439211627767994 (where erf rounds to +-1), Horner steps as FMAs. Branch-free, so the
# loops vectorize: a libm erff call per element was 25x slower than JAX. Within 5 ulps of
# exact, as XLA's (libm's erff is within 1, 25x slower); float64 keeps libm's erf.
_ERF_ALPHA = (0.00022905065861350646, 0.0034082910107109506, 0.050955695062380861, 0.18520832239976145,
              1.128379143519084)
_ERF_BETA = (-1.1791602954361697e-7, 0.000023547966471313185, 0.0010179625278914885, 0.014070470171167667,
             0.11098505178285362, 0.49746925110067538, 1.0)


def _erf_f(low, dt, x):
    if dt == "float64":
        return math.erf(x)
    if dt != "float32":
        f32 = low.scalar_type("float32")
        return arith.truncf(low.scalar_type(dt), _erf_f(low, "float32", arith.extf(f32, x)))
    bound = low.constant(3.7439211627767994, dt)
    clamped = arith.maximumf(arith.minimumf(x, bound), arith.negf(bound))
    x2 = arith.mulf(clamped, clamped)
    ratio = arith.divf(arith.mulf(clamped, _horner(low, dt, _ERF_ALPHA, x2)), _horner(low, dt, _ERF_BETA, x2))
    # past the bound erf is 1 to within an ulp (the ratio alone ends 2 ulps short of it)
    saturated = arith.cmpf(arith.CmpFPredicate.OGT, math.absf(x), bound)
    return arith.select(saturated, math.copysign(low.constant(1, dt), x), ratio)


defelementwise("erf", 1, FLOATS, _reference(_pymath.erf), _dispatch(f=_erf_f), family="special",
               jvp=lambda t, ans, x: pb.mul(t, pb.mul(pb.full_like(x, _TWO_OVER_SQRT_PI), pb.exp(pb.neg(pb.mul(x, x))))))
defelementwise("erfc", 1, FLOATS, _reference(_pymath.erfc), _math(math.erfc), family="special",
               jvp=lambda t, ans, x: pb.mul(t, pb.mul(pb.full_like(x, -_TWO_OVER_SQRT_PI),
                                                      pb.exp(pb.neg(pb.mul(x, x))))))

# ---- erf_inv ---------------------------------------------------------------------

_ERFINV_SMALL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                 -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
_ERFINV_LARGE = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                 -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)


def _erf_inv_giles(s, x):
    """Giles' float32 approximation (XLA's ErfInv32): w = -log((1 - x)(1 + x))."""
    one = s.c(1)
    w = arith.negf(math.log(arith.mulf(arith.subf(one, x), arith.addf(one, x))))
    small = s.lt(w, s.c(5))
    w_small = arith.subf(w, s.c(2.5))
    w_large = arith.subf(math.sqrt(w), s.c(3))
    p = arith.select(small, s.horner(_ERFINV_SMALL, w_small), s.horner(_ERFINV_LARGE, w_large))
    return arith.mulf(p, x)


def _erf_inv(s, x):
    one = s.c(1)
    y = _erf_inv_giles(s, x)
    if s.dt == "float64":
        # Newton on erf(y) = x, the residual taken from erfc above 1/2 where 1 - |x| is exact
        ax = math.absf(x)
        sign = math.copysign(one, x)
        for _ in range(2):
            ay = math.absf(y)
            residual = arith.select(s.lt(s.c(0.5), ax),
                                    arith.subf(arith.subf(one, ax), math.erfc(ay)),
                                    arith.subf(math.erf(ay), ax))
            slope = arith.mulf(s.c(_TWO_OVER_SQRT_PI), math.exp(arith.negf(arith.mulf(ay, ay))))
            step = arith.divf(residual, slope)
            finite = s.lt(math.absf(step), s.c(np.inf))
            y = arith.select(finite, arith.mulf(sign, arith.subf(ay, step)), y)
    # |x| == 1 gives +-inf, |x| > 1 (and nan) nan
    ax = math.absf(x)
    inf = arith.mulf(s.c(np.inf), x)
    y = arith.select(s.eq(ax, one), inf, y)
    return arith.select(s.le(ax, one), y, s.c(np.nan))


def _np_erf_inv(x):
    nd = NormalDist()

    def one(v):
        if np.isnan(v) or abs(v) > 1:
            return np.nan
        if abs(v) == 1:
            return np.copysign(np.inf, v)
        return nd.inv_cdf((v + 1) / 2) / _pymath.sqrt(2)
    return _reference(one)(x)


_SQRT_PI_OVER_2 = _pymath.sqrt(_pymath.pi) / 2
defelementwise("erf_inv", 1, FLOATS, _np_erf_inv, _in_f32(_erf_inv), family="special",
               jvp=lambda t, ans, x: pb.mul(t, pb.mul(pb.full_like(x, _SQRT_PI_OVER_2), pb.exp(pb.mul(ans, ans)))))

# ---- lgamma, digamma (Lanczos) ---------------------------------------------------

_LANCZOS_G = 7.0
_LANCZOS_BASE = 0.99999999999980993227684700473478
_LANCZOS = (676.520368121885098567009190444019, -1259.13921672240287047156078755283,
            771.3234287776530788486528258894, -176.61502916214059906584551354,
            12.507343278686904814458936853, -0.13857109526572011689554706,
            9.984369578019570859563e-6, 1.50563273514931155834e-7)


def _lanczos_setup(s, x):
    """(reflect, z, log_t, t): z = -x where x < 1/2 (reflection) else x - 1."""
    reflect = s.lt(x, s.c(0.5))
    z = arith.select(reflect, arith.negf(x), arith.subf(x, s.c(1)))
    half_g = _LANCZOS_G + 0.5
    t = arith.addf(z, s.c(half_g))
    log_t = arith.addf(s.c(_pymath.log(half_g)), math.log1p(arith.divf(z, s.c(half_g))))
    return reflect, z, log_t, t


def _lgamma(s, x):
    reflect, z, log_t, t = _lanczos_setup(s, x)
    series = s.c(_LANCZOS_BASE)
    for i, k in enumerate(_LANCZOS):
        series = arith.addf(series, arith.divf(s.c(k), arith.addf(z, s.c(i + 1))))
    # log(sqrt(2 pi)) + (z + 1/2 - t / log_t) * log_t + log(series): lgamma(z + 1)
    log_y = arith.addf(arith.addf(s.c(0.5 * _pymath.log(2 * _pymath.pi)),
                                  arith.mulf(arith.subf(arith.addf(z, s.c(0.5)), arith.divf(t, log_t)), log_t)),
                       math.log(series))
    # reflection: lgamma(x) = log(pi) - log|sin(pi x)| - lgamma(1 - x)
    ax = math.absf(x)
    frac = arith.subf(ax, math.floor(ax))
    reduced = arith.select(s.lt(s.c(0.5), frac), arith.subf(s.c(1), frac), frac)
    denom = math.log(math.sin(arith.mulf(s.c(_pymath.pi), reduced)))
    finite = s.lt(math.absf(denom), s.c(np.inf))
    reflection = arith.select(finite, arith.subf(arith.subf(s.c(_pymath.log(_pymath.pi)), denom), log_y),
                              arith.negf(denom))
    out = arith.select(reflect, reflection, log_y)
    return arith.select(s.eq(ax, s.c(np.inf)), s.c(np.inf), out)


def _digamma(s, x):
    reflect, z, log_t, t = _lanczos_setup(s, x)
    num, denom = s.c(0), s.c(_LANCZOS_BASE)
    for i, k in enumerate(_LANCZOS):
        zi = arith.addf(z, s.c(i + 1))
        term = arith.divf(s.c(k), zi)
        num = arith.subf(num, arith.divf(term, zi))
        denom = arith.addf(denom, term)
    y = arith.subf(arith.addf(log_t, arith.divf(num, denom)), arith.divf(s.c(_LANCZOS_G), t))
    # reflection: digamma(x) = digamma(1 - x) - pi / tan(pi x), on x reduced to [-1/2, 1/2)
    reduced = arith.addf(x, math.absf(math.floor(arith.addf(x, s.c(0.5)))))
    angle = arith.mulf(s.c(_pymath.pi), reduced)
    reflection = arith.subf(y, arith.divf(arith.mulf(s.c(_pymath.pi), math.cos(angle)), math.sin(angle)))
    out = arith.select(reflect, reflection, y)
    pole = arith.andi(s.le(x, s.c(0)), s.eq(x, math.floor(x)))
    return arith.select(pole, s.c(np.nan), out)


def _np_digamma(v):
    if v <= 0 and v == np.floor(v):
        return np.nan
    acc = 0.0
    if v < 0.5:  # reflection
        return _np_digamma(1 - v) - _pymath.pi / _pymath.tan(_pymath.pi * v)
    while v < 10:
        acc -= 1 / v
        v += 1
    v2 = 1 / (v * v)
    return acc + _pymath.log(v) - 0.5 / v - v2 * (1 / 12 - v2 * (1 / 120 - v2 * (1 / 252 - v2 * (1 / 240 - v2 / 132))))


def _np_lgamma(v):
    if np.isinf(v):
        return np.inf
    if v <= 0 and v == np.floor(v):
        return np.inf
    return _pymath.lgamma(v)


defelementwise("lgamma", 1, FLOATS, _reference(_np_lgamma), _in_f32(_lgamma), family="special",
               jvp=lambda t, ans, x: pb.mul(t, pb.digamma(x)))
defelementwise("digamma", 1, FLOATS, _reference(_np_digamma), _in_f32(_digamma), family="special",
               jvp=lambda t, ans, x: pb.mul(t, pb.zeta(pb.full_like(x, 2), x)))

# ---- Hurwitz zeta(s, q) = sum_k (q + k)^-s -----------------------------------------

_ZETA_TERMS = 9
# B_2j / (2j)! for j = 1..12
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798,
              -174611 / 330, 854513 / 138, -236364091 / 2730)
_EM_COEFFICIENTS = tuple(b / _pymath.factorial(2 * (j + 1)) for j, b in enumerate(_BERNOULLI))


def _zeta(s_, x, q):
    """Euler-Maclaurin: sum_{k<N} (q+k)^-x + a^(1-x)/(x-1) + a^-x/2 + sum_j c_j x(x+1)..(x+2j-2) a^(-x-2j+1)."""
    c = s_.c
    acc = c(0)
    for k in range(_ZETA_TERMS):
        acc = arith.addf(acc, math.powf(arith.addf(q, c(k)), arith.negf(x)))
    a = arith.addf(q, c(_ZETA_TERMS))
    a_pow = math.powf(a, arith.negf(x))                       # a^-x
    acc = arith.addf(acc, arith.divf(arith.mulf(a_pow, a), arith.subf(x, c(1))))
    acc = arith.addf(acc, arith.mulf(c(0.5), a_pow))
    inv_a = arith.divf(c(1), a)
    inv_a2 = arith.mulf(inv_a, inv_a)
    rising = x                                                # x (x+1) ... (x+2j-2)
    power = arith.mulf(a_pow, inv_a)                          # a^(-x-2j+1)
    for j, coefficient in enumerate(_EM_COEFFICIENTS):
        acc = arith.addf(acc, arith.mulf(c(coefficient), arith.mulf(rising, power)))
        rising = arith.mulf(rising, arith.mulf(arith.addf(x, c(2 * j + 1)), arith.addf(x, c(2 * j + 2))))
        power = arith.mulf(power, inv_a2)
    # domain (as Cephes/XLA): x == 1 -> inf, x < 1 -> nan; q <= 0: integer q -> inf,
    # otherwise defined only for integer x
    one = c(1)
    q_int = s_.eq(q, math.floor(q))
    x_int = s_.eq(x, math.floor(x))
    q_nonpos = s_.le(q, c(0))
    out = arith.select(arith.andi(q_nonpos, q_int), c(np.inf), acc)
    out = arith.select(arith.andi(q_nonpos, arith.xori(x_int, arith.constant(x_int.type, 1))), c(np.nan), out)
    out = arith.select(s_.lt(x, one), c(np.nan), out)
    return arith.select(s_.eq(x, one), c(np.inf), out)


def _np_zeta(x, q):
    if x == 1:
        return np.inf
    if x < 1 or np.isnan(x) or np.isnan(q):
        return np.nan
    if q <= 0:
        if q == np.floor(q):
            return np.inf
        if x != np.floor(x):
            return np.nan
    total, k = 0.0, 0
    while q + k < 30:
        total += (q + k) ** -x
        k += 1
    a = q + k
    total += a ** (1 - x) / (x - 1) + 0.5 * a ** -x
    rising, power = x, a ** (-x - 1)
    for j, coefficient in enumerate(_EM_COEFFICIENTS):
        total += coefficient * rising * power
        rising *= (x + 2 * j + 1) * (x + 2 * j + 2)
        power /= a * a
    return total


def _zeta_q(t, ans, x, q):
    return pb.mul(t, pb.neg(pb.mul(x, pb.zeta(pb.add(x, pb.ones_like(x)), q))))


def _zeta_s(t, ans, x, q):
    raise NotImplementedError("pb.zeta is not differentiable in its first operand s (as in JAX); "
                              "only in q: d zeta(s, q)/dq = -s zeta(s + 1, q)")


defelementwise("zeta", 2, FLOATS, _reference(_np_zeta), _in_f32(_zeta), family="special", jvp=(_zeta_s, _zeta_q))
