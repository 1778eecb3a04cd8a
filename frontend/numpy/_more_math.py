"""More jnp math composed from jnp/lax functions: rounding toward zero and to even, NaN-aware
fmax/fmin, sign bits (copysign, signbit), modf/ldexp, select, cumulative_sum/prod with
include_initial, unwrap, membership and binning (isin, digitize, histogram, bincount with a
static length), gcd/lcm (Euclid in a while_loop), polynomial calculus, the vector products
of the array API, apply_along_axis via vmap, and small predicates."""
from __future__ import annotations

import math as _math

import numpy as _np

from .. import dtypes as _dt, lax
from ..core import Array, is_array, Tracer
from ..errors import user_error
from . import _arithmetic as _a, _logic as _l, _reductions as _r
from ._core import as_value, broadcast_all, broadcast_shapes, canonical_axis, operand, promote, promote_inexact
from ._shapes import concatenate, moveaxis, reshape
from ._composite_math import cumprod, diff
from ._arrange import _slice_along
from ._creation import linspace
from ..control_flow import while_loop
from ._convolve import convolve
from ._products import matmul
from ..batching import vmap


def _inexact(*xs):
    return [as_value(x) for x in promote_inexact(*xs)]


def trunc(x):
    x = as_value(operand(x))
    if not _dt.is_inexact(x.aval.dtype):
        return x
    return _l.where(_l.less(x, 0), _a.ceil(x), _a.floor(x))


def rint(x):
    (x,) = _inexact(x)
    return _a.round(x)


def fmax(x1, x2):
    x1, x2 = promote(x1, x2)
    return _l.where(_l.logical_or(_l.greater(x1, x2), _l.isnan(x2)), x1, x2)


def fmin(x1, x2):
    x1, x2 = promote(x1, x2)
    return _l.where(_l.logical_or(_l.less(x1, x2), _l.isnan(x2)), x1, x2)


_UINT_OF = {"float16": "uint16", "bfloat16": "uint16", "float32": "uint32", "float64": "uint64"}


def signbit(x):
    x = as_value(operand(x))
    dt = x.aval.dtype
    if _dt.is_integer(dt):
        return _l.less(x, 0)
    if dt == "bool":
        return lax.full(x.aval.shape, False, "bool")
    if _dt.is_complex(dt):
        raise user_error(ValueError, "jnp.signbit is not well defined for complex numbers")
    bits = lax.bitcast_convert_type(x, _UINT_OF[dt])
    width = _np.dtype(_UINT_OF[dt]).itemsize * 8
    return lax.ne(lax.shift_right_logical(bits, lax.full(x.aval.shape, width - 1, _UINT_OF[dt])),
                  lax.full(x.aval.shape, 0, _UINT_OF[dt]))


def copysign(x1, x2):
    x1, x2 = _inexact(x1, x2)
    x1, x2 = broadcast_all(x1, x2)
    mag = _a.abs(x1)
    return _l.where(signbit(x2), _a.negative(mag), mag)


def modf(x, out=None):
    (x,) = _inexact(x)
    whole = trunc(x)
    return _a.subtract(x, whole), whole


def ldexp(x1, x2):
    x2 = as_value(operand(x2))
    if not (_dt.is_integer(x2.aval.dtype) or x2.aval.dtype == "bool"):
        raise user_error(ValueError, f"ldexp requires integer exponents, got {x2.aval.dtype}")
    (x1,) = _inexact(x1)
    return _a.multiply(x1, _a.power(lax.full((), 2, x1.aval.dtype), lax.convert_element_type(x2, x1.aval.dtype)))


def logical_xor(x1, x2):
    return _l.not_equal(_l.logical_or(x1, False), _l.logical_or(x2, False))


def select(condlist, choicelist, default=0):
    if len(condlist) != len(choicelist):
        raise user_error(ValueError, "condlist must have length equal to choicelist")
    if not condlist:
        raise user_error(ValueError, "condlist must be non-empty")
    out = as_value(operand(default))
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        c = as_value(operand(cond))
        if c.aval.dtype != "bool":
            raise user_error(TypeError, "select condlist entries must be boolean")
        out = _l.where(c, choice, out)
    return out


def _cumulative(fn, identity, x, axis, dtype, include_initial):
    x = as_value(operand(x))
    if axis is None:
        if x.aval.ndim > 1:
            raise user_error(ValueError, "The provided array has more than one dimension, so `axis` must be specified.")
        axis = 0
    ax = canonical_axis(axis, max(x.aval.ndim, 1))
    out = fn(x, axis=ax, dtype=dtype)
    if include_initial:
        shape = list(out.aval.shape)
        shape[ax] = 1
        out = concatenate([lax.full(tuple(shape), identity, out.aval.dtype), out], axis=ax)
    return out


def cumulative_sum(x, axis=None, dtype=None, include_initial=False):
    return _cumulative(_r.cumsum, 0, x, axis, dtype, include_initial)


def cumulative_prod(x, axis=None, dtype=None, include_initial=False):
    return _cumulative(cumprod, 1, x, axis, dtype, include_initial)


def unwrap(p, discont=None, axis=-1, period=2 * _math.pi):
    (p,) = _inexact(p)
    ax = canonical_axis(axis, p.aval.ndim)
    n = p.aval.shape[ax]
    if n < 2:
        return p
    discont = period / 2 if discont is None else discont
    dd = diff(p, axis=ax)
    interval_high = period / 2
    ddmod = _a.subtract(_a.remainder(_a.add(dd, interval_high), period), interval_high)
    ddmod = _l.where(_l.logical_and(_l.equal(ddmod, -interval_high), _l.greater(dd, 0)),
                     _a.add(_a.multiply(ddmod, 0), interval_high), ddmod)
    correction = _l.where(_l.less(_a.abs(dd), discont), _a.multiply(dd, 0), _a.subtract(ddmod, dd))
    correction = _r.cumsum(correction, axis=ax)
    first = _slice_along(p, ax, 0, 1)
    return concatenate([first, _a.add(_slice_along(p, ax, 1, n), correction)], axis=ax)


def isin(element, test_elements, assume_unique=False, invert=False, *, method="auto"):
    e = as_value(operand(element))
    t = reshape(as_value(operand(test_elements)), (-1,))
    hit = _r.any(_l.equal(reshape(e, e.aval.shape + (1,)), t), axis=-1)
    return _l.logical_not(hit) if invert else hit


def digitize(x, bins, right=False, *, method=None):
    x, bins = as_value(operand(x)), as_value(operand(bins))
    if bins.aval.ndim != 1:
        raise user_error(ValueError, f"digitize: bins must be a 1-dimensional array; got bins={bins}")
    if bins.aval.shape[0] == 0:
        return lax.full(x.aval.shape, 0, "int32")
    xe = reshape(x, x.aval.shape + (1,))
    cmp = _l.greater_equal(xe, bins) if not right else _l.greater(xe, bins)
    count = _r.sum(cmp, axis=-1, dtype="int32")
    # decreasing bins count from the other side, as numpy
    decreasing = _l.less(bins[-1], bins[0])
    count_dec = _r.sum(_l.less(xe, bins) if not right else _l.less_equal(xe, bins), axis=-1, dtype="int32")
    return _l.where(decreasing, count_dec, count).astype(_dt.default_int())


def histogram_bin_edges(a, bins=10, range=None, weights=None):  # noqa: A002 - numpy's name
    a = as_value(operand(a))
    if not isinstance(bins, int):
        return as_value(operand(bins))
    (a,) = _inexact(a)
    if range is None:
        lo, hi = _r.min(a), _r.max(a)
    else:
        lo, hi = (as_value(operand(v)).astype(a.dtype) for v in range)
    same = _l.equal(lo, hi)
    lo = _l.where(same, _a.subtract(lo, 0.5), lo)
    hi = _l.where(same, _a.add(hi, 0.5), hi)
    return linspace(lo, hi, bins + 1)


def histogram(a, bins=10, range=None, weights=None, density=None):  # noqa: A002 - numpy's name
    a = reshape(as_value(operand(a)), (-1,))
    edges = histogram_bin_edges(a, bins, range)
    edges = as_value(edges)
    (a, edges) = promote_inexact(a, edges)
    a, edges = as_value(a), as_value(edges)
    nb = edges.aval.shape[0] - 1
    ae = reshape(a, (-1, 1))
    lo, hi = edges[:-1], edges[1:]
    last = lax.eq(lax.broadcasted_iota("int32", (1, nb), 1), lax.full((1, nb), nb - 1, "int32"))
    inside = _l.logical_and(_l.greater_equal(ae, lo), _l.logical_or(_l.less(ae, hi),
                                                                    _l.logical_and(last, _l.equal(ae, hi))))
    w = lax.full(a.aval.shape, 1, a.aval.dtype) if weights is None else \
        reshape(as_value(operand(weights)), (-1,)).astype(a.dtype)
    counts = _r.sum(_l.where(inside, reshape(w, (-1, 1)), 0), axis=0)
    if density:
        widths = _a.subtract(hi, lo)
        counts = _a.true_divide(_a.true_divide(counts, widths), _r.sum(counts))
    return counts, edges


def bincount(x, weights=None, minlength=0, *, length=None):
    x = as_value(operand(x))
    if not (_dt.is_integer(x.aval.dtype) or x.aval.dtype == "bool"):
        raise user_error(TypeError, f"x argument to bincount must have an integer type; got {x.aval.dtype}")
    if x.aval.ndim != 1:
        raise user_error(ValueError, "only 1-dimensional input supported.")
    if length is None:
        if isinstance(x, Tracer):
            raise user_error(TypeError, "bincount under a trace needs a static `length=`")
        length = max(int(_np.max(_np.asarray(x), initial=-1)) + 1, int(minlength))
    length = max(int(length), int(minlength))
    hits = _l.equal(reshape(x, (-1, 1)).astype("int32"), lax.broadcasted_iota("int32", (1, length), 1))
    if weights is None:
        return _r.sum(hits, axis=0, dtype=_dt.default_int())
    w = reshape(as_value(operand(weights)), (-1, 1))
    return _r.sum(_l.where(hits, w, _a.multiply(w, 0)), axis=0)


def _euclid(a, b):

    def cond(ab):
        return _r.any(_l.not_equal(ab[1], 0))

    def body(ab):
        a, b = ab
        nz = _l.not_equal(b, 0)
        safe = _l.where(nz, b, _a.add(_a.multiply(b, 0), 1))
        return _l.where(nz, b, a), _l.where(nz, _a.remainder(a, safe), b)
    return while_loop(cond, body, (a, b))[0]


def gcd(x1, x2):
    x1, x2 = promote(x1, x2)
    x1, x2 = broadcast_all(_a.abs(x1), _a.abs(x2))
    if not _dt.is_integer(x1.aval.dtype):
        raise user_error(ValueError, "Arguments to jax.numpy.gcd must be integers.")
    return _euclid(x1, x2)


def lcm(x1, x2):
    x1, x2 = promote(x1, x2)
    x1, x2 = broadcast_all(_a.abs(x1), _a.abs(x2))
    if not _dt.is_integer(x1.aval.dtype):
        raise user_error(ValueError, "Arguments to jax.numpy.lcm must be integers.")
    d = gcd(x1, x2)
    return _l.where(_l.equal(d, 0), d, _a.multiply(x1, _a.floor_divide(x2, _l.where(_l.equal(d, 0), 1, d))))


def polyder(p, m=1):
    p = as_value(operand(p))
    (p,) = _inexact(p) if not _dt.is_integer(p.aval.dtype) else (p,)
    for _ in range(int(m)):
        n = p.aval.shape[0]
        if n <= 1:
            return lax.full((0,), 0, p.aval.dtype)
        powers = lax.rev(lax.convert_element_type(lax.iota("int32", n - 1), p.aval.dtype), (0,))
        p = _a.multiply(p[:-1], _a.add(powers, 1))
    return p


def polyint(p, m=1, k=None):
    (p,) = _inexact(p)
    m = int(m)
    ks = [0.0] * m if k is None else ([k] * m if _np.ndim(k) == 0 else list(k))
    for i in range(m):
        n = p.aval.shape[0]
        div = lax.rev(lax.convert_element_type(lax.iota("int32", n), p.aval.dtype), (0,))
        p = concatenate([_a.true_divide(p, _a.add(div, 1)), reshape(as_value(operand(ks[i])).astype(p.dtype), (1,))])
    return p


def poly(seq_of_zeros):
    z = as_value(operand(seq_of_zeros))
    if z.aval.ndim != 1:
        raise user_error(NotImplementedError, "jnp.poly of a matrix needs eigenvalues (not provided)")
    (z,) = _inexact(z)
    out = lax.full((1,), 1, z.aval.dtype)
    for i in range(z.aval.shape[0]):
        out = convolve(out, concatenate([lax.full((1,), 1, z.aval.dtype), reshape(_a.negative(z[i]), (1,))]))
    return out


def vecdot(x1, x2, /, *, axis=-1, precision=None, preferred_element_type=None):
    x1, x2 = promote(x1, x2)
    x1, x2 = as_value(x1), as_value(x2)
    return _r.sum(_a.multiply(_a.conjugate(moveaxis(x1, axis, -1)), moveaxis(x2, axis, -1)), axis=-1)


def matvec(x1, x2, /):
    x2 = as_value(operand(x2))
    return matmul(x1, reshape(x2, x2.aval.shape + (1,)))[..., 0]


def vecmat(x1, x2, /):
    x1 = as_value(operand(x1))
    return matmul(reshape(_a.conjugate(x1), x1.aval.shape[:-1] + (1, x1.aval.shape[-1])), x2)[..., 0, :]


def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    arr = as_value(operand(arr))
    ax = canonical_axis(axis, arr.aval.ndim)
    fn = lambda a: func1d(a, *args, **kwargs)  # noqa: E731
    for i in range(1, arr.aval.ndim - ax):  # JAX's nesting: trailing axes map to trailing outputs
        fn = vmap(fn, in_axes=i, out_axes=-1)
    for _ in range(ax):
        fn = vmap(fn, in_axes=0, out_axes=0)
    return fn(arr)


def apply_over_axes(func, a, axes):
    a = as_value(operand(a))
    for ax in axes:
        b = func(a, ax)
        a = b if b.ndim == a.ndim else reshape(b, tuple(1 if i == canonical_axis(ax, a.ndim) else d
                                                         for i, d in enumerate(a.shape)))
    return a


def isscalar(element):
    if isinstance(element, (Array, Tracer)) or is_array(element):
        return as_value(element).aval.ndim == 0
    return _np.isscalar(element)


def iscomplex(x):
    x = as_value(operand(x))
    if not _dt.is_complex(x.aval.dtype):
        return lax.full(x.aval.shape, False, "bool")
    return _l.not_equal(lax.imag(x), 0)


def isreal(x):
    return _l.logical_not(iscomplex(x))


def iterable(y):
    try:
        iter(y)
    except TypeError:
        return False
    return True


def array_equiv(a1, a2):
    a1, a2 = as_value(operand(a1)), as_value(operand(a2))
    try:
        broadcast_shapes(a1.aval.shape, a2.aval.shape)
    except ValueError:
        return Array(_np.asarray(False), "bool", False)
    return _r.all(_l.equal(a1, a2))


def choose(a, choices, out=None, mode="raise"):
    a = as_value(operand(a))
    n = len(choices)
    if mode == "wrap":
        a = _a.remainder(a, n)
    elif mode == "clip":
        a = _a.clip(a, 0, n - 1)
    elif mode == "raise":
        if isinstance(a, Tracer):
            raise user_error(ValueError, "The error occurred because jnp.choose was jit-compiled with mode='raise'. "
                             "Use mode='wrap' or mode='clip' instead.")
        if _np.any(_np.asarray(a) < 0) or _np.any(_np.asarray(a) >= n):
            raise user_error(ValueError, "invalid entry in choice array")
    else:
        raise user_error(ValueError, f"mode={mode!r} not understood. Must be 'raise', 'wrap', or 'clip'")
    parts = broadcast_all(a, *promote(*choices))
    a, cs = parts[0], parts[1:]
    out = cs[-1]
    for i in range(n - 2, -1, -1):
        out = _l.where(_l.equal(a, i), cs[i], out)
    return out


__all__ = ["apply_along_axis", "apply_over_axes", "array_equiv", "bincount", "choose", "copysign",
           "cumulative_prod", "cumulative_sum", "digitize", "fmax", "fmin", "gcd", "histogram",
           "histogram_bin_edges", "iscomplex", "isin", "isreal", "isscalar", "iterable", "lcm", "ldexp",
           "logical_xor", "matvec", "modf", "poly", "polyder", "polyint", "rint", "select", "signbit", "trunc",
           "unwrap", "vecdot", "vecmat"]
