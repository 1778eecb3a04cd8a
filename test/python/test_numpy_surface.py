"""The jnp surface added for issue 14 (pad, unique and the set operations, nonzero/argwhere with size=,
bits, partial sorts and placement, ufunc/vectorize, histograms, host io) and the array-API names of
jnp.linalg, against jax.numpy on the same random inputs: values and dtypes eagerly and under jit (where JAX
allows it: with size= for the data-dependent shapes), derivatives against finite differences (order 2,
both modes) for the differentiable ones, vmap for a sample, and JAX's exception class for bad input,
including ConcretizationTypeError for a data-dependent shape under jit without size=."""
from __future__ import annotations

import io

import numpy as np
import pytest

import pullback as pb
import pullback.numpy as pnp
from pullback.test_util import check_grads
from harness import assert_same_as_jax, plain_leaves

jax = pytest.importorskip("jax")
jnp = jax.numpy

rng = np.random.default_rng(14)


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def ints(*shape, lo=0, hi=5, dtype=np.int32):
    return rng.integers(lo, hi, shape).astype(dtype)


X34, X253, V7 = f32(3, 4), f32(2, 5, 3), f32(7)
I36, I8 = ints(3, 6), ints(8, hi=6)
U8 = ints(3, 4, hi=256, dtype=np.uint8)
NANS = np.where(rng.random((3, 5)) < 0.25, np.nan, ints(3, 5, hi=3)).astype(np.float32)
MASK = rng.random((3, 4)) < 0.5
C6 = (rng.standard_normal(6) + 1j * rng.standard_normal(6)).astype(np.complex64)
FLOATS = np.array([0, -0.0, 1, 3, -5.5, 1e-3, np.inf, -np.inf, np.nan, 1e30, -2e-38], np.float32)
TOWARD = np.array([1, 0, -1, 2, 3, -3, 1, np.nan, 0, 1, -0.0], np.float32)


def _put(m, x, i):
    return m.put_along_axis(x, i, -1.0, 1, inplace=False)


def _sum_ufunc(m):
    return m.frompyfunc(lambda a, b: a * b + 1, 2, 1, identity=0)


# (id, fn(m, *args) against a jnp-like module m, args, argnums to differentiate or None, runs under jit)
CASES = [
    ("pad_constant", lambda m, x: m.pad(x, ((1, 2), (0, 3)), constant_values=((1, 2), (3, 4))), [X34], (0,), True),
    ("pad_edge", lambda m, x: m.pad(x, 2, "edge"), [X253], (0,), True),
    ("pad_wrap", lambda m, x: m.pad(x, 9, "wrap"), [X34], (0,), True),
    ("pad_reflect_long", lambda m, x: m.pad(x, 7, "reflect"), [X34], (0,), True),
    ("pad_symmetric_odd", lambda m, x: m.pad(x, (3, 5), "symmetric", reflect_type="odd"), [X34], (0,), True),
    ("pad_reflect_odd", lambda m, x: m.pad(x, 6, "reflect", reflect_type="odd"), [V7], (0,), True),
    ("pad_linear_ramp", lambda m, x: m.pad(x, (2, 3), "linear_ramp", end_values=(1, -2)), [X34], (0,), True),
    ("pad_maximum", lambda m, x: m.pad(x, 2, "maximum"), [X34], None, True),
    ("pad_minimum_int", lambda m, x: m.pad(x, 1, "minimum"), [I36], None, True),
    ("pad_mean_stat", lambda m, x: m.pad(x, 2, "mean", stat_length=2), [X253], (0,), True),
    ("pad_mean_int", lambda m, x: m.pad(x, 2, "mean"), [I36], None, True),
    ("pad_median", lambda m, x: m.pad(x, 3, "median"), [X34], None, True),
    ("pad_empty_shape", lambda m, x: m.pad(x, 2, "empty").shape, [X34], None, False),
    ("pad_callable", lambda m, x: m.pad(x, 2, lambda v, pw, ax, kw: v.at[:pw[0]].set(7.0)), [X34], None, True),
    ("nonzero", lambda m, b: m.nonzero(b), [MASK], None, False),
    ("nonzero_size", lambda m, b: m.nonzero(b, size=9, fill_value=(1, 2)), [MASK], None, True),
    ("nonzero_size_small", lambda m, b: m.nonzero(b, size=2), [MASK], None, True),
    ("flatnonzero_size", lambda m, x: m.flatnonzero(x, size=20, fill_value=-1), [I36], None, True),
    ("argwhere", lambda m, x: m.argwhere(x), [I36], None, False),
    ("argwhere_size", lambda m, x: m.argwhere(x > 2, size=5), [I36], None, True),
    ("unique", lambda m, x: m.unique(x), [I36], None, False),
    ("unique_all_flags", lambda m, x: m.unique(x, True, True, True), [I36], None, False),
    ("unique_nan", lambda m, x: m.unique(x, return_counts=True), [NANS], None, False),
    ("unique_axis", lambda m, x: m.unique(x, True, True, True, axis=1), [ints(3, 6, hi=2)], None, False),
    ("unique_size", lambda m, x: m.unique(x, True, True, True, size=4), [I8], None, True),
    ("unique_size_fill", lambda m, x: m.unique(x, return_counts=True, size=9, fill_value=-7), [I8], None, True),
    ("unique_values_grad", lambda m, x: m.unique(m.round(x), size=3) * x[0, 0], [X34], None, True),
    ("unique_all", lambda m, x: tuple(m.unique_all(x)), [NANS], None, False),
    ("unique_counts", lambda m, x: tuple(m.unique_counts(x, size=6)), [I36], None, True),
    ("unique_inverse", lambda m, x: tuple(m.unique_inverse(x)), [I36], None, False),
    ("unique_values", lambda m, x: m.unique_values(x, size=3, fill_value=0), [I8], None, True),
    ("union1d", lambda m, a, b: m.union1d(a, b), [I8, ints(5, lo=3, hi=9)], None, False),
    ("union1d_size", lambda m, a, b: m.union1d(a, b, size=12, fill_value=-1), [I8, ints(5, lo=3, hi=9)], None, True),
    ("setdiff1d", lambda m, a, b: m.setdiff1d(a, b), [I8, ints(5, lo=3, hi=9)], None, False),
    ("setdiff1d_size", lambda m, a, b: m.setdiff1d(a, b, size=6), [I8, ints(5, lo=3, hi=9)], None, True),
    ("setxor1d", lambda m, a, b: m.setxor1d(a, b), [I8, ints(5, lo=3, hi=9)], None, False),
    ("setxor1d_size", lambda m, a, b: m.setxor1d(a, b, size=9), [I8, ints(5, lo=3, hi=9)], None, True),
    ("intersect1d", lambda m, a, b: m.intersect1d(a, b, return_indices=True), [I8, ints(5, lo=3, hi=9)], None,
     False),
    ("intersect1d_size", lambda m, a, b: m.intersect1d(a, b, return_indices=True, size=6),
     [I8, ints(5, lo=3, hi=9)], None, True),
    ("compress", lambda m, x: m.compress(m.array([1, 0, 1]), x, axis=0), [X34], None, False),
    ("compress_size", lambda m, x: m.compress(x[0] > 0, x, axis=1, size=2, fill_value=-1), [X34], None, True),
    ("extract", lambda m, x: m.extract(x > 0, x), [X34], None, False),
    ("extract_size", lambda m, x: m.extract(x > 0, x, size=5), [X34], None, True),
    ("bitwise_count", lambda m, x: m.bitwise_count(x), [ints(3, 5, lo=-100, hi=100, dtype=np.int16)], None, True),
    ("bitwise_count_u64", lambda m, x: m.bitwise_count(x), [ints(4, hi=2**40, dtype=np.int64)], None, True),
    ("packbits", lambda m, x: m.packbits(x, axis=1), [ints(3, 13, hi=2)], None, True),
    ("packbits_little", lambda m, x: m.packbits(x, bitorder="little"), [ints(3, 13, hi=2)], None, True),
    ("unpackbits", lambda m, x: m.unpackbits(x, axis=0, count=5, bitorder="little"), [U8], None, True),
    ("unpackbits_pad", lambda m, x: m.unpackbits(x, axis=1, count=40), [U8], None, True),
    ("frexp", lambda m, x: m.frexp(x), [FLOATS], None, True),
    ("frexp_f16", lambda m, x: m.frexp(x.astype(np.float16)), [FLOATS], None, True),
    ("nextafter", lambda m, x, y: m.nextafter(x, y), [FLOATS, TOWARD], None, True),
    ("spacing", lambda m, x: m.spacing(x), [FLOATS], None, True),
    ("spacing_int", lambda m, x: m.spacing(x), [I8], None, True),
    ("ravel_multi_index", lambda m, i, j: m.ravel_multi_index((i, j), (3, 4), order="F"),
     [ints(5, hi=3), ints(5, hi=4)], None, False),
    ("ravel_multi_index_wrap", lambda m, i, j: m.ravel_multi_index((i, j), (3, 4), mode="wrap"),
     [ints(5, lo=-4, hi=9), ints(5, lo=-4, hi=9)], None, True),
    ("unravel_index", lambda m, i: m.unravel_index(i, (3, 4)), [ints(9, lo=-14, hi=15)], None, True),
    ("partition", lambda m, x: m.partition(x, 2), [f32(4, 7)], (0,), True),
    ("partition_axis0_int", lambda m, x: m.partition(x, -1, axis=0), [I36], None, True),
    ("argpartition", lambda m, x: m.argpartition(x, 3, axis=1), [I36], None, True),
    ("argpartition_uint", lambda m, x: m.argpartition(x, 1, axis=0), [U8], None, True),
    ("sort_complex", lambda m, x: m.sort_complex(x), [C6], None, True),
    ("sort_complex_int", lambda m, x: m.sort_complex(x), [I8], None, True),
    ("put_along_axis", lambda m, x: _put(m, x, m.argsort(x, axis=1)[:, :2]), [X34], None, True),
    ("place", lambda m, x: m.place(x, x > 0, m.array([10.0, 20.0]), inplace=False), [X34], None, True),
    ("piecewise", lambda m, x: m.piecewise(x, [x < 0, x > 1], [lambda t: -t, lambda t: t * t, 5.0]), [X34],
     (0,), True),
    ("angle", lambda m, z: m.angle(z, deg=True), [C6], None, True),
    ("angle_int", lambda m, x: m.angle(x), [ints(4, lo=-3, hi=3)], None, True),
    ("atan2", lambda m, y, x: m.atan2(y, x), [X34, f32(3, 4)], (0, 1), True),
    ("kaiser", lambda m: m.kaiser(12, 8.6), [], None, True),
    ("polydiv", lambda m, u, v: m.polydiv(u, v), [f32(6), np.array([2.0, 1.0, -1.0], np.float32)], (0, 1), True),
    ("histogram2d", lambda m, x, y: m.histogram2d(x, y, bins=(3, 4)), [f32(40), f32(40)], None, True),
    ("histogram2d_density", lambda m, x, y, w: m.histogram2d(x, y, 4, [(-1, 1), (-2, 2)], w, True),
     [f32(40), f32(40), rng.random(40).astype(np.float32)], None, True),
    ("histogramdd", lambda m, s: (lambda h: (h[0], *h[1]))(m.histogramdd(s, bins=3)), [f32(30, 3)], None, True),
    ("vectorize", lambda m, x, y: m.vectorize(lambda a, b: a * 2 + m.sin(b))(x, y), [X34, f32(4)], (0, 1), True),
    ("vectorize_signature", lambda m, x: m.vectorize(lambda a: (a.sum(), a * 2), signature="(n)->(),(n)")(x),
     [X34], (0,), True),
    ("vectorize_excluded", lambda m, x: m.vectorize(lambda a, p: a ** p, excluded={1})(x, 2), [X34], (0,), True),
    ("ufunc_call", lambda m, x, y: _sum_ufunc(m)(x, y), [X34, f32(4)], (0, 1), True),
    ("ufunc_reduce", lambda m, x: _sum_ufunc(m).reduce(x, axis=1, keepdims=True), [X34], (0,), True),
    ("ufunc_reduce_where", lambda m, x: _sum_ufunc(m).reduce(x, axis=1, where=x > 0), [X34], None, True),
    ("ufunc_accumulate", lambda m, x: _sum_ufunc(m).accumulate(x, axis=1), [X34], (0,), True),
    ("ufunc_outer", lambda m, x, y: _sum_ufunc(m).outer(x, y), [f32(3), f32(4)], None, True),
    ("ufunc_at", lambda m, x: _sum_ufunc(m).at(x, m.array([1, 1, 3]), m.array([1.0, 2.0, 3.0]), inplace=False),
     [V7], None, True),
    ("ufunc_reduceat", lambda m, x: _sum_ufunc(m).reduceat(x, m.array([0, 1, 3]), axis=1), [X34], None, True),
    ("linalg_cross", lambda m, a, b: m.linalg.cross(a, b, axis=1), [f32(2, 3, 4), f32(2, 3, 4)], (0, 1), True),
    ("linalg_diagonal", lambda m, x: m.linalg.diagonal(x, offset=1), [X253], (0,), True),
    ("linalg_matmul", lambda m, a, b: m.linalg.matmul(a, b), [X34, f32(4, 2)], (0, 1), True),
    ("linalg_matmul_pet", lambda m, a, b: m.linalg.matmul(a, b, preferred_element_type=np.int32),
     [ints(3, 4, dtype=np.int8), ints(4, 2, dtype=np.int8)], None, True),
    ("linalg_matrix_norm", lambda m, x: m.linalg.matrix_norm(x, keepdims=True), [X253], (0,), True),
    ("linalg_matrix_norm_nuc", lambda m, x: m.linalg.matrix_norm(x, ord="nuc"), [X253], None, True),
    ("linalg_matrix_transpose", lambda m, x: m.linalg.matrix_transpose(x), [X253], (0,), True),
    ("linalg_outer", lambda m, a, b: m.linalg.outer(a, b), [f32(3), f32(4)], (0, 1), True),
    ("linalg_svdvals", lambda m, x: m.linalg.svdvals(x), [X34], None, True),
    ("linalg_tensordot", lambda m, a, b: m.linalg.tensordot(a, b, axes=1), [X34, f32(4, 2)], (0, 1), True),
    ("linalg_vecdot", lambda m, a, b: m.linalg.vecdot(a, b, axis=0), [X34, f32(3, 4)], (0, 1), True),
    ("linalg_vector_norm", lambda m, x: m.linalg.vector_norm(x, axis=1, keepdims=True), [X34], (0,), True),
    ("linalg_vector_norm_ord3", lambda m, x: m.linalg.vector_norm(x, ord=3), [X253], (0,), True),
    ("linalg_vector_norm_inf", lambda m, x: m.linalg.vector_norm(x, ord=np.inf, axis=(0, 2)), [X253], None, True),
    ("linalg_vector_norm_0", lambda m, x: m.linalg.vector_norm(x, ord=0), [X34], None, True),
]


def _run(m, fn, args):
    return fn(m, *[m.asarray(a) for a in args])




@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_value_matches_jax(case):
    name, fn, args, _, jit_ok = case
    want = _run(jnp, fn, args)
    assert_same_as_jax(_run(pnp, fn, args), want, f"{name} eager")
    if jit_ok:
        jitted = pb.jit(lambda *a: fn(pnp, *a))
        assert_same_as_jax(jitted(*[pnp.asarray(a) for a in args]), want, f"{name} jit")


GRAD_CASES = [c for c in CASES if c[3] is not None]


@pytest.mark.parametrize("case", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_grads(case):
    name, fn, args, argnums, _ = case
    fixed = list(args)

    def f(*diff):
        full = list(fixed)
        for i, d in zip(argnums, diff):
            full[i] = d
        return sum(pnp.sum(pnp.sin(leaf)) for leaf in plain_leaves(fn(pnp, *full)))  # all outputs, nonlinearly
    check_grads(f, [pnp.asarray(np.asarray(args[i], np.float32)) for i in argnums], order=2,
                modes=("fwd", "rev"), atol=2e-2, rtol=2e-2)


@pytest.mark.parametrize("name,fn", [
    ("pad_reflect", lambda m, x: m.pad(x, 3, "reflect")),
    ("nonzero_size", lambda m, x: m.nonzero(x > 0, size=4)),
    ("unique_size", lambda m, x: m.unique(x, size=5, return_inverse=True)),
    ("partition", lambda m, x: m.partition(x, 1)),
    ("bitwise_count", lambda m, x: m.bitwise_count(m.round(x * 10).astype(m.int32))),
    ("vector_norm", lambda m, x: m.linalg.vector_norm(x, ord=1)),
])
def test_vmap_matches_jax(name, fn):
    xs = f32(3, 4, 5)
    got = pb.vmap(lambda a: fn(pnp, a))(pnp.asarray(xs))
    assert_same_as_jax(got, jax.vmap(lambda a: fn(jnp, a))(xs), f"{name} vmap")


@pytest.mark.parametrize("name,fn", [
    ("nonzero", lambda m, x: m.nonzero(x)),
    ("flatnonzero", lambda m, x: m.flatnonzero(x)),
    ("argwhere", lambda m, x: m.argwhere(x)),
    ("unique", lambda m, x: m.unique(x)),
    ("union1d", lambda m, x: m.union1d(x, x)),
    ("setdiff1d", lambda m, x: m.setdiff1d(x, x)),
    ("compress", lambda m, x: m.compress(x > 0, x)),
    ("extract", lambda m, x: m.extract(x > 0, x)),
])
def test_data_dependent_shape_under_jit_needs_size(name, fn):
    x = f32(6)
    with pytest.raises(Exception) as want:
        jax.jit(lambda a: fn(jnp, a))(x)
    assert isinstance(want.value, jax.errors.ConcretizationTypeError)
    with pytest.raises(pb.errors.ConcretizationTypeError) as got:
        pb.jit(lambda a: fn(pnp, a))(pnp.asarray(x))
    assert "size" in str(got.value) and __file__.split("/")[-1] in str(got.value)


@pytest.mark.parametrize("name,fn", [
    ("pad_negative", lambda m: m.pad(m.ones(3), -1)),
    ("pad_mode", lambda m: m.pad(m.ones(3), 1, "nope")),
    ("pad_kwarg", lambda m: m.pad(m.ones(3), 1, "edge", constant_values=1)),
    ("pad_width_float", lambda m: m.pad(m.ones(3), 1.5)),
    ("pad_width_shape", lambda m: m.pad(m.ones((2, 2)), ((1, 2, 3),))),
    ("pad_empty_axis", lambda m: m.pad(m.ones((0, 2)), 1, "wrap")),
    ("pad_stat_zero", lambda m: m.pad(m.ones(3), 1, "mean", stat_length=0)),
    ("nonzero_0d", lambda m: m.nonzero(m.array(1))),
    ("unique_empty_size", lambda m: m.unique(m.ones(0), size=2)),
    ("compress_2d_condition", lambda m: m.compress(m.ones((2, 2)), m.ones(4))),
    ("compress_size", lambda m: m.compress(m.ones(2), m.ones(2), size=3)),
    ("packbits_float", lambda m: m.packbits(m.ones(3))),
    ("unpackbits_int32", lambda m: m.unpackbits(m.ones(3, m.int32))),
    ("frexp_complex", lambda m: m.frexp(m.ones(2, m.complex64))),
    ("spacing_complex", lambda m: m.spacing(m.ones(2, m.complex64))),
    ("ravel_multi_index_oob", lambda m: m.ravel_multi_index((m.array([5]), m.array([0])), (3, 4))),
    ("ravel_multi_index_float", lambda m: m.ravel_multi_index((m.ones(2), m.ones(2)), (3, 4), mode="clip")),
    ("partition_complex", lambda m: m.partition(m.ones(3, m.complex64), 1)),
    ("put_along_axis_inplace", lambda m: m.put_along_axis(m.ones((2, 2)), m.zeros((2, 1), int), 1.0, 1)),
    ("place_inplace", lambda m: m.place(m.ones(3), m.ones(3) > 0, m.ones(1))),
    ("place_sizes", lambda m: m.place(m.ones(3), m.ones(2) > 0, m.ones(1), inplace=False)),
    ("piecewise_count", lambda m: m.piecewise(m.ones(3), [m.ones(3) > 0], [1, 2, 3])),
    ("histogramdd_range", lambda m: m.histogramdd(m.ones((4, 2)), range=[(0, 1)])),
    ("vectorize_signature", lambda m: m.vectorize(lambda a: a, signature="(n->()")(m.ones(3))),
    ("vectorize_core_mismatch", lambda m: m.vectorize(lambda a, b: a, signature="(n),(n)->()")(m.ones(3),
                                                                                                 m.ones(2))),
    ("ufunc_reduce_ternary", lambda m: m.frompyfunc(lambda a, b, c: a, 3, 1).reduce(m.ones(3))),
    ("ufunc_reduce_where_no_identity", lambda m: m.frompyfunc(lambda a, b: a, 2, 1).reduce(m.ones(3),
                                                                                           where=m.ones(3) > 0)),
    ("linalg_cross_dims", lambda m: m.linalg.cross(m.ones(2), m.ones(2))),
    ("linalg_outer_2d", lambda m: m.linalg.outer(m.ones((2, 2)), m.ones(2))),
    ("linalg_matrix_transpose_1d", lambda m: m.linalg.matrix_transpose(m.ones(2))),
    ("linalg_vector_norm_0_int", lambda m: m.linalg.vector_norm(m.ones(2, m.int32), ord=0)),
    ("linalg_vector_norm_str", lambda m: m.linalg.vector_norm(m.ones(2), ord="inf")),
])
def test_errors_match_jax(name, fn):
    with pytest.raises(Exception) as want:
        fn(jnp)
    with pytest.raises(want.type):
        fn(pnp)


def test_host_io_and_printing():
    x = pnp.asarray(X34)
    buf = io.BytesIO()
    pnp.save(buf, x)
    buf.seek(0)
    back = pnp.load(buf)
    assert isinstance(back, pb.Array) and np.array_equal(np.asarray(back), X34)
    buf = io.BytesIO()
    pnp.savez(buf, a=x)
    buf.seek(0)
    assert np.array_equal(pnp.load(buf)["a"], X34)
    raw = np.arange(4, dtype=np.int32).tobytes()
    assert_same_as_jax(pnp.frombuffer(raw, dtype=np.int32), jnp.frombuffer(raw, dtype=np.int32), "frombuffer")
    assert_same_as_jax(pnp.fromstring("1 2 3", sep=" "), jnp.fromstring("1 2 3", sep=" "), "fromstring")
    assert_same_as_jax(pnp.from_dlpack(np.arange(3.0, dtype=np.float32)), jnp.from_dlpack(np.arange(3.0, dtype=np.float32)),
             "from_dlpack")
    with pnp.printoptions(precision=2):
        assert pnp.get_printoptions()["precision"] == 2
        assert repr(pnp.asarray([1 / 3], pnp.float32)) == repr(jnp.asarray([1 / 3], jnp.float32))
        assert pnp.array_str(pnp.asarray([1 / 3])) == jnp.array_str(jnp.asarray([1 / 3]))
    assert pnp.array_repr(x) == np.array_repr(x)  # numpy's, as JAX's (which names JAX's class ArrayImpl)
    assert issubclass(pnp.ComplexWarning, Warning) and pnp.ComplexWarning is jnp.ComplexWarning
    assert pnp.object_ is jnp.object_ and pnp.dtype(pnp.bool) == jnp.dtype(jnp.bool)


def test_einsum_path_matches_jax():
    ops = [np.ones((2, 3)), np.ones((3, 4)), np.ones((4, 5))]
    for opt in ("auto", "greedy", "optimal"):
        assert pnp.einsum_path("ij,jk,kl->il", *ops, optimize=opt)[0] == \
            jnp.einsum_path("ij,jk,kl->il", *ops, optimize=opt)[0]


def test_ufunc_object():
    u = pnp.frompyfunc(lambda a, b: a + b, 2, 1, identity=0)
    assert (u.nin, u.nout, u.nargs, u.identity) == (2, 1, 2, 0)
    assert isinstance(u, pnp.ufunc) and repr(u) == "<jnp.ufunc '<lambda>'>"
    assert u == pnp.ufunc(u._func, 2, 1, identity=0) and hash(u) == hash(pnp.ufunc(u._func, 2, 1, identity=0))
