"""Scatter and gather benchmarks: pullback vs JAX in one run, as ratios (lower is better).

  python bench/bench_scatter.py [n]

With n = 20,000 updates into n elements (random indices, so they repeat):
x.at[idx].multiply / add / set / max, jnp.take and x[idx] (a gather) under jit,
each as the first call of a fresh function (trace + compile + run) and in the
steady state. Issue 12 measured .at[].multiply at n = 20,000 before the
scatter lowering: 16 s and 6.9 GB (a dense one-hot matrix), against JAX's
0.24 s and 0.25 GB. Peak RSS of each library's process is printed at the end
(each library runs in a subprocess of its own).
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys

import numpy as np

from common import first_call_time, import_jax, median_time, print_table

N = 20_000


def workloads(jnp):
    return {
        ".at[].multiply": lambda x, i, v: x.at[i].multiply(v),
        ".at[].add": lambda x, i, v: x.at[i].add(v),
        ".at[].set": lambda x, i, v: x.at[i].set(v),
        ".at[].max": lambda x, i, v: x.at[i].max(v),
        "jnp.take": lambda x, i, v: jnp.take(x, i) * v,
        "x[idx] gather": lambda x, i, v: x[i] + v,
    }


def run(lib: str, n: int) -> dict:
    if lib == "jax":
        jax, jnp = import_jax()
    else:
        import pullback as jax
        import pullback.numpy as jnp
    rng = np.random.default_rng(0)
    x = rng.uniform(0.5, 1.5, n).astype(np.float32)
    idx = rng.integers(0, n, n).astype(np.int32)
    v = rng.uniform(0.99, 1.01, n).astype(np.float32)
    out = {}
    for name, fn in workloads(jnp).items():
        def fresh(k, fn=fn):  # a new function and a new size per call: a real trace and compile
            m = n - 2 - k  # (no in-memory cache hit on an identical program)
            f = jax.jit(lambda a, b, c: fn(a, b, c))
            np.asarray(f(x[:m], np.minimum(idx[:m], m - 1), v[:m]))
        out[f"{name} n={n} first call"] = first_call_time(fresh, repeat=3)
        f = jax.jit(fn)
        out[f"{name} n={n} steady"] = median_time(lambda: np.asarray(f(x, idx, v)), number=20, repeat=5)
    out["peak RSS (MB)"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else N
    if len(sys.argv) > 2:  # child: one library, results as JSON
        print(json.dumps(run(sys.argv[2], n)))
        return
    results = {}
    for lib in ("pullback", "jax"):
        proc = subprocess.run([sys.executable, __file__, str(n), lib], capture_output=True, text=True)
        if proc.returncode:
            print(proc.stderr[-2000:])
            return
        results[lib] = json.loads(proc.stdout.strip().splitlines()[-1])
    pb, jx = results["pullback"], results["jax"]
    print_table([(k, pb[k], jx[k]) for k in pb if k != "peak RSS (MB)"])
    print(f"peak RSS: pullback {pb['peak RSS (MB)']:.0f} MB, jax {jx['peak RSS (MB)']:.0f} MB")


if __name__ == "__main__":
    main()
