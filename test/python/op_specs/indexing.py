"""Spec rows of the indexing family: gather, scatter, scatter_add, scatter_mul/min/max.

Index values are drawn a little past both ends of the valid range (for
signed index dtypes) so that clamping, filling and dropping are exercised.
Shapes are small, so scatter indices repeat often: duplicates must
accumulate (scatter_add) or leave the last update (scatter).
"""
import numpy as np
from hypothesis import strategies as st

from .base import COMPLEX_DTYPES, FLOAT_DTYPES, INT_DTYPES, OpCase, random_array

GATHER_DTYPES = FLOAT_DTYPES + ["float16"] + INT_DTYPES + ["uint32", "bool"] + COMPLEX_DTYPES
SCATTER_DTYPES = FLOAT_DTYPES + INT_DTYPES + ["uint32"] + COMPLEX_DTYPES
SCATTER_SET_DTYPES = SCATTER_DTYPES + ["float16", "bool"]
SCATTER_ORDERED_DTYPES = FLOAT_DTYPES + INT_DTYPES + ["uint32", "float16", "bool"]
INDEX_DTYPES = ["int8", "int32", "int64", "uint32"]

size = st.integers(1, 4)
batch_shapes = st.lists(st.integers(1, 3), max_size=2).map(tuple)


def index_array(seed: int, batch, highs, dtype: str) -> np.ndarray:
    """Indices of shape batch + (len(highs),); column k nominally in [0, highs[k]], with strays."""
    rng = np.random.default_rng(seed)
    lo = 0 if dtype == "uint32" else -2
    cols = [rng.integers(lo, hi + 3, batch) for hi in highs]
    return np.stack(cols, axis=-1).astype(dtype) if cols else np.zeros(batch + (0,), dtype)


@st.composite
def _common(draw, dtypes, modes):
    return (draw(st.sampled_from(dtypes)), draw(st.sampled_from(INDEX_DTYPES)),
            draw(st.integers(0, 2**31)), draw(st.sampled_from(modes)))


def _pick(draw, items, n):
    return tuple(draw(st.permutations(list(items)))[:n])


@st.composite
def gather_case(draw, pattern: str = "random"):
    dtype, idx_dtype, seed, mode = draw(_common(GATHER_DTYPES, ["clip", "fill", "fill_zero"]))
    batch = draw(batch_shapes)
    if pattern == "random":
        rank = draw(st.integers(1, 3))
        shape = tuple(draw(size) for _ in range(rank))
        smap = _pick(draw, range(rank), draw(st.integers(1, rank)))
        collapsed = tuple(sorted(draw(st.sets(st.sampled_from(range(rank))))))
        sizes = tuple(1 if d in collapsed else draw(st.integers(1, shape[d])) for d in range(rank))
        out_rank = len(batch) + rank - len(collapsed)
        offset = tuple(sorted(_pick(draw, range(out_rank), rank - len(collapsed))))
    else:
        # jnp patterns: x[i] (no batch), x[idx_array] (axis 0), x[i_arr, j_arr] (axes 0 and 1)
        nidx = 2 if pattern == "2d" else 1
        if pattern == "scalar":
            batch = ()
        rest = tuple(draw(size) for _ in range(draw(st.integers(0, 2))))
        shape = tuple(draw(size) for _ in range(nidx)) + rest
        smap = collapsed = tuple(range(nidx))
        sizes = (1,) * nidx + rest
        offset = tuple(range(len(batch), len(batch) + len(rest)))
    operand = random_array(seed, shape, dtype)
    idx = index_array(seed + 1, batch, [shape[d] - sizes[d] for d in smap], idx_dtype)
    attrs = dict(offset_dims=offset, collapsed_slice_dims=collapsed, start_index_map=smap,
                 slice_sizes=sizes, mode=mode)
    return [operand, idx], attrs, None


@st.composite
def scatter_case(draw, pattern: str = "random", dtypes=tuple(SCATTER_DTYPES)):
    dtype, idx_dtype, seed, mode = draw(_common(list(dtypes), ["clip", "drop"]))
    batch = draw(batch_shapes)
    if pattern == "random":
        rank = draw(st.integers(1, 3))
        shape = tuple(draw(size) for _ in range(rank))
        inserted = tuple(sorted(draw(st.sets(st.sampled_from(range(rank))))))
        to_operand = _pick(draw, range(rank), draw(st.integers(1, rank)))
        window = [draw(st.integers(1, shape[d])) for d in range(rank) if d not in inserted]
        upd_rank = len(batch) + len(window)
        uwd = tuple(sorted(_pick(draw, range(upd_rank), len(window))))
    else:
        # x.at[idx].add(u) along axis 0: small axis, so the indices repeat
        rest = tuple(draw(size) for _ in range(draw(st.integers(0, 2))))
        shape = (draw(st.integers(1, 3)),) + rest
        inserted = to_operand = (0,)
        window = list(rest)
        uwd = tuple(range(len(batch), len(batch) + len(rest)))
        upd_rank = len(batch) + len(rest)
    sizes, batch_it = iter(window), iter(batch)
    upd_shape = tuple(next(sizes) if i in uwd else next(batch_it) for i in range(upd_rank))
    wsize = iter(window)
    wsize = [1 if d in inserted else next(wsize) for d in range(len(shape))]
    operand = random_array(seed, shape, dtype)
    idx = index_array(seed + 1, batch, [shape[d] - wsize[d] for d in to_operand], idx_dtype)
    updates = random_array(seed + 2, upd_shape, dtype)
    attrs = dict(update_window_dims=uwd, inserted_window_dims=inserted,
                 scatter_dims_to_operand_dims=to_operand, mode=mode)
    return [operand, idx, updates], attrs, None


CASES = {
    "gather": OpCase(gather_case(), max_examples=20),
    "gather_scalar_index": OpCase(gather_case("scalar"), extra={"op": "gather"}),
    "gather_take": OpCase(gather_case("take"), extra={"op": "gather"}),
    "gather_2d": OpCase(gather_case("2d"), extra={"op": "gather"}),
    "scatter_add": OpCase(scatter_case(), max_examples=20),
    "scatter_add_duplicates": OpCase(scatter_case("at_add"), extra={"op": "scatter_add"}),
    "scatter": OpCase(scatter_case(dtypes=SCATTER_SET_DTYPES), max_examples=20),
    "scatter_duplicates": OpCase(scatter_case("at_add", SCATTER_SET_DTYPES), extra={"op": "scatter"}),
    "scatter_mul": OpCase(scatter_case(), max_examples=20),
    "scatter_mul_duplicates": OpCase(scatter_case("at_add"), extra={"op": "scatter_mul"}),
    "scatter_min": OpCase(scatter_case(dtypes=SCATTER_ORDERED_DTYPES), max_examples=20),
    "scatter_min_duplicates": OpCase(scatter_case("at_add", SCATTER_ORDERED_DTYPES), extra={"op": "scatter_min"}),
    "scatter_max": OpCase(scatter_case(dtypes=SCATTER_ORDERED_DTYPES), max_examples=20),
    "scatter_max_duplicates": OpCase(scatter_case("at_add", SCATTER_ORDERED_DTYPES), extra={"op": "scatter_max"}),
}
