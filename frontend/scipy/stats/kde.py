"""Gaussian kernel density estimation (jax.scipy.stats.gaussian_kde), JAX's API and formulas.

A frozen pytree (neff, dataset, weights, covariance, inv_cov), so an estimator passes through jit,
grad and vmap. evaluate/logpdf whiten the points with the Cholesky factor of the precision matrix and
sum (logsumexp) the kernels of each point over the dataset with vmap; the integrals are closed forms
over a Cholesky factor of the summed covariances.
resample is absent: JAX draws it with random.choice(p=) and random.multivariate_normal, which
pullback.random does not have.
"""
from __future__ import annotations

import math

import numpy as np

from ... import dtypes
from ... import numpy as jnp
from ...batching import vmap
from ...errors import user_error
from ...numpy._core import as_value, promote_inexact
from ...tree_util import register_pytree_node_class
from .. import linalg, special

_FIELDS = ("neff", "dataset", "weights", "covariance", "inv_cov")


def _real(x, what):
    if dtypes.is_complex(x.aval.dtype):
        raise user_error(NotImplementedError, f"gaussian_kde does not support complex {what}")


@register_pytree_node_class
class gaussian_kde:
    __slots__ = _FIELDS

    def __init__(self, dataset, bw_method=None, weights=None):
        dataset = jnp.atleast_2d(as_value(dataset))
        _real(dataset, "data")
        if not math.prod(dataset.aval.shape) > 1:
            raise user_error(ValueError, "`dataset` input should have multiple elements.")
        d, n = dataset.aval.shape
        if weights is not None:
            dataset, weights = (as_value(v) for v in promote_inexact(dataset, weights))
            weights = jnp.atleast_1d(weights)
            weights = weights / jnp.sum(weights)
            if weights.aval.ndim != 1:
                raise user_error(ValueError, "`weights` input should be one-dimensional.")
            if weights.aval.shape[0] != n:
                raise user_error(ValueError, "`weights` input should be of length n")
        else:
            (dataset,) = (as_value(v) for v in promote_inexact(dataset))
            weights = jnp.full(n, 1.0 / n, dtype=dataset.aval.dtype)
        neff = 1 / jnp.sum(weights ** 2)
        bw_method = "scott" if bw_method is None else bw_method
        if isinstance(bw_method, str) and bw_method == "scott":
            factor = jnp.power(neff, -1.0 / (d + 4))
        elif isinstance(bw_method, str) and bw_method == "silverman":
            factor = jnp.power(neff * (d + 2) / 4.0, -1.0 / (d + 4))
        elif jnp.isscalar(bw_method) and not isinstance(bw_method, str):
            factor = bw_method
        elif callable(bw_method):
            self._set(neff, dataset, weights, None, None)
            factor = bw_method(self)
        else:
            raise user_error(ValueError, "`bw_method` should be 'scott', 'silverman', a scalar, or a callable.")
        data_covariance = _weighted_cov(dataset, weights)
        data_inv_cov = jnp.linalg.inv(data_covariance)
        self._set(neff, dataset, weights, data_covariance * factor ** 2, data_inv_cov / factor ** 2)

    def _set(self, *values):
        for name, value in zip(_FIELDS, values):
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise AttributeError(f"cannot assign to field '{name}' of a frozen gaussian_kde")

    def tree_flatten(self):
        return tuple(getattr(self, f) for f in _FIELDS), None

    @classmethod
    def tree_unflatten(cls, aux_data, children):
        del aux_data
        kde = cls.__new__(cls)
        kde._set(*children)
        return kde

    @property
    def d(self):
        return self.dataset.shape[0]

    @property
    def n(self):
        return self.dataset.shape[1]

    def evaluate(self, points):
        """The density at points (d, m), or m points of a 1-d estimator."""
        points = self._reshape_points(points)
        return _gaussian_kernel_eval(False, self.dataset.T, self.weights[:, None], points.T, self.inv_cov)[:, 0]

    def __call__(self, points):
        return self.evaluate(points)

    def pdf(self, x):
        return self.evaluate(x)

    def logpdf(self, x):
        x = self._reshape_points(x)
        return _gaussian_kernel_eval(True, self.dataset.T, self.weights[:, None], x.T, self.inv_cov)[:, 0]

    def integrate_gaussian(self, mean, cov):
        """The integral of the density times the normal density N(mean, cov)."""
        mean = jnp.atleast_1d(jnp.squeeze(as_value(mean)))
        cov = jnp.atleast_2d(as_value(cov))
        if mean.aval.shape != (self.d,):
            raise user_error(ValueError, f"mean does not have dimension {self.d}")
        if cov.aval.shape != (self.d, self.d):
            raise user_error(ValueError, f"covariance does not have dimension {self.d}")
        chol, norm = self._convolved(cov)
        return _gaussian_kernel_convolve(chol, norm, self.dataset, self.weights, mean)

    def integrate_box_1d(self, low, high):
        """The mass between low and high (scalars) of a 1-d estimator."""
        if self.d != 1:
            raise user_error(ValueError, "integrate_box_1d() only handles 1D pdfs")
        if np.ndim(low) != 0 or np.ndim(high) != 0:
            raise user_error(ValueError, "the limits of integration in integrate_box_1d must be scalars")
        sigma = jnp.squeeze(jnp.sqrt(self.covariance))
        low = jnp.squeeze((low - self.dataset) / sigma)
        high = jnp.squeeze((high - self.dataset) / sigma)
        return jnp.sum(self.weights * (special.ndtr(high) - special.ndtr(low)))

    def integrate_kde(self, other):
        """The integral of the product of two estimators' densities."""
        if other.d != self.d:
            raise user_error(ValueError, "KDEs are not the same dimensionality")
        chol, norm = self._convolved(other.covariance)
        sm, lg = (self, other) if self.n < other.n else (other, self)
        result = vmap(lambda mean: _gaussian_kernel_convolve(chol, norm, lg.dataset, lg.weights, mean),
                      in_axes=1)(sm.dataset)
        return jnp.sum(result * sm.weights)

    def integrate_box(self, low_bounds, high_bounds, maxpts=None):
        # JAX raises the same: it has only the 1-d box integral
        del low_bounds, high_bounds, maxpts
        raise user_error(NotImplementedError, "only 1D box integrations are supported; use `integrate_box_1d`")

    def set_bandwidth(self, bw_method=None):
        # JAX raises the same: the estimator is immutable
        del bw_method
        raise user_error(NotImplementedError, "dynamically changing the bandwidth method is not supported")

    def _convolved(self, cov):
        """The Cholesky factor of covariance + cov and the normal constant of that Gaussian."""
        chol = linalg.cho_factor(self.covariance + cov)
        norm = 1.0 / (jnp.sqrt(2 * np.pi) ** self.d * jnp.prod(jnp.diag(chol[0])))
        return chol, norm

    def _reshape_points(self, points):
        points = jnp.atleast_2d(as_value(points))
        _real(points, "coordinates")
        d, m = points.aval.shape
        if d != self.d:
            if d == 1 and m == self.d:
                points = jnp.reshape(points, (self.d, 1))
            else:
                raise user_error(ValueError, f"points have dimension {d}, dataset has dimension {self.d}")
        return points


def _weighted_cov(x, w):
    """jnp.cov(x, aweights=w) (rows are variables, unbiased: numpy's factor v1 - sum(w^2) / v1)."""
    v1 = jnp.sum(w)
    fact = v1 - jnp.sum(w * w) / v1
    centred = x - (jnp.sum(x * w, axis=1) / v1)[:, None]
    return jnp.atleast_2d(jnp.dot(centred, (centred * w).T) / fact)


def _gaussian_kernel_convolve(chol, norm, target, weights, mean):
    diff = target - mean[:, None]
    alpha = linalg.cho_solve(chol, diff)
    arg = 0.5 * jnp.sum(diff * alpha, axis=0)
    return norm * jnp.sum(jnp.exp(-arg) * weights)


def _gaussian_kernel_eval(in_log, points, values, xi, precision):
    points, values, xi, precision = (as_value(v) for v in promote_inexact(points, values, xi, precision))
    d = points.aval.shape[1]
    if xi.aval.shape[1] != d:
        raise user_error(ValueError, "points and xi must have same trailing dim")
    if precision.aval.shape != (d, d):
        raise user_error(ValueError, "precision matrix must match data dims")
    whitening = linalg.cholesky(precision, lower=True)
    points = jnp.dot(points, whitening)
    xi = jnp.dot(xi, whitening)
    log_norm = jnp.sum(jnp.log(jnp.diag(whitening))) - 0.5 * d * np.log(2 * np.pi)

    def kernel(x_test, x_train, y_train):
        arg = log_norm - 0.5 * jnp.sum(jnp.square(x_train - x_test))
        return jnp.log(y_train) + arg if in_log else y_train * jnp.exp(arg)

    reduce = special.logsumexp if in_log else jnp.sum
    return vmap(lambda x: reduce(vmap(kernel, in_axes=(None, 0, 0))(x, points, values), axis=0))(xi)
