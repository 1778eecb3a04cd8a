"""Spec rows of the elementwise family."""
from hypothesis import strategies as st

from .base import COMPLEX_DTYPES, FLOAT_DTYPES, INT_DTYPES, OpCase, elementwise

F, I, C = FLOAT_DTYPES, INT_DTYPES, COMPLEX_DTYPES
SIGNED = ["int8", "int32", "int64"]

CASES = {
    "neg": OpCase(elementwise(1, F + I + C)),
    "abs": OpCase(elementwise(1, F + SIGNED + C)),
    "sign": OpCase(elementwise(1, F + SIGNED + C)),
    "floor": OpCase(elementwise(1, F)),
    "ceil": OpCase(elementwise(1, F)),
    "round": OpCase(elementwise(1, F, attrs=st.fixed_dictionaries(
        {"rounding_method": st.sampled_from(["TO_NEAREST_EVEN", "AWAY_FROM_ZERO"])}))),
    "exp": OpCase(elementwise(1, F + C)),
    "log": OpCase(elementwise(1, F, low=0.1, high=5.0)),
    "log1p": OpCase(elementwise(1, F, low=-0.9, high=5.0)),
    "expm1": OpCase(elementwise(1, F + C)),
    "sin": OpCase(elementwise(1, F + C)),
    "cos": OpCase(elementwise(1, F + C)),
    "tan": OpCase(elementwise(1, F, low=-1.4, high=1.4)),
    "tanh": OpCase(elementwise(1, F + C, low=-1.0, high=1.0)),
    "logistic": OpCase(elementwise(1, F + C, low=-1.0, high=1.0)),
    "sqrt": OpCase(elementwise(1, F, low=0.0, high=9.0)),
    "rsqrt": OpCase(elementwise(1, F, low=0.1, high=9.0)),
    "integer_pow": OpCase(elementwise(1, F + C, low=0.5, high=2,
                                      attrs=st.fixed_dictionaries({"y": st.integers(-3, 4)}))),
    # integers: non-negative exponents only (inference rejects the others)
    "integer_pow_int": OpCase(elementwise(1, SIGNED, low=-3, high=3,
                                          attrs=st.fixed_dictionaries({"y": st.integers(0, 4)})),
                              extra={"op": "integer_pow"}),
    "real": OpCase(elementwise(1, C)),
    "imag": OpCase(elementwise(1, C)),
    "conj": OpCase(elementwise(1, C)),
    "add": OpCase(elementwise(2, F + I + C)),
    "sub": OpCase(elementwise(2, F + I + C)),
    "mul": OpCase(elementwise(2, F + I + C)),
    "div": OpCase(elementwise(2, F + I + C, low=0.5, high=3.0)),
    "rem": OpCase(elementwise(2, F + I, low=0.5, high=7.0)),
    "max": OpCase(elementwise(2, F + I)),
    "min": OpCase(elementwise(2, F + I)),
    "pow": OpCase(elementwise(2, F, low=0.1, high=2.0)),
    "atan2": OpCase(elementwise(2, F)),
    "complex": OpCase(elementwise(2, F)),
    "stop_gradient": OpCase(elementwise(1, F + I + C + ["bool"])),
}
