"""Compile time on real programs (issue 13), pullback against JAX in one run, as ratios.

First call (trace + compile + run) of jit(grad(loss)) for a tanh MLP of L layers of 256
units, batch 64, at L = 2, 8, 32 (goal: at most 0.5x JAX's, growing at most linearly in L),
then the steady-state step of the same function. Cheap kernels run unoptimized until a
program's second call has them optimized in the background (runtime/tier_up.py): the row
"two calls, optimized code" times a fresh function's first two calls plus, for pullback, the
wait for that (no goal; it shows what the first call leaves for later).
PULLBACK_LOG_COMPILES=1 shows where each compile's time goes.
"""
from __future__ import annotations

import sys

import numpy as np

from common import first_call_time, import_jax, median_time, print_table

import pullback
import pullback.numpy as pnp
from pullback.runtime import tier_up


def mlp(lib, jnp, layers: int):
    rng = np.random.default_rng(0)
    params = [(rng.standard_normal((256, 256)).astype(np.float32) * 0.05, np.zeros(256, np.float32))
              for _ in range(layers)]
    x = rng.standard_normal((64, 256)).astype(np.float32)

    def loss(params, x):
        for w, b in params:
            x = jnp.tanh(x @ w + b)
        return jnp.sum(x ** 2)
    return loss, params, x


def run(lib, jnp, layers: int):
    """(first call, two calls and optimized code, steady step) in seconds."""
    def make_and_call(i, optimized=False):
        loss, params, x = mlp(lib, jnp, layers)
        # caches cleared and a new function object: a real trace and compile each time
        lib.clear_caches()  # pullback and jax both have it
        step = lib.jit(lib.grad(loss))
        step(params, x)[0][0].block_until_ready()
        if optimized:  # the second call, and for pullback its background tier-up (runtime/tier_up.py)
            step(params, x)[0][0].block_until_ready()
            if lib is pullback:
                tier_up.wait_all()
    first = first_call_time(make_and_call, repeat=3)
    until_optimized = first_call_time(lambda i: make_and_call(i, optimized=True), repeat=3)
    loss, params, x = mlp(lib, jnp, layers)
    step = lib.jit(lib.grad(loss))
    steady = median_time(lambda: step(params, x)[0][0].block_until_ready(), number=5, repeat=5)
    return first, until_optimized, steady


def main() -> int:
    found = import_jax()
    if found is None:
        return 1
    jax, jnp = found
    rows, goals = [], {}
    for layers in (2, 8, 32):
        pf, po, ps = run(pullback, pnp, layers)
        jf, jo, js = run(jax, jnp, layers)
        rows += [(f"first call jit(grad) MLP L={layers}", pf, jf),
                 (f"two calls, optimized code L={layers}", po, jo),
                 (f"steady step MLP L={layers}", ps, js)]
        goals[f"first call jit(grad) MLP L={layers}"] = 0.5
        goals[f"steady step MLP L={layers}"] = 1.0
    print_table(rows, goals)
    return 0


if __name__ == "__main__":
    sys.exit(main())
