"""lax's incomplete gamma and beta functions and scaled Bessel functions: one pb op each
(dialects/ops/incomplete.py), with JAX's lax signatures."""
from __future__ import annotations

from ..core import bind1
from . import _elementwise


def igamma(a, x):
    """The regularized lower incomplete gamma function P(a, x)."""
    return bind1("igamma", _elementwise(a, x))


def igammac(a, x):
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)."""
    return bind1("igammac", _elementwise(a, x))


def igamma_grad_a(a, x):
    """dP(a, x)/da."""
    return bind1("igamma_grad_a", _elementwise(a, x))


def random_gamma_grad(a, x):
    """The derivative in a of a Gamma(a, 1) sample x, holding its CDF P(a, x) fixed."""
    return bind1("random_gamma_grad", _elementwise(a, x))


def betainc(a, b, x):
    """The regularized incomplete beta function I_x(a, b)."""
    return bind1("betainc", _elementwise(a, b, x))


def bessel_i0e(x):
    """exp(-|x|) I0(x)."""
    return bind1("bessel_i0e", _elementwise(x))


def bessel_i1e(x):
    """exp(-|x|) I1(x)."""
    return bind1("bessel_i1e", _elementwise(x))


__all__ = ["bessel_i0e", "bessel_i1e", "betainc", "igamma", "igamma_grad_a", "igammac", "random_gamma_grad"]
