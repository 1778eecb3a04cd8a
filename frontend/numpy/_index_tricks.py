"""jnp.r_ and jnp.c_ (numpy's index tricks: slices become ranges, arrays and scalars are
concatenated, a leading string sets axis/ndmin/transpose position), and the stacking
helpers column_stack and dstack built on them."""
from __future__ import annotations

from ..errors import user_error
from ._arrange import atleast_3d
from ._core import as_value, operand
from ._creation import arange, array, linspace
from ._shapes import concatenate, reshape, transpose


def _from_slice(s):
    start = 0 if s.start is None else s.start
    step = 1 if s.step is None else s.step
    if isinstance(step, complex):
        return linspace(start, s.stop, int(abs(step)), endpoint=True)
    return arange(start, s.stop, step)


def _ndmin(a, ndmin, trans1d):
    nd = a.aval.ndim
    if nd >= ndmin:
        return a
    a = reshape(a, a.aval.shape + (1,) * (ndmin - nd))
    if trans1d < 0:
        trans1d += ndmin
    # numpy: the original dims go to position trans1d, the new ones fill around them
    order = list(range(ndmin))
    k0 = order[nd:]
    order = order[:nd]
    order = k0[:trans1d] + order + k0[trans1d:] if trans1d <= len(k0) else order + k0
    return transpose(a, tuple(order))


class _AxisConcatenator:
    def __init__(self, axis, ndmin, trans1d, name):
        self.axis, self.ndmin, self.trans1d, self.name = axis, ndmin, trans1d, name

    def __getitem__(self, key):
        items = key if isinstance(key, tuple) else (key,)
        axis, ndmin, trans1d = self.axis, self.ndmin, self.trans1d
        if items and isinstance(items[0], str):
            directive, items = items[0], items[1:]
            if directive in ("r", "c"):
                raise user_error(NotImplementedError, f"{self.name}: matrix directives are not supported")
            try:
                parts = [int(p) for p in directive.split(",")]
            except ValueError:
                raise user_error(ValueError, f"could not understand directive {directive!r}") from None
            axis = parts[0]
            if len(parts) > 1:
                ndmin = parts[1]
            if len(parts) > 2:
                trans1d = parts[2]
        arrays = []
        for it in items:
            if isinstance(it, slice):
                a = _from_slice(it)
            elif isinstance(it, str):
                raise user_error(ValueError, "string directive must be placed at the beginning")
            else:
                a = as_value(operand(array(it) if isinstance(it, (list, tuple)) else it))
            arrays.append(_ndmin(reshape(a, (1,)) if a.aval.ndim == 0 else a, ndmin, trans1d))
        return concatenate(arrays, axis=axis)

    def __len__(self):
        return 0


r_ = _AxisConcatenator(0, 1, -1, "r_")
c_ = _AxisConcatenator(-1, 2, 0, "c_")


def column_stack(tup):
    arrs = []
    for a in tup:
        a = as_value(operand(a))
        arrs.append(reshape(a, (-1, 1)) if a.aval.ndim < 2 else a)
    return concatenate(arrs, axis=1)


def dstack(tup, dtype=None):
    arrs = [atleast_3d(a) for a in tup]
    out = concatenate(arrs, axis=2)
    return out if dtype is None else out.astype(dtype)
