"""Windowed reductions: pb.reduce_window_sum/max/min, JAX's primitives of the same names.

Each output element combines one window of the operand: the operand is dilated
(`base_dilation` - 1 holes between elements) and padded (`padding_low/high`, per
dimension) with the monoid's identity, and windows of `window_dimensions` taps,
`window_dilation` apart, start every `window_strides` elements. The monoids are
reduction.py's (sum, max, min), so initial values are their identities; the
frontend combines any other initial value with the result.

Lowering: the identity-padded operand (pb.pad's lowering) feeds one linalg.generic
whose window dimensions are reductions placed outermost, so the innermost loop runs
along the output's last dimension and vectorizes.

Derivatives follow JAX (jax/_src/lax/windowed_reductions.py): reduce_window_sum is
linear and its transpose pads the cotangent (holes for the strides) and sums it
over the window again. The max/min JVP selects each window's tangent at the first
extremum in window order, as XLA's select_and_gather_add with `ge`/`le`: built from
strided slices of the padded operand and tangent, one per window tap, and a chain of
strict comparisons and selects. All pb ops, so its transpose (select_and_scatter_add)
and higher derivatives come from their rules. Batching gives the batch dimension a
window of one.
"""
from __future__ import annotations

import numpy as np
from mlir import ir

from ..ad import JVP, deflinear, primal
from ..batching import defbatch, insert_at
from ..lowering import PARALLEL, REDUCTION, affine_map
from ..pb import pb, spec
from ..registry import I64_ARRAY, LOWER, defop
from ..types import TensorSpec
from .common import numpy_ref, require, require_dtypes
from .convolution import dilate_dim, np_dilate_pad, stride_dim, vjp_lhs_padding
from .reduction import MONOIDS, _combine, _numpy_identity

WINDOW = ("window_dimensions", "window_strides", "padding_low", "padding_high", "base_dilation",
          "window_dilation")


def _padded_shape(shape, a) -> tuple:
    return tuple(dilate_dim(d, r) + lo + hi
                 for d, r, lo, hi in zip(shape, a["base_dilation"], a["padding_low"], a["padding_high"]))


def _infer(name: str):
    m = MONOIDS[name[len("reduce_window_"):]]

    def infer(specs, attrs):
        (x,) = specs
        require_dtypes(name, x, m.dtypes)
        for k in WINDOW:
            require(len(attrs[k]) == x.ndim, f"pb.{name} {k} must have one entry per operand dimension "
                                            f"({x.ndim}), got {list(attrs[k])}")
        for k in ("window_dimensions", "window_strides", "base_dilation", "window_dilation"):
            require(all(v >= 1 for v in attrs[k]), f"pb.{name} {k} must be positive, got {list(attrs[k])}")
        padded = _padded_shape(x.shape, attrs)
        require(all(d >= 0 for d in padded),
                f"pb.{name} negative padding is larger than the operand, padded shape {list(padded)}")
        shape = tuple(stride_dim(p, dilate_dim(w, wd), s) for p, w, wd, s in
                      zip(padded, attrs["window_dimensions"], attrs["window_dilation"], attrs["window_strides"]))
        return [TensorSpec(shape, x.dtype)]
    return infer


def _reference(name: str):
    m = MONOIDS[name[len("reduce_window_"):]]

    def ref(x, **a):
        identity = _numpy_identity(m, x.dtype)
        padded = np_dilate_pad(x, range(x.ndim), a["base_dilation"], a["padding_low"], a["padding_high"],
                               identity)
        out_shape = _infer(name)([TensorSpec(x.shape, np.dtype(x.dtype).name)], a)[0].shape
        out = np.full(out_shape, identity, x.dtype)
        for tap in np.ndindex(*a["window_dimensions"]):
            view = padded[tuple(slice(k * wd, k * wd + (o - 1) * s + 1, s) if o else slice(0, 0)
                                for k, wd, o, s in zip(tap, a["window_dilation"], out_shape, a["window_strides"]))]
            out = m.ufunc(out, view, dtype=x.dtype)
        return out
    return numpy_ref(ref)


def _unpadded(a) -> bool:
    return not any(a["padding_low"]) and not any(a["padding_high"]) and all(r == 1 for r in a["base_dilation"])


def _pad_identity(low, name, operand, x: TensorSpec, a):
    m = MONOIDS[name[len("reduce_window_"):]]
    scalar = TensorSpec((), x.dtype)
    padded = TensorSpec(_padded_shape(x.shape, a), x.dtype)
    if _unpadded(a):
        return operand
    (v,) = LOWER["pad"](low, [operand, low.full(scalar, m.identity(x.dtype))], [x, scalar], [padded],
                        dict(low=a["padding_low"], high=a["padding_high"],
                             interior=tuple(r - 1 for r in a["base_dilation"])))
    return v


def _lower(name: str):
    m = MONOIDS[name[len("reduce_window_"):]]

    def lower(low, operands, in_specs, out_specs, a):
        x, out = in_specs[0], out_specs[0]
        padded = _pad_identity(low, name, operands[0], x, a)
        n = x.ndim
        # Iteration space: window taps (reductions, outermost), then the output.
        d = [ir.AffineDimExpr.get(i) for i in range(2 * n)]
        in_map = ir.AffineMap.get(2 * n, 0, [d[n + i] * a["window_strides"][i] + d[i] * a["window_dilation"][i]
                                             for i in range(n)])
        # An unread tensor of the window's shape gives the taps' loop bounds (as linalg.pooling_*'s).
        window = low.empty(TensorSpec(tuple(a["window_dimensions"]), x.dtype))
        return low.generic([padded, window], [in_map, affine_map(2 * n, list(range(n)))], [out],
                           lambda v, _, acc: _combine(m, x.dtype, acc, v),
                           num_dims=2 * n, out_maps=[affine_map(2 * n, list(range(n, 2 * n)))],
                           iterators=[REDUCTION] * n + [PARALLEL] * n,
                           inits=[low.full(out, m.identity(x.dtype))])
    return lower


def _defwindowed(name: str) -> str:
    monoid = name[len("reduce_window_"):]
    defop(name, ("x",), {k: I64_ARRAY for k in WINDOW}, infer=_infer(name), reference=_reference(name),
          lower=_lower(name), family="windowed",
          doc=f"lax.{name}: the {monoid} of each window of the dilated, padded operand "
              "(padding and holes hold the identity).")
    defbatch(name, _batch(name))
    return name


# ---- derivatives ---------------------------------------------------------------------------

def _sum_transpose(cts, ops, lin, **a):
    """Pad the cotangent with stride - 1 holes and sum it over the window again (JAX's rule)."""
    ct, x = cts[0], spec(ops[0])
    before, after = vjp_lhs_padding(x.shape, a["window_dimensions"], a["window_strides"], spec(ct).shape,
                                    a["padding_low"], a["base_dilation"], a["window_dilation"])
    padded = pb.pad(ct, pb.full(TensorSpec((), x.dtype), 0), low=tuple(before), high=tuple(after),
                    interior=tuple(s - 1 for s in a["window_strides"]))
    ones = (1,) * x.ndim
    return [pb.reduce_window_sum(padded, window_dimensions=tuple(a["window_dimensions"]),
                                 window_strides=tuple(a["base_dilation"]), padding_low=(0,) * x.ndim,
                                 padding_high=(0,) * x.ndim, base_dilation=ones,
                                 window_dilation=tuple(a["window_dilation"]))]


def _taps(v, fill, out_shape, a):
    """For each window tap, the (strided) slice of the padded v that the tap reads per output."""
    padded = v if _unpadded(a) else pb.pad(
        v, pb.full(TensorSpec((), spec(v).dtype), fill), low=tuple(a["padding_low"]),
        high=tuple(a["padding_high"]), interior=tuple(r - 1 for r in a["base_dilation"]))
    for tap in np.ndindex(*a["window_dimensions"]):
        start = tuple(k * wd for k, wd in zip(tap, a["window_dilation"]))
        limit = tuple(st + (o - 1) * stride + 1 if o else st
                      for st, o, stride in zip(start, out_shape, a["window_strides"]))
        yield pb.slice(padded, start_indices=start, limit_indices=limit, strides=tuple(a["window_strides"]))


def _chooser_jvp(name: str):
    largest = name == "reduce_window_max"

    def rule(primals, tangents, **a):
        (ans,) = primal(name, primals, a)
        (x,), (t,) = primals, tangents
        if spec(ans).size == 0:
            return [ans], [pb.zeros_like(ans)]
        m = MONOIDS[name[len("reduce_window_"):]]
        identity = m.identity(spec(x).dtype)
        out_shape = spec(ans).shape
        best = best_t = None
        for xv, tv in zip(_taps(x, identity, out_shape, a), _taps(t, 0, out_shape, a)):
            if best is None:
                best, best_t = xv, tv
                continue
            # strictly better replaces: ties keep the earlier tap (select_and_gather_add's ge/le)
            take = pb.compare(xv, best, direction="GT" if largest else "LT")
            best, best_t = pb.select(take, xv, best), pb.select(take, tv, best_t)
        return [ans], [best_t]
    return rule


def _batch(name: str):
    def rule(args, dims, size, **a):
        (x,), (d,) = args, dims
        fill = {"window_dimensions": 1, "window_strides": 1, "padding_low": 0, "padding_high": 0,
                "base_dilation": 1, "window_dilation": 1}
        new = {k: insert_at(a[k], d, fill[k]) for k in WINDOW}
        return [getattr(pb, name)(x, **new)], [d]
    return rule


deflinear(_defwindowed("reduce_window_sum"), transpose=_sum_transpose)
for _name in ("reduce_window_max", "reduce_window_min"):
    JVP[_defwindowed(_name)] = _chooser_jvp(_name)
