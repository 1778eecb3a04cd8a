"""Spec rows of the logical family: compare, select, bitwise ops, shifts, conversions.

Arrays mix random values with the edge values each op must get right (NaN,
infinities, signed zeros, values just inside and outside integer ranges,
subnormals, shift amounts at and beyond the bit width). bfloat16 arrays are
ml_dtypes.bfloat16, built here by cutting float32 bits.
"""
import numpy as np
from hypothesis import strategies as st

from pullback.dialects.types import numpy_dtype

from .base import OpCase, shapes

FLOATS = ["float16", "bfloat16", "float32", "float64"]
INTS = ["int8", "int32", "int64", "uint32"]
COMPLEX = ["complex64", "complex128"]
ALL = ["bool"] + INTS + FLOATS + COMPLEX
DIRECTIONS = ["EQ", "NE", "LT", "LE", "GT", "GE"]
# Conversions, selects and bitcasts are exact: no tolerance (0 would mean "default").
EXACT = {"rtol": 1e-300, "atol": 1e-300}

EDGE_FLOATS = [
    np.nan, np.inf, -np.inf, 0.0, -0.0, 0.5, -0.5, 0.999, -0.999, 1.5, -2.5,
    127.5, 128.0, -128.5, -129.0, 255.9, 65504.0, 65520.0, 1e5,
    2.0**31 - 128, 2.0**31, -2.0**31, -2.0**31 - 4096, 2.0**32, 3e9, -3e9,
    2.0**63, -2.0**63, 1e19, -1e19, 1e30, 3.5e38, -1e300, 1e300,
    1e-40, -1e-40, 1e-310, 6e-8,
    1 + 2.0**-11 + 2.0**-40,   # rounds differently to float16 through float32 (double rounding)
    1 + 2.0**-8 + 2.0**-30,    # the same for bfloat16 from float64
]


def bf16_bits(x) -> np.ndarray:
    """bfloat16 values with the float32 bits of x cut to the upper half (truncated)."""
    with np.errstate(over="ignore"):
        return (np.asarray(x, np.float32).view(np.uint32) >> 16).astype(np.uint16).view(numpy_dtype("bfloat16"))


def near_ties(rng, shape):
    """Values a hair off a midpoint between neighbouring float16 or bfloat16 values:
    rounding them twice (through float32) lands on the wrong neighbour."""
    exp = rng.integers(-24, 16, shape)
    mant = rng.choice([10, 7], shape)  # float16 or bfloat16 significand bits
    ulp = 2.0 ** (np.maximum(exp, -14) - mant)
    tie = np.floor(2.0 ** exp * rng.uniform(1, 2, shape) / ulp) * ulp + ulp / 2
    return tie * (1 + rng.choice([-1, 1], shape) * 2.0 ** -30) * rng.choice([-1, 1], shape)


def floats(rng, shape, dtype, edges=True):
    """Random signs and magnitudes over many decades, with edge values and near-ties mixed in."""
    mag = 10.0 ** rng.uniform(-3, 12, shape)
    x = np.where(rng.integers(0, 2, shape) == 1, mag, -mag)
    if edges:
        u = rng.uniform(size=shape)
        x = np.where(u < 0.35, np.take(EDGE_FLOATS, rng.integers(0, len(EDGE_FLOATS), shape)), x)
        x = np.where(u > 0.8, near_ties(rng, shape), x)
    if dtype == "bfloat16":
        return bf16_bits(x)
    with np.errstate(over="ignore"):
        return np.asarray(x).astype(dtype)


def host_array(rng, shape, dtype, edges=True):
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if dtype in INTS:
        info = np.iinfo(dtype)
        full = rng.integers(info.min, info.max, shape, endpoint=True, dtype=np.int64)
        small = rng.integers(-3, 4, shape) if dtype != "uint32" else rng.integers(0, 4, shape)
        extreme = rng.choice([info.min, info.max, 0], shape)
        which = rng.integers(0, 3, shape)
        return np.where(which == 0, full, np.where(which == 1, small, extreme)).astype(dtype)
    if dtype in COMPLEX:
        real = "float32" if dtype == "complex64" else "float64"
        out = np.zeros(shape, dtype)  # set parts: x + 1j*inf would turn the real part into NaN
        out.real, out.imag = floats(rng, shape, real, edges), floats(rng, shape, real, edges)
        return out
    return floats(rng, shape, dtype, edges)


rngs = st.integers(0, 2**31).map(np.random.default_rng)


def pick(rng, options):
    """Uniform choice (hypothesis' own sampling favours the first entries)."""
    return options[rng.integers(len(options))]


@st.composite
def operands(draw, dtypes, arity, attrs=None, pools=False):
    """(arrays, attrs, dtypes) for an elementwise op with same-dtype operands."""
    shape, rng = draw(shapes), draw(rngs)
    dtype = pick(rng, dtypes)
    make = comparable if pools else host_array
    arrays = [make(rng, shape, dtype) for _ in range(arity)]
    return arrays, draw(attrs) if attrs is not None else {}, [dtype] * arity


# ---- compare: few distinct values, so equal pairs are common -------------------

POOLS = {
    "bool": [False, True],
    "int8": [-128, -1, 0, 1, 127],
    "int32": [-2**31, -1, 0, 1, 2**31 - 1],
    "int64": [-2**63, -1, 0, 1, 2**63 - 1],
    "uint32": [0, 1, 2**31, 2**32 - 1],   # 2**31 > 1 only when compared unsigned
    "float": [np.nan, np.inf, -np.inf, 0.0, -0.0, -1.0, 1.0, 2.5, 1e-40],
}


def comparable(rng, shape, dtype):
    if dtype in COMPLEX:
        pool = np.array([0, 1, 1j, 1 + 1j, np.nan, complex(1, np.nan), -0.0, np.inf])
        return rng.choice(pool, shape).astype(dtype)
    if dtype in FLOATS:
        v = rng.choice(POOLS["float"], shape)
        return bf16_bits(v) if dtype == "bfloat16" else v.astype(dtype)
    return rng.choice(np.array(POOLS[dtype], dtype=dtype), shape)


# ---- select ----------------------------------------------------------------------

@st.composite
def select_operands(draw):
    shape, rng = draw(shapes), draw(rngs)
    dtype = pick(rng, ALL)
    arrays = [rng.integers(0, 2, shape).astype(bool), host_array(rng, shape, dtype), host_array(rng, shape, dtype)]
    return arrays, {}, ["bool", dtype, dtype]


# ---- shifts: amounts in range, at the width, beyond it, and negative -------------

@st.composite
def shift_operands(draw):
    shape, rng = draw(shapes), draw(rngs)
    dtype = pick(rng, INTS)
    bits = np.iinfo(dtype).bits
    info = np.iinfo(dtype)
    x = host_array(rng, shape, dtype)
    choices = np.stack([rng.integers(0, bits, shape), rng.integers(0, bits, shape),
                        rng.integers(bits, 3 * bits, shape), np.full(shape, bits),
                        np.full(shape, bits - 1), np.full(shape, -1 if dtype != "uint32" else info.max),
                        np.full(shape, info.min if dtype != "uint32" else 2**31)])
    y = np.take_along_axis(choices, rng.integers(0, len(choices), (1,) + shape), 0)[0].astype(dtype)
    return [x, y], {}, [dtype, dtype]


# ---- conversions -----------------------------------------------------------------

@st.composite
def convert_operands(draw, sources, targets):
    shape, rng = draw(shapes), draw(rngs)
    src, dst = pick(rng, sources), pick(rng, targets)
    return [host_array(rng, shape, src)], {"new_dtype": dst}, [src]


BITCAST_GROUPS = [["int32", "uint32", "float32"], ["int64", "float64"], ["float16", "bfloat16"]]


@st.composite
def bitcast_operands(draw):
    shape, rng = draw(shapes), draw(rngs)
    group = pick(rng, BITCAST_GROUPS)
    src, dst = pick(rng, group), pick(rng, group)
    return [host_array(rng, shape, src)], {"new_dtype": dst}, [src]


BITWISE = ["bool"] + INTS

CASES = {
    "compare": OpCase(operands(["bool"] + INTS + FLOATS, 2, st.fixed_dictionaries(
        {"direction": st.sampled_from(DIRECTIONS)}), pools=True), max_examples=30),
    "compare_complex": OpCase(operands(COMPLEX, 2, st.fixed_dictionaries(
        {"direction": st.sampled_from(["EQ", "NE"])}), pools=True), extra={"op": "compare"}),
    "select": OpCase(select_operands(), max_examples=15, **EXACT),
    "and": OpCase(operands(BITWISE, 2), max_examples=12),
    "or": OpCase(operands(BITWISE, 2), max_examples=12),
    "xor": OpCase(operands(BITWISE, 2), max_examples=12),
    "not": OpCase(operands(BITWISE, 1), max_examples=12),
    "population_count": OpCase(operands(INTS, 1), max_examples=12, **EXACT),
    "clz": OpCase(operands(INTS, 1), max_examples=12, **EXACT),
    "shift_left": OpCase(shift_operands(), max_examples=12),
    "shift_right_arithmetic": OpCase(shift_operands(), max_examples=12),
    "shift_right_logical": OpCase(shift_operands(), max_examples=12),
    "convert_float_to_int": OpCase(convert_operands(FLOATS + COMPLEX, INTS + ["bool"]), max_examples=20,
                                   extra={"op": "convert_element_type"}, **EXACT),
    "bitcast": OpCase(bitcast_operands(), max_examples=15, **EXACT),
}
# convert_element_type: one row per source dtype, each to every target dtype
CASES.update({f"convert_from_{src}": OpCase(convert_operands([src], ALL), max_examples=25, **EXACT,
                                            extra={"op": "convert_element_type"}) for src in ALL})
