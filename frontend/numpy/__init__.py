"""pullback.numpy: the numpy API on pb ops, with JAX's semantics.

Broadcasting and dtype promotion (with weak types for Python scalars) happen
here; every function lowers to pb primitives through pullback.lax, so it
traces under jit and the transformations, and runs eagerly otherwise.
"""
from __future__ import annotations

import builtins
import math as _math

import numpy as _np

from pullback.dialects.types import numpy_dtype as _storage

from .. import dtypes as _dt
from .. import lax
from ..core import Array, Literal, Tracer, is_array
from ..errors import user_error
from ._eager import eager_jit
from ._core import (as_value, broadcast_all, broadcast_shapes, broadcast_to_shape, canonical_axes,
                    canonical_axis, convert, elementwise, operand, promote, promote_inexact)

ndarray = Array
pi = _math.pi
e = _math.e
inf = float("inf")
nan = float("nan")
newaxis = None

float16, float32, float64 = _np.float16, _np.float32, _np.float64
int8, int32, int64, uint32 = _np.int8, _np.int32, _np.int64, _np.uint32
complex64, complex128 = _np.complex64, _np.complex128
bool_ = _np.bool_


class _NotImplemented:
    """A numpy name pullback lacks: calling it (or a member, as in jnp.fft.fft) says so."""

    def __init__(self, name):
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        raise NotImplementedError(f"pullback.numpy.{self.__name__} is not implemented")

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _NotImplemented(f"{self.__name__}.{attr}")

    def __repr__(self):
        return f"<not implemented: pullback.numpy.{self.__name__}>"


_not_implemented = _NotImplemented


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    if hasattr(_np, name):
        return _not_implemented(name)
    raise AttributeError(f"module 'pullback.numpy' has no attribute '{name}'")


def dtype(x):
    return _np.dtype(x)


def result_type(*args):
    typed = []
    for a in args:
        if is_array(a):
            typed.append((a.aval.dtype, a.aval.weak))
        elif isinstance(a, (bool, int, float, complex)):
            typed.append(_dt.scalar_type(a))
        else:
            typed.append((_dt.name(a), False))
    return _np.dtype(_storage(_dt.result_type(*typed)[0]))


# ---------------------------------------------------------------- creation

def _stack_traced(seq):
    return stack([asarray(x) for x in seq])


def array(object, dtype=None, copy=True):  # noqa: A002 - numpy's name
    if is_array(object):
        return object if dtype is None else lax.convert_element_type(object, _dt.name(dtype))
    if isinstance(object, (list, tuple)) and _contains_tracer(object):
        out = _stack_traced(object)
        return out if dtype is None else lax.convert_element_type(out, _dt.name(dtype))
    if isinstance(object, (list, tuple)):
        object = [_np.asarray(x) if isinstance(x, Array) else x for x in object]
    if dtype is None and type(object) in (bool, int, float, complex):
        dt, weak = _dt.scalar_type(object)  # jnp.array(2.5) stays weakly typed, as in JAX
        return Array(_np.asarray(object, dtype=_storage(dt)), dt, weak)
    host = _np.asarray(object)
    if dtype is not None:
        dt = _dt.name(dtype)
    elif host.dtype == _np.float64 and not isinstance(object, _np.ndarray):
        dt = _dt.default_float()
    elif host.dtype == _np.int64 and not isinstance(object, _np.ndarray):
        dt = _dt.default_int()
    else:
        dt = _dt.canonicalize(host.dtype.name)
    return Array(host.astype(_storage(dt)), dt, False)


def astype(x, dtype):
    return lax.convert_element_type(as_value(operand(x)), _dt.name(dtype))


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
    return lax.full(shape, fill_value, dtype)


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
    dt = _dt.name(dtype) if dtype is not None else (
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
    dt = _dt.name(dtype) if dtype is not None else inexact
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
    dt = _dt.name(dtype) if dtype is not None else _dt.default_float()
    rows = lax.broadcasted_iota("int32", (N, M), 0)
    cols = lax.broadcasted_iota("int32", (N, M), 1)
    mask = lax.eq(lax.add(rows, Literal(k, "int32", False)), cols)
    return lax.convert_element_type(mask, dt)


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


# ---------------------------------------------------------------- elementwise

def _unary_inexact(name, fn):
    def f(x):
        (x,) = promote_inexact(x)
        return fn(as_value(x))
    f.__name__ = name
    return eager_jit(f)


exp = _unary_inexact("exp", lax.exp)
log = _unary_inexact("log", lax.log)
log1p = _unary_inexact("log1p", lax.log1p)
expm1 = _unary_inexact("expm1", lax.expm1)
sin = _unary_inexact("sin", lax.sin)
cos = _unary_inexact("cos", lax.cos)
tan = _unary_inexact("tan", lax.tan)
tanh = _unary_inexact("tanh", lax.tanh)
sqrt = _unary_inexact("sqrt", lax.sqrt)


def _unary(name, fn):
    def f(x):
        return fn(as_value(operand(x)))
    f.__name__ = name
    return eager_jit(f)


negative = _unary("negative", lax.neg)
sign = _unary("sign", lax.sign)


@eager_jit
def abs(x):  # noqa: A001 - numpy's name
    x = as_value(operand(x))
    if x.aval.dtype in ("uint32", "bool"):
        return x
    return lax.abs(x)


absolute = abs


def floor(x):
    x = as_value(operand(x))
    return x if not _dt.is_inexact(x.aval.dtype) else lax.floor(x)


def ceil(x):
    x = as_value(operand(x))
    return x if not _dt.is_inexact(x.aval.dtype) else lax.ceil(x)


def round(a, decimals=0):  # noqa: A001 - numpy's name
    a = as_value(operand(a))
    if not _dt.is_inexact(a.aval.dtype):
        return a
    if decimals == 0:
        return lax.round(a, lax.RoundingMethod.TO_NEAREST_EVEN)
    factor = Literal(10.0 ** decimals, a.aval.dtype, False)
    return lax.div(lax.round(lax.mul(a, factor), lax.RoundingMethod.TO_NEAREST_EVEN), factor)


around = round


@eager_jit
def square(x):
    return lax.integer_pow(as_value(operand(x)), 2)


def reciprocal(x):
    (x,) = promote_inexact(x)
    return lax.div(Literal(1, x.aval.dtype, x.aval.weak), as_value(x))


def real(x):
    x = as_value(operand(x))
    return lax.real(x) if _dt.is_complex(x.aval.dtype) else x


def imag(x):
    x = as_value(operand(x))
    return lax.imag(x) if _dt.is_complex(x.aval.dtype) else zeros_like(x)


def conjugate(x):
    x = as_value(operand(x))
    return lax.conj(x) if _dt.is_complex(x.aval.dtype) else x


conj = conjugate


@eager_jit
def add(x, y):
    return elementwise(lambda a, b: lax.bitwise_or(a, b) if a.aval.dtype == "bool" else lax.add(a, b), x, y)


@eager_jit
def subtract(x, y):
    return elementwise(lax.sub, x, y)


@eager_jit
def multiply(x, y):
    return elementwise(lambda a, b: lax.bitwise_and(a, b) if a.aval.dtype == "bool" else lax.mul(a, b), x, y)


@eager_jit
def true_divide(x, y):
    return elementwise(lax.div, x, y, inexact=True)


divide = true_divide


@eager_jit
def floor_divide(x, y):
    def f(a, b):
        if _dt.is_integer(a.aval.dtype):
            q = lax.div(a, b)
            # C division truncates; numpy floors: step down when signs differ and it was inexact
            r = lax.rem(a, b)
            fix = lax.bitwise_and(lax.ne(r, Literal(0, r.aval.dtype, False)),
                                  lax.ne(lax.lt(r, Literal(0, r.aval.dtype, False)),
                                         lax.lt(b, Literal(0, b.aval.dtype, False))))
            return lax.select(fix, lax.sub(q, Literal(1, q.aval.dtype, False)), q)
        return lax.floor(lax.div(a, b))
    return elementwise(f, x, y)


@eager_jit
def remainder(x, y):
    def f(a, b):
        r = lax.rem(a, b)
        zero = Literal(0, r.aval.dtype, False)
        fix = lax.bitwise_and(lax.ne(r, zero), lax.ne(lax.lt(r, zero), lax.lt(b, zero)))
        return lax.select(fix, lax.add(r, b), r)
    return elementwise(f, x, y)


mod = remainder


@eager_jit
def power(x, y):
    if isinstance(y, int) and not isinstance(y, bool):  # lax.integer_pow, as JAX does
        (xv,) = promote(x)
        return lax.integer_pow(as_value(xv), y)

    a, b = promote(x, y)  # integers stay integers (pb.pow has an integer form), as in JAX
    return elementwise(lax.pow, a, b, inexact=not _dt.is_integer(a.aval.dtype))


@eager_jit
def maximum(x, y):
    return elementwise(lax.max, x, y)


@eager_jit
def minimum(x, y):
    return elementwise(lax.min, x, y)


@eager_jit
def arctan2(y, x):
    return elementwise(lax.atan2, y, x, inexact=True)


def _comparison(name, fn):
    def f(x, y):
        return elementwise(fn, x, y)
    f.__name__ = name
    return eager_jit(f)


equal = _comparison("equal", lax.eq)
not_equal = _comparison("not_equal", lax.ne)
less = _comparison("less", lax.lt)
less_equal = _comparison("less_equal", lax.le)
greater = _comparison("greater", lax.gt)
greater_equal = _comparison("greater_equal", lax.ge)


@eager_jit
def logical_and(x, y):
    return elementwise(lax.bitwise_and, _to_bool(x), _to_bool(y))


@eager_jit
def logical_or(x, y):
    return elementwise(lax.bitwise_or, _to_bool(x), _to_bool(y))


def logical_not(x):
    return lax.bitwise_not(_to_bool(x))


def _to_bool(x):
    x = as_value(operand(x))
    return x if x.aval.dtype == "bool" else lax.ne(x, Literal(0, x.aval.dtype, False))


@eager_jit
def bitwise_and(x, y):
    return elementwise(lax.bitwise_and, x, y)


@eager_jit
def bitwise_or(x, y):
    return elementwise(lax.bitwise_or, x, y)


@eager_jit
def bitwise_xor(x, y):
    return elementwise(lax.bitwise_xor, x, y)


def invert(x):
    return lax.bitwise_not(as_value(operand(x)))


bitwise_not = invert


@eager_jit
def where(condition, x=None, y=None):
    if x is None or y is None:
        raise NotImplementedError("pullback.numpy.where with one argument (data-dependent shape)")
    c = _to_bool(condition)
    x, y = promote(x, y)
    c, x, y = broadcast_all(c, x, y)
    return lax.select(c, x, y)


def clip(a, a_min=None, a_max=None, min=None, max=None):  # noqa: A002 - numpy's names
    a_min = min if a_min is None else a_min
    a_max = max if a_max is None else a_max
    out = operand(a)
    if a_min is not None:
        out = maximum(out, a_min)
    if a_max is not None:
        out = minimum(out, a_max)
    return as_value(out)


def isfinite(x):
    x = as_value(operand(x))
    if not _dt.is_inexact(x.aval.dtype):
        return full(x.aval.shape, True, "bool")
    if _dt.is_complex(x.aval.dtype):
        return logical_and(isfinite(lax.real(x)), isfinite(lax.imag(x)))
    return lax.lt(lax.abs(x), Literal(float("inf"), x.aval.dtype, False))


def isnan(x):
    x = as_value(operand(x))
    return lax.ne(x, x)


def isinf(x):
    x = as_value(operand(x))
    if not _dt.is_inexact(x.aval.dtype):
        return full(x.aval.shape, False, "bool")
    return lax.eq(lax.abs(x), Literal(float("inf"), _dt.real_dtype(x.aval.dtype), False))


# ---------------------------------------------------------------- reductions

def _reduction(name, lax_fn, *, bool_fn=None, upcast_bool=False):
    def f(a, axis=None, dtype=None, keepdims=False, out=None, initial=None, where=None):
        if out is not None or where is not None:
            raise NotImplementedError(f"pullback.numpy.{name} with out= or where=")
        a = as_value(operand(a))
        axes = canonical_axes(axis, a.aval.ndim)
        if dtype is not None:
            a = lax.convert_element_type(a, _dt.name(dtype))
        elif upcast_bool and a.aval.dtype == "bool":
            a = lax.convert_element_type(a, _dt.default_int())
        elif upcast_bool and a.aval.dtype in ("int8",):
            a = lax.convert_element_type(a, _dt.default_int())
        r = lax_fn(a, axes)
        if initial is not None:
            r = {"sum": add, "prod": multiply, "max": maximum, "min": minimum}[name](r, initial)
        return _keepdims(r, a.aval.shape, axes) if keepdims else r
    f.__name__ = name
    return f


def _keepdims(r, shape, axes):
    new = tuple(1 if i in axes else d for i, d in enumerate(shape))
    return lax.reshape(r, new)


sum = _reduction("sum", lax.reduce_sum, upcast_bool=True)  # noqa: A001
prod = _reduction("prod", lax.reduce_prod, upcast_bool=True)
max = _reduction("max", lax.reduce_max)  # noqa: A001
min = _reduction("min", lax.reduce_min)  # noqa: A001
amax, amin = max, min


def mean(a, axis=None, dtype=None, keepdims=False):
    a = as_value(operand(a))
    axes = canonical_axes(axis, a.aval.ndim)
    n = 1
    for ax in axes:
        n *= a.aval.shape[ax]
    dt = _dt.name(dtype) if dtype is not None else _dt.to_inexact(a.aval.dtype)
    s = sum(lax.convert_element_type(a, dt), axis=axes, keepdims=keepdims)
    return lax.div(s, Literal(n, dt, False))


def all(a, axis=None, keepdims=False):  # noqa: A001
    return min(_to_bool(a), axis=axis, keepdims=keepdims)


def any(a, axis=None, keepdims=False):  # noqa: A001
    return max(_to_bool(a), axis=axis, keepdims=keepdims)


def argmax(a, axis=None, keepdims=False):
    return _arg_reduction(lax.argmax, a, axis, keepdims)


def argmin(a, axis=None, keepdims=False):
    return _arg_reduction(lax.argmin, a, axis, keepdims)


def _arg_reduction(fn, a, axis, keepdims):
    a = as_value(operand(a))
    if axis is None:
        a = ravel(a)
        axis = 0
    ax = canonical_axis(axis, a.aval.ndim)
    r = fn(a, ax, _dt.default_int())
    return _keepdims(r, a.aval.shape, (ax,)) if keepdims else r


def cumsum(a, axis=None, dtype=None):
    a = as_value(operand(a))
    if axis is None:
        a = ravel(a)
        axis = 0
    if dtype is not None:
        a = lax.convert_element_type(a, _dt.name(dtype))
    elif a.aval.dtype == "bool":
        a = lax.convert_element_type(a, _dt.default_int())
    return lax.cumsum(a, canonical_axis(axis, a.aval.ndim))


# ---------------------------------------------------------------- shapes

def shape(a):
    return operand(a).aval.shape


def ndim(a):
    return len(operand(a).aval.shape)


def size(a):
    return int(_np.prod(operand(a).aval.shape, dtype=_np.int64))


def reshape(a, newshape=None, order="C", shape=None):
    newshape = shape if newshape is None else newshape
    a = as_value(operand(a))
    if isinstance(newshape, int):
        newshape = (newshape,)
    newshape = list(newshape)
    total = int(_np.prod(a.aval.shape, dtype=_np.int64))
    if newshape.count(-1) > 1:
        raise user_error(ValueError, "can only specify one unknown dimension")
    if -1 in newshape:
        known = int(_np.prod([d for d in newshape if d != -1], dtype=_np.int64))
        if known == 0 or total % known:
            raise user_error(TypeError, f"cannot reshape array of shape {a.aval.shape} into shape "
                             f"{tuple(newshape)}")
        newshape[newshape.index(-1)] = total // known
    if int(_np.prod(newshape, dtype=_np.int64)) != total:
        raise user_error(TypeError, f"cannot reshape array of shape {a.aval.shape} (size {total}) "
                         f"into shape {tuple(newshape)}")
    return lax.reshape(a, tuple(newshape))


def ravel(a):
    return reshape(a, (-1,))


def transpose(a, axes=None):
    a = as_value(operand(a))
    nd = a.aval.ndim
    axes = tuple(reversed(range(nd))) if axes is None else tuple(canonical_axis(x, nd) for x in axes)
    if sorted(axes) != list(range(nd)):
        raise user_error(ValueError, f"axes {axes} are not a permutation of the array's dimensions")
    return lax.transpose(a, axes)


def moveaxis(a, source, destination):
    a = as_value(operand(a))
    nd = a.aval.ndim
    src = canonical_axis(source, nd)
    dst = canonical_axis(destination, nd)
    order = [i for i in range(nd) if i != src]
    order.insert(dst, src)
    return lax.transpose(a, tuple(order))


def swapaxes(a, axis1, axis2):
    a = as_value(operand(a))
    perm = list(range(a.aval.ndim))
    i, j = canonical_axis(axis1, a.aval.ndim), canonical_axis(axis2, a.aval.ndim)
    perm[i], perm[j] = perm[j], perm[i]
    return lax.transpose(a, perm)


def squeeze(a, axis=None):
    a = as_value(operand(a))
    if axis is None:
        axes = tuple(i for i, d in enumerate(a.aval.shape) if d == 1)
    else:
        axes = canonical_axes(axis, a.aval.ndim)
        for ax in axes:
            if a.aval.shape[ax] != 1:
                raise user_error(ValueError, f"cannot squeeze axis {ax} of size {a.aval.shape[ax]}")
    return lax.reshape(a, tuple(d for i, d in enumerate(a.aval.shape) if i not in axes))


def expand_dims(a, axis):
    a = as_value(operand(a))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    nd = a.aval.ndim + len(axes)
    axes = sorted(canonical_axis(ax, nd) for ax in axes)
    shape_ = list(a.aval.shape)
    for ax in axes:
        shape_.insert(ax, 1)
    return lax.reshape(a, tuple(shape_))


def broadcast_to(a, shape):
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return broadcast_to_shape(as_value(operand(a)), shape)


def broadcast_arrays(*args):
    return broadcast_all(*[as_value(operand(a)) for a in args])


def atleast_1d(a):
    a = as_value(operand(a))
    return reshape(a, (1,)) if a.aval.ndim == 0 else a


def atleast_2d(a):
    a = as_value(operand(a))
    if a.aval.ndim >= 2:
        return a
    return reshape(a, (1,) * (2 - a.aval.ndim) + a.aval.shape)


def concatenate(arrays, axis=0):
    arrays = promote(*[as_value(operand(a)) for a in arrays])
    if not arrays:
        raise user_error(ValueError, "need at least one array to concatenate")
    if axis is None:
        arrays, axis = [ravel(a) for a in arrays], 0
    nd = arrays[0].aval.ndim
    if nd == 0:
        raise user_error(ValueError, "zero-dimensional arrays cannot be concatenated")
    return lax.concatenate([as_value(a) for a in arrays], canonical_axis(axis, nd))


def stack(arrays, axis=0):
    arrays = [as_value(operand(a)) for a in arrays]
    if not arrays:
        raise user_error(ValueError, "need at least one array to stack")
    shapes = {a.aval.shape for a in arrays}
    if len(shapes) != 1:
        raise user_error(ValueError, "all input arrays must have the same shape")
    ax = canonical_axis(axis, arrays[0].aval.ndim + 1)
    return concatenate([expand_dims(a, ax) for a in arrays], axis=ax)


def vstack(tup):
    return concatenate([atleast_2d(_tuple_to_array(a)) for a in tup], axis=0)


def hstack(tup):
    arrs = [atleast_1d(_tuple_to_array(a)) for a in tup]
    return concatenate(arrs, axis=0 if arrs[0].aval.ndim == 1 else 1)


def _tuple_to_array(a):
    # JAX accepts (deprecated) tuples of arrays in vstack, as the tutorial's loop_mjp does
    if isinstance(a, tuple):
        return array(a) if len(a) != 1 else as_value(operand(a[0]))
    return as_value(operand(a))


# ---------------------------------------------------------------- products

def dot(a, b):
    a, b = promote(a, b)
    a, b = as_value(a), as_value(b)
    if a.aval.ndim == 0 or b.aval.ndim == 0:
        return multiply(a, b)
    if b.aval.ndim == 1:
        return lax.dot_general(a, b, (((a.aval.ndim - 1,), (0,)), ((), ())))
    return lax.dot_general(a, b, (((a.aval.ndim - 1,), (b.aval.ndim - 2,)), ((), ())))


def matmul(a, b):
    a, b = promote(a, b)
    a, b = as_value(a), as_value(b)
    if a.aval.ndim == 0 or b.aval.ndim == 0:
        raise user_error(ValueError, "matmul: operands must not be scalars")
    if a.aval.ndim == 1 or b.aval.ndim == 1 or (a.aval.ndim == 2 and b.aval.ndim == 2):
        if a.aval.shape[-1] != b.aval.shape[0 if b.aval.ndim == 1 else -2]:
            raise user_error(TypeError, f"matmul: shapes {a.aval.shape} and {b.aval.shape} do not align")
        return dot(a, b)
    batch = broadcast_shapes(a.aval.shape[:-2], b.aval.shape[:-2])
    a = broadcast_to(a, batch + a.aval.shape[-2:])
    b = broadcast_to(b, batch + b.aval.shape[-2:])
    nb = len(batch)
    return lax.dot_general(a, b, (((nb + 1,), (nb,)), (tuple(range(nb)), tuple(range(nb)))))


def vdot(a, b):
    a, b = promote(a, b)
    a, b = ravel(conjugate(a)), ravel(as_value(b))
    return lax.dot_general(a, b, (((0,), (0,)), ((), ())))


def inner(a, b):
    a, b = promote(a, b)
    a, b = as_value(a), as_value(b)
    if a.aval.ndim == 0 or b.aval.ndim == 0:
        return multiply(a, b)
    return lax.dot_general(a, b, (((a.aval.ndim - 1,), (b.aval.ndim - 1,)), ((), ())))


def outer(a, b):
    a, b = promote(a, b)
    return multiply(reshape(a, (-1, 1)), ravel(b))


def tensordot(a, b, axes=2):
    a, b = promote(a, b)
    a, b = as_value(a), as_value(b)
    if isinstance(axes, int):
        ca = tuple(range(a.aval.ndim - axes, a.aval.ndim))
        cb = tuple(range(axes))
    else:
        ca, cb = axes
        ca = (ca,) if isinstance(ca, int) else tuple(ca)
        cb = (cb,) if isinstance(cb, int) else tuple(cb)
        ca = tuple(canonical_axis(x, a.aval.ndim) for x in ca)
        cb = tuple(canonical_axis(x, b.aval.ndim) for x in cb)
    for i, j in zip(ca, cb):
        if a.aval.shape[i] != b.aval.shape[j]:
            raise user_error(TypeError, f"tensordot: shape mismatch {a.aval.shape} and {b.aval.shape}")
    return lax.dot_general(a, b, ((ca, cb), ((), ())))


def einsum(subscripts, *operands, **kwargs):
    from ._einsum import einsum as _einsum
    return _einsum(subscripts, *operands, **kwargs)


# ---------------------------------------------------------------- checks

def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return all(isclose(a, b, rtol, atol, equal_nan))


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    a, b = promote(a, b)
    a, b = as_value(a), as_value(b)
    if not _dt.is_inexact(a.aval.dtype):
        return equal(a, b)
    diff = abs(subtract(a, b))
    tol = add(atol, multiply(rtol, abs(b)))
    close = less_equal(diff, tol)
    close = logical_or(close, equal(a, b))
    if equal_nan:
        close = logical_or(close, logical_and(isnan(a), isnan(b)))
    return close


def array_equal(a1, a2, equal_nan=False):
    a1, a2 = as_value(operand(a1)), as_value(operand(a2))
    if a1.aval.shape != a2.aval.shape:
        return Array(_np.asarray(False), "bool", False)
    eq = equal(a1, a2)
    if equal_nan:
        eq = logical_or(eq, logical_and(isnan(a1), isnan(a2)))
    return all(eq)


# not `from . import linalg`: the module __getattr__ would answer for numpy's linalg first
linalg = __import__("importlib").import_module(".linalg", __name__)
