"""pullback.nn.initializers: JAX's weight initializers over pullback.random, so the same key
gives the same weights as JAX (the samplers are bit-compatible with JAX's threefry).

Real dtypes only (JAX's complex variants are left out). The truncated-normal family
(truncated_normal, glorot/lecun/he_normal, variance_scaling's default) draws through
random.truncated_normal, which needs lax.erf_inv. orthogonal and delta_orthogonal need a QR
decomposition and are not provided.
"""
from __future__ import annotations

import math
from typing import Any, Protocol

from .. import dtypes as _dt
from .. import numpy as jnp
from .. import random
from ..errors import user_error


class Initializer(Protocol):
    """The type of an initializer: init(key, shape, dtype) -> array."""

    def __call__(self, key: Any, shape: Any, dtype: Any = None) -> Any:
        ...


def _dtype(dtype):
    return _dt.default_float() if dtype is None else dtype


def zeros(key, shape, dtype=None):
    return jnp.zeros(shape, _dtype(dtype))


def ones(key, shape, dtype=None):
    return jnp.ones(shape, _dtype(dtype))


def constant(value, dtype=None):
    def init(key, shape, dtype=dtype):
        return jnp.full(shape, value, dtype=_dtype(dtype))
    return init


def uniform(scale=1e-2, dtype=None):
    def init(key, shape, dtype=dtype):
        dtype = _dtype(dtype)
        return random.uniform(key, shape, dtype) * jnp.array(scale, dtype)
    return init


def normal(stddev=1e-2, dtype=None):
    def init(key, shape, dtype=dtype):
        dtype = _dtype(dtype)
        return random.normal(key, shape, dtype) * jnp.array(stddev, dtype)
    return init


def truncated_normal(stddev=1e-2, dtype=None, lower=-2.0, upper=2.0):
    def init(key, shape, dtype=dtype):
        dtype = _dtype(dtype)
        return random.truncated_normal(key, lower, upper, shape, dtype) * jnp.array(stddev, dtype)
    return init


def _axes_size(shape, axis):
    if isinstance(axis, int):
        return shape[axis]
    return math.prod(shape[i] for i in axis)


def _compute_fans(shape, in_axis=-2, out_axis=-1, batch_axis=()):
    if isinstance(in_axis, int) and in_axis == -2 and len(shape) <= 1:
        raise user_error(ValueError, f"Can't compute input and output sizes of a {len(shape)}-dimensional weights "
                         "tensor with default in_axis. Must be at least 2D or specify in_axis explicitly.")
    in_size, out_size = _axes_size(shape, in_axis), _axes_size(shape, out_axis)
    batch_size = _axes_size(shape, batch_axis)
    receptive_field_size = math.prod(shape) / in_size / out_size / batch_size
    return in_size * receptive_field_size, out_size * receptive_field_size


def variance_scaling(scale, mode, distribution, in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    def init(key, shape, dtype=dtype):
        shape = tuple(int(d) for d in shape)
        dtype = _dtype(dtype)
        if jnp.issubdtype(jnp.dtype(dtype), jnp.complexfloating):
            raise user_error(NotImplementedError, "pullback.nn.initializers: complex dtypes are not supported")
        fan_in, fan_out = _compute_fans(shape, in_axis, out_axis, batch_axis)
        denominator = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2,
                       "fan_geo_avg": (fan_in * fan_out) ** 0.5}.get(mode)
        if denominator is None:
            raise user_error(ValueError, f"invalid mode for variance scaling initializer: {mode}")
        variance = jnp.array(scale / denominator, dtype=dtype)
        if distribution == "truncated_normal":
            stddev = jnp.sqrt(variance) / jnp.array(.87962566103423978, dtype)
            return random.truncated_normal(key, -2, 2, shape, dtype) * stddev
        if distribution == "normal":
            return random.normal(key, shape, dtype) * jnp.sqrt(variance)
        if distribution == "uniform":
            return random.uniform(key, shape, dtype, -1) * jnp.sqrt(3 * variance)
        raise user_error(ValueError, f"invalid distribution for variance scaling initializer: {distribution}")
    return init


def _family(scale, mode, distribution, name):
    def make(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
        return variance_scaling(scale, mode, distribution, in_axis=in_axis, out_axis=out_axis,
                                batch_axis=batch_axis, dtype=dtype)
    make.__name__ = make.__qualname__ = name
    return make


glorot_uniform = xavier_uniform = _family(1.0, "fan_avg", "uniform", "glorot_uniform")
glorot_normal = xavier_normal = _family(1.0, "fan_avg", "truncated_normal", "glorot_normal")
lecun_uniform = _family(1.0, "fan_in", "uniform", "lecun_uniform")
lecun_normal = _family(1.0, "fan_in", "truncated_normal", "lecun_normal")
he_uniform = kaiming_uniform = _family(2.0, "fan_in", "uniform", "he_uniform")
he_normal = kaiming_normal = _family(2.0, "fan_in", "truncated_normal", "he_normal")

__all__ = ["Initializer", "constant", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "kaiming_normal",
           "kaiming_uniform", "lecun_normal", "lecun_uniform", "normal", "ones", "truncated_normal", "uniform",
           "variance_scaling", "xavier_normal", "xavier_uniform", "zeros"]


def orthogonal(scale=1.0, column_axis=-1, dtype=None):
    """Orthogonal matrices (random.orthogonal) reshaped to `shape`, columns along column_axis."""
    def init(key, shape, dtype=dtype):
        dtype = _dtype(dtype)
        shape = tuple(shape)
        if len(shape) < 2:
            raise user_error(ValueError, "orthogonal initializer requires at least a 2D shape")
        if any(d == 0 for d in shape):
            return jnp.zeros(shape, dtype=dtype)
        n_cols = shape[column_axis]
        q = random.orthogonal(key, math.prod(shape) // n_cols, (), dtype, n_cols)
        rest = tuple(d for i, d in enumerate(shape) if i != column_axis % len(shape))
        q = jnp.moveaxis(jnp.reshape(q, rest + (n_cols,)), -1, column_axis)
        return jnp.array(scale, dtype) * q
    return init


def delta_orthogonal(scale=1.0, column_axis=-1, dtype=None):
    """Convolution kernels zero except an orthogonal matrix at the spatial centre."""
    def init(key, shape, dtype=dtype):
        dtype = _dtype(dtype)
        shape = tuple(shape)
        if len(shape) not in (3, 4, 5):
            raise user_error(ValueError, "Delta orthogonal initializer requires a 3D, 4D or 5D shape.")
        if shape[-1] < shape[-2]:
            raise user_error(ValueError, "`fan_in` must be less or equal than `fan_out`. ")
        ortho = orthogonal(scale=scale, column_axis=column_axis, dtype=dtype)(key, shape[-2:])
        centre = tuple((k - 1) // 2 for k in shape[:-2])
        return jnp.zeros(shape, dtype=dtype).at[centre + (Ellipsis,)].set(ortho)
    return init


__all__ += ["delta_orthogonal", "orthogonal"]
