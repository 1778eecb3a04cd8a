"""jnp math composed from other jnp functions: logaddexp (with JAX's custom derivative),
nan_to_num, fmod, hypot, angle conversions, cumulative products, differences and gradients,
polynomials, kron/vander/cross, interp and trapezoid.

Formulas follow JAX's implementations so that values, derivatives at special points
(infinities, ties) and dtypes agree with it.
"""
from __future__ import annotations

import math as _math

import numpy as _np

from .. import dtypes as _dt, lax
from ..custom_derivatives import custom_jvp
from ..errors import user_error
from . import _arithmetic as _a, _logic as _l
from ._arrange import _slice_along
from ._core import as_value, broadcast_all, canonical_axis, elementwise, operand, promote, promote_inexact
from ._reductions import cumsum, sum as _sum
from ._transcendental import exp2
from ._shapes import concatenate, moveaxis, ravel, reshape, stack
from pullback.dialects.types import numpy_dtype
from ._convolve import convolve


def _inexact(*xs):
    return [as_value(x) for x in promote_inexact(*xs)]


def _replace_inf(x):
    """+inf replaced by 0 (JAX's helper: -inf stays)."""
    return _l.where(_l.equal(x, float("inf")), lax.full(x.aval.shape, 0, x.aval.dtype), x)


@custom_jvp
def logaddexp(x1, x2):
    x1, x2 = _inexact(x1, x2)
    amax = _a.maximum(x1, x2)
    delta = _a.subtract(x1, x2)
    return _l.where(_l.isnan(delta), _a.add(x1, x2),
                    _a.add(amax, _a.log1p(_a.exp(_a.negative(_a.abs(delta))))))


@logaddexp.defjvp
def _logaddexp_jvp(primals, tangents):
    x1, x2 = _inexact(*primals)
    t1, t2 = _inexact(*tangents)
    out = logaddexp(x1, x2)
    return out, _a.add(_a.multiply(t1, _a.exp(_a.subtract(_replace_inf(x1), _replace_inf(out)))),
                       _a.multiply(t2, _a.exp(_a.subtract(_replace_inf(x2), _replace_inf(out)))))


_LN2 = _math.log(2.0)


@custom_jvp
def logaddexp2(x1, x2):
    x1, x2 = _inexact(x1, x2)
    amax = _a.maximum(x1, x2)
    delta = _a.subtract(x1, x2)
    return _l.where(_l.isnan(delta), _a.add(x1, x2),
                    _a.add(amax, _a.multiply(1 / _LN2, _a.log1p(exp2(_a.negative(_a.abs(delta)))))))


@logaddexp2.defjvp
def _logaddexp2_jvp(primals, tangents):
    x1, x2 = _inexact(*primals)
    t1, t2 = _inexact(*tangents)
    out = logaddexp2(x1, x2)
    return out, _a.add(_a.multiply(t1, exp2(_a.subtract(_replace_inf(x1), _replace_inf(out)))),
                       _a.multiply(t2, exp2(_a.subtract(_replace_inf(x2), _replace_inf(out)))))


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    x = as_value(operand(x))
    dt = x.aval.dtype
    if not _dt.is_inexact(dt):
        return x
    if _dt.is_complex(dt):
        return lax.complex(nan_to_num(lax.real(x), nan=nan, posinf=posinf, neginf=neginf),
                           nan_to_num(lax.imag(x), nan=nan, posinf=posinf, neginf=neginf))
    info = _finfo(_storage(dt))
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    out = _l.where(_l.isnan(x), lax.full(x.aval.shape, nan, dt), x)
    out = _l.where(_l.logical_and(_l.isinf(out), _l.greater(out, 0)), lax.full(x.aval.shape, posinf, dt), out)
    return _l.where(_l.logical_and(_l.isinf(out), _l.less(out, 0)), lax.full(x.aval.shape, neginf, dt), out)


def _finfo(np_dtype):
    try:
        return _np.finfo(np_dtype)
    except ValueError:  # bfloat16 and the other ml_dtypes floats
        import ml_dtypes  # lazy: numpy's own dtypes never need it
        return ml_dtypes.finfo(np_dtype)


def _storage(dt):
    return numpy_dtype(dt)


def fmod(x1, x2):
    x1, x2 = promote(x1, x2)
    x1, x2 = as_value(x1), as_value(x2)
    if _dt.is_integer(x1.aval.dtype) or x1.aval.dtype == "bool":
        x2 = _l.where(_l.equal(x2, 0), lax.full(x2.aval.shape, 1, x2.aval.dtype) if x2.aval.shape else 1, x2)
    return elementwise(lax.rem, x1, x2)


def hypot(x1, x2):
    x1, x2 = _inexact(x1, x2)
    x1, x2 = _a.abs(x1), _a.abs(x2)
    # an infinite side gives inf, with a zero derivative (inf * 0 would make both nan), as JAX
    inf = _l.logical_or(isposinf(x1), isposinf(x2))
    big, small = _a.maximum(x1, x2), _a.minimum(x1, x2)
    safe = _l.where(_l.equal(big, 0), _a.add(big, 1), big)
    r = _a.true_divide(small, safe)
    out = _l.where(_l.equal(big, 0), big, _a.multiply(big, _a.sqrt(_a.add(1, _a.multiply(r, r)))))
    return _l.where(inf, _math.inf, out)


def deg2rad(x):
    (x,) = _inexact(x)
    return _a.multiply(x, _math.pi / 180)


def rad2deg(x):
    (x,) = _inexact(x)
    return _a.multiply(x, 180 / _math.pi)


radians, degrees = deg2rad, rad2deg


def positive(x):
    return as_value(operand(x))


def fabs(x):
    (x,) = _inexact(x)
    if _dt.is_complex(x.aval.dtype):
        raise user_error(TypeError, "ufunc 'fabs' does not support complex dtypes")
    return _a.abs(x)


def float_power(x1, x2):
    x1, x2 = promote(x1, x2)
    dt = _dt.canonicalize("complex128" if _dt.is_complex(as_value(x1).aval.dtype) else "float64")
    return _a.power(lax.convert_element_type(as_value(x1), dt), lax.convert_element_type(as_value(x2), dt))


def heaviside(x1, x2):
    x1, x2 = _inexact(x1, x2)
    # constants, not x1 * 0 (nan at inf); a nan x1 passes through, derivative and all, as JAX
    return _l.where(_l.less(x1, 0), 0, _l.where(_l.greater(x1, 0), 1, _l.where(_l.isnan(x1), x1, x2)))


def isposinf(x):
    return _l.logical_and(_l.isinf(x), _l.greater(x, 0))


def isneginf(x):
    return _l.logical_and(_l.isinf(x), _l.less(x, 0))


def _along(a, axis):
    a = as_value(operand(a))
    if axis is None:
        return ravel(a), 0
    return a, canonical_axis(axis, a.aval.ndim)


def cumprod(a, axis=None, dtype=None):
    a, ax = _along(a, axis)
    if dtype is not None:
        a = lax.convert_element_type(a, _dt.requested(dtype))
    elif a.aval.dtype == "bool" or (_dt.is_integer(a.aval.dtype) and _np.dtype(_storage(a.aval.dtype)).itemsize < 4):
        a = lax.convert_element_type(a, _dt.default_int() if a.aval.dtype == "bool" or a.aval.dtype[0] == "i"
                                     else _dt.canonicalize("uint64"))
    return lax.cumprod(a, ax)


def _nan_zeroed(a, fill):
    a = as_value(operand(a))
    if not _dt.is_inexact(a.aval.dtype):
        return a
    return _l.where(_l.isnan(a), lax.full(a.aval.shape, fill, a.aval.dtype), a)


def nancumsum(a, axis=None, dtype=None):
    return cumsum(_nan_zeroed(a, 0), axis=axis, dtype=dtype)


def nancumprod(a, axis=None, dtype=None):
    return cumprod(_nan_zeroed(a, 1), axis=axis, dtype=dtype)


def diff(a, n=1, axis=-1, prepend=None, append=None):
    a = as_value(operand(a))
    if a.aval.ndim == 0:
        raise user_error(ValueError, "diff requires input that is at least one dimensional")
    ax = canonical_axis(axis, a.aval.ndim)
    pieces = []
    for extra in (prepend, a, append):
        if extra is None:
            continue
        e = as_value(operand(extra))
        if e.aval.ndim == 0:
            shape = list(a.aval.shape)
            shape[ax] = 1
            e = lax.broadcast_in_dim(lax.convert_element_type(e, a.aval.dtype), tuple(shape), ())
        pieces.append(e)
    a = concatenate(pieces, axis=ax) if len(pieces) > 1 else a
    subtract = _l.not_equal if a.aval.dtype == "bool" else _a.subtract
    for _ in range(int(n)):
        m = a.aval.shape[ax]
        if m == 0:
            break
        a = subtract(_slice_along(a, ax, 1, m), _slice_along(a, ax, 0, m - 1))
    return a


def ediff1d(ary, to_end=None, to_begin=None):
    for arg, pos in ((ary, 0), (to_end, 1), (to_begin, 2)):
        if isinstance(arg, (list, tuple)):
            raise user_error(TypeError, f"ediff1d requires ndarray or scalar arguments, got {type(arg)} at position {pos}.")
    a = ravel(ary)
    out = diff(a) if a.aval.shape[0] else a
    pieces = [ravel(lax.convert_element_type(as_value(operand(to_begin)), out.aval.dtype))] if to_begin is not None else []
    pieces.append(out)
    if to_end is not None:
        pieces.append(ravel(lax.convert_element_type(as_value(operand(to_end)), out.aval.dtype)))
    return concatenate(pieces) if len(pieces) > 1 else out


def gradient(f, *varargs, axis=None, edge_order=None):
    f = as_value(operand(f))
    (f,) = _inexact(f)
    if edge_order is not None and edge_order != 1:
        raise user_error(NotImplementedError, "The 'edge_order' argument to jnp.gradient is not supported.")
    axes = tuple(range(f.aval.ndim)) if axis is None else \
        tuple(canonical_axis(ax, f.aval.ndim) for ax in ((axis,) if isinstance(axis, int) else axis))
    if not varargs:
        spacing = [1.0] * len(axes)
    elif len(varargs) == 1:
        spacing = list(varargs) * len(axes)
    elif len(varargs) == len(axes):
        spacing = list(varargs)
    else:
        raise user_error(TypeError, "Invalid number of spacing arguments")
    out = []
    for ax, h in zip(axes, spacing):
        n = f.aval.shape[ax]
        if n < 2:
            raise user_error(ValueError, "Shape of array too small to calculate a numerical gradient, "
                             "at least (edge_order + 1) elements are required.")
        h = as_value(operand(h))
        if h.aval.ndim:
            raise user_error(NotImplementedError, "jnp.gradient with coordinate arrays is not supported")
        inner = _a.true_divide(_a.subtract(_slice_along(f, ax, 2, n), _slice_along(f, ax, 0, n - 2)),
                               _a.multiply(2, h))
        first = _a.true_divide(_a.subtract(_slice_along(f, ax, 1, 2), _slice_along(f, ax, 0, 1)), h)
        last = _a.true_divide(_a.subtract(_slice_along(f, ax, n - 1, n), _slice_along(f, ax, n - 2, n - 1)), h)
        out.append(concatenate([first, inner, last], axis=ax))
    return out[0] if len(out) == 1 else out


def polyval(p, x, *, unroll=16):
    p, x = promote(p, x)
    p, x = as_value(p), as_value(x)
    y = _a.multiply(x, 0)
    for i in range(p.aval.shape[0]):
        y = _a.add(_a.multiply(y, x), p[i])
    return y


def _pad_front(a, n):
    return concatenate([lax.full((n,), 0, a.aval.dtype), a]) if n else a


def polyadd(a1, a2):
    a1, a2 = promote(a1, a2)
    a1, a2 = ravel(a1), ravel(a2)
    n = max(a1.aval.shape[0], a2.aval.shape[0])
    return _a.add(_pad_front(a1, n - a1.aval.shape[0]), _pad_front(a2, n - a2.aval.shape[0]))


def polysub(a1, a2):
    return polyadd(a1, _a.negative(a2))


def polymul(a1, a2, *, trim_leading_zeros=False):
    a1, a2 = promote(a1, a2)
    a1, a2 = ravel(a1), ravel(a2)
    if a1.aval.shape[0] == 0 or a2.aval.shape[0] == 0:
        return lax.full((1,), 0, a1.aval.dtype)
    return convolve(a1, a2, mode="full")


def kron(a, b):
    a, b = promote(a, b)
    a, b = as_value(a), as_value(b)
    nd = max(a.aval.ndim, b.aval.ndim)
    a = reshape(a, (1,) * (nd - a.aval.ndim) + a.aval.shape)
    b = reshape(b, (1,) * (nd - b.aval.ndim) + b.aval.shape)
    a_big = reshape(a, tuple(d for s in a.aval.shape for d in (s, 1)))
    b_big = reshape(b, tuple(d for s in b.aval.shape for d in (1, s)))
    return reshape(_a.multiply(a_big, b_big), tuple(x * y for x, y in zip(a.aval.shape, b.aval.shape)))


def vander(x, N=None, increasing=False):
    x = as_value(operand(x))
    if x.aval.ndim != 1:
        raise user_error(ValueError, "x must be a one-dimensional array")
    n = x.aval.shape[0] if N is None else int(N)
    if n < 0:
        raise user_error(ValueError, "N must be nonnegative")
    powers = lax.iota(_dt.default_int(), n)
    if not increasing:
        powers = lax.rev(powers, (0,))
    return _a.power(reshape(x, (-1, 1)), powers)


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = promote(a, b)
    a = moveaxis(as_value(a), axisa, -1)
    b = moveaxis(as_value(b), axisb, -1)
    if a.aval.shape[-1] not in (2, 3) or b.aval.shape[-1] not in (2, 3):
        raise user_error(ValueError, "Dimension must be either 2 or 3 for cross product")
    if a.aval.shape[-1] == 2 and b.aval.shape[-1] == 2:
        return _a.subtract(_a.multiply(a[..., 0], b[..., 1]), _a.multiply(a[..., 1], b[..., 0]))
    a0, a1 = a[..., 0], a[..., 1]
    a2 = a[..., 2] if a.aval.shape[-1] == 3 else _a.multiply(a0, 0)
    b0, b1 = b[..., 0], b[..., 1]
    b2 = b[..., 2] if b.aval.shape[-1] == 3 else _a.multiply(b0, 0)
    m = _a.multiply
    c = [_a.subtract(m(a1, b2), m(a2, b1)), _a.subtract(m(a2, b0), m(a0, b2)), _a.subtract(m(a0, b1), m(a1, b0))]
    return moveaxis(stack(broadcast_all(*c), axis=-1), -1, axisc)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    (y,) = _inexact(y)
    ax = canonical_axis(axis, y.aval.ndim)
    n = y.aval.shape[ax]
    avg = _a.true_divide(_a.add(_slice_along(y, ax, 1, n), _slice_along(y, ax, 0, n - 1)), 2)
    if x is None:
        return _a.multiply(_sum(avg, axis=ax), dx)
    d = diff(as_value(operand(x)), axis=ax if as_value(operand(x)).aval.ndim > 1 else -1)
    if d.aval.ndim == 1 and y.aval.ndim > 1:
        d = reshape(d, tuple(d.aval.shape[0] if i == ax else 1 for i in range(y.aval.ndim)))
    return _sum(_a.multiply(avg, d), axis=ax)


def interp(x, xp, fp, left=None, right=None, period=None):
    if period is not None:
        raise user_error(NotImplementedError, "jnp.interp with period= is not supported")
    x, xp, fp = _inexact(x, xp, fp)
    if xp.aval.ndim != 1 or fp.aval.ndim != 1 or xp.aval.shape != fp.aval.shape:
        raise user_error(ValueError, "xp and fp must be one-dimensional arrays of equal size")
    m = xp.aval.shape[0]
    # i = index of the last xp <= x (clipped to [0, m-2]): a count of comparisons, no sort needed.
    count = _sum(lax.convert_element_type(_l.greater_equal(reshape(x, x.aval.shape + (1,)), xp), "int32"), axis=-1)
    i = _a.clip(_a.subtract(count, 1), 0, max(m - 2, 0))
    x0, x1, f0, f1 = xp[i], xp[_a.add(i, 1)], fp[i], fp[_a.add(i, 1)]
    dx = _a.subtract(x1, x0)
    t = _a.true_divide(_a.subtract(x, x0), _l.where(_l.equal(dx, 0), _a.add(dx, 1), dx))
    f = _a.add(f0, _a.multiply(t, _a.subtract(f1, f0)))
    f = _l.where(_l.equal(dx, 0), f0, f)
    f = _l.where(_l.less(x, xp[0]), fp[0] if left is None else _a.add(_a.multiply(fp[0], 0), left), f)
    return _l.where(_l.greater(x, xp[m - 1]), fp[m - 1] if right is None else _a.add(_a.multiply(fp[0], 0), right), f)
