"""Convolution: pb.conv_general_dilated, JAX's lax.conv_general_dilated.

Dimension numbers are JAX's ConvDimensionNumbers: `lhs_spec` lists the lhs's
(batch, feature, spatial...) dimensions, `rhs_spec` the kernel's (out feature,
in feature, spatial...), `out_spec` the result's (batch, feature, spatial...);
spatial dimensions correspond by position. Padding is (low, high) per spatial
dimension (negative crops), `lhs_dilation` inserts holes between input elements
(transposed convolution), `rhs_dilation` between kernel taps (atrous).
`feature_group_count` splits input and output features into groups convolved
separately; `batch_group_count` splits the batch into groups whose results are
the output feature groups (the weight gradient of a grouped conv). At most one of
the two exceeds 1, as in XLA.

Lowering follows XLA:CPU's canonical form, as dot_general does: the lhs is
transposed to (N, spatial..., C), padded and dilated; one parallel linalg.generic
gathers its patches (im2col) into a (groups, N*out spatial, window*C) tensor, and
the contraction with the kernel is a dot_general, so convolutions reuse the matmul
kernels (register-tiled codegen, or OpenBLAS for large float ones).

Derivatives and batching follow JAX's jax/_src/lax/convolution.py: the op is
bilinear, each transpose is another convolution (of the cotangent with the
reversed kernel, or of the lhs with the cotangent), and a vmapped operand is
folded into the batch, feature or group dimensions.
"""
from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import arith

from ..ad import defbilinear
from ..batching import defbatch
from ..lowering import PARALLEL, REDUCTION
from ..pb import pb, spec
from ..registry import I64, I64_ARRAY, LOWER, defop
from ..types import NUMERIC, TensorSpec
from .common import numpy_ref, require, require_dtypes

SPECS = ("lhs_spec", "rhs_spec", "out_spec")
WINDOW = ("window_strides", "padding_low", "padding_high", "lhs_dilation", "rhs_dilation")
GROUPS = ("feature_group_count", "batch_group_count")
ATTRS = {**{k: I64_ARRAY for k in WINDOW + SPECS}, **{k: I64 for k in GROUPS}}


# ---- shapes ----------------------------------------------------------------------

def dilate_dim(d: int, r: int) -> int:
    """Size of a dimension of size d with r - 1 holes between its elements."""
    return 0 if d == 0 else 1 + r * (d - 1)


def stride_dim(d: int, window: int, stride: int) -> int:
    """Number of windows of size `window` at `stride` in a dimension of size d."""
    return max(0, (d - window) // stride + 1)


def _check_spec(name: str, dims, rank: int) -> None:
    require(sorted(dims) == list(range(rank)),
            f"pb.conv_general_dilated {name} must be a permutation of [0, {rank}), got {list(dims)}")


def _infer(specs, attrs):
    lhs, rhs = specs
    op = "pb.conv_general_dilated"
    require(lhs.dtype == rhs.dtype, f"{op} operands must have equal dtypes, got {lhs.dtype} and {rhs.dtype}")
    require_dtypes("conv_general_dilated", lhs, NUMERIC)
    require(lhs.ndim == rhs.ndim and lhs.ndim >= 2,
            f"{op} lhs and rhs must have the same rank (at least 2), got {list(lhs.shape)} and {list(rhs.shape)}")
    n = lhs.ndim - 2
    for k in SPECS:
        _check_spec(k, attrs[k], lhs.ndim)
    for k in WINDOW:
        require(len(attrs[k]) == n, f"{op} {k} must have one entry per spatial dimension ({n}), "
                                    f"got {list(attrs[k])}")
    for k in ("window_strides", "lhs_dilation", "rhs_dilation"):
        require(all(v >= 1 for v in attrs[k]), f"{op} {k} must be positive, got {list(attrs[k])}")
    fg, bg = attrs["feature_group_count"], attrs["batch_group_count"]
    ls, rs, os_ = attrs["lhs_spec"], attrs["rhs_spec"], attrs["out_spec"]
    batch, features = lhs.shape[ls[0]], lhs.shape[ls[1]]
    out_features, in_features = rhs.shape[rs[0]], rhs.shape[rs[1]]
    require(fg >= 1 and bg >= 1, f"{op} group counts must be positive, got feature_group_count={fg} "
                                 f"and batch_group_count={bg}")
    require(fg == 1 or bg == 1, f"{op}: at most one of batch_group_count and feature_group_count may be > 1, "
                                f"got batch_group_count={bg} and feature_group_count={fg}")
    require(features % fg == 0, f"{op} feature_group_count must divide lhs feature dimension size, "
                                f"but {fg} does not divide {features}")
    require(features // fg == in_features,
            f"{op} lhs feature dimension size divided by feature_group_count must equal the rhs input "
            f"feature dimension size, but {features} // {fg} != {in_features}")
    require(out_features % (fg * bg) == 0,
            f"{op} rhs output feature dimension size {out_features} must be a multiple of the group count {fg * bg}")
    require(batch % bg == 0, f"{op} batch_group_count must divide lhs batch dimension size, "
                             f"but {bg} does not divide {batch}")
    out = [0] * lhs.ndim
    out[os_[0]], out[os_[1]] = batch // bg, out_features
    for i in range(n):
        padded = (dilate_dim(lhs.shape[ls[2 + i]], attrs["lhs_dilation"][i])
                  + attrs["padding_low"][i] + attrs["padding_high"][i])
        require(padded >= 0, f"{op} negative padding is larger than spatial dimension {i} of the lhs")
        window = dilate_dim(rhs.shape[rs[2 + i]], attrs["rhs_dilation"][i])
        out[os_[2 + i]] = stride_dim(padded, window, attrs["window_strides"][i])
    return [TensorSpec(tuple(out), lhs.dtype)]


# ---- numpy reference ----------------------------------------------------------------

def np_dilate_pad(x, axes, dilation, low, high, fill=0):
    """lax.pad with `fill` along `axes`: interior holes, then edges (negative ones crop)."""
    for a, r, lo, hi in zip(axes, dilation, low, high):
        n = x.shape[a]
        shape = list(x.shape)
        shape[a] = dilate_dim(n, r) + max(lo, 0) + max(hi, 0)
        grown = np.full(shape, fill, x.dtype)
        at = [slice(None)] * x.ndim
        at[a] = slice(max(lo, 0), max(lo, 0) + dilate_dim(n, r), r)
        grown[tuple(at)] = x
        at[a] = slice(max(-lo, 0), shape[a] - max(-hi, 0))
        x = grown[tuple(at)]
    return x


def _reference(lhs, rhs, *, window_strides, padding_low, padding_high, lhs_dilation, rhs_dilation,
               lhs_spec, rhs_spec, out_spec, feature_group_count, batch_group_count):
    """Sum over kernel taps of (strided window view) x (kernel slice), per group, in a wide dtype."""
    wide = {"i": np.int64, "u": np.uint64, "f": np.float64, "c": np.complex128}[lhs.dtype.kind]
    n = lhs.ndim - 2
    x = np.transpose(lhs, lhs_spec).astype(wide)     # (N, C, spatial...)
    w = np.transpose(rhs, rhs_spec).astype(wide)     # (O, I, window...)
    x = np_dilate_pad(x, range(2, 2 + n), lhs_dilation, padding_low, padding_high)
    groups = feature_group_count * batch_group_count
    N, O = x.shape[0] // batch_group_count, w.shape[0]
    win = w.shape[2:]
    out_sp = [stride_dim(x.shape[2 + i], dilate_dim(win[i], rhs_dilation[i]), window_strides[i])
              for i in range(n)]
    out = np.zeros((N, O) + tuple(out_sp), wide)
    og, cg = O // groups, w.shape[1]
    for g in range(groups):
        xs = x[g * N:(g + 1) * N] if batch_group_count > 1 else x[:, g * cg:(g + 1) * cg]
        ws = w[g * og:(g + 1) * og]
        for tap in np.ndindex(*win):
            view = xs[(slice(None), slice(None)) + tuple(
                slice(k * rhs_dilation[i], k * rhs_dilation[i] + (out_sp[i] - 1) * window_strides[i] + 1,
                      window_strides[i]) for i, k in enumerate(tap))]
            out[:, g * og:(g + 1) * og] += np.einsum("nc...,oc->no...", view, ws[(slice(None), slice(None)) + tap])
    return np.transpose(out, np.argsort(out_spec)).astype(lhs.dtype)


# ---- lowering: im2col + dot_general ------------------------------------------------------

def _lower_as(name, low, value, in_spec, out_spec, **attrs):
    (v,) = LOWER[name](low, [value], [in_spec], [out_spec], attrs)
    return v


def _to_layout(low, v, s: TensorSpec, perm):
    if list(perm) == list(range(s.ndim)):
        return v, s
    t = TensorSpec(tuple(s.shape[d] for d in perm), s.dtype)
    return _lower_as("transpose", low, v, s, t, permutation=tuple(perm)), t


def _reshape(low, v, s: TensorSpec, shape):
    t = TensorSpec(tuple(shape), s.dtype)
    return _lower_as("reshape", low, v, s, t, new_sizes=tuple(shape)), t


def _patches(low, x, x_spec: TensorSpec, groups: tuple, n_out: int, out_sp, win, strides, rhs_dilation):
    """(G, Nb, out spatial..., window..., Cg) windows of x: (Bg, Nb, spatial..., Fg, Cg), where
    one of Bg and Fg is 1 and G the other."""
    bg, nb, *sp, fg, cg = x_spec.shape
    g = bg * fg
    n = len(sp)
    shape = (g, nb) + tuple(out_sp) + tuple(win) + (cg,)
    dims = len(shape)
    d = [ir.AffineDimExpr.get(i) for i in range(dims)]
    zero = ir.AffineConstantExpr.get(0)
    spatial = [d[2 + i] * strides[i] + d[2 + n + i] * rhs_dilation[i] for i in range(n)]
    exprs = [d[0] if bg > 1 else zero, d[1]] + spatial + [d[0] if fg > 1 else zero, d[dims - 1]]
    in_map = ir.AffineMap.get(dims, 0, exprs)
    out = TensorSpec(shape, x_spec.dtype)
    return low.generic([x], [in_map], [out], lambda v, _: v, iterators=[PARALLEL] * dims)[0], out


def _lower(low, operands, in_specs, out_specs, attrs):
    if _sums_taps(in_specs, out_specs[0], attrs):
        return [_lower_as_tap_sum(low, operands, in_specs, out_specs[0], attrs)]
    lhs_spec, rhs_spec = in_specs
    ls, rs, os_ = (tuple(attrs[k]) for k in SPECS)
    fg, bg = attrs["feature_group_count"], attrs["batch_group_count"]
    g = fg * bg
    n = lhs_spec.ndim - 2
    # lhs: (N, spatial..., C), dilated and padded, split as (Bg, Nb, spatial..., Fg, Cg).
    x, xs = _to_layout(low, operands[0], lhs_spec, (ls[0],) + ls[2:] + (ls[1],))
    zero = TensorSpec((), xs.dtype)
    zero_v = low.full(zero, 0)
    padded = TensorSpec((xs.shape[0],) + tuple(
        dilate_dim(xs.shape[1 + i], attrs["lhs_dilation"][i]) + attrs["padding_low"][i] + attrs["padding_high"][i]
        for i in range(n)) + (xs.shape[-1],), xs.dtype)
    pad_attrs = dict(low=(0,) + tuple(attrs["padding_low"]) + (0,), high=(0,) + tuple(attrs["padding_high"]) + (0,),
                     interior=(0,) + tuple(r - 1 for r in attrs["lhs_dilation"]) + (0,))
    if any(any(v) for v in pad_attrs.values()):  # (a crop and a pad can keep the size)
        (x,) = LOWER["pad"](low, [x, zero_v], [xs, zero], [padded], pad_attrs)
        xs = padded
    nb, c = xs.shape[0] // bg, xs.shape[-1]
    x, xs = _reshape(low, x, xs, (bg, nb) + xs.shape[1:-1] + (fg, c // fg))
    # rhs: (window..., I, O) as (window * I, O) (HWIO needs no copy), grouped (G, Og, window * I).
    order = rs[2:] + (rs[1], rs[0]) if g == 1 else (rs[0],) + rs[2:] + (rs[1],)
    w, ws = _to_layout(low, operands[1], rhs_spec, order)
    o, win, cg = (ws.shape[-1], ws.shape[:-2], ws.shape[-2]) if g == 1 else (ws.shape[0], ws.shape[1:-1], ws.shape[-1])
    k = int(np.prod(win, dtype=np.int64)) * cg
    out_spec = out_specs[0]
    out_sp = tuple(out_spec.shape[d] for d in os_[2:])
    m = nb * int(np.prod(out_sp, dtype=np.int64))
    p, ps = _patches(low, x, xs, (bg, fg), n, out_sp, win, attrs["window_strides"], attrs["rhs_dilation"])
    if g == 1:
        p, ps = _reshape(low, p, ps, (m, k))
        w, ws = _reshape(low, w, ws, (k, o))
        dims = dict(lhs_contracting=(1,), rhs_contracting=(0,), lhs_batch=(), rhs_batch=())
        prod = TensorSpec((m, o), out_spec.dtype)
    else:
        p, ps = _reshape(low, p, ps, (g, m, k))
        w, ws = _reshape(low, w, ws, (g, o // g, k))
        dims = dict(lhs_contracting=(2,), rhs_contracting=(2,), lhs_batch=(0,), rhs_batch=(0,))
        prod = TensorSpec((g, m, o // g), out_spec.dtype)
    (y,) = LOWER["dot_general"](low, [p, w], [ps, ws], [prod], dims)
    if g > 1:  # (G, Nb*spatial, Og) -> (Nb*spatial, G, Og)
        y, prod = _to_layout(low, y, prod, (1, 0, 2))
    # (Nb, out spatial..., O) -> the out_spec layout.
    y, ys = _reshape(low, y, prod, (nb,) + out_sp + (o,))
    canonical = (os_[0],) + os_[2:] + (os_[1],)
    y, _ = _to_layout(low, y, ys, tuple(np.argsort(canonical)))
    return [y]


# ---- lowering: a sum of per-tap matmuls (implicit GEMM) -----------------------------------
#
# A stride-1 ungrouped float convolution on the padded input x (N, spatial..., C), each image
# flattened to (L, C) rows, is a sum over kernel taps of shifted row ranges times the tap's
# (C, O) slice: on the grid of output rows that keeps the padded extent of every spatial
# dimension but the first, out[n, r] = sum_taps x[n, r + shift(tap)] @ w[tap], where shift is
# the tap's offset in the flattened padded input. pb-blas-calls turns that generic (marked
# TAP_SUM) into one gemm per image and tap accumulating into the output: no im2col buffer
# (231 MB for a 3x3 64->64 conv of 32 56x56 images), and each image's input and output stay
# in cache across its taps. The grid's extra columns are computed and cropped.

TAP_SUM = "pb.conv_tap_sum"  # pb-outline-blas-matmuls outlines it, pb-blas-calls calls gemm per tap
# Below this many input features a tap's gemm has too short a contraction for the library;
# im2col gathers every tap into one longer one instead.
TAP_SUM_MIN_FEATURES = 8
# The grid of output rows may exceed the output by at most this factor (wide kernels on
# narrow outputs, as in a weight gradient, waste more on the extra columns than im2col costs).
TAP_SUM_MAX_GRID_RATIO = 1.25
# Each tap's gemm of at least this many multiply-adds: below it the calls' fixed costs dominate.
TAP_SUM_MIN_MACS = 1 << 17


def _padded_spatial(spatial, attrs) -> tuple:
    return tuple(dilate_dim(d, r) + lo + hi for d, r, lo, hi in zip(
        spatial, attrs["lhs_dilation"], attrs["padding_low"], attrs["padding_high"]))


def _sums_taps(in_specs, out_spec: TensorSpec, attrs) -> bool:
    """Whether the convolution lowers as a sum of per-tap matmuls that call OpenBLAS."""
    from pullback.passes import blas  # (the passes import the dialects)
    lhs, rhs = in_specs
    ls, rs, os_ = (tuple(attrs[k]) for k in SPECS)
    if (lhs.dtype not in ("float32", "float64") or not blas.enabled() or attrs["feature_group_count"] != 1
            or attrs["batch_group_count"] != 1 or any(s != 1 for s in attrs["window_strides"])):
        return False
    c, o = lhs.shape[ls[1]], rhs.shape[rs[0]]
    out_sp = [out_spec.shape[d] for d in os_[2:]]
    padded = _padded_spatial([lhs.shape[d] for d in ls[2:]], attrs)
    rows = out_sp[0] * int(np.prod(padded[1:], dtype=np.int64))
    outputs = int(np.prod(out_sp, dtype=np.int64))
    return (c >= TAP_SUM_MIN_FEATURES and outputs > 0 and rows <= TAP_SUM_MAX_GRID_RATIO * outputs
            and rows * c * o >= TAP_SUM_MIN_MACS)


def _tap_sum_maps(window, flat_strides, rhs_dilation):
    """Indexing maps of (n, r, o, taps..., c) for x (N, L, C), w (taps..., C, O), out (N, R, O)."""
    s = len(window)
    dims = 3 + s + 1
    d = [ir.AffineDimExpr.get(i) for i in range(dims)]
    row = d[1]
    for i in range(s):
        row = row + d[3 + i] * (rhs_dilation[i] * flat_strides[i])
    x_map = ir.AffineMap.get(dims, 0, [d[0], row, d[dims - 1]])
    w_map = ir.AffineMap.get(dims, 0, d[3:3 + s] + [d[dims - 1], d[2]])
    out_map = ir.AffineMap.get(dims, 0, [d[0], d[1], d[2]])
    return dims, [x_map, w_map], out_map


def _lower_as_tap_sum(low, operands, in_specs, out_spec: TensorSpec, attrs):
    lhs_spec, rhs_spec = in_specs
    ls, rs, os_ = (tuple(attrs[k]) for k in SPECS)
    n = lhs_spec.ndim - 2
    x, xs = _to_layout(low, operands[0], lhs_spec, (ls[0],) + ls[2:] + (ls[1],))
    # One more zero row at the end of the first spatial dimension: the taps of the grid's last
    # row read past the last padded row by less than a row.
    extra = 1 if n >= 2 else 0
    padded = _padded_spatial(xs.shape[1:-1], attrs)
    grown = (padded[0] + extra,) + padded[1:]
    pad_attrs = dict(low=(0,) + tuple(attrs["padding_low"]) + (0,),
                     high=(0, attrs["padding_high"][0] + extra) + tuple(attrs["padding_high"][1:]) + (0,),
                     interior=(0,) + tuple(r - 1 for r in attrs["lhs_dilation"]) + (0,))
    if any(any(v) for v in pad_attrs.values()):
        zero = TensorSpec((), xs.dtype)
        grown_spec = TensorSpec((xs.shape[0],) + grown + (xs.shape[-1],), xs.dtype)
        (x,) = LOWER["pad"](low, [x, low.full(zero, 0)], [xs, zero], [grown_spec], pad_attrs)
        xs = grown_spec
    nb, c = xs.shape[0], xs.shape[-1]
    x, xs = _reshape(low, x, xs, (nb, int(np.prod(grown, dtype=np.int64)), c))
    w, ws = _to_layout(low, operands[1], rhs_spec, rs[2:] + (rs[1], rs[0]))  # (window..., I, O)
    window, o = ws.shape[:-2], ws.shape[-1]
    out_sp = tuple(out_spec.shape[d] for d in os_[2:])
    grid = out_sp[:1] + padded[1:]
    flat_strides = [int(np.prod(padded[i + 1:], dtype=np.int64)) for i in range(n)]
    dims, in_maps, out_map = _tap_sum_maps(window, flat_strides, attrs["rhs_dilation"])
    sums = TensorSpec((nb, int(np.prod(grid, dtype=np.int64)), o), out_spec.dtype)
    (y,) = low.generic([x, w], in_maps, [sums], lambda a, b, acc: arith.addf(acc, arith.mulf(a, b)),
                       num_dims=dims, out_maps=[out_map], iterators=[PARALLEL] * 3 + [REDUCTION] * (n + 1),
                       inits=[low.full(sums, 0)])
    y.owner.attributes[TAP_SUM] = ir.UnitAttr.get()
    # (N, grid..., O) cropped to the output's spatial extent, then in the out_spec layout.
    y, ys = _reshape(low, y, sums, (nb,) + grid + (o,))
    if grid != out_sp:
        cropped = TensorSpec((nb,) + out_sp + (o,), ys.dtype)
        y = _lower_as("slice", low, y, ys, cropped, start_indices=(0,) * ys.ndim,
                      limit_indices=cropped.shape, strides=(1,) * ys.ndim)
        ys = cropped
    canonical = (os_[0],) + os_[2:] + (os_[1],)
    y, _ = _to_layout(low, y, ys, tuple(np.argsort(canonical)))
    return y


defop("conv_general_dilated", ("lhs", "rhs"), ATTRS, infer=_infer, reference=numpy_ref(_reference),
      lower=_lower, family="convolution",
      doc="jax.lax.conv_general_dilated with explicit (low, high) padding and ConvDimensionNumbers "
          "(lhs_spec, rhs_spec, out_spec as dimension indices)")


# ---- transposes (JAX's _conv_general_dilated_transpose_lhs/rhs) ---------------------------

def _sdims(dims) -> tuple:
    return tuple(dims[2:])


def _swap_first_two(dims) -> tuple:
    return (dims[1], dims[0]) + tuple(dims[2:])


def reshape_axis_into(src: int, dst: int, x):
    """Merge dimension `src` into `dst` (numbered after `src` is removed), `src` major."""
    s = spec(x)
    perm = [i for i in range(s.ndim) if i != src]
    perm.insert(dst, src)
    shape = [s.shape[i] for i in range(s.ndim) if i != src]
    shape[dst] *= s.shape[src]
    if perm != list(range(s.ndim)):
        x = pb.transpose(x, permutation=tuple(perm))
    return pb.reshape(x, new_sizes=tuple(shape))


def reshape_axis_out_of(src: int, size1: int, x):
    """Split dimension `src` into (size1, rest)."""
    shape = list(spec(x).shape)
    shape[src:src + 1] = [size1, shape[src] // size1]
    return pb.reshape(x, new_sizes=tuple(shape))


def _dilated(shape, dilation):
    return [dilate_dim(d, r) for d, r in zip(shape, dilation)]


def vjp_lhs_padding(in_shape, window, strides, out_shape, padding_low, lhs_dilation, rhs_dilation):
    """(low, high) padding of the convolution that maps an output cotangent back to the lhs."""
    lhs_d, rhs_d, out_d = _dilated(in_shape, lhs_dilation), _dilated(window, rhs_dilation), _dilated(out_shape, strides)
    before = [r - lo - 1 for r, lo in zip(rhs_d, padding_low)]
    after = [l + r - 1 - o - b for l, r, o, b in zip(lhs_d, rhs_d, out_d, before)]
    return before, after


def _vjp_rhs_padding_high(in_shape, window, strides, out_shape, padding_low, lhs_dilation, rhs_dilation):
    lhs_d, rhs_d, out_d = _dilated(in_shape, lhs_dilation), _dilated(window, rhs_dilation), _dilated(out_shape, strides)
    return [o - l + r - lo - 1 for o, l, r, lo in zip(out_d, lhs_d, rhs_d, padding_low)]


def conv(lhs, rhs, *, window_strides, padding_low, padding_high, lhs_dilation, rhs_dilation,
         lhs_spec, rhs_spec, out_spec, feature_group_count=1, batch_group_count=1):
    return pb.conv_general_dilated(
        lhs, rhs, window_strides=tuple(window_strides), padding_low=tuple(padding_low),
        padding_high=tuple(padding_high), lhs_dilation=tuple(lhs_dilation), rhs_dilation=tuple(rhs_dilation),
        lhs_spec=tuple(lhs_spec), rhs_spec=tuple(rhs_spec), out_spec=tuple(out_spec),
        feature_group_count=int(feature_group_count), batch_group_count=int(batch_group_count))


def _transpose_lhs(ct, lhs_shape, rhs, a):
    ls, rs, os_ = a["lhs_spec"], a["rhs_spec"], a["out_spec"]
    fg, bg = a["feature_group_count"], a["batch_group_count"]
    rhs_shape = spec(rhs).shape
    if fg > 1 or bg > 1:  # move the group axis of the out features into the in features
        rhs = reshape_axis_into(rs[0], rs[1], reshape_axis_out_of(rs[0], fg * bg, rhs))
    before, after = vjp_lhs_padding([lhs_shape[d] for d in _sdims(ls)], [rhs_shape[d] for d in _sdims(rs)],
                                    a["window_strides"], [spec(ct).shape[d] for d in _sdims(os_)],
                                    a["padding_low"], a["lhs_dilation"], a["rhs_dilation"])
    out = conv(ct, pb.rev(rhs, dimensions=_sdims(rs)), window_strides=a["lhs_dilation"], padding_low=before,
               padding_high=after, lhs_dilation=a["window_strides"], rhs_dilation=a["rhs_dilation"],
               lhs_spec=os_, rhs_spec=_swap_first_two(rs), out_spec=ls, feature_group_count=fg * bg)
    if bg > 1:  # the groups were features of the result: make them batch again
        out = reshape_axis_into(ls[1], ls[0], reshape_axis_out_of(ls[1], bg, out))
    return out


def _transpose_rhs(ct, lhs, rhs_shape, a):
    ls, rs, os_ = a["lhs_spec"], a["rhs_spec"], a["out_spec"]
    fg, bg = a["feature_group_count"], a["batch_group_count"]
    lhs_shape = spec(lhs).shape
    args = ([lhs_shape[d] for d in _sdims(ls)], [rhs_shape[d] for d in _sdims(rs)], a["window_strides"],
            [spec(ct).shape[d] for d in _sdims(os_)], a["padding_low"], a["lhs_dilation"], a["rhs_dilation"])
    return conv(lhs, ct, window_strides=a["rhs_dilation"], padding_low=a["padding_low"],
                padding_high=_vjp_rhs_padding_high(*args), lhs_dilation=a["lhs_dilation"],
                rhs_dilation=a["window_strides"], lhs_spec=_swap_first_two(ls), rhs_spec=_swap_first_two(os_),
                out_spec=_swap_first_two(rs), feature_group_count=bg, batch_group_count=fg)


def _conv_transpose(cts, ops, lin, **attrs):
    ct, (lhs, rhs) = cts[0], ops
    return [_transpose_lhs(ct, spec(lhs).shape, rhs, attrs) if lin[0] else None,
            _transpose_rhs(ct, lhs, spec(rhs).shape, attrs) if lin[1] else None]


defbilinear("conv_general_dilated", _conv_transpose)


# ---- batching (JAX's _conv_general_dilated_batch_rule) --------------------------------------

def _conv_batch(args, dims, size, **a):
    (lhs, rhs), (dl, dr) = args, dims
    ls, rs, os_ = a["lhs_spec"], a["rhs_spec"], a["out_spec"]
    fg, bg = a["feature_group_count"], a["batch_group_count"]
    if dl is not None and dr is not None:  # per-member kernels: the batch becomes more groups
        if bg > 1:
            new_lhs = reshape_axis_into(dl, ls[0], lhs)
            a = {**a, "batch_group_count": bg * size}
        else:
            new_lhs = reshape_axis_into(dl, ls[1], lhs)
            a = {**a, "feature_group_count": fg * size}
        out = conv(new_lhs, reshape_axis_into(dr, rs[0], rhs), **a)
        return [reshape_axis_out_of(os_[1], size, out)], [os_[1]]
    if dl is not None:  # a bigger batch
        if bg == 1:
            new_lhs = reshape_axis_into(dl, ls[0], lhs)
        else:  # each batch group grows by the vmapped members
            new_lhs = reshape_axis_out_of(ls[0] + int(dl <= ls[0]), bg, lhs)
            new_lhs = reshape_axis_into(dl + int(ls[0] < dl), ls[0] + 1, new_lhs)
            new_lhs = reshape_axis_into(ls[0], ls[0], new_lhs)
        out = conv(new_lhs, rhs, **a)
        return [reshape_axis_out_of(os_[0], size, out)], [os_[0]]
    if fg == 1 and bg == 1:  # more output features
        out = conv(lhs, reshape_axis_into(dr, rs[0], rhs), **a)
        return [reshape_axis_out_of(os_[1], size, out)], [os_[1]]
    # groups stay outermost in the out features: (G, members, Og)
    g = fg * bg
    new_rhs = reshape_axis_out_of(rs[0] + int(dr <= rs[0]), g, rhs)
    new_rhs = reshape_axis_into(dr + int(rs[0] < dr), rs[0] + 1, new_rhs)
    new_rhs = reshape_axis_into(rs[0], rs[0], new_rhs)
    out = conv(lhs, new_rhs, **a)
    out = reshape_axis_out_of(os_[1], g, out)
    out = reshape_axis_out_of(os_[1] + 1, size, out)
    return [reshape_axis_into(os_[1], os_[1] + 1, out)], [os_[1]]


defbatch("conv_general_dilated", _conv_batch)
