"""Output shapes of convolutions and windowed reductions, as lax computes them for users
(`lax.conv_shape_tuple` and its general, transposed and reduce_window forms): the same
arithmetic the ops' shape inference does, on plain tuples, with JAX's errors."""
from __future__ import annotations

import numpy as np

from .convolution import _conv_transpose_padding, _dilate_dim, conv_general_permutations, padtype_to_pads
from .errors import user_error


def _strided(padded, window, strides) -> tuple:
    """floor((padded - window) / stride) + 1 per dimension, never below 0."""
    return tuple(max(0, (int(p) - int(w)) // int(s) + 1) for p, w, s in zip(padded, window, strides))


def conv_shape_tuple(lhs_shape, rhs_shape, strides, pads, batch_group_count: int = 1) -> tuple:
    """The output shape of a convolution in NC<spatial>/OI<spatial> layout."""
    if isinstance(pads, str):
        pads = padtype_to_pads(lhs_shape[2:], rhs_shape[2:], strides, pads)
    if len(pads) != len(lhs_shape) - 2:
        raise user_error(ValueError, f"Wrong number of explicit pads for convolution: expected "
                         f"{len(lhs_shape) - 2}, got {len(pads)}.")
    padded = [int(d) + int(lo) + int(hi) for d, (lo, hi) in zip(lhs_shape[2:], pads)]
    if any(p < 0 for p in padded):
        raise user_error(ValueError, "Negative padding is larger than the size of the corresponding dimension: "
                         f"got padding={pads} for lhs_shape[2:]={tuple(lhs_shape[2:])}")
    if batch_group_count > 1 and lhs_shape[0] % batch_group_count:
        raise user_error(ValueError, f"batch_group_count {batch_group_count} must divide the batch size "
                         f"{lhs_shape[0]}")
    batch = lhs_shape[0] // batch_group_count if batch_group_count > 1 else lhs_shape[0]
    return (int(batch), int(rhs_shape[0])) + _strided(padded, rhs_shape[2:], strides)


def conv_general_shape_tuple(lhs_shape, rhs_shape, window_strides, padding, dimension_numbers) -> tuple:
    """conv_shape_tuple for operands laid out as the dimension_numbers strings say."""
    lhs_perm, rhs_perm, out_perm = conv_general_permutations(dimension_numbers)
    out = conv_shape_tuple(np.take(lhs_shape, lhs_perm), np.take(rhs_shape, rhs_perm), window_strides, padding)
    return tuple(int(out[i]) for i in np.argsort(out_perm))


def conv_transpose_shape_tuple(lhs_shape, rhs_shape, window_strides, padding, dimension_numbers) -> tuple:
    """The output shape of lax.conv_transpose."""
    lhs_perm, rhs_perm, out_perm = conv_general_permutations(dimension_numbers)
    lhs_t, rhs_t = np.take(lhs_shape, lhs_perm), np.take(rhs_shape, rhs_perm)
    if isinstance(padding, str):
        padding = [_conv_transpose_padding(int(k), int(s), padding) for k, s in zip(rhs_t[2:], window_strides)]
    space = [(int(i) - 1) * int(s) - int(k) + 2 + int(sum(p))
             for i, k, s, p in zip(lhs_t[2:], rhs_t[2:], window_strides, padding)]
    out = (int(lhs_t[0]), int(rhs_t[0])) + tuple(space)
    return tuple(out[i] for i in np.argsort(out_perm))


def reduce_window_shape_tuple(operand_shape, window_dimensions, window_strides, padding, base_dilation=None,
                              window_dilation=None) -> tuple:
    """The output shape of lax.reduce_window with explicit (low, high) padding."""
    if base_dilation is not None:
        operand_shape = [_dilate_dim(int(d), int(r)) for d, r in zip(operand_shape, base_dilation)]
    if window_dilation is not None:
        window_dimensions = [_dilate_dim(int(d), int(r)) for d, r in zip(window_dimensions, window_dilation)]
    padded = [int(d) + int(lo) + int(hi) for d, (lo, hi) in zip(operand_shape, padding)]
    return _strided(padded, window_dimensions, window_strides)


__all__ = ["conv_general_shape_tuple", "conv_shape_tuple", "conv_transpose_shape_tuple", "reduce_window_shape_tuple"]
