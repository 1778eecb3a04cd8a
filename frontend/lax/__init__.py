"""pullback.lax: one function per pb op, with JAX's lax signatures.

lax functions apply exactly one primitive: operands must already agree in
shape and dtype (Python scalars adopt the dtype of the array operands).
Promotion and broadcasting belong to pullback.numpy.
"""
from __future__ import annotations

from typing import Sequence, Union

import numpy as np

from .. import dtypes
from ..core import Array, Literal, bind1, is_array
from ..tracing import to_array
from ..tree_util import tree_map as _tree_map
from ..errors import user_error


def _operands(*xs):
    """Arrays as they are; Python scalars as literals of the arrays' dtype."""
    ref = next((x for x in xs if is_array(x) or isinstance(x, Literal)), None)
    out = []
    for x in xs:
        if is_array(x) or isinstance(x, Literal):
            out.append(x)
        elif isinstance(x, (np.ndarray, np.generic)):
            out.append(to_array(x))
        elif ref is not None:
            out.append(Literal(x, ref.aval.dtype, True))
        else:
            dt, weak = dtypes.scalar_type(x)
            out.append(Literal(x, dt, weak))
    return out


def _elementwise(*xs):
    """Operands of an n-ary elementwise op: rank-0 ones (scalars) broadcast to the others' shape,
    as lax allows; pb ops themselves take equal shapes only."""
    ops = _operands(*xs)
    shape = next((x.aval.shape for x in ops if x.aval.shape), ())
    return [broadcast_in_dim(x, shape, ()) if shape and not x.aval.shape else x for x in ops]


# ---- elementwise: one primitive each --------------------------------------------

def neg(x):
    return bind1("neg", _operands(x))


def abs(x):
    return bind1("abs", _operands(x))


def sign(x):
    return bind1("sign", _operands(x))


def floor(x):
    return bind1("floor", _operands(x))


def ceil(x):
    return bind1("ceil", _operands(x))


def exp(x):
    return bind1("exp", _operands(x))


def log(x):
    return bind1("log", _operands(x))


def log1p(x):
    return bind1("log1p", _operands(x))


def expm1(x):
    return bind1("expm1", _operands(x))


def sin(x):
    return bind1("sin", _operands(x))


def cos(x):
    return bind1("cos", _operands(x))


def tan(x):
    return bind1("tan", _operands(x))


def tanh(x):
    return bind1("tanh", _operands(x))


def logistic(x):
    return bind1("logistic", _operands(x))


def sqrt(x):
    return bind1("sqrt", _operands(x))


def rsqrt(x):
    return bind1("rsqrt", _operands(x))


def real(x):
    return bind1("real", _operands(x))


def imag(x):
    return bind1("imag", _operands(x))


def conj(x):
    return bind1("conj", _operands(x))


def add(x, y):
    return bind1("add", _elementwise(x, y))


def sub(x, y):
    return bind1("sub", _elementwise(x, y))


def mul(x, y):
    return bind1("mul", _elementwise(x, y))


def div(x, y):
    return bind1("div", _elementwise(x, y))


def rem(x, y):
    return bind1("rem", _elementwise(x, y))


def max(x, y):
    return bind1("max", _elementwise(x, y))


def min(x, y):
    return bind1("min", _elementwise(x, y))


def pow(x, y):
    return bind1("pow", _elementwise(x, y))


def atan2(x, y):
    return bind1("atan2", _elementwise(x, y))


def complex(x, y):
    return bind1("complex", _elementwise(x, y))


def shift_left(x, y):
    return bind1("shift_left", _elementwise(x, y))


def shift_right_arithmetic(x, y):
    return bind1("shift_right_arithmetic", _elementwise(x, y))


def shift_right_logical(x, y):
    return bind1("shift_right_logical", _elementwise(x, y))


def bitwise_and(x, y):
    return bind1("and", _elementwise(x, y))


def bitwise_or(x, y):
    return bind1("or", _elementwise(x, y))


def bitwise_xor(x, y):
    return bind1("xor", _elementwise(x, y))


def bitwise_not(x):
    return bind1("not", _operands(x))


def population_count(x):
    return bind1("population_count", _operands(x))


def clz(x):
    return bind1("clz", _operands(x))


def stop_gradient(x):
    """The identity, with a zero derivative (pytrees too, as in JAX)."""
    return _tree_map(lambda v: bind1("stop_gradient", _operands(v)), x)


class RoundingMethod:
    AWAY_FROM_ZERO = "AWAY_FROM_ZERO"
    TO_NEAREST_EVEN = "TO_NEAREST_EVEN"


def round(x, rounding_method=RoundingMethod.AWAY_FROM_ZERO):  # noqa: A001 - JAX's name
    if isinstance(rounding_method, int):
        rounding_method = ["AWAY_FROM_ZERO", "TO_NEAREST_EVEN"][rounding_method]
    return bind1("round", _operands(x), {"rounding_method": rounding_method})


def integer_pow(x, y: int):
    return bind1("integer_pow", _operands(x), {"y": int(y)})


def _compare(x, y, direction):
    return bind1("compare", _elementwise(x, y), {"direction": direction}, weak=False)


def eq(x, y):
    return _compare(x, y, "EQ")


def ne(x, y):
    return _compare(x, y, "NE")


def lt(x, y):
    return _compare(x, y, "LT")


def le(x, y):
    return _compare(x, y, "LE")


def gt(x, y):
    return _compare(x, y, "GT")


def ge(x, y):
    return _compare(x, y, "GE")


def select(pred, on_true, on_false):
    pred = to_array(pred) if not is_array(pred) else pred
    return bind1("select", _elementwise(pred, *_operands(on_true, on_false)))


def convert_element_type(x, new_dtype, weak_type: bool = False):
    new_dtype = dtypes.name(new_dtype)
    (x,) = _operands(x)
    if x.aval.dtype == new_dtype and x.aval.weak == weak_type:
        return x
    if x.aval.dtype == new_dtype and isinstance(x, Array):
        return Array(x._value, new_dtype, weak_type)
    return bind1("convert_element_type", [x], {"new_dtype": new_dtype}, weak=weak_type)


def bitcast_convert_type(x, new_dtype):
    return bind1("bitcast", _operands(x), {"new_dtype": dtypes.name(new_dtype)}, weak=False)


def broadcast_in_dim(x, shape: Sequence[int], broadcast_dimensions: Sequence[int]):
    (x,) = _operands(x)
    if (tuple(shape) == x.aval.shape and tuple(broadcast_dimensions) == tuple(range(len(shape)))
            and not isinstance(x, Literal)):  # a Literal must not escape as a result (jnp.ones(()))
        return x
    return bind1("broadcast_in_dim", [x], {"shape": tuple(int(d) for d in shape),
                                          "broadcast_dimensions": tuple(int(d) for d in broadcast_dimensions)})


def broadcast(x, sizes: Sequence[int]):
    (x,) = _operands(x)
    nd = len(sizes)
    return broadcast_in_dim(x, tuple(sizes) + x.aval.shape, tuple(range(nd, nd + x.aval.ndim)))


def reshape(x, new_sizes: Sequence[int], dimensions=None):
    (x,) = _operands(x)
    if dimensions is not None:
        x = transpose(x, dimensions)
    new_sizes = tuple(int(d) for d in new_sizes)
    if new_sizes == x.aval.shape:
        return x
    return bind1("reshape", [x], {"new_sizes": new_sizes})


def transpose(x, permutation: Sequence[int]):
    (x,) = _operands(x)
    permutation = tuple(int(p) for p in permutation)
    if permutation == tuple(range(x.aval.ndim)):
        return x
    return bind1("transpose", [x], {"permutation": permutation})


def rev(x, dimensions: Sequence[int]):
    return bind1("rev", _operands(x), {"dimensions": tuple(int(d) for d in dimensions)})


def slice(x, start_indices, limit_indices, strides=None):  # noqa: A001 - JAX's name
    (x,) = _operands(x)
    strides = tuple(strides) if strides is not None else (1,) * x.aval.ndim
    return bind1("slice", [x], {"start_indices": tuple(int(i) for i in start_indices),
                                "limit_indices": tuple(int(i) for i in limit_indices),
                                "strides": tuple(int(s) for s in strides)})


def _index_operands(indices):
    out = []
    for i in indices:
        if is_array(i) or isinstance(i, Literal):
            out.append(i)
        else:
            out.append(Literal(int(i), "int32", False))
    return out


def dynamic_slice(x, start_indices, slice_sizes):
    (x,) = _operands(x)
    return bind1("dynamic_slice", [x] + _index_operands(start_indices),
                 {"slice_sizes": tuple(int(s) for s in slice_sizes)}, weak=x.aval.weak)


def dynamic_update_slice(x, update, start_indices):
    x, update = _operands(x, update)
    return bind1("dynamic_update_slice", [x, update] + _index_operands(start_indices),
                 weak=x.aval.weak and update.aval.weak)


def concatenate(operands, dimension: int):
    """Join along `dimension`, as a balanced tree of binary pb.concatenate ops."""
    ops = _operands(*operands)
    if not ops:
        raise ValueError("concatenate needs at least one operand")
    while len(ops) > 1:
        pairs = [bind1("concatenate", [ops[i], ops[i + 1]], {"dimension": int(dimension)})
                 for i in range(0, len(ops) - 1, 2)]
        ops = pairs + ([ops[-1]] if len(ops) % 2 else [])
    return ops[0]


def pad(x, padding_value, padding_config):
    x, pv = _operands(x, padding_value)
    lo, hi, interior = zip(*padding_config) if padding_config else ((), (), ())
    return bind1("pad", [x, pv], {"low": tuple(int(v) for v in lo), "high": tuple(int(v) for v in hi),
                                  "interior": tuple(int(v) for v in interior)}, weak=x.aval.weak)


def iota(dtype, size: int):
    return broadcasted_iota(dtype, (int(size),), 0)


def broadcasted_iota(dtype, shape, dimension: int):
    return bind1("iota", [], {"dtype": dtypes.name(dtype), "shape": tuple(int(d) for d in shape),
                              "dimension": int(dimension)}, weak=False)


def _reduce(name, x, axes):
    (x,) = _operands(x)
    return bind1(name, [x], {"axes": tuple(int(a) for a in axes)})


def reduce_sum(x, axes):
    return _reduce("reduce_sum", x, axes)


def reduce_max(x, axes):
    return _reduce("reduce_max", x, axes)


def reduce_min(x, axes):
    return _reduce("reduce_min", x, axes)


def reduce_prod(x, axes):
    return _reduce("reduce_prod", x, axes)


def argmax(x, axis: int, index_dtype):
    return bind1("argmax", _operands(x), {"axis": int(axis), "index_dtype": dtypes.name(index_dtype)},
                 weak=False)


def argmin(x, axis: int, index_dtype):
    return bind1("argmin", _operands(x), {"axis": int(axis), "index_dtype": dtypes.name(index_dtype)},
                 weak=False)


def cumsum(x, axis: int = 0, reverse: bool = False):
    return bind1("cumsum", _operands(x), {"axis": int(axis), "reverse": int(bool(reverse))})


def dot_general(lhs, rhs, dimension_numbers, precision=None, preferred_element_type=None):
    (lc, rc), (lb, rb) = dimension_numbers
    lhs, rhs = _operands(lhs, rhs)
    return bind1("dot_general", [lhs, rhs], {
        "lhs_contracting": tuple(int(v) for v in lc), "rhs_contracting": tuple(int(v) for v in rc),
        "lhs_batch": tuple(int(v) for v in lb), "rhs_batch": tuple(int(v) for v in rb)})


def gather(operand, start_indices, dimension_numbers=None, slice_sizes=None, *, unique_indices=False,
           indices_are_sorted=False, mode="clip", fill_value=None, offset_dims=None, collapsed_slice_dims=None,
           start_index_map=None):
    """lax.gather, with JAX's signature (a GatherDimensionNumbers) or its fields as keywords.
    JAX's modes are accepted (pb's "fill"/"fill_zero" too); a fill_value other than the default
    one fills the windows that do not fit (FILL_OR_DROP)."""
    if dimension_numbers is not None:
        dn = dimension_numbers
        if tuple(getattr(dn, "operand_batching_dims", ())) or tuple(getattr(dn, "start_indices_batching_dims", ())):
            raise NotImplementedError("gather batching dims (operand_batching_dims, start_indices_batching_dims) "
                                      "are not supported")
        offset_dims, collapsed_slice_dims, start_index_map = (dn.offset_dims, dn.collapsed_slice_dims,
                                                              dn.start_index_map)
    if None in (offset_dims, collapsed_slice_dims, start_index_map, slice_sizes):
        raise user_error(TypeError, "gather needs dimension_numbers (or offset_dims, collapsed_slice_dims and "
                         "start_index_map) and slice_sizes")
    (operand,) = _operands(operand)
    mode = gather_mode(mode)
    if fill_value is not None and mode != "clip":
        return _gather_filled(operand, start_indices, fill_value, offset_dims=offset_dims,
                              collapsed_slice_dims=collapsed_slice_dims, start_index_map=start_index_map,
                              slice_sizes=slice_sizes)
    return bind1("gather", [operand, to_array(start_indices)], {
        "offset_dims": tuple(offset_dims), "collapsed_slice_dims": tuple(collapsed_slice_dims),
        "start_index_map": tuple(start_index_map), "slice_sizes": tuple(int(s) for s in slice_sizes),
        "mode": mode}, weak=operand.aval.weak)


def full(shape, fill_value, dtype=None):
    dt = dtypes.name(dtype) if dtype is not None else None
    if is_array(fill_value):
        v = fill_value if dt is None else convert_element_type(fill_value, dt)
    else:
        if dt is None:
            dt, _ = dtypes.scalar_type(fill_value)
        v = Literal(fill_value, dt, False)
    return broadcast_in_dim(v, tuple(shape), ())


__all__ = ["RoundingMethod", "abs", "add", "argmax", "argmin", "atan2", "bitcast_convert_type", "bitwise_and",
           "bitwise_not", "bitwise_or", "bitwise_xor", "broadcast", "broadcast_in_dim", "broadcasted_iota", "ceil",
           "complex", "concatenate", "conj", "convert_element_type", "cos", "cumsum", "div", "dot_general",
           "dynamic_slice", "dynamic_update_slice", "eq", "exp", "expm1", "floor", "full", "gather", "ge", "gt",
           "imag", "integer_pow", "iota", "le", "log", "log1p", "logistic", "lt", "max", "min", "mul", "ne", "neg",
           "pad", "pow", "real", "reduce_max", "reduce_min", "reduce_prod", "reduce_sum", "rem", "reshape", "rev",
           "round", "rsqrt", "scatter", "scatter_add", "select", "shift_left", "shift_right_arithmetic",
           "shift_right_logical", "sign", "sin", "slice", "sqrt", "stop_gradient", "sub", "tan", "tanh",
           "transpose",
           # scatters and gather modes (frontend/lax/_scatter.py)
           "GatherDimensionNumbers", "GatherScatterMode", "ScatterDimensionNumbers", "scatter_apply",
           "scatter_max", "scatter_min",
           "scatter_mul", "scatter_sub",
           # control flow (frontend/control_flow.py, control_parallel.py)
           "associative_scan", "cond", "fori_loop", "map", "scan", "select_n", "switch", "while_loop"]

# Scatters live in a module of their own (with JAX's dimension numbers and modes).
from ._scatter import (GatherDimensionNumbers, GatherScatterMode, ScatterDimensionNumbers,  # noqa: E402
                       gather_mode, scatter, scatter_add,
                       scatter_apply, scatter_max, scatter_min, scatter_mul, scatter_sub)


def _gather_filled(operand, start_indices, fill_value, **dims):
    """A "fill" gather whose fill is `fill_value`: the clipped gather where a window fits (a gather
    of ones reads 1 there and 0 elsewhere), fill_value elsewhere."""
    idx = to_array(start_indices)
    value = gather(operand, idx, mode="clip", **dims)
    fits = gather(full(operand.aval.shape, 1, "int8"), idx, mode="fill_zero", **dims)
    fill = full(value.aval.shape, fill_value, operand.aval.dtype)
    return select(ne(fits, full(fits.aval.shape, 0, "int8")), value, fill)


# Control flow lives in modules of its own; imported last, as they build on the functions above.
from ..control_flow import cond, fori_loop, map, scan, switch, while_loop  # noqa: E402
from ..control_parallel import associative_scan, select_n  # noqa: E402
from ..convolution import (ConvDimensionNumbers, conv, conv_dimension_numbers, conv_general_dilated,  # noqa: E402
                          conv_general_permutations, conv_transpose, conv_with_general_padding, padtype_to_pads,
                          reduce_window)

__all__ += ["ConvDimensionNumbers", "conv", "conv_dimension_numbers", "conv_general_dilated",
            "conv_general_permutations", "conv_transpose", "conv_with_general_padding", "padtype_to_pads",
            "reduce_window"]
from .implicit import custom_linear_solve, custom_root  # noqa: E402

__all__ += ["custom_linear_solve", "custom_root", "population_count", "clz"]

from ..conv_shapes import (conv_general_shape_tuple, conv_shape_tuple, conv_transpose_shape_tuple,  # noqa: E402
                           reduce_window_shape_tuple)

__all__ += ["conv_general_shape_tuple", "conv_shape_tuple", "conv_transpose_shape_tuple", "reduce_window_shape_tuple"]

from ._cumulative import cumlogsumexp, cummax, cummin, cumprod  # noqa: E402

__all__ += ["cumlogsumexp", "cummax", "cummin", "cumprod"]

from . import _structural  # noqa: E402
from ._structural import *  # noqa: E402,F401,F403 - structural helpers (their __all__)

__all__ += _structural.__all__

# JAX's type aliases for annotations (what its functions accept for these arguments).
DotDimensionNumbers = tuple[tuple[Sequence[int], Sequence[int]], tuple[Sequence[int], Sequence[int]]]
ConvGeneralDilatedDimensionNumbers = Union[tuple[str, str, str], ConvDimensionNumbers, None]
PrecisionLike = Union[None, str, Precision, tuple[str, str], tuple[Precision, Precision]]  # noqa: F405

__all__ += ["ConvGeneralDilatedDimensionNumbers", "DotDimensionNumbers", "PrecisionLike"]

# Transcendental and special functions, sorting (frontend/lax/_special.py, _sort.py).
from ._special import (acos, acosh, asin, asinh, atan, atanh, cbrt, clamp, cosh, digamma, erf,  # noqa: E402
                       erf_inv, erfc, exp2, is_finite, lgamma, polygamma, reciprocal, sinh, square, zeta)
from ._sort import approx_max_k, approx_min_k, sort, sort_key_val, top_k  # noqa: E402

__all__ += ["acos", "acosh", "asin", "asinh", "atan", "atanh", "cbrt", "clamp", "cosh", "digamma", "erf",
            "erf_inv", "erfc", "exp2", "is_finite", "lgamma", "polygamma", "reciprocal", "sinh", "sort",
            "sort_key_val", "square", "top_k", "zeta", "approx_max_k", "approx_min_k"]

from . import linalg  # noqa: E402,F401  (lax.linalg: frontend/lax/linalg.py)

from ._fft import FftType, fft  # noqa: E402  (lax.fft: frontend/lax/_fft.py)
__all__ += ["FftType", "fft"]

# Incomplete gamma and beta, scaled Bessel functions (frontend/lax/_incomplete.py).
from ._incomplete import (bessel_i0e, bessel_i1e, betainc, igamma, igamma_grad_a, igammac,  # noqa: E402
                          random_gamma_grad)

__all__ += ["bessel_i0e", "bessel_i1e", "betainc", "igamma", "igamma_grad_a", "igammac", "random_gamma_grad"]
