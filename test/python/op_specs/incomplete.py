"""Spec rows of the incomplete gamma/beta and scaled Bessel ops (dialects/ops/incomplete.py).
Domains cover both branches of each expansion (igamma's series below max(1, a) and its continued
fraction above; betainc's direct and reflected fraction) and both Bessel ranges (|x| <= 8 and beyond)."""
from hypothesis import strategies as st

from .base import FLOAT_DTYPES, OpCase, elementwise, random_array, shapes

F = FLOAT_DTYPES


@st.composite
def gamma_case(draw):
    shape = draw(shapes)
    dtype = draw(st.sampled_from(F))
    seed = draw(st.integers(0, 2**31))
    return [random_array(seed, shape, dtype, 0.2, 5.0), random_array(seed + 1, shape, dtype, 0.05, 9.0)], {}, None


@st.composite
def beta_case(draw):
    shape = draw(shapes)
    dtype = draw(st.sampled_from(F))
    seed = draw(st.integers(0, 2**31))
    a = random_array(seed, shape, dtype, 0.3, 5.0)
    b = random_array(seed + 1, shape, dtype, 0.3, 5.0)
    return [a, b, random_array(seed + 2, shape, dtype, 0.02, 0.98)], {}, None


CASES = {
    "igamma": OpCase(gamma_case(), rtol=2e-5, atol=1e-6),
    "igammac": OpCase(gamma_case(), rtol=2e-5, atol=1e-6),
    "igamma_grad_a": OpCase(gamma_case(), rtol=1e-4, atol=1e-5),
    "random_gamma_grad": OpCase(gamma_case(), rtol=1e-4, atol=1e-5),
    "betainc": OpCase(beta_case(), rtol=2e-5, atol=1e-6),
    "bessel_i0e": OpCase(elementwise(1, F, low=-20.0, high=20.0), rtol=2e-6, atol=1e-7),
    "bessel_i1e": OpCase(elementwise(1, F, low=-20.0, high=20.0), rtol=4e-6, atol=1e-7),
}
