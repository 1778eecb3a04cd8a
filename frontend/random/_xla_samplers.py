"""Samplers built on the uniform draw with JAX's formulas, evaluated as XLA:CPU evaluates
them (its float32 log and log1p from `_xla_float`), so float32 draws are bit-identical to
jax.random's for the same key: exponential, gumbel (mode "low"), logistic, laplace,
rademacher, rayleigh and categorical (the Gumbel-max trick, with replacement). Other float dtypes
are not provided: their XLA evaluation is not reproduced here."""
from __future__ import annotations

import numpy as np

from .. import dtypes, lax, numpy as jnp
from ..errors import user_error
from ._xla_float import _log1p, _log_f32
from . import _float_dtype, _shape, bernoulli, uniform

_TINY32 = float(np.finfo(np.float32).tiny)
_EPSNEG32 = float(np.finfo(np.float32).epsneg)


def _float32(dtype, name):
    dt = _float_dtype(dtype, name)
    if dt != "float32":
        raise user_error(NotImplementedError, f"random.{name}: only float32 draws (bit-identical to JAX's) are "
                         f"provided, got {dt}")
    return dt


def _draw(key, shape, dtype, minval, maxval, name):
    return uniform(key, _shape(shape, name), _float32(dtype, name), minval, maxval)


def exponential(key, shape=(), dtype=None):
    u = _draw(key, shape, dtype, 0.0, 1.0, "exponential")
    return lax.neg(_log1p(lax.neg(u)))


def gumbel(key, shape=(), dtype=None, mode="low"):
    if mode != "low":
        raise user_error(NotImplementedError, f"random.gumbel mode={mode!r}: only mode='low' is provided")
    u = _draw(key, shape, dtype, _TINY32, 1.0, "gumbel")
    return lax.neg(_log_f32(lax.neg(_log_f32(u))))


def logistic(key, shape=(), dtype=None):
    x = _draw(key, shape, dtype, _TINY32, 1.0, "logistic")
    return lax.sub(_log_f32(x), _log1p(lax.neg(x)))


def laplace(key, shape=(), dtype=None):
    u = _draw(key, shape, dtype, -1.0 + _EPSNEG32, 1.0, "laplace")
    return lax.mul(lax.sign(u), _log1p(lax.neg(lax.abs(u))))


def rayleigh(key, scale, shape=None, dtype=None):
    scale_a = jnp.asarray(scale)
    shape = tuple(np.shape(scale)) if shape is None else shape
    u = _draw(key, shape, dtype, 0.0, 1.0, "rayleigh")
    scale_a = jnp.broadcast_to(scale_a.astype(u.dtype), u.shape)
    return lax.mul(scale_a, lax.sqrt(lax.mul(_log_f32(u), lax.full(u.aval.shape, -2.0, "float32"))))


def rademacher(key, shape=(), dtype=None):
    dt = dtypes.name(dtype) if dtype is not None else dtypes.default_int()
    b = lax.convert_element_type(bernoulli(key, 0.5, _shape(shape, "rademacher")), dt)
    return lax.sub(lax.mul(b, lax.full(b.aval.shape, 2, dt)), lax.full(b.aval.shape, 1, dt))


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
    noise = gumbel(key, noise_shape, logits.dtype)
    return jnp.argmax(noise + logits, axis=axis + len(prefix))
