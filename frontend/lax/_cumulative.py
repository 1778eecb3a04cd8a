"""lax's cumulative reductions other than cumsum (a pb op): cumprod, cummax, cummin and
cumlogsumexp, as JAX computes them off-TPU: an associative_scan of the binary op along the
axis, so their derivatives and batching come from the ops the scan is made of."""
from __future__ import annotations

from ..control_parallel import associative_scan
from ..errors import user_error
from ..values import to_array
from .. import lax


def _cumulative(name, combine):
    def f(operand, axis: int = 0, reverse: bool = False):
        x = to_array(operand)
        if not -x.aval.ndim <= axis < max(x.aval.ndim, 1):
            raise user_error(ValueError, f"{name}: axis {axis} is out of bounds for array of rank {x.aval.ndim}")
        return associative_scan(combine(), x, reverse=reverse, axis=axis % max(x.aval.ndim, 1))
    f.__name__ = f.__qualname__ = name
    return f



def _logaddexp():

    def op(a, b):
        amax = lax.max(a, b)
        finite = lax.lt(lax.abs(amax), lax.full(amax.aval.shape, float("inf"), amax.aval.dtype))
        shift = lax.select(finite, amax, lax.full(amax.aval.shape, 0, amax.aval.dtype))
        s = lax.add(lax.exp(lax.sub(a, shift)), lax.exp(lax.sub(b, shift)))
        return lax.add(lax.log(s), shift)
    return op


cumprod = _cumulative("cumprod", lambda: lax.mul)
cummax = _cumulative("cummax", lambda: lax.max)
cummin = _cumulative("cummin", lambda: lax.min)
cumlogsumexp = _cumulative("cumlogsumexp", _logaddexp)
