"""jnp odds and ends composed from other jnp functions: angle, atan2 (the array API's arctan2), the Kaiser
window, polynomial division, histogram2d/histogramdd (bin indices by searchsorted, counted by bincount over
the raveled multi-index, as JAX), and einsum_path (numpy's contraction-path search on the operands' shapes).
"""
from __future__ import annotations

import builtins

import numpy as _np

from .. import dtypes as _dt
from .. import lax
from ..core import Tracer
from ..errors import user_error
from . import _arithmetic as _a, _logic as _l, _reductions as _r
from ._arithmetic import arctan2 as atan2
from ._arrange import ix_
from ._bits import ravel_multi_index
from ._composite_math import degrees, diff
from ._core import as_value, convert, operand, promote_inexact
from ._creation import asarray, zeros
from ._more_math import bincount, histogram_bin_edges
from ._shapes import reshape, stack, transpose
from ._sorting import searchsorted


def angle(z, deg=False):
    z = as_value(operand(z))
    re, im = as_value(_a.real(z)), as_value(_a.imag(z))
    dt = re.aval.dtype
    if not _dt.is_inexact(dt) or (_dt.is_float(z.aval.dtype) and z.aval.ndim == 0):
        dt = _dt.default_float()
        re, im = convert(re, dt), convert(im, dt)
    out = lax.atan2(im, re)
    return degrees(out) if deg else out


def _i0_series(x):
    """The modified Bessel function I0 by its power series sum ((x/2)^k / k!)^2 (the window's beta is
    moderate: 80 terms reach float64 precision for |x| < 60)."""
    q = _a.multiply(_a.multiply(x, x), 0.25)
    term = _a.add(_a.multiply(x, 0), 1.0)
    total = term
    for k in range(1, 80):
        term = _a.true_divide(_a.multiply(term, q), float(k * k))
        total = _a.add(total, term)
    return total


def kaiser(M, beta):
    if isinstance(M, Tracer):
        M._concrete("M argument of jnp.kaiser")
    M = int(M)
    dt = _dt.default_float()
    if M <= 1:
        return lax.full((M,), 1, dt)
    n = lax.iota(dt, M)
    alpha = 0.5 * (M - 1)
    beta = convert(as_value(operand(beta)), dt)
    r = _a.true_divide(_a.subtract(n, alpha), alpha)
    arg = _a.multiply(beta, _a.sqrt(_a.subtract(1.0, _a.multiply(r, r))))
    return _a.true_divide(_i0_series(arg), _i0_series(beta))


def polydiv(u, v, *, trim_leading_zeros=False):
    u, v = (as_value(t) for t in promote_inexact(u, v))
    m, n = u.aval.shape[0] - 1, v.aval.shape[0] - 1
    scale = _a.true_divide(1.0, v[0])
    q = zeros(max(m - n + 1, 1), u.aval.dtype)
    for k in range(m - n + 1):
        d = _a.multiply(scale, u[k])
        q = q.at[k].set(d)
        u = u.at[k:k + n + 1].add(_a.multiply(_a.negative(d), v))
    if trim_leading_zeros:
        if isinstance(u, Tracer):
            u._concrete("jnp.polydiv with trim_leading_zeros=True needs a concrete remainder")
        tol = _np.sqrt(_np.finfo(_np.dtype(u.dtype)).eps)
        nz = _np.flatnonzero(_np.abs(_np.asarray(u)) >= tol)
        u = u[int(nz[0]):] if nz.size else u[:0]
    return q, u


def histogramdd(sample, bins=10, range=None, weights=None, density=None):  # noqa: A002 - numpy's name
    if weights is None:
        (sample,) = promote_inexact(sample)
    else:
        sample, weights = promote_inexact(sample, weights)
        if weights.aval.shape != sample.aval.shape[:1]:
            raise user_error(ValueError, "should have one weight for each sample.")
    sample = as_value(sample)
    N, D = sample.aval.shape
    if range is not None and (len(range) != D or any(r is not None and _np.shape(r)[0] != 2 for r in range)):
        raise user_error(ValueError, f"For sample.shape={(N, D)}, range must be a sequence of {D} pairs or Nones; "
                         f"got range={range!r}")
    try:
        per_dim = list(bins)
    except TypeError:
        per_dim = D * [bins]
    else:
        if len(per_dim) != D:
            raise user_error(ValueError, "should be a bin for each dimension.")
    idx_by_dim, edges_by_dim = [], []
    for i in builtins.range(D):
        col = sample[:, i]
        edges = as_value(histogram_bin_edges(col, per_dim[i], None if range is None else range[i], weights))
        idx = searchsorted(edges, col, side="right")
        idx = _l.where(_l.equal(col, edges[-1]), _a.subtract(idx, 1), idx)
        idx_by_dim.append(as_value(idx))
        edges_by_dim.append(edges)
    nbins = tuple(e.aval.shape[0] + 1 for e in edges_by_dim)
    xy = ravel_multi_index(tuple(idx_by_dim), nbins, mode="clip")
    hist = reshape(bincount(xy, weights, length=int(_np.prod(nbins))), nbins)
    hist = hist[(slice(1, -1),) * D]
    if density:
        hist = _a.true_divide(convert(as_value(hist), sample.aval.dtype), _r.sum(hist))
        for norm in ix_(*[diff(e) for e in edges_by_dim]):
            hist = _a.true_divide(hist, norm)
    return hist, edges_by_dim


def histogram2d(x, y, bins=10, range=None, weights=None, density=None):  # noqa: A002 - numpy's name
    try:
        nb = len(bins)
    except TypeError:
        nb = 1
    if nb not in (1, 2):
        bins = [asarray(bins), asarray(bins)]
    hist, edges = histogramdd(transpose(stack([asarray(x), asarray(y)])), bins, range, weights, density)
    return hist, edges[0], edges[1]


def einsum_path(subscripts, /, *operands, optimize="auto"):
    """The contraction order found for these operands' shapes, as ([pairs...], report) like JAX's (whose
    report is opt_einsum's PathInfo; here numpy's text report): only shapes are read, so traced operands
    are fine."""
    blank = _np.zeros(1, _np.float32)
    shaped = [_np.lib.stride_tricks.as_strided(blank, shape=_np.shape(o), strides=(0,) * _np.ndim(o))
              if hasattr(o, "shape") else o for o in operands]
    if optimize is False:
        how = False
    elif optimize == "auto":  # opt_einsum's 'auto' (JAX's default): exhaustive search for a few operands
        how = "optimal" if len(operands) <= 4 else "greedy"
    else:
        how = "optimal" if optimize in ("optimal", True) else optimize
    path, report = _np.einsum_path(subscripts, *shaped, optimize=how)
    return [tuple(p) for p in path[1:]], report


__all__ = ["angle", "atan2", "einsum_path", "histogram2d", "histogramdd", "kaiser", "polydiv"]
