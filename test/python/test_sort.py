"""Sorting against JAX: lax.sort (one and many operands, num_keys, every dimension, NaNs and signed
zeros in JAX's order), sort_key_val, top_k, jnp.sort/argsort (stable, descending), lexsort,
searchsorted, quantile/percentile/median and their nan- forms; eager and jit, derivatives (check_grads
and against JAX), vmap, and JAX's error classes."""
from __future__ import annotations

import numpy as np
import pytest

import pullback as pj
import pullback.numpy as pnp
from pullback import lax as plax
from pullback import test_util

jax = pytest.importorskip("jax")
jnp, jlax = jax.numpy, jax.lax

RNG = np.random.default_rng(0)


def with_specials(x):
    """Random floats with NaNs, signed zeros, infinities and ties."""
    x = x.copy()
    flat = x.reshape(-1)
    n = flat.size
    flat[RNG.integers(0, n, max(1, n // 6))] = np.nan
    flat[RNG.integers(0, n, max(1, n // 8))] = -0.0
    flat[RNG.integers(0, n, max(1, n // 8))] = 0.0
    flat[RNG.integers(0, n, max(1, n // 10))] = np.inf
    flat[RNG.integers(0, n, max(1, n // 10))] = -np.inf
    flat[RNG.integers(0, n, max(1, n // 5))] = 1.5
    return x


def same(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    if got.dtype.kind == "f":
        np.testing.assert_array_equal(np.signbit(got[~np.isnan(got)]), np.signbit(want[~np.isnan(got)]))
    np.testing.assert_array_equal(got, want)


ARRAYS = {
    "float32": with_specials(RNG.standard_normal((5, 37)).astype(np.float32)),
    "float16": with_specials(RNG.standard_normal((4, 9)).astype(np.float16)),
    "int32": RNG.integers(-5, 5, (6, 33)).astype(np.int32),
    "uint32": RNG.integers(0, 2**32, (3, 20), dtype=np.uint64).astype(np.uint32),
    "bool": RNG.integers(0, 2, (3, 17)).astype(bool),
    "int8": RNG.integers(-100, 100, (2, 3, 40)).astype(np.int8),
}


@pytest.mark.parametrize("dtype", sorted(ARRAYS))
def test_lax_sort_every_dimension(dtype):
    x = ARRAYS[dtype]
    for d in range(-x.ndim, x.ndim):
        want = jlax.sort(x, dimension=d)
        same(plax.sort(x, dimension=d), want)
        same(pj.jit(lambda v: plax.sort(v, dimension=d))(x), want)


def test_sort_lengths_around_powers_of_two():
    for n in (1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100, 257, 1000):
        x = RNG.standard_normal(n).astype(np.float32)
        same(pj.jit(plax.sort)(x), jlax.sort(x))


def test_sort_empty_and_zero_rows():
    for shape in [(0,), (3, 0), (0, 4)]:
        x = np.zeros(shape, np.float32)
        same(plax.sort(x), jlax.sort(x))


def test_sort_key_val_is_stable():
    k = RNG.integers(0, 3, (4, 50)).astype(np.int32)
    v = RNG.standard_normal((4, 50)).astype(np.float32)
    for got, want in zip(pj.jit(plax.sort_key_val)(k, v), jlax.sort_key_val(k, v)):
        same(got, want)
    kf = with_specials(RNG.standard_normal((3, 21)).astype(np.float32))
    vc = (RNG.standard_normal((3, 21)) + 1j * RNG.standard_normal((3, 21))).astype(np.complex64)
    for got, want in zip(plax.sort_key_val(kf, vc, dimension=0), jlax.sort_key_val(kf, vc, dimension=0)):
        same(got, want)


@pytest.mark.parametrize("num_keys", [1, 2, 3])
def test_lax_sort_many_operands(num_keys):
    a = RNG.integers(0, 2, (3, 30)).astype(np.int32)
    b = with_specials(RNG.integers(0, 3, (3, 30)).astype(np.float32))
    c = RNG.standard_normal((3, 30)).astype(np.float32)
    d = RNG.integers(0, 100, (3, 30)).astype(np.uint32)
    got = pj.jit(lambda *o: plax.sort(o, num_keys=num_keys))(a, b, c, d)
    for g, w in zip(got, jlax.sort((a, b, c, d), num_keys=num_keys)):
        same(g, w)
    for g, w in zip(plax.sort((a, b, c), dimension=0, num_keys=num_keys),
                    jlax.sort((a, b, c), dimension=0, num_keys=num_keys)):
        same(g, w)


def test_top_k():
    x = with_specials(RNG.standard_normal((4, 30)).astype(np.float32))
    for k in (0, 1, 5, 30):
        for got, want in zip(pj.jit(lambda v: plax.top_k(v, k))(x), jlax.top_k(x, k)):
            same(got, want)
    ties = np.array([3, 1, 3, 2, 1, 3], np.int32)
    for got, want in zip(plax.top_k(ties, 4), jlax.top_k(ties, 4)):
        same(got, want)


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("axis", [-1, 0, None])
def test_jnp_sort_argsort(axis, descending):
    x = ARRAYS["float32"]
    same(pnp.sort(x, axis=axis, descending=descending), jnp.sort(x, axis=axis, descending=descending))
    same(pnp.argsort(x, axis=axis, descending=descending), jnp.argsort(x, axis=axis, descending=descending))
    same(pj.jit(lambda v: pnp.argsort(v, axis=axis, descending=descending))(x),
         jnp.argsort(x, axis=axis, descending=descending))
    ints = ARRAYS["int32"]
    same(pnp.argsort(ints, axis=axis, descending=descending), jnp.argsort(ints, axis=axis, descending=descending))


def test_lexsort():
    a = RNG.integers(0, 3, 40).astype(np.int32)
    b = with_specials(RNG.integers(0, 3, 40).astype(np.float32))
    c = RNG.integers(0, 2, 40).astype(bool)
    same(pnp.lexsort((a, b, c)), jnp.lexsort((a, b, c)))
    m = RNG.integers(0, 3, (2, 3, 10)).astype(np.int32)
    same(pj.jit(lambda u, v: pnp.lexsort((u, v), axis=1))(m, m[::-1]), jnp.lexsort((m, m[::-1]), axis=1))


@pytest.mark.parametrize("side", ["left", "right"])
def test_searchsorted(side):
    a = np.sort(np.concatenate([RNG.integers(0, 10, 30).astype(np.float32), [np.nan, np.nan]]))
    v = np.concatenate([RNG.integers(-1, 11, (20,)).astype(np.float32), [np.nan, -np.inf, np.inf, -0.0]])
    same(pnp.searchsorted(a, v, side=side), jnp.searchsorted(a, v, side=side))
    same(pj.jit(lambda p, q: pnp.searchsorted(p, q, side=side))(a, v.reshape(4, 6)),
         jnp.searchsorted(a, v.reshape(4, 6), side=side))
    unsorted = RNG.permutation(a)
    sorter = np.argsort(unsorted, kind="stable")
    same(pnp.searchsorted(unsorted, v, side=side, sorter=sorter), jnp.searchsorted(unsorted, v, side=side, sorter=sorter))
    ints = np.array([1, 2, 2, 5], np.int32)
    same(pnp.searchsorted(ints, 2, side=side), jnp.searchsorted(ints, 2, side=side))


QUANTILE_ARRAYS = [RNG.standard_normal((5, 8)).astype(np.float32),
                   np.where(RNG.random((4, 7)) < 0.2, np.nan, RNG.standard_normal((4, 7))).astype(np.float32)]


@pytest.mark.parametrize("method", ["linear", "lower", "higher", "midpoint", "nearest"])
@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)])
@pytest.mark.parametrize("fn", ["quantile", "nanquantile"])
def test_quantile(fn, axis, method):
    q = np.array([0.0, 0.1, 0.5, 0.77, 1.0], np.float32)
    for x in QUANTILE_ARRAYS:
        for qq in (q, np.float32(0.3)):
            for keepdims in (False, True):
                got = getattr(pnp, fn)(x, qq, axis=axis, method=method, keepdims=keepdims)
                want = getattr(jnp, fn)(x, qq, axis=axis, method=method, keepdims=keepdims)
                assert np.shape(got) == np.shape(want)
                np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6, atol=1e-6, equal_nan=True)


@pytest.mark.parametrize("fn", ["median", "nanmedian"])
def test_median_percentile(fn):
    for x in QUANTILE_ARRAYS:
        for axis in (None, 0, -1):
            np.testing.assert_allclose(np.asarray(getattr(pnp, fn)(x, axis=axis)),
                                       np.asarray(getattr(jnp, fn)(x, axis=axis)), rtol=1e-6, equal_nan=True)
        pfn = "percentile" if fn == "median" else "nanpercentile"
        q = np.array([5.0, 50.0, 95.0], np.float32)
        np.testing.assert_allclose(np.asarray(pj.jit(lambda v: getattr(pnp, pfn)(v, q, axis=1))(x)),
                                   np.asarray(getattr(jnp, pfn)(x, q, axis=1)), rtol=1e-5, atol=1e-6, equal_nan=True)


# ---- derivatives ------------------------------------------------------------------

def test_sort_grads(x64):
    x = RNG.permutation(np.linspace(-2, 2, 12)).reshape(3, 4)  # distinct, well separated
    test_util.check_grads(lambda v: plax.sort(v, dimension=0), (x,), order=2, modes=("fwd", "rev"))
    test_util.check_grads(lambda v: plax.sort_key_val(v, v * v, dimension=1)[1], (x,), order=2, modes=("fwd", "rev"))
    test_util.check_grads(lambda v: plax.top_k(v, 2)[0], (x,), order=2, modes=("fwd", "rev"))
    for f, g in [(lambda v: pnp.median(v, axis=1), lambda v: jnp.median(v, axis=1)),
                 (lambda v: pnp.quantile(v, 0.3, axis=0), lambda v: jnp.quantile(v, 0.3, axis=0)),
                 (lambda v: plax.sort(v), lambda v: jlax.sort(v))]:
        ct = np.arange(np.size(g(x)), dtype=np.float64).reshape(np.shape(g(x)))
        np.testing.assert_allclose(np.asarray(pj.vjp(f, x)[1](ct)[0]), np.asarray(jax.vjp(g, x)[1](ct)[0]))
        test_util.check_grads(f, (x,), order=2, modes=("fwd", "rev"))


def test_sort_values_grad_with_ties_follows_the_permutation():
    k = np.array([2, 1, 2, 0], np.int32)
    v = np.array([1.0, 2.0, 3.0, 4.0], np.float32)
    w = np.array([1.0, 10.0, 100.0, 1000.0], np.float32)
    f = lambda m: lambda vv: (m.lax.sort_key_val(k, vv)[1] * w).sum()  # noqa: E731
    np.testing.assert_array_equal(np.asarray(pj.grad(f(pj))(v)), np.asarray(jax.grad(f(jax))(v)))


# ---- vmap ----------------------------------------------------------------------------

def test_vmap():
    x = ARRAYS["float32"]
    for in_axes in (0, 1):
        same(pj.vmap(plax.sort, in_axes=in_axes)(x), jax.vmap(jlax.sort, in_axes=in_axes)(x))
        same(pj.vmap(pnp.argsort, in_axes=in_axes)(x), jax.vmap(jnp.argsort, in_axes=in_axes)(x))
        for g, w in zip(pj.vmap(lambda v: plax.top_k(v, 3), in_axes=in_axes)(x),
                        jax.vmap(lambda v: jlax.top_k(v, 3), in_axes=in_axes)(x)):
            same(g, w)
    k = ARRAYS["int32"][:, :20]
    v = RNG.standard_normal(20).astype(np.float32)
    for g, w in zip(pj.vmap(plax.sort_key_val, in_axes=(0, None))(k, v), jax.vmap(jlax.sort_key_val, in_axes=(0, None))(k, v)):
        same(g, w)
    np.testing.assert_allclose(np.asarray(pj.vmap(pnp.median)(x)), np.asarray(jax.vmap(jnp.median)(x)), equal_nan=True)


# ---- errors ------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda m: m.lax.sort((np.ones(3), np.ones(3)), num_keys=3),
    lambda m: m.lax.sort(np.ones(3), dimension=2),
    lambda m: m.lax.top_k(np.ones(3), 4),
    lambda m: m.numpy.quantile(np.ones(3), 0.5, method="bogus"),
    lambda m: m.numpy.searchsorted(np.ones(3), 1.0, side="middle"),
], ids=["num_keys", "dimension", "top_k", "quantile_method", "searchsorted_side"])
def test_errors_as_jax(call):
    with pytest.raises(Exception) as theirs:
        call(jax)
    with pytest.raises(theirs.type):
        call(pj)


@pytest.mark.parametrize("name", ["approx_max_k", "approx_min_k"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,dim", [((7,), -1), ((5, 9), 0), ((5, 9), 1), ((3, 4, 6), 1)])
def test_approx_k_matches_jax(name, dtype, shape, dim):
    """XLA's CPU ApproxTopK is exact: the same values and indices, ties to the lower index, NaNs
    counted as the extreme either way."""
    x = np.random.default_rng(0).integers(-3, 3, shape).astype(dtype)  # ties
    x.flat[0] = np.nan
    for ours, theirs in zip(getattr(plax, name)(x, 2, reduction_dimension=dim),
                            getattr(jlax, name)(x, 2, reduction_dimension=dim)):
        np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))


def test_approx_max_k_grad_and_errors():
    x = np.random.default_rng(1).standard_normal((4, 6)).astype(np.float32)
    g = lambda lib, lax: lib.grad(lambda x: (lax.approx_max_k(x, 3)[0] ** 2).sum())(x)  # noqa: E731
    np.testing.assert_allclose(np.asarray(g(pj, plax)), np.asarray(g(jax, jlax)), rtol=1e-6)
    with pytest.raises(ValueError, match="floating"):
        plax.approx_max_k(np.arange(4), 2)
