"""pullback.scipy.stats: distributions of jax.scipy.stats, one module each (logpdf/pdf/cdf/... where
they compose from pullback's ops, with JAX's formulas and its -inf outside the support), and JAX's
summary functions (mode, rankdata, sem) and gaussian_kde."""
from . import (bernoulli, beta, betabinom, binom, cauchy, chi2, dirichlet, expon, gamma, gennorm, geom,  # noqa: F401
               gumbel_l, gumbel_r, laplace, logistic, multinomial, multivariate_normal, nbinom, norm, pareto,
               poisson, t, truncnorm, uniform, vonmises, wrapcauchy)
from ._summary import mode, rankdata, sem  # noqa: F401
from .kde import gaussian_kde  # noqa: F401

__all__ = ["bernoulli", "beta", "betabinom", "binom", "cauchy", "chi2", "dirichlet", "expon", "gamma", "gennorm",
           "geom", "gumbel_l", "gumbel_r", "laplace", "logistic", "multinomial", "multivariate_normal", "nbinom",
           "norm", "pareto", "poisson", "t", "truncnorm", "uniform", "vonmises", "wrapcauchy",
           "mode", "rankdata", "sem", "gaussian_kde"]
