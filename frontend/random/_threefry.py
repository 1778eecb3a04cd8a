"""Threefry-2x32 and the random bit streams JAX derives from it (random_bits, split,
fold_in), in uint32 pb ops.

With `partitionable` (jax_threefry_partitionable, JAX's default since 0.5) random
bits hash the 64-bit counter iota (hi, lo) and xor the two output words, and
`split` hashes the same counters; without it, the legacy streams (one hash over
iota(n) split in halves).
"""
from __future__ import annotations

import math

from .. import lax
from ..errors import user_error
from ._lax_helpers import _U32, _add, _and, _compiled, _const, _convert, _or, _shl, _shr, _xor


_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))


def _rotl(x, d):
    return _or(_shl(x, d), _shr(x, 32 - d))


def threefry2x32(k1, k2, x1, x2):
    """The Threefry-2x32 block cipher (20 rounds): key words k1, k2 (scalars, or one per
    counter) and counter words x1, x2 (uint32, one shape) to two uint32 arrays of that shape."""
    k1, k2 = (k if k.shape == x1.shape else lax.broadcast_in_dim(k, x1.shape, ()) for k in (k1, k2))
    ks = [k1, k2, _xor(_xor(k1, k2), 0x1BD11BDA)]
    x1, x2 = lax.add(x1, ks[0]), lax.add(x2, ks[1])
    for i in range(5):
        for r in _ROTATIONS[i % 2]:
            x1 = lax.add(x1, x2)
            x2 = lax.bitwise_xor(x1, _rotl(x2, r))
        x1 = lax.add(x1, ks[(i + 1) % 3])
        x2 = _add(lax.add(x2, ks[(i + 2) % 3]), i + 1)
    return x1, x2


def _words(key):
    """The two scalar uint32 words of a uint32[2] key."""
    return tuple(lax.reshape(lax.slice(key, (i,), (i + 1,)), ()) for i in (0, 1))


def _hash_counts(key, count):
    """JAX's threefry_2x32(key, count): hash the flat counts as two halves (zero-padded)."""
    n = count.size
    flat = lax.reshape(count, (n,))
    if n % 2:
        flat = lax.pad(flat, _const((), 0, _U32), [(0, 1, 0)])
    h = flat.shape[0] // 2
    y1, y2 = threefry2x32(*_words(key), lax.slice(flat, (0,), (h,)), lax.slice(flat, (h,), (2 * h,)))
    out = lax.concatenate([y1, y2], 0)
    return lax.reshape(lax.slice(out, (0,), (n,)) if n % 2 else out, count.shape)


def _iota_hi_lo(shape):
    """The 64-bit counters 0..size-1 laid out in `shape`, as (hi, lo) uint32 words."""
    size = math.prod(shape)
    if size >= 2 ** 32:
        raise user_error(NotImplementedError, "random arrays of 2**32 or more elements are not supported")
    lo = lax.reshape(lax.iota(_U32, size), shape)
    return _const(shape, 0, _U32), lo


def _bits32(key, shape, partitionable, count=1):
    """`count` uint32 words per element: the 32-bit random bits of JAX's random_bits
    (count=1), or the two words from which it builds 64-bit bits (count=2, (hi, lo))."""
    if math.prod(shape) == 0:
        return [_const(shape, 0, _U32)] * count
    if partitionable:
        hi, lo = _iota_hi_lo(shape)
        b1, b2 = threefry2x32(*_words(key), hi, lo)
        return [lax.bitwise_xor(b1, b2)] if count == 1 else [b1, b2]
    size = math.prod(shape)
    bits = _hash_counts(key, lax.iota(_U32, count * size))
    return [lax.reshape(lax.slice(bits, (i * size,), ((i + 1) * size,)), shape) for i in range(count)]


def _bits_narrow(key, width, shape, partitionable):
    """8- or 16-bit random bits (as uint32 values < 2**width), as JAX draws them."""
    if partitionable or math.prod(shape) == 0:
        return _and(_bits32(key, shape, partitionable)[0], (1 << width) - 1)
    size, per = math.prod(shape), 32 // width
    words = _hash_counts(key, lax.iota(_U32, -(-size * width // 32)))
    # word w holds values w*per .. w*per+per-1, lowest bits first
    pieces = [_and(_shr(words, width * j), (1 << width) - 1) for j in range(per)]
    flat = lax.reshape(lax.concatenate([lax.reshape(p, (words.shape[0], 1)) for p in pieces], 1),
                       (words.shape[0] * per,))
    return lax.reshape(lax.slice(flat, (0,), (size,)), shape)


def _bits64(key, shape, partitionable):
    """64-bit random bits as int64 (pullback has no uint64; the bit pattern is JAX's)."""
    hi, lo = (_convert(w, "int64") for w in _bits32(key, shape, partitionable, 2))
    return lax.bitwise_or(_shl(hi, 32), lo)


@_compiled("num", "partitionable")
def _split(key, num, partitionable):
    n = math.prod(num)
    if partitionable:
        b1, b2 = threefry2x32(*_words(key), *_iota_hi_lo(num)) if n else [_const(num, 0, _U32)] * 2
        return lax.concatenate([lax.reshape(b, num + (1,)) for b in (b1, b2)], len(num))
    return lax.reshape(_hash_counts(key, lax.iota(_U32, 2 * n)), num + (2,))


@_compiled()
def _fold_in(key, data):
    return _hash_counts(key, lax.concatenate([_const((1,), 0, _U32), lax.reshape(data, (1,))], 0))
