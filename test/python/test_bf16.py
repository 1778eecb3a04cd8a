"""Known answers for the conversions that round: bit patterns worked out by hand.

The spec rows compare the compiled conversions with the numpy reference; these
pin both to IEEE round-to-nearest-even on fixed inputs, including ties,
subnormals, overflow and values that go wrong when rounded twice.
Host bfloat16 arrays are ml_dtypes'; the tests compare their bits.
"""
import numpy as np
import pytest

from harness import reference, run_op

from pullback.dialects.types import BFLOAT16 as BF16


def f32(bits):
    return np.array(bits, np.uint32).view(np.float32)


F32_TO_BF16 = [  # (float32 bits, bfloat16 bits)
    (0x3F800000, 0x3F80),  # 1.0
    (0x3F808000, 0x3F80),  # 1 + 2^-8: tie, to even (down)
    (0x3F818000, 0x3F82),  # 1 + 3 * 2^-8: tie, to even (up)
    (0x3F808001, 0x3F81),  # just above the tie
    (0xC0000000, 0xC000),  # -2.0
    (0x80000000, 0x8000),  # -0.0
    (0x7F7F7FFF, 0x7F7F),  # just below the largest bfloat16 + half an ulp
    (0x7F7FFFFF, 0x7F80),  # float32 max rounds to inf
    (0x7F800000, 0x7F80),  # inf
    (0xFF800000, 0xFF80),  # -inf
    (0x7FC00000, 0x7FC0),  # NaN
    (0x00010000, 0x0001),  # smallest bfloat16 subnormal, kept (no flush to zero)
    (0x00008000, 0x0000),  # half of it: tie, to even (zero)
    (0x00018000, 0x0002),  # one and a half: tie, to even (up)
]


@pytest.mark.parametrize("target", ["run", "reference"])
def test_float32_to_bfloat16(target):
    x = f32([b for b, _ in F32_TO_BF16])
    want = np.array([b for _, b in F32_TO_BF16], np.uint16)
    fn = run_op if target == "run" else reference
    (got,) = fn("convert_element_type", [x], {"new_dtype": "bfloat16"})
    np.testing.assert_array_equal(got.view(np.uint16), want)


def test_bfloat16_to_float32_and_int32():
    bits = np.array([0x3F81, 0x0001, 0xFF80, 0x4F00, 0xCF00, 0x7FC0, 0xC2FF], np.uint16).view(BF16)
    (as_f32,) = run_op("convert_element_type", [bits], {"new_dtype": "float32"}, ["bfloat16"])
    np.testing.assert_array_equal(as_f32.view(np.uint32), bits.view(np.uint16).astype(np.uint32) << 16)  # exact widening
    (as_i32,) = run_op("convert_element_type", [bits], {"new_dtype": "int32"}, ["bfloat16"])
    # 2^31 saturates, -2^31 is exact, NaN -> 0, -127.5 truncates to -127
    np.testing.assert_array_equal(as_i32, [1, 0, -2**31, 2**31 - 1, -2**31, 0, -127])


def test_float64_rounds_once():
    # Each value lies a hair past a float16 / bfloat16 tie; through float32 the
    # hair is lost and the tie goes to even, the wrong way.
    x = np.array([1 + 2.0**-11 + 2.0**-40, 1 + 2.0**-8 + 2.0**-30, -(1 + 3 * 2.0**-11 - 2.0**-40)])
    (h,) = run_op("convert_element_type", [x], {"new_dtype": "float16"})
    np.testing.assert_array_equal(h.view(np.uint16), [0x3C01, 0x3C04, 0xBC01])
    (b,) = run_op("convert_element_type", [x], {"new_dtype": "bfloat16"})
    np.testing.assert_array_equal(b.view(np.uint16), [0x3F80, 0x3F81, 0xBF80])


def test_int_to_bfloat16_rounds_through_float32():
    x = np.array([257, 259, 2**24 + 1, -(2**31)], np.int32)
    (b,) = run_op("convert_element_type", [x], {"new_dtype": "bfloat16"})
    # 257 and 259 are ties: to even (256 and 260); 2^24 + 1 -> 2^24
    np.testing.assert_array_equal(b.view(np.uint16), [0x4380, 0x4382, 0x4B80, 0xCF00])
