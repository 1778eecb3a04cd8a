"""Control flow (issue 11), pullback against JAX in one run, as ratios.

- an RNN as lax.scan over 100 steps (hidden 256, batch 32): forward, and jit(grad) of a loss;
- lax.fori_loop of 10,000 steps of a small update;
- Newton's method for a square root as lax.while_loop under vmap over 1,000 lanes.
Each row is the steady state of a jitted function, and for the RNN also the first call (trace,
compile, run of a fresh function with the caches cleared; goal at most 0.5x JAX).
"""
from __future__ import annotations

import sys

import numpy as np

from common import first_call_time, import_jax, median_time, print_table

import pullback
import pullback.numpy as pnp


def rnn(lib, jnp):
    rng = np.random.default_rng(0)
    w = rng.standard_normal((256, 256)).astype(np.float32) * 0.05
    u = rng.standard_normal((16, 256)).astype(np.float32) * 0.1
    xs = rng.standard_normal((100, 32, 16)).astype(np.float32)
    h0 = np.zeros((32, 256), np.float32)

    def forward(w, u, xs):
        def step(h, x):
            h = jnp.tanh(h @ w + x @ u)
            return h, jnp.sum(h)
        h, ys = lib.lax.scan(step, h0, xs)
        return h, ys

    def loss(w, u, xs):
        h, ys = forward(w, u, xs)
        return jnp.sum(h ** 2) + jnp.sum(ys) * 1e-3

    return lib.jit(forward), lib.jit(lib.grad(loss, argnums=(0, 1))), (w, u, xs)


def fori(lib, jnp):
    def f(x):
        return lib.lax.fori_loop(0, 10_000, lambda i, v: v * 0.999 + jnp.sin(v) * 1e-3, x)
    return lib.jit(f), (np.linspace(0, 1, 64).astype(np.float32),)


def newton(lib, jnp):
    def sqrt(a):
        def body(state):
            x, _ = state
            nxt = 0.5 * (x + a / x)
            return nxt, jnp.abs(nxt - x)
        return lib.lax.while_loop(lambda s: s[1] > 1e-6, body, (a, jnp.float32(1.0)))[0]
    return lib.jit(lib.vmap(sqrt)), (np.linspace(1, 1000, 1000).astype(np.float32),)


def rnn_first_calls(lib, jnp):
    """(forward, jit(grad)) first-call times: fresh closures and cleared caches each time."""
    def first(which):
        def make_and_call(i):
            lib.clear_caches()
            fns = rnn(lib, jnp)
            block(fns[which](*fns[2]))
        return first_call_time(make_and_call, repeat=3)
    return first(0), first(1)


def block(out):
    for leaf in (out if isinstance(out, (tuple, list)) else [out]):
        leaf = leaf[0] if isinstance(leaf, (tuple, list)) else leaf
        leaf.block_until_ready()


def timed(fn, args, number=5):
    block(fn(*args))
    return median_time(lambda: block(fn(*args)), number=number, repeat=5)


def main() -> int:
    found = import_jax()
    if found is None:
        return 1
    jax, jnp = found
    rows, goals = [], {}
    (pf, pg, pa), (jf, jg, ja) = rnn(pullback, pnp), rnn(jax, jnp)
    rows.append(("RNN scan 100 steps forward", timed(pf, pa), timed(jf, ja)))
    rows.append(("RNN scan 100 steps jit(grad)", timed(pg, pa), timed(jg, ja)))
    first = list(zip(rnn_first_calls(pullback, pnp), rnn_first_calls(jax, jnp)))
    rows.append(("RNN forward first call", *first[0]))
    rows.append(("RNN jit(grad) first call", *first[1]))
    (p, pa), (j, ja) = fori(pullback, pnp), fori(jax, jnp)
    rows.append(("fori_loop 10k steps", timed(p, pa), timed(j, ja)))
    (p, pa), (j, ja) = newton(pullback, pnp), newton(jax, jnp)
    np.testing.assert_allclose(np.asarray(p(*pa)), np.asarray(j(*ja)), rtol=1e-5)
    rows.append(("Newton while_loop, vmap 1000 lanes", timed(p, pa), timed(j, ja)))
    for name, *_ in rows:
        goals[name] = 0.5 if name.endswith("first call") else 1.0
    print_table(rows, goals)
    return 0


if __name__ == "__main__":
    sys.exit(main())
