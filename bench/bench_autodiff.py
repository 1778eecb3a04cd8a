"""Autodiff benchmarks: pullback vs JAX in one run, printed as ratios (lower is better).

  python bench/bench_autodiff.py [--quick]

- non-jit Hessian-vector products of sum(tanh(X)**2), X of 30x40, in the three modes
  (forward-over-reverse, reverse-over-forward, reverse-over-reverse)
- the naive dense Hessian contracted with V (skipped with --quick)
- jit grad of the same function
- jit grad of an MLP loss (784-512-512-10, batch 128, tanh, softmax cross-entropy)
- first call (trace + compile + run, caches cleared) of that MLP grad
- a training step of JAX's MNIST-from-scratch example (784-1024-1024-10, batch 128, tanh,
  log-softmax through logsumexp, jit of the SGD update of every parameter)
"""
from __future__ import annotations

import sys

import numpy as np

from common import first_call_time, median_time, print_table


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


def mnist_update(jax, jnp, logsumexp, step_size=0.001):
    """examples/mnist_classifier_fromscratch.py's jitted `update`, as JAX ships it."""
    def predict(params, inputs):
        activations = inputs
        for w, b in params[:-1]:
            activations = jnp.tanh(jnp.dot(activations, w) + b)
        final_w, final_b = params[-1]
        logits = jnp.dot(activations, final_w) + final_b
        return logits - logsumexp(logits, axis=1, keepdims=True)

    def loss(params, batch):
        inputs, targets = batch
        return -jnp.mean(jnp.sum(predict(params, inputs) * targets, axis=1))

    @jax.jit
    def update(params, batch):
        grads = jax.grad(loss)(params, batch)
        return [(w - step_size * dw, b - step_size * db) for (w, b), (dw, db) in zip(params, grads)]
    return update


def mlp_data(jnp, seed=0, sizes=(784, 512, 512, 10)):
    rng = np.random.default_rng(seed)
    params = [(jnp.array(rng.standard_normal((m, n)).astype(np.float32) / np.sqrt(m)),
               jnp.array(np.zeros(n, np.float32))) for m, n in zip(sizes[:-1], sizes[1:])]
    x = jnp.array(rng.standard_normal((128, 784)).astype(np.float32))
    y = jnp.array(np.eye(10, dtype=np.float32)[rng.integers(0, 10, 128)])
    return params, x, y


def run(lib, quick: bool):
    if lib == "jax":
        import jax
        import jax.numpy as jnp
        from jax.scipy.special import logsumexp
    else:
        import pullback as jax
        import pullback.numpy as jnp
        from pullback.scipy.special import logsumexp
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

    def first_call(i):  # caches cleared and a new function: a real trace and compile each time
        jax.clear_caches()
        jax.block_until_ready(jax.jit(jax.grad(lambda *a: mlp_loss(*a)))(params, x, y))
    out["first call jit grad MLP"] = first_call_time(first_call, repeat=3)
    mg = jax.jit(jax.grad(mlp_loss))
    out["jit grad MLP 784-512-512-10 b128"] = median_time(
        lambda: jax.tree_util.tree_leaves(mg(params, x, y))[0].block_until_ready(), 5, 5)
    update = mnist_update(jax, jnp, logsumexp)
    params, x, y = mlp_data(jnp, seed=2, sizes=(784, 1024, 1024, 10))
    out["jit training step MNIST 784-1024-1024-10 b128"] = median_time(
        lambda: jax.block_until_ready(update(params, (x, y))), 5, 5)
    return out


GOALS = {"hvp fwd-over-rev (non-jit)": 0.2, "hvp rev-over-fwd (non-jit)": 0.2, "hvp rev-over-rev (non-jit)": 0.2,
         "dense hessian . V (non-jit)": 0.2, "jit grad MLP 784-512-512-10 b128": 1.0, "first call jit grad MLP": 0.5,
         "jit training step MNIST 784-1024-1024-10 b128": 1.0}


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
