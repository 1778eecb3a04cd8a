"""jnp shape manipulation: shape queries, reshape/ravel, transposes, squeeze/expand_dims,
broadcasting, and joining arrays (concatenate, stack, vstack, hstack)."""
from __future__ import annotations

import numpy as _np

from .. import lax
from ..errors import user_error
from . import _creation
from ._core import as_value, broadcast_all, broadcast_to_shape, canonical_axes, canonical_axis, operand, promote


def shape(a):
    return operand(a).aval.shape


def ndim(a):
    return len(operand(a).aval.shape)


def size(a):
    return int(_np.prod(operand(a).aval.shape, dtype=_np.int64))


def reshape(a, newshape=None, order="C", shape=None):
    newshape = shape if newshape is None else newshape
    a = as_value(operand(a))
    if isinstance(newshape, int):
        newshape = (newshape,)
    newshape = list(newshape)
    total = int(_np.prod(a.aval.shape, dtype=_np.int64))
    if newshape.count(-1) > 1:
        raise user_error(ValueError, "can only specify one unknown dimension")
    if -1 in newshape:
        known = int(_np.prod([d for d in newshape if d != -1], dtype=_np.int64))
        if known == 0 or total % known:
            raise user_error(TypeError, f"cannot reshape array of shape {a.aval.shape} into shape "
                             f"{tuple(newshape)}")
        newshape[newshape.index(-1)] = total // known
    if int(_np.prod(newshape, dtype=_np.int64)) != total:
        raise user_error(TypeError, f"cannot reshape array of shape {a.aval.shape} (size {total}) "
                         f"into shape {tuple(newshape)}")
    return lax.reshape(a, tuple(newshape))


def ravel(a):
    return reshape(a, (-1,))


def transpose(a, axes=None):
    a = as_value(operand(a))
    nd = a.aval.ndim
    axes = tuple(reversed(range(nd))) if axes is None else tuple(canonical_axis(x, nd) for x in axes)
    if sorted(axes) != list(range(nd)):
        raise user_error(ValueError, f"axes {axes} are not a permutation of the array's dimensions")
    return lax.transpose(a, axes)


def moveaxis(a, source, destination):
    a = as_value(operand(a))
    nd = a.aval.ndim
    src = canonical_axis(source, nd)
    dst = canonical_axis(destination, nd)
    order = [i for i in range(nd) if i != src]
    order.insert(dst, src)
    return lax.transpose(a, tuple(order))


def swapaxes(a, axis1, axis2):
    a = as_value(operand(a))
    perm = list(range(a.aval.ndim))
    i, j = canonical_axis(axis1, a.aval.ndim), canonical_axis(axis2, a.aval.ndim)
    perm[i], perm[j] = perm[j], perm[i]
    return lax.transpose(a, perm)


def squeeze(a, axis=None):
    a = as_value(operand(a))
    if axis is None:
        axes = tuple(i for i, d in enumerate(a.aval.shape) if d == 1)
    else:
        axes = canonical_axes(axis, a.aval.ndim)
        for ax in axes:
            if a.aval.shape[ax] != 1:
                raise user_error(ValueError, f"cannot squeeze axis {ax} of size {a.aval.shape[ax]}")
    return lax.reshape(a, tuple(d for i, d in enumerate(a.aval.shape) if i not in axes))


def expand_dims(a, axis):
    a = as_value(operand(a))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    nd = a.aval.ndim + len(axes)
    axes = sorted(canonical_axis(ax, nd) for ax in axes)
    shape_ = list(a.aval.shape)
    for ax in axes:
        shape_.insert(ax, 1)
    return lax.reshape(a, tuple(shape_))


def broadcast_to(a, shape):
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return broadcast_to_shape(as_value(operand(a)), shape)


def broadcast_arrays(*args):
    return broadcast_all(*[as_value(operand(a)) for a in args])


def atleast_1d(a):
    a = as_value(operand(a))
    return reshape(a, (1,)) if a.aval.ndim == 0 else a


def atleast_2d(a):
    a = as_value(operand(a))
    if a.aval.ndim >= 2:
        return a
    return reshape(a, (1,) * (2 - a.aval.ndim) + a.aval.shape)


def concatenate(arrays, axis=0):
    arrays = promote(*[as_value(operand(a)) for a in arrays])
    if not arrays:
        raise user_error(ValueError, "need at least one array to concatenate")
    if axis is None:
        arrays, axis = [ravel(a) for a in arrays], 0
    nd = arrays[0].aval.ndim
    if nd == 0:
        raise user_error(ValueError, "zero-dimensional arrays cannot be concatenated")
    return lax.concatenate([as_value(a) for a in arrays], canonical_axis(axis, nd))


def stack(arrays, axis=0):
    arrays = [as_value(operand(a)) for a in arrays]
    if not arrays:
        raise user_error(ValueError, "need at least one array to stack")
    shapes = {a.aval.shape for a in arrays}
    if len(shapes) != 1:
        raise user_error(ValueError, "all input arrays must have the same shape")
    ax = canonical_axis(axis, arrays[0].aval.ndim + 1)
    return concatenate([expand_dims(a, ax) for a in arrays], axis=ax)


def vstack(tup):
    return concatenate([atleast_2d(_tuple_to_array(a)) for a in tup], axis=0)


def hstack(tup):
    arrs = [atleast_1d(_tuple_to_array(a)) for a in tup]
    return concatenate(arrs, axis=0 if arrs[0].aval.ndim == 1 else 1)


def _tuple_to_array(a):
    # JAX accepts (deprecated) tuples of arrays in vstack, as the tutorial's loop_mjp does
    if isinstance(a, tuple):
        return _creation.array(a) if len(a) != 1 else as_value(operand(a[0]))
    return as_value(operand(a))
