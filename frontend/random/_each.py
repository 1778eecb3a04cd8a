"""One key per element: the draws of JAX's per-element samplers (gamma's Marsaglia-Tsang loop
runs once per element with its own key), written as elementwise threefry over arrays of keys.

`keys` is uint32 key data of shape S + (2,); each function does for every key what
jax.random does for one key: `_split_each(keys, n)` is split(key, n), `_bits_each` the 32
random bits of a scalar draw, `_uniform_each`/`_normal_each` uniform(key, (), dtype) and
normal(key, (), dtype), in both the partitionable and the legacy bit streams.
"""
from __future__ import annotations

from .. import lax
from ._distributions import _FLOAT_BITS, _rng_width, _unit_from_bits
from ._lax_helpers import _U32, _and, _const, _convert, _max, _mul, _shl
from ._threefry import threefry2x32
from ._xla_float import _erf_inv, _fma


def _words(keys):
    s = keys.shape[:-1]
    return tuple(lax.reshape(lax.slice(keys, (0,) * len(s) + (i,), tuple(s) + (i + 1,)), s) for i in (0, 1))



def _pair(a, b):
    return lax.concatenate([lax.reshape(a, a.shape + (1,)), lax.reshape(b, b.shape + (1,))], a.ndim)


def _split_each(keys, n, partitionable):
    """split(key, n) for every key: n key arrays of keys' shape."""
    s = keys.shape[:-1]
    k1, k2 = _words(keys)
    c = lambda v: _const(s, v, _U32)  # noqa: E731
    if partitionable:  # key i hashes the 64-bit counter i
        return [_pair(*threefry2x32(k1, k2, c(0), c(i))) for i in range(n)]
    # legacy: one hash over iota(2n) in halves, the 2n words read in order
    ys = [threefry2x32(k1, k2, c(i), c(n + i)) for i in range(n)]
    words = [y[0] for y in ys] + [y[1] for y in ys]
    return [_pair(words[2 * i], words[2 * i + 1]) for i in range(n)]


def _bits_each(keys, partitionable, width=32):
    """The random bits of a scalar draw of `width` bits, for every key: uint32 (below 2**width
    for 8 and 16), or int64 holding the 64 bits."""
    s = keys.shape[:-1]
    if width == 64:  # two words, (hi, lo): one counter pair (0, 0), or legacy the counts 0, 1
        y1, y2 = threefry2x32(*_words(keys), _const(s, 0, _U32), _const(s, 0 if partitionable else 1, _U32))
        hi, lo = (_convert(y, "int64") for y in (y1, y2))
        return lax.bitwise_or(_shl(hi, 32), lo)
    y1, y2 = threefry2x32(*_words(keys), _const(s, 0, _U32), _const(s, 0, _U32))
    bits = lax.bitwise_xor(y1, y2) if partitionable else y1
    return bits if width == 32 else _and(bits, (1 << width) - 1)  # narrow: the low bits of one word


def _unit_each(keys, partitionable, dtype):
    return _unit_from_bits(_bits_each(keys, partitionable, _rng_width(dtype)), dtype)


def _uniform_each(keys, partitionable, dtype="float32"):
    """uniform(key, (), dtype) in [0, 1) for every key."""
    return _max(_unit_each(keys, partitionable, dtype), 0.0)


def _normal_each(keys, partitionable, dtype="float32"):
    """normal(key, (), dtype) for every key."""
    lo = -1.0 + 2.0 ** -(_FLOAT_BITS[dtype][1] + 1)  # nextafter(-1, 0) in dtype
    floats = _unit_each(keys, partitionable, dtype)
    u = _max(_fma(floats, 2.0, lo), lo)
    return _mul(_erf_inv(u), float(2.0 ** 0.5))
