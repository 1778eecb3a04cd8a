"""Operators and methods shared by Array and Tracer, defined on top of pullback.numpy."""
from __future__ import annotations

from . import numpy as jnp
from .core import Array, Tracer
from .numpy import indexing


def _binop(fn, reflected=False):
    if reflected:
        return lambda self, other: fn(other, self)
    return lambda self, other: fn(self, other)


_BINARY = {
    "add": jnp.add, "sub": jnp.subtract, "mul": jnp.multiply, "truediv": jnp.true_divide,
    "floordiv": jnp.floor_divide, "mod": jnp.remainder, "pow": jnp.power, "matmul": jnp.matmul,
    "and": jnp.bitwise_and, "or": jnp.bitwise_or, "xor": jnp.bitwise_xor,
    "lshift": jnp.left_shift, "rshift": jnp.right_shift,
}
_COMPARE = {"lt": jnp.less, "le": jnp.less_equal, "gt": jnp.greater, "ge": jnp.greater_equal,
            "eq": jnp.equal, "ne": jnp.not_equal}


def _methods() -> dict:
    m = {}
    for name, fn in _BINARY.items():
        m[f"__{name}__"] = _binop(fn)
        m[f"__r{name}__"] = _binop(fn, reflected=True)
    for name, fn in _COMPARE.items():
        m[f"__{name}__"] = _binop(fn)
    m["__neg__"] = lambda self: jnp.negative(self)
    m["__pos__"] = lambda self: self
    m["__abs__"] = lambda self: jnp.abs(self)
    m["__invert__"] = lambda self: jnp.invert(self)
    m["__getitem__"] = indexing.getitem
    m["at"] = property(lambda self: indexing.AtIndexer(self))
    m["T"] = property(lambda self: jnp.transpose(self))
    m["real"] = property(lambda self: jnp.real(self))
    m["imag"] = property(lambda self: jnp.imag(self))
    m["reshape"] = lambda self, *shape, order="C": jnp.reshape(
        self, shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape)
    m["transpose"] = lambda self, *axes: jnp.transpose(
        self, None if not axes else axes[0] if len(axes) == 1 and not isinstance(axes[0], int) else axes)
    m["astype"] = lambda self, dtype: jnp.astype(self, dtype)
    m["conj"] = lambda self: jnp.conjugate(self)
    m["conjugate"] = lambda self: jnp.conjugate(self)
    m["ravel"] = lambda self: jnp.ravel(self)
    m["flatten"] = lambda self: jnp.ravel(self)
    m["squeeze"] = lambda self, axis=None: jnp.squeeze(self, axis)
    m["dot"] = lambda self, other: jnp.dot(self, other)
    m["clip"] = lambda self, min=None, max=None: jnp.clip(self, min, max)  # noqa: A002
    m["round"] = lambda self, decimals=0: jnp.round(self, decimals)
    for red in ("sum", "prod", "max", "min", "mean", "all", "any"):
        m[red] = (lambda f: lambda self, axis=None, keepdims=False, **kw: f(self, axis=axis, keepdims=keepdims,
                                                                           **kw))(getattr(jnp, red))
    for red in ("argmax", "argmin"):
        m[red] = (lambda f: lambda self, axis=None, keepdims=False: f(self, axis=axis, keepdims=keepdims))(
            getattr(jnp, red))
    m["cumsum"] = lambda self, axis=None, dtype=None: jnp.cumsum(self, axis, dtype)
    return m


def install() -> None:
    for cls in (Array, Tracer):
        for name, fn in _methods().items():
            setattr(cls, name, fn)
