"""Incomplete gamma and beta functions and the exponentially scaled Bessel functions I0, I1.

igamma (P(a, x)), igammac (Q(a, x)), igamma_grad_a (dP/da) and random_gamma_grad (the
implicit derivative dx/da of a gamma sample) lower as JAX/XLA expand them
(jax/_src/lax/special.py, a port of xla/client/lib/math.cc): Cephes' power series below
max(1, a) and its continued fraction above, each carrying the derivative in a alongside
the value. betainc is the Lentz-Thompson-Barnett continued fraction (DLMF 8.17.22), with
the symmetry I_x(a, b) = 1 - I_(1-x)(b, a) where it converges slowly. XLA runs these
loops over whole vectors until every element converges; here each element runs its own
scf.while, so an element stops at its own convergence (the results agree to an ulp:
XLA's extra iterations multiply by factors within eps of 1). bessel_i0e/i1e are Cephes'
Chebyshev expansions on [0, 8] and in 32/x beyond (float32 keeps the trailing terms, as
Cephes' single-precision versions). float16/bfloat16 compute in float32.

Derivatives are JAX's: igamma in x is the gamma density, in a igamma_grad_a; betainc in x
is the beta density, in a and b an error (JAX has none). JAX has no rule for igamma_grad_a
and random_gamma_grad; in x both have closed forms used here (d/dx dP/da is the density
times log x - digamma(a)); in a they raise, as JAX.
"""
from __future__ import annotations

import math as _pymath

import numpy as np
from mlir import ir
from mlir.dialects import arith, math, scf

from ..pb import pb, spec
from ..types import FLOATS
from .common import defelementwise
from .special import _digamma, _in_f32, _lgamma, _reference

_EPS = {"float32": float(np.finfo(np.float32).eps), "float64": float(np.finfo(np.float64).eps)}
_LOG_MAX = {"float32": float(np.log(np.finfo(np.float32).max)), "float64": float(np.log(np.finfo(np.float64).max))}
_TINY = {"float32": float(np.finfo(np.float32).tiny), "float64": float(np.finfo(np.float64).tiny)}


def _while(inits, cond, body):
    """A scalar scf.while: runs body(values) -> values while cond(values) holds."""
    types = [v.type for v in inits]
    loop = scf.WhileOp(types, inits)
    before = loop.before.blocks.append(*types)
    with ir.InsertionPoint(before):
        scf.ConditionOp(cond(list(before.arguments)), list(before.arguments))
    after = loop.after.blocks.append(*types)
    with ir.InsertionPoint(after):
        scf.YieldOp(body(list(after.arguments)))
    return list(loop.results)


def _or(*flags):
    out = flags[0]
    for f in flags[1:]:
        out = arith.ori(out, f)
    return out


def _not(flag):
    return arith.xori(flag, arith.constant(flag.type, 1))


def _isnan(s, x):
    return arith.cmpf(arith.CmpFPredicate.UNO, x, x)


# ---- igamma family: series, continued fraction -------------------------------------

VALUE, DERIVATIVE, SAMPLE_DERIVATIVE = "value", "derivative", "sample_derivative"


def _series(s, ax, x, a, enabled, mode):
    """P(a, x) = ax / a * sum_n x^n / ((a+1)...(a+n)), with its derivative in a."""
    eps = s.c(_EPS[s.dt])

    def body(v):
        on, r, c, ans, dc_da, dans_da = v
        r = arith.addf(r, s.c(1))
        x_r = arith.divf(x, r)
        dc_da = arith.subf(arith.mulf(dc_da, x_r), arith.divf(arith.mulf(c, x), arith.mulf(r, r)))
        dans_da = arith.addf(dans_da, dc_da)
        c = arith.mulf(c, x_r)
        ans = arith.addf(ans, c)
        if mode == VALUE:
            on = s.lt(eps, arith.divf(c, ans))
        else:
            on = s.lt(eps, math.absf(arith.divf(dc_da, dans_da)))
        return [on, r, c, ans, dc_da, dans_da]

    _, _, _, ans, _, dans_da = _while([enabled, a, s.c(1), s.c(1), s.c(0), s.c(0)], lambda v: v[0], body)
    if mode == VALUE:
        return arith.divf(arith.mulf(ans, ax), a)
    dlogax_da = arith.subf(math.log(x), _digamma(s, arith.addf(a, s.c(1))))
    inner = arith.addf(arith.mulf(ans, dlogax_da), dans_da)
    if mode == DERIVATIVE:
        return arith.divf(arith.mulf(ax, inner), a)
    return arith.divf(arith.mulf(arith.negf(inner), x), a)


def _continued_fraction(s, ax, x, a, enabled, mode):
    """Q(a, x) = ax * 1/(x + 1 - a - 1 (1 - a)/(x + 3 - a - ...)) (Cephes igamc), at most 2000
    steps, with its derivative in a."""
    eps = s.c(_EPS[s.dt])
    big = s.c(1 / _EPS[s.dt])

    def body(v):
        on, ans, y, z, c, pkm1, qkm1, pkm2, qkm2, dpkm2, dqkm2, dpkm1, dqkm1, dans = v
        c = arith.addf(c, s.c(1))
        y = arith.addf(y, s.c(1))
        z = arith.addf(z, s.c(2))
        yc = arith.mulf(y, c)
        pk = arith.subf(arith.mulf(pkm1, z), arith.mulf(pkm2, yc))
        qk = arith.subf(arith.mulf(qkm1, z), arith.mulf(qkm2, yc))
        nonzero = arith.cmpf(arith.CmpFPredicate.UNE, qk, s.c(0))
        r = arith.divf(pk, qk)
        t = arith.select(nonzero, math.absf(arith.divf(arith.subf(ans, r), r)), s.c(1))
        ans = arith.select(nonzero, r, ans)
        dpk = arith.addf(arith.subf(arith.subf(arith.mulf(dpkm1, z), pkm1), arith.mulf(dpkm2, yc)),
                         arith.mulf(pkm2, c))
        dqk = arith.addf(arith.subf(arith.subf(arith.mulf(dqkm1, z), qkm1), arith.mulf(dqkm2, yc)),
                         arith.mulf(qkm2, c))
        dans_new = arith.select(nonzero, arith.divf(arith.subf(dpk, arith.mulf(ans, dqk)), qk), dans)
        grad_change = arith.select(nonzero, math.absf(arith.subf(dans_new, dans)), s.c(1))
        pkm2, pkm1, qkm2, qkm1 = pkm1, pk, qkm1, qk
        dpkm2, dqkm2, dpkm1, dqkm1 = dpkm1, dqkm1, dpk, dqk
        rescale = s.lt(big, math.absf(pk))
        pkm2, pkm1, qkm2, qkm1, dpkm2, dqkm2, dpkm1, dqkm1 = (
            arith.select(rescale, arith.mulf(w, eps), w) for w in (pkm2, pkm1, qkm2, qkm1, dpkm2, dqkm2, dpkm1, dqkm1))
        on = s.lt(eps, t) if mode == VALUE else s.lt(eps, grad_change)
        return [on, ans, y, z, c, pkm1, qkm1, pkm2, qkm2, dpkm2, dqkm2, dpkm1, dqkm1, dans_new]

    y = arith.subf(s.c(1), a)
    z = arith.addf(arith.addf(x, y), s.c(1))
    pkm1 = arith.addf(x, s.c(1))
    qkm1 = arith.mulf(z, x)
    ans = arith.divf(pkm1, qkm1)
    dqkm1 = arith.negf(x)
    dans = arith.divf(arith.negf(arith.mulf(ans, dqkm1)), qkm1)
    inits = [enabled, ans, y, z, s.c(0), pkm1, qkm1, s.c(1), x, s.c(0), s.c(0), s.c(0), dqkm1, dans]
    out = _while(inits, lambda v: arith.andi(v[0], s.lt(v[4], s.c(2000))), body)
    ans, dans = out[1], out[13]
    if mode == VALUE:
        return arith.mulf(ans, ax)
    dlogax_da = arith.subf(math.log(x), _digamma(s, a))
    inner = arith.addf(arith.mulf(ans, dlogax_da), dans)
    if mode == DERIVATIVE:
        return arith.mulf(ax, inner)
    return arith.negf(arith.mulf(inner, x))


def _log_ax(s, a, x):
    """log(x^a e^-x / Gamma(a)), and whether it underflows."""
    log_ax = arith.subf(arith.subf(arith.mulf(a, math.log(x)), x), _lgamma(s, a))
    return log_ax, s.lt(log_ax, s.c(-_LOG_MAX[s.dt]))


def _igamma(s, a, x):
    zero = s.c(0)
    is_nan = _or(_isnan(s, a), _isnan(s, x))
    x_inf = s.eq(x, s.c(np.inf))
    x_zero = s.eq(x, zero)
    domain = _or(s.lt(x, zero), s.lt(a, zero), arith.andi(s.eq(a, zero), x_zero), is_nan)
    use_cf = arith.andi(s.le(s.c(1), x), s.lt(a, x))
    log_ax, underflow = _log_ax(s, a, x)
    ax = math.exp(log_ax)
    enabled = _not(_or(x_zero, domain, underflow, x_inf))
    cf = arith.subf(s.c(1), _continued_fraction(s, ax, x, a, arith.andi(enabled, use_cf), VALUE))
    series = _series(s, ax, x, a, arith.andi(enabled, _not(use_cf)), VALUE)
    out = arith.select(use_cf, cf, series)
    out = arith.select(x_zero, zero, out)
    out = arith.select(x_inf, s.c(1), out)
    return arith.select(domain, s.c(np.nan), out)


def _igammac(s, a, x):
    zero = s.c(0)
    is_nan = _or(_isnan(s, a), _isnan(s, x))
    a_zero = s.eq(a, zero)
    x_zero = s.eq(x, zero)
    x_inf = s.eq(x, s.c(np.inf))
    domain = _or(s.lt(x, zero), s.lt(a, zero), arith.andi(a_zero, x_zero), is_nan)
    use_series = _or(s.lt(x, s.c(1)), s.lt(x, a))
    log_ax, underflow = _log_ax(s, a, x)
    enabled = _not(_or(domain, underflow, x_inf, a_zero))
    ax = math.exp(log_ax)
    series = arith.subf(s.c(1), _series(s, ax, x, a, arith.andi(enabled, use_series), VALUE))
    cf = _continued_fraction(s, ax, x, a, arith.andi(enabled, _not(use_series)), VALUE)
    out = arith.select(use_series, series, cf)
    out = arith.select(_or(x_inf, a_zero), zero, out)
    return arith.select(domain, s.c(np.nan), out)


def _igamma_derivative(mode):
    """igamma_grad_a (DERIVATIVE) and random_gamma_grad (SAMPLE_DERIVATIVE): one expansion."""
    def lower(s, a, x):
        zero = s.c(0)
        is_nan = _or(_isnan(s, a), _isnan(s, x))
        x_zero = s.eq(x, zero)
        domain = _or(s.lt(x, zero), s.le(a, zero))
        use_cf = arith.andi(s.lt(s.c(1), x), s.lt(a, x))
        log_ax, underflow = _log_ax(s, a, x)
        ax = math.exp(log_ax)
        enabled = _not(_or(x_zero, domain, underflow, is_nan))
        cf = arith.negf(_continued_fraction(s, ax, x, a, arith.andi(enabled, use_cf), mode))
        series = _series(s, ax, x, a, arith.andi(enabled, _not(use_cf)), mode)
        out = arith.select(use_cf, cf, series)
        out = arith.select(x_zero, zero, out)
        return arith.select(_or(domain, is_nan), s.c(np.nan), out)
    return lower


# ---- numpy references (float64 Python: the series, which converges for every x, and its
# derivative in a term by term; the lower and upper functions from it) ---------------

def _np_gamma_series(a, x):
    """(S, dS/da) with P(a, x) = exp(a log x - x - lgamma(a)) S."""
    term, total, dterm_sum, harmonic = 1 / a, 1 / a, -1 / (a * a), 1 / a
    n = 0
    while True:
        n += 1
        term *= x / (a + n)
        harmonic += 1 / (a + n)
        total += term
        dterm_sum += -term * harmonic
        if (term <= 1e-17 * total and n > x) or n > 100000:
            return total, dterm_sum


def _np_digamma(a):
    shift = 0.0
    while a < 10:
        shift -= 1 / a
        a += 1
    a2 = 1 / (a * a)
    return shift + _pymath.log(a) - 0.5 / a - a2 * (1 / 12 - a2 * (1 / 120 - a2 * (1 / 252 - a2 * (1 / 240 - a2 / 132))))


def _np_p_and_da(a, x):
    """(P(a, x), dP/da, density x^(a-1) e^-x / Gamma(a)) for a > 0, 0 < x < inf."""
    pre = _pymath.exp(a * _pymath.log(x) - x - _pymath.lgamma(a))
    total, dtotal = _np_gamma_series(a, x)
    p = pre * total
    dp = p * (_pymath.log(x) - _np_digamma(a)) + pre * dtotal
    return p, dp, pre / x


def _np_domain(a, x):
    """The value where a, x leave the interior, else None (x = 0 and x = inf handled by callers)."""
    if np.isnan(a) or np.isnan(x) or x < 0 or a < 0 or (a == 0 and x == 0):
        return np.nan
    return None


def _np_igamma(a, x):
    edge = _np_domain(a, x)
    if edge is not None:
        return edge
    if x == 0:
        return 0.0
    if np.isinf(x) or a == 0:
        return 1.0
    return min(_np_p_and_da(a, x)[0], 1.0)


def _np_igammac(a, x):
    edge = _np_domain(a, x)
    if edge is not None:
        return edge
    if x == 0:
        return 1.0
    if np.isinf(x) or a == 0:
        return 0.0
    return max(1.0 - _np_p_and_da(a, x)[0], 0.0)


def _np_igamma_grad_a(a, x):
    if np.isnan(a) or np.isnan(x) or x < 0 or a <= 0 or np.isinf(x):
        return np.nan
    return 0.0 if x == 0 else _np_p_and_da(a, x)[1]


def _np_random_gamma_grad(a, x):
    if np.isnan(a) or np.isnan(x) or x < 0 or a <= 0 or np.isinf(x):
        return np.nan
    if x == 0:
        return 0.0
    _, dp, density = _np_p_and_da(a, x)
    return -dp / density


# ---- JVPs ------------------------------------------------------------------------------

def _density(a, x):
    """x^(a-1) e^-x / Gamma(a): dP(a, x)/dx."""
    one = pb.ones_like(x)
    return pb.exp(pb.sub(pb.sub(pb.mul(pb.sub(a, one), pb.log(x)), x), pb.lgamma(a)))


def _no_grad_a(op):
    def rule(t, ans, a, x):
        raise ValueError(f"pb.{op} is not differentiable in a (JAX has no rule either); only in x")
    return rule


def _igamma_grad_a_dx(t, ans, a, x):
    """d/dx dP/da = d/da dP/dx = density (log x - digamma(a))."""
    return pb.mul(t, pb.mul(_density(a, x), pb.sub(pb.log(x), pb.digamma(a))))


def _random_gamma_grad_dx(t, ans, a, x):
    """ans = -(dP/da) / p with p the density: d ans/dx = -(log x - digamma(a)) - ans ((a - 1)/x - 1)."""
    one = pb.ones_like(x)
    slope = pb.sub(pb.div(pb.sub(a, one), x), one)
    return pb.mul(t, pb.neg(pb.add(pb.sub(pb.log(x), pb.digamma(a)), pb.mul(ans, slope))))


defelementwise("igamma", 2, FLOATS, _reference(_np_igamma), _in_f32(_igamma), family="incomplete",
               jvp=(lambda t, ans, a, x: pb.mul(t, pb.igamma_grad_a(a, x)),
                    lambda t, ans, a, x: pb.mul(t, _density(a, x))))
defelementwise("igammac", 2, FLOATS, _reference(_np_igammac), _in_f32(_igammac), family="incomplete",
               jvp=(lambda t, ans, a, x: pb.neg(pb.mul(t, pb.igamma_grad_a(a, x))),
                    lambda t, ans, a, x: pb.neg(pb.mul(t, _density(a, x)))))
defelementwise("igamma_grad_a", 2, FLOATS, _reference(_np_igamma_grad_a), _in_f32(_igamma_derivative(DERIVATIVE)),
               family="incomplete", jvp=(_no_grad_a("igamma_grad_a"), _igamma_grad_a_dx))
defelementwise("random_gamma_grad", 2, FLOATS, _reference(_np_random_gamma_grad),
               _in_f32(_igamma_derivative(SAMPLE_DERIVATIVE)), family="incomplete",
               jvp=(_no_grad_a("random_gamma_grad"), _random_gamma_grad_dx))


# ---- betainc: I_x(a, b) by the Lentz-Thompson-Barnett continued fraction ----------------

def _betainc_numerator(s, it, a, b, x):
    """The partial numerator d_it of DLMF 8.17.22 (1 at it = 1)."""
    one, two = s.c(1), s.c(2)
    i32 = it.type
    m = _to_float(s, arith.divsi(arith.subi(it, arith.constant(i32, 1)), arith.constant(i32, 2)))
    a2m = arith.addf(a, arith.mulf(two, m))
    # m = 0 on the first even step: -(a + b) x / (a + 1), exact when a is tiny
    first = arith.divf(arith.mulf(arith.negf(arith.addf(a, b)), x), arith.addf(a, one))
    even = arith.divf(arith.mulf(arith.mulf(arith.negf(arith.addf(a, m)), arith.addf(arith.addf(a, b), m)), x),
                      arith.mulf(a2m, arith.addf(a2m, one)))
    even = arith.select(s.eq(m, s.c(0)), first, even)
    odd = arith.divf(arith.mulf(arith.mulf(m, arith.subf(b, m)), x), arith.mulf(arith.subf(a2m, one), a2m))
    is_even = arith.cmpi(arith.CmpIPredicate.eq, arith.remsi(it, arith.constant(i32, 2)), arith.constant(i32, 0))
    is_one = arith.cmpi(arith.CmpIPredicate.eq, it, arith.constant(i32, 1))
    return arith.select(is_one, one, arith.select(is_even, even, odd))


def _to_float(s, i):
    return arith.sitofp(s.low.scalar_type(s.dt), i)


def _lentz(s, a, b, x):
    """1/(1 + d_1/(1 + d_2/(1 + ...))) evaluated forwards (Lentz), to eps/2 or 200 (600) steps."""
    small = s.c(_EPS[s.dt] / 2)
    i32 = ir.IntegerType.get_signless(32)
    steps = arith.constant(i32, 200 if s.dt == "float32" else 600)

    def guard(v):
        return arith.select(s.lt(math.absf(v), small), small, v)

    def body(v):
        it, _, c, d, h = v
        numerator = _betainc_numerator(s, it, a, b, x)
        c = guard(arith.addf(s.c(1), arith.divf(numerator, c)))
        d = arith.divf(s.c(1), guard(arith.addf(s.c(1), arith.mulf(numerator, d))))
        delta = arith.mulf(c, d)
        unconverged = arith.cmpf(arith.CmpFPredicate.OGE, math.absf(arith.subf(delta, s.c(1))), small)
        return [arith.addi(it, arith.constant(i32, 1)), unconverged, c, d, arith.mulf(h, delta)]

    def cond(v):
        return arith.andi(arith.cmpi(arith.CmpIPredicate.slt, v[0], steps), v[1])

    true = arith.constant(ir.IntegerType.get_signless(1), 1)
    return _while([arith.constant(i32, 1), true, small, s.c(0), small], cond, body)[4]


def _betainc(s, a, b, x):
    zero, one = s.c(0), s.c(1)
    inf = s.c(np.inf)
    a_zero = _or(s.eq(a, zero), s.eq(b, inf))
    b_zero = _or(s.eq(b, zero), s.eq(a, inf))
    x_zero, x_one = s.eq(x, zero), s.eq(x, one)
    is_nan = _or(_isnan(s, a), _isnan(s, b), _isnan(s, x))
    result_zero = _or(arith.andi(b_zero, _not(x_one)), arith.andi(a_zero, x_zero))
    result_one = _or(arith.andi(a_zero, _not(x_zero)), arith.andi(b_zero, x_one))
    result_nan = _or(s.lt(a, zero), s.lt(b, zero), s.lt(x, zero), s.lt(one, x), arith.andi(a_zero, b_zero), is_nan)
    # the fraction converges fast below (a + 1)/(a + b + 2); above it, I_x(a, b) = 1 - I_(1-x)(b, a)
    direct = s.lt(x, arith.divf(arith.addf(a, one), arith.addf(arith.addf(a, b), s.c(2))))
    a, b = arith.select(direct, a, b), arith.select(direct, b, a)
    x = arith.select(direct, x, arith.subf(one, x))
    fraction = _lentz(s, a, b, x)
    # x^a (1-x)^b / (a B(a, b)), with a Gamma(a) -> 1 as a -> 0
    log1m_x_b = arith.mulf(math.log1p(arith.negf(x)), b)
    lbeta_small_a = arith.subf(_lgamma(s, b), _lgamma(s, arith.addf(a, b)))
    lbeta = arith.addf(_lgamma(s, a), lbeta_small_a)
    factor = arith.select(
        s.lt(a, s.c(2 * _TINY[s.dt])), math.exp(arith.subf(log1m_x_b, lbeta_small_a)),
        arith.divf(math.exp(arith.subf(arith.addf(arith.mulf(math.log(x), a), log1m_x_b), lbeta)), a))
    out = arith.mulf(fraction, factor)
    out = arith.select(direct, out, arith.subf(one, out))
    out = arith.select(result_zero, zero, out)
    out = arith.select(result_one, one, out)
    return arith.select(result_nan, s.c(np.nan), out)


def _np_betainc(a, b, x):
    """The same fraction, evaluated backwards to a fixed depth (Numerical Recipes' betacf is
    forwards: this is an independent evaluation), in float64."""
    if np.isnan(a) or np.isnan(b) or np.isnan(x) or a < 0 or b < 0 or x < 0 or x > 1:
        return np.nan
    a_zero, b_zero = a == 0 or np.isinf(b), b == 0 or np.isinf(a)
    if a_zero and b_zero:
        return np.nan
    if (b_zero and x != 1) or (a_zero and x == 0):
        return 0.0
    if a_zero or b_zero:
        return 1.0
    if x == 0 or x == 1:
        return x
    if x >= (a + 1) / (a + b + 2):
        return 1.0 - _np_betainc(b, a, 1.0 - x)
    tail = 1.0
    for n in range(400, 0, -1):
        m = n // 2
        d = (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)) if n % 2 == 0
             else -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)))
        tail = 1.0 + d / tail
    log_front = a * _pymath.log(x) + b * _pymath.log1p(-x) - (_pymath.lgamma(a) + _pymath.lgamma(b)
                                                                 - _pymath.lgamma(a + b))
    return _pymath.exp(log_front) / a / tail


def _betainc_grad_ab(t, ans, a, b, x):
    raise ValueError("Betainc gradient with respect to a and b not supported.")


def _betainc_dx(t, ans, a, b, x):
    """The beta density x^(a-1) (1-x)^(b-1) / B(a, b)."""
    one = pb.ones_like(x)
    lbeta = pb.sub(pb.add(pb.lgamma(a), pb.lgamma(b)), pb.lgamma(pb.add(a, b)))
    log_density = pb.sub(pb.add(pb.mul(pb.sub(b, one), pb.log1p(pb.neg(x))), pb.mul(pb.sub(a, one), pb.log(x))), lbeta)
    return pb.mul(pb.exp(log_density), t)


defelementwise("betainc", 3, FLOATS, _reference(_np_betainc), _in_f32(_betainc), family="incomplete",
               jvp=(_betainc_grad_ab, _betainc_grad_ab, _betainc_dx))


# ---- bessel_i0e, bessel_i1e: Cephes' Chebyshev expansions --------------------------------

# exp(-x) I0(x) on [0, 8] in x/2 - 2, and sqrt(x) exp(-x) I0(x) beyond 8 in 32/x - 2
_I0E_A = (-4.41534164647933937950E-18, 3.33079451882223809783E-17, -2.43127984654795469359E-16,
          1.71539128555513303061E-15, -1.16853328779934516808E-14, 7.67618549860493561688E-14,
          -4.85644678311192946090E-13, 2.95505266312963983461E-12, -1.72682629144155570723E-11,
          9.67580903537323691224E-11, -5.18979560163526290666E-10, 2.65982372468238665035E-9,
          -1.30002500998624804212E-8, 6.04699502254191894932E-8, -2.67079385394061173391E-7,
          1.11738753912010371815E-6, -4.41673835845875056359E-6, 1.64484480707288970893E-5,
          -5.75419501008210370398E-5, 1.88502885095841655729E-4, -5.76375574538582365885E-4,
          1.63947561694133579842E-3, -4.32430999505057594430E-3, 1.05464603945949983183E-2,
          -2.37374148058994688156E-2, 4.93052842396707084878E-2, -9.49010970480476444210E-2,
          1.71620901522208775349E-1, -3.04682672343198398683E-1, 6.76795274409476084995E-1)
_I0E_B = (-7.23318048787475395456E-18, -4.83050448594418207126E-18, 4.46562142029675999901E-17,
          3.46122286769746109310E-17, -2.82762398051658348494E-16, -3.42548561967721913462E-16,
          1.77256013305652638360E-15, 3.81168066935262242075E-15, -9.55484669882830764870E-15,
          -4.15056934728722208663E-14, 1.54008621752140982691E-14, 3.85277838274214270114E-13,
          7.18012445138366623367E-13, -1.79417853150680611778E-12, -1.32158118404477131188E-11,
          -3.14991652796324136454E-11, 1.18891471078464383424E-11, 4.94060238822496958910E-10,
          3.39623202570838634515E-9, 2.26666899049817806459E-8, 2.04891858946906374183E-7,
          2.89137052083475648297E-6, 6.88975834691682398426E-5, 3.36911647825569408990E-3,
          8.04490411014108831608E-1)
# exp(-x) I1(x) / x on [0, 8], and sqrt(x) exp(-x) I1(x) beyond 8
_I1E_A = (2.77791411276104639959E-18, -2.11142121435816608115E-17, 1.55363195773620046921E-16,
          -1.10559694773538630805E-15, 7.60068429473540693410E-15, -5.04218550472791168711E-14,
          3.22379336594557470981E-13, -1.98397439776494371520E-12, 1.17361862988909016308E-11,
          -6.66348972350202774223E-11, 3.62559028155211703701E-10, -1.88724975172282928790E-9,
          9.38153738649577178388E-9, -4.44505912879632808065E-8, 2.00329475355213526229E-7,
          -8.56872026469545474066E-7, 3.47025130813767847674E-6, -1.32731636560394358279E-5,
          4.78156510755005422638E-5, -1.61760815825896745588E-4, 5.12285956168575772895E-4,
          -1.51357245063125314899E-3, 4.15642294431288815669E-3, -1.05640848946261981558E-2,
          2.47264490306265168283E-2, -5.29459812080949914269E-2, 1.02643658689847095384E-1,
          -1.76416518357834055153E-1, 2.52587186443633654823E-1)
_I1E_B = (7.51729631084210481353E-18, 4.41434832307170791151E-18, -4.65030536848935832153E-17,
          -3.20952592199342395980E-17, 2.96262899764595013876E-16, 3.30820231092092828324E-16,
          -1.88035477551078244854E-15, -3.81440307243700780478E-15, 1.04202769841288027642E-14,
          4.27244001671195135429E-14, -2.10154184277266431302E-14, -4.08355111109219731823E-13,
          -7.19855177624590851209E-13, 2.03562854414708950722E-12, 1.41258074366137813316E-11,
          3.25260358301548823856E-11, -1.89749581235054123450E-11, -5.58974346219658380687E-10,
          -3.83538038596423702205E-9, -2.63146884688951950684E-8, -2.51223623787020892529E-7,
          -3.88256480887769039346E-6, -1.10588938762623716291E-4, -9.76109749136146840777E-3,
          7.78576235018280120474E-1)
# float32 keeps the trailing terms (Cephes' i0ef/i1ef): the others are below its precision
_SINGLE_TERMS = {"i0e": (18, 7), "i1e": (17, 7)}


def _chebyshev(s, coefficients, y):
    """Clenshaw's recurrence: sum' c_k T_k(y / 2) (Cephes chbevl)."""
    b0, b1, b2 = s.c(0), s.c(0), s.c(0)
    for k in coefficients:
        b2, b1 = b1, b0
        b0 = arith.addf(arith.subf(arith.mulf(y, b1), b2), s.c(k))
    return arith.mulf(s.c(0.5), arith.subf(b0, b2))


def _bessel(name, tables):
    small_table, large_table = tables

    def lower(s, x):
        if s.dt == "float32":
            small_n, large_n = _SINGLE_TERMS[name]
            small, large = small_table[-small_n:], large_table[-large_n:]
        else:
            small, large = small_table, large_table
        z = math.absf(x)
        near = _chebyshev(s, small, arith.subf(arith.mulf(s.c(0.5), z), s.c(2)))
        far = arith.divf(_chebyshev(s, large, arith.subf(arith.divf(s.c(32), z), s.c(2))), math.sqrt(z))
        if name == "i1e":  # odd, and the [0, 8] expansion is of I1(x) / x
            near = arith.mulf(near, z)
        out = arith.select(s.le(z, s.c(8)), near, far)
        return math.copysign(out, x) if name == "i1e" else out
    return lower


def _np_bessel(order):
    """exp(-|x|) I_order(|x|) (odd in x for order 1): the power series below 40, Hankel's
    asymptotic expansion above, in float64."""
    def ref(x):
        if np.isnan(x):
            return np.nan
        z = abs(x)
        if z <= 40:
            term = (z / 2) ** order / _pymath.factorial(order)
            total, k = term, 0
            while term > 1e-18 * total:
                k += 1
                term *= (z / 2) ** 2 / (k * (k + order))
                total += term
            value = total * _pymath.exp(-z)
        else:
            mu, term, total = 4 * order * order, 1.0, 1.0
            for k in range(1, 30):
                term *= -(mu - (2 * k - 1) ** 2) / (k * 8 * z)
                total += term
            value = total / _pymath.sqrt(2 * _pymath.pi * z) if np.isfinite(z) else 0.0
        return -value if order == 1 and x < 0 else value
    return ref


def _i0e_jvp(t, ans, x):
    return pb.mul(t, pb.sub(pb.bessel_i1e(x), pb.mul(pb.sign(x), ans)))


def _i1e_jvp(t, ans, x):
    """i0e(x) - ans (sign x + 1/x), with its limit 1/2 at |x| <= eps (as JAX)."""
    eps = pb.full_like(x, _EPS.get(spec(x).dtype, _EPS["float32"]))
    tiny = pb.compare(pb.abs(x), eps, direction="LE")
    safe = pb.select(tiny, eps, x)
    slope = pb.sub(pb.bessel_i0e(safe), pb.mul(ans, pb.add(pb.sign(safe), pb.div(pb.ones_like(safe), safe))))
    return pb.mul(t, pb.select(tiny, pb.full_like(x, 0.5), slope))


defelementwise("bessel_i0e", 1, FLOATS, _reference(_np_bessel(0)), _in_f32(_bessel("i0e", (_I0E_A, _I0E_B))),
               family="incomplete", jvp=_i0e_jvp)
defelementwise("bessel_i1e", 1, FLOATS, _reference(_np_bessel(1)), _in_f32(_bessel("i1e", (_I1E_A, _I1E_B))),
               family="incomplete", jvp=_i1e_jvp)
