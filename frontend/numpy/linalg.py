"""pullback.numpy.linalg: numpy.linalg with JAX's semantics, on the pb linear-algebra ops.

Decompositions bind lax.linalg's primitives (frontend/lax/linalg.py); everything else is
composed from them and pullback.numpy, as jax.numpy.linalg does.
"""
from __future__ import annotations

from .. import lax
from ..lax import linalg as lax_linalg
from ._core import operand, promote_inexact

__all__ = ["cholesky"]


def _mH(x):
    return lax.conj(lax_linalg._mT(x)) if x.aval.dtype.startswith("complex") else lax_linalg._mT(x)


def cholesky(a, *, upper: bool = False, symmetrize_input: bool = True):
    (a,) = promote_inexact(operand(a))
    L = lax_linalg.cholesky(a, symmetrize_input=symmetrize_input)
    return _mH(L) if upper else L
