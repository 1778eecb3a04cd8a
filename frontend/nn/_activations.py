"""pullback.nn's activation functions, written as JAX writes them (same formulas, so the same
float rounding), with JAX's custom derivatives: relu and relu6 have derivative 0 at their
kinks, log1mexp has its closed-form derivative. gelu's exact form needs lax.erfc."""
from __future__ import annotations

import math

from .. import lax
from .. import numpy as jnp
from ..custom_derivatives import custom_jvp
from ..numpy._core import as_value, operand, promote_inexact


def _float(x):
    return as_value(promote_inexact(x)[0])


def identity(x):
    return as_value(operand(x))


@custom_jvp
def relu(x):
    return jnp.maximum(x, 0)


relu.defjvps(lambda g, ans, x: lax.select(x > 0, g, jnp.zeros_like(g)))


@custom_jvp
def relu6(x):
    return jnp.minimum(jnp.maximum(x, 0), 6.)


relu6.defjvps(lambda g, ans, x: lax.select((x > 0) & (x < 6), g, jnp.zeros_like(g)))


def squareplus(x, b=4):
    x = _float(x)
    return (x + jnp.sqrt(jnp.square(x) + b)) / 2


def softplus(x):
    return jnp.logaddexp(x, 0)


def sparse_plus(x):
    x = _float(x)
    return jnp.where(x <= -1.0, 0.0, jnp.where(x >= 1.0, x, (x + 1.0) ** 2 / 4))


def soft_sign(x):
    x = as_value(operand(x))
    return x / (jnp.abs(x) + 1)


def sigmoid(x):
    return lax.logistic(_float(x))


def sparse_sigmoid(x):
    return 0.5 * jnp.clip(_float(x) + 1.0, 0.0, 2.0)


def silu(x):
    x = _float(x)
    return x * sigmoid(x)


swish = silu


def mish(x):
    x = _float(x)
    return x * jnp.tanh(softplus(x))


def log_sigmoid(x):
    return -softplus(-_float(x))


def elu(x, alpha=1.0):
    x = _float(x)
    return jnp.where(x > 0, x, alpha * jnp.expm1(jnp.where(x > 0, 0., x)))


def leaky_relu(x, negative_slope=1e-2):
    x = as_value(operand(x))
    return jnp.where(x >= 0, x, negative_slope * x)


def hard_tanh(x):
    x = as_value(operand(x))
    return jnp.where(x > 1, 1, jnp.where(x < -1, -1, x))


def celu(x, alpha=1.0):
    return jnp.maximum(x, 0.0) + alpha * jnp.expm1(jnp.minimum(x, 0.0) / alpha)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(x):
    return _SELU_SCALE * elu(x, _SELU_ALPHA)


def gelu(x, approximate: bool = True):
    x = _float(x)
    dt = jnp.dtype(x.dtype)
    if approximate:
        c = jnp.array(math.sqrt(2 / math.pi), dt)
        cdf = 0.5 * (1.0 + jnp.tanh(c * (x + 0.044715 * (x ** 3))))
        return x * cdf
    return 0.5 * x * lax.erfc(-x * jnp.array(math.sqrt(0.5), dt))


def glu(x, axis: int = -1):
    x = as_value(operand(x))
    if x.shape[axis] % 2:
        raise AssertionError("axis size must be divisible by 2")
    x1, x2 = jnp.split(x, 2, axis)
    return x1 * sigmoid(x2)


def hard_sigmoid(x):
    return relu6(x + 3.) / 6.


def hard_silu(x):
    x = as_value(operand(x))
    return x * hard_sigmoid(x)


hard_swish = hard_silu


@custom_jvp
def log1mexp(x):
    x = _float(x)
    c = math.log(2.0)
    return jnp.where(x < c, jnp.log(-jnp.expm1(-x)), jnp.log1p(-jnp.exp(-x)))


log1mexp.defjvps(lambda g, ans, x: g / jnp.expm1(x))


def tanh(x):
    return jnp.tanh(x)
