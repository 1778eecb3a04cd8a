"""Special functions and sorting (issue 14), pullback against JAX in one run, as ratios.

erf, lgamma and sinh on 10^6 float32; jnp.sort of 10^6 float32 and of 1000x1000 (rows);
lax.top_k k=10 on 1000x1000. Each as a jitted function: the first call (trace, compile, run,
a fresh function each time) and the steady call.
"""
from __future__ import annotations

import sys

import numpy as np

from common import first_call_time, import_jax, median_time, print_table

import pullback
import pullback.numpy as pnp
from pullback import lax as plax


def cases(lib, jnp, lax):
    return {
        "erf 1M": (lambda x: lax.erf(x), "flat"),
        "lgamma 1M": (lambda x: lax.lgamma(x), "flat"),
        "sinh 1M": (lambda x: jnp.sinh(x), "flat"),
        "sort 1M": (lambda x: jnp.sort(x), "flat"),
        "sort 1000x1000 rows": (lambda x: jnp.sort(x, axis=-1), "square"),
        "top_k 10 of 1000x1000": (lambda x: lax.top_k(x, 10)[0], "square"),
    }


def main() -> int:
    found = import_jax()
    if found is None:
        return 1
    jax, jnp = found
    rng = np.random.default_rng(0)
    inputs = {"flat": rng.uniform(0.1, 8.0, 10**6).astype(np.float32),
              "square": rng.standard_normal((1000, 1000)).astype(np.float32)}
    ours, theirs = cases(pullback, pnp, plax), cases(jax, jnp, jax.lax)
    rows = []
    for name, (pf, kind) in ours.items():
        jf = theirs[name][0]
        x = inputs[kind]
        xj = jax.device_put(x)
        np.testing.assert_allclose(np.asarray(pullback.jit(pf)(x)), np.asarray(jax.jit(jf)(xj)), rtol=1e-5, atol=4e-6)  # lgamma: float32 absolute error near its zeros
        fp, fj = pullback.jit(pf), jax.jit(jf)
        steady_p = median_time(lambda: np.asarray(fp(x)), number=3, repeat=5)
        steady_j = median_time(lambda: fj(xj).block_until_ready(), number=3, repeat=5)
        # a fresh function per call (a different constant), so neither library hits its cache
        first_p = first_call_time(lambda i: np.asarray(pullback.jit(lambda v: pf(v * (1.0 + 1e-7 * i)))(x)), repeat=3)
        first_j = first_call_time(lambda i: jax.jit(lambda v: jf(v * (1.0 + 1e-7 * i)))(xj).block_until_ready(),
                                  repeat=3)
        rows += [(f"{name} steady", steady_p, steady_j), (f"{name} first call", first_p, first_j)]
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
