"""Spec rows of the reduction family.

Shapes include 0-d operands (reduced over no axes) and size-1 dims; axes are a
random subset in random order. Size-0 dims (a reduction over nothing gives the
identity) are not drawn yet: the CPU pipeline cannot pass zero-size memrefs.
Where the op orders values (max/min, argmax/argmin, cummax/cummin) operands
get ties, the dtype's extremes (+-inf, integer min/max: the identities of the
reductions) and NaNs.

Tolerances: integer results are compared exactly. The compiled float sums
accumulate sequentially while numpy sums pairwise; for at most 625 elements
of magnitude <= 3 the float32 difference measured up to ~1e-4 (about
eps * sum|x|), hence atol 3e-4 in the float32 rows; float64 gets the same
bound scaled by its eps. Products stay small (few elements, |x| <= 1.5).
"""
import numpy as np
from hypothesis import strategies as st

from .base import OpCase, random_array

EXACT_INTS = ["int8", "int32", "int64", "uint32"]
ORDERED = ["float16", "float32", "float64", "bool"] + EXACT_INTS  # bool max/min: any/all


def _special(kind: str, dtype: np.dtype):
    """'nan' (floats only), 'lo' and 'hi': the extremes of the dtype."""
    if dtype.kind == "f":
        return {"nan": np.nan, "lo": -np.inf, "hi": np.inf}[kind]
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return {"nan": None, "lo": info.min, "hi": info.max}[kind]
    return None


def _array(shape, dtype, seed, low=-3.0, high=3.0, ties=False, specials=()):
    """A random array; `ties` repeats values, `specials` are planted at random places."""
    x = random_array(seed, shape, dtype, low, high)
    if ties and x.dtype.kind == "f":
        x = np.round(x)
    elif ties and x.dtype.kind in "iu":
        x = (x % 5 - (2 if x.dtype.kind == "i" else 0)).astype(dtype)
    rng = np.random.default_rng(seed + 1)
    for kind in specials if x.size else ():
        value = _special(kind, x.dtype)
        if value is not None:
            x.reshape(-1)[rng.integers(0, x.size)] = value
    return x


@st.composite
def _operand(draw, dtypes, *, min_rank=0, max_rank=4, max_dim=5, low=-3.0, high=3.0,
             specials=False):
    """One array and a random subset of its axes, in random order.

    `specials` asks for ties, the dtype's extremes and, in floats, NaN. No
    size-0 dims: the CPU pipeline cannot pass zero-size memrefs yet."""
    shape = draw(st.lists(st.integers(1, max_dim), min_size=min_rank, max_size=max_rank))
    axes = draw(st.permutations(range(len(shape))))[:draw(st.integers(min(min_rank, 1), len(shape)))]
    chosen = draw(st.lists(st.sampled_from(["nan", "lo", "hi"]), max_size=3)) if specials else ()
    x = _array(tuple(shape), draw(st.sampled_from(dtypes)), draw(st.integers(0, 2**31)), low, high,
               ties=specials, specials=chosen)
    return x, tuple(axes)


@st.composite
def reduce_case(draw, dtypes, **kw):
    x, axes = draw(_operand(dtypes, **kw))
    return [x], {"axes": axes}, None


@st.composite
def arg_case(draw, dtypes):
    x, axes = draw(_operand(dtypes, min_rank=1, specials=True))
    return [x], {"axis": axes[0], "index_dtype": draw(st.sampled_from(["int32", "int64"]))}, None


@st.composite
def cum_case(draw, dtypes, **kw):
    x, axes = draw(_operand(dtypes, min_rank=1, **kw))
    return [x], {"axis": axes[0], "reverse": draw(st.integers(0, 1))}, None


F32 = dict(rtol=1e-5, atol=3e-4)
F64 = dict(rtol=1e-12, atol=1e-11)
SMALL = dict(max_rank=3, max_dim=4, low=-1.5, high=1.5)  # products that stay finite

CASES = {
    "reduce_sum": OpCase(reduce_case(["float64", "complex128"] + EXACT_INTS), **F64, max_examples=20),
    "reduce_sum_f32": OpCase(reduce_case(["float32", "complex64"]), **F32, max_examples=12,
                             extra={"op": "reduce_sum"}),
    "reduce_prod": OpCase(reduce_case(["float64", "complex128"] + EXACT_INTS, **SMALL), **F64,
                          max_examples=20),
    "reduce_prod_f32": OpCase(reduce_case(["float32", "complex64"], **SMALL), rtol=1e-4, atol=1e-6,
                              max_examples=12, extra={"op": "reduce_prod"}),
    "reduce_max": OpCase(reduce_case(ORDERED, specials=True), max_examples=25),
    "reduce_min": OpCase(reduce_case(ORDERED, specials=True), max_examples=25),
    "argmax": OpCase(arg_case(ORDERED), max_examples=25),
    "argmin": OpCase(arg_case(ORDERED), max_examples=25),
    # numpy accumulates sequentially in the same order: float32 agrees closely
    "cumsum": OpCase(cum_case(["float32", "float64", "complex64", "complex128"] + EXACT_INTS),
                     max_examples=20),
    "cumprod": OpCase(cum_case(["float32", "float64", "complex64", "complex128"] + EXACT_INTS, **SMALL),
                      max_examples=15),
    "cummax": OpCase(cum_case(ORDERED, specials=True), max_examples=15),
    "cummin": OpCase(cum_case(ORDERED, specials=True), max_examples=15),
}
