"""Derivatives of random samplers in their parameters match JAX's: implicit reparameterization
for the gamma family (lax.random_gamma_grad), and the emulations of XLA's float arithmetic
(FMA, exp, log, log1p, erf_inv) differentiated as the functions they compute, not through
their bit tricks (which would give zero)."""
import numpy as np
import pytest

import pullback as pb

jax = pytest.importorskip("jax")

CASES = {
    "gamma": lambda L, k: (lambda a: L.random.gamma(k, a, (4,)).sum(), np.float32(1.5)),
    "gamma_small_alpha": lambda L, k: (lambda a: L.random.gamma(k, a, (4,)).sum(), np.float32(0.4)),
    "loggamma": lambda L, k: (lambda a: L.random.loggamma(k, a, (4,)).sum(), np.float32(1.5)),
    "beta": lambda L, k: (lambda a: L.random.beta(k, a, 2.0, (4,)).sum(), np.float32(1.5)),
    "dirichlet": lambda L, k: (lambda a: (L.random.dirichlet(k, a) ** 2).sum(), np.array([1., 2., 3.], np.float32)),
    "chisquare": lambda L, k: (lambda a: L.random.chisquare(k, a, (4,)).sum(), np.float32(3.0)),
    "t": lambda L, k: (lambda a: L.random.t(k, a, (4,)).sum(), np.float32(3.0)),
    "f": lambda L, k: (lambda a: L.random.f(k, a, 4.0, (4,)).sum(), np.float32(3.0)),
    "uniform": lambda L, k: (lambda a: L.random.uniform(k, (4,), minval=a, maxval=3.0).sum(), np.float32(0.5)),
    "truncated_normal": lambda L, k: (lambda a: L.random.truncated_normal(k, a, 2.0, (4,)).sum(), np.float32(-0.5)),
    "lognormal": lambda L, k: (lambda a: L.random.lognormal(k, a, (4,)).sum(), np.float32(0.5)),
    "pareto": lambda L, k: (lambda a: L.random.pareto(k, a, (4,)).sum(), np.float32(2.5)),
    "weibull_min": lambda L, k: (lambda a: L.random.weibull_min(k, a, 2.0, (4,)).sum(), np.float32(1.5)),
    "generalized_normal": lambda L, k: (lambda a: L.random.generalized_normal(k, a, (4,)).sum(), np.float32(1.5)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_sampler_gradient_matches_jax(name):
    f, x = CASES[name](pb, pb.random.PRNGKey(1))
    g, y = CASES[name](jax, jax.random.PRNGKey(1))
    np.testing.assert_allclose(np.asarray(pb.grad(f)(x)), np.asarray(jax.grad(g)(y)), rtol=1e-4, atol=1e-5)


def test_gamma_gradient_under_vmap():
    k = pb.random.PRNGKey(1)
    a = np.array([0.5, 1.0, 3.0], np.float32)
    ours = pb.vmap(pb.grad(lambda a: pb.random.gamma(k, a)))(a)
    theirs = jax.vmap(jax.grad(lambda a: jax.random.gamma(jax.random.PRNGKey(1), a)))(a)
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-5)
