"""The samplers behind uniform, normal, bernoulli and randint, as jax.random draws them.

Floats: random mantissa bits under exponent 0, minus 1, scaled with XLA's FMA;
16-bit floats follow JAX (ErfInv in float32). Integers: JAX's modulus method over
2 * nbits random bits; int64 does unsigned 64-bit remainders in int64 (pullback
has no uint64).
"""
from __future__ import annotations

import numpy as np

from .. import dtypes, lax
from ..core import is_array
from ..errors import user_error
from ._lax_helpers import (_U32, _add, _bcast, _compiled, _const, _convert, _dt, _eq, _full, _lt, _max, _mul, _or,
                           _select, _shl, _shr, _sub, _value, _xor)
from ._threefry import _bits32, _bits64, _bits_narrow, _split
from ._xla_float import _erf_inv_f32, _erf_inv_f64, _fma


_FLOAT_BITS = {"float16": (16, 10), "bfloat16": (16, 7), "float32": (32, 23), "float64": (64, 52)}

_ONE_BITS = {"float16": 0x3C00, "bfloat16": 0x3F80, "float32": 0x3F800000, "float64": 0x3FF0000000000000}


def _check_param_shape(xs, shape, name, what):
    xs = tuple(xs)
    if len(xs) > len(shape) or any(a != 1 and a != b for a, b in zip(xs[::-1], shape[::-1])):
        raise user_error(ValueError, f"{name} parameter shapes must be broadcast-compatible with shape "
                         f"argument, and the result of broadcasting the shapes must equal the shape "
                         f"argument, but got {what} of shape {xs} for shape argument {shape}.")


def _param(x, dtype, shape, name, what):
    """A distribution parameter as `dtype`, broadcast to the sample shape (which it must not grow)."""
    if not is_array(x):
        if isinstance(x, (bool, int, float, np.generic)):
            return _const(shape, x.item() if isinstance(x, np.generic) else x, dtype)  # a constant
        x = _value(x)
    _check_param_shape(x.shape, shape, name, what)
    return _bcast(_convert(x, dtype), shape)


def _rng_width(dtype):
    """How many random bits JAX draws per float: 64, 32, 16, and 8 for bfloat16's 7-bit mantissa."""
    nbits, nmant = _FLOAT_BITS[dtype]
    return nbits if nbits > 16 else 16 if nmant >= 8 else 8


def _unit_from_bits(bits, dtype):
    """Uniform floats in [0, 1) from random bits (int64 for 64, uint32 otherwise): the top
    mantissa bits under exponent 0, minus 1 (JAX's trick)."""
    nbits, nmant = _FLOAT_BITS[dtype]
    width = _rng_width(dtype)
    if nbits > 16:
        bits = _or(_shr(bits, width - nmant), _ONE_BITS[dtype])
        return _sub(lax.bitcast_convert_type(bits, dtype), 1.0)
    # pb has no 16-bit integers to bitcast, and m * 2**-nmant is exactly (1 + m * 2**-nmant) - 1
    m = _shr(bits, width - nmant)
    return _convert(_mul(_convert(m, "float32"), 2.0 ** -nmant), dtype)


def _unit_floats(key, shape, dtype, partitionable):
    width = _rng_width(dtype)
    bits = _bits64(key, shape, partitionable) if width == 64 else \
        _bits32(key, shape, partitionable)[0] if width == 32 else _bits_narrow(key, width, shape, partitionable)
    return _unit_from_bits(bits, dtype)


@_compiled("shape", "dtype", "partitionable")
def _uniform(key, minval, maxval, shape, dtype, partitionable):
    minval = _param(minval, dtype, shape, "uniform", "minval")
    maxval = _param(maxval, dtype, shape, "uniform", "maxval")
    floats = _unit_floats(key, shape, dtype, partitionable)
    span = lax.sub(maxval, minval)
    if dtype in ("float32", "float64"):  # XLA fuses this multiply-add into an FMA
        r = _fma(floats, span, minval)
    elif dtype == "float16":  # XLA's CPU backend fuses this in float32 and rounds once
        wide = [_convert(v, "float32") for v in (floats, span, minval)]
        r = _convert(lax.add(lax.mul(wide[0], wide[1]), wide[2]), dtype)
    else:  # bfloat16: rounded after each op, as XLA does
        r = lax.add(lax.mul(floats, span), minval)
    return lax.max(minval, r)


@_compiled("shape", "dtype", "partitionable")
def _normal(key, shape, dtype, partitionable):
    lo = -1.0 + 2.0 ** -(_FLOAT_BITS[dtype][1] + 1)  # nextafter(-1, 0) in dtype
    u = _uniform(key, lo, 1.0, shape=shape, dtype=dtype, partitionable=partitionable)
    if dtype == "float64":
        z = _erf_inv_f64(u)
    else:  # XLA computes 16-bit ErfInv in float32
        z = _convert(_erf_inv_f32(_convert(u, "float32")), dtype)
    return _mul(z, float(np.sqrt(2.0)))


@_compiled("shape", "mode", "partitionable")
def _bernoulli(key, p, shape, mode, partitionable):
    dtype = _dt(p)
    p = _param(p, dtype, shape, "bernoulli", "p")
    if mode == "low":
        return lax.lt(_uniform(key, 0.0, 1.0, shape=shape, dtype=dtype, partitionable=partitionable), p)
    u = _uniform(key, 0.0, 1.0, shape=(2,) + shape, dtype=dtype, partitionable=partitionable)
    u1, u2 = (lax.reshape(lax.slice(u, (i,) + (0,) * len(shape), (i + 1,) + shape), shape) for i in (0, 1))
    u2 = _mul(u2, 2.0 ** -_FLOAT_BITS[dtype][1])  # resolution of the uniform samples
    return lax.lt(u2, lax.sub(p, u1))


_INT_INFO = {"int8": np.iinfo(np.int8), "int32": np.iinfo(np.int32), "uint32": np.iinfo(np.uint32),
             "int64": np.iinfo(np.int64)}


def _clip_convert(x, dtype):
    """Integer x converted to dtype, clipped to its range instead of wrapping (as JAX)."""
    src, dst = _INT_INFO[_dt(x)], _INT_INFO[dtype]
    lo, hi = max(int(src.min), int(dst.min)), min(int(src.max), int(dst.max))
    if lo > int(src.min):
        x = _max(x, lo)
    if hi < int(src.max):
        x = lax.min(x, _full(x, hi))
    return _convert(x, dtype)


@_compiled("shape", "dtype", "partitionable")
def _randint(key, minval, maxval, shape, dtype, partitionable):
    out_dtype = dtype
    minval, maxval = (v if dtypes.is_integer(_dt(v)) else _convert(v, dtypes.default_int())
                      for v in (minval, maxval))
    if dtype == "int8":  # sample in 32 bits (less bias), then convert
        info = _INT_INFO["int8"]
        minval = lax.min(_max(_convert(minval, "int32"), int(info.min)), _full(minval, int(info.max), "int32"))
        maxval = lax.min(_max(_convert(maxval, "int32"), int(info.min)),
                         _full(maxval, int(info.max) + 1, "int32"))
        dtype = "int32"
    for v, what in ((minval, "minval"), (maxval, "maxval")):
        _check_param_shape(v.shape, shape, "randint", what)
    # maxval above the dtype's range (e.g. 256 for uint8 in JAX) allows one more value
    top = min(int(_INT_INFO[dtype].max), int(_INT_INFO[_dt(maxval)].max))
    out_of_range = _bcast(lax.gt(maxval, _full(maxval, top)), shape)
    minval = _bcast(_clip_convert(minval, dtype), shape)
    maxval = _bcast(_clip_convert(maxval, dtype), shape)
    k1, k2 = (lax.reshape(lax.slice(_split(key, num=(2,), partitionable=partitionable), (i, 0), (i + 1, 2)),
                          (2,)) for i in (0, 1))
    wide = dtype == "int64"  # uint64 values live in int64 (pullback has no uint64)
    draw = (lambda k: _bits64(k, shape, partitionable)) if wide else (lambda k: _bits32(k, shape, partitionable)[0])
    rem = _urem64 if wide else lax.rem
    higher, lower = draw(k1), draw(k2)
    span = lax.sub(maxval, minval) if wide else _convert(lax.sub(maxval, minval), _U32)
    span = _select(lax.le(maxval, minval), 1, span)  # maxval <= minval always gives minval
    span = lax.select(lax.bitwise_and(out_of_range, lax.gt(maxval, minval)), _add(span, 1), span)
    # (hi * 2**n + lo) mod span, via 2**n mod span = (2**(n/2) mod span)**2 mod span
    mult = rem(_full(span, 2 ** (32 if wide else 16)), span)
    mult = rem(lax.mul(mult, mult), span)
    offset = lax.add(lax.mul(rem(higher, span), mult), rem(lower, span))
    offset = rem(offset, span)
    return _convert(lax.add(minval, _convert(offset, dtype)), out_dtype)


def _urem64(a, n):
    """a mod n for int64 arrays holding uint64 bit patterns (and a mod 0 = a, as XLA)."""
    def ult(x, y):  # unsigned x < y: flip the sign bits, compare signed
        return lax.lt(_xor(x, -2 ** 63), _xor(y, -2 ** 63))
    big = _lt(n, 0)  # n >= 2**63: a < 2n, so at most one subtraction
    r_big = lax.select(ult(a, n), a, lax.sub(a, n))
    d = _select(lax.bitwise_or(big, _eq(n, 0)), 1, n)
    q = _shl(lax.div(_shr(a, 1), d), 1)  # halved, so signed division is exact; r < 2d
    r = lax.sub(a, lax.mul(q, d))
    r = lax.select(ult(r, d), r, lax.sub(r, d))
    return lax.select(_eq(n, 0), a, lax.select(big, r_big, r))
