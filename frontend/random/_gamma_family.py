"""Samplers built on gamma as jax.random builds them: beta and dirichlet (through loggamma, for
small concentrations), chisquare, f, t, generalized_normal and ball, in every float dtype, as gamma."""
from __future__ import annotations

import numpy as np

from .. import lax
from ..errors import user_error
from ._gamma import _float_dt, _ftz, _pow, _sample_shape, gamma, loggamma
from ._lax_helpers import _bcast, _convert, _full, _mul, _value
from ._xla_float import _exp
from . import _shape, exponential, normal, rademacher, split


def _params(dt, *xs):
    return [_convert(_value(x), dt) for x in xs]


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
    total = lax.reduce_sum(e, (e.ndim - 1,))
    return lax.div(e, lax.broadcast_in_dim(total, e.shape, tuple(range(e.ndim - 1))))


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
    num = lax.div(chisquare(kn, _bcast(dfnum, shape), shape, dt), _bcast(dfnum, shape))
    den = lax.div(chisquare(kd, _bcast(dfden, shape), shape, dt), _bcast(dfden, shape))
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
    (p,) = _params(dt, p)
    k1, k2 = split(key)
    inv = lax.div(_full(p, 1.0), p)
    g = gamma(k1, _bcast(inv, shape), shape, dt)
    r = rademacher(k2, shape, dt)
    return lax.mul(r, _ftz(lax.pow(g, _bcast(inv, shape))))


def ball(key, d, p=2, shape=(), dtype=None):
    """Uniform samples in the d-dimensional unit p-norm ball, as `jax.random.ball`."""
    dt = _float_dt(dtype, "ball")
    shape = _shape(shape, "ball")
    d = int(d)
    (p,) = _params(dt, p)
    k1, k2 = split(key)
    g = generalized_normal(k1, p, shape + (d,), dt)
    e = exponential(k2, shape, dt)
    s = lax.reduce_sum(lax.pow(lax.abs(g), _bcast(p, g.shape)), (g.ndim - 1,))
    r = lax.pow(lax.add(s, e), _bcast(lax.div(_full(p, 1.0), p), e.shape))
    return lax.div(g, lax.broadcast_in_dim(r, g.shape, tuple(range(len(shape)))))
