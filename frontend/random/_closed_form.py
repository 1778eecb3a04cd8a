"""Samplers that are a formula over uniform or normal draws, as jax.random writes them:
bits, cauchy, lognormal, pareto, weibull_min, maxwell, double_sided_maxwell, wald, triangular,
geometric. Draws are evaluated as XLA:CPU does in each float dtype (its exp, log and log1p
from `_xla_float`, a multiply feeding an add contracted into one FMA), so they are
bit-identical to JAX's for the same key."""
from __future__ import annotations

import numpy as np

from .. import dtypes, lax, numpy as jnp
from ..errors import user_error
from ._gamma import _float_dt, _sample_shape
from ._keys import _key_data
from ._lax_helpers import _add, _bcast, _div_bcast, _convert, _dt, _full, _mul, _select, _sub, _value
from ._threefry import _bits32, _bits64, _bits_narrow
from ._distributions import _uniform
from ._xla_float import _erf_inv, _exp, _fma, _log, _log1p, _via_f32
from . import _shape, exponential, normal, rademacher, split, uniform


def bits(key, shape=(), dtype=None):
    """Uniform random bits as unsigned integers, as `jax.random.bits`."""
    from . import threefry_partitionable  # lazy: read at call time
    data, _ = _key_data(key, "bits")
    dt = dtypes.canonicalize(dtypes.name(dtype)) if dtype is not None else "uint32"
    if not dtypes.is_integer(dt) or not dt.startswith("uint"):
        raise user_error(ValueError, f"dtype argument to `bits` must be an unsigned int dtype, got {dt}")
    shape = _shape(shape, "bits")
    width = np.dtype(dt).itemsize * 8
    if width == 64:
        return lax.bitcast_convert_type(_bits64(data, shape, threefry_partitionable), dt)
    if width == 32:
        return _bits32(data, shape, threefry_partitionable)[0]
    return _convert(_bits_narrow(data, width, shape, threefry_partitionable), dt)


def _param(x, dt):
    return _convert(_value(x), dt)


def cauchy(key, shape=(), dtype=None):
    """Standard Cauchy samples: tan(pi (u - 1/2)), as `jax.random.cauchy`."""
    dt = _float_dt(dtype, "cauchy")
    u = uniform(key, _shape(shape, "cauchy"), dt, float(jnp.finfo(dt).eps), 1.0)
    return _tan(_mul(_sub(u, 0.5), float(np.pi)))


def _tan(x):
    """tan as XLA:CPU computes it: 16-bit floats through float32."""
    return _via_f32(lax.tan)(x) if _dt(x) in ("float16", "bfloat16") else lax.tan(x)


def lognormal(key, sigma=1.0, shape=None, dtype=None):
    """exp(sigma * normal), as `jax.random.lognormal`."""
    dt = _float_dt(dtype, "lognormal")
    sigma = _param(sigma, dt)
    shape = _sample_shape(shape, [sigma], "lognormal")
    if dt == "bfloat16" or tuple(sigma.shape) == shape:  # bfloat16: each op rounded in turn
        return _exp(lax.mul(normal(key, shape, dt), _bcast(sigma, shape)))
    # a broadcast sigma: XLA folds normal's sqrt(2) into it, (e sqrt2) sigma = e (sigma sqrt2)
    from . import threefry_partitionable  # lazy: read at call time
    data, _ = _key_data(key, "lognormal")
    lo = -1.0 + 2.0 ** -(jnp.finfo(dt).nmant + 1)  # nextafter(-1, 0), as normal's
    u = _uniform(data, lo, 1.0, shape=shape, dtype=dt, partitionable=threefry_partitionable)
    return _exp(lax.mul(_erf_inv(u), _bcast(_mul(sigma, float(np.sqrt(2.0))), shape)))


def pareto(key, b, shape=None, dtype=None):
    """Pareto(b) samples exp(e / b), e exponential, as `jax.random.pareto`."""
    dt = _float_dt(dtype, "pareto")
    b = _param(b, dt)
    shape = _sample_shape(shape, [b], "pareto")
    return _exp(_div_bcast(exponential(key, shape, dt), b, shape))


def weibull_min(key, scale, concentration, shape=(), dtype=None):
    """Weibull samples by the inverse CDF, as `jax.random.weibull_min`."""
    dt = _float_dt(dtype, "weibull_min")
    shape = _shape(shape, "weibull_min")
    scale, conc = _param(scale, dt), _param(concentration, dt)
    u = uniform(key, shape, dt, 0.0, 1.0)
    inv = lax.div(_full(conc, 1.0), conc)
    out_shape = tuple(np.broadcast_shapes(shape, tuple(scale.shape), tuple(conc.shape)))
    base = _bcast(lax.neg(_log1p(lax.neg(u))), out_shape)
    return lax.mul(lax.pow(base, _bcast(inv, out_shape)), _bcast(scale, out_shape))


def maxwell(key, shape=(), dtype=None):
    """Maxwell samples: the norm of three standard normals, as `jax.random.maxwell`."""
    dt = _float_dt(dtype, "maxwell")
    shape = _shape(shape, "maxwell")
    z = normal(key, shape + (3,), dt)
    x0, x1, x2 = (lax.reshape(lax.slice_in_dim(z, i, i + 1, axis=len(shape)), shape) for i in range(3))
    if dt == "float32":  # XLA's reduction: x1^2 first, the other squares fused into the sum
        return lax.sqrt(_fma(x2, x2, _fma(x0, x0, lax.mul(x1, x1))))
    if dt == "float64":  # in order here (another vector width)
        return lax.sqrt(_fma(x2, x2, _fma(x1, x1, lax.mul(x0, x0))))
    # jnp.sum sums 16-bit floats in float32; XLA keeps bfloat16's squares exact there too
    sq = [_convert(lax.mul(x, x), "float32") if dt == "float16" else
          lax.mul(*[_convert(x, "float32")] * 2) for x in (x0, x1, x2)]
    return lax.sqrt(_convert(lax.add(lax.add(sq[0], sq[1]), sq[2]), dt))


def double_sided_maxwell(key, loc, scale, shape=(), dtype=None):
    """Random sign times a Maxwell sample, scaled and shifted, as `jax.random.double_sided_maxwell`
    (whose sample shape is `shape` followed by the parameters' broadcast shape)."""
    dt = _float_dt(dtype, "double_sided_maxwell")
    loc, scale = _param(loc, dt), _param(scale, dt)
    params = tuple(np.broadcast_shapes(tuple(loc.shape), tuple(scale.shape)))
    shape = _shape(shape, "double_sided_maxwell")
    shape = (shape or params) + params
    k1, k2 = split(key)
    m = maxwell(k1, shape, dt)
    sign = rademacher(k2, shape, dt)
    return _fma(lax.mul(sign, m), _bcast(scale, shape), _bcast(loc, shape))


def wald(key, mean, shape=None, dtype=None):
    """Wald (inverse Gaussian) samples by Michael, Schucany and Haas's transform, as `jax.random.wald`."""
    dt = _float_dt(dtype, "wald")
    mean = _param(mean, dt)
    shape = _sample_shape(shape, [mean], "wald")
    k1, k2 = split(key)
    mean = _bcast(mean, shape)
    v = normal(k1, shape, dt)
    z = uniform(k2, shape, dt)
    y = lax.mul(v, v)
    mean_sq = lax.mul(mean, mean)
    sqrt_term = lax.sqrt(_fma(_mul(mean, 4.0), y, lax.mul(mean_sq, lax.mul(y, y))))
    x = _fma(lax.neg(_mul(mean, 0.5)), sqrt_term, lax.add(mean, _mul(lax.mul(mean_sq, y), 0.5)))
    return lax.select(lax.le(z, lax.div(mean, lax.add(mean, x))), x, lax.div(mean_sq, x))


def triangular(key, left, mode, right, shape=None, dtype=None):
    """Triangular samples by the inverse CDF, as `jax.random.triangular`."""
    dt = _float_dt(dtype, "triangular")
    left, mode, right = (_param(v, dt) for v in (left, mode, right))
    shape = _sample_shape(shape, [left, mode, right], "triangular")
    left, mode, right = (_bcast(v, shape) for v in (left, mode, right))
    fc = lax.div(lax.sub(mode, left), lax.sub(right, left))
    u = uniform(key, shape, dt)
    out1 = lax.add(left, lax.sqrt(lax.mul(lax.mul(u, lax.sub(right, left)), lax.sub(mode, left))))
    out2 = lax.sub(right, lax.sqrt(lax.mul(lax.mul(lax.sub(_full(u, 1.0), u),
                                                   lax.sub(right, left)), lax.sub(right, mode))))
    return lax.select(lax.lt(u, fc), out1, out2)


def geometric(key, p, shape=None, dtype=None):
    """Geometric samples (trials to the first success), as `jax.random.geometric`."""
    dt = dtypes.name(dtype if dtype is not None else int)
    if not dtypes.is_integer(dt):
        raise user_error(ValueError, f"dtype argument to `geometric` must be an int dtype, got {dt}")
    p = _value(p)
    if not dtypes.is_float(p.aval.dtype):
        p = _convert(p, dtypes.default_float())
    shape = _sample_shape(shape, [p], "geometric")
    u = uniform(key, shape, _dt(p))  # drawn in p's float dtype, as JAX
    u = _select(lax.eq(u, _full(u, 0.0)), 1.0, u)
    g = lax.floor(_div_bcast(_log(u), _log1p(lax.neg(p)), shape))
    return _convert(_add(g, 1.0), dtypes.canonicalize(dt))
