"""Spec rows of the shape family: constant, iota and data movement.

These ops only move bits, so each row draws from (nearly) every dtype,
bfloat16 as ml_dtypes.bfloat16 and complex as numpy complex.
Shapes include 0-d arrays, size-1 dims and, now and then, size-0 dims;
attributes are random valid ones, with the edge cases the op allows: dynamic
start indices past both ends (and huge uint32 values) to exercise clamping,
negative pad edges that crop, interior padding, slices of size 0.

bool is left out of the compiled rows (the ops accept it, as JAX does): the
CPU pipeline cannot store i1 memrefs yet (MLIR 22's memref-to-llvm asserts on
sub-byte loads and stores). Neither do shapes with a size-0 dim after the
first one reach the compiled code: upstream's bare-pointer calling convention
silently leaves such function signatures unconverted (`_callable` filters them).
"""
import numpy as np
from hypothesis import strategies as st

from pullback.dialects.types import numpy_dtype

from .base import OpCase, random_array

MOVABLE = ["int8", "int32", "int64", "uint32", "float16", "bfloat16", "float32", "float64",
           "complex64", "complex128"]
INDEX_DTYPES = ["int8", "int32", "int64", "uint32"]
# Constants: no complex (the bindings cannot build complex attributes) and no
# bfloat16 (attributes.elements_value cannot read bf16 attributes back yet).
CONSTANT_DTYPES = ["int8", "int32", "int64", "uint32", "float16", "float32", "float64"]


def array(seed: int, shape, dtype: str) -> np.ndarray:
    """Random data of a pb dtype in its host form (bfloat16 as ml_dtypes', float32 bits cut)."""
    if dtype == "bfloat16":
        f = random_array(seed, shape, "float32")
        return np.asarray(f.view(np.uint32) >> 16).astype(np.uint16).view(numpy_dtype("bfloat16"))
    return np.asarray(random_array(seed, shape, dtype))  # 0-d: an array, not a numpy scalar


def dim_sizes(lo=1, hi=4, zero=False):
    """A dim size; with `zero`, size 0 turns up about one time in eight."""
    sizes = st.integers(lo, hi)
    return st.one_of(st.just(0), sizes, sizes, sizes, sizes, sizes, sizes, sizes) if zero else sizes


@st.composite
def shape(draw, min_rank=0, max_rank=3, zero=False):
    return tuple(draw(st.lists(dim_sizes(zero=zero), min_size=min_rank, max_size=max_rank)))


@st.composite
def operand(draw, min_rank=0, max_rank=3, zero=False, dtypes=MOVABLE):
    dtype = draw(st.sampled_from(dtypes))
    s = draw(shape(min_rank, max_rank, zero))
    return array(draw(st.integers(0, 2**31)), s, dtype), dtype


# ---- constant and iota ------------------------------------------------------------------

@st.composite
def constant_case(draw):
    from pullback.dialects.attributes import ConstantValue
    from pullback.dialects.types import TensorSpec
    x, dtype = draw(operand(zero=True, dtypes=CONSTANT_DTYPES))
    if draw(st.booleans()) and x.size:
        x = np.full_like(x, x.reshape(-1)[0])  # splat attributes print and parse differently
    return [], {"value": ConstantValue(x, TensorSpec(x.shape, dtype))}, []


@st.composite
def iota_case(draw):
    dtype = draw(st.sampled_from(["int8", "int32", "int64", "uint32", "float16", "bfloat16", "float32",
                                  "float64", "complex64", "complex128"]))
    s = draw(shape(min_rank=1, zero=True))
    # now and then a long axis: past 256, bfloat16 must round like a correct int->float conversion
    s = s[:-1] + (draw(st.sampled_from([s[-1], 40 if dtype in INDEX_DTYPES else 300])),)
    return [], {"dtype": dtype, "shape": s, "dimension": draw(st.integers(0, len(s) - 1))}, []


# ---- broadcast, reshape, transpose, rev ---------------------------------------------------

@st.composite
def broadcast_case(draw):
    out = draw(shape(max_rank=4, zero=True))
    bd = sorted(draw(st.sets(st.sampled_from(range(len(out))))) if out else [])
    x_shape = tuple(draw(st.sampled_from([out[d], 1])) for d in bd)
    dtype = draw(st.sampled_from(MOVABLE))
    x = array(draw(st.integers(0, 2**31)), x_shape, dtype)
    return [x], {"shape": out, "broadcast_dimensions": tuple(bd)}, [dtype]


def _factors(n: int) -> list:
    f, p = [], 2
    while n > 1:
        while n % p == 0:
            f.append(p)
            n //= p
        p += 1
    return f


@st.composite
def reshape_case(draw):
    x, dtype = draw(operand(max_rank=4, zero=True))
    if x.size == 0:
        rest = draw(shape(max_rank=2))
        new = draw(st.permutations(list(rest) + [0]))
    else:
        # shuffle the prime factors into groups, then sprinkle size-1 dims
        f = draw(st.permutations(_factors(x.size)))
        cuts = sorted(draw(st.sets(st.integers(1, max(len(f) - 1, 1)), max_size=2))) if len(f) > 1 else []
        groups = [f[a:b] for a, b in zip([0] + cuts, cuts + [len(f)])] if f else []
        new = [int(np.prod(g)) for g in groups] + [1] * draw(st.integers(0, 2))
        new = draw(st.permutations(new))
    return [x], {"new_sizes": tuple(new)}, [dtype]


@st.composite
def transpose_case(draw):
    x, dtype = draw(operand(max_rank=4, zero=True))
    return [x], {"permutation": tuple(draw(st.permutations(range(x.ndim))))}, [dtype]


@st.composite
def rev_case(draw):
    x, dtype = draw(operand(max_rank=4, zero=True))
    dims = draw(st.lists(st.sampled_from(range(x.ndim)), unique=True)) if x.ndim else []
    return [x], {"dimensions": tuple(dims)}, [dtype]


# ---- slices -------------------------------------------------------------------------------

@st.composite
def slice_case(draw):
    x, dtype = draw(operand(max_rank=3, zero=True))
    start, limit, strides = [], [], []
    for n in x.shape:
        s = draw(st.integers(0, n))
        start.append(s)
        limit.append(draw(st.integers(s, n)))
        strides.append(draw(st.integers(1, 3)))
    return [x], {"start_indices": tuple(start), "limit_indices": tuple(limit), "strides": tuple(strides)}, [dtype]


@st.composite
def start_index(draw, dtype: str, hi: int) -> np.ndarray:
    """A start nominally in [0, hi], often past either end, sometimes the dtype's extremes."""
    info = np.iinfo(dtype)
    near = st.integers(max(info.min, -3), hi + 3)
    v = draw(st.one_of(near, near, near, st.sampled_from([info.min, info.max])))
    return np.array(v, dtype)


@st.composite
def dynamic_slice_case(draw):
    x, dtype = draw(operand(max_rank=3))
    sizes = tuple(draw(st.integers(0, n)) for n in x.shape)
    idx_dtype = draw(st.sampled_from(INDEX_DTYPES))
    starts = [draw(start_index(idx_dtype, n - s)) for n, s in zip(x.shape, sizes)]
    return [x] + starts, {"slice_sizes": sizes}, [dtype] + [idx_dtype] * x.ndim


@st.composite
def dynamic_update_slice_case(draw):
    x, dtype = draw(operand(max_rank=3))
    u_shape = tuple(draw(st.integers(0, n)) for n in x.shape)
    update = array(draw(st.integers(0, 2**31)), u_shape, dtype)
    idx_dtype = draw(st.sampled_from(INDEX_DTYPES))
    starts = [draw(start_index(idx_dtype, n - u)) for n, u in zip(x.shape, u_shape)]
    return [x, update] + starts, {}, [dtype, dtype] + [idx_dtype] * x.ndim


# ---- concatenate and pad ------------------------------------------------------------------

@st.composite
def concatenate_case(draw):
    base, dtype = draw(operand(min_rank=1, max_rank=3))
    dim = draw(st.integers(0, base.ndim - 1))
    xs = []
    for k in range(2):  # pb.concatenate is binary
        s = list(base.shape)
        s[dim] = draw(st.integers(0, 3) if k else st.integers(1, 3))
        xs.append(array(draw(st.integers(0, 2**31)), tuple(s), dtype))
    return xs, {"dimension": dim}, [dtype] * len(xs)


@st.composite
def pad_case(draw):
    x, dtype = draw(operand(max_rank=3, zero=True))
    value = array(draw(st.integers(0, 2**31)), (), dtype)
    low, high, interior = [], [], []
    for n in x.shape:
        i = draw(st.integers(0, 2))
        lo = draw(st.integers(-3, 3))
        dilated = n + max(n - 1, 0) * i
        # any high that keeps the result size >= 0 (cropping may eat into x from both ends)
        hi = draw(st.integers(max(-3, -(dilated + lo)), 3))
        low.append(lo)
        high.append(hi)
        interior.append(i)
    return [x, value], {"low": tuple(low), "high": tuple(high), "interior": tuple(interior)}, [dtype, dtype]


def _callable(name: str, strategy):
    """Drop draws whose signature has a size-0 dim after the first (see the module doc)."""
    from pullback.dialects import registry
    from pullback.dialects.types import TensorSpec

    def ok(drawn):
        arrays, attrs, dtypes = drawn
        specs = [TensorSpec(a.shape, d) for a, d in zip(arrays, dtypes)]
        shapes = [s.shape for s in specs + registry.infer(name, specs, attrs)]
        return all(0 not in s[1:] for s in shapes)
    return strategy.filter(ok)


ROWS = {
    "constant": (constant_case(), 20),
    "iota": (iota_case(), 20),
    "broadcast_in_dim": (broadcast_case(), 25),
    "reshape": (reshape_case(), 25),
    "transpose": (transpose_case(), 25),
    "rev": (rev_case(), 25),
    "slice": (slice_case(), 25),
    "dynamic_slice": (dynamic_slice_case(), 30),
    "dynamic_update_slice": (dynamic_update_slice_case(), 30),
    "concatenate": (concatenate_case(), 25),
    "pad": (pad_case(), 40),
}
CASES = {name: OpCase(_callable(name, strategy), max_examples=n) for name, (strategy, n) in ROWS.items()}
