"""Autodiff benchmarks: pullback vs JAX in one run, printed as ratios (lower is better).

  python bench/bench_autodiff.py [--quick]

- non-jit Hessian-vector products of sum(tanh(X)**2), X of 30x40, in the three modes
  (forward-over-reverse, reverse-over-forward, reverse-over-reverse)
- the naive dense Hessian contracted with V (skipped with --quick)
- jit grad of the same function
- jit grad of an MLP loss (784-512-512-10, batch 128, tanh, softmax cross-entropy)
- first-call compile of that MLP grad
"""
from __future__ import annotations

import sys
import time

import numpy as np

from common import median_time, print_table





def workloads(jax, jnp):
    def f(X):
        return jnp.sum(jnp.tanh(X) ** 2)

    def hvp(f, primals, tangents):
        return jax.jvp(jax.grad(f), primals, tangents)[1]

    def hvp_revfwd(f, primals, tangents):
        g = lambda primals: jax.jvp(f, primals, tangents)[1]  # noqa: E731
        return jax.grad(g)(primals)

    def hvp_revrev(f, primals, tangents):
        x, = primals
        v, = tangents
        return jax.grad(lambda x: jnp.vdot(jax.grad(f)(x), v))(x)

    def mlp_loss(params, x, y):
        h = x
        for W, b in params[:-1]:
            h = jnp.tanh(jnp.dot(h, W) + b)
        W, b = params[-1]
        logits = jnp.dot(h, W) + b
        logits = logits - jnp.max(logits, axis=1, keepdims=True)
        logp = logits - jnp.log(jnp.sum(jnp.exp(logits), axis=1, keepdims=True))
        return -jnp.mean(jnp.sum(logp * y, axis=1))

    return f, hvp, hvp_revfwd, hvp_revrev, mlp_loss


def mlp_data(jnp, seed=0):
    rng = np.random.default_rng(seed)
    sizes = [784, 512, 512, 10]
    params = [(jnp.array(rng.standard_normal((m, n)).astype(np.float32) / np.sqrt(m)),
               jnp.array(np.zeros(n, np.float32))) for m, n in zip(sizes[:-1], sizes[1:])]
    x = jnp.array(rng.standard_normal((128, 784)).astype(np.float32))
    y = jnp.array(np.eye(10, dtype=np.float32)[rng.integers(0, 10, 128)])
    return params, x, y


def run(lib, quick: bool):
    if lib == "jax":
        import jax
        import jax.numpy as jnp
    else:
        import pullback as jax
        import pullback.numpy as jnp
    f, hvp, hvp_revfwd, hvp_revrev, mlp_loss = workloads(jax, jnp)
    rng = np.random.default_rng(1)
    X = jnp.array(rng.standard_normal((30, 40)).astype(np.float32))
    V = jnp.array(rng.standard_normal((30, 40)).astype(np.float32))
    out = {}
    out["hvp fwd-over-rev (non-jit)"] = median_time(lambda: hvp(f, (X,), (V,)), 10, 3)
    out["hvp rev-over-fwd (non-jit)"] = median_time(lambda: hvp_revfwd(f, (X,), (V,)), 10, 3)
    out["hvp rev-over-rev (non-jit)"] = median_time(lambda: hvp_revrev(f, (X,), (V,)), 10, 3)
    if not quick:
        out["dense hessian . V (non-jit)"] = median_time(
            lambda: jnp.tensordot(jax.hessian(f)(X), V, 2), 1, 1)
    g = jax.jit(jax.grad(f))
    out["jit grad sum(tanh(X)**2)"] = median_time(lambda: g(X).block_until_ready(), 200, 5)
    params, x, y = mlp_data(jnp)
    t0 = time.perf_counter()
    mg = jax.jit(jax.grad(mlp_loss))
    jax.tree_util.tree_leaves(mg(params, x, y))[0].block_until_ready()
    out["first call jit grad MLP"] = time.perf_counter() - t0
    out["jit grad MLP 784-512-512-10 b128"] = median_time(
        lambda: jax.tree_util.tree_leaves(mg(params, x, y))[0].block_until_ready(), 5, 5)
    return out


GOALS = {"hvp fwd-over-rev (non-jit)": 0.2, "hvp rev-over-fwd (non-jit)": 0.2, "hvp rev-over-rev (non-jit)": 0.2,
         "dense hessian . V (non-jit)": 0.2, "jit grad MLP 784-512-512-10 b128": 1.0, "first call jit grad MLP": 0.5}


def main() -> int:
    quick = "--quick" in sys.argv
    try:
        import jax  # noqa: F401
    except ImportError:
        print("jax is not installed: pip install -e '.[bench]'")
        return 1
    pj = run("jax", quick)
    pp = run("pullback", quick)
    print_table([(k, pp[k], pj[k]) for k in pj], GOALS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
