"""Samplers built on gamma as jax.random builds them: beta and dirichlet (through loggamma, for
small concentrations), chisquare, f, t, generalized_normal and ball, in every float dtype, as gamma."""
from __future__ import annotations


from .. import dtypes, lax
from ..errors import user_error
from ._gamma import _float_dt, _ftz, _pow, _sample_shape, gamma, loggamma
from ._lax_helpers import _bcast, _convert, _div_bcast, _dt, _full, _mul, _value
from ._xla_float import _exp
from . import _shape, exponential, normal, rademacher, split


def _params(dt, *xs):
    return [_convert(_value(x), dt) for x in xs]


def _p_and_inverse(p, dt):
    """p and 1/p as dt; JAX computes 1/p in p's own dtype (a Python number's: the default
    float) before converting."""
    p = _value(p)
    src = _dt(p) if dtypes.is_float(_dt(p)) else dtypes.default_float()
    p = _convert(p, src)
    return _convert(p, dt), _convert(lax.div(_full(p, 1.0), p), dt)


def beta(key, a, b, shape=None, dtype=None):
    """Beta(a, b) samples, loggamma(a) against loggamma(b) scaled by their max, as `jax.random.beta`."""
    dt = _float_dt(dtype, "beta")
    a, b = _params(dt, a, b)
    shape = _sample_shape(shape, [a, b], "beta")
    ka, kb = split(key)
    la = loggamma(ka, _bcast(a, shape), shape, dt)
    lb = loggamma(kb, _bcast(b, shape), shape, dt)
    top = lax.max(la, lb)
    ga, gb = _exp(lax.sub(la, top)), _exp(lax.sub(lb, top))
    return lax.div(ga, lax.add(ga, gb))


def dirichlet(key, alpha, shape=None, dtype=None):
    """Dirichlet(alpha) samples along the last axis: softmax of loggamma draws, as `jax.random.dirichlet`."""
    dt = _float_dt(dtype, "dirichlet")
    (alpha,) = _params(dt, alpha)
    if alpha.ndim < 1:
        raise user_error(ValueError, f"dirichlet requires alpha.ndim >= 1, got alpha.ndim == {alpha.ndim}")
    batch = tuple(alpha.shape[:-1]) if shape is None else _sample_shape(shape, [lax.reshape(
        alpha, tuple(alpha.shape[:-1]))] if alpha.ndim > 1 else [], "dirichlet")
    full = batch + tuple(alpha.shape[-1:])
    lg = loggamma(key, _bcast(alpha, full), full, dt)
    top = lax.reduce_max(lg, (lg.ndim - 1,))
    e = _exp(lax.sub(lg, lax.broadcast_in_dim(top, lg.shape, tuple(range(lg.ndim - 1)))))
    return _div_bcast(e, _sum_last(e), e.shape)  # softmax


def chisquare(key, df, shape=None, dtype=None):
    """Chi-square(df) samples: 2 exp(loggamma(df / 2)), as `jax.random.chisquare`."""
    dt = _float_dt(dtype, "chisquare")
    (df,) = _params(dt, df)
    shape = _sample_shape(shape, [df], "chisquare")
    half = _mul(df, 0.5)
    return _mul(_exp(loggamma(key, _bcast(half, shape), shape, dt)), 2.0)


def f(key, dfnum, dfden, shape=None, dtype=None):
    """F(dfnum, dfden) samples: a ratio of scaled chi-squares, as `jax.random.f`."""
    dt = _float_dt(dtype, "f")
    dfnum, dfden = _params(dt, dfnum, dfden)
    shape = _sample_shape(shape, [dfnum, dfden], "f")
    kd, kn = split(key)
    num = _div_bcast(chisquare(kn, _bcast(dfnum, shape), shape, dt), dfnum, shape)
    den = _div_bcast(chisquare(kd, _bcast(dfden, shape), shape, dt), dfden, shape)
    return lax.div(num, den)


def t(key, df, shape=None, dtype=None):
    """Student's t(df) samples: normal * sqrt((df / 2) / gamma(df / 2)), as `jax.random.t`."""
    dt = _float_dt(dtype, "t")
    (df,) = _params(dt, df)
    shape = _sample_shape(shape, [df], "t")
    kn, kg = split(key)
    n = normal(kn, shape, dt)
    half = _bcast(lax.div(df, _full(df, 2.0)), shape)
    g = gamma(kg, half, shape, dt)
    return lax.mul(n, lax.sqrt(lax.div(half, g)))


def generalized_normal(key, p, shape=(), dtype=None):
    """Generalized normal samples with shape parameter p: sign * gamma(1/p)**(1/p), as
    `jax.random.generalized_normal`."""
    dt = _float_dt(dtype, "generalized_normal")
    shape = _shape(shape, "generalized_normal")
    p, inv = _p_and_inverse(p, dt)
    k1, k2 = split(key)
    g = gamma(k1, _bcast(inv, shape), shape, dt)
    r = rademacher(k2, shape, dt)
    return lax.mul(r, _ftz(_pow(g, _bcast(inv, shape))))


def ball(key, d, p=2, shape=(), dtype=None):
    """Uniform samples in the d-dimensional unit p-norm ball, as `jax.random.ball`."""
    dt = _float_dt(dtype, "ball")
    shape = _shape(shape, "ball")
    d = int(d)
    p_int = p if isinstance(p, int) and not isinstance(p, bool) else None
    p, inv = _p_and_inverse(p, dt)
    k1, k2 = split(key)
    g = generalized_normal(k1, p, shape + (d,), dt)
    e = exponential(k2, shape, dt)
    a = lax.abs(g)
    # a Python int p is an integer power in JAX (repeated multiplication)
    a = lax.integer_pow(a, p_int) if p_int is not None else _pow(a, _bcast(p, g.shape))
    total = lax.add(_sum_last(a), lax.reshape(e, tuple(e.shape) + (1,)))
    r = _pow(total, _bcast(inv, total.shape))
    return _div_bcast(g, r, g.shape)


def _sum_last(x):
    """Sum over the last axis, keepdims, as jnp.sum: 16-bit floats summed in float32."""
    dt = _dt(x)
    wide = _convert(x, "float32") if dt in ("float16", "bfloat16") else x
    total = _convert(lax.reduce_sum(wide, (x.ndim - 1,)), dt)
    return lax.reshape(total, tuple(x.shape[:-1]) + (1,))
