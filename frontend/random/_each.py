"""One key per element: the draws of JAX's per-element samplers (gamma's Marsaglia-Tsang loop
runs once per element with its own key), written as elementwise threefry over arrays of keys.

`keys` is uint32 key data of shape S + (2,); each function does for every key what
jax.random does for one key: `_split_each(keys, n)` is split(key, n), `_bits_each` the 32
random bits of a scalar draw, `_uniform_each`/`_normal_each` uniform(key, ()) and
normal(key, ()) in float32, in both the partitionable and the legacy bit streams.
"""
from __future__ import annotations

from .. import lax
from ._lax_helpers import _U32, _const, _or, _max, _mul, _shr, _sub
from ._threefry import threefry2x32
from ._xla_float import _erf_inv_f32, _fma

_NORMAL_LO = -1.0 + 2.0 ** -24  # nextafter(-1, 0) in float32


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


def _bits_each(keys, partitionable):
    """The uint32 bits of a scalar draw, for every key."""
    s = keys.shape[:-1]
    y1, y2 = threefry2x32(*_words(keys), _const(s, 0, _U32), _const(s, 0, _U32))
    return lax.bitwise_xor(y1, y2) if partitionable else y1


def _uniform_each(keys, partitionable):
    """uniform(key, (), float32) in [0, 1) for every key."""
    bits = _or(_shr(_bits_each(keys, partitionable), 9), 0x3F800000)
    return _max(_sub(lax.bitcast_convert_type(bits, "float32"), 1.0), 0.0)


def _normal_each(keys, partitionable):
    """normal(key, (), float32) for every key."""
    bits = _or(_shr(_bits_each(keys, partitionable), 9), 0x3F800000)
    floats = _sub(lax.bitcast_convert_type(bits, "float32"), 1.0)
    u = _max(_fma(floats, 2.0, _NORMAL_LO), _NORMAL_LO)
    return _mul(_erf_inv_f32(u), float(2.0 ** 0.5))
