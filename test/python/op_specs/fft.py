"""Spec rows of pb.fft: the four transform types over 1 to 3 trailing axes of batched operands.

Lengths mix the kernel's paths: powers of two and 4 (radix 2/4 stages), 3, 5, 6, 12 (mixed
radix) and the primes 7 (an unrolled radix-7 stage) and 17 (Bluestein)."""
from hypothesis import strategies as st

from .base import COMPLEX_DTYPES, FLOAT_DTYPES, OpCase, random_array

LENGTHS = [1, 2, 3, 4, 5, 6, 7, 8, 12, 17]


@st.composite
def fft_case(draw, kind=None):
    kind = kind or draw(st.sampled_from(["FFT", "IFFT", "RFFT", "IRFFT"]))
    lengths = tuple(draw(st.lists(st.sampled_from(LENGTHS), min_size=1, max_size=3)))
    batch = draw(st.lists(st.integers(1, 3), min_size=0, max_size=2).map(tuple))
    if kind == "RFFT":
        dtype, shape = draw(st.sampled_from(FLOAT_DTYPES)), batch + lengths
    elif kind == "IRFFT":
        dtype, shape = draw(st.sampled_from(COMPLEX_DTYPES)), batch + lengths[:-1] + (lengths[-1] // 2 + 1,)
    else:
        dtype, shape = draw(st.sampled_from(COMPLEX_DTYPES)), batch + lengths
    x = random_array(draw(st.integers(0, 2**31)), shape, dtype)
    return [x], {"fft_type": kind, "fft_lengths": lengths}, None


CASES = {
    "fft": OpCase(fft_case(), max_examples=12, rtol=1e-4, atol=1e-4),
    "fft_inverse_real": OpCase(fft_case("IRFFT"), max_examples=6, rtol=1e-4, atol=1e-4, extra={"op": "fft"}),
    "fft_real": OpCase(fft_case("RFFT"), max_examples=6, rtol=1e-4, atol=1e-4, extra={"op": "fft"}),
}
