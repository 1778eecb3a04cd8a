"""pullback.numpy.fft: numpy.fft with JAX's semantics, on lax.fft (pb.fft).

As jax.numpy.fft: the transformed axes are moved last, cropped or zero-padded to `s` / `n`
(for the inverse real transforms to n // 2 + 1 terms), transformed by one lax.fft (more than
three axes by several, innermost last for the forward transforms and first for the inverse
ones), scaled for `norm` ("backward" by default: no scaling forward, 1/n inverse; "ortho";
"forward") and moved back. hfft and ihfft are irfft and rfft of the conjugate with the
scaling swapped; fftfreq, rfftfreq, fftshift and ifftshift are compositions.
"""
from __future__ import annotations

import math
import operator

import numpy as np

from .. import dtypes, lax
from ..errors import user_error
from . import arange, array, asarray, conj, roll  # (imported last by numpy/__init__)
from ._core import canonical_axis

__all__ = ["fft", "fft2", "fftfreq", "fftn", "fftshift", "hfft", "ifft", "ifft2", "ifftn", "ifftshift", "ihfft",
           "irfft", "irfft2", "irfftn", "rfft", "rfft2", "rfftfreq", "rfftn"]

FFT, IFFT, RFFT, IRFFT = lax.FftType.FFT, lax.FftType.IFFT, lax.FftType.RFFT, lax.FftType.IRFFT


def moveaxis(a, source, destination):
    """jnp.moveaxis with sequences of axes (numpy's order: the others keep theirs)."""
    nd = a.ndim
    src = [canonical_axis(ax, nd) for ax in source]
    dst = [canonical_axis(ax, nd) for ax in destination]
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise user_error(ValueError, f"repeated axis in moveaxis: source={source}, destination={destination}")
    order = [i for i in range(nd) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return lax.transpose(a, tuple(order))


def _norm_scale(s, func_name: str, norm: str) -> float:
    if norm == "backward":
        return 1.0
    size = float(math.prod(s))
    if norm == "ortho":
        return math.sqrt(size) if func_name.startswith("i") else 1 / math.sqrt(size)
    if norm == "forward":
        return size if func_name.startswith("i") else 1 / size
    raise user_error(ValueError, f'Invalid norm value {norm}; should be "backward","ortho" or "forward".')


def _core_nd(arr, fft_type, s):
    """lax.fft over the trailing len(s) axes, in groups of at most three (JAX's _fft_core_nd)."""
    if len(s) <= 3:
        return lax.fft(arr, fft_type, tuple(s))
    n = 2 if len(s) == 4 else 3
    src = tuple(range(arr.ndim - len(s), arr.ndim - n))
    dst = tuple(range(arr.ndim - len(s) + n, arr.ndim))
    if fft_type in (RFFT, FFT):
        arr = lax.fft(arr, fft_type, tuple(s)[-n:])
        arr = moveaxis(_core_nd(moveaxis(arr, src, dst), FFT, s[:-n]), dst, src)
    else:
        arr = moveaxis(_core_nd(moveaxis(arr, src, dst), IFFT, s[:-n]), dst, src)
        arr = lax.fft(arr, fft_type, tuple(s)[-n:])
    return arr


def _core(func_name: str, fft_type, a, s, axes, norm):
    full_name = f"jax.numpy.fft.{func_name}"
    arr = asarray(a)
    if s is not None:
        s = tuple(map(operator.index, s))
        if any(v <= 0 for v in s):
            raise user_error(ValueError, "Shape should be positive.")
    if s is not None and axes is not None and len(s) != len(axes):
        raise user_error(ValueError, "Shape and axes have different lengths.")
    orig_axes = axes
    if axes is None:
        axes = range(arr.ndim) if s is None else range(arr.ndim - len(s), arr.ndim)
    if len(axes) != len(set(axes)):
        raise user_error(ValueError, f"{full_name} does not support repeated axes. Got axes {axes}.")
    if orig_axes is not None:
        axes = tuple(range(arr.ndim - len(axes), arr.ndim))
        arr = moveaxis(arr, tuple(orig_axes), axes)
    if norm is not None:
        _norm_scale((), func_name, norm)  # an invalid norm fails before any work
    if s is not None:
        in_s = list(arr.shape)
        for axis, n in zip(axes, s):
            in_s[axis] = n
        if fft_type == IRFFT:
            in_s[-1] = in_s[-1] // 2 + 1
        arr = arr[tuple(slice(n) for n in in_s)]
        arr = lax.pad(arr, 0, [(0, n - m, 0) for n, m in zip(in_s, arr.shape)])
    elif fft_type == IRFFT:
        s = [arr.shape[axis] for axis in axes[:-1]]
        if axes:
            s += [max(0, 2 * (arr.shape[axes[-1]] - 1))]
    else:
        s = [arr.shape[axis] for axis in axes]
    out = _core_nd(arr, fft_type, s)
    if norm is not None and norm != "backward":
        out = out * _norm_scale(s, func_name, norm)
    if orig_axes is not None:
        out = moveaxis(out, axes, tuple(orig_axes))
    return out


def _check_1d(func_name: str, axis) -> None:
    if isinstance(axis, (list, tuple)):
        full = f"jax.numpy.fft.{func_name}"
        raise user_error(ValueError, f"{full} does not support multiple axes. Please use {full}n. Got axis = {axis!r}.")


def _core_1d(func_name, fft_type, a, n, axis, norm):
    _check_1d(func_name, axis)
    return _core(func_name, fft_type, a, None if n is None else [n], None if axis is None else [axis], norm)


def _core_2d(func_name, fft_type, a, s, axes, norm):
    if len(axes) != 2:
        raise user_error(ValueError, f"jax.numpy.fft.{func_name} only supports 2 axes. Got axes = {axes!r}.")
    return _core(func_name, fft_type, a, s, axes, norm)


def fft(a, n=None, axis=-1, norm=None):
    return _core_1d("fft", FFT, a, n, axis, norm)


def ifft(a, n=None, axis=-1, norm=None):
    return _core_1d("ifft", IFFT, a, n, axis, norm)


def rfft(a, n=None, axis=-1, norm=None):
    return _core_1d("rfft", RFFT, a, n, axis, norm)


def irfft(a, n=None, axis=-1, norm=None):
    return _core_1d("irfft", IRFFT, a, n, axis, norm)


def hfft(a, n=None, axis=-1, norm=None):
    """The FFT of a signal with Hermitian symmetry (a real spectrum): irfft of conj(a), times n."""
    a = conj(asarray(a))
    _check_1d("hfft", axis)
    nn = (a.shape[axis] - 1) * 2 if n is None else n
    return _core_1d("hfft", IRFFT, a, n, axis, norm) * nn


def ihfft(a, n=None, axis=-1, norm=None):
    _check_1d("ihfft", axis)
    arr = asarray(a)
    nn = arr.shape[axis] if n is None else n
    return conj(_core_1d("ihfft", RFFT, arr, n, axis, norm)) * (1 / nn)


def fft2(a, s=None, axes=(-2, -1), norm=None):
    return _core_2d("fft2", FFT, a, s, axes, norm)


def ifft2(a, s=None, axes=(-2, -1), norm=None):
    return _core_2d("ifft2", IFFT, a, s, axes, norm)


def rfft2(a, s=None, axes=(-2, -1), norm=None):
    return _core_2d("rfft2", RFFT, a, s, axes, norm)


def irfft2(a, s=None, axes=(-2, -1), norm=None):
    return _core_2d("irfft2", IRFFT, a, s, axes, norm)


def fftn(a, s=None, axes=None, norm=None):
    return _core("fftn", FFT, a, s, axes, norm)


def ifftn(a, s=None, axes=None, norm=None):
    return _core("ifftn", IFFT, a, s, axes, norm)


def rfftn(a, s=None, axes=None, norm=None):
    return _core("rfftn", RFFT, a, s, axes, norm)


def irfftn(a, s=None, axes=None, norm=None):
    return _core("irfftn", IRFFT, a, s, axes, norm)


def _check_freq_args(func_name: str, n, d) -> None:
    if isinstance(n, (list, tuple)):
        raise user_error(ValueError, f"The n argument of jax.numpy.fft.{func_name} only takes an int. "
                                     f"Got n = {list(n)}.")
    if isinstance(d, (list, tuple)):
        raise user_error(ValueError, f"The d argument of jax.numpy.fft.{func_name} only takes a single value. "
                                     f"Got d = {list(d)}.")


def fftfreq(n, d=1.0, *, dtype=None, device=None):
    """Sample frequencies [0, 1, ..., -(n//2), ..., -1] / (d n). `device` is accepted (one CPU device)."""
    _check_freq_args("fftfreq", n, d)
    out_dtype = dtypes.name(dtype) if dtype is not None else dtypes.default_float()
    work = dtypes.real_dtype(dtypes.to_inexact(out_dtype))
    k = (np.arange(n) + n // 2) % n - n // 2
    result = array(k, dtype=work) / array(d * n, dtype=work)
    return result.astype(out_dtype)


def rfftfreq(n, d=1.0, *, dtype=None, device=None):
    """Sample frequencies [0, 1, ..., n//2] / (d n). `device` is accepted (one CPU device)."""
    _check_freq_args("rfftfreq", n, d)
    dtype = dtypes.name(dtype) if dtype is not None else dtypes.default_float()
    k = arange(0, n // 2 + 1 if n % 2 == 0 else (n - 1) // 2 + 1, dtype=dtype)
    return k / array(d * n, dtype=dtype)


def _shift(x, axes, sign: int):
    x = asarray(x)
    if axes is None:
        axes = tuple(range(x.ndim))
        shift = [sign * (dim // 2) for dim in x.shape]
    elif isinstance(axes, int):
        shift = sign * (x.shape[axes] // 2)
    else:
        shift = [sign * (x.shape[ax] // 2) for ax in axes]
    return roll(x, shift, axes)


def fftshift(x, axes=None):
    """x with the zero-frequency term moved to the centre of each of `axes` (all by default)."""
    return _shift(x, axes, 1)


def ifftshift(x, axes=None):
    """The inverse of fftshift."""
    return _shift(x, axes, -1)
