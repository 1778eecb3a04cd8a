"""random.gamma and random.loggamma, JAX's algorithm: Marsaglia and Tsang's rejection loop run
per element with its own key (key i of split(key, size)), alpha < 1 boosted to alpha + 1 and
corrected by U**(1/alpha) (in log space: + log(U)/alpha, via log1p as JAX's exponential).

JAX runs one while loop per element, with a nested loop redrawing the normal until
1 + c x > 0. Here one vectorized while loop advances every element still rejecting (the others
keep their state), so each element sees exactly its own sequence of key splits and draws and
the samples are bit-identical to JAX's (in every float dtype, XLA's log and FMA contraction emulated;
but see `_rsqrt_third`).
"""
from __future__ import annotations

import math

import numpy as np

from .. import dtypes, lax, numpy as jnp
from ..custom_derivatives import custom_jvp
from ..errors import user_error
from ._distributions import _check_param_shape
from ._each import _normal_each, _split_each, _uniform_each
from ._keys import _key_data
from ._lax_helpers import _add, _bcast, _compiled, _const, _convert, _dt, _full, _mul, _select, _sub, _value
from ._threefry import _split
from ._xla_float import _fma, _log, _log1p


def _gamma_keys(key, n, partitionable):
    return _split(key, num=(n,), partitionable=partitionable)


def _rsqrt_third(d):
    """c = (1/3) / sqrt(d), which XLA rewrites as (1/3) * rsqrt(d) (but in bfloat16). Its float32
    and float64 rsqrt refine the CPU's own estimate (rsqrtps/rsqrt14, model-dependent) by two
    Newton steps, so c can differ in its last bit; float16 takes it from float32, where that
    difference is rounded away."""
    dt = _dt(d)
    if dt == "float32":
        return lax.div(_full(d, 1.0 / 3.0), lax.sqrt(d))
    if dt == "float64":
        return _mul(lax.div(_full(d, 1.0), lax.sqrt(d)), 1.0 / 3.0)
    if dt == "bfloat16":  # not rewritten: each op rounded
        return lax.div(_full(d, 1.0 / 3.0), lax.sqrt(d))
    d32 = _convert(d, "float32")
    return _mul(_convert(lax.div(_full(d32, 1.0), lax.sqrt(d32)), dt), 1.0 / 3.0)


def _marsaglia_tsang(keys, alpha, log_space, partitionable):
    """One gamma(alpha) sample per (key, alpha) element, in alpha's float dtype, vectors of one
    length."""
    dt = _dt(alpha)
    boost = lax.ge(alpha, _full(alpha, 1.0))
    alpha_b = lax.select(boost, alpha, _add(alpha, 1.0))
    d = _sub(alpha_b, 1.0 / 3.0)
    c = _rsqrt_third(d)

    def rejecting(X, V, U):
        squeeze = lax.ge(U, _fma(_full(X, -0.0331), lax.mul(X, X), 1.0))
        rhs = _fma(d, lax.add(lax.sub(_full(V, 1.0), V), _log(V)), _mul(X, 0.5))
        return lax.bitwise_and(squeeze, lax.ge(_log(U), rhs))

    def outer_cond(s):
        return jnp.any(rejecting(*s[1:]))

    def outer_body(s):
        key, X, V, U = s
        active = rejecting(X, V, U)
        key2, x_key, u_key = _split_each(key, 3, partitionable)

        def inner_cond(t):
            return jnp.any(lax.bitwise_and(active, lax.le(t[2], _full(t[2], 0.0))))

        def inner_body(t):
            xk, x, v = t
            go = lax.bitwise_and(active, lax.le(v, _full(v, 0.0)))
            xk2, sub = _split_each(xk, 2, partitionable)
            x2 = _normal_each(sub, partitionable, dt)
            v2 = _fma(x2, c, 1.0)
            go_k = lax.broadcast_in_dim(go, xk.shape, (0,))
            return lax.select(go_k, xk2, xk), lax.select(go, x2, x), lax.select(go, v2, v)

        _, x, v = lax.while_loop(inner_cond, inner_body, (x_key, _full(X, 0.0), _full(X, -1.0)))
        new = (key2, lax.mul(x, x), lax.mul(lax.mul(v, v), v), _uniform_each(u_key, partitionable, dt))
        act_k = lax.broadcast_in_dim(active, key.shape, (0,))
        return tuple(lax.select(act_k if i == 0 else active, n, o) for i, (n, o) in enumerate(zip(new, s)))

    key, subkey = _split_each(keys, 2, partitionable)
    init = (key, _full(alpha, 0.0), _full(alpha, 1.0), _full(alpha, 2.0))
    _, _, V, _ = lax.while_loop(outer_cond, outer_body, init)
    u = _uniform_each(subkey, partitionable, dt)
    inv_alpha = lax.div(_full(alpha, 1.0), alpha)
    if log_space:
        log_u = _log1p(lax.neg(u))  # -exponential(subkey)
        no_boost = lax.bitwise_or(boost, lax.eq(log_u, _full(log_u, 0.0)))
        log_boost = _select(no_boost, 0.0, lax.mul(log_u, inv_alpha))
        return lax.add(lax.add(_log(d), _log(V)), log_boost)
    factor = _select(boost, 1.0, _ftz(_pow(lax.sub(_full(u, 1.0), u), inv_alpha)))
    return _ftz(lax.mul(lax.mul(d, V), factor))


def _pow(x, y):
    """pow as XLA:CPU computes it: 16-bit floats through float32."""
    dt = _dt(x)
    if dt in ("float16", "bfloat16"):
        return _convert(lax.pow(_convert(x, "float32"), _convert(y, "float32")), dt)
    return lax.pow(x, y)


def _ftz(x):
    """Subnormal results flushed to zero, as XLA:CPU computes (its float32 and float64 ops run
    with denormals flushed; 16-bit floats are rounded from float32 by conversions that keep them)."""
    dt = _dt(x)
    if dt not in ("float32", "float64"):
        return x
    return _select(lax.lt(lax.abs(x), _full(x, float(np.finfo(dt).tiny))), 0.0, x)


@_compiled("shape", "log_space", "partitionable")
def _gamma(key, a, shape, log_space, partitionable):
    n = math.prod(shape)
    if n == 0:
        return _const(shape, 0.0, _dt(a))
    keys = _gamma_keys(key, n, partitionable)
    flat = lax.reshape(_bcast(a, shape), (n,))
    return lax.reshape(_marsaglia_tsang(keys, flat, log_space, partitionable), shape)


def _float_dt(dtype, name):
    """The sample dtype: a float dtype (float64 only with x64), else JAX's ValueError."""
    dt = dtypes.name(dtype if dtype is not None else float)
    if not dtypes.is_float(dt):
        raise user_error(ValueError, f"dtype argument to `{name}` must be a float dtype, got {dt}")
    return dtypes.canonicalize(dt)


def _sample_shape(shape, params, name):
    """The sample shape: `shape`, or the parameters' broadcast shape; parameters must not grow it."""
    if shape is None:
        return tuple(np.broadcast_shapes(*(tuple(p.shape) for p in params)))
    from . import _shape  # lazy: the package imports this module
    shape = _shape(shape, name)
    for p in params:
        _check_param_shape(p.shape, shape, name, "a parameter")
    return shape


def _gamma_public(key, a, shape, dtype, name, log_space):
    from . import threefry_partitionable  # lazy: read at call time, the package imports this module
    data, _ = _key_data(key, name)
    dt = _float_dt(dtype, name)
    a = _convert(_value(a), dt)
    shape = _sample_shape(shape, [a], name)
    return _reparameterized(data, _bcast(a, shape), shape, log_space, threefry_partitionable)


def _reparameterized(data, a, shape, log_space, partitionable):
    """The draws, differentiable in `a` as JAX's: implicit reparameterization, the derivative
    of the sample at a fixed CDF value (lax.random_gamma_grad), never the rejection loop's."""
    @custom_jvp
    def sample(data, a):
        return _gamma(data, a, shape=shape, log_space=log_space, partitionable=partitionable)

    @sample.defjvp
    def _jvp(primals, tangents):
        (data, a), (_, ta) = primals, tangents
        s = sample(data, a)
        x = lax.exp(s) if log_space else s
        g = lax.random_gamma_grad(a, x)
        return s, (g / x if log_space else g) * ta  # d log(x) = dx / x
    return sample(data, a)


def gamma(key, a, shape=None, dtype=None):
    """Gamma(a) samples (unit scale), as `jax.random.gamma`."""
    return _gamma_public(key, a, shape, dtype, "gamma", False)


def loggamma(key, a, shape=None, dtype=None):
    """log of Gamma(a) samples, computed in log space (accurate for small a), as `jax.random.loggamma`."""
    return _gamma_public(key, a, shape, dtype, "loggamma", True)
