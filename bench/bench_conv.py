"""Convolutions (issue 14), pullback against JAX in one run, as ratios.

A LeNet-style CNN (conv 3x3 32 -> relu -> 2x2 max pool -> conv 3x3 64 -> relu -> 2x2 max pool
-> dense 10; batch 128, 28x28x1, NHWC): the steady jit(grad) step and per-example gradients
with jit(vmap(grad)); and conv_general_dilated forward, 3x3, 64 -> 64 channels, 56x56,
batch 32 (NHWC/HWIO, SAME). Goals: at most 1.0x JAX.
"""
from __future__ import annotations

import sys

import numpy as np

from common import import_jax, median_time, print_table

import pullback
import pullback.numpy as pnp

DN = ("NHWC", "HWIO", "NHWC")


def lenet(lib, jnp):
    lax = lib.lax

    def predict(params, x):
        w1, b1, w2, b2, w3, b3 = params
        h = jnp.maximum(lax.conv_general_dilated(x, w1, (1, 1), "SAME", dimension_numbers=DN) + b1, 0.0)
        h = lax.reduce_window(h, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
        h = jnp.maximum(lax.conv_general_dilated(h, w2, (1, 1), "SAME", dimension_numbers=DN) + b2, 0.0)
        h = lax.reduce_window(h, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
        return h.reshape((h.shape[0], -1)) @ w3 + b3

    def loss(params, x, y):
        logits = predict(params, x)
        logits = logits - logits.max(axis=-1, keepdims=True)
        return -jnp.sum(y * (logits - jnp.log(jnp.sum(jnp.exp(logits), axis=-1, keepdims=True))))
    return loss


def data():
    rng = np.random.default_rng(0)
    params = [rng.standard_normal(s).astype(np.float32) * 0.1 for s in
              [(3, 3, 1, 32), (32,), (3, 3, 32, 64), (64,), (7 * 7 * 64, 10), (10,)]]
    x = rng.standard_normal((128, 28, 28, 1)).astype(np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 128)]
    return params, x, y


def run(lib, jnp):
    params, x, y = data()
    loss = lenet(lib, jnp)
    step = lib.jit(lib.grad(loss))
    t_step = median_time(lambda: step(params, x, y)[0].block_until_ready(), number=3, repeat=5)
    per_example = lib.jit(lib.vmap(lib.grad(lambda p, x, y: loss(p, x[None], y[None])), in_axes=(None, 0, 0)))
    t_vmap = median_time(lambda: per_example(params, x, y)[0].block_until_ready(), number=2, repeat=3)
    rng = np.random.default_rng(1)
    a = rng.standard_normal((32, 56, 56, 64)).astype(np.float32)
    w = rng.standard_normal((3, 3, 64, 64)).astype(np.float32)
    fwd = lib.jit(lambda a, w: lib.lax.conv_general_dilated(a, w, (1, 1), "SAME", dimension_numbers=DN))
    t_fwd = median_time(lambda: fwd(a, w).block_until_ready(), number=3, repeat=5)
    return t_step, t_vmap, t_fwd


def main() -> int:
    found = import_jax()
    if found is None:
        return 1
    jax, jnp = found
    names = ["LeNet jit(grad) step, batch 128", "LeNet per-example grads jit(vmap(grad))",
             "conv 3x3 64->64 56x56 batch 32 forward"]
    rows = list(zip(names, run(pullback, pnp), run(jax, jnp)))
    print_table(rows, {n: 1.0 for n in names})
    return 0


if __name__ == "__main__":
    sys.exit(main())
