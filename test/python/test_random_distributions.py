"""The jax.random samplers added for issue 14 (item 8) against JAX on the same keys: exact
equality of values, shape and dtype where JAX's algorithm is fixed by its threefry bits and
its float32 arithmetic is reproduced; eagerly, under jit and under vmap over keys; and JAX's
errors for bad arguments.

Documented tolerances (TOLERANT below, in float32 ulps or absolute error):
- samplers through gamma with a concentration that is not boosted to exactly 1 or 7 here:
  XLA:CPU computes Marsaglia-Tsang's c = (1/3) / sqrt(d) as (1/3) * rsqrt(d) with the CPU's
  own rsqrt estimate (rsqrtps / rsqrt14, model-dependent) refined by two Newton steps, which
  is not reproducible bit for bit; c then differs in its last bit and samples by a few ulps;
- multivariate_normal: the factorization (LAPACK) and einsum round differently;
- pareto, maxwell, double_sided_maxwell: XLA's algebraic rewrites of the formula (constant
  folding, reduction fusion) round differently in the last bits.
"""
from __future__ import annotations

import numpy as np
import pytest

import pullback as pb

jax = pytest.importorskip("jax")

P5 = np.array([0.1, 0.2, 0.3, 0.15, 0.25], np.float32)
X54 = np.arange(20.0, dtype=np.float32).reshape(5, 4)
COV = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, 1.5]], np.float32)
MEAN = np.array([1.0, -1.0, 0.5], np.float32)
LAM = np.array([0.5, 3.0, 9.5, 12.0, 50.0, 0.0], np.float32)
ALPHA = np.array([0.5, 1.5, 3.0], np.float32)

EXACT = {
    "bits": lambda r, k: r.bits(k, (100,)),
    "bits_uint8": lambda r, k: r.bits(k, (7, 3), "uint8"),
    "bits_uint16": lambda r, k: r.bits(k, (9,), "uint16"),
    "cauchy": lambda r, k: r.cauchy(k, (300,)),
    "lognormal": lambda r, k: r.lognormal(k, 0.7, (300,)),
    "lognormal_default": lambda r, k: r.lognormal(k, shape=(4, 5)),
    "weibull_min": lambda r, k: r.weibull_min(k, 1.5, 0.8, (300,)),
    "wald": lambda r, k: r.wald(k, 1.7, (300,)),
    "wald_array_mean": lambda r, k: r.wald(k, np.array([0.3, 2.0], np.float32), (50, 2)),
    "triangular": lambda r, k: r.triangular(k, -1.0, 0.5, 2.0, (300,)),
    "geometric": lambda r, k: r.geometric(k, 0.3, (300,)),
    "geometric_array_p": lambda r, k: r.geometric(k, np.array([0.1, 0.9], np.float32)),
    "gamma_small": lambda r, k: r.gamma(k, 0.3, (500,)),
    "gamma_one": lambda r, k: r.gamma(k, 1.0, (200,)),
    "gamma_seven": lambda r, k: r.gamma(k, 7.0, (2, 100)),
    "gamma_tiny": lambda r, k: r.gamma(k, 0.01, (200,)),
    "loggamma_small": lambda r, k: r.loggamma(k, 0.3, (300,)),
    "loggamma_tiny": lambda r, k: r.loggamma(k, 0.01, (300,)),
    "beta": lambda r, k: r.beta(k, 0.7, 2.0, (300,)),
    "chisquare": lambda r, k: r.chisquare(k, 3.0, (300,)),
    "t": lambda r, k: r.t(k, 4.0, (300,)),
    "choice_int": lambda r, k: r.choice(k, 10, (7,)),
    "choice_axis1": lambda r, k: r.choice(k, X54, (3,), axis=1),
    "choice_no_replace": lambda r, k: r.choice(k, 10, (2, 3), replace=False),
    "choice_p": lambda r, k: r.choice(k, 5, (50,), p=P5),
    "choice_p_no_replace": lambda r, k: r.choice(k, X54, (3,), replace=False, p=P5),
    "orthogonal": lambda r, k: r.orthogonal(k, 4, (2,)),
    "orthogonal_rect": lambda r, k: r.orthogonal(k, 3, (), m=5),
    "poisson": lambda r, k: r.poisson(k, 4.0, (300,)),
    "poisson_rates": lambda r, k: r.poisson(k, LAM, (50, 6)),
    "binomial_inversion": lambda r, k: r.binomial(k, 20.0, 0.2, (300,)),
    "binomial_btrs": lambda r, k: r.binomial(k, 200.0, 0.7, (300,)),
    "multinomial": lambda r, k: r.multinomial(k, 30.0, np.array([0.2, 0.5, 0.3], np.float32), shape=(10, 3)),
}

# name: (sampler, max float32 ulps, max absolute error)
TOLERANT = {
    "gamma_rsqrt": (lambda r, k: r.gamma(k, 2.5, (300,)), 8, None),
    "dirichlet": (lambda r, k: r.dirichlet(k, ALPHA, (100,)), 16, None),
    "f": (lambda r, k: r.f(k, 3.0, 5.0, (300,)), 16, None),
    "generalized_normal": (lambda r, k: r.generalized_normal(k, 1.5, (300,)), 16, None),
    "ball": (lambda r, k: r.ball(k, 3, 2, (100,)), 8, None),
    "pareto": (lambda r, k: r.pareto(k, 2.5, (300,)), 8, None),
    "maxwell": (lambda r, k: r.maxwell(k, (300,)), 4, None),
    "double_sided_maxwell": (lambda r, k: r.double_sided_maxwell(k, 0.3, 2.0, (300,)), 4, None),
    "mvn_cholesky": (lambda r, k: r.multivariate_normal(k, MEAN, COV, (40,)), None, 1e-5),
    "mvn_eigh": (lambda r, k: r.multivariate_normal(k, MEAN, COV, (40,), method="eigh"), None, 1e-5),
    "mvn_svd": (lambda r, k: r.multivariate_normal(k, MEAN, COV, (40,), method="svd"), None, 1e-5),
}


def _check_same(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape, (got.dtype, want.dtype, got.shape, want.shape)
    np.testing.assert_array_equal(got, want)


# gamma_small and beta(0.7, 2.0) (gamma(1.7)): c = (1/3) * rsqrt(d) is the host's rsqrt estimate
# (above), exact on the machines earlier sessions ran on, apart on others (AMD EPYC, Zen 4:
# a fifth of the draws off, by up to 27 ulps). Bounded there, exact elsewhere.
HOST_ULPS = {"beta": 32, "gamma_small": 32}


def _check_exact(name, got, want):
    if name in HOST_ULPS:
        _check_close(got, want, HOST_ULPS[name], None)
    else:
        _check_same(got, want)


def _check_close(got, want, ulps, atol):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape, (got.dtype, want.dtype, got.shape, want.shape)
    if ulps is not None:
        diff = np.abs(got.view(np.int32).astype(np.int64) - want.view(np.int32).astype(np.int64))
        assert diff.max() <= ulps, diff.max()
    if atol is not None:
        np.testing.assert_allclose(got, want, rtol=0, atol=atol)


@pytest.mark.parametrize("name", sorted(EXACT))
@pytest.mark.parametrize("seed", [0, 7])
def test_bit_identical_to_jax(name, seed):
    fn = EXACT[name]
    _check_exact(name, fn(pb.random, pb.random.key(seed)), fn(jax.random, jax.random.key(seed)))


@pytest.mark.parametrize("name", sorted(TOLERANT))
def test_close_to_jax(name):
    fn, ulps, atol = TOLERANT[name]
    for seed in (0, 3):
        _check_close(fn(pb.random, pb.random.key(seed)), fn(jax.random, jax.random.key(seed)), ulps, atol)


@pytest.mark.parametrize("name", ["gamma_small", "poisson_rates", "choice_p", "wald", "binomial_btrs", "bits"])
def test_jit_and_raw_keys(name):
    fn = EXACT[name]
    want = fn(jax.random, jax.random.key(11))
    _check_same(pb.jit(lambda k: fn(pb.random, k))(pb.random.key(11)), want)
    _check_same(fn(pb.random, pb.random.PRNGKey(11)), fn(jax.random, jax.random.PRNGKey(11)))


@pytest.mark.parametrize("name", ["gamma_small", "poisson", "cauchy", "beta", "geometric"])
def test_vmap_over_keys(name):
    fn = EXACT[name]
    keys = pb.random.split(pb.random.key(5), 3)
    want = jax.vmap(lambda k: fn(jax.random, k))(jax.random.split(jax.random.key(5), 3))
    _check_exact(name, pb.vmap(lambda k: fn(pb.random, k))(keys), want)


def test_legacy_streams():
    old = pb.random.threefry_partitionable
    jax.config.update("jax_threefry_partitionable", False)
    pb.random.threefry_partitionable = False
    try:
        for name in ("gamma_small", "poisson_rates", "beta"):
            fn = EXACT[name]
            _check_exact(name, fn(pb.random, pb.random.key(2)), fn(jax.random, jax.random.key(2)))
    finally:
        jax.config.update("jax_threefry_partitionable", True)
        pb.random.threefry_partitionable = old


def test_gamma_statistics():
    g = np.asarray(pb.random.gamma(pb.random.key(0), 2.5, (4000,)))
    assert abs(g.mean() - 2.5) < 0.15 and abs(g.var() - 2.5) < 0.4


@pytest.mark.parametrize("call,exc", [
    (lambda r, k: r.choice(k, 5, 3), TypeError),                      # shape not a sequence
    (lambda r, k: r.choice(k, 3, (5,), replace=False), ValueError),   # more draws than items
    (lambda r, k: r.choice(k, 5, (2,), p=np.ones(4, np.float32) / 4), ValueError),  # bad p shape
    (lambda r, k: r.choice(k, 0, (2,)), ValueError),                  # empty population
    (lambda r, k: r.gamma(k, np.ones(3, np.float32), (2,)), ValueError),  # parameter grows the shape
    (lambda r, k: r.bits(k, (2,), "int32"), ValueError),              # signed bits
    (lambda r, k: r.geometric(k, 0.5, (2,), "float32"), ValueError),  # float geometric
    (lambda r, k: r.multivariate_normal(k, MEAN, COV[:2, :2]), ValueError),  # cov/mean mismatch
    (lambda r, k: r.multivariate_normal(k, MEAN, COV, method="qr"), ValueError),
    (lambda r, k: r.dirichlet(k, 1.0), ValueError),                   # alpha.ndim < 1
    (lambda r, k: r.gamma(k, 1.0, (2,), "int32"), ValueError),        # non-float dtype
])
def test_errors_as_jax(call, exc):
    with pytest.raises(exc):
        call(jax.random, jax.random.key(0))
    with pytest.raises(exc):
        call(pb.random, pb.random.key(0))


def test_public_namespace():
    import jax.random as jr
    ours = set(dir(pb.random))
    assert not ours & {"np", "lax", "dtypes", "user_error", "is_array", "annotations"}
    assert ours <= {n for n in dir(jr) if not n.startswith("_")} | {"threefry_partitionable", "KeyDtype", "threefry2x32", "PRNGKeyArray"}
    assert str(pb.random.key_dtype()) == str(jr.key_dtype())
    k = pb.random.key(3)
    np.testing.assert_array_equal(pb.random.key_data(pb.random.clone(k)), pb.random.key_data(k))


@pytest.mark.parametrize("name,shape", [("orthogonal", (4, 3)), ("orthogonal", (2, 3, 5)),
                                        ("delta_orthogonal", (3, 3, 4, 6)), ("delta_orthogonal", (3, 2, 2))])
def test_orthogonal_initializers(name, shape):
    got = getattr(pb.nn.initializers, name)()(pb.random.key(1), shape)
    _check_same(got, getattr(jax.nn.initializers, name)()(jax.random.key(1), shape))


def test_orthogonal_initializer_errors():
    for name, shape in (("orthogonal", (3,)), ("delta_orthogonal", (3, 3)), ("delta_orthogonal", (3, 3, 6, 4))):
        with pytest.raises(ValueError):
            getattr(jax.nn.initializers, name)()(jax.random.key(0), shape)
        with pytest.raises(ValueError):
            getattr(pb.nn.initializers, name)()(pb.random.key(0), shape)
