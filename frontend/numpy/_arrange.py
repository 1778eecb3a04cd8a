"""jnp rearrangements composed from lax slices, pads and concatenations: triangles, diagonals,
repeat/tile/roll, splitting, flips and rotations, append/insert/delete with static positions,
and the grid builders (meshgrid, ix_, indices).

Every function here is a composition of differentiable lax ops whose shapes are static, so
they trace under jit, grad and vmap like the primitives. Split points, repeat counts and
inserted positions must be static (Python ints or concrete arrays), as JAX requires unless
it is given a `total_repeat_length`.
"""
from __future__ import annotations

import numpy as _np

from .. import dtypes as _dt, lax
from ..core import Array, Literal, Tracer
from ..errors import user_error
from ._core import as_value, canonical_axis, operand, promote
from ._creation import zeros
from ._shapes import broadcast_to, concatenate, moveaxis, ravel, reshape, stack
from ._reductions import sum as _sum


def _static_ints(x, what):
    """A concrete int or int sequence (Python or a concrete Array); tracers are rejected."""
    if isinstance(x, Tracer):
        raise user_error(TypeError, f"{what} must be static (a Python int or a concrete array), "
                         "not a traced value")
    if isinstance(x, Array):
        x = _np.asarray(x)
    if isinstance(x, _np.ndarray):
        return int(x) if x.ndim == 0 else [int(v) for v in x.ravel()]
    return x


def _tri_mask(n, m, k, shape=None):
    """Boolean (n, m) mask of j <= i + k (broadcast to `shape` along the last two dims)."""
    shape = shape or (n, m)
    nd = len(shape)
    rows = lax.broadcasted_iota("int32", shape, nd - 2)
    cols = lax.broadcasted_iota("int32", shape, nd - 1)
    return lax.ge(lax.add(rows, Literal(int(k), "int32", False)), cols)


def tri(N, M=None, k=0, dtype=None):
    M = N if M is None else M
    dt = _dt.requested(dtype) if dtype is not None else _dt.default_float()
    return lax.convert_element_type(_tri_mask(N, M, k), dt)


def _masked(m, k, upper):
    m = as_value(operand(m))
    if m.aval.ndim < 2:
        raise user_error(ValueError, f"Argument to jax.numpy.{'triu' if upper else 'tril'} must be at least 2D")
    keep = _tri_mask(*m.aval.shape[-2:], k - 1 if upper else k, m.aval.shape)
    if upper:
        keep = lax.bitwise_not(keep)
    return lax.select(keep, m, lax.full(m.aval.shape, 0, m.aval.dtype))


def tril(m, k=0):
    return _masked(m, k, upper=False)


def triu(m, k=0):
    return _masked(m, k, upper=True)


def diagonal(a, offset=0, axis1=0, axis2=1):
    a = as_value(operand(a))
    nd = a.aval.ndim
    if nd < 2:
        raise user_error(ValueError, "diagonal requires an array of at least two dimensions")
    i, j = canonical_axis(axis1, nd), canonical_axis(axis2, nd)
    if i == j:  # JAX's error class (its transpose rejects the permutation)
        raise user_error(TypeError, "diagonal: axis1 and axis2 cannot be the same")
    rest = [d for d in range(nd) if d not in (i, j)]
    x = lax.transpose(a, tuple(rest) + (i, j))
    *batch, n, m = x.aval.shape
    offset = int(offset)
    lo = [0] * len(batch)
    r0, c0 = (max(-offset, 0), max(offset, 0))
    d = max(0, min(n - r0, m - c0))
    x = lax.slice(x, lo + [min(r0, n), min(c0, m)], list(batch) + [min(r0 + d, n), min(c0 + d, m)])
    if d == 0:
        return lax.reshape(x, tuple(batch) + (0,))
    flat = lax.reshape(x, tuple(batch) + (d * d,))
    return lax.slice(flat, lo + [0], list(batch) + [d * d], [1] * len(batch) + [d + 1])


def trace(a, offset=0, axis1=0, axis2=1, dtype=None):
    return _sum(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)


def diag(v, k=0):
    v = as_value(operand(v))
    if v.aval.ndim == 2:
        return diagonal(v, k)
    if v.aval.ndim != 1:
        raise user_error(ValueError, "diag input must be 1d or 2d")
    n, k = v.aval.shape[0], int(k)
    square = lax.select(_eye_mask(n), lax.broadcast_in_dim(v, (n, n), (1,)), lax.full((n, n), 0, v.aval.dtype))
    a = abs(k)
    config = [(0, a, 0), (a, 0, 0)] if k >= 0 else [(a, 0, 0), (0, a, 0)]
    return lax.pad(square, Literal(0, v.aval.dtype, False), config)


def _eye_mask(n):
    return lax.eq(lax.broadcasted_iota("int32", (n, n), 0), lax.broadcasted_iota("int32", (n, n), 1))


def diagflat(v, k=0):
    return diag(ravel(v), k)


def repeat(a, repeats, axis=None, *, total_repeat_length=None):
    a = as_value(operand(a))
    if axis is None:
        a, axis = ravel(a), 0
    ax = canonical_axis(axis, a.aval.ndim)
    if isinstance(repeats, (list, tuple)):
        raise user_error(TypeError, f"repeat requires ndarray or scalar arguments, got {type(repeats)} at position 1.")
    repeats = _static_ints(repeats, "repeats")
    n = a.aval.shape[ax]
    if isinstance(repeats, (list, tuple)) and len(repeats) == 1:
        repeats = repeats[0]
    if isinstance(repeats, int):
        if repeats < 0:
            raise user_error(ValueError, "repeats may not contain negative values")
        shape = list(a.aval.shape)
        b = lax.broadcast_in_dim(a, tuple(shape[:ax + 1] + [repeats] + shape[ax + 1:]),
                                 tuple(d if d <= ax else d + 1 for d in range(a.aval.ndim)))
        shape[ax] = n * repeats
        out = lax.reshape(b, tuple(shape))
    else:
        if len(repeats) != n:
            raise user_error(ValueError, f"repeats has length {len(repeats)}, expected {n} along axis {ax}")
        pieces = [repeat(_take_static(a, i, ax), r, axis=ax) for i, r in enumerate(repeats) if r]
        out = concatenate(pieces, axis=ax) if pieces else _empty_along(a, ax)
    if total_repeat_length is not None:
        out = _fit_length(out, ax, int(total_repeat_length))
    return out


def _take_static(a, i, ax):
    start = [0] * a.aval.ndim
    limit = list(a.aval.shape)
    start[ax], limit[ax] = i, i + 1
    return lax.slice(a, start, limit)


def _empty_along(a, ax):
    shape = list(a.aval.shape)
    shape[ax] = 0
    return lax.full(tuple(shape), 0, a.aval.dtype)


def _fit_length(x, ax, length):
    """x cut or padded (with its last entry along ax, as JAX) to `length` along ax."""
    n = x.aval.shape[ax]
    if n >= length:
        return _slice_along(x, ax, 0, length)
    last = _take_static(x, n - 1, ax)
    return concatenate([x] + [last] * (length - n), axis=ax)


def tile(A, reps):
    A = as_value(operand(A))
    reps = (reps,) if isinstance(reps, int) else tuple(_static_ints(reps, "reps"))
    nd = max(len(reps), A.aval.ndim)
    reps = (1,) * (nd - len(reps)) + tuple(reps)
    shape = (1,) * (nd - A.aval.ndim) + A.aval.shape
    A = lax.reshape(A, shape)
    big = []
    for r, s in zip(reps, shape):
        big += [r, s]
    b = lax.broadcast_in_dim(A, tuple(big), tuple(range(1, 2 * nd, 2)))
    return lax.reshape(b, tuple(r * s for r, s in zip(reps, shape)))


def roll(a, shift, axis=None):
    a = as_value(operand(a))
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), a.aval.shape)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    shifts = (shift,) * len(axes) if isinstance(shift, int) or getattr(shift, "ndim", 1) == 0 else tuple(shift)
    if len(shifts) != len(axes):
        raise user_error(ValueError, "shift and axis must have the same length")
    for s, ax in zip(shifts, axes):
        a = _roll1(a, s, canonical_axis(ax, a.aval.ndim))
    return a


def _roll1(a, s, ax):
    n = a.aval.shape[ax]
    if n == 0:
        return a
    doubled = concatenate([a, a], axis=ax)
    if isinstance(s, int):
        start = (-s) % n
        lo = [0] * a.aval.ndim
        hi = list(a.aval.shape)
        lo[ax], hi[ax] = start, start + n
        return lax.slice(doubled, lo, hi)
    s = lax.convert_element_type(as_value(operand(s)), "int32")
    start = lax.rem(lax.add(lax.rem(lax.neg(s), Literal(n, "int32", False)), Literal(n, "int32", False)),
                    Literal(n, "int32", False))
    zero = Literal(0, "int32", False)
    starts = [start if d == ax else zero for d in range(a.aval.ndim)]
    return lax.dynamic_slice(doubled, starts, a.aval.shape)


def _split_points(n, indices_or_sections, strict):
    ios = _static_ints(indices_or_sections, "indices_or_sections")
    if isinstance(ios, int):
        if ios <= 0:
            raise user_error(ValueError, "number sections must be larger than 0.")
        if strict and n % ios:
            raise user_error(ValueError, "array split does not result in an equal division")
        q, r = divmod(n, ios)
        sizes = [q + 1] * r + [q] * (ios - r)
        return list(_np.cumsum([0] + sizes))
    return [0] + [min(max(int(i) if i >= 0 else n + int(i), 0), n) for i in ios] + [n]


def _split(ary, indices_or_sections, axis, strict):
    a = as_value(operand(ary))
    ax = canonical_axis(axis, a.aval.ndim)
    points = _split_points(a.aval.shape[ax], indices_or_sections, strict)
    out = []
    for lo_i, hi_i in zip(points[:-1], points[1:]):
        lo = [0] * a.aval.ndim
        hi = list(a.aval.shape)
        lo[ax], hi[ax] = int(lo_i), max(int(lo_i), int(hi_i))
        out.append(lax.slice(a, lo, hi))
    return out


def split(ary, indices_or_sections, axis=0):
    return _split(ary, indices_or_sections, axis, strict=True)


def array_split(ary, indices_or_sections, axis=0):
    return _split(ary, indices_or_sections, axis, strict=False)


def _split_min_dim(ary, ios, axis, ndmin, name):
    a = as_value(operand(ary))
    if a.aval.ndim < ndmin:
        raise user_error(ValueError, f"{name} only works on arrays of {ndmin} or more dimensions")
    return split(a, ios, axis=axis)


def hsplit(ary, indices_or_sections):
    a = as_value(operand(ary))
    return _split_min_dim(a, indices_or_sections, 0 if a.aval.ndim == 1 else 1, 1, "hsplit")


def vsplit(ary, indices_or_sections):
    return _split_min_dim(ary, indices_or_sections, 0, 1, "vsplit")  # JAX splits 1-D arrays too


def dsplit(ary, indices_or_sections):
    a = as_value(operand(ary))
    if a.aval.ndim < 3:  # JAX's error class
        raise user_error(IndexError, "dsplit only works on arrays of 3 or more dimensions")
    return split(a, indices_or_sections, axis=2)


def flip(m, axis=None):
    m = as_value(operand(m))
    axes = range(m.aval.ndim) if axis is None else ((axis,) if isinstance(axis, int) else axis)
    return lax.rev(m, tuple(sorted(canonical_axis(a, m.aval.ndim) for a in axes)))


def fliplr(m):
    m = as_value(operand(m))
    if m.aval.ndim < 2:
        raise user_error(ValueError, "fliplr requires an array of at least 2 dimensions")
    return flip(m, 1)


def flipud(m):
    m = as_value(operand(m))
    if m.aval.ndim < 1:
        raise user_error(ValueError, "flipud requires an array of at least 1 dimension")
    return flip(m, 0)


def rot90(m, k=1, axes=(0, 1)):
    m = as_value(operand(m))
    if len(axes) != 2:
        raise user_error(ValueError, "len(axes) must be 2.")
    a0, a1 = canonical_axis(axes[0], m.aval.ndim), canonical_axis(axes[1], m.aval.ndim)
    if a0 == a1:
        raise user_error(ValueError, "Axes must be different")
    k = k % 4
    if k == 0:
        return m
    if k == 2:
        return flip(m, (a0, a1))
    perm = list(range(m.aval.ndim))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return lax.transpose(flip(m, a1), perm)
    return flip(lax.transpose(m, perm), a1)


def atleast_3d(*arys):
    out = []
    for a in arys:
        a = as_value(operand(a))
        shape = {0: (1, 1, 1), 1: (1,) + a.aval.shape + (1,), 2: a.aval.shape + (1,)}.get(a.aval.ndim, a.aval.shape)
        out.append(reshape(a, shape))
    return out[0] if len(out) == 1 else out


def append(arr, values, axis=None):
    if axis is None:
        return concatenate([ravel(arr), ravel(values)], axis=0)
    return concatenate([arr, values], axis=axis)


def delete(arr, obj, axis=None, *, assume_unique_indices=False):
    a = as_value(operand(arr))
    if axis is None:
        a, axis = ravel(a), 0
    ax = canonical_axis(axis, a.aval.ndim)
    n = a.aval.shape[ax]
    if isinstance(obj, slice):
        drop = set(range(n)[obj])
    else:
        if isinstance(obj, (list, tuple)):
            raise user_error(TypeError, f"delete requires ndarray or scalar arguments, got {type(obj)} at position 1.")
        obj = _static_ints(obj, "delete's obj")
        if isinstance(obj, int) and not -n <= obj < n:
            raise user_error(ValueError, f"index {obj} is out of bounds for axis {ax} with size {n}")
        idx = [obj] if isinstance(obj, int) else list(obj)
        for i in idx:
            if not -n <= i < n:
                raise user_error(IndexError, f"index {i} is out of bounds for axis {ax} with size {n}")
        drop = {i % n for i in idx}
    keep = [i for i in range(n) if i not in drop]
    pieces = [_take_static(a, i, ax) for i in keep]
    return concatenate(pieces, axis=ax) if pieces else _empty_along(a, ax)


def insert(arr, obj, values, axis=None):
    a = as_value(operand(arr))
    if axis is None:
        a, axis = ravel(a), 0
    ax = canonical_axis(axis, a.aval.ndim)
    n = a.aval.shape[ax]
    a, v = promote(a, values)
    a, v = as_value(a), as_value(v)
    v = lax.convert_element_type(v, a.aval.dtype) if v.aval.dtype != a.aval.dtype else v
    if isinstance(obj, slice):
        positions, scalar = list(range(n + 1)[obj]), False
    else:
        if isinstance(obj, (list, tuple)):
            raise user_error(TypeError, f"insert requires ndarray or scalar arguments, got {type(obj)} at position 1.")
        obj = _static_ints(obj, "insert's obj")
        scalar = isinstance(obj, int)
        positions = [obj] if scalar else list(obj)
    # as JAX: negative positions count from the end, and positions are clipped into [0, n]
    positions = [min(max(p + n if p < 0 else p, 0), n) for p in positions]
    v = reshape(v, (1,) * (a.aval.ndim - v.aval.ndim) + v.aval.shape)  # numpy's ndmin=arr.ndim
    vshape = list(a.aval.shape)
    if scalar:
        v = moveaxis(v, 0, ax)
        vshape[ax] = v.aval.shape[ax]
        v = broadcast_to(v, tuple(vshape))
        pos = positions[0]
        return concatenate([_slice_along(a, ax, 0, pos), v, _slice_along(a, ax, pos, n)], axis=ax)
    k = len(positions)
    vshape[ax] = k
    v = broadcast_to(v, tuple(vshape))
    order = sorted(range(k), key=lambda i: positions[i])  # stable, as numpy
    pieces, prev = [], 0
    for i in order:
        p = positions[i]
        pieces.append(_slice_along(a, ax, prev, p))
        pieces.append(_take_static(v, i, ax))
        prev = p
    pieces.append(_slice_along(a, ax, prev, n))
    return concatenate(pieces, axis=ax)


def _slice_along(a, ax, lo_i, hi_i):
    lo = [0] * a.aval.ndim
    hi = list(a.aval.shape)
    lo[ax], hi[ax] = lo_i, hi_i
    return lax.slice(a, lo, hi)


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    if indexing not in ("xy", "ij"):
        raise user_error(ValueError, f"Valid values for indexing are 'xy' and 'ij', got {indexing}")
    xs = [ravel(x) for x in xi]
    nd = len(xs)
    shape = [x.aval.shape[0] for x in xs]
    if indexing == "xy" and nd > 1:
        shape[0], shape[1] = shape[1], shape[0]
    out = []
    for i, x in enumerate(xs):
        d = i
        if indexing == "xy" and nd > 1 and i < 2:
            d = 1 - i
        if sparse:
            s = [1] * nd
            s[d] = x.aval.shape[0]
            out.append(lax.reshape(x, tuple(s)))
        else:
            out.append(lax.broadcast_in_dim(x, tuple(shape), (d,)))
    return out


def ix_(*args):
    out = []
    n = len(args)
    for i, a in enumerate(args):
        a = as_value(operand(a))
        if a.aval.ndim != 1:
            raise user_error(ValueError, "Cross index must be 1 dimensional")
        if a.aval.dtype == "bool":
            raise user_error(TypeError, "Boolean arguments to ix_ are not supported")
        out.append(lax.reshape(a, tuple(a.aval.shape[0] if j == i else 1 for j in range(n))))
    return tuple(out)


def indices(dimensions, dtype=None, sparse=False):
    dt = _dt.requested(dtype) if dtype is not None else _dt.default_int()
    dims = tuple(dimensions)
    out = []
    for i, d in enumerate(dims):
        if sparse:
            s = tuple(d if j == i else 1 for j in range(len(dims)))
            out.append(lax.broadcasted_iota(dt, s, i))
        else:
            out.append(lax.broadcasted_iota(dt, dims, i))
    if sparse:
        return tuple(out)
    if not dims:
        return zeros((0,), dt)
    return stack(out, axis=0)
