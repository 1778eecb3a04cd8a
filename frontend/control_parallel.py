"""select_n and associative_scan (lax's): choices and prefix scans without control flow.

select_n is a balanced tree of pb.select ops, as XLA lowers it. associative_scan is the
parallel-prefix algorithm of Blelloch (JAX's): combine neighbouring pairs, scan the half
as long sequence of pair results recursively, then combine those with the even elements
they skip; O(log n) rounds of slices, `fn` calls and concatenations, all static shapes.
Interleaving the odd and even results stacks them along a new axis and merges it into the
scanned one (a reshape), so no arithmetic touches the values (JAX pads with zeros and adds,
which turns -0.0 into 0.0).
"""
from __future__ import annotations

from typing import Callable

from . import lax
from .errors import user_error
from .values import to_array
from .tree_util import tree_flatten, tree_unflatten


def select_n(which, *cases):
    """cases[which] elementwise (`which` a bool or int32 scalar, or of the cases' shape)."""
    if not cases:
        raise user_error(ValueError, "select_n called with no cases")
    which = to_array(which)
    cases = [to_array(c) for c in cases]
    first = cases[0].aval
    if any(c.aval.shape != first.shape for c in cases):
        raise user_error(TypeError, f"select cases must have the same shapes, got "
                         f"[{', '.join(str(c.aval.shape) for c in cases)}].")
    if any(c.aval.dtype != first.dtype for c in cases):
        raise user_error(TypeError, f"select cases must have the same dtypes, got "
                         f"[{', '.join(c.aval.dtype for c in cases)}].")
    w = which.aval
    if w.dtype not in ("bool", "int32"):
        raise user_error(TypeError, f"select `which` must be boolean or int32 type, got {w.dtype}.")
    if w.shape and w.shape != first.shape:
        raise user_error(TypeError, f"select `which` must be scalar or have the same shape as cases, got `which` "
                         f"shape {w.shape} but case shape {first.shape}.")
    if w.dtype == "bool" and len(cases) > 2:
        raise user_error(TypeError, "select with boolean `which` cannot have > 2 cases.")
    if len(cases) == 1:
        return cases[0]
    if w.dtype == "bool":
        return lax.select(which, cases[1], cases[0])

    def tree(offset: int, cs: list):
        if len(cs) == 1:
            return cs[0]
        mid = len(cs) // 2
        return lax.select(lax.lt(which, offset + mid), tree(offset, cs[:mid]), tree(offset + mid, cs[mid:]))

    return tree(0, cases)


def take(x, start: int, stop: int, stride: int, axis: int):
    """x[start:stop:stride] along `axis` (stop clipped to the size)."""
    shape = x.aval.shape
    starts, limits, strides = [0] * len(shape), list(shape), [1] * len(shape)
    starts[axis], limits[axis], strides[axis] = start, max(min(stop, shape[axis]), start), stride
    return lax.slice(x, starts, limits, strides)


def _interleave(a, b, axis: int):
    """a[0], b[0], a[1], b[1], ... along `axis` (a as long as b, or one longer)."""
    m = b.aval.shape[axis]
    head = take(a, 0, m, 1, axis)
    shape = head.aval.shape
    pair_shape = shape[:axis + 1] + (1,) + shape[axis + 1:]
    pairs = lax.concatenate([lax.reshape(head, pair_shape), lax.reshape(b, pair_shape)], axis + 1)
    merged = lax.reshape(pairs, shape[:axis] + (2 * m,) + shape[axis + 1:])
    if a.aval.shape[axis] > m:
        merged = lax.concatenate([merged, take(a, m, m + 1, 1, axis)], axis)
    return merged


def associative_scan(fn: Callable, elems, reverse: bool = False, axis: int = 0):
    """All prefix combinations fn(...fn(fn(e0, e1), e2)..., ei) along `axis`, for an associative
    `fn` on pytrees of arrays (lax.associative_scan)."""
    leaves, tree = tree_flatten(elems)
    leaves = [to_array(x) for x in leaves]
    if not leaves:
        return elems
    ndim = leaves[0].aval.ndim
    if not -ndim <= axis < ndim:
        raise user_error(ValueError, f"associative_scan axis {axis} is out of bounds for arrays of rank {ndim}")
    axis %= ndim
    sizes = [x.aval.shape[axis] if x.aval.ndim > axis else None for x in leaves]
    if len(set(sizes)) > 1:
        raise user_error(ValueError, "Array inputs to associative_scan must have the same first dimension. "
                         f"(saw: {[x.aval.shape for x in leaves]})")
    if reverse:
        leaves = [lax.rev(x, (axis,)) for x in leaves]

    def combine(a: list, b: list) -> list:
        out, out_tree = tree_flatten(fn(tree_unflatten(tree, a), tree_unflatten(tree, b)))
        if out_tree != tree:
            raise user_error(TypeError, f"associative_scan: fn must return the structure of its inputs, "
                             f"{tree}, got {out_tree}")
        return [to_array(x) for x in out]

    def prefix(xs: list) -> list:
        n = xs[0].aval.shape[axis]
        if n < 2:
            return xs
        odd = prefix(combine([take(x, 0, n - 1, 2, axis) for x in xs], [take(x, 1, n, 2, axis) for x in xs]))
        rest = [take(x, 2, n, 2, axis) for x in xs]  # the even elements after the first
        if n % 2 == 0:
            even = combine([take(o, 0, o.aval.shape[axis] - 1, 1, axis) for o in odd], rest)
        else:
            even = combine(odd, rest)
        even = [lax.concatenate([take(x, 0, 1, 1, axis), e], axis) for x, e in zip(xs, even)]
        return [_interleave(e, o, axis) for e, o in zip(even, odd)]

    out = prefix(leaves)
    if reverse:
        out = [lax.rev(x, (axis,)) for x in out]
    return tree_unflatten(tree, out)


__all__ = ["associative_scan", "select_n", "take"]
