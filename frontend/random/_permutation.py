"""Random permutations as JAX computes them: x sorted by random 32-bit keys, without a
sort op.

A stable LSD radix sort, 32 one-bit passes, each a partition computed with a
cumulative sum and applied with one scatter. Stability (ties keep their order)
is what JAX's sort gives, so the permutation is identical. Fresh keys are a
uniformly random order of the elements except for ties, which keep their
previous order; JAX's round count (ceil(3 ln n / ln(2**32 - 1)), two rounds
above n = 1625) makes a bias from ties negligible. Each round is O(32 n) work.
"""
from __future__ import annotations

import numpy as np

from .. import lax
from ._lax_helpers import _and, _bcast, _compiled, _convert, _eq, _full, _shl, _shr
from ._threefry import _bits32, _split


def _argsort_last(keys):
    """Stable ascending argsort of uint32 keys along the last axis (int32 indices): an LSD radix
    sort, one key bit per pass, each pass a stable partition (zeros first) computed with a
    cumulative sum and applied with one scatter. Elements travel as int64 key << 32 | index."""
    *batch, n = keys.shape
    ax = len(batch)
    pos = lax.broadcasted_iota("int32", keys.shape, ax)
    c = lax.bitwise_or(_shl(_convert(keys, "int64"), 32), _convert(pos, "int64"))
    coords = [lax.reshape(lax.broadcasted_iota("int32", keys.shape, d), keys.shape + (1,)) for d in range(ax)]
    dims = tuple(range(ax + 1))
    for b in range(32):
        bit = _convert(_and(_shr(c, 32 + b), 1), "int32")
        ones_before = lax.sub(lax.cumsum(bit, ax), bit)
        zeros = _bcast(lax.reshape(lax.reduce_sum(lax.sub(_full(bit, 1), bit), (ax,)), tuple(batch) + (1,)),
                       keys.shape)
        dest = lax.select(_eq(bit, 1), lax.add(zeros, ones_before), lax.sub(pos, ones_before))
        at = lax.concatenate(coords + [lax.reshape(dest, keys.shape + (1,))], ax + 1)
        c = lax.scatter_add(_full(c, 0), at, c, update_window_dims=(), inserted_window_dims=dims,
                            scatter_dims_to_operand_dims=dims)
    return _convert(_and(c, 0xFFFFFFFF), "int32")


def _take_last(x, idx):
    """x[..., idx] element by element along the last axis (take_along_axis), as one gather of
    full coordinates."""
    coords = [lax.broadcasted_iota("int32", idx.shape, d) for d in range(idx.ndim - 1)] + [idx]
    coords = lax.concatenate([lax.reshape(c, idx.shape + (1,)) for c in coords], idx.ndim)
    dims = tuple(range(x.ndim))
    return lax.gather(x, coords, offset_dims=(), collapsed_slice_dims=dims, start_index_map=dims,
                      slice_sizes=(1,) * x.ndim, mode="clip")


def _moveaxis(x, src, dst):
    perm = [d for d in range(x.ndim) if d != src]
    perm.insert(dst, src)
    return lax.transpose(x, perm)


@_compiled("axis", "partitionable")
def _shuffle(key, x, axis, partitionable):
    """JAX's _shuffle: sort x along `axis` by fresh random 32-bit keys, for enough rounds that
    some round has distinct keys with high probability (tjablin's heuristic, exponent 3)."""
    rounds = int(np.ceil(3 * np.log(max(1, x.size)) / np.log(np.iinfo(np.uint32).max)))
    xl = _moveaxis(x, axis, x.ndim - 1)
    perm = lax.broadcasted_iota("int32", xl.shape, xl.ndim - 1)
    for _ in range(rounds):
        keys = _split(key, num=(2,), partitionable=partitionable)
        key, sub = (lax.reshape(lax.slice(keys, (i, 0), (i + 1, 2)), (2,)) for i in (0, 1))
        bits = _moveaxis(_bits32(sub, tuple(x.shape), partitionable)[0], axis, x.ndim - 1)
        perm = _take_last(perm, _argsort_last(bits))
    return _moveaxis(_take_last(xl, perm), x.ndim - 1, axis)
