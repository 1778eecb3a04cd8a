"""pullback.scipy.special: jax.scipy.special's functions on pullback's special-function ops.

erf, erfc, erfinv, gammaln, digamma, polygamma and zeta are one pb op each (dialects/ops/special.py);
the others compose them as JAX does (jax/_src/scipy/special.py), with JAX's custom derivatives where JAX
defines them (xlogy, xlog1py: finite at x = 0; log_ndtr: stable in the far tail).
logsumexp, expit, logit and softmax live in pullback.nn and are re-exported by the package's owner.
"""
from __future__ import annotations

import math as _math

import numpy as _np

from .. import dtypes, lax
from .. import numpy as jnp
from ..core import Literal
from ..custom_derivatives import custom_jvp
from ..numpy._core import as_value, promote_inexact


def _args(*xs):
    """Operands promoted to one inexact dtype and broadcast (JAX's promote_args_inexact)."""
    xs = [as_value(x) for x in promote_inexact(*xs)]
    shape = jnp.broadcast_shapes(*(x.aval.shape for x in xs))
    return [jnp.broadcast_to(x, shape) for x in xs]


def _c(x, v):
    return Literal(v, x.aval.dtype, False)


_WIDE = {"float16": "float64", "bfloat16": "float64", "float32": "float64", "complex64": "complex128"}


def _widened(fn):
    """fn computed in float64 (complex128) for narrower operands and its results cast back, so float32
    results carry only the final rounding. In 32-bit mode (x64 off) pullback's ops canonicalize back to
    float32 and this is a float32 computation, still within ~1e-6: the float64 term counts cover it."""
    def wrapped(*xs):
        dtype = xs[-1].aval.dtype
        if dtype not in _WIDE:
            return fn(*xs)
        out = fn(*(lax.convert_element_type(x, _WIDE[dtype]) for x in xs))
        cast = lambda y: lax.convert_element_type(y, dtype)
        return tuple(map(cast, out)) if isinstance(out, tuple) else cast(out)
    wrapped.__name__, wrapped.__doc__ = fn.__name__, fn.__doc__
    return wrapped


def _closed_form(slope):
    """Decorator: a one-operand fn, _widened, as a custom_jvp whose derivative is slope(x, fn(x))
    (a tuple of them where fn returns a tuple)."""
    def wrap(fn):
        f = custom_jvp(_widened(fn))

        @f.defjvp
        def _jvp(primals, tangents):
            (x,), (t,) = primals, tangents
            out = f(x)
            d = slope(x, out)
            return out, tuple(s * t for s in d) if isinstance(out, tuple) else d * t
        return f
    return wrap


def erf(x):
    return lax.erf(*_args(x))


def erfc(x):
    return lax.erfc(*_args(x))


def erfinv(x):
    return lax.erf_inv(*_args(x))


def gammaln(x):
    return lax.lgamma(*_args(x))


def digamma(x):
    return lax.digamma(*_args(x))


def zeta(x, q=None):
    if q is None:
        raise NotImplementedError("Riemann zeta function not implemented; pass q != None to compute the "
                                  "Hurwitz Zeta function.")
    return lax.zeta(*_args(x, q))


def polygamma(n, x):
    """The n-th derivative of digamma; n of an integer dtype, as JAX requires."""
    n = as_value(jnp.asarray(n))
    if not dtypes.is_integer(n.aval.dtype):
        raise ValueError(f"Argument `n` to polygamma must be of integer type. Got dtype {n.aval.dtype}.")
    (x,) = _args(x)
    shape = jnp.broadcast_shapes(n.aval.shape, x.aval.shape)
    n = lax.convert_element_type(n, x.aval.dtype)
    return lax.polygamma(jnp.broadcast_to(n, shape), jnp.broadcast_to(x, shape))


def gammasgn(x):
    """The sign of gamma(x): nan at poles (non-positive integers) and nan, -1 where gamma is negative."""
    (x,) = _args(x)
    floor_x = lax.floor(x)
    negative = lax.lt(x, _c(x, 0))
    pole = jnp.logical_or(jnp.logical_and(negative, lax.eq(x, floor_x)), jnp.isnan(x))
    odd = lax.ne(lax.rem(floor_x, _c(x, 2)), _c(x, 0))
    minus = jnp.logical_or(jnp.logical_and(negative, odd), jnp.logical_and(lax.eq(x, _c(x, 0)), _signbit(x)))
    return jnp.where(pole, _c(x, _np.nan), jnp.where(minus, _c(x, -1.0), _c(x, 1.0)))


def _signbit(x):
    bits = {"float16": "int16", "bfloat16": "int16", "float32": "int32", "float64": "int64"}[x.aval.dtype]
    return lax.lt(lax.bitcast_convert_type(x, bits), Literal(0, bits, False))


def gamma(x):
    (x,) = _args(x)
    return lax.mul(gammasgn(x), lax.exp(lax.lgamma(x)))


def betaln(a, b):
    a, b = _args(a, b)
    return lax.sub(lax.add(lax.lgamma(a), lax.lgamma(b)), lax.lgamma(lax.add(a, b)))


def beta(a, b):
    a, b = _args(a, b)
    sign = lax.mul(lax.mul(gammasgn(a), gammasgn(b)), gammasgn(lax.add(a, b)))
    return lax.mul(sign, lax.exp(betaln(a, b)))


def factorial(n, exact=False):
    if exact:
        raise ValueError("factorial with exact=True is not supported.")
    (n,) = _args(n)
    return jnp.where(lax.lt(n, _c(n, 0)), _c(n, 0), lax.exp(lax.lgamma(lax.add(n, _c(n, 1)))))


def multigammaln(a, d):
    """log of the multivariate gamma function of dimension d (an int)."""
    d = int(d)
    (a,) = _args(a)
    out = _c(a, d * (d - 1) / 4 * _math.log(_math.pi))
    for j in range(d):
        out = lax.add(out, lax.lgamma(lax.sub(a, _c(a, j / 2))))
    return out


@custom_jvp
def xlogy(x, y):
    """x * log(y), 0 where x == 0 (JAX's custom_jvp: the derivative stays finite there)."""
    x, y = _args(x, y)
    return jnp.where(lax.ne(x, _c(x, 0)), lax.mul(x, lax.log(y)), jnp.zeros_like(x))


@xlogy.defjvp
def _xlogy_jvp(primals, tangents):
    (x, y), (tx, ty) = primals, tangents
    out = xlogy(x, y)
    return out, jnp.add(jnp.multiply(tx, jnp.log(y)), jnp.divide(jnp.multiply(ty, x), y)).astype(out.dtype)


@custom_jvp
def xlog1py(x, y):
    """x * log1p(y), 0 where x == 0."""
    x, y = _args(x, y)
    return jnp.where(lax.ne(x, _c(x, 0)), lax.mul(x, lax.log1p(y)), jnp.zeros_like(x))


@xlog1py.defjvp
def _xlog1py_jvp(primals, tangents):
    (x, y), (tx, ty) = primals, tangents
    out = xlog1py(x, y)
    return out, jnp.add(jnp.multiply(tx, jnp.log1p(y)),
                        jnp.divide(jnp.multiply(ty, x), jnp.add(y, 1))).astype(out.dtype)


@custom_jvp
def _xlogx(x):
    """x log x, 0 at 0; its derivative log x + 1 is -inf there, as JAX's (xlogy's would be nan)."""
    return xlogy(x, x)


@_xlogx.defjvp
def _xlogx_jvp(primals, tangents):
    (x,), (tx,) = primals, tangents
    return _xlogx(x), jnp.multiply(tx, jnp.add(jnp.log(x), 1))


def entr(x):
    """-x log x for x > 0, 0 at 0, -inf below (JAX's derivatives: +inf at 0, 0 below)."""
    (x,) = _args(x)
    return lax.select(lax.lt(x, _c(x, 0)), jnp.full_like(x, -_np.inf), lax.neg(_xlogx(x)))


def ndtr(x):
    """The standard normal CDF, from erf near 0 and erfc in the tails (JAX's)."""
    (x,) = _args(x)
    half_sqrt_2 = 0.5 * _math.sqrt(2)
    w = lax.mul(x, _c(x, half_sqrt_2))
    z = lax.abs(w)
    y = lax.select(lax.lt(z, _c(x, half_sqrt_2)), lax.add(_c(x, 1), lax.erf(w)),
                   lax.select(lax.gt(w, _c(x, 0)), lax.sub(_c(x, 2), lax.erfc(z)), lax.erfc(z)))
    return lax.mul(_c(x, 0.5), y)


def ndtri(p):
    """The inverse of ndtr: sqrt(2) erf_inv(2p - 1), computed in float64 for float32 p so that
    2p - 1 is exact and the tails keep their digits."""
    (p,) = _args(p)
    dt = p.aval.dtype
    wide = "float64" if dt in ("float16", "bfloat16", "float32") else dt
    q = lax.convert_element_type(p, wide)
    y = lax.mul(Literal(_math.sqrt(2), wide, False),
                lax.erf_inv(lax.sub(lax.mul(Literal(2, wide, False), q), Literal(1, wide, False))))
    return lax.convert_element_type(y, dt)


def _log_ndtr_series(x, order=3):
    """log ndtr(x) for very negative x: the asymptotic series (JAX's _log_ndtr_lower)."""
    x2 = lax.mul(x, x)
    log_scale = lax.sub(lax.sub(lax.mul(_c(x, -0.5), x2), lax.log(lax.neg(x))),
                        _c(x, 0.5 * _math.log(2 * _math.pi)))
    even, odd, x2n = _c(x, 0), _c(x, 0), x2
    for n in range(1, order + 1):
        y = lax.div(_c(x, float(_np.prod(_np.arange(2 * n - 1, 0, -2)))), x2n)
        if n % 2:
            odd = lax.add(odd, y)
        else:
            even = lax.add(even, y)
        x2n = lax.mul(x2n, x2)
    return lax.add(log_scale, lax.log(lax.sub(lax.add(_c(x, 1), even), odd)))


def _log_ndtr(x, series_order):
    lower, upper = (-20.0, 8.0) if x.aval.dtype == "float64" else (-10.0, 5.0)
    lo, hi = _c(x, lower), _c(x, upper)
    mid = lax.log(ndtr(lax.max(x, lo)))
    high = lax.log1p(lax.neg(ndtr(lax.neg(x))))
    low = _log_ndtr_series(lax.min(x, lo), series_order)
    return lax.select(lax.gt(x, hi), high, lax.select(lax.gt(x, lo), mid, low))


_log_ndtr = custom_jvp(_log_ndtr, nondiff_argnums=(1,))


@_log_ndtr.defjvp
def _log_ndtr_jvp(series_order, primals, tangents):
    (x,), (t,) = primals, tangents
    out = _log_ndtr(x, series_order)
    slope = lax.exp(lax.sub(lax.sub(lax.mul(_c(x, -0.5), lax.mul(x, x)), out), _c(x, 0.5 * _math.log(2 * _math.pi))))
    return out, lax.mul(t, slope)


def log_ndtr(x, series_order=3):
    """log of the standard normal CDF, accurate in both tails (JAX's segments by dtype; its custom
    derivative pdf / cdf in log space)."""
    if series_order < 0 or series_order > 30:
        raise ValueError(f"series_order must be in [0, 30], got {series_order}")
    (x,) = _args(x)
    return _log_ndtr(x, int(series_order))


# JAX's scipy.special shares these with jax.nn: one definition, in pullback.nn.
from ..nn import log_softmax, logsumexp, softmax  # noqa: E402
from ..nn import sigmoid as expit  # noqa: E402


def logit(x):
    """log(x / (1 - x)), the inverse of expit."""
    x, = promote_inexact(x)
    return lax.log(lax.div(x, lax.sub(lax.full_like(x, 1), x)))


__all__ = ["expit", "log_softmax", "logit", "logsumexp", "softmax", "beta", "betaln", "digamma", "entr", "erf", "erfc", "erfinv", "factorial", "gamma", "gammaln",
           "gammasgn", "log_ndtr", "multigammaln", "ndtr", "ndtri", "polygamma", "xlog1py", "xlogy", "zeta"]

# Incomplete gamma/beta, Bessel, entropy and combinatorial functions (frontend/scipy/_special_incomplete.py);
# exponential, sine and cosine integrals (_special_series.py); wofz and its kin (_special_faddeeva.py);
# bessel_jn (_special_bessel.py); owens_t (_special_owens.py).
from . import _special_bessel, _special_faddeeva, _special_incomplete, _special_owens, _special_series  # noqa: E402
from ._special_bessel import *  # noqa: E402,F401,F403
from ._special_owens import *  # noqa: E402,F401,F403
from ._special_faddeeva import *  # noqa: E402,F401,F403
from ._special_incomplete import *  # noqa: E402,F401,F403 - their __all__
from ._special_series import *  # noqa: E402,F401,F403

__all__ += (_special_incomplete.__all__ + _special_series.__all__ + _special_faddeeva.__all__
            + _special_bessel.__all__ + _special_owens.__all__)
