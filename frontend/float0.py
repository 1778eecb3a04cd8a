"""float0 tangents: what jvp, grad and vjp return for integer and boolean values.

A float0 array is a numpy array of `dtypes.float0` (JAX's convention): it has a shape
and no data, and IR has no type for it. So it never enters a program. At the API
boundary, float0 tangents given by the user are read as zeros, and those returned are
made here. A function traced by jit may return one (jit(grad(f, allow_int=True))): it
becomes a node of the output tree with no leaves, rebuilt when the tree is unflattened.
"""
from __future__ import annotations

import numpy as np

from .dtypes import float0, is_inexact
from .tree_util import register_pytree_node, tree_map


def is_float0(x) -> bool:
    return isinstance(x, np.ndarray) and x.dtype == float0


def zeros(shape) -> np.ndarray:
    return np.zeros(tuple(shape), float0)


def tangent_of(value, aval):
    """The tangent to return for a value of type `aval`: itself if differentiable, else float0."""
    return value if is_inexact(aval.dtype) else zeros(aval.shape)


class _Float0Node:
    """A float0 array inside a traced function's output tree (a node without leaves)."""
    __slots__ = ("shape",)

    def __init__(self, shape):
        self.shape = shape


register_pytree_node(_Float0Node, lambda n: ((), n.shape), lambda shape, _: zeros(shape))


def as_static(tree):
    """`tree` with its float0 leaves turned into leafless nodes (see the module doc)."""
    return tree_map(lambda x: _Float0Node(x.shape) if is_float0(x) else x, tree)
