"""pullback.scipy.stats: distributions of jax.scipy.stats, one module each (logpdf/pdf/cdf/... where
they compose from pullback's ops, with JAX's formulas and its -inf outside the support)."""
from . import bernoulli, beta, cauchy, dirichlet, expon, gamma, laplace, logistic, norm, poisson, t, uniform  # noqa: F401

__all__ = ["bernoulli", "beta", "cauchy", "dirichlet", "expon", "gamma", "laplace", "logistic", "norm", "poisson", "t", "uniform"]
