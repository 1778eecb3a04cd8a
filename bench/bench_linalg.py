"""Linear algebra (issue 15), pullback against JAX in one run, as ratios.

Cholesky, solve and the gradient of slogdet, on one 256x256 float64 matrix and on a batch of
64 32x32 ones: the first call of a fresh jit (trace + compile + run) and the steady call.
Then the issue's own items, steady calls: cholesky + cho_solve of a 512x512 SPD float64 matrix
and its grad, the grad of slogdet of a batch 64x32x32, svd of 256x256 float32, eigh of 256x256
float64 (and eig of 128x128 float64). Both sides call LAPACK (pullback through scipy-openblas32's
LAPACKE, JAX through its own kernels). Goal: steady calls at most 1.0x JAX.
`--issue` runs only the issue's items.
"""
from __future__ import annotations

import sys

import numpy as np

from common import import_jax, median_time, print_table, steady_and_first_call

import pullback
import pullback.numpy as pnp

SHAPES = {"n=256": (256, 256), "64x32x32": (64, 32, 32)}


def inputs(shape):
    rng = np.random.default_rng(0)
    a = rng.standard_normal(shape)
    spd = a @ np.swapaxes(a, -1, -2) / shape[-1] + np.eye(shape[-1])
    b = rng.standard_normal(shape[:-1] + (8,))
    return spd, b


def programs(lib, jnp):
    return {
        "cholesky": (lambda a, b: jnp.linalg.cholesky(a)),
        "solve": (lambda a, b: jnp.linalg.solve(a, b)),
        "grad slogdet": (lambda a, b: lib.grad(lambda x: jnp.sum(jnp.linalg.slogdet(x)[1]))(a)),
    }


def run(lib, jnp):
    out = {}
    for label, shape in SHAPES.items():
        a, b = inputs(shape)
        for name, f in programs(lib, jnp).items():
            out[f"{name} {label} steady"], out[f"{name} {label} first call"] = steady_and_first_call(
                lib, f, (a, b))
    return out


def issue_items(lib, jnp, sl):
    """name -> (function, arguments): the issue's benchmark list."""
    rng = np.random.default_rng(1)
    a512 = rng.standard_normal((512, 512))
    spd512 = a512 @ a512.T / 512 + np.eye(512)
    b512 = rng.standard_normal((512, 8))
    batch = rng.standard_normal((64, 32, 32)) + 3 * np.eye(32)
    m256 = rng.standard_normal((256, 256))

    def chol_solve(a, b):
        return sl.cho_solve(sl.cho_factor(a, lower=True), b)
    return {
        "cholesky+cho_solve 512 f64": (chol_solve, (spd512, b512)),
        "grad cholesky+cho_solve 512 f64": (
            lib.grad(lambda a, b: jnp.sum(chol_solve((a + a.T) / 2, b)), argnums=(0, 1)), (spd512, b512)),
        "grad slogdet 64x32x32 f64": (lib.grad(lambda x: jnp.sum(jnp.linalg.slogdet(x)[1])), (batch,)),
        "svd 256 f32": (lambda x: jnp.linalg.svd(x), (m256.astype(np.float32),)),
        "eigh 256 f64": (lambda x: jnp.linalg.eigh(x), (m256 + m256.T,)),
        "eig 128 f64": (lambda x: jnp.linalg.eig(x), (m256[:128, :128],)),
    }


def run_issue(lib, jnp, sl):
    out = {}
    for name, (f, args) in issue_items(lib, jnp, sl).items():
        jitted = lib.jit(f)
        out[name] = median_time(lambda: lib.block_until_ready(jitted(*args)), number=3, repeat=5)
    return out


def main() -> int:
    found = import_jax()
    if found is None:
        return 1
    jax, jnp = found
    import jax.scipy.linalg as jsl
    import pullback.scipy.linalg as psl
    jax.config.update("jax_enable_x64", True)
    pullback.config.update("jax_enable_x64", True)
    if "--issue" not in sys.argv:
        ours, theirs = run(pullback, pnp), run(jax, jnp)
        rows = [(name, ours[name], theirs[name]) for name in ours]
        print_table(rows, {name: 1.0 for name in ours if name.endswith("steady")})
    ours, theirs = run_issue(pullback, pnp, psl), run_issue(jax, jnp, jsl)
    print_table([(name, ours[name], theirs[name]) for name in ours], {name: 1.0 for name in ours})
    return 0


if __name__ == "__main__":
    sys.exit(main())
