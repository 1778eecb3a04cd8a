"""Linear algebra (issue 15), pullback against JAX in one run, as ratios.

Cholesky, solve and the gradient of slogdet, on one 256x256 float64 matrix and on a batch of
64 32x32 ones: the first call of a fresh jit (trace + compile + run) and the steady call.
Both sides call LAPACK (pullback through scipy-openblas32's LAPACKE, JAX through its own
kernels). Goal: steady calls at most 1.0x JAX.
"""
from __future__ import annotations

import sys

import numpy as np

from common import first_call_time, import_jax, median_time, print_table

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
            jitted = lib.jit(f)
            steady = median_time(lambda: jitted(a, b).block_until_ready(), number=5, repeat=5)

            def fresh(i, f=f):  # caches cleared and a new function: a real trace and compile each time
                if lib is pullback:
                    pullback.runtime.clear_memory_cache()
                else:
                    lib.clear_caches()
                lib.jit(lambda a, b: f(a, b))(a, b).block_until_ready()
            out[f"{name} {label} steady"] = steady
            out[f"{name} {label} first call"] = first_call_time(fresh, repeat=3)
    return out


def main() -> int:
    found = import_jax()
    if found is None:
        return 1
    jax, jnp = found
    jax.config.update("jax_enable_x64", True)
    pullback.config.update("jax_enable_x64", True)
    ours, theirs = run(pullback, pnp), run(jax, jnp)
    rows = [(name, ours[name], theirs[name]) for name in ours]
    print_table(rows, {name: 1.0 for name in ours if name.endswith("steady")})
    return 0


if __name__ == "__main__":
    sys.exit(main())
