"""Frontend benchmarks: pullback vs JAX in one run, printed as ratios (lower is better).

  python bench/bench_frontend.py

- cached jit dispatch of x+1 on f32[4], through the public API (pytree flattening included)
- cached dispatch with a numpy argument, and with a list of six arrays (jnp and numpy), one
  output or six
- eager x+1 on f32[4]
- first call of jit(sum(tanh(X)**2)) for X of 30x40 (trace + compile + run), each
  time with a fresh function so no cache of either library is hit
"""
from __future__ import annotations

import statistics
import sys
import time

import numpy as np

from common import median_time





def main() -> int:
    try:
        import jax
        import jax.numpy as jjnp
    except ImportError:
        print("jax is not installed: pip install -e '.[bench]'")
        return 1
    import pullback as pb
    import pullback.numpy as pnp

    rows = []

    # cached jit dispatch
    xj = jjnp.zeros((4,), jjnp.float32)
    xp = pnp.zeros((4,), pnp.float32)
    fj = jax.jit(lambda x: x + 1)
    fp = pb.jit(lambda x: x + 1)
    fj(xj).block_until_ready()
    fp(xp).block_until_ready()
    tj = median_time(lambda: fj(xj), 2000, 7)
    tp = median_time(lambda: fp(xp), 2000, 7)
    rows.append(("cached jit dispatch x+1 f32[4]", tp, tj, 0.5))

    # cached dispatch with a numpy argument, and with a list of six arrays (an MLP's parameters)
    xn = np.zeros((4,), np.float32)
    fj(xn).block_until_ready()
    fp(xn).block_until_ready()
    rows.append(("cached jit dispatch, numpy f32[4]", median_time(lambda: fp(xn), 2000, 7),
                 median_time(lambda: fj(xn), 2000, 7), 0.5))
    params = [np.ones((8, 8), np.float32) for _ in range(6)]
    pj, pp = [jjnp.asarray(p) for p in params], [pnp.asarray(p) for p in params]
    gj = jax.jit(lambda ps: ps[0] + ps[5])
    gp = pb.jit(lambda ps: ps[0] + ps[5])
    gj(pj).block_until_ready()
    gp(pp).block_until_ready()
    rows.append(("cached jit dispatch, list of six arrays", median_time(lambda: gp(pp), 2000, 7),
                 median_time(lambda: gj(pj), 2000, 7), 0.5))
    rows.append(("cached jit dispatch, list of six numpy", median_time(lambda: gp(params), 2000, 7),
                 median_time(lambda: gj(params), 2000, 7), 0.5))
    # six in, six out: the outputs' allocation and wrapping and the output tree count too
    params = [np.ones((4, 4), np.float32) for _ in range(6)]
    pj, pp = [jjnp.asarray(p) for p in params], [pnp.asarray(p) for p in params]
    gj = jax.jit(lambda ps: [p * 2 for p in ps])
    gp = pb.jit(lambda ps: [p * 2 for p in ps])
    gj(pj)[0].block_until_ready()
    gp(pp)[0].block_until_ready()
    rows.append(("cached jit dispatch, six arrays in, six out", median_time(lambda: gp(pp), 2000, 7),
                 median_time(lambda: gj(pj), 2000, 7), 0.5))
    rows.append(("cached jit dispatch, six numpy in, six out", median_time(lambda: gp(params), 2000, 7),
                 median_time(lambda: gj(params), 2000, 7), 0.5))

    # eager
    (xj + 1).block_until_ready()
    (xp + 1).block_until_ready()
    tj = median_time(lambda: xj + 1, 2000, 7)
    tp = median_time(lambda: xp + 1, 2000, 7)
    rows.append(("eager x+1 f32[4]", tp, tj, 1.0))

    # first call of a fresh jitted function
    X = np.random.default_rng(0).standard_normal((30, 40)).astype(np.float32)

    def first_call_jax(i):
        f = jax.jit(lambda x: jjnp.sum(jjnp.tanh(x) ** 2) + i)
        t0 = time.perf_counter()
        f(X).block_until_ready()
        return time.perf_counter() - t0

    def first_call_pb(i):
        f = pb.jit(lambda x: pnp.sum(pnp.tanh(x) ** 2) + i)
        t0 = time.perf_counter()
        f(X).block_until_ready()
        return time.perf_counter() - t0

    first_call_jax(-1), first_call_pb(-1)  # warm the libraries themselves
    tj = statistics.median(first_call_jax(i) for i in range(7))
    tp = statistics.median(first_call_pb(i) for i in range(7))
    rows.append(("first call jit(sum(tanh(X)**2)) 30x40", tp, tj, 0.5))

    print(f"{'benchmark':44s} {'pullback':>12s} {'jax':>12s} {'ratio':>7s} {'goal':>6s}")
    for name, tp, tj, goal in rows:
        ok = "ok" if tp / tj <= goal else "MISS"
        print(f"{name:44s} {tp * 1e6:10.1f}us {tj * 1e6:10.1f}us {tp / tj:7.2f} {goal:5.1f}x {ok}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
