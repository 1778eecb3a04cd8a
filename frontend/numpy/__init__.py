"""pullback.numpy: the numpy API on pb ops, with JAX's semantics.

Broadcasting and dtype promotion (with weak types for Python scalars) happen
here; every function lowers to pb primitives through pullback.lax, so it
traces under jit and the transformations, and runs eagerly otherwise. The
functions live in modules by job (creation, math, logic, reductions, shapes,
products, einsum, indexing); this module gathers them with numpy's names,
constants and dtypes, and names what is not implemented.
"""
from __future__ import annotations

import math as _math

import numpy as _np

from pullback.dialects.types import numpy_dtype as _storage

from .. import dtypes as _dt
from ..core import Array, is_array
from . import indexing
from ._arithmetic import (abs, absolute, add, arctan2, around, ceil, clip, conj, conjugate, cos, divide, divmod, exp, expm1,
                          floor, floor_divide, imag, log, log1p, maximum, minimum, mod, multiply, negative, power,
                          real, reciprocal, remainder, round, sign, sin, sqrt, square, subtract, tan, tanh,
                          true_divide)
from ._core import broadcast_shapes
from ._creation import (arange, array, asarray, astype, empty, eye, full, full_like, identity, linspace, ones,
                        ones_like, zeros, zeros_like)
from ._convolve import convolve, correlate
from ._einsum import einsum
from ._logic import (allclose, array_equal, bitwise_and, bitwise_left_shift, bitwise_not, bitwise_or,
                     bitwise_right_shift, bitwise_xor, equal, greater, greater_equal, invert, isclose, isfinite,
                     isinf, isnan, left_shift, less, less_equal, logical_and, logical_not, logical_or, not_equal,
                     right_shift, where)
from ._products import dot, inner, matmul, outer, tensordot, vdot
from ._reductions import all, amax, amin, any, argmax, argmin, cumsum, max, mean, min, prod, sum
from ._sorting import (argsort, lexsort, median, nanmedian, nanpercentile, nanquantile, percentile, quantile,
                       searchsorted, sort)
from ._transcendental import (acos, acosh, arccos, arccosh, arcsin, arcsinh, arctan, arctanh, asin, asinh, atan,
                              atanh, cbrt, cosh, exp2, log10, log2, sinc, sinh)
from ._shapes import (atleast_1d, atleast_2d, broadcast_arrays, broadcast_to, concatenate, expand_dims, hstack,
                      moveaxis, ndim, ravel, reshape, shape, size, squeeze, stack, swapaxes, transpose, vstack)

__all__ = ["abs", "absolute", "add", "all", "allclose", "amax", "amin", "any", "arange", "arctan2",
           "argmax", "argmin", "around", "array", "array_equal", "asarray", "astype", "atleast_1d", "atleast_2d",
           "bitwise_and", "bitwise_left_shift", "bitwise_not", "bitwise_or", "bitwise_right_shift", "bitwise_xor", "bool_", "broadcast_arrays", "broadcast_shapes", "broadcast_to",
           "ceil", "clip", "complex128", "complex64", "concatenate", "conj", "conjugate", "convolve", "correlate", "cos", "cumsum",
           "divide", "divmod", "dot", "dtype", "e", "einsum", "empty", "equal", "exp", "expand_dims", "expm1", "eye",
           "float16", "float32", "float64", "floor", "floor_divide", "full", "full_like", "greater",
           "greater_equal", "hstack", "identity", "imag", "indexing", "inf", "inner", "int16", "int32", "int64", "int8",
           "invert", "isclose", "isfinite", "isinf", "isnan", "left_shift", "less", "less_equal", "linalg", "linspace", "log",
           "log1p", "logical_and", "logical_not", "logical_or", "matmul", "max", "maximum", "mean", "min",
           "minimum", "mod", "moveaxis", "multiply", "nan", "ndarray", "ndim", "negative", "newaxis", "not_equal",
           "ones", "ones_like", "outer", "pi", "power", "prod", "ravel", "real", "reciprocal", "remainder",
           "reshape", "result_type", "right_shift", "round", "shape", "sign", "sin", "size", "sqrt", "square", "squeeze", "stack",
           "subtract", "sum", "swapaxes", "tan", "tanh", "tensordot", "transpose", "true_divide", "uint16", "uint32", "uint64", "uint8", "vdot",
           "vstack", "where", "zeros", "zeros_like"]
__all__ += ["acos", "acosh", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctanh", "argsort", "asin", "asinh",
            "atan", "atanh", "cbrt", "cosh", "exp2", "lexsort", "log10", "log2", "median", "nanmedian",
            "nanpercentile", "nanquantile", "percentile", "quantile", "searchsorted", "sinc", "sinh", "sort"]

ndarray = Array
pi = _math.pi
e = _math.e
inf = float("inf")
nan = float("nan")
newaxis = None

float16, float32, float64 = _np.float16, _np.float32, _np.float64
int8, int16, int32, int64 = _np.int8, _np.int16, _np.int32, _np.int64
uint8, uint16, uint32, uint64 = _np.uint8, _np.uint16, _np.uint32, _np.uint64
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


# not `from . import linalg`: the module __getattr__ would answer for numpy's linalg first
linalg = __import__("importlib").import_module(".linalg", __name__)
