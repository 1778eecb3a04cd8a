"""Building blocks for spec rows: random shapes and arrays of given dtypes."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from hypothesis import strategies as st

FLOAT_DTYPES = ["float32", "float64"]
INT_DTYPES = ["int8", "int32", "int64"]
COMPLEX_DTYPES = ["complex64", "complex128"]


@dataclass
class OpCase:
    strategy: st.SearchStrategy        # draws (arrays, attrs, dtypes-or-None)
    rtol: float | None = None
    atol: float | None = None
    max_examples: int = 8
    notes: str = ""
    extra: dict = field(default_factory=dict)


shapes = st.lists(st.integers(1, 5), min_size=0, max_size=3).map(tuple)


def random_array(seed: int, shape, dtype: str, low=-3.0, high=3.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if dtype in ("float16", "float32", "float64"):
        return rng.uniform(low, high, shape).astype(dtype)
    if dtype in COMPLEX_DTYPES:
        return (rng.uniform(low, high, shape) + 1j * rng.uniform(low, high, shape)).astype(dtype)
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if dtype == "uint32":
        return rng.integers(0, 2**32, shape, dtype=np.uint64).astype(np.uint32)
    info = np.iinfo(dtype)
    return rng.integers(max(info.min, -100), min(info.max, 100), shape).astype(dtype)


@st.composite
def elementwise(draw, arity: int, dtypes, low=-3.0, high=3.0, attrs=None):
    """Same-shape operands of one dtype drawn from `dtypes`."""
    shape = draw(shapes)
    dtype = draw(st.sampled_from(list(dtypes)))
    seed = draw(st.integers(0, 2**31))
    arrays = [random_array(seed + i, shape, dtype, low, high) for i in range(arity)]
    a = draw(attrs) if attrs is not None else {}
    return arrays, a, None
