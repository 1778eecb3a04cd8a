"""Spec rows of the convolution and windowed-reduction families."""
import numpy as np
from hypothesis import strategies as st

from .base import FLOAT_DTYPES, INT_DTYPES, OpCase, random_array

CONV_DTYPES = FLOAT_DTYPES + INT_DTYPES + ["complex64"]


@st.composite
def conv_case(draw, groups: str = "none"):
    """Random layouts (any order of batch, feature and spatial dims), strides, padding (negative too),
    dilations and group counts of 1-3 spatial dimensions."""
    dtype = draw(st.sampled_from(CONV_DTYPES))
    n = draw(st.integers(1, 3))
    rank = n + 2
    fg = draw(st.integers(2, 3)) if groups == "feature" else 1
    bg = draw(st.integers(2, 3)) if groups == "batch" else 1
    batch = bg * draw(st.integers(1, 2))
    cin = draw(st.integers(1, 2))
    cout = fg * bg * draw(st.integers(1, 2))
    window = [draw(st.integers(1, 3)) for _ in range(n)]
    strides = [draw(st.integers(1, 2)) for _ in range(n)]
    lhs_dil = [draw(st.integers(1, 2)) for _ in range(n)]
    rhs_dil = [draw(st.integers(1, 2)) for _ in range(n)]
    spatial = [draw(st.integers(1, 5)) for _ in range(n)]
    pads = []
    for d, w, ld, rd in zip(spatial, window, lhs_dil, rhs_dil):
        lo, hi = draw(st.integers(-1, 2)), draw(st.integers(-1, 2))
        size = 1 + ld * (d - 1) + lo + hi
        need = 1 + rd * (w - 1)
        if size < need:  # at least one output element
            hi += need - size
        pads.append((lo, hi))
    specs = [tuple(draw(st.permutations(range(rank)))) for _ in range(3)]
    lhs_shape, rhs_shape = [0] * rank, [0] * rank
    ls, rs = specs[0], specs[1]
    lhs_shape[ls[0]], lhs_shape[ls[1]] = batch, cin * fg
    rhs_shape[rs[0]], rhs_shape[rs[1]] = cout, cin
    for i in range(n):
        lhs_shape[ls[2 + i]], rhs_shape[rs[2 + i]] = spatial[i], window[i]
    seed = draw(st.integers(0, 2**31))
    arrays = [random_array(seed, tuple(lhs_shape), dtype), random_array(seed + 1, tuple(rhs_shape), dtype)]
    attrs = dict(window_strides=tuple(strides), padding_low=tuple(p[0] for p in pads),
                 padding_high=tuple(p[1] for p in pads), lhs_dilation=tuple(lhs_dil), rhs_dilation=tuple(rhs_dil),
                 lhs_spec=specs[0], rhs_spec=specs[1], out_spec=specs[2], feature_group_count=fg,
                 batch_group_count=bg)
    return arrays, attrs, None


@st.composite
def window_case(draw, dtypes, ties: bool = False):
    """An operand of rank 1-3 with random windows, strides, padding (negative too) and dilations;
    `ties` draws from few values so windows hold equal extrema."""
    dtype = draw(st.sampled_from(dtypes))
    rank = draw(st.integers(1, 3))
    shape = tuple(draw(st.integers(1, 5)) for _ in range(rank))
    window = tuple(draw(st.integers(1, 3)) for _ in range(rank))
    strides = tuple(draw(st.integers(1, 3)) for _ in range(rank))
    base = tuple(draw(st.integers(1, 2)) for _ in range(rank))
    wdil = tuple(draw(st.integers(1, 2)) for _ in range(rank))
    pads = []
    for d, w, b, wd in zip(shape, window, base, wdil):
        lo, hi = draw(st.integers(-1, 2)), draw(st.integers(-1, 2))
        size, need = 1 + b * (d - 1) + lo + hi, 1 + wd * (w - 1)
        pads.append((lo, hi + max(0, need - size)))
    seed = draw(st.integers(0, 2**31))
    x = random_array(seed, shape, dtype)
    if ties:
        x = np.round(x).astype(dtype)
    attrs = dict(window_dimensions=window, window_strides=strides, padding_low=tuple(p[0] for p in pads),
                 padding_high=tuple(p[1] for p in pads), base_dilation=base, window_dilation=wdil)
    return [x], attrs, None


CASES = {
    "conv_general_dilated": OpCase(conv_case(), max_examples=12, rtol=1e-4, atol=1e-4),
    "conv_general_dilated_feature_groups": OpCase(conv_case("feature"), rtol=1e-4, atol=1e-4,
                                                  extra={"op": "conv_general_dilated"}),
    "conv_general_dilated_batch_groups": OpCase(conv_case("batch"), rtol=1e-4, atol=1e-4,
                                                extra={"op": "conv_general_dilated"}),
    "reduce_window_sum": OpCase(window_case(FLOAT_DTYPES + INT_DTYPES), max_examples=10),
    "reduce_window_max": OpCase(window_case(FLOAT_DTYPES + INT_DTYPES), max_examples=10),
    "reduce_window_min": OpCase(window_case(FLOAT_DTYPES + INT_DTYPES), max_examples=10),
    "reduce_window_max_ties": OpCase(window_case(["float32"], ties=True), extra={"op": "reduce_window_max"}),
}
