"""jnp.i0: the modified Bessel function I0 from the scaled pb.bessel_i0e op, with JAX's derivative
(0 at x = 0, where |x|'s kink would otherwise show)."""
from __future__ import annotations

from .. import lax
from ..custom_derivatives import custom_jvp
from ..ad import jvp as _jvp
from ._core import as_value, promote_inexact


@custom_jvp
def _i0(x):
    abs_x = lax.abs(x)
    return lax.mul(lax.exp(abs_x), lax.bessel_i0e(abs_x))


@_i0.defjvp
def _i0_jvp(primals, tangents):
    out, tangent = _jvp(_i0.fun, primals, tangents)
    (x,) = primals
    return out, lax.select(lax.eq(x, lax.full_like(x, 0)), lax.full_like(tangent, 0), tangent)


def i0(x):
    """I0(x) for real x."""
    (x,) = promote_inexact(x)
    x = as_value(x)
    if x.aval.dtype not in ("float16", "bfloat16", "float32", "float64"):
        raise ValueError(f"Unsupported input type to jax.numpy.i0: {x.aval.dtype}")
    return _i0(x)


__all__ = ["i0"]
