"""pullback.lax convolutions and windowed reductions, with JAX's signatures.

`conv_general_dilated` resolves string padding and dimension numbers (strings or
ConvDimensionNumbers) into pb.conv_general_dilated's attributes; `conv`,
`conv_with_general_padding` and `conv_transpose` are JAX's wrappers around it.
`reduce_window` recognizes the monoid reducers (lax.add, lax.max, lax.min) and maps
them onto pb.reduce_window_sum/max/min; an initial value other than the monoid's
identity is combined once with each window's result, as JAX's generic reduce_window does. Argument
errors are JAX's exception types, naming the user's line.
"""
from __future__ import annotations

import operator
from typing import NamedTuple, Sequence

import numpy as np

from . import dtypes, lax
from .core import Tracer, bind1, is_array
from .errors import user_error
from .tracing import to_array


class ConvDimensionNumbers(NamedTuple):
    """The (batch, feature, spatial...) dims of lhs, (out, in, spatial...) of rhs and
    (batch, feature, spatial...) of the output, as dimension indices."""
    lhs_spec: Sequence[int]
    rhs_spec: Sequence[int]
    out_spec: Sequence[int]


def _dilate_dim(d: int, r: int) -> int:
    return 0 if d == 0 else 1 + r * (d - 1)


def padtype_to_pads(in_shape, window_shape, window_strides, padding) -> list[tuple[int, int]]:
    """'SAME', 'SAME_LOWER' or 'VALID' as (low, high) pads per dimension."""
    if not isinstance(padding, str):
        raise user_error(TypeError, f"Unknown padding type: {padding}.")
    kind = padding.upper()
    if kind == "VALID":
        return [(0, 0)] * len(in_shape)
    if kind not in ("SAME", "SAME_LOWER"):
        raise user_error(RuntimeError, "Unrecognized padding type: expected 'VALID', 'SAME', or 'SAME_LOWER', "
                                       f"got {padding}.")
    pads = []
    for d, w, s in zip(in_shape, window_shape, window_strides):
        total = max((-(-int(d) // int(s)) - 1) * int(s) + int(w) - int(d), 0)
        small, large = total // 2, total - total // 2
        pads.append((small, large) if kind == "SAME" else (large, small))
    return pads


def _perm(spec: str, chars: tuple, rhs_spec: str) -> tuple:
    spatial = [i for i, c in enumerate(spec) if c not in chars]
    if spec is not rhs_spec:  # spatial dims in the order the kernel spec names them
        spatial.sort(key=lambda i: rhs_spec.index(spec[i]))
    return (spec.index(chars[0]), spec.index(chars[1])) + tuple(spatial)


def conv_general_permutations(dimension_numbers) -> tuple:
    lhs, rhs, out = dimension_numbers
    pairs = (("N", "C"), ("O", "I"), ("N", "C"))
    for i, (a, b) in enumerate(pairs):
        spec = dimension_numbers[i]
        if not spec.count(a) == spec.count(b) == 1:
            raise user_error(TypeError, f"convolution dimension_numbers[{i}] must contain the characters "
                                        f"'{a}' and '{b}' exactly once, got {spec}.")
        if len(spec) != len(set(spec)):
            raise user_error(TypeError, f"convolution dimension_numbers[{i}] cannot have duplicate "
                                        f"characters, got {spec}.")
    if not set(lhs) - {"N", "C"} == set(rhs) - {"O", "I"} == set(out) - {"N", "C"}:
        raise user_error(TypeError, "convolution dimension_numbers elements must each have the same set of "
                                    f"spatial characters, got {dimension_numbers}.")
    return tuple(_perm(s, p, rhs) for s, p in zip(dimension_numbers, pairs))


def conv_dimension_numbers(lhs_shape, rhs_shape, dimension_numbers) -> ConvDimensionNumbers:
    """None (NCHW/OIHW/NCHW order), three spec strings, or ConvDimensionNumbers, as ConvDimensionNumbers."""
    if isinstance(dimension_numbers, ConvDimensionNumbers):
        return dimension_numbers
    if len(lhs_shape) != len(rhs_shape):
        raise user_error(TypeError, "convolution requires lhs and rhs ndim to be equal, got "
                                    f"{len(lhs_shape)} and {len(rhs_shape)}.")
    if dimension_numbers is None:
        iota = tuple(range(len(lhs_shape)))
        return ConvDimensionNumbers(iota, iota, iota)
    if not isinstance(dimension_numbers, (list, tuple)):
        raise user_error(TypeError, "convolution dimension_numbers must be tuple/list or None, got "
                                    f"{type(dimension_numbers)}.")
    if len(dimension_numbers) != 3:
        raise user_error(TypeError, "convolution dimension_numbers list/tuple must be length 3, got "
                                    f"{len(dimension_numbers)}.")
    if not all(isinstance(s, str) for s in dimension_numbers):
        raise user_error(TypeError, "convolution dimension_numbers elements must be strings, got "
                                    f"{tuple(map(type, dimension_numbers))}.")
    for i, s in enumerate(dimension_numbers):
        if len(s) != len(lhs_shape):
            raise user_error(TypeError, f"convolution dimension_numbers[{i}] must have len equal to the ndim "
                                        f"of lhs and rhs, got {len(s)} for lhs and rhs shapes {tuple(lhs_shape)} "
                                        f"and {tuple(rhs_shape)}.")
    return ConvDimensionNumbers(*conv_general_permutations(dimension_numbers))


def _check_groups(lhs, rhs, dn: ConvDimensionNumbers, fg: int, bg: int) -> None:
    """JAX's ValueErrors of the shape rule (pb's inference would raise TypeErrors)."""
    features, batch = lhs.shape[dn.lhs_spec[1]], lhs.shape[dn.lhs_spec[0]]
    out_features, in_features = rhs.shape[dn.rhs_spec[0]], rhs.shape[dn.rhs_spec[1]]
    problems = [
        (fg < 1, f"conv_general_dilated feature_group_count must be a positive integer, got {fg}."),
        (bg < 1, f"conv_general_dilated batch_group_count must be a positive integer, got {bg}."),
        (fg > 1 and bg > 1, "At most one of batch_group_count and feature_group_count may be > 1, got "
                            f"batch_group_count={bg} and feature_group_count={fg}"),
        (fg >= 1 and features % fg, "conv_general_dilated feature_group_count must divide lhs feature "
                                    f"dimension size, but {fg} does not divide {features}."),
        (fg >= 1 and features // max(fg, 1) != in_features,
         "conv_general_dilated lhs feature dimension size divided by feature_group_count must equal the rhs "
         f"input feature dimension size, but {features} // {fg} != {in_features}."),
        (fg >= 1 and out_features % fg, "conv_general_dilated rhs output feature dimension size must be a "
                                        f"multiple of feature_group_count, but {out_features} is not a multiple "
                                        f"of {fg}."),
        (bg >= 1 and batch % bg, "conv_general_dilated batch_group_count must divide lhs batch dimension "
                                 f"size, but {bg} does not divide {batch}."),
        (bg >= 1 and out_features % bg, "conv_general_dilated rhs output feature dimension size must be a "
                                        f"multiple of batch_group_count, but {out_features} is not a multiple "
                                        f"of {bg}."),
    ]
    for bad, message in problems:
        if bad:
            raise user_error(ValueError, message)


def conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation=None, rhs_dilation=None,
                         dimension_numbers=None, feature_group_count=1, batch_group_count=1, precision=None,
                         preferred_element_type=None):
    lhs, rhs = lax._operands(lhs, rhs)
    if preferred_element_type is not None:  # accumulate (and return) in that dtype
        dt = dtypes.name(preferred_element_type)
        lhs, rhs = (v if v.aval.dtype == dt else lax.convert_element_type(v, dt) for v in (lhs, rhs))
    if lhs.aval.ndim != rhs.aval.ndim:
        raise user_error(ValueError, "conv_general_dilated lhs and rhs must have the same number of dimensions, "
                                     f"but got {lhs.aval.shape} and {rhs.aval.shape}.")
    dn = conv_dimension_numbers(lhs.aval.shape, rhs.aval.shape, dimension_numbers)
    n = lhs.aval.ndim - 2
    if lhs_dilation is None:
        lhs_dilation = (1,) * n
    elif isinstance(padding, str) and any(d != 1 for d in lhs_dilation):
        raise user_error(ValueError, "String padding is not implemented for transposed convolution using this "
                                     "op. Please either exactly specify the required padding or use "
                                     "conv_transpose.")
    rhs_dilation = (1,) * n if rhs_dilation is None else rhs_dilation
    if len(window_strides) != n:
        raise user_error(ValueError, "conv_general_dilated window and window_strides must have the same number "
                                     f"of dimensions, but got {n} and {len(window_strides)}")
    if isinstance(padding, str):
        window = [_dilate_dim(rhs.aval.shape[d], r) for d, r in zip(dn.rhs_spec[2:], rhs_dilation)]
        padding = padtype_to_pads([lhs.aval.shape[d] for d in dn.lhs_spec[2:]], window, window_strides, padding)
    else:
        try:
            padding = [(operator.index(lo), operator.index(hi)) for lo, hi in padding]
        except (ValueError, TypeError):
            raise user_error(ValueError, "padding argument to conv_general_dilated should be a string or a "
                                         f"sequence of (low, high) pairs, got {padding}") from None
    if len(padding) != n:
        raise user_error(TypeError, "Wrong number of explicit pads for convolution: expected "
                                    f"{n}, got {len(padding)}.")
    _check_groups(lhs.aval, rhs.aval, dn, int(feature_group_count), int(batch_group_count))
    return bind1("conv_general_dilated", [lhs, rhs], {
        "window_strides": tuple(int(s) for s in window_strides),
        "padding_low": tuple(lo for lo, _ in padding), "padding_high": tuple(hi for _, hi in padding),
        "lhs_dilation": tuple(int(d) for d in lhs_dilation), "rhs_dilation": tuple(int(d) for d in rhs_dilation),
        "lhs_spec": tuple(dn.lhs_spec), "rhs_spec": tuple(dn.rhs_spec), "out_spec": tuple(dn.out_spec),
        "feature_group_count": int(feature_group_count), "batch_group_count": int(batch_group_count)})


def conv(lhs, rhs, window_strides, padding, precision=None, preferred_element_type=None):
    return conv_general_dilated(lhs, rhs, window_strides, padding, precision=precision,
                                preferred_element_type=preferred_element_type)


def conv_with_general_padding(lhs, rhs, window_strides, padding, lhs_dilation, rhs_dilation, precision=None,
                              preferred_element_type=None):
    return conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation=lhs_dilation,
                                rhs_dilation=rhs_dilation, precision=precision,
                                preferred_element_type=preferred_element_type)


def _conv_transpose_padding(k: int, s: int, padding) -> tuple[int, int]:
    if padding == "SAME":
        total = k + s - 2
        before = k - 1 if s > k - 1 else int(np.ceil(total / 2))
    elif padding == "VALID":
        total = k + s - 2 + max(k - s, 0)
        before = k - 1
    elif isinstance(padding, tuple):
        pads = tuple(k - p - 1 for p in padding)
        before, total = pads[0], sum(pads)
    else:
        raise user_error(ValueError, f"Invalid padding mode: {padding}")
    return before, total - before


_TRANSPOSE_DEFAULTS = {2: ("NC", "IO", "NC"), 3: ("NHC", "HIO", "NHC"), 4: ("NHWC", "HWIO", "NHWC"),
                       5: ("NHWDC", "HWDIO", "NHWDC")}


def conv_transpose(lhs, rhs, strides, padding, rhs_dilation=None, dimension_numbers=None,
                   transpose_kernel=False, precision=None, preferred_element_type=None,
                   use_consistent_padding=False):
    """A fractionally strided convolution (keras' Conv2DTranspose conventions), as JAX's."""
    lhs, rhs = lax._operands(lhs, rhs)
    ndim = lhs.aval.ndim
    if dimension_numbers is None:
        if ndim not in _TRANSPOSE_DEFAULTS:
            raise user_error(ValueError, "No 4+ dimensional dimension_number defaults.")
        dimension_numbers = _TRANSPOSE_DEFAULTS[ndim]
    dn = conv_dimension_numbers(lhs.aval.shape, rhs.aval.shape, dimension_numbers)
    kernel = [rhs.aval.shape[d] for d in dn.rhs_spec[2:]]
    rhs_dilation = (1,) * (ndim - 2) if rhs_dilation is None else tuple(rhs_dilation)
    if use_consistent_padding or padding in ("SAME", "VALID"):
        per_dim = [padding] * len(strides) if isinstance(padding, str) else padding
        pads = [_conv_transpose_padding(_dilate_dim(k, r), s, p)
                for k, r, s, p in zip(kernel, rhs_dilation, strides, per_dim)]
    else:
        pads = padding
    if transpose_kernel:  # flip spatial dims and swap the kernel's in/out features
        rhs = lax.rev(rhs, tuple(dn.rhs_spec[2:]))
        perm = list(range(ndim))
        perm[dn.rhs_spec[0]], perm[dn.rhs_spec[1]] = perm[dn.rhs_spec[1]], perm[dn.rhs_spec[0]]
        rhs = lax.transpose(rhs, tuple(perm))
    return conv_general_dilated(lhs, rhs, (1,) * (ndim - 2), pads, strides, rhs_dilation, dn,
                                precision=precision, preferred_element_type=preferred_element_type)


# ---- reduce_window ------------------------------------------------------------------------

_MONOID_OPS = {"sum": lax.add, "max": lax.max, "min": lax.min}


def _monoid(computation) -> str:
    for kind, fn in _MONOID_OPS.items():
        if computation is fn:
            return kind
    raise user_error(NotImplementedError, f"reduce_window supports the reducers lax.add, lax.max and lax.min, "
                                          f"got {computation!r}")


def _identity(kind: str, dtype: str):
    """The monoid's identity in a pb dtype (the initial value JAX maps onto the pb ops)."""
    if kind == "sum":
        return 0
    if dtype == "bool":
        return kind == "min"
    if dtypes.is_inexact(dtype):
        return -np.inf if kind == "max" else np.inf
    info = np.iinfo(dtype)
    return info.min if kind == "max" else info.max


def _is_identity(init, kind: str, dtype: str) -> bool:
    """Whether init is known (not traced) to be the monoid's identity."""
    if isinstance(init, Tracer):
        return False
    return bool(np.all(np.asarray(init) == _identity(kind, dtype)))


def _window_arg(name: str, value, n: int, default: int) -> tuple:
    value = (default,) * n if value is None else tuple(int(v) for v in value)
    if len(value) != n:
        raise user_error(TypeError, f"reduce_window got inconsistent {name} and window_dimensions: got {name} "
                                    f"{value} for an operand of rank {n}.")
    return value


def reduce_window(operand, init_value, computation, window_dimensions, window_strides=None, padding="VALID",
                  base_dilation=None, window_dilation=None):
    """XLA's ReduceWindowWithGeneralPadding for a monoid reducer (lax.add, lax.max, lax.min)."""
    if isinstance(operand, (list, tuple, dict)):
        raise user_error(NotImplementedError, "reduce_window of a pytree of operands (a variadic reducer) "
                                              "is not supported")
    kind = _monoid(computation)
    (x,) = lax._operands(operand if is_array(operand) else to_array(np.asarray(operand)))
    n = x.aval.ndim
    window_dimensions = tuple(int(d) for d in window_dimensions)
    if len(window_dimensions) != n:
        raise user_error(TypeError, "reduce_window got the wrong number of window_dimensions for operand: got "
                                    f"operand shape {x.aval.shape} with window_dimensions {window_dimensions}.")
    strides = _window_arg("window_strides", window_strides, n, 1)
    base = _window_arg("base_dilation", base_dilation, n, 1)
    wdil = _window_arg("window_dilation", window_dilation, n, 1)
    if isinstance(padding, str):
        pads = padtype_to_pads([_dilate_dim(d, b) for d, b in zip(x.aval.shape, base)],
                               [_dilate_dim(w, d) for w, d in zip(window_dimensions, wdil)], strides, padding)
    else:
        pads = [tuple(int(v) for v in p) for p in padding]
    if len(pads) != n:
        raise user_error(TypeError, f"reduce_window got {len(pads)} padding pairs for an operand of rank {n}")
    attrs = {"window_dimensions": window_dimensions, "window_strides": strides,
             "padding_low": tuple(lo for lo, _ in pads), "padding_high": tuple(hi for _, hi in pads),
             "base_dilation": base, "window_dilation": wdil}
    out = bind1(f"reduce_window_{kind}", [x], attrs, weak=x.aval.weak)
    if _is_identity(init_value, kind, x.aval.dtype):
        return out
    (init,) = lax._operands(init_value) if is_array(init_value) else lax._operands(x, init_value)[1:]
    if init.aval.shape != () or init.aval.dtype != x.aval.dtype:
        raise user_error(TypeError, "reduce_window init_value must be a scalar of the operand's dtype "
                                    f"{x.aval.dtype}, got {init.aval.str_short()}")
    # As JAX's generic reduce_window: each window starts from init, padding adds nothing.
    return computation(out, init)


__all__ = ["ConvDimensionNumbers", "conv", "conv_dimension_numbers", "conv_general_dilated",
           "conv_general_permutations", "conv_transpose", "conv_with_general_padding", "padtype_to_pads",
           "reduce_window"]
