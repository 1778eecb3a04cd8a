"""pullback.lax.fft and lax.FftType: JAX's lax.fft on pb.fft (dialects/ops/fft.py).

The argument handling is JAX's: the fft type is an FftType or its name, the operand is
converted to the complex type of its precision (to its inexact type for RFFT, which rejects
complex input), no fft_lengths returns the converted operand, and the shape checks of JAX's
abstract evaluation raise ValueError before the op is bound. An IRFFT operand whose last axis
is longer than n // 2 + 1 is cropped (XLA reads only those terms).
"""
from __future__ import annotations

import enum

from .. import dtypes
from ..core import bind1
from ..errors import user_error
from . import _operands, convert_element_type, slice as lax_slice  # (imported last by lax/__init__)

__all__ = ["FftType", "fft"]


class FftType(enum.IntEnum):
    """Which FFT lax.fft performs (JAX's FftType, same values)."""
    FFT = 0
    IFFT = 1
    RFFT = 2
    IRFFT = 3


def _fft_type(fft_type) -> FftType:
    if isinstance(fft_type, FftType):
        return fft_type
    if isinstance(fft_type, str):
        try:
            return FftType[fft_type.upper()]
        except KeyError:
            raise user_error(ValueError, f"Unknown FFT type '{fft_type}'") from None
    raise user_error(TypeError, f"Unknown FFT type value '{fft_type}'")


def _inexact_of(dtype: str) -> str:
    """JAX's dtypes.to_inexact_dtype: 64-bit integers become float64, other ints and bools float32."""
    if dtypes.is_inexact(dtype):
        return dtype
    return "float64" if dtype in ("int64", "uint64") else "float32"


def _complex_of(dtype: str) -> str:
    """JAX's dtypes.to_complex_dtype."""
    return "complex128" if _inexact_of(dtype) in ("float64", "complex128") else "complex64"


def fft(x, fft_type, fft_lengths):
    (x,) = _operands(x)
    typ = _fft_type(fft_type)
    dt = x.aval.dtype
    if typ == FftType.RFFT:
        if dtypes.is_complex(dt):
            raise user_error(ValueError, "only real valued inputs supported for rfft")
        target = _inexact_of(dt)
        if target not in ("float32", "float64"):
            raise user_error(ValueError, f"RFFT input must be float32 or float64, got {target}")
    else:
        target = _complex_of(dt)
    if dt != target:
        x = convert_element_type(x, target)
    lengths = tuple(int(n) for n in fft_lengths)
    if not lengths:
        return x
    shape, k = x.aval.shape, len(lengths)
    if k > len(shape):
        raise user_error(ValueError, f"FFT input shape {shape} must have at least as many input dimensions "
                                     f"as fft_lengths {lengths}.")
    name = typ.name
    if typ == FftType.IRFFT:
        if shape[len(shape) - k:-1] != lengths[:-1]:
            raise user_error(ValueError, f"IRFFT input shape {shape} minor dimensions must be equal to all "
                                         f"except the last fft_length, got fft_lengths={lengths}")
        half = lengths[-1] // 2 + 1
        if shape[-1] > half:
            x = lax_slice(x, (0,) * len(shape), shape[:-1] + (half,))
    elif shape[len(shape) - k:] != lengths:
        raise user_error(ValueError, f"{name} input shape {shape} minor dimensions must be equal to "
                                     f"fft_lengths {lengths}")
    return bind1("fft", [x], {"fft_type": name, "fft_lengths": lengths})
