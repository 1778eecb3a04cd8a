"""lax's scatters and gather modes, with JAX's signatures: scatter, scatter_add, scatter_mul, scatter_min,
scatter_max, scatter_apply, ScatterDimensionNumbers and GatherScatterMode.

Each scatter takes JAX's `dimension_numbers` (a ScatterDimensionNumbers, or
anything with its three fields) or, as pullback always allowed, the three
fields as keywords. JAX's modes map onto the pb op's two: "clip" clamps the
window starts; None, "drop", "fill" and "promise_in_bounds" skip a window that
does not fit (what XLA's CPU scatter does for promised indices too). JAX's
batching dims (operand_batching_dims, ...) are not supported: they must be empty.

scatter_apply has no pb op of its own: `func` is applied (through vmap, one
element at a time, as XLA applies an update computation) to the whole operand
once per round, and a round keeps it only where an update reaches the element at
least that many times, so repeated indices apply it repeatedly, as XLA's CPU
scatter does.
"""
from __future__ import annotations

import enum
from typing import NamedTuple, Sequence

import numpy as np

from ..core import bind1, is_array
from ..tracing import to_array
from ..values import Tracer
from . import _operands
from .. import lax
from ..batching import vmap


class ScatterDimensionNumbers(NamedTuple):
    update_window_dims: Sequence[int]
    inserted_window_dims: Sequence[int]
    scatter_dims_to_operand_dims: Sequence[int]
    operand_batching_dims: Sequence[int] = ()
    scatter_indices_batching_dims: Sequence[int] = ()


class GatherDimensionNumbers(NamedTuple):
    offset_dims: tuple
    collapsed_slice_dims: tuple
    start_index_map: tuple
    operand_batching_dims: tuple = ()
    start_indices_batching_dims: tuple = ()


class GatherScatterMode(enum.Enum):
    CLIP = "clip"
    FILL_OR_DROP = "fill"
    PROMISE_IN_BOUNDS = "promise_in_bounds"

    @staticmethod
    def from_any(s) -> "GatherScatterMode":
        if isinstance(s, GatherScatterMode):
            return s
        if s == "clip":
            return GatherScatterMode.CLIP
        if s is None or s in ("fill", "drop"):
            return GatherScatterMode.FILL_OR_DROP
        if s == "promise_in_bounds":
            return GatherScatterMode.PROMISE_IN_BOUNDS
        raise ValueError(f'Unknown gather mode "{s}"')


def scatter_mode(mode) -> str:
    """The pb scatter mode of a JAX mode."""
    return "clip" if GatherScatterMode.from_any(mode) is GatherScatterMode.CLIP else "drop"


def gather_mode(mode, default: str = "clip") -> str:
    """The pb gather mode of a JAX mode (pb's own "fill"/"fill_zero" pass through)."""
    if mode in ("fill_zero",):
        return mode
    if mode is None:
        return default
    m = GatherScatterMode.from_any(mode)
    return "fill" if m is GatherScatterMode.FILL_OR_DROP else "clip"


def _dims(dimension_numbers, update_window_dims, inserted_window_dims, scatter_dims_to_operand_dims) -> dict:
    if dimension_numbers is not None:
        dn = dimension_numbers
        if tuple(getattr(dn, "operand_batching_dims", ())) or tuple(getattr(dn, "scatter_indices_batching_dims",
                                                                             ())):
            raise NotImplementedError("scatter batching dims (operand_batching_dims, "
                                      "scatter_indices_batching_dims) are not supported")
        update_window_dims, inserted_window_dims, scatter_dims_to_operand_dims = (
            dn.update_window_dims, dn.inserted_window_dims, dn.scatter_dims_to_operand_dims)
    if None in (update_window_dims, inserted_window_dims, scatter_dims_to_operand_dims):
        raise TypeError("scatter needs dimension_numbers (or update_window_dims, inserted_window_dims and "
                        "scatter_dims_to_operand_dims)")
    return {"update_window_dims": tuple(int(d) for d in update_window_dims),
            "inserted_window_dims": tuple(int(d) for d in inserted_window_dims),
            "scatter_dims_to_operand_dims": tuple(int(d) for d in scatter_dims_to_operand_dims)}


def _scatter_fn(name: str, doc: str):
    def fn(operand, scatter_indices, updates, dimension_numbers=None, *, indices_are_sorted=False,
           unique_indices=False, mode=None, update_window_dims=None, inserted_window_dims=None,
           scatter_dims_to_operand_dims=None):
        attrs = _dims(dimension_numbers, update_window_dims, inserted_window_dims, scatter_dims_to_operand_dims)
        operand, updates = _operands(operand, updates)
        return bind1(name, [operand, to_array(scatter_indices), updates], {**attrs, "mode": scatter_mode(mode)},
                     weak=operand.aval.weak)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


scatter = _scatter_fn("scatter", "Write the updates' windows into operand; where indices repeat, the last "
                      "update wins.")
scatter_add = _scatter_fn("scatter_add", "Add the updates' windows into operand (repeated indices add up).")


def scatter_sub(operand, scatter_indices, updates, dimension_numbers=None, **kwargs):
    """Subtract the updates' windows from operand (repeated indices subtract each): scatter_add
    of the negated updates, which is the same sum, also for wrapping integer types."""
    (updates,) = _operands(updates)
    return scatter_add(operand, scatter_indices, lax.neg(updates), dimension_numbers, **kwargs)


scatter_mul = _scatter_fn("scatter_mul", "Multiply operand's windows by the updates (repeated indices "
                          "multiply in each).")
scatter_min = _scatter_fn("scatter_min", "Minimum of operand's windows and the updates.")
scatter_max = _scatter_fn("scatter_max", "Maximum of operand's windows and the updates.")


def scatter_apply(operand, scatter_indices, func, dimension_numbers=None, *, update_shape=(),
                  indices_are_sorted=False, unique_indices=False, mode=None, update_window_dims=None,
                  inserted_window_dims=None, scatter_dims_to_operand_dims=None):
    """func applied to each element of operand that the scatter reaches, once per update reaching it."""
    attrs = _dims(dimension_numbers, update_window_dims, inserted_window_dims, scatter_dims_to_operand_dims)
    operand = operand if is_array(operand) else to_array(np.asarray(operand))
    shape = operand.aval.shape
    hits = bind1("scatter_add", [lax.full(shape, 0, "int32"), to_array(scatter_indices),
                                 lax.full(tuple(update_shape), 1, "int32")],
                 {**attrs, "mode": scatter_mode(mode)}, weak=False)
    size = int(np.prod(shape, dtype=np.int64))
    flat_func = vmap(func)

    def once(x):
        y = lax.reshape(flat_func(lax.reshape(x, (size,))), shape)
        if y.aval.dtype != x.aval.dtype:
            y = lax.convert_element_type(y, x.aval.dtype)
        return y

    def round_(r, x):
        return lax.select(lax.gt(hits, lax.full(shape, r, "int32")), once(x), x)

    if size == 0:
        return operand
    if not isinstance(hits, Tracer):  # concrete indices: as many rounds as the most repeated element needs
        for r in range(int(np.asarray(hits).max(initial=0))):
            operand = round_(r, operand)
        return operand
    rounds = lax.reduce_max(lax.reshape(hits, (size,)), (0,))
    return lax.fori_loop(0, rounds, round_, operand)

