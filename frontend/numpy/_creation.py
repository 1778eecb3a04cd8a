"""jnp array creation: array/asarray, filled arrays, ranges (arange, linspace) and eye.

Concrete inputs give host-built Arrays where no op is needed; traced ones (a fill
value, linspace's bounds) go through lax, so their derivatives are kept.
"""
from __future__ import annotations

import builtins

import numpy as _np

from pullback.dialects.types import numpy_dtype as _storage

from .. import dtypes as _dt
from .. import lax
from ..core import Array, Literal, Tracer, is_array
from ..errors import user_error
from . import _shapes
from ._core import as_value, broadcast_all, broadcast_to_shape, canonical_axis, convert, operand

nan = float("nan")


def _stack_traced(seq):
    return _shapes.stack([asarray(x) for x in seq])


def array(object, dtype=None, copy=True):  # noqa: A002 - numpy's name
    if is_array(object):
        return object if dtype is None else lax.convert_element_type(object, _dt.requested(dtype))
    if isinstance(object, (list, tuple)) and _contains_tracer(object):
        out = _stack_traced(object)
        return out if dtype is None else lax.convert_element_type(out, _dt.requested(dtype))
    if isinstance(object, (list, tuple)):
        # JAX promotes the elements on its lattice, Python scalars weakly: [bfloat16(1), 2.5] is
        # bfloat16 (numpy would make it float64, then float32)
        types = _element_types(object, []) if dtype is None else None
        object = [_np.asarray(x) if isinstance(x, Array) else x for x in object]
        if types:
            dt = _dt.result_type(*types)[0]
            return Array(_np.asarray(object, dtype=_storage(dt)), dt, False)  # out of range: OverflowError, as JAX
    if dtype is None and type(object) in (bool, int, float, complex):
        dt, weak = _dt.scalar_type(object)  # jnp.array(2.5) stays weakly typed, as in JAX
        return Array(_np.asarray(object, dtype=_storage(dt)), dt, weak)
    host = _np.asarray(object)
    if dtype is not None:
        dt = _dt.requested(dtype)
    elif host.dtype == _np.float64 and not isinstance(object, _np.ndarray):
        dt = _dt.default_float()
    elif host.dtype == _np.int64 and not isinstance(object, _np.ndarray):
        dt = _dt.default_int()
    else:
        dt = _dt.canonicalize(host.dtype.name)
    return Array(host.astype(_storage(dt)), dt, False)


def _element_types(seq, out: list) -> list:
    """(dtype, weak) of each element of a nested list of scalars and arrays."""
    for x in seq:
        if isinstance(x, (list, tuple)):
            _element_types(x, out)
        elif type(x) in (bool, int, float, complex):
            out.append(_dt.scalar_type(x))
        elif is_array(x):
            out.append((x.aval.dtype, x.aval.weak))
        else:
            out.append((_dt.canonicalize(_np.asarray(x).dtype.name), False))
    return out


def astype(x, dtype):
    return lax.convert_element_type(as_value(operand(x)), _dt.requested(dtype))


def _contains_tracer(seq):
    return builtins.any(isinstance(x, Tracer) or (isinstance(x, (list, tuple)) and _contains_tracer(x))
                        for x in seq)


def asarray(a, dtype=None):
    if is_array(a) and dtype is None:
        return a
    return array(a, dtype)


def zeros(shape, dtype=None):
    return full(shape, 0, dtype or _dt.default_float())


def ones(shape, dtype=None):
    return full(shape, 1, dtype or _dt.default_float())


def full(shape, fill_value, dtype=None):
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if dtype is None and not is_array(fill_value):
        # a Python scalar fill keeps its weak type (jnp.full((2,), 7) is weak int32, as in JAX)
        dt, weak = _dt.scalar_type(fill_value)
        return lax.broadcast_in_dim(Literal(fill_value, dt, weak), shape, ())
    return lax.full(shape, fill_value, _dt.requested(dtype))


def _like(name, default):
    def f(a, dtype=None, shape=None):
        a = operand(a)
        sh = a.aval.shape if shape is None else shape
        return full(sh, default, dtype or a.aval.dtype)
    f.__name__ = name
    return f


zeros_like = _like("zeros_like", 0)
ones_like = _like("ones_like", 1)


def full_like(a, fill_value, dtype=None, shape=None):
    a = operand(a)
    return full(a.aval.shape if shape is None else shape, fill_value, dtype or a.aval.dtype)


def empty(shape, dtype=None):
    return zeros(shape, dtype)


def arange(start, stop=None, step=None, dtype=None):
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    for v in (start, stop, step):
        if isinstance(v, Tracer):
            raise user_error(TypeError, "jnp.arange needs concrete bounds (they define the shape)")
    host = _np.arange(start, stop, step)
    dt = _dt.requested(dtype) if dtype is not None else (
        _dt.default_int() if host.dtype.kind in "iu" else _dt.default_float())
    n = host.shape[0]
    if builtins.all(isinstance(v, int) for v in (start, step)):
        it = lax.iota(dt, n)
        if step != 1:
            it = lax.mul(it, Literal(step, dt, False))
        if start != 0:
            it = lax.add(it, Literal(start, dt, False))
        return it
    return Array(host.astype(_storage(dt)), dt, False)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    num = int(num)
    if num < 0:
        raise user_error(ValueError, f"Number of samples, {num}, must be non-negative.")
    start, stop = operand(start), operand(stop)
    inexact, _ = _dt.result_type((start.aval.dtype, start.aval.weak), (stop.aval.dtype, stop.aval.weak),
                                 (_dt.default_float(), True))
    dt = _dt.requested(dtype) if dtype is not None else inexact
    if not isinstance(start, Tracer) and not isinstance(stop, Tracer):
        # concrete bounds: numpy's values, computed once on the host
        host = _np.linspace(_np.asarray(start.to_numpy() if isinstance(start, Literal) else start),
                            _np.asarray(stop.to_numpy() if isinstance(stop, Literal) else stop),
                            num, endpoint=endpoint, retstep=retstep, axis=axis)
        out, step = host if retstep else (host, None)
        if _dt.is_integer(dt):  # JAX floors (numpy's astype would truncate toward zero)
            out = _np.floor(out)
        out = Array(out.astype(_storage(dt)), dt, False)
        return (out, Array(_np.asarray(step).astype(_storage(inexact)), inexact, False)) if retstep else out
    return _traced_linspace(start, stop, num, endpoint, retstep, dt, _dt.to_inexact(dt), axis)


def _traced_linspace(start, stop, num, endpoint, retstep, dt, work, axis):
    """JAX's formulation, start * (1 - s) + stop * s on s = iota / div: its derivatives with
    respect to the bounds are those of that expression (a host computation would drop them)."""
    start, stop = broadcast_all(convert(start, work), convert(stop, work))
    bounds = start.aval.shape
    axis = canonical_axis(axis, len(bounds) + 1)
    out_shape = bounds[:axis] + (1,) + bounds[axis:]
    div = num - 1 if endpoint else num
    delta = lax.div(lax.sub(stop, start), Literal(div, work, False)) if div > 0 else full((), nan, work)
    if num > 1:
        grown = out_shape[:axis] + (div,) + out_shape[axis + 1:]
        real = _dt.real_dtype(work)
        step = lax.div(lax.broadcasted_iota(real, grown, axis), Literal(div, real, False))
        step = convert(step, work)
        out = lax.add(lax.mul(broadcast_to_shape(lax.reshape(start, out_shape), grown),
                              lax.sub(Literal(1, work, False), step)),
                      lax.mul(broadcast_to_shape(lax.reshape(stop, out_shape), grown), step))
        if endpoint:
            out = lax.concatenate([out, lax.reshape(stop, out_shape)], axis)
    elif num == 1:
        out = lax.reshape(start, out_shape)
    else:
        out = full(bounds[:axis] + (0,) + bounds[axis:], 0, work)
    if _dt.is_integer(dt):
        out = lax.floor(out)
    out = lax.convert_element_type(out, dt)
    return (out, delta) if retstep else out


def eye(N, M=None, k=0, dtype=None):
    M = N if M is None else M
    dt = _dt.requested(dtype) if dtype is not None else _dt.default_float()
    rows = lax.broadcasted_iota("int32", (N, M), 0)
    cols = lax.broadcasted_iota("int32", (N, M), 1)
    mask = lax.eq(lax.add(rows, Literal(k, "int32", False)), cols)
    return lax.convert_element_type(mask, dt)


def identity(n, dtype=None):
    return eye(n, dtype=dtype)
