"""pullback.nn's reductions over logits: logsumexp (scipy's signature: b, return_sign, where),
logmeanexp, softmax (with JAX's custom JVP y * (dx - sum(y dx)), stable at large logits),
log_softmax, standardize and one_hot, as JAX defines them."""
from __future__ import annotations

import functools

import numpy as np

from .. import dtypes as _dt
from .. import lax
from .. import numpy as jnp
from ..custom_derivatives import custom_jvp
from ..errors import user_error
from ..numpy._core import as_value, canonical_axes, operand, promote_inexact


def _axes(x, axis):
    return canonical_axes(axis, x.ndim)


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False, where=None):
    if where is not None:
        a = jnp.where(where, a, 0)
    if b is not None:
        a, b = (as_value(v) for v in promote_inexact(a, b))
        a = jnp.where(b != 0, a, -np.inf)
    else:
        a = as_value(promote_inexact(a)[0])
    dims = _axes(a, axis)
    real = jnp.real(a) if jnp.iscomplexobj(a) else a
    if where is not None:
        real = jnp.where(where, real, -np.inf)
    amax = jnp.max(real, axis=dims, keepdims=keepdims, initial=-np.inf)
    amax = lax.stop_gradient(jnp.where(jnp.isfinite(amax), amax, jnp.zeros_like(amax)))
    amax_dims = amax if keepdims else jnp.expand_dims(amax, dims)
    exp_a = jnp.exp(a - amax_dims.astype(a.dtype))
    if b is not None:
        exp_a = exp_a * b
    if where is not None:
        exp_a = jnp.where(where, exp_a, 0)
    sumexp = jnp.sum(exp_a, axis=dims, keepdims=keepdims)
    sign = jnp.sign(sumexp)
    if return_sign or not jnp.iscomplexobj(a):
        sumexp = jnp.abs(sumexp)
    out = jnp.log(sumexp) + amax.astype(sumexp.dtype)
    if return_sign:
        return out, sign
    if b is not None and not jnp.iscomplexobj(out):
        out = jnp.where(sign < 0, jnp.full_like(out, np.nan), out)
    return out


def logmeanexp(x, axis=None, where=None, keepdims=False):
    x = as_value(promote_inexact(x)[0])
    lse = logsumexp(x, axis=axis, where=where, keepdims=keepdims)
    if where is None:
        n = 1
        for ax in _axes(x, axis):
            n *= x.shape[ax]
        count = jnp.array(n, lse.dtype)
    else:
        count = jnp.sum(jnp.broadcast_to(where, x.shape), axis=axis, keepdims=keepdims).astype(lse.dtype)
    return lse - jnp.log(count)


def log_softmax(x, axis=-1, where=None):
    x = as_value(promote_inexact(x)[0])
    dims = _axes(x, axis)
    x_safe = x if where is None else jnp.where(where, x, -np.inf)
    x_max = jnp.max(x_safe, dims, keepdims=True, initial=-np.inf)
    shifted = x_safe - lax.stop_gradient(x_max)
    e = jnp.exp(shifted)
    if where is not None:
        e = jnp.where(where, e, 0)
    result = shifted - jnp.log(jnp.sum(e, dims, keepdims=True))
    if where is not None:
        return jnp.where(where, result, -np.inf)
    return result


# jax_softmax_custom_jvp: True (JAX's default) differentiates softmax by its custom JVP; False
# by the formula with the max shift under stop_gradient (the deprecated path, same values).
softmax_custom_jvp = [True]


def softmax(x, axis=-1, where=None):
    x = as_value(promote_inexact(x)[0])
    dims = _axes(x, axis)
    if not softmax_custom_jvp[0]:
        return _softmax_deprecated(dims, x, None if where is None else jnp.broadcast_to(where, x.shape))
    if where is None:
        return _softmax(dims, x)
    return _softmax_where(dims, x, jnp.broadcast_to(where, x.shape))


def _softmax_deprecated(dims, x, where):
    x_safe = x if where is None else jnp.where(where, x, -np.inf)
    x_max = jnp.max(x_safe, dims, keepdims=True, initial=-np.inf)
    unnormalized = jnp.exp(x_safe - lax.stop_gradient(x_max))
    if where is not None:
        unnormalized = jnp.where(where, unnormalized, 0)
    result = unnormalized / jnp.sum(unnormalized, dims, keepdims=True)
    return result if where is None else jnp.where(where, result, 0)


def _softmax_value(dims, x, where):
    x_safe = x if where is None else jnp.where(where, x, -np.inf)
    x_max = jnp.max(x_safe, dims, keepdims=True, initial=-np.inf)
    unnormalized = jnp.exp(x_safe - x_max)
    if where is not None:
        unnormalized = jnp.where(where, unnormalized, 0)
    result = unnormalized / jnp.sum(unnormalized, dims, keepdims=True)
    return result if where is None else jnp.where(where, result, 0)


@functools.partial(custom_jvp, nondiff_argnums=(0,))
def _softmax(dims, x):
    return _softmax_value(dims, x, None)


@_softmax.defjvp
def _softmax_jvp(dims, primals, tangents):
    (x,), (x_dot,) = primals, tangents
    y = _softmax(dims, x)
    return y, y * (x_dot - jnp.sum(y * x_dot, dims, keepdims=True))


@functools.partial(custom_jvp, nondiff_argnums=(0,))
def _softmax_where(dims, x, where):
    return _softmax_value(dims, x, where)


@_softmax_where.defjvp
def _softmax_where_jvp(dims, primals, tangents):
    (x, where), (x_dot, _) = primals, tangents
    y = _softmax_where(dims, x, where)
    return y, y * (x_dot - jnp.sum(jnp.where(where, y * x_dot, 0), dims, keepdims=True))


def standardize(x, axis=-1, mean=None, variance=None, epsilon=1e-5, where=None, *, algorithm="fast"):
    if where is not None:
        raise user_error(NotImplementedError, "pullback.nn.standardize with where= is not supported")
    x = as_value(operand(x))
    if mean is None:
        mean = jnp.mean(x, axis, keepdims=True)
    if variance is None:
        if algorithm == "stable":
            variance = jnp.mean(jnp.square(jnp.subtract(x, mean)), axis, keepdims=True)
        elif algorithm == "fast":
            variance = jnp.clip(jnp.mean(jnp.square(x), axis, keepdims=True) - jnp.square(mean), 0)
        else:
            raise user_error(ValueError, f"Unknown algorithm '{algorithm}'. Expected 'fast' or 'stable'.")
    return jnp.subtract(x, mean) * lax.rsqrt(jnp.asarray(variance + epsilon))


def one_hot(x, num_classes: int, *, dtype=None, axis=-1):
    try:
        num_classes = int(num_classes)
    except TypeError:
        raise user_error(TypeError, "jax.nn.one_hot argument `num_classes` must be a concrete integer") from None
    x = as_value(operand(x))
    dt = _dt.requested(dtype) if dtype is not None else _dt.default_float()
    nd = x.ndim + 1
    pos = canonical_axes(axis, nd)[0]
    lhs = jnp.expand_dims(x, pos)
    shape = [1] * x.ndim
    shape.insert(pos, num_classes)
    rhs = lax.broadcasted_iota(x.aval.dtype, tuple(shape), pos)
    return lax.convert_element_type(jnp.equal(lhs, rhs), dt)
