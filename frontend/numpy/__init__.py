"""pullback.numpy: the numpy API on pb ops, with JAX's semantics.

Broadcasting and dtype promotion (with weak types for Python scalars) happen
here; every function lowers to pb primitives through pullback.lax, so it
traces under jit and the transformations, and runs eagerly otherwise. The
functions live in modules by job (creation, math, logic, reductions, shapes,
products, einsum, indexing); this module gathers them with numpy's names,
constants and dtypes. A numpy name pullback lacks is absent (AttributeError), never a stub.
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
from ._take import put, take, take_along_axis
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
           "vstack", "where", "zeros", "zeros_like",
           "put", "take", "take_along_axis"]
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

# Compositions of the functions above (rearrangements, math, statistics, dtype queries, index tricks).
from ._arrange import (append, array_split, atleast_3d, delete, diag, diagflat, diagonal, dsplit, flip,  # noqa: E402
                       fliplr, flipud, hsplit, indices, insert, ix_, meshgrid, repeat, roll, rot90, split, tile,
                       trace, tri, tril, triu, vsplit)
from ._composite_math import (cross, cumprod, deg2rad, degrees, diff, ediff1d, fabs, float_power,  # noqa: E402
                              fmod, gradient, heaviside, hypot, interp, isneginf, isposinf, kron, logaddexp,
                              logaddexp2, nan_to_num, nancumprod, nancumsum, polyadd, polymul, polysub, polyval,
                              positive, rad2deg, radians, trapezoid, vander)
from ._dtype_api import (bfloat16, can_cast, complexfloating, finfo, floating, generic, iinfo, inexact,  # noqa: E402
                         integer, iscomplexobj, isdtype, isrealobj, issubdtype, number, promote_types, signedinteger, unsignedinteger)
from ._index_tricks import c_, column_stack, dstack, r_  # noqa: E402
from ._statistics import (average, corrcoef, count_nonzero, cov, nanargmax, nanargmin, nanmax,  # noqa: E402
                          nanmean, nanmin, nanprod, nanstd, nansum, nanvar, ptp, std, var)

__all__ += ["append", "array_split", "atleast_3d", "delete", "diag", "diagflat", "diagonal", "dsplit", "flip",
            "fliplr", "flipud", "hsplit", "indices", "insert", "ix_", "meshgrid", "repeat", "roll", "rot90", "split",
            "tile", "trace", "tri", "tril", "triu", "vsplit",
            "cross", "cumprod", "deg2rad", "degrees", "diff", "ediff1d", "fabs", "float_power", "fmod", "gradient",
            "heaviside", "hypot", "interp", "isneginf", "isposinf", "kron", "logaddexp", "logaddexp2", "nan_to_num",
            "nancumprod", "nancumsum", "polyadd", "polymul", "polysub", "polyval", "positive", "rad2deg",
            "radians", "trapezoid", "vander",
            "bfloat16", "can_cast", "complexfloating", "finfo", "floating", "generic", "iinfo", "inexact",
            "integer", "iscomplexobj", "isdtype", "isrealobj", "issubdtype", "number", "promote_types", "signedinteger", "unsignedinteger",
            "c_", "column_stack", "dstack", "r_",
            "average", "corrcoef", "count_nonzero", "cov", "nanargmax", "nanargmin", "nanmax", "nanmean", "nanmin",
            "nanprod", "nanstd", "nansum", "nanvar", "ptp", "std", "var"]

from . import _construct, _more_math  # noqa: E402
from ._construct import *  # noqa: E402,F401,F403 - constructors and layout helpers (their __all__)
from ._more_math import *  # noqa: E402,F401,F403 - more composed math (their __all__)

pow = power  # noqa: A001 - the array API's names of numpy functions
bitwise_invert = invert
double, single, cdouble, csingle = _np.float64, _np.float32, _np.complex128, _np.complex64
float_, complex_, int_, uint = _np.float64, _np.complex128, _np.int64, _np.uint64
character, flexible = _np.character, _np.flexible

__all__ += _construct.__all__ + _more_math.__all__ + ["bitwise_invert", "cdouble", "character", "complex_",
                                                      "csingle", "double", "flexible", "float_", "int_", "pow",
                                                      "single", "uint"]

# Data-dependent shapes (size=), padding, bits, partial sorts and placement, ufuncs, odds and ends, host io.
from . import _bits, _io, _misc_math, _padding, _selection, _setops, _ufunc  # noqa: E402
from ._bits import *  # noqa: E402,F401,F403
from ._io import *  # noqa: E402,F401,F403
from ._misc_math import *  # noqa: E402,F401,F403
from ._padding import *  # noqa: E402,F401,F403
from ._selection import *  # noqa: E402,F401,F403
from ._setops import *  # noqa: E402,F401,F403
from ._ufunc import *  # noqa: E402,F401,F403

bool = bool_  # noqa: A001 - numpy 2's name of the boolean scalar type
__all__ += (_bits.__all__ + _io.__all__ + _misc_math.__all__ + _padding.__all__ + _selection.__all__
            + _setops.__all__ + _ufunc.__all__)  # not "bool": a star import would shadow the builtin

from . import _polyfit  # noqa: E402
from ._polyfit import polyfit, roots  # noqa: E402,F401 - polynomial functions on linalg (eig, lstsq)

__all__ += _polyfit.__all__

fft = __import__("importlib").import_module(".fft", __name__)  # jnp.fft: frontend/numpy/fft.py (as linalg)
__all__ += ["fft"]

from ._bessel import i0  # noqa: E402  (frontend/numpy/_bessel.py)

__all__ += ["i0"]
