"""Spec rows of the transcendental, special-function and sort families (dialects/ops/transcendental.py,
special.py, sort.py). Domains keep the reference's comparisons away from poles and branch points."""
import numpy as np
from hypothesis import strategies as st

from .base import COMPLEX_DTYPES, FLOAT_DTYPES, INT_DTYPES, OpCase, elementwise, random_array, shapes

F, C = FLOAT_DTYPES, COMPLEX_DTYPES


@st.composite
def zeta_case(draw):
    shape = draw(shapes)
    dtype = draw(st.sampled_from(F))
    seed = draw(st.integers(0, 2**31))
    s = random_array(seed, shape, dtype, 1.5, 5.0)
    q = random_array(seed + 1, shape, dtype, 0.2, 4.0)
    return [s, q], {}, None


@st.composite
def sort_case(draw):
    rank = draw(st.integers(1, 3))
    shape = tuple(draw(st.integers(1, 6)) for _ in range(rank))
    kd = draw(st.sampled_from(F + INT_DTYPES + ["uint32", "bool", "float16"]))
    vd = draw(st.sampled_from(F + INT_DTYPES + C))
    seed = draw(st.integers(0, 2**31))
    keys = random_array(seed, shape, kd)
    if kd in F and keys.size > 2:  # NaNs, signed zeros and ties on the float keys
        flat = keys.reshape(-1)
        flat[0], flat[1] = np.nan, -0.0
        flat[-1] = flat[len(flat) // 2]
    values = random_array(seed + 1, shape, vd)
    attrs = {"dimension": draw(st.integers(0, rank - 1)), "is_stable": draw(st.sampled_from([0, 1]))}
    return [keys, values], attrs, None


@st.composite
def top_k_case(draw):
    rank = draw(st.integers(1, 3))
    shape = tuple(draw(st.integers(1, 6)) for _ in range(rank))
    dtype = draw(st.sampled_from(F + INT_DTYPES + ["uint32", "bool", "float16"]))
    x = random_array(draw(st.integers(0, 2**31)), shape, dtype)
    if dtype in F and x.size > 3:  # NaNs of both signs, signed zeros and ties
        flat = x.reshape(-1)
        flat[0], flat[1], flat[2] = np.nan, -0.0, -np.nan
        flat[-1] = flat[len(flat) // 2]
    return [x], {"k": draw(st.integers(0, shape[-1]))}, None


CASES = {
    "sinh": OpCase(elementwise(1, F + C)),
    "cosh": OpCase(elementwise(1, F + C)),
    "asin": OpCase(elementwise(1, F, low=-0.95, high=0.95)),
    "acos": OpCase(elementwise(1, F, low=-0.95, high=0.95)),
    "atan": OpCase(elementwise(1, F)),
    "asinh": OpCase(elementwise(1, F)),
    "acosh": OpCase(elementwise(1, F, low=1.1, high=5.0)),
    "atanh": OpCase(elementwise(1, F, low=-0.95, high=0.95)),
    "cbrt": OpCase(elementwise(1, F)),
    "exp2": OpCase(elementwise(1, F + C)),
    "erf": OpCase(elementwise(1, F)),
    "erfc": OpCase(elementwise(1, F)),
    "erf_inv": OpCase(elementwise(1, F, low=-0.99, high=0.99), rtol=2e-5),
    "lgamma": OpCase(elementwise(1, F, low=0.1, high=6.0), rtol=2e-5, atol=1e-5),
    "lgamma_negative": OpCase(elementwise(1, F, low=-3.9, high=-0.1), rtol=2e-5, atol=1e-5,
                              extra={"op": "lgamma"}),
    "digamma": OpCase(elementwise(1, F, low=0.1, high=6.0), rtol=2e-5, atol=1e-5),
    "digamma_negative": OpCase(elementwise(1, F, low=-3.9, high=-0.1), rtol=2e-4, atol=1e-4,
                               extra={"op": "digamma"}),
    "zeta": OpCase(zeta_case(), rtol=2e-5, atol=1e-6),
    "sort": OpCase(sort_case()),
    "top_k": OpCase(top_k_case()),
}
