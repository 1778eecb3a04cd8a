"""jnp.pad with every numpy mode (constant, edge, wrap, reflect, symmetric, linear_ramp, maximum, mean, median,
minimum, empty, and a callable), with JAX's semantics.

Each mode pads one axis at a time from slices of the array, so every mode is lax.pad/slices/concatenates
(and a reduction for the statistic modes): all trace under jit and differentiate. Pad widths are static, as
in JAX (they fix the output shape); reflect/symmetric pads longer than the axis reflect repeatedly, as numpy.
"""
from __future__ import annotations

import numpy as _np

from .. import dtypes as _dt
from .. import lax
from ..core import Tracer
from ..errors import user_error
from ._core import as_value, operand, convert
from ._creation import linspace
from ._arrange import flip, repeat
from ._reductions import amax, amin, mean
from ._sorting import median
from ._arithmetic import round as _round, multiply, subtract
from ._more_math import apply_along_axis


def _static(v, name):
    if isinstance(v, Tracer) or (isinstance(v, (list, tuple)) and any(isinstance(e, Tracer) for e in v)):
        raise user_error(TypeError, f"jnp.pad: the {name} argument must be static (it fixes the output shape)")
    return v


def _pairs(nvals, nd: int, name: str):
    """nvals broadcast to nd (before, after) pairs, as numpy's pad reads its width-like arguments."""
    try:
        arr = _np.asarray(nvals if not hasattr(nvals, "aval") else _np.asarray(nvals))
    except ValueError as e:
        raise user_error(TypeError, f"`{name}` entries must be the same shape: {nvals}") from e
    if arr.dtype == object:
        raise user_error(TypeError, f"`{name}` entries must be the same shape: {nvals}")
    if arr.shape == (nd, 2):
        return tuple((arr[i, 0], arr[i, 1]) for i in range(nd))
    if arr.shape == (1, 2):
        return tuple((arr[0, 0], arr[0, 1]) for _ in range(nd))
    if arr.shape == (2,):
        return tuple((arr[0], arr[1]) for _ in range(nd))
    if arr.shape in ((1,), ()):
        v = arr.reshape(-1)[0]
        return tuple((v, v) for _ in range(nd))
    raise user_error(ValueError, f"jnp.pad: {name} with nd={nd} has unsupported shape {arr.shape}. Valid shapes "
                     f"are ({nd}, 2), (1, 2), (2,), (1,), or ().")


def _slice(x, start, stop, axis):
    n = x.aval.shape[axis]
    start = start + n if start < 0 else start
    stop = n if stop is None else (stop + n if stop < 0 else stop)
    return lax.slice_in_dim(x, start, stop, axis=axis)


def _check_empty_axis(x, i, pw, mode):
    if x.aval.shape[i] == 0 and (pw[i][0] > 0 or pw[i][1] > 0):
        raise user_error(ValueError, f"Cannot apply '{mode}' padding to empty axis")
    return x.aval.shape[i] == 0


def _pad_constant(x, pw, values):
    values = as_value(operand(values))
    nd = x.aval.ndim
    values = convert(values, x.aval.dtype, x.aval.weak)
    if values.aval.ndim == 0 or (values.aval.ndim == 1 and values.aval.shape[0] == 1):
        return lax.pad(x, lax.reshape(values, ()), [(lo, hi, 0) for lo, hi in pw])
    if values.aval.ndim == 1 and values.aval.shape[-1] != 2:
        raise user_error(ValueError, f"jnp.pad: constant_values has unsupported shape {values.aval.shape}. If the "
                         "shape is 1D or 2D, the last dimension must be of size 1 or 2.")
    values = lax.broadcast_in_dim(values, (nd, 2), tuple(range(2 - values.aval.ndim, 2))) \
        if values.aval.shape != (nd, 2) else values
    for i in range(nd):
        for side in (0, 1):
            if pw[i][side]:
                widths = [(0, 0, 0)] * nd
                widths[i] = (pw[i][0], 0, 0) if side == 0 else (0, pw[i][1], 0)
                x = lax.pad(x, lax.reshape(lax.slice(values, (i, side), (i + 1, side + 1)), ()), widths)
    return x


def _pad_wrap(x, pw):
    for i in range(x.aval.ndim):
        if _check_empty_axis(x, i, pw, "wrap"):
            continue
        n = x.aval.shape[i]
        lrep, lrem = divmod(pw[i][0], n)
        rrep, rrem = divmod(pw[i][1], n)
        parts = [_slice(x, n - lrem, n, i)] if lrem else []
        parts += [x] * (lrep + rrep + 1)
        parts += [_slice(x, 0, rrem, i)] if rrem else []
        x = lax.concatenate(parts, i)
    return x


def _reflect_side(x, i, padding, before, mode, odd, n):
    edge = _slice(x, 0, 1, i) if before else _slice(x, -1, None, i)
    offset = 1 if mode == "reflect" and n > 1 else 0
    while padding > 0:
        cur = min(padding, n - offset)
        padding -= cur
        if before:
            part = _slice(x, offset, offset + cur, i)
        else:
            part = _slice(x, -(cur + offset), None if mode == "symmetric" or n == 1 else -1, i)
        part = flip(part, axis=i)
        if odd:
            part = subtract(multiply(2, edge), part)
            if n > 1:
                edge = _slice(part, 0, 1, i) if before else _slice(part, -1, None, i)
        x = lax.concatenate([part, x] if before else [x, part], i)
    return x


def _pad_reflect(x, pw, mode, reflect_type):
    if reflect_type not in ("even", "odd"):
        raise user_error(ValueError, f"jnp.pad: reflect_type must be 'even' or 'odd', got {reflect_type!r}")
    for i in range(x.aval.ndim):
        if _check_empty_axis(x, i, pw, mode):
            continue
        n = x.aval.shape[i]
        x = _reflect_side(x, i, pw[i][0], True, mode, reflect_type == "odd", n)
        x = _reflect_side(x, i, pw[i][1], False, mode, reflect_type == "odd", n)
    return x


def _pad_edge(x, pw):
    for i in range(x.aval.ndim):
        if _check_empty_axis(x, i, pw, "edge"):
            continue
        before = repeat(_slice(x, 0, 1, i), pw[i][0], axis=i)
        after = repeat(_slice(x, -1, None, i), pw[i][1], axis=i)
        x = lax.concatenate([before, x, after], i)
    return x


def _pad_linear_ramp(x, pw, end_values):
    dt = x.aval.dtype
    for i in range(x.aval.ndim):
        ramps = []
        for side, edge in ((0, _slice(x, 0, 1, i)), (1, _slice(x, -1, None, i))):
            stop = lax.squeeze(edge, (i,))
            ramp = linspace(end_values[i][side].item(), stop, pw[i][side], endpoint=False, dtype=dt, axis=i)
            ramp = convert(as_value(ramp), dt, x.aval.weak)
            ramps.append(flip(ramp, i) if side else ramp)
        x = lax.concatenate([ramps[0], x, ramps[1]], i)
    return x


_STATS = {"maximum": amax, "minimum": amin, "mean": mean, "median": median}


def _pad_stats(x, pw, stat_length, fn):
    for i in range(x.aval.ndim):
        if stat_length is None:
            before = after = fn(x, axis=i, keepdims=True)
        else:
            lb, la = (int(v) for v in stat_length[i])
            if lb == 0 or la == 0:
                raise user_error(ValueError, "stat_length of 0 yields no value for padding")
            n = x.aval.shape[i]
            before = fn(_slice(x, 0, min(lb, n), i), axis=i, keepdims=True)
            after = fn(_slice(x, -min(la, n), None, i), axis=i, keepdims=True)
        if _dt.is_integer(x.aval.dtype):
            before, after = _round(before), _round(after)
        before = convert(as_value(before), x.aval.dtype, x.aval.weak)
        after = convert(as_value(after), x.aval.dtype, x.aval.weak)
        x = lax.concatenate([repeat(before, pw[i][0], axis=i), x, repeat(after, pw[i][1], axis=i)], i)
    return x


def _pad_empty(x, pw):
    # jnp's 'empty' fills with zeros (JAX's empty_like)
    return lax.pad(x, lax.full((), 0, x.aval.dtype), [(lo, hi, 0) for lo, hi in pw])


def _pad_func(x, pw, func, kwargs):
    x = _pad_constant(x, pw, 0)
    for axis in range(x.aval.ndim):
        x = apply_along_axis(func, axis, x, pw[axis], axis, kwargs)
    return x


_ALLOWED = {"empty": [], "edge": [], "wrap": [], "constant": ["constant_values"], "linear_ramp": ["end_values"],
            "maximum": ["stat_length"], "mean": ["stat_length"], "median": ["stat_length"],
            "minimum": ["stat_length"], "reflect": ["reflect_type"], "symmetric": ["reflect_type"]}


def pad(array, pad_width, mode="constant", **kwargs):
    """numpy's pad: `pad_width` (and stat_length/end_values) as ((before, after),) per axis or broadcast."""
    x = as_value(operand(array))
    nd = x.aval.ndim
    pw = _pairs(_static(pad_width, "pad_width"), nd, "pad_width")
    if pw and not all(isinstance(v, (int, _np.integer)) and not isinstance(v, (bool, _np.bool_))
                      for p in pw for v in p):
        raise user_error(TypeError, "`pad_width` must be of integral type.")
    pw = tuple((int(a), int(b)) for a, b in pw)
    if callable(mode):
        return _pad_func(x, pw, mode, kwargs)
    if mode not in _ALLOWED:
        raise user_error(NotImplementedError, f"Unimplemented padding mode '{mode}' for np.pad.")
    unsupported = set(kwargs) - set(_ALLOWED[mode])
    if unsupported:
        raise user_error(ValueError, f"unsupported keyword arguments for mode '{mode}': {unsupported}")
    if nd == 0:
        return x
    if any(v < 0 for p in pw for v in p):
        raise user_error(ValueError, "index can't contain negative values")
    if mode == "constant":
        return _pad_constant(x, pw, kwargs.get("constant_values", 0))
    if mode == "wrap":
        return _pad_wrap(x, pw)
    if mode in ("reflect", "symmetric"):
        return _pad_reflect(x, pw, mode, kwargs.get("reflect_type", "even"))
    if mode == "edge":
        return _pad_edge(x, pw)
    if mode == "linear_ramp":
        return _pad_linear_ramp(x, pw, _pairs(_static(kwargs.get("end_values", 0), "end_values"), nd, "end_values"))
    if mode == "empty":
        return _pad_empty(x, pw)
    stat_length = kwargs.get("stat_length")
    if stat_length is not None:
        stat_length = _pairs(_static(stat_length, "stat_length"), nd, "stat_length")
    return _pad_stats(x, pw, stat_length, _STATS[mode])


__all__ = ["pad"]
