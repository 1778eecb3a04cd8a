"""Helpers of the distributions: JAX's promote_args_inexact, constants of an operand's dtype, the
standardized point (x - loc) / scale, and log/exp of another function of the same distribution."""
from __future__ import annotations

from ... import lax
from ... import numpy as jnp
from ...core import Literal
from ..special import _args as promote_args  # noqa: F401 - the one promotion of pullback.scipy


def const(x, v):
    return Literal(v, x.aval.dtype, False)


def _composed(op, f, name):
    def g(*args, **kwargs):
        return op(f(*args, **kwargs))
    g.__name__ = name
    return g


def exp_of(logf):
    """pdf from logpdf (pmf from logpmf)."""
    return _composed(lax.exp, logf, logf.__name__.replace("log", "", 1))


def log_of(f):
    """logcdf from cdf, logsf from sf: JAX takes the log of the probability (no log-space tail)."""
    return _composed(lax.log, f, "log" + f.__name__)


def standardize(x, loc, scale):
    return lax.div(lax.sub(x, loc), scale)


def clamped(x, loc, scale, upper):
    """(x - loc) / scale clamped to the support [0, upper] (nan stays nan), as JAX's cdfs clamp it."""
    return lax.clamp(const(x, 0), standardize(x, loc, scale), const(x, upper))


def outside(cond, x, value):
    """value where cond holds, else x."""
    return jnp.where(cond, const(x, value), x)
