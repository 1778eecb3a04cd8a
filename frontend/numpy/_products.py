"""jnp products: dot, matmul, vdot, inner, outer and tensordot as lax.dot_general."""
from __future__ import annotations

from .. import lax
from ..errors import user_error
from ._core import as_value, broadcast_shapes, canonical_axis, promote
from ._arithmetic import conjugate, multiply
from ._shapes import broadcast_to, ravel, reshape


def dot(a, b):
    a, b = promote(a, b)
    a, b = as_value(a), as_value(b)
    if a.aval.ndim == 0 or b.aval.ndim == 0:
        return multiply(a, b)
    if b.aval.ndim == 1:
        return lax.dot_general(a, b, (((a.aval.ndim - 1,), (0,)), ((), ())))
    return lax.dot_general(a, b, (((a.aval.ndim - 1,), (b.aval.ndim - 2,)), ((), ())))


def matmul(a, b):
    a, b = promote(a, b)
    a, b = as_value(a), as_value(b)
    if a.aval.ndim == 0 or b.aval.ndim == 0:
        raise user_error(ValueError, "matmul: operands must not be scalars")
    if a.aval.ndim == 1 or b.aval.ndim == 1 or (a.aval.ndim == 2 and b.aval.ndim == 2):
        if a.aval.shape[-1] != b.aval.shape[0 if b.aval.ndim == 1 else -2]:
            raise user_error(TypeError, f"matmul: shapes {a.aval.shape} and {b.aval.shape} do not align")
        return dot(a, b)
    batch = broadcast_shapes(a.aval.shape[:-2], b.aval.shape[:-2])
    a = broadcast_to(a, batch + a.aval.shape[-2:])
    b = broadcast_to(b, batch + b.aval.shape[-2:])
    nb = len(batch)
    return lax.dot_general(a, b, (((nb + 1,), (nb,)), (tuple(range(nb)), tuple(range(nb)))))


def vdot(a, b):
    a, b = promote(a, b)
    a, b = ravel(conjugate(a)), ravel(as_value(b))
    return lax.dot_general(a, b, (((0,), (0,)), ((), ())))


def inner(a, b):
    a, b = promote(a, b)
    a, b = as_value(a), as_value(b)
    if a.aval.ndim == 0 or b.aval.ndim == 0:
        return multiply(a, b)
    return lax.dot_general(a, b, (((a.aval.ndim - 1,), (b.aval.ndim - 1,)), ((), ())))


def outer(a, b):
    a, b = promote(a, b)
    return multiply(reshape(a, (-1, 1)), ravel(b))


def tensordot(a, b, axes=2):
    a, b = promote(a, b)
    a, b = as_value(a), as_value(b)
    if isinstance(axes, int):
        ca = tuple(range(a.aval.ndim - axes, a.aval.ndim))
        cb = tuple(range(axes))
    else:
        ca, cb = axes
        ca = (ca,) if isinstance(ca, int) else tuple(ca)
        cb = (cb,) if isinstance(cb, int) else tuple(cb)
        ca = tuple(canonical_axis(x, a.aval.ndim) for x in ca)
        cb = tuple(canonical_axis(x, b.aval.ndim) for x in cb)
    for i, j in zip(ca, cb):
        if a.aval.shape[i] != b.aval.shape[j]:
            raise user_error(TypeError, f"tensordot: shape mismatch {a.aval.shape} and {b.aval.shape}")
    return lax.dot_general(a, b, ((ca, cb), ((), ())))
