"""jax.scipy.linalg.expm and expm_frechet: Padé approximation with scaling and squaring.

As JAX (after Higham 2005): the 1-norm of A picks the number of squarings s (A / 2^s has norm
at most 5.37 for float64/complex128, 3.93 for float32/complex64) and the Padé degree (3, 5, 7, 9
or 13 for 64-bit, 3, 5 or 7 for 32-bit, by JAX's thresholds) through lax.switch; Q⁻¹P is one LU
solve (a triangular one for upper_triangular), squared s times by a scan of lax.cond steps (at
most max_squarings; more gives NaN, as JAX). The derivative flows through those ops, as in JAX
(which defines no custom rule), and expm_frechet is its JVP: L(A, E) = d/dt expm(A + tE) at 0.
Leading batch dimensions are mapped with vmap.
"""
from __future__ import annotations

import numpy as np

from .. import lax
from ..ad import jvp
from ..batching import vmap
from ..errors import user_error
from ..numpy import linalg as np_linalg
from ..numpy._core import operand, promote_inexact
import pullback.numpy as jnp

__all__ = ["expm", "expm_frechet"]

# (maximum scaled norm, thresholds of the Padé degrees, degrees) per precision, JAX's numbers
_DOUBLE = (5.371920351148152, (1.495585217958292e-002, 2.539398330063230e-001, 9.504178996162932e-001,
                               2.097847961257068e+000), (3, 5, 7, 9, 13))
_SINGLE = (3.925724783138660, (4.258730016922831e-001, 1.880152677804762e+000), (3, 5, 7))
_PADE = {
    3: (120., 60., 12., 1.),
    5: (30240., 15120., 3360., 420., 30., 1.),
    7: (17297280., 8648640., 1995840., 277200., 25200., 1512., 56., 1.),
    9: (17643225600., 8821612800., 2075673600., 302702400., 30270240., 2162160., 110880., 3960., 90., 1.),
    13: (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800., 129060195264000.,
         10559470521600., 670442572800., 33522128640., 1323241920., 40840800., 960960., 16380., 182., 1.),
}


def _pade(degree: int):
    """(U, V) of the degree's Padé approximant: U odd in A, V even (P = U + V, Q = V - U)."""
    b = _PADE[degree]

    def uv(a):
        dot = jnp.matmul
        ident = jnp.eye(a.aval.shape[-1], dtype=a.dtype)
        a2 = dot(a, a)
        if degree == 13:
            a4 = dot(a2, a2)
            a6 = dot(a4, a2)
            u = dot(a, dot(a6, b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2
                    + b[1] * ident)
            v = dot(a6, b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * ident
            return u, v
        powers = [ident, a2]
        while len(powers) < degree // 2 + 1:
            powers.append(dot(powers[-1], a2))
        u = dot(a, sum(b[2 * k + 1] * p for k, p in enumerate(powers)))
        v = sum(b[2 * k] * p for k, p in enumerate(powers))
        return u, v
    return uv


def _expm_2d(a, upper_triangular: bool, max_squarings: int):
    maxnorm, conds, degrees = _DOUBLE if a.aval.dtype in ("float64", "complex128") else _SINGLE
    norm1 = np_linalg.norm(a, 1)
    n_squarings = jnp.maximum(0, jnp.floor(jnp.log2(norm1 / maxnorm)))
    a = a / (2 ** n_squarings).astype(a.dtype)
    idx = jnp.digitize(norm1, jnp.asarray(conds, dtype=norm1.dtype))
    u, v = lax.switch(idx, [_pade(d) for d in degrees], a)
    p, q = u + v, v - u

    def compute(args):
        p, q = args
        if upper_triangular:
            from . import linalg  # lazy: linalg imports this module
            r = linalg.solve_triangular(q, p)
        else:
            r = np_linalg.solve(q, p)

        def step(c, i):
            return lax.cond(i < n_squarings, lambda x: jnp.matmul(x, x), lambda x: x, c), None
        r, _ = lax.scan(step, r, jnp.arange(max_squarings, dtype=n_squarings.dtype))
        return r

    return lax.cond(n_squarings > max_squarings, lambda args: jnp.full_like(args[0], np.nan), compute, (p, q))


def expm(A, *, upper_triangular: bool = False, max_squarings: int = 16):
    (a,) = promote_inexact(operand(A))
    if a.aval.ndim < 2 or a.aval.shape[-1] != a.aval.shape[-2]:
        raise user_error(ValueError, f"Expected A to be a (batched) square matrix, got A.shape={a.aval.shape}.")
    f = lambda x: _expm_2d(x, upper_triangular, max_squarings)  # noqa: E731
    for _ in range(a.aval.ndim - 2):
        f = vmap(f)
    return f(a)


def expm_frechet(A, E, *, method: str | None = None, compute_expm: bool = True):
    a, e = operand(A), operand(E)
    if a.aval.ndim < 2 or a.aval.shape[-2] != a.aval.shape[1]:
        raise user_error(ValueError, f"expected A to be a (batched) square matrix, got A.shape={a.aval.shape}")
    if e.aval.ndim < 2 or e.aval.shape[-2] != e.aval.shape[-1]:
        raise user_error(ValueError, f"expected E to be a (batched) square matrix, got E.shape={e.aval.shape}")
    if a.aval.shape != e.aval.shape:
        raise user_error(ValueError, f"expected A and E to be the same shape, got A.shape={a.aval.shape} "
                                     f"E.shape={e.aval.shape}")
    expm_a, frechet = jvp(lambda x: expm(x), (a,), (e,))
    return (expm_a, frechet) if compute_expm else frechet
