"""jax.scipy.stats beyond the first distributions, against JAX on the same inputs: every function over
random points and parameters (in and out of the support, invalid parameters), float32 and float64, eager
and under jit; derivatives of the log densities in every argument (check_grads to order 2 in both modes,
and element for element against jax.grad); vmap; mode, rankdata, sem, gaussian_kde; JAX's errors."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import pullback as pj
import pullback.scipy.stats as pst
from pullback import test_util

from harness import draw_args, int_draws as _ints, normal_draws as _normal, uniform_draws as _u, with_specials as _with

jax = pytest.importorskip("jax")
jst = jax.scipy.stats


X = _normal(3)
POS = _u(0.5, 2.0)
LOC = _u(-0.5, 0.5)
Q = _with(_u(0, 1), -0.1, 1.1, 0.0, 1.0)
# (dist, functions, generators of the arguments): x of shape (6, 8), parameters (8,)
CASES = [
    ("bernoulli", ["cdf"], [_with(_ints(-1, 2), 0.5, 1.5), _with(_u(0, 1), 1.5, -0.2, np.nan)]),
    ("bernoulli", ["ppf"], [Q, _with(_u(0, 1), 1.5, -0.2, np.nan)]),
    ("cauchy", ["sf", "logcdf", "logsf"], [X, LOC, POS]),
    ("cauchy", ["isf"], [_u(0.01, 0.99), LOC, POS]),
    ("expon", ["sf", "logcdf", "logsf"], [_u(-1, 6), LOC, POS]),
    ("expon", ["ppf"], [Q, LOC, POS]),
    ("pareto", ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"], [_u(0.3, 6), _u(0.5, 3), LOC, POS]),
    ("pareto", ["ppf"], [Q, _u(0.5, 3), LOC, POS]),
    ("gumbel_l", ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"], [X, LOC, _with(POS, -1.0)]),
    ("gumbel_l", ["ppf"], [Q, LOC, POS]),
    ("gumbel_r", ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"], [X, LOC, _with(POS, -1.0)]),
    ("gumbel_r", ["ppf"], [Q, LOC, POS]),
    ("geom", ["logpmf", "pmf"], [_ints(-1, 8), _with(_u(0.05, 0.95), 1.0), _ints(0, 1)]),
    ("gennorm", ["logpdf", "pdf"], [X, _u(0.5, 3)]),
    ("binom", ["logpmf", "pmf"], [_ints(-1, 12), _ints(0, 10), _with(_u(0, 1), 0.0, 1.0), _ints(0, 1)]),
    ("nbinom", ["logpmf", "pmf"], [_ints(-1, 10), _u(0.5, 5), _u(0.05, 0.95), _ints(0, 1)]),
    ("betabinom", ["logpmf", "pmf"], [_ints(-1, 12), _with(_ints(0, 10), -1.0), _with(_u(0.2, 3), -1.0),
                                      _with(_u(0.2, 3), 0.0), _ints(0, 1)]),
    ("chi2", ["logpdf", "pdf"], [_u(-1, 10), _u(0.5, 6), LOC, POS]),
    ("truncnorm", ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"],
     [_normal(2), _with(_u(-2, 0.5), 3.0), _u(0.6, 3), LOC, POS]),
    ("truncnorm", ["logpdf", "logcdf", "logsf"], [_u(4, 9), _u(3, 5), _u(6, 9), _u(-0.1, 0.1), _u(0.9, 1.1)]),
    ("truncnorm", ["logpdf", "logcdf", "logsf"], [_u(-9, -4), _u(-9, -6), _u(-5, -3), _u(-0.1, 0.1), _u(0.9, 1.1)]),
    ("wrapcauchy", ["logpdf", "pdf"], [_u(-1, 7), _with(_u(0.05, 0.95), 0.0, 1.0, -0.5)]),
]
ROWS = [(d, f, gens, i) for i, (d, fs, gens) in enumerate(CASES) for f in fs]


def _close(got, want, dtype, loose=False):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    # float32: a few ulps of each term of JAX's formula (the densities sum terms of size ~10)
    rtol, atol = (2e-5, 2e-5) if dtype == np.float32 else (1e-12, 1e-12)
    if dtype == np.float64 and loose:
        rtol = 2e-6  # JAX's float64 betaln avoids the cancellation of the lgamma sum (ours: JAX's float32 form)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True)


@pytest.mark.parametrize("dist,fn,gens,case", ROWS, ids=[f"{d}.{f}-{i}" for d, f, _, i in ROWS])
def test_float32_eager_and_jit(dist, fn, gens, case):
    args = draw_args(gens, np.float32, case)
    want = getattr(getattr(jst, dist), fn)(*args)
    f = getattr(getattr(pst, dist), fn)
    _close(f(*args), want, np.float32)
    _close(pj.jit(f)(*args), want, np.float32)


@pytest.mark.parametrize("dist,fn,gens,case", ROWS, ids=[f"{d}.{f}-{i}" for d, f, _, i in ROWS])
def test_float64(dist, fn, gens, case, both_x64):
    args = draw_args(gens, np.float64, case + 100)
    want = getattr(getattr(jst, dist), fn)(*args)
    f = getattr(getattr(pst, dist), fn)
    _close(f(*args), want, np.float64, dist == "betabinom")
    _close(pj.jit(f)(*args), want, np.float64, dist == "betabinom")


@pytest.mark.parametrize("dist,fn,gens,case", ROWS[::3], ids=[f"{d}.{f}-{i}" for d, f, _, i in ROWS[::3]])
def test_vmap(dist, fn, gens, case):
    """vmap over the points and the first parameter against the function of each row."""
    args = draw_args(gens, np.float32, case + 200)
    f = getattr(getattr(pst, dist), fn)
    batched = (args[0][:, :4], np.broadcast_to(args[1][:4], (6, 4))) + tuple(a[:4] for a in args[2:])
    got = pj.vmap(f, in_axes=(0, 0) + (None,) * (len(args) - 2))(*batched)
    for i in range(6):
        np.testing.assert_allclose(np.asarray(got[i]), np.asarray(f(batched[0][i], batched[1][i], *batched[2:])),
                                   rtol=1e-6, atol=1e-7)


# interior points where every argument is differentiable (float64)
GRADS = [
    ("cauchy", "logcdf", (0.7, 0.1, 1.3)), ("cauchy", "logsf", (0.7, 0.1, 1.3)), ("cauchy", "isf", (0.3, 0.1, 1.3)),
    ("expon", "logcdf", (1.2, 0.1, 1.3)), ("expon", "logsf", (1.2, 0.1, 1.3)), ("expon", "ppf", (0.3, 0.1, 1.3)),
    ("pareto", "logpdf", (2.5, 1.7, 0.1, 1.3)), ("pareto", "logcdf", (2.5, 1.7, 0.1, 1.3)),
    ("pareto", "logsf", (2.5, 1.7, 0.1, 1.3)), ("pareto", "ppf", (0.4, 1.7, 0.1, 1.3)),
    ("gumbel_l", "logpdf", (0.4, 0.1, 1.3)), ("gumbel_l", "logcdf", (0.4, 0.1, 1.3)),
    ("gumbel_l", "logsf", (0.4, 0.1, 1.3)), ("gumbel_l", "ppf", (0.4, 0.1, 1.3)),
    ("gumbel_r", "logpdf", (0.4, 0.1, 1.3)), ("gumbel_r", "logcdf", (0.4, 0.1, 1.3)),
    ("gumbel_r", "logsf", (0.4, 0.1, 1.3)), ("gumbel_r", "ppf", (0.4, 0.1, 1.3)),
    ("geom", "logpmf", (3.0, 0.3)), ("gennorm", "logpdf", (0.8, 1.7)),
    ("binom", "logpmf", (3.0, 7.0, 0.35)), ("nbinom", "logpmf", (3.0, 2.5, 0.35)),
    ("betabinom", "logpmf", (3.5, 7.0, 1.5, 2.5)), ("chi2", "logpdf", (2.5, 3.5, 0.1, 1.3)),
    ("truncnorm", "logpdf", (0.3, -1.0, 1.5, 0.1, 1.3)), ("truncnorm", "logcdf", (0.3, -1.0, 1.5, 0.1, 1.3)),
    ("truncnorm", "logsf", (0.3, -1.0, 1.5, 0.1, 1.3)), ("truncnorm", "logpdf", (5.0, 4.0, 7.0)),
    ("wrapcauchy", "logpdf", (1.1, 0.4)),
]


# jax.grad of these fails inside JAX itself (xlogy(-1, scale) with an int -1): checked against finite
# differences only
JAX_GRAD_RAISES = {("gumbel_l", "logpdf"), ("gumbel_l", "ppf"), ("gumbel_r", "logpdf"), ("gumbel_r", "ppf")}


@pytest.mark.parametrize("dist,fn,point", GRADS, ids=[f"{d}.{f}-{i}" for i, (d, f, _) in enumerate(GRADS)])
def test_grads(dist, fn, point, both_x64):
    args = tuple(np.float64(p) for p in point)
    f = getattr(getattr(pst, dist), fn)
    test_util.check_grads(f, args, order=2, modes=("fwd", "rev"), rtol=1e-4)
    argnums = tuple(range(len(args)))
    got = pj.grad(f, argnums=argnums)(*args)
    if (dist, fn) in JAX_GRAD_RAISES:
        with pytest.raises(TypeError):
            jax.grad(getattr(getattr(jst, dist), fn), argnums=argnums)(*args)
        return
    want = jax.grad(getattr(getattr(jst, dist), fn), argnums=argnums)(*args)
    for a, b in itertools.zip_longest(got, want):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-9, atol=1e-12)


def test_grad_outside_support_is_jax_s():
    """Derivatives where the density is -inf or the parameter invalid: JAX's values (0 or nan)."""
    for dist, fn, point in [("pareto", "logpdf", (0.5, 1.7)), ("expon", "logsf", (-1.0,)),
                            ("truncnorm", "logpdf", (3.0, -1.0, 1.5)), ("wrapcauchy", "logpdf", (-1.0, 0.4))]:
        args = tuple(np.float32(p) for p in point)
        got = pj.grad(getattr(getattr(pst, dist), fn))(*args)
        want = jax.grad(getattr(getattr(jst, dist), fn))(*args)
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), equal_nan=True, err_msg=f"{dist}.{fn}")


# ---- distributions over vectors -------------------------------------------------------

def _spd(rng, n, batch=()):
    a = rng.normal(size=batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_multivariate_normal(dtype, request):
    if dtype == np.float64:
        request.getfixturevalue("both_x64")
    rng = np.random.default_rng(5)
    cases = [(rng.normal(size=(4, 3)), rng.normal(size=3), _spd(rng, 3)),  # points, one covariance
             (rng.normal(size=(5, 1, 3)), rng.normal(size=3), _spd(rng, 3, (2,))),  # batched covariances
             (rng.normal(size=(4, 3)), rng.normal(size=3), 1.7),  # isotropic
             (rng.normal(size=(6,)), 0.4, 2.5)]  # scalar normal
    for x, mean, cov in cases:
        x, mean, cov = (np.asarray(v, dtype) for v in (x, mean, cov))
        for fn in ("logpdf", "pdf"):
            want = getattr(jst.multivariate_normal, fn)(x, mean, cov)
            _close(getattr(pst.multivariate_normal, fn)(x, mean, cov), want, dtype)
            _close(pj.jit(getattr(pst.multivariate_normal, fn))(x, mean, cov), want, dtype)


def test_multivariate_normal_grads_and_vmap(both_x64):
    rng = np.random.default_rng(6)
    x, mean, cov = rng.normal(size=3), rng.normal(size=3), _spd(rng, 3)
    f = pst.multivariate_normal.logpdf
    test_util.check_grads(f, (x, mean, cov), order=2, modes=("fwd", "rev"), rtol=1e-4)
    got = pj.grad(f, argnums=(0, 1, 2))(x, mean, cov)
    want = jax.grad(jst.multivariate_normal.logpdf, argnums=(0, 1, 2))(x, mean, cov)
    for a, b in zip(got, want):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-9, atol=1e-12)
    xs = rng.normal(size=(5, 3))
    np.testing.assert_allclose(np.asarray(pj.vmap(f, in_axes=(0, None, None))(xs, mean, cov)),
                               np.asarray(jst.multivariate_normal.logpdf(xs, mean, cov)), rtol=1e-12)


def test_multivariate_normal_errors():
    with pytest.raises(ValueError):
        pst.multivariate_normal.logpdf(np.zeros(3), np.zeros(3), np.eye(2))
    with pytest.raises(NotImplementedError):
        pst.multivariate_normal.logpdf(np.zeros(3), np.zeros(3), np.eye(3), allow_singular=True)


def test_multinomial():
    p = np.array([0.2, 0.5, 0.3], np.float32)
    for x, n in [(np.array([1, 3, 2]), 6), (np.array([1, 3, 2]), 5), (np.array([0, 0, 4]), 4),
                 (np.array([[1, 3, 2], [2, 2, 2]]), 12)]:
        for fn in ("logpmf", "pmf"):
            want = getattr(jst.multinomial, fn)(x, n, p)
            _close(getattr(pst.multinomial, fn)(x, n, p), want, np.float32)
            _close(pj.jit(getattr(pst.multinomial, fn))(x, n, p), want, np.float32)
    with pytest.raises(ValueError):
        pst.multinomial.logpmf(np.array([1.0, 2.0]), 3, p[:2])
    with pytest.raises(ValueError):
        jst.multinomial.logpmf(np.array([1.0, 2.0]), 3, p[:2])


def test_multinomial_grad_in_p(both_x64):
    x, p = np.array([1, 3, 2]), np.array([0.2, 0.5, 0.3])
    test_util.check_grads(lambda q: pst.multinomial.logpmf(x, 6, q), (p,), order=2, modes=("fwd", "rev"))
    np.testing.assert_allclose(np.asarray(pj.grad(lambda q: pst.multinomial.logpmf(x, 6, q))(p)),
                               np.asarray(jax.grad(lambda q: jst.multinomial.logpmf(x, 6, q))(p)), rtol=1e-12)


def test_poisson_entropy():
    mu = np.array([0.0, 0.3, 2.0, 9.9, 10.0, 42.0, 99.0, 100.0, 5e3], np.float32)
    _close(pst.poisson.entropy(mu), jst.poisson.entropy(mu), np.float32)
    _close(pj.jit(pst.poisson.entropy)(mu), jst.poisson.entropy(mu), np.float32)
    _close(pst.poisson.entropy(2.5, np.zeros((2, 3))), jst.poisson.entropy(2.5, np.zeros((2, 3))), np.float32)


# ---- mode, rankdata, sem --------------------------------------------------------------

def _ties(rng, shape, dtype=np.float32):
    return rng.integers(0, 4, shape).astype(dtype)


@pytest.mark.parametrize("axis,keepdims", [(0, False), (1, True), (-1, False), (None, False), (None, True)])
def test_mode(axis, keepdims):
    rng = np.random.default_rng(7)
    for x in (_ties(rng, (9, 5)), _ties(rng, (9, 5), np.int32), _ties(rng, (4, 6)) + np.where(rng.uniform(size=(4, 6)) < 0.3, np.nan, 0)):
        want = jst.mode(x, axis=axis, keepdims=keepdims)
        for got in (pst.mode(x, axis=axis, keepdims=keepdims),
                    pj.jit(lambda v: pst.mode(v, axis=axis, keepdims=keepdims))(x)):
            assert isinstance(got, pst.mode(x).__class__)
            for g, w in zip(got, want):
                assert np.asarray(g).dtype == w.dtype and np.asarray(g).shape == w.shape
                np.testing.assert_array_equal(np.asarray(g), np.asarray(w))


def test_mode_edges_and_errors():
    for x in (np.zeros((0, 3), np.float32), np.float32(2.0), np.array([3, 1, 3, 1], np.int32)):
        for g, w in zip(pst.mode(x), jst.mode(x)):
            np.testing.assert_array_equal(np.asarray(g), np.asarray(w))
    for policy, cls in [("omit", NotImplementedError), ("raise", NotImplementedError), ("bogus", ValueError)]:
        with pytest.raises(cls):
            jst.mode(np.ones(3), nan_policy=policy)
        with pytest.raises(cls):
            pst.mode(np.ones(3), nan_policy=policy)


@pytest.mark.parametrize("method", ["average", "min", "max", "dense", "ordinal"])
def test_rankdata(method):
    rng = np.random.default_rng(8)
    for x, axis in [(_ties(rng, (17,)), None), (_ties(rng, (4, 6)), None), (_ties(rng, (4, 6)), 1),
                    (_ties(rng, (4, 6), np.int32), 0), (rng.normal(size=11).astype(np.float32), None),
                    (np.array([1.0, np.nan, 2.0], np.float32), None)]:
        want = jst.rankdata(x, method, axis=axis)
        got = pst.rankdata(x, method, axis=axis)
        assert np.asarray(got).dtype == want.dtype
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
        np.testing.assert_array_equal(np.asarray(pj.jit(lambda v: pst.rankdata(v, method, axis=axis))(x)),
                                      np.asarray(want))
    with pytest.raises(ValueError):
        pst.rankdata(np.ones(3), "bogus")
    with pytest.raises(ValueError):
        jst.rankdata(np.ones(3), "bogus")


@pytest.mark.parametrize("axis,ddof,keepdims", [(0, 1, False), (1, 0, True), (None, 1, False), (-1, 2, False)])
def test_sem(axis, ddof, keepdims):
    rng = np.random.default_rng(9)
    x = rng.normal(size=(5, 7)).astype(np.float32)
    _close(pst.sem(x, axis, ddof, keepdims=keepdims), jst.sem(x, axis, ddof, keepdims=keepdims), np.float32)
    _close(pj.jit(lambda v: pst.sem(v, axis, ddof, keepdims=keepdims))(x),
           jst.sem(x, axis, ddof, keepdims=keepdims), np.float32)
    xn = np.where(rng.uniform(size=x.shape) < 0.2, np.nan, x).astype(np.float32)
    for policy in ("propagate", "omit"):
        _close(pst.sem(xn, axis, ddof, policy, keepdims=keepdims),
               jst.sem(xn, axis, ddof, policy, keepdims=keepdims), np.float32)
    _close(pst.sem(np.arange(6)), jst.sem(np.arange(6)), np.float32)
    with pytest.raises(ValueError):
        pst.sem(x, nan_policy="raise")
    with pytest.raises(ValueError):
        jst.sem(x, nan_policy="raise")


def test_sem_grad(both_x64):
    x = np.random.default_rng(10).normal(size=(4, 3))
    test_util.check_grads(lambda v: pst.sem(v, axis=0), (x,), order=2, modes=("fwd", "rev"))
    np.testing.assert_allclose(np.asarray(pj.grad(lambda v: pst.sem(v, None).sum())(x)),
                               np.asarray(jax.grad(lambda v: jst.sem(v, None).sum())(x)), rtol=1e-12)


# ---- gaussian_kde ---------------------------------------------------------------------

KDE_CASES = [(2, None, None), (2, "silverman", "w"), (1, 0.4, None), (3, "callable", "w"), (1, None, "w")]


@pytest.mark.parametrize("d,bw,weighted", KDE_CASES)
def test_gaussian_kde(d, bw, weighted):
    rng = np.random.default_rng(11)
    data = rng.normal(size=(d, 40)).astype(np.float32)
    w = rng.uniform(0.1, 1, 40).astype(np.float32) if weighted else None
    bw = (lambda k: 0.3 * k.neff ** -0.2) if bw == "callable" else bw
    points = rng.normal(size=(d, 9)).astype(np.float32)
    ours, theirs = pst.gaussian_kde(data, bw, w), jst.gaussian_kde(data, bw, w)
    for name in ("neff", "dataset", "weights", "covariance", "inv_cov"):
        np.testing.assert_allclose(np.asarray(getattr(ours, name)), getattr(theirs, name), rtol=1e-5, atol=1e-6)
    assert (ours.d, ours.n) == (theirs.d, theirs.n)
    for fn in ("evaluate", "__call__", "pdf", "logpdf"):
        np.testing.assert_allclose(np.asarray(getattr(ours, fn)(points)), getattr(theirs, fn)(points), rtol=2e-5)
    np.testing.assert_allclose(np.asarray(pj.jit(lambda k, p: k.logpdf(p))(ours, points)),
                               theirs.logpdf(points), rtol=2e-5)
    mean, cov = np.full(d, 0.2, np.float32), np.eye(d, dtype=np.float32) * 0.5
    np.testing.assert_allclose(np.asarray(ours.integrate_gaussian(mean, cov)), theirs.integrate_gaussian(mean, cov),
                               rtol=2e-5)
    other = rng.normal(size=(d, 15)).astype(np.float32) + 0.5
    np.testing.assert_allclose(np.asarray(ours.integrate_kde(pst.gaussian_kde(other))),
                               theirs.integrate_kde(jst.gaussian_kde(other)), rtol=2e-5)
    if d == 1:
        np.testing.assert_allclose(np.asarray(ours.integrate_box_1d(-0.5, 1.0)), theirs.integrate_box_1d(-0.5, 1.0),
                                   rtol=2e-5)
        np.testing.assert_allclose(np.asarray(ours(np.linspace(-1, 1, 5))), theirs(np.linspace(-1, 1, 5)), rtol=2e-5)


def test_gaussian_kde_pytree_grad_vmap(both_x64):
    rng = np.random.default_rng(12)
    data = rng.normal(size=40)
    leaves, tree = pj.tree_util.tree_flatten(pst.gaussian_kde(data))
    assert len(leaves) == 5
    rebuilt = pj.tree_util.tree_unflatten(tree, leaves)
    np.testing.assert_allclose(np.asarray(rebuilt(0.3)), np.asarray(pst.gaussian_kde(data)(0.3)))
    f = lambda d, x: pst.gaussian_kde(d).logpdf(x)[0]  # noqa: E731
    g = lambda d, x: jst.gaussian_kde(d).logpdf(x)[0]  # noqa: E731
    test_util.check_grads(f, (data, np.float64(0.3)), order=1, modes=("fwd", "rev"), rtol=1e-4)
    for a, b in zip(pj.grad(f, argnums=(0, 1))(data, 0.3), jax.grad(g, argnums=(0, 1))(data, 0.3)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-9, atol=1e-12)
    xs = np.linspace(-2, 2, 7)
    np.testing.assert_allclose(np.asarray(pj.vmap(lambda x: pst.gaussian_kde(data).evaluate(x)[0])(xs)),
                               np.asarray(jst.gaussian_kde(data).evaluate(xs)), rtol=1e-12)


def test_gaussian_kde_errors():
    data = np.random.default_rng(13).normal(size=(2, 10))
    for call in (lambda m: m.gaussian_kde(np.ones(1)), lambda m: m.gaussian_kde(data, "bogus"),
                 lambda m: m.gaussian_kde(data, weights=np.ones(3)), lambda m: m.gaussian_kde(data)(np.ones((3, 2))),
                 lambda m: m.gaussian_kde(data).integrate_box_1d(0.0, 1.0),
                 lambda m: m.gaussian_kde(data).integrate_gaussian(np.zeros(3), np.eye(3))):
        with pytest.raises(ValueError):
            call(jst)
        with pytest.raises(ValueError):
            call(pst)
    for call in (lambda m: m.gaussian_kde(data).integrate_box(0, 1), lambda m: m.gaussian_kde(data).set_bandwidth()):
        with pytest.raises(NotImplementedError):
            call(jst)
        with pytest.raises(NotImplementedError):
            call(pst)
