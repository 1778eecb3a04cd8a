"""pullback.random: JAX's counter-based PRNG (threefry2x32), written in pb ops.

Everything here is ordinary pb ops through `pullback.lax` (uint32 adds,
rotations and xors for the hash; bit tricks and polynomials for the
samplers), so it runs eagerly, traces under jit and batches like any other
code. On concrete inputs each sampler runs as one cached compiled program, as
JAX jits its samplers; under a trace it is inlined.

Draws are bit-identical to jax.random on CPU for the same key:

- keys (`_keys`): `key(seed)` gives a typed key (`PRNGKeyArray`, a pytree
  wrapping uint32[..., 2] key data); `PRNGKey(seed)` a raw uint32[2] array.
  Every function takes both and `split`/`fold_in` return the kind they were given.
- `threefry_partitionable` mirrors `jax_threefry_partitionable` (True, JAX's
  default since 0.5); the bit streams are in `_threefry`.
- XLA:CPU's floating-point evaluation (FMA contraction, its own float32 log) is
  reproduced exactly in `_xla_float`; the samplers are in `_distributions`.
- permutation sorts by random 32-bit keys as JAX does (`_permutation`).

This module holds the public functions: they check their arguments and read
`threefry_partitionable` when called.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes, lax
from ..core import is_array
from ..errors import user_error
from ._distributions import _FLOAT_BITS, _INT_INFO, _bernoulli, _normal, _randint, _uniform
from ._keys import KeyDtype, PRNGKeyArray, _check_impl, _key_data, _rewrap, _seed_data
from ._lax_helpers import _U32, _bcast, _convert, _dt, _value
from ._permutation import _moveaxis, _shuffle, _take_last
from ._threefry import _fold_in, _split, threefry2x32

__all__ = ["KeyDtype", "PRNGKey", "PRNGKeyArray", "bernoulli", "fold_in", "key", "key_data", "key_impl", "normal",
           "permutation", "randint", "split", "threefry2x32", "threefry_partitionable", "uniform",
           "wrap_key_data"]


# jax_threefry_partitionable (default True since JAX 0.5). Read when a sampler is called.
threefry_partitionable = True


def key(seed, *, impl=None):
    """A typed PRNG key (scalar key array) from an integer seed, as `jax.random.key`."""
    _check_impl(impl)
    return PRNGKeyArray(_seed_data(seed))


def PRNGKey(seed, *, impl=None):  # noqa: N802 - JAX's name
    """A raw uint32[2] key from an integer seed, as `jax.random.PRNGKey`."""
    _check_impl(impl)
    return _seed_data(seed)


def key_data(keys):
    """The uint32[..., 2] data of a key array (typed or raw)."""
    return _key_data(keys, "key_data", batched=True)[0]


def wrap_key_data(key_bits_array, *, impl=None):
    """A typed key array over uint32[..., 2] key data."""
    _check_impl(impl)
    data, typed = _key_data(key_bits_array, "wrap_key_data", batched=True)
    if typed:
        raise user_error(TypeError, "wrap_key_data expects uint32 key data, got a typed key array")
    return PRNGKeyArray(data)


def key_impl(keys):
    _key_data(keys, "key_impl", batched=True)
    return "threefry2x32"


def split(key, num=2):
    """`num` new keys (an int or a shape) from one key, as `jax.random.split`."""
    data, typed = _key_data(key, "split")
    shape = tuple(int(n) for n in num) if isinstance(num, (tuple, list)) else (int(num),)
    if any(n < 0 for n in shape):
        raise user_error(ValueError, f"split needs a non-negative number of keys, got {num}")
    return _rewrap(_split(data, num=shape, partitionable=threefry_partitionable), typed)


def fold_in(key, data):
    """A new key from a key and a 32-bit integer, as `jax.random.fold_in`."""
    kd, typed = _key_data(key, "fold_in")
    if (data.ndim if is_array(data) else np.ndim(data)) != 0:
        raise user_error(TypeError, "fold_in accepts a scalar, but was given an array of shape "
                         f"{tuple(np.shape(data) if not is_array(data) else data.shape)} != (). "
                         "Use jax.vmap for batching.")
    if is_array(data):
        d = _convert(data, _U32)
    elif isinstance(data, int):  # Python ints must fit; numpy values wrap, as in JAX
        if not 0 <= data < 2 ** 32:
            raise user_error(OverflowError, f"Python integer {data} out of bounds for uint32")
        d = _value(np.uint32(data))
    else:
        d = _value(np.asarray(data).astype(np.uint32))
    return _rewrap(_fold_in(kd, d), typed)


def _shape(shape, name):
    try:
        shape = (int(shape),) if np.ndim(shape) == 0 and not isinstance(shape, tuple) else tuple(map(int, shape))
    except TypeError:
        raise user_error(TypeError, f"{name}: shape must be a tuple of integers, got {shape!r}") from None
    if any(d < 0 for d in shape):
        raise user_error(ValueError, f"{name}: shape must be non-negative, got {shape}")
    return shape


def _float_dtype(dtype, name):
    dt = dtypes.name(dtype if dtype is not None else float)
    if dt not in _FLOAT_BITS:
        raise user_error(ValueError, f"dtype argument to `{name}` must be a float dtype, got {dt}")
    return dt


def uniform(key, shape=(), dtype=None, minval=0.0, maxval=1.0):
    """Uniform floats in [minval, maxval), as `jax.random.uniform`."""
    data, _ = _key_data(key, "uniform")
    dtype = _float_dtype(dtype, "uniform")
    return _uniform(data, minval, maxval, shape=_shape(shape, "uniform"), dtype=dtype,
                    partitionable=threefry_partitionable)


def normal(key, shape=(), dtype=None):
    """Standard normal floats, as `jax.random.normal`: sqrt(2) * erfinv(u) for u uniform in
    (-1, 1)."""
    data, _ = _key_data(key, "normal")
    dtype = _float_dtype(dtype, "normal")
    return _normal(data, shape=_shape(shape, "normal"), dtype=dtype, partitionable=threefry_partitionable)


def bernoulli(key, p=0.5, shape=None, mode="low"):
    """Booleans that are True with probability p, as `jax.random.bernoulli`."""
    if mode not in ("high", "low"):
        raise user_error(ValueError, f"got mode={mode!r}, expected 'high' or 'low'")
    data, _ = _key_data(key, "bernoulli")
    p = _value(p)
    if not dtypes.is_float(_dt(p)):
        raise user_error(TypeError, f"bernoulli probability `p` must have a floating dtype, got {_dt(p)}.")
    shape = tuple(p.shape) if shape is None else _shape(shape, "bernoulli")
    return _bernoulli(data, p, shape=shape, mode=mode, partitionable=threefry_partitionable)


def randint(key, shape, minval, maxval, dtype=None):
    """Uniform integers in [minval, maxval), as `jax.random.randint` (including its modulus
    method over 2 * nbits random bits)."""
    data, _ = _key_data(key, "randint")
    dtype = dtypes.name(dtype if dtype is not None else int)
    if dtype not in _INT_INFO:
        raise user_error(TypeError, f"randint only accepts integer dtypes, got {dtype}")
    shape = _shape(shape, "randint")
    minval, maxval = (_value(v) for v in (minval, maxval))
    return _randint(data, minval, maxval, shape=shape, dtype=dtype, partitionable=threefry_partitionable)


def permutation(key, x, axis=0, independent=False):
    """A random permutation of arange(x) (x an int) or of x along `axis`, as
    `jax.random.permutation` (the same permutation for the same key)."""
    data, _ = _key_data(key, "permutation")
    if not is_array(x) and np.ndim(x) == 0:
        if not isinstance(x, (int, np.integer)) or isinstance(x, (bool, np.bool_)):
            raise user_error(TypeError, "x must be an integer or at least 1-dimensional")
        return _shuffle(data, lax.iota(dtypes.default_int(), int(x)), axis=0,
                        partitionable=threefry_partitionable)
    x = _value(x)
    if x.ndim == 0:
        if not dtypes.is_integer(_dt(x)):
            raise user_error(TypeError, "x must be an integer or at least 1-dimensional")
        return permutation(key, int(x))  # the length defines the shape, so it must be concrete
    if not -x.ndim <= axis < x.ndim:
        raise user_error(ValueError, f"axis {axis} is out of bounds for an array of dimension {x.ndim}")
    axis %= x.ndim
    if independent or x.ndim == 1:
        return _shuffle(data, x, axis=axis, partitionable=threefry_partitionable)
    order = _shuffle(data, lax.iota("int32", x.shape[axis]), axis=0, partitionable=threefry_partitionable)
    xl = _moveaxis(x, axis, x.ndim - 1)
    return _moveaxis(_take_last(xl, _bcast(order, xl.shape)), x.ndim - 1, axis)


from ._truncated import truncated_normal  # noqa: E402

__all__ += ["truncated_normal"]

from ._xla_samplers import categorical, exponential, gumbel, laplace, logistic, rademacher, rayleigh  # noqa: E402

__all__ += ["categorical", "exponential", "gumbel", "laplace", "logistic", "rademacher", "rayleigh"]

from ._gamma import gamma, loggamma  # noqa: E402
from ._closed_form import (bits, cauchy, double_sided_maxwell, geometric, lognormal, maxwell, pareto,  # noqa: E402
                           triangular, wald, weibull_min)

__all__ += ["bits", "cauchy", "double_sided_maxwell", "gamma", "geometric", "loggamma", "lognormal", "maxwell",
            "pareto", "triangular", "wald", "weibull_min"]

from ._gamma_family import ball, beta, chisquare, dirichlet, f, generalized_normal, t  # noqa: E402

__all__ += ["ball", "beta", "chisquare", "dirichlet", "f", "generalized_normal", "t"]

from ._choice import choice, multivariate_normal, orthogonal  # noqa: E402

__all__ += ["choice", "multivariate_normal", "orthogonal"]

from ._counts import binomial, multinomial, poisson  # noqa: E402

__all__ += ["binomial", "multinomial", "poisson"]


def clone(key):
    """A copy of a key, as `jax.random.clone` (keys are values here, so the key itself)."""
    _key_data(key, "clone", batched=True)
    return key


def key_dtype(impl=None):
    """The dtype of typed keys of an implementation (threefry2x32), as `jax.random.key_dtype`."""
    _check_impl(impl)
    return KeyDtype()


__all__ += ["clone", "key_dtype"]


def __dir__():  # the public names only, as dir(jax.random): helpers stay importable but unlisted
    return sorted(__all__)
