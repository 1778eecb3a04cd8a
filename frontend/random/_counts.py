"""random.poisson, binomial and multinomial, JAX's algorithms: Knuth's product of uniforms
for small rates (lam < 10, or count * p <= 10 by inversion), Hormann's transformed rejection
(poisson) and BTRS (binomial) otherwise, each a while loop over the whole array redrawing
for the elements not yet accepted; multinomial as a scan of binomials over the categories.

Draws use JAX's keys and uniforms; the rejection tests use pb's lgamma and logs, so an
acceptance that falls within rounding of its bound can differ from JAX's (rare)."""
from __future__ import annotations

import numpy as np

from .. import dtypes, lax, numpy as jnp
from ..errors import user_error
from ._keys import _key_data
from ._lax_helpers import _add, _bcast, _const, _convert, _dt, _full, _mul, _select, _sub, _value
from ._threefry import _split
from ._xla_float import _fma, _log, _log1p, _log_f32
from . import _shape, split, uniform


def _split2(key, n=2):
    keys = _split(key, num=(n,), partitionable=_partitionable())
    return [lax.reshape(lax.slice(keys, (i, 0), (i + 1, 2)), (2,)) for i in range(n)]


def _partitionable():
    from . import threefry_partitionable  # lazy: read at call time, the package imports this module
    return threefry_partitionable


def _poisson_knuth(key, lam, shape):
    def cond(c):
        return jnp.any(lax.gt(c[3], lax.neg(lam)))

    def body(c):
        i, k, rng, log_prod = c
        rng, sub = _split2(rng)
        k = lax.select(lax.gt(log_prod, lax.neg(lam)), _add(k, 1), k)
        return i + 1, k, rng, lax.add(log_prod, _log_f32(uniform(sub, shape, "float32")))

    init = (0, _full(lam, 0, "int32"), key, _full(lam, 0.0))
    return _sub(lax.while_loop(cond, body, init)[1], 1)


def _poisson_rejection(key, lam, shape):
    log_lam = _log_f32(lam)
    b = _fma(lax.sqrt(lam), 2.53, 0.931)
    a = _fma(b, 0.02483, -0.059)
    inv_alpha = _add(lax.div(_full(b, 1.1328), _sub(b, 3.4)), 1.1239)
    v_r = lax.sub(_full(b, 0.9277), lax.div(_full(b, 3.6224), _sub(b, 2.0)))

    def cond(c):
        return jnp.any(lax.bitwise_not(c[2]))

    def body(c):
        i, k_out, accepted, rng = c
        rng, k0, k1 = _split2(rng, 3)
        u = _sub(uniform(k0, shape, "float32"), 0.5)
        v = uniform(k1, shape, "float32")
        us = lax.sub(_full(u, 0.5), lax.abs(u))
        k = lax.floor(_add(_fma(_add(lax.div(_mul(a, 2.0), us), b), u, lam), 0.43))
        s = _log_f32(lax.div(lax.mul(v, inv_alpha), lax.add(lax.div(a, lax.mul(us, us)), b)))
        t = lax.sub(_fma(k, log_lam, lax.neg(lam)), lax.lgamma(_add(k, 1.0)))
        accept1 = lax.bitwise_and(lax.ge(us, _full(us, 0.07)), lax.le(v, v_r))
        reject = lax.bitwise_or(lax.lt(k, _full(k, 0.0)),
                                lax.bitwise_and(lax.lt(us, _full(us, 0.013)), lax.gt(v, us)))
        accept = lax.bitwise_or(accept1, lax.bitwise_and(lax.bitwise_not(reject), lax.le(s, t)))
        return i + 1, lax.select(accept, k, k_out), lax.bitwise_or(accepted, accept), rng

    init = (0, _full(lam, -1.0), _full(lam, False, "bool"), key)
    return lax.while_loop(cond, body, init)[1]


def poisson(key, lam, shape=None, dtype=None):
    """Poisson(lam) samples, as `jax.random.poisson`."""
    data, _ = _key_data(key, "poisson")
    dt = dtypes.canonicalize(dtypes.name(dtype if dtype is not None else int))
    if not dtypes.is_integer(dt):
        raise user_error(ValueError, f"dtype argument to `poisson` must be an int dtype, got {dt}")
    lam = _value(lam)
    shape = tuple(lam.shape) if shape is None else _shape(shape, "poisson")
    lam = _bcast(_convert(lam, "float32"), shape)
    use_knuth = lax.bitwise_or(lax.ne(lam, lam), lax.lt(lam, _full(lam, 10.0)))
    lam_knuth = _select(use_knuth, lam, 0.0)
    lam_rej = _select(use_knuth, 1e5, lam)
    knuth = _convert(_poisson_knuth(data, lam_knuth, shape), dt)
    rej = _convert(_poisson_rejection(data, lam_rej, shape), dt)
    out = lax.select(use_knuth, knuth, rej)
    return _select(lax.eq(lam, _full(lam, 0.0)), 0, out)


_STIRLING = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509,
             0.0166446911898211, 0.0138761288230707, 0.0118967099458917, 0.0104112652619720,
             0.00925546218271273, 0.00833056343336287)


def _stirling_tail(k):
    table = lax.concatenate([_const((1,), v, _dt(k)) for v in _STIRLING], 0)  # each rounded once to k's dtype
    small = lax.le(k, _full(k, 9.0))
    kc = lax.clamp(_full(k, 0.0), k, _full(k, 9.0))
    kp1 = _add(kc, 1.0)
    kp1sq = lax.mul(kp1, kp1)
    approx = lax.div(lax.sub(_full(k, 1.0 / 12), lax.div(lax.sub(_full(k, 1.0 / 360), lax.div(
        _full(k, 1.0 / 1260), kp1sq)), kp1sq)), kp1)
    return lax.select(small, table[_convert(lax.floor(kc), "int32")], approx)


def _binomial_inversion(key, count, prob, shape):
    log1mp = _log1p(lax.neg(prob))

    def cond(c):
        return jnp.any(lax.le(c[2], count))

    def body(c):
        i, num_geom, geom_sum, rng = c
        sub, rng = _split2(rng)  # JAX takes the first key as the subkey here
        num_geom = lax.select(lax.le(geom_sum, count), _add(num_geom, 1.0), num_geom)
        geom = lax.ceil(lax.div(_log(uniform(sub, shape, _dt(prob))), log1mp))
        return i + 1, num_geom, lax.add(geom_sum, geom), rng

    init = (0, _full(prob, 0.0), _full(prob, 0.0), key)
    return _sub(lax.while_loop(cond, body, init)[1], 1.0)


def _btrs(key, count, prob, shape):
    one = _full(prob, 1.0)
    stddev = lax.sqrt(lax.mul(lax.mul(count, prob), lax.sub(one, prob)))
    b = _fma(stddev, 2.53, 1.15)
    a = _fma(prob, 0.01, _fma(b, 0.0248, -0.0873))
    c = _fma(count, prob, 0.5)
    v_r = lax.sub(_full(b, 0.92), lax.div(_full(b, 4.2), b))
    r = lax.div(prob, lax.sub(one, prob))
    alpha = lax.mul(_add(lax.div(_full(b, 5.1), b), 2.83), stddev)
    m = lax.floor(lax.mul(_add(count, 1.0), prob))

    def body(cr):
        i, k_out, accepted, rng = cr
        rng, k0, k1 = _split2(rng, 3)
        u = _sub(uniform(k0, shape, _dt(prob)), 0.5)
        v = uniform(k1, shape, _dt(prob))
        us = lax.sub(_full(u, 0.5), lax.abs(u))
        accept1 = lax.bitwise_and(lax.ge(us, _full(us, 0.07)), lax.le(v, v_r))
        k = lax.floor(_fma(_add(lax.div(_mul(a, 2.0), us), b), u, c))
        reject = lax.bitwise_or(lax.lt(k, _full(k, 0.0)), lax.gt(k, count))
        v = _log(lax.div(lax.mul(v, alpha), lax.add(lax.div(a, lax.mul(us, us)), b)))
        nm1, nk1 = _add(lax.sub(count, m), 1.0), _add(lax.sub(count, k), 1.0)
        ub = lax.add(lax.add(lax.add(
            lax.mul(_add(m, 0.5), _log(lax.div(_add(m, 1.0), lax.mul(r, nm1)))),
            lax.mul(_add(count, 1.0), _log(lax.div(nm1, nk1)))),
            lax.mul(_add(k, 0.5), _log(lax.div(lax.mul(r, nk1), _add(k, 1.0))))),
            lax.sub(lax.add(_stirling_tail(m), _stirling_tail(lax.sub(count, m))),
                    lax.add(_stirling_tail(k), _stirling_tail(lax.sub(count, k)))))
        accept = lax.bitwise_or(accept1, lax.bitwise_and(lax.bitwise_not(reject), lax.le(v, ub)))
        return i + 1, lax.select(accept, k, k_out), lax.bitwise_or(accepted, accept), rng

    init = (0, _full(prob, -1.0), _full(prob, False, "bool"), key)
    return lax.while_loop(lambda cr: jnp.any(lax.bitwise_not(cr[2])), body, init)[1]


def binomial(key, n, p, shape=None, dtype=None):
    """Binomial(n, p) samples (as floats), as `jax.random.binomial`."""
    data, _ = _key_data(key, "binomial")
    dt = dtypes.name(dtype if dtype is not None else float)
    if not dtypes.is_float(dt):
        raise user_error(ValueError, f"dtype argument to `binomial` must be a float dtype, got {dt}")
    dt = dtypes.canonicalize(dt)
    prob = _value(p)  # the draws are in p's float dtype (a Python float's: the default), the result in dt
    prob = prob if dtypes.is_float(_dt(prob)) else _convert(prob, dtypes.default_float())
    count = _convert(_value(n), _dt(prob))
    bshape = tuple(np.broadcast_shapes(tuple(count.shape), tuple(prob.shape)))
    shape = bshape if shape is None else _shape(shape, "binomial")
    count, prob = _bcast(count, shape), _bcast(prob, shape)
    p_lt_half = lax.lt(prob, _full(prob, 0.5))
    q = lax.select(p_lt_half, prob, lax.sub(_full(prob, 1.0), prob))
    count_bad = lax.bitwise_or(lax.ne(count, count), lax.lt(count, _full(count, 0.0)))
    count_inf = lax.eq(lax.abs(count), _full(count, float("inf")))
    q_nan, q_neg = lax.ne(q, q), lax.lt(q, _full(q, 0.0))
    q = _select(lax.bitwise_or(q_nan, q_neg), 0.01, q)
    use_inv = lax.bitwise_or(count_bad, lax.le(lax.mul(count, q), _full(q, 10.0)))
    count = lax.floor(count)
    inv = _convert(_binomial_inversion(data, _select(use_inv, count, 0.0), q, shape), dt)
    btrs = _convert(_btrs(data, _select(use_inv, 1e4, count), _select(use_inv, 0.5, q), shape), dt)
    out = lax.select(use_inv, inv, btrs)
    invalid = lax.bitwise_or(lax.bitwise_or(q_neg, q_nan), count_bad)
    out = _select(invalid, float("nan"), out)
    out = _select(lax.bitwise_and(count_inf, lax.bitwise_not(invalid)), float("inf"), out)
    keep = lax.bitwise_or(lax.bitwise_or(p_lt_half, count_bad), lax.bitwise_or(q_nan, count_inf))
    return lax.select(keep, out, lax.sub(_convert(count, dt), out))


def multinomial(key, n, p, *, shape=None, dtype=None, unroll=1):
    """Multinomial(n, p) counts along p's last axis: a binomial per category on what remains,
    as `jax.random.multinomial`."""
    dt = dtypes.name(dtype if dtype is not None else float)
    n, p = jnp.asarray(n), jnp.asarray(p)
    # promoted together, as JAX (from the avals: jnp.result_type reports bfloat16 by its storage)
    cdt = dtypes.to_inexact(dtypes.result_type(*((x.aval.dtype, x.aval.weak) for x in (n, p)))[0])
    n, p = n.astype(cdt), p.astype(cdt)
    shape = tuple(p.shape) if shape is None else _shape(shape, "multinomial")
    n = jnp.broadcast_to(n, shape[:-1])
    p = jnp.moveaxis(jnp.broadcast_to(p, shape), -1, 0)
    remaining = jnp.flip(jnp.cumsum(jnp.flip(p, 0), 0), 0)
    ratios = p / jnp.where(remaining == 0, 1, remaining)
    keys = split(key, ratios.shape[0])
    counts, remainder = [], n
    for i in range(ratios.shape[0]):
        c = binomial(keys[i], remainder, jnp.clip(ratios[i], 0, 1))
        counts.append(c)
        remainder = remainder - c
    return jnp.moveaxis(jnp.stack(counts), 0, -1).astype(dt)
