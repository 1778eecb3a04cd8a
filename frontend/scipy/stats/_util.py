"""Helpers of the distributions: JAX's promote_args_inexact and constants of an operand's dtype."""
from __future__ import annotations

from ... import lax
from ... import numpy as jnp
from ...core import Literal
from ..special import _args as promote_args  # noqa: F401 - the one promotion of pullback.scipy


def const(x, v):
    return Literal(v, x.aval.dtype, False)


def exp_of(logf):
    """pdf from logpdf (pmf from logpmf)."""
    def f(*args, **kwargs):
        return lax.exp(logf(*args, **kwargs))
    f.__name__ = logf.__name__.replace("log", "", 1)
    return f


def outside(cond, x, value):
    """value where cond holds, else x."""
    return jnp.where(cond, const(x, value), x)
