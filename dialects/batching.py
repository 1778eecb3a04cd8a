"""Registrars and helpers for batching (vmap) rules.

A batched value is an `ir.Value` plus its batch dimension: an int, or `None`
when the value is the same for every batch member (unbatched). Rules never
see unbatched-only inputs: an op none of whose operands is batched is copied
as is by pb-vmap.

Batching rule: rule(args, dims, size, **attrs) -> (outs, out_dims)
  `args` are the batched operands, `dims[i]` the batch dimension of args[i]
  (None: unbatched), `size` the batch size. Rules move batch dimensions
  rather than copy data, use an op's own batch dimensions where it has them
  (dot_general, gather), and leave unbatched operands unbatched where the op
  allows it. They emit only pb ops, so batched code can be transformed again.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from mlir import ir

from .emit import emit
from .pb import pb, spec
from .registry import BATCH


def move_axis(v: ir.Value, src: int, dst: int) -> ir.Value:
    """v with dimension `src` moved to position `dst` (a pb.transpose, or v itself)."""
    if src == dst:
        return v
    order = [d for d in range(spec(v).ndim) if d != src]
    order.insert(dst, src)
    return pb.transpose(v, permutation=tuple(order))


def broadcast_batch(v: ir.Value, size: int, at: int = 0) -> ir.Value:
    """An unbatched v made batched at `at`: the same value for each of `size` members."""
    s = spec(v)
    shape = s.shape[:at] + (size,) + s.shape[at:]
    dims = tuple(d if d < at else d + 1 for d in range(s.ndim))
    return pb.broadcast_in_dim(v, shape=shape, broadcast_dimensions=dims)


def to_front(v: ir.Value, dim: int | None, size: int) -> ir.Value:
    """v batched at dimension 0, broadcasting it if it is unbatched."""
    return broadcast_batch(v, size, 0) if dim is None else move_axis(v, dim, 0)


def batched_dim(d: int | None, axis: int) -> int:
    """Position of unbatched dimension `axis` in a value batched at `d`."""
    return axis if d is None or axis < d else axis + 1


def reemit(name: str, args: Sequence[ir.Value], attrs: dict) -> list:
    return emit(name, list(args), attrs, loc=ir.Location.current)


def elementwise_rule(name: str):
    """Operands of one shape: batched ones aligned on one dimension, unbatched ones broadcast.

    A shared batch dimension is kept (no transposes); mixed ones move to 0."""
    def rule(args, dims, size, **attrs):
        batched = {d for d in dims if d is not None}
        d = batched.pop() if len(batched) == 1 else 0
        aligned = [broadcast_batch(a, size, d) if ad is None else move_axis(a, ad, d)
                   for a, ad in zip(args, dims)]
        outs = reemit(name, aligned, attrs)
        return outs, [d] * len(outs)
    return rule


def defbatch(name: str, rule) -> None:
    BATCH[name] = rule


def defelementwise_batch(name: str) -> None:
    BATCH[name] = elementwise_rule(name)


def defunbatched(*names: str) -> None:
    """Operand-free ops (constant, iota): their value is the same for every batch member.

    pb-vmap copies them as they are (no operand is batched); the rule says the same,
    so every op of the table has a batching rule."""
    for name in names:
        def rule(args, dims, size, _name=name, **attrs):
            outs = reemit(_name, args, attrs)
            return outs, [None] * len(outs)
        BATCH[name] = rule


# ---- small helpers for rules that rewrite dimension attributes ---------------

def shift_dims(dims: Sequence[int], d: int | None) -> tuple:
    """Unbatched dimension numbers as dimensions of a value batched at `d`."""
    return tuple(batched_dim(d, a) for a in dims)


def insert_at(seq: Sequence, pos: int, item) -> tuple:
    seq = tuple(seq)
    return seq[:pos] + (item,) + seq[pos:]


def insertion_range(positions: Sequence[int], k: int, rank: int) -> tuple[int, int]:
    """Where a new dimension can go in a value of `rank` + 1 dimensions so that it becomes
    the k-th member of the (sorted) set `positions`: any p in [lo, hi] (the old positions
    >= p move up by one)."""
    lo = positions[k - 1] + 1 if k > 0 else 0
    hi = positions[k] if k < len(positions) else rank
    return lo, hi


def place(v: ir.Value, d: int | None, lo: int, hi: int, size: int) -> tuple[ir.Value, int]:
    """v batched somewhere in [lo, hi]: kept where it is if it already is, else moved
    (or broadcast) to `hi`. Returns (value, its batch dimension)."""
    if d is not None and lo <= d <= hi:
        return v, d
    return (broadcast_batch(v, size, hi) if d is None else move_axis(v, d, hi)), hi


def index_dtype_for(dtype: str, size: int) -> str:
    """An integer dtype that holds `dtype`'s values and the batch positions 0..size-1.

    Used where a batch index joins an index vector (the iota of gather/scatter
    batching): int8 indices with a batch of 200 become int32."""
    if np.iinfo(dtype).max >= size - 1:
        return dtype
    int32_max = np.iinfo("int32").max
    return "int32" if size - 1 <= int32_max and np.iinfo(dtype).max <= int32_max else "int64"


def concatenate(values: Sequence[ir.Value], dimension: int) -> ir.Value:
    """Join values along `dimension` (pb.concatenate is binary)."""
    out = values[0]
    for v in values[1:]:
        out = pb.concatenate(out, v, dimension=dimension)
    return out


__all__ = ["BATCH", "batched_dim", "broadcast_batch", "concatenate", "defbatch", "defelementwise_batch",
           "defunbatched", "elementwise_rule", "index_dtype_for", "insert_at", "insertion_range", "move_axis",
           "place", "reemit", "shift_dims", "to_front"]
