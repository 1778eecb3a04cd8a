"""Batching benchmarks: pullback vs JAX in one run, as ratios (lower is better).

  python bench/bench_vmap.py

- jit per-example gradients of the tutorial's TD(0) loss, batch 2 and 1024
- non-jit matrix-Jacobian products of the tutorial's predict with 128 covectors:
  a Python loop of vjp pullbacks, and vmap of the pullback (also printed: each
  library's loop-to-vmap speedup; the tutorial reports about 30x for JAX)
- Jacobian-matrix products likewise, with jvp
- jacrev and jacfwd of a 256 -> 256 two-layer tanh network (jit)
- jit per-example gradients of an MLP loss (784-512-512-10, batch 128)
"""
from __future__ import annotations

import sys

import numpy as np

import bench_autodiff
from common import import_jax, median_time, print_table


def workloads(jax, jnp):
    def td_loss(theta, s_tm1, r_t, s_t):
        v_tm1 = jnp.dot(theta, s_tm1)
        target = r_t + jnp.dot(theta, s_t)
        return -0.5 * ((jax.lax.stop_gradient(target) - v_tm1) ** 2)

    def predict(W, b, inputs):
        return 1.0 / (1.0 + jnp.exp(-(jnp.dot(inputs, W) + b)))

    def net(params, x):
        (W1, b1), (W2, b2) = params
        return jnp.tanh(jnp.dot(jnp.tanh(jnp.dot(x, W1) + b1), W2) + b2)

    mlp_batch_loss = bench_autodiff.workloads(jax, jnp)[-1]

    def mlp_loss(params, x, y):  # one example: the benchmark MLP's loss on a batch of one
        return mlp_batch_loss(params, x[None], y[None])

    return td_loss, predict, net, mlp_loss


def run(lib: str):
    if lib == "jax":
        libs = import_jax()
        jax, jnp = libs
    else:
        import pullback as jax
        import pullback.numpy as jnp
    td_loss, predict, net, mlp_loss = workloads(jax, jnp)
    rng = np.random.default_rng(0)
    arr = lambda *shape: jnp.asarray(rng.standard_normal(shape).astype(np.float32))  # noqa: E731
    out = {}

    perex = jax.jit(jax.vmap(jax.grad(td_loss), in_axes=(None, 0, 0, 0)))
    theta = arr(3)
    for batch in (2, 1024):
        s_tm1, r_t, s_t = arr(batch, 3), arr(batch), arr(batch, 3)
        out[f"jit per-example grads TD(0) b{batch}"] = median_time(
            lambda: perex(theta, s_tm1, r_t, s_t).block_until_ready(), 200, 5)

    W, b, inputs = arr(3), arr(), arr(4, 3)
    f = lambda W: predict(W, b, inputs)  # noqa: E731
    y, vjp_fun = jax.vjp(f, W)
    U = arr(128, 4)
    out["MJP 128 covectors, loop (non-jit)"] = median_time(
        lambda: jnp.vstack([vjp_fun(u)[0] for u in U]), 1, 3)
    out["MJP 128 covectors, vmap (non-jit)"] = median_time(lambda: jax.vmap(vjp_fun)(U), 10, 3)
    S = arr(128, 3)
    out["JMP 128 vectors, loop (non-jit)"] = median_time(
        lambda: jnp.vstack([jax.jvp(f, (W,), (s,))[1] for s in S]), 1, 3)
    out["JMP 128 vectors, vmap (non-jit)"] = median_time(
        lambda: jax.vmap(lambda s: jax.jvp(f, (W,), (s,))[1])(S), 10, 3)

    params = [(arr(256, 256) / 16, arr(256)), (arr(256, 256) / 16, arr(256))]
    x = arr(256)
    jr = jax.jit(jax.jacrev(lambda x: net(params, x)))
    jf = jax.jit(jax.jacfwd(lambda x: net(params, x)))
    out["jit jacrev 256->256 tanh net"] = median_time(lambda: jr(x).block_until_ready(), 20, 5)
    out["jit jacfwd 256->256 tanh net"] = median_time(lambda: jf(x).block_until_ready(), 20, 5)

    sizes = [784, 512, 512, 10]
    mparams = [(arr(m, n) / np.sqrt(m), arr(n)) for m, n in zip(sizes[:-1], sizes[1:])]
    xs, ys = arr(128, 784), jnp.asarray(np.eye(10, dtype=np.float32)[rng.integers(0, 10, 128)])
    pg = jax.jit(jax.vmap(jax.grad(mlp_loss), in_axes=(None, 0, 0)))
    out["jit per-example grads MLP b128"] = median_time(
        lambda: jax.tree_util.tree_leaves(pg(mparams, xs, ys))[0].block_until_ready(), 3, 3)
    return out


GOALS = {"MJP 128 covectors, vmap (non-jit)": 0.2, "JMP 128 vectors, vmap (non-jit)": 0.2,
         "jit jacrev 256->256 tanh net": 1.0, "jit jacfwd 256->256 tanh net": 1.0,
         "jit per-example grads MLP b128": 1.0}


def main() -> int:
    if import_jax() is None:
        return 1
    pj, pp = run("jax"), run("pullback")
    print_table([(k, pp[k], pj[k]) for k in pj], GOALS)
    for kind in ("MJP 128 covectors", "JMP 128 vectors"):
        loop, vm = f"{kind}, loop (non-jit)", f"{kind}, vmap (non-jit)"
        print(f"{kind}: loop/vmap speedup pullback {pp[loop] / pp[vm]:.1f}x, jax {pj[loop] / pj[vm]:.1f}x "
              "(goal: at least 30x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
