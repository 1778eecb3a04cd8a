"""The composed jnp functions (rearrangements, composite math, statistics, dtype queries,
index tricks, einsum's sublist and diagonal forms) against jax.numpy on the same inputs:
values and dtypes eagerly and under jit, derivatives against finite differences (order 2,
both modes), and JAX's exception class for invalid arguments."""
from __future__ import annotations

import numpy as np
import pytest

import pullback as pb
import pullback.numpy as pnp
from pullback import lax as plax
from pullback.test_util import check_grads
from harness import assert_same_as_jax, plain_leaves

jax = pytest.importorskip("jax")
jnp = jax.numpy

rng = np.random.default_rng(0)


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def i32(*shape):
    return rng.integers(-4, 5, shape).astype(np.int32)


SQ = f32(4, 4)
M34 = f32(3, 4)
B234 = f32(2, 3, 4)
V5 = f32(5)
NANS = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan], [2.0, -1.0, 0.5]], np.float32)
SPECIAL = np.array([np.nan, np.inf, -np.inf, 1.5, -2.0], np.float32)

# (id, fn(m, *args) written against a jnp-like module m, args, argnums to differentiate or None)
CASES = [
    ("tril", lambda m, x: m.tril(x), [SQ], (0,)),
    ("tril_k", lambda m, x: m.tril(x, -1), [B234], (0,)),
    ("triu_k", lambda m, x: m.triu(x, 1), [M34], (0,)),
    ("tri", lambda m: m.tri(3, 5, 1), [], None),
    ("diagonal", lambda m, x: m.diagonal(x), [M34], (0,)),
    ("diagonal_offset_axes", lambda m, x: m.diagonal(x, -1, 2, 1), [B234], (0,)),
    ("diagonal_offset_big", lambda m, x: m.diagonal(x, 2), [M34], (0,)),
    ("trace", lambda m, x: m.trace(x, 1), [SQ], (0,)),
    ("diag_vector", lambda m, x: m.diag(x, -2), [V5], (0,)),
    ("diag_matrix", lambda m, x: m.diag(x, 1), [SQ], (0,)),
    ("diagflat", lambda m, x: m.diagflat(x), [f32(2, 2)], (0,)),
    ("repeat_int", lambda m, x: m.repeat(x, 3, axis=1), [M34], (0,)),
    ("repeat_flat", lambda m, x: m.repeat(x, 2), [M34], (0,)),
    ("repeat_list", lambda m, x: m.repeat(x, m.array([1, 0, 2]), axis=0), [M34], (0,)),
    ("repeat_total", lambda m, x: m.repeat(x, 2, axis=0, total_repeat_length=7), [M34], (0,)),
    ("tile", lambda m, x: m.tile(x, (2, 1, 3)), [M34], (0,)),
    ("tile_int", lambda m, x: m.tile(x, 2), [V5], (0,)),
    ("roll", lambda m, x: m.roll(x, 2, axis=1), [M34], (0,)),
    ("roll_flat", lambda m, x: m.roll(x, -3), [M34], (0,)),
    ("roll_multi", lambda m, x: m.roll(x, (1, -1), axis=(0, 1)), [M34], (0,)),
    ("split", lambda m, x: m.split(x, 2, axis=1), [M34], (0,)),
    ("split_indices", lambda m, x: m.split(x, [1, 3]), [V5], (0,)),
    ("array_split", lambda m, x: m.array_split(x, 3, axis=1), [M34], (0,)),
    ("hsplit", lambda m, x: m.hsplit(x, 2), [M34], None),
    ("vsplit", lambda m, x: m.vsplit(x, m.array([1])), [M34], None),
    ("vsplit_1d", lambda m, x: m.vsplit(x, 1), [V5], None),
    ("insert_oob", lambda m, x: m.insert(x, 9, 2.0), [V5], None),
    ("dsplit", lambda m, x: m.dsplit(x, 2), [B234], None),
    ("flip", lambda m, x: m.flip(x, (0, 2)), [B234], (0,)),
    ("fliplr", lambda m, x: m.fliplr(x), [M34], None),
    ("flipud", lambda m, x: m.flipud(x), [M34], None),
    ("rot90", lambda m, x: m.rot90(x), [M34], (0,)),
    ("rot90_k3", lambda m, x: m.rot90(x, 3, axes=(2, 0)), [B234], None),
    ("rot90_k2", lambda m, x: m.rot90(x, -2), [M34], None),
    ("atleast_3d", lambda m, x, y: m.atleast_3d(x, y), [V5, M34], None),
    ("append", lambda m, x, y: m.append(x, y), [M34, V5], (0, 1)),
    ("append_axis", lambda m, x, y: m.append(x, y, axis=0), [M34, f32(1, 4)], None),
    ("insert_scalar", lambda m, x: m.insert(x, 2, 7.0), [V5], (0,)),
    ("insert_axis", lambda m, x, v: m.insert(x, 1, v, axis=1), [M34, f32(3)], (0, 1)),
    ("insert_many", lambda m, x: m.insert(x, m.array([0, 3, 3, 9]), -1.0), [V5], None),
    ("delete", lambda m, x: m.delete(x, m.array([0, -2]), axis=1), [M34], (0,)),
    ("delete_slice", lambda m, x: m.delete(x, slice(1, None, 2)), [V5], None),
    ("meshgrid_xy", lambda m, x, y: m.meshgrid(x, y), [f32(3), f32(4)], (0, 1)),
    ("meshgrid_ij_sparse", lambda m, x, y, z: m.meshgrid(x, y, z, indexing="ij", sparse=True),
     [f32(2), f32(3), f32(4)], None),
    ("ix_", lambda m, x: m.ix_(x, x), [np.array([0, 2], np.int32)], None),
    ("indices", lambda m: m.indices((2, 3)), [], None),
    ("indices_sparse", lambda m: m.indices((2, 3), sparse=True), [], None),
    ("nan_to_num", lambda m, x: m.nan_to_num(x), [SPECIAL], None),
    ("nan_to_num_args", lambda m, x: m.nan_to_num(x, nan=1.0, posinf=9.0, neginf=-9.0), [SPECIAL], None),
    ("fmod", lambda m, x, y: m.fmod(x, y), [f32(5) * 5, f32(5) + 3], (0,)),
    ("fmod_int", lambda m, x, y: m.fmod(x, y), [i32(6) * 3, np.array([3, -2, 5, 1, 7, -3], np.int32)], None),
    ("logaddexp", lambda m, x, y: m.logaddexp(x, y), [M34, M34 * 2], (0, 1)),
    ("logaddexp_inf", lambda m, x, y: m.logaddexp(x, y), [SPECIAL, SPECIAL[::-1].copy()], None),
    ("logaddexp2", lambda m, x, y: m.logaddexp2(x, y), [M34, M34 * 2], (0, 1)),
    ("hypot", lambda m, x, y: m.hypot(x, y), [M34, M34 * 3 + 1], (0, 1)),
    ("deg2rad", lambda m, x: m.deg2rad(x), [V5], (0,)),
    ("degrees", lambda m, x: m.degrees(x), [V5], None),
    ("heaviside", lambda m, x: m.heaviside(x, 0.5), [np.array([-1.0, 0.0, 2.0], np.float32)], None),
    ("isposinf", lambda m, x: (m.isposinf(x), m.isneginf(x)), [SPECIAL], None),
    ("cumprod", lambda m, x: m.cumprod(x, axis=1), [M34], (0,)),
    ("cumprod_flat_int", lambda m, x: m.cumprod(x), [i32(2, 3)], None),
    ("nancumsum", lambda m, x: m.nancumsum(x, axis=0), [NANS], None),
    ("nancumprod", lambda m, x: m.nancumprod(x), [NANS], None),
    ("diff", lambda m, x: m.diff(x), [M34], (0,)),
    ("diff_n2_axis0", lambda m, x: m.diff(x, n=2, axis=0), [f32(4, 3)], (0,)),
    ("diff_prepend", lambda m, x: m.diff(x, prepend=0.0, append=1.0), [V5], (0,)),
    ("ediff1d", lambda m, x: m.ediff1d(x, to_begin=-1.0, to_end=m.array([5.0, 6.0])), [M34], None),
    ("gradient", lambda m, x: m.gradient(x), [M34], (0,)),
    ("gradient_spacing", lambda m, x: m.gradient(x, 0.5, axis=1), [M34], None),
    ("polyval", lambda m, p, x: m.polyval(p, x), [f32(4), M34], (0, 1)),
    ("polyadd", lambda m, a, b: m.polyadd(a, b), [f32(3), f32(5)], (0, 1)),
    ("polysub", lambda m, a, b: m.polysub(a, b), [f32(4), f32(2)], None),
    ("polymul", lambda m, a, b: m.polymul(a, b), [f32(3), f32(4)], (0, 1)),
    ("kron", lambda m, a, b: m.kron(a, b), [f32(2, 3), f32(3, 2)], (0, 1)),
    ("kron_rank", lambda m, a, b: m.kron(a, b), [f32(3), f32(2, 2)], None),
    ("vander", lambda m, x: m.vander(x, 4), [f32(3)], (0,)),
    ("vander_increasing", lambda m, x: m.vander(x, increasing=True), [f32(3)], None),
    ("cross", lambda m, a, b: m.cross(a, b), [f32(4, 3), f32(4, 3)], (0, 1)),
    ("cross_2d", lambda m, a, b: m.cross(a, b), [f32(4, 2), f32(4, 2)], None),
    ("cross_axis", lambda m, a, b: m.cross(a, b, axisa=0, axisb=0), [f32(3, 4), f32(3, 4)], None),
    ("trapezoid", lambda m, y: m.trapezoid(y, dx=0.5), [M34], (0,)),
    ("trapezoid_x", lambda m, y, x: m.trapezoid(y, x), [M34, np.sort(f32(4))], None),
    ("interp", lambda m, x, xp, fp: m.interp(x, xp, fp),
     [np.array([-1.0, 0.2, 0.7, 1.7, 3.0], np.float32), np.array([0.0, 0.5, 1.0, 2.0], np.float32), f32(4)], (0, 2)),
    ("interp_lr", lambda m, x, xp, fp: m.interp(x, xp, fp, left=-7.0, right=7.0),
     [np.array([-1.0, 0.2, 3.0], np.float32), np.array([0.0, 0.5, 1.0], np.float32), f32(3)], None),
    ("var", lambda m, x: m.var(x, axis=0), [M34], (0,)),
    ("var_ddof", lambda m, x: m.var(x, ddof=1, keepdims=True), [M34], (0,)),
    ("std", lambda m, x: m.std(x, axis=1, ddof=1), [M34], (0,)),
    ("var_int", lambda m, x: m.var(x), [i32(6)], None),
    ("nansum", lambda m, x: m.nansum(x, axis=1), [NANS], None),
    ("nanprod", lambda m, x: m.nanprod(x, axis=0), [NANS], None),
    ("nanmean", lambda m, x: m.nanmean(x, axis=1), [NANS], None),
    ("nanmax", lambda m, x: m.nanmax(x, axis=1), [NANS], None),
    ("nanmin", lambda m, x: m.nanmin(x, axis=0), [NANS], None),
    ("nanvar", lambda m, x: m.nanvar(x, axis=1), [NANS], None),
    ("nanstd", lambda m, x: m.nanstd(x), [NANS], None),
    ("nanargmax", lambda m, x: (m.nanargmax(x, axis=0), m.nanargmin(x[0])), [NANS[[0, 2]]], None),
    ("nanmean_grad", lambda m, x: m.nanmean(x, axis=0), [M34], (0,)),
    ("average", lambda m, x: m.average(x, axis=1), [M34], (0,)),
    ("average_weights", lambda m, x, w: m.average(x, axis=1, weights=w), [M34, np.abs(f32(4)) + 0.1], (0, 1)),
    ("average_returned", lambda m, x, w: m.average(x, weights=w, returned=True), [M34, np.abs(M34) + 0.1], None),
    ("ptp", lambda m, x: m.ptp(x, axis=0), [M34], None),
    ("count_nonzero", lambda m, x: m.count_nonzero(x, axis=0), [i32(3, 4)], None),
    ("cov", lambda m, x: m.cov(x), [M34], (0,)),
    ("cov_y_bias", lambda m, x, y: m.cov(x, y, rowvar=False, bias=True), [M34, f32(3, 2)], None),
    ("corrcoef", lambda m, x: m.corrcoef(x), [M34], (0,)),
    ("einsum_diag", lambda m, x: m.einsum("ii->i", x), [SQ], (0,)),
    ("einsum_trace", lambda m, x: m.einsum("ii", x), [SQ], (0,)),
    ("einsum_batch_diag", lambda m, x, y: m.einsum("bii,bj->bij", x, y), [f32(2, 3, 3), f32(2, 4)], (0, 1)),
    ("einsum_sublist", lambda m, x, y: m.einsum(x, [0, 1], y, [1, 2], [0, 2]), [M34, f32(4, 2)], (0, 1)),
    ("einsum_sublist_implicit", lambda m, x, y: m.einsum(x, [0, 1], y, [1]), [M34, f32(4)], None),
    ("einsum_sublist_ellipsis", lambda m, x: m.einsum(x, [Ellipsis, 0, 1], [Ellipsis, 1, 0]), [B234], None),
    ("r_", lambda m, x: m.r_[x, 3.0, 0:3], [f32(2)], None),
    ("r_linspace", lambda m: m.r_[-1:1:5j], [], None),
    ("r_directive", lambda m, x, y: m.r_["0,2", x, y], [f32(3), f32(3)], None),
    ("r_axis1", lambda m, x, y: m.r_["1", x, y], [M34, M34], None),
    ("c_", lambda m, x, y: m.c_[x, y], [f32(3), f32(3)], None),
    ("c_matrix", lambda m, x, y: m.c_[x, y], [M34, f32(3, 1)], None),
    ("column_stack", lambda m, x, y: m.column_stack((x, y)), [f32(3), M34[:, :2]], None),
    ("dstack", lambda m, x, y: m.dstack((x, y)), [M34, M34], None),
    ("positive_fabs", lambda m, x: (m.positive(x), m.fabs(x)), [V5], None),
    # constructors and layout helpers (_construct)
    ("concat_permute", lambda m, x: (m.concat([x, x], axis=1), m.permute_dims(x, (1, 0))), [M34], None),
    ("matrix_transpose", lambda m, x: m.matrix_transpose(x), [B234], (0,)),
    ("empty_like_copy", lambda m, x: (m.empty_like(x) * 0, m.copy(x)), [M34], None),
    ("rollaxis", lambda m, x: m.rollaxis(x, 2, 1), [B234], None),
    ("unstack", lambda m, x: m.unstack(x, axis=1), [M34], (0,)),
    ("tri_indices", lambda m: (m.tril_indices(3, 1), m.triu_indices(3, -1, 4)), [], None),
    ("tri_indices_from", lambda m, x: (m.tril_indices_from(x), m.triu_indices_from(x, 1)), [M34], None),
    ("diag_indices", lambda m, x: (m.diag_indices(3, 3), m.diag_indices_from(x)), [SQ], None),
    ("fill_diagonal", lambda m, x: m.fill_diagonal(x, 5.0, inplace=False), [M34], (0,)),
    ("fill_diagonal_vec", lambda m, x, v: m.fill_diagonal(x, v, inplace=False), [M34, f32(3)], None),
    ("logspace_geomspace", lambda m: (m.logspace(0, 2, 5), m.geomspace(1, 1000, 4), m.logspace(1, 3, 3, base=2.0)),
     [], None),
    ("windows", lambda m: (m.hamming(6), m.hanning(5), m.blackman(7), m.bartlett(6), m.hamming(1)), [], None),
    ("fromfunction", lambda m: m.fromfunction(lambda i, j: i * 10 + j, (2, 3)), [], None),
    ("block", lambda m, x, y: m.block([[x, y], [y, x]]), [f32(2, 2), f32(2, 2)], (0, 1)),
    ("resize", lambda m, x: m.resize(x, (3, 7)), [V5], None),
    # more math (_more_math)
    ("trunc_rint", lambda m, x: (m.trunc(x), m.rint(x)), [np.array([-2.5, -1.5, 0.5, 1.5, 2.7], np.float32)],
     None),
    ("fmax_fmin", lambda m, x, y: (m.fmax(x, y), m.fmin(x, y)), [SPECIAL, SPECIAL[::-1].copy()], None),
    ("signbit_copysign", lambda m, x, y: (m.signbit(x), m.copysign(y, x)),
     [np.array([-0.0, 0.0, -1.0, 2.0, -np.inf], np.float32), V5], None),
    ("copysign_grad", lambda m, x: m.copysign(x, -1.0), [V5], (0,)),
    ("modf", lambda m, x: m.modf(x), [V5 * 3], None),
    ("ldexp", lambda m, x, e: m.ldexp(x, e), [V5, i32(5)], None),
    ("logical_xor", lambda m, x, y: m.logical_xor(x > 0, y), [V5, i32(5)], None),
    ("select", lambda m, x: m.select([x < -0.5, x > 0.5], [x, 2 * x], -1.0), [M34], (0,)),
    ("cumulative", lambda m, x: (m.cumulative_sum(x, axis=1, include_initial=True), m.cumulative_prod(x, axis=0)),
     [M34], (0,)),
    ("unwrap", lambda m, x: m.unwrap(x), [np.cumsum(np.abs(f32(8)) * 2).astype(np.float32)], (0,)),
    ("isin", lambda m, x, t: (m.isin(x, t), m.isin(x, t, invert=True)), [i32(3, 4), np.array([0, 2], np.int32)],
     None),
    ("digitize", lambda m, x, b: (m.digitize(x, b), m.digitize(x, b, right=True)),
     [np.array([-1.0, 0.0, 0.5, 1.0, 3.0], np.float32), np.array([0.0, 1.0, 2.0], np.float32)], None),
    ("histogram", lambda m, x: m.histogram(x, bins=4), [f32(20)], None),
    ("histogram_range_weights", lambda m, x, w: m.histogram(x, bins=3, range=(-1.0, 1.0), weights=w, density=True),
     [f32(20), np.abs(f32(20))], None),
    ("bincount", lambda m, x: m.bincount(x, length=6), [np.array([0, 1, 1, 4, 2, 1], np.int32)], None),
    ("bincount_weights", lambda m, x, w: m.bincount(x, w, length=5), [np.array([0, 1, 1, 4], np.int32), f32(4)],
     None),
    ("gcd_lcm", lambda m, x, y: (m.gcd(x, y), m.lcm(x, y)), [np.array([12, -18, 0, 7], np.int32),
                                                         np.array([8, 27, 5, 0], np.int32)], None),
    ("polyder_polyint", lambda m, p: (m.polyder(p), m.polyder(p, 2), m.polyint(p), m.polyint(p, 2, k=1.0)), [f32(4)],
     None),
    ("poly", lambda m, z: m.poly(z), [f32(3)], (0,)),
    ("vecdot_matvec", lambda m, a, v: (m.vecdot(a, v), m.matvec(a, v), m.vecmat(v[:3], a[:, :3])),
     [M34, f32(4)], (0, 1)),
    ("apply_along_axis", lambda m, x: m.apply_along_axis(lambda v: v * v.sum(), 1, x), [B234], (0,)),
    ("apply_over_axes", lambda m, x: m.apply_over_axes(m.sum, x, [0, 2]), [B234], None),
    ("predicates", lambda m, x: (m.iscomplex(x), m.isreal(x), m.isscalar(1.0), m.isscalar(x), m.iterable(x),
                                 m.array_equiv(x, x[:1]), m.array_equiv(x, x)), [f32(1, 3)], None),
    ("choose", lambda m, a, x, y: m.choose(a, [x, y], mode="wrap"), [i32(5), V5, V5 * 2], None),
    ("pow_invert", lambda m, x, i: (m.pow(x, 2), m.bitwise_invert(i)), [V5, i32(5)], None),
]


def _run(m, fn, args):
    return fn(m, *[m.asarray(a) for a in args])




@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_value_matches_jax(case):
    name, fn, args, _ = case
    want = _run(jnp, fn, args)
    assert_same_as_jax(_run(pnp, fn, args), want, f"{name} eager")
    jitted = pb.jit(lambda *a: fn(pnp, *a))
    assert_same_as_jax(jitted(*[pnp.asarray(a) for a in args]), want, f"{name} jit")


GRAD_CASES = [c for c in CASES if c[3] is not None]


@pytest.mark.parametrize("case", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_grads(case):
    name, fn, args, argnums = case
    fixed = list(args)

    def f(*diff):
        full = list(fixed)
        for i, d in zip(argnums, diff):
            full[i] = d
        out = fn(pnp, *full)
        leaves = plain_leaves(out)
        return sum(pnp.sum(pnp.sin(leaf)) for leaf in leaves)  # all outputs, a nonlinear scalar
    check_grads(f, [pnp.asarray(np.asarray(args[i], np.float32)) for i in argnums], order=2,
                modes=("fwd", "rev"), atol=2e-2, rtol=2e-2)


def test_logaddexp_derivative_at_infinities_matches_jax():
    x = np.array([-np.inf, 0.0, 1.0], np.float32)
    y = np.array([-np.inf, -np.inf, np.inf], np.float32)
    for argnum in (0, 1):
        want = jax.grad(lambda a, b: jnp.sum(jnp.logaddexp(a, b)), argnum)(x, y)
        got = pb.grad(lambda a, b: pnp.sum(pnp.logaddexp(a, b)), argnum)(pnp.asarray(x), pnp.asarray(y))
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


@pytest.mark.parametrize("name,fn", [
    ("cumprod", lambda l, x: l.cumprod(x, 1)),
    ("cummax", lambda l, x: l.cummax(x, 0, reverse=True)),
    ("cummin", lambda l, x: l.cummin(x, 1)),
    ("cumlogsumexp", lambda l, x: l.cumlogsumexp(x, 1, reverse=True)),
])
def test_lax_cumulative(name, fn):
    x = f32(3, 6)
    np.testing.assert_allclose(np.asarray(fn(plax, pnp.asarray(x))), np.asarray(fn(jax.lax, x)), rtol=2e-6,
                               atol=1e-6)
    check_grads(lambda a: fn(plax, a), [pnp.asarray(x)], order=2, modes=("fwd", "rev"), atol=2e-2, rtol=2e-2)
    batched = pb.vmap(lambda a: fn(plax, a))(pnp.asarray(np.stack([x, 2 * x])))
    np.testing.assert_allclose(np.asarray(batched)[1], np.asarray(fn(jax.lax, 2 * x)), rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("a,b", [("int32", "float16"), ("uint8", "int8"), ("bfloat16", "float16"),
                                 ("int64", "float32"), ("bool", "uint16")])
def test_promote_types(a, b):
    assert pnp.promote_types(a, b) == jnp.promote_types(a, b)


def test_dtype_queries():
    assert pnp.finfo(pnp.float32).eps == jnp.finfo(jnp.float32).eps
    assert pnp.finfo(pnp.bfloat16).max == jnp.finfo(jnp.bfloat16).max
    assert pnp.iinfo(pnp.int8).min == jnp.iinfo(jnp.int8).min
    for t, c in [(pnp.float32, pnp.floating), (pnp.int32, pnp.integer), (pnp.uint8, pnp.signedinteger),
                 (pnp.complex64, pnp.inexact)]:
        assert pnp.issubdtype(t, c) == jnp.issubdtype(t, c)
    assert pnp.can_cast(pnp.int32, pnp.float64) == jnp.can_cast(jnp.int32, jnp.float64)
    assert pnp.isdtype(pnp.float32, "real floating") and not pnp.isdtype(pnp.int32, ("bool", "real floating"))
    assert pnp.iscomplexobj(pnp.ones(2, pnp.complex64)) and pnp.isrealobj(pnp.ones(2))


@pytest.mark.parametrize("name,fn", [
    ("split_unequal", lambda m: m.split(m.arange(5), 2)),
    ("tril_1d", lambda m: m.tril(m.arange(3))),
    ("diagonal_same_axes", lambda m: m.diagonal(m.ones((2, 2)), 0, 1, 1)),
    ("diag_3d", lambda m: m.diag(m.ones((2, 2, 2)))),
    ("rot90_axes", lambda m: m.rot90(m.ones((2, 2)), axes=(0, 0))),
    ("dsplit_2d", lambda m: m.dsplit(m.ones((2, 4)), 2)),
    ("insert_list", lambda m: m.insert(m.ones(3), [0, 1], 2.0)),
    ("cross_dim", lambda m: m.cross(m.ones(4), m.ones(4))),
    ("meshgrid_indexing", lambda m: m.meshgrid(m.ones(2), indexing="xx")),
    ("delete_oob", lambda m: m.delete(m.ones(3), 5)),
    ("delete_oob_array", lambda m: m.delete(m.ones(3), m.array([0, 7]))),
])
def test_errors_match_jax(name, fn):
    with pytest.raises(Exception) as want:
        fn(jnp)
    with pytest.raises(want.type):
        fn(pnp)


def test_value_dependent_shapes_eagerly():
    """Functions whose output shape depends on values: eager only (as in JAX without size=)."""
    x = np.array([0.0, 0.0, 1.0, 0.0, 2.0, 0.0], np.float32)
    for trim in ("fb", "f", "b"):
        np.testing.assert_array_equal(np.asarray(pnp.trim_zeros(pnp.asarray(x), trim)),
                                      np.asarray(jnp.trim_zeros(jnp.asarray(x), trim)))
    for k in (0, 1, -1):
        for got, want in zip(pnp.mask_indices(4, pnp.triu, k), jnp.mask_indices(4, jnp.triu, k)):
            np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


def test_absent_names_are_absent():
    """A name pullback lacks raises AttributeError: no placeholder claims it."""
    for name in ("ufunc_that_never_existed", "fromiter"):
        assert not hasattr(pnp, name)
