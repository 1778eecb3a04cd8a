"""jnp functions on the bits of numbers: bitwise_count, packbits/unpackbits, frexp, nextafter, spacing, and
the index arithmetic of ravel_multi_index/unravel_index, with JAX's semantics.

The float ones read the IEEE layout through lax.bitcast_convert_type (exponent and mantissa fields from
finfo), so they are elementwise lax ops that trace and batch; bit counts are shifts and masks.
"""
from __future__ import annotations

import numpy as _np

from .. import dtypes as _dt
from .. import lax
from ..core import Tracer
from ..errors import user_error
from . import _arithmetic as _a, _logic as _l, _reductions as _r
from ._core import as_value, broadcast_all, convert, operand, promote, promote_inexact
from ._shapes import ravel, reshape, swapaxes

_INT = {16: "int16", 32: "int32", 64: "int64"}
_UINT = {8: "uint8", 16: "uint16", 32: "uint32", 64: "uint64"}


def _const(x, v, dtype=None):
    dtype = dtype or x.aval.dtype
    return lax.full(x.aval.shape, v, dtype)


def bitwise_count(x, /):
    (x,) = promote(x)
    x = as_value(x)
    dt = x.aval.dtype
    if not (_dt.is_integer(dt) or dt == "bool"):
        raise user_error(TypeError, f"bitwise_count requires integer or boolean input; got {dt}")
    if dt == "bool":
        return convert(x, "uint8")
    bits = _np.dtype(dt).itemsize * 8
    u = lax.bitcast_convert_type(_a.abs(x), _UINT[bits]) if not dt.startswith("uint") else x
    one = _const(u, 1)
    total = _const(u, 0)
    for i in range(bits):
        total = lax.add(total, lax.bitwise_and(lax.shift_right_logical(u, _const(u, i)), one))
    return convert(total, "uint8")


def packbits(a, axis=None, bitorder="big"):
    x = as_value(operand(a))
    if not (_dt.is_integer(x.aval.dtype) or x.aval.dtype == "bool"):
        raise user_error(TypeError, "Expected an input array of integer or boolean data type")
    if bitorder not in ("little", "big"):
        raise user_error(ValueError, "'order' must be either 'little' or 'big'")
    x = convert(_l.not_equal(x, 0), "uint8")
    if axis is None:
        x, axis = ravel(x), 0
    x = swapaxes(x, axis, -1)
    rem = x.aval.shape[-1] % 8
    if rem:
        x = lax.pad(x, lax.full((), 0, "uint8"), [(0, 0, 0)] * (x.aval.ndim - 1) + [(0, 8 - rem, 0)])
    x = reshape(x, x.aval.shape[:-1] + (x.aval.shape[-1] // 8, 8))
    shifts = _np.arange(8, dtype=_np.uint8)[::-1] if bitorder == "big" else _np.arange(8, dtype=_np.uint8)
    shifts = lax.broadcast_in_dim(as_value(operand(shifts)), x.aval.shape, (x.aval.ndim - 1,))
    packed = _r.sum(lax.shift_left(x, shifts), axis=-1, dtype="uint8")
    return swapaxes(packed, axis, -1)


def unpackbits(a, axis=None, count=None, bitorder="big"):
    x = as_value(operand(a))
    if x.aval.dtype != "uint8":
        raise user_error(TypeError, "Expected an input array of unsigned byte data type")
    if bitorder not in ("little", "big"):
        raise user_error(ValueError, "'order' must be either 'little' or 'big'")
    if axis is None:
        x, axis = ravel(x), 0
    x = swapaxes(x, axis, -1)
    bits = (1 << _np.arange(8, dtype=_np.uint8)).astype(_np.uint8)
    bits = bits[::-1] if bitorder == "big" else bits
    shape = x.aval.shape + (8,)
    xb = lax.broadcast_in_dim(x, shape, tuple(range(x.aval.ndim)))
    bb = lax.broadcast_in_dim(as_value(operand(bits)), shape, (len(shape) - 1,))
    out = convert(_l.greater(lax.bitwise_and(xb, bb), 0), "uint8")
    out = reshape(out, shape[:-2] + (-1,))
    if count is not None:
        n = out.aval.shape[-1]
        if count > n:
            out = lax.pad(out, lax.full((), 0, "uint8"), [(0, 0, 0)] * (out.aval.ndim - 1) + [(0, count - n, 0)])
        else:
            out = lax.slice_in_dim(out, 0, count if count >= 0 else n + count, axis=out.aval.ndim - 1)
    return swapaxes(out, axis, -1)


def _float_input(x, name):
    (x,) = promote_inexact(x)
    x = as_value(x)
    if _dt.is_complex(x.aval.dtype):
        raise user_error(TypeError, f"{name} does not support complex-valued inputs")
    return x


def frexp(x, /):
    x = _float_input(x, "frexp")
    dt = x.aval.dtype
    info = _np.finfo(_np.dtype(dt) if dt != "bfloat16" else _np.float32)
    if dt == "bfloat16":
        m, e = frexp(convert(x, "float32"))
        return convert(m, dt), e
    it = _INT[info.bits]
    mask, bias = (1 << info.nexp) - 1, 1 - info.minexp
    tiny = _l.less(_a.abs(x), float(info.tiny))
    x1 = _l.where(tiny, _a.multiply(x, float(1 << info.nmant)), x)
    x2 = _l.where(tiny, _const(x, -info.nmant, it), _const(x, 0, it))
    b = lax.bitcast_convert_type(as_value(x1), it)
    x2 = lax.add(x2, lax.sub(lax.bitwise_and(lax.shift_right_logical(b, _const(b, info.nmant)), _const(b, mask)),
                             _const(b, bias - 1)))
    b = lax.bitwise_and(b, _const(b, ~(mask << info.nmant)))
    b = lax.bitwise_or(b, _const(b, (bias - 1) << info.nmant))
    special = _l.logical_or(_l.logical_or(_l.isinf(x), _l.isnan(x)), _l.equal(x, 0))
    mant = _l.where(special, x, lax.bitcast_convert_type(b, dt))
    return as_value(mant), convert(as_value(_l.where(special, _const(x2, 0), x2)), "int32")


def nextafter(x, y, /):
    x, y = (as_value(v) for v in broadcast_all(*promote_inexact(x, y)))
    dt = x.aval.dtype
    if _dt.is_complex(dt):
        raise user_error(TypeError, "nextafter does not support complex-valued inputs")
    work = "float32" if dt == "bfloat16" else dt
    if work != dt:
        return convert(nextafter(convert(x, work), convert(y, work)), dt)
    it = _INT[_np.dtype(dt).itemsize * 8]
    bx = lax.bitcast_convert_type(x, it)
    up = _l.equal(_l.less(x, y), _l.greater(x, 0))
    step = lax.add(bx, _l.where(up, _const(bx, 1), _const(bx, -1)))
    out = lax.bitcast_convert_type(as_value(step), dt)
    tiny = lax.bitcast_convert_type(_const(bx, 1), dt)
    from_zero = _l.where(_l.less(y, 0), lax.neg(tiny), tiny)
    out = _l.where(_l.equal(x, 0), from_zero, out)
    out = _l.where(_l.equal(x, y), y, out)
    nan = _l.logical_or(_l.isnan(x), _l.isnan(y))
    return as_value(_l.where(nan, _const(x, _np.nan), out))


def spacing(x, /):
    (x,) = promote_inexact(x)
    x = as_value(x)
    if _dt.is_complex(x.aval.dtype):
        raise user_error(ValueError, "jnp.spacing is not defined for complex inputs.")
    inf = _const(x, _np.inf)
    if x.aval.dtype == "float16":
        return _a.subtract(nextafter(x, inf), x)
    neg = _l.less(lax.bitcast_convert_type(x, _INT[_np.dtype(x.dtype).itemsize * 8] if x.aval.dtype != "bfloat16"
                                           else "int16"), 0)
    toward = _l.where(neg, lax.neg(inf), inf)
    result = _a.subtract(nextafter(x, toward), x)
    sub = float(_np.finfo(_np.dtype(x.dtype) if x.aval.dtype != "bfloat16" else _np.float32).smallest_subnormal)
    return as_value(_l.where(_l.equal(result, 0), _l.where(neg, -sub, sub), result))


def ravel_multi_index(multi_index, dims, mode="raise", order="C", *, dtype=None):
    if len(multi_index) != len(dims):
        raise user_error(ValueError, f"len(multi_index)={len(multi_index)} != len(dims)={len(dims)}")
    dims = tuple(int(d) for d in dims)
    idx = [as_value(operand(i)) for i in multi_index]
    if dtype is None:  # JAX: result_type(int, *multi_index), so a float index makes a float (rejected) dtype
        dtype = _dt.result_type((_dt.default_int(), True), *[(i.aval.dtype, i.aval.weak) for i in idx])[0]
    else:
        dtype = _dt.name(dtype)
    if not _dt.is_integer(dtype):
        raise user_error(ValueError, f"dtype={dtype!r} is not an integer type.")
    for i in idx:
        if not _dt.is_integer(i.aval.dtype):
            raise user_error(TypeError, "only int indices permitted")
    if mode == "raise":
        for i, d in zip(idx, dims):
            if isinstance(i, Tracer):
                i._concrete("ravel_multi_index was jit-compiled with mode='raise'. Use mode='wrap' or "
                            "mode='clip' instead")
            v = _np.asarray(i)
            if _np.any((v < 0) | (v >= d)):
                raise user_error(ValueError, "invalid entry in coordinates array")
    elif mode == "clip":
        idx = [_a.clip(i, 0, d - 1) for i, d in zip(idx, dims)]
    elif mode == "wrap":
        idx = [_a.remainder(i, d) for i, d in zip(idx, dims)]
    elif mode != "ignore":
        raise user_error(ValueError, f"invalid mode={mode!r}. Expected 'raise', 'wrap', 'clip', or 'ignore'.")
    if order == "F":
        strides = _np.cumprod((1,) + dims[:-1])
    elif order == "C":
        strides = _np.cumprod((1,) + dims[1:][::-1])[::-1]
    else:
        raise user_error(ValueError, f"invalid order={order!r}. Expected 'C' or 'F'")
    result = lax.full((), 0, dtype)
    for i, s in zip(idx, strides):
        result = _a.add(result, _a.multiply(convert(as_value(i), dtype), int(s)))
    return as_value(result)


def unravel_index(indices, shape):
    x = as_value(operand(indices))
    shape = [shape] if _np.ndim(shape) == 0 else list(shape)
    out = [0] * len(shape)
    for i, s in reversed(list(enumerate(shape))):
        x, out[i] = _a.divmod(x, int(s))
    oob_pos = _l.greater(x, 0)
    oob_neg = _l.less(x, -1) if not x.aval.dtype.startswith("uint") else _l.equal(x, x + 1)
    return tuple(as_value(_l.where(oob_pos, int(s) - 1, _l.where(oob_neg, 0, o))) for s, o in zip(shape, out))


__all__ = ["bitwise_count", "frexp", "nextafter", "packbits", "ravel_multi_index", "spacing", "unpackbits",
           "unravel_index"]
