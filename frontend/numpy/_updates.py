"""x.at[idx]: JAX's out-of-place indexed updates (get, set, add, multiply, divide, power, min, max, apply).

Every method reduces to one scatter into x's flat positions: the positions an
index touches are x's own flat indices read through the same index
(`getitem` of an iota), so every numpy index form (slices, masks, advanced
indices, broadcasting) works unchanged, and the scatter combines the updates
in: set keeps one of the values where positions repeat (never their sum),
add/multiply/min/max combine all of them, apply applies its function once per
update. No dense one-hot matrix is built anywhere: the cost is that of the
index plus one loop over the updates.

Modes are JAX's: None, "drop", "fill" and "promise_in_bounds" drop an update
whose index is out of bounds (the positions read the gather's fill value,
int32's minimum, which the scatter skips); "clip" clamps the index. `get`
defaults to x[idx] (indices clamp); its "fill" mode gives `fill_value` (or
the dtype's default fill: NaN, the integer minimum...) out of bounds.
`indices_are_sorted` and `unique_indices` are accepted as hints.
"""
from __future__ import annotations

import numpy as np

from .. import lax
from ..core import Literal
from ..errors import user_error
from ..lax._scatter import GatherScatterMode, scatter_mode
from ._core import as_value, broadcast_to_shape, operand
from .indexing import getitem
from ._arithmetic import divide, power
from ._creation import ones_like

_DIMS = dict(update_window_dims=(), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,))


def _mode(mode) -> GatherScatterMode:
    try:
        return GatherScatterMode.from_any(mode)
    except ValueError as e:
        raise user_error(ValueError, str(e)) from None


def _positions(x, idx, mode):
    """The flat positions of x that idx reaches, in the shape of x[idx]; out-of-bounds ones are
    negative (mode "fill"), or clamped (mode "clip")."""
    size = int(np.prod(x.aval.shape, dtype=np.int64))
    dtype = "int32" if size < 2**31 else "int64"
    flat_pos = lax.reshape(lax.iota(dtype, size), x.aval.shape)
    return getitem(flat_pos, idx, mode="clip" if scatter_mode(mode) == "clip" else "fill")


def _values(x, values, shape):
    vals = operand(values)
    if isinstance(vals, Literal):
        vals = Literal(vals.value, x.aval.dtype, x.aval.weak)
    else:
        vals = lax.convert_element_type(as_value(vals), x.aval.dtype, weak_type=x.aval.weak)
    return broadcast_to_shape(vals, shape)  # a scalar stays a constant, not an argument


def _scatter(x, idx, values, scatter, mode, func=None):
    """x with the values scattered in at idx by `scatter` (a lax scatter; lax.scatter_apply with func)."""
    _mode(mode)
    x = as_value(operand(x))
    pos = _positions(x, idx, mode)
    size = int(np.prod(x.aval.shape, dtype=np.int64))
    n = int(np.prod(pos.aval.shape, dtype=np.int64))
    flat_x, pos1 = lax.reshape(x, (size,)), lax.reshape(pos, (n, 1))
    if func is not None:
        out = lax.scatter_apply(flat_x, pos1, func, update_shape=(n,), mode="drop", **_DIMS)
    else:
        vals = lax.reshape(as_value(_values(x, values, pos.aval.shape)), (n,))
        out = scatter(flat_x, pos1, vals, mode="drop", **_DIMS)
    return lax.reshape(out, x.aval.shape)


def _get(x, idx, mode, fill_value):
    m = _mode(mode)
    if m is not GatherScatterMode.FILL_OR_DROP or mode is None:
        return getitem(x, idx)  # clip and promise_in_bounds clamp, as x[idx]
    out = getitem(x, idx, mode="fill")
    if fill_value is None:
        return out
    x = as_value(operand(x))
    inside = lax.ge(_positions(x, idx, "fill"), 0)
    fill = lax.full(out.aval.shape, fill_value, out.aval.dtype)
    return lax.select(inside, out, fill)


class AtIndexer:
    def __init__(self, x):
        self.x = x

    def __getitem__(self, idx):
        return _AtRef(self.x, idx)


class _AtRef:
    """x.at[idx]; each method takes JAX's keywords (indices_are_sorted and unique_indices are hints)."""

    def __init__(self, x, idx):
        self.x, self.idx = x, idx

    def get(self, *, indices_are_sorted=False, unique_indices=False, mode=None, fill_value=None,
            out_sharding=None):
        return _get(self.x, self.idx, mode, fill_value)

    def set(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None, out_sharding=None):
        return _scatter(self.x, self.idx, values, lax.scatter, mode)

    def add(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        return _scatter(self.x, self.idx, values, lax.scatter_add, mode)

    def multiply(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        return _scatter(self.x, self.idx, values, lax.scatter_mul, mode)

    mul = multiply

    def divide(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """x / (ones with the values multiplied in), as JAX (so integer x gives floats)."""
        return divide(self.x, _scatter(ones_like(self.x), self.idx, values, lax.scatter_mul, mode))

    def power(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        return power(self.x, _scatter(ones_like(self.x), self.idx, values, lax.scatter_mul, mode))

    def min(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        return _scatter(self.x, self.idx, values, lax.scatter_min, mode)

    def max(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        return _scatter(self.x, self.idx, values, lax.scatter_max, mode)

    def apply(self, func, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """func applied to x's elements at idx, once per time idx names them."""
        return _scatter(self.x, self.idx, None, None, mode, func=func)
