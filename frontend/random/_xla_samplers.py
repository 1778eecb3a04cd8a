"""Samplers built on the uniform draw with JAX's formulas, evaluated as XLA:CPU evaluates
them in each float dtype (its log and log1p from `_xla_float`), so draws are bit-identical to
jax.random's for the same key: exponential, gumbel (mode "low"), logistic, laplace,
rademacher, rayleigh and categorical (the Gumbel-max trick, with replacement)."""
from __future__ import annotations

import numpy as np

from .. import dtypes, lax, numpy as jnp
from ..errors import user_error
from ._lax_helpers import _convert, _dt, _full
from ._xla_float import _log, _log1p
from . import _float_dtype, _shape, bernoulli, uniform


def _finfo(dtype, what):
    return float(getattr(jnp.finfo(dtype), what))


def _draw(key, shape, dtype, minval, name):
    """uniform(key, shape, dtype, minval, 1) as XLA computes it inside JAX's jitted sampler."""
    dt = dtypes.canonicalize(_float_dtype(dtype, name))  # float64 is float32 without x64, as JAX
    shape = _shape(shape, name)
    if minval == "tiny":
        # The bounds are constants there: XLA drops the multiply by maxval - minval (1 after
        # rounding) and folds (1 + f) - 1 + tiny into (1 + f) + (-1), so tiny only clamps. This
        # shows in float16 (whose tiny is 2**-14, resolution 2**-10), in the others it's the same.
        u = uniform(key, shape, dt, 0.0, 1.0)
        return lax.max(u, _full(u, _finfo(dt, "tiny")))
    lo = -1.0 + _finfo(dt, "epsneg") if minval == "-1+epsneg" else minval
    return uniform(key, shape, dt, lo, 1.0)


def exponential(key, shape=(), dtype=None):
    u = _draw(key, shape, dtype, 0.0, "exponential")
    return lax.neg(_log1p(lax.neg(u)))


def gumbel(key, shape=(), dtype=None, mode="low"):
    if mode != "low":
        raise user_error(NotImplementedError, f"random.gumbel mode={mode!r}: only mode='low' is provided")
    u = _draw(key, shape, dtype, "tiny", "gumbel")
    return lax.neg(_log(lax.neg(_log(u))))


def logistic(key, shape=(), dtype=None):
    x = _draw(key, shape, dtype, "tiny", "logistic")
    return lax.sub(_log(x), _log1p(lax.neg(x)))


def laplace(key, shape=(), dtype=None):
    u = _draw(key, shape, dtype, "-1+epsneg", "laplace")
    return lax.mul(lax.sign(u), _log1p(lax.neg(lax.abs(u))))


def rayleigh(key, scale, shape=None, dtype=None):
    scale_a = jnp.asarray(scale)
    shape = tuple(np.shape(scale)) if shape is None else shape
    u = _draw(key, shape, dtype, 0.0, "rayleigh")
    scale_a = jnp.broadcast_to(_convert(scale_a, _dt(u)), u.shape)
    return lax.mul(scale_a, lax.sqrt(lax.mul(_log(u), _full(u, -2.0))))


def rademacher(key, shape=(), dtype=None):
    dt = dtypes.name(dtype) if dtype is not None else dtypes.default_int()
    b = lax.convert_element_type(bernoulli(key, 0.5, _shape(shape, "rademacher")), dt)
    return lax.sub(lax.mul(b, _full(b, 2)), _full(b, 1))  # _full: lax.full's bfloat16 literals are wrong


def categorical(key, logits, axis=-1, shape=None, replace=True, mode=None):
    """Indices drawn with probabilities softmax(logits) along axis: argmax of logits plus Gumbel
    noise, as JAX (with replacement)."""
    if not replace:
        raise user_error(NotImplementedError, "random.categorical(replace=False) needs top_k (not provided here)")
    logits = jnp.asarray(logits)
    axis = axis % logits.ndim
    batch_shape = tuple(np.delete(logits.shape, axis))
    if shape is None:
        shape = batch_shape
    else:
        shape = tuple(shape)
        if shape[len(shape) - len(batch_shape):] != batch_shape:
            raise user_error(ValueError, f"categorical: shape {shape} must end with the logits' batch shape "
                             f"{batch_shape}")
    prefix = shape[:len(shape) - len(batch_shape)]
    noise_shape = prefix + logits.shape
    noise = gumbel(key, noise_shape, _dt(logits))
    return jnp.argmax(noise + logits, axis=axis + len(prefix))
