"""Values and gradients, against JAX, of the scans the scan passes rewrite: weight and bias
cotangents sunk out of the transposed loop (pb-scan-sink-sums), carries and ys rows updated
in place (pb-carries-in-place, the scf lowering), swapped and rotated carries (written in an
order that reads each old carry first, a cycle through a copy), reverse and nested scans, and
vmap of them."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import pullback as pb
import pullback.numpy as pnp
from pullback import lax as plax
from pullback.test_util import check_grads

RNG = np.random.default_rng(0)
W = (RNG.standard_normal((6, 6)) * 0.3).astype(np.float32)
U = (RNG.standard_normal((3, 6)) * 0.3).astype(np.float32)
B = (RNG.standard_normal(6) * 0.1).astype(np.float32)
XS = RNG.standard_normal((5, 4, 3)).astype(np.float32)


def programs(np_, lax):
    """name -> loss of (w, u, b, xs), written once for both libraries."""
    def rnn(w, u, b, xs):  # dW, dU, db accumulate in the transposed scan: all three sunk
        h, ys = lax.scan(lambda h, x: (np_.tanh(h @ w + x @ u + b),) * 2, np_.zeros((4, 6), np_.float32), xs)
        return np_.sum(h ** 2) + np_.sum(ys * ys[::-1])

    def rnn_reverse(w, u, b, xs):
        h, ys = lax.scan(lambda h, x: (np_.tanh(h @ w + x @ u + b), np_.sum(h, axis=1)),
                         np_.ones((4, 6), np_.float32), xs, reverse=True)
        return np_.sum(np_.sin(h)) + np_.sum(ys ** 2)

    def swapped_carries(w, u, b, xs):  # (a, b) -> (b, f(a)): the new carry must not overwrite b early
        def step(c, x):
            a, h = c
            return (h, np_.tanh(a @ w + x @ u)), a[:, 0]
        (a, h), ys = lax.scan(step, (np_.ones((4, 6), np_.float32) * b, np_.zeros((4, 6), np_.float32)), xs)
        return np_.sum(a * h) + np_.sum(ys)

    def rotated_carries(w, u, b, xs):
        def step(c, x):
            p, q, r = c
            return (q, r, np_.tanh(p @ w) + np_.sum(x) * b), p
        c, ys = lax.scan(step, (np_.ones((4, 6), np_.float32) * b, np_.zeros((4, 6), np_.float32),
                                np_.ones((4, 6), np_.float32) * 0.5), xs)
        return np_.sum(c[0] * c[1] - c[2]) + np_.sum(ys)

    def rotation_cycle(w, u, b, xs):  # (p, q, r) -> (q, r, p): a cycle, one old carry read from a copy
        def step(c, x):
            p, q, r = c
            return (q, r, p), np_.tanh(p @ w + x @ u) * q + r * b
        c, ys = lax.scan(step, (np_.ones((4, 6), np_.float32) * b, np_.tanh(xs[0] @ u),
                                np_.zeros((4, 6), np_.float32) + 0.5), xs)
        return np_.sum(c[0] * c[1] + c[2]) + np_.sum(ys ** 2)

    def nested(w, u, b, xs):  # the inner scan's weight sum is sunk inside the outer body
        def outer(h, x):
            def inner(g, z):
                return np_.tanh(g @ w + z * b), None
            g, _ = lax.scan(inner, h, np_.stack([x @ u, x @ u * 0.5]))
            return g, np_.sum(g)
        h, ys = lax.scan(outer, np_.zeros((4, 6), np_.float32), xs)
        return np_.sum(h) + np_.sum(ys ** 2)

    def running_sum_read(w, u, b, xs):  # the accumulated carry is read every step: not sunk
        def step(c, x):
            h, acc = c
            h = np_.tanh(h @ w + x @ u + h @ acc * 0.1)
            return (h, acc + (h.T @ h) * 0.01), np_.sum(acc)
        (h, acc), ys = lax.scan(step, (np_.zeros((4, 6), np_.float32), np_.zeros((6, 6), np_.float32)), xs)
        return np_.sum(h) + np_.sum(acc) + np_.sum(ys)

    return {k: v for k, v in locals().items() if callable(v)}


PB, JAX = programs(pnp, plax), programs(jnp, jax.lax)


def close(a, b, tol=2e-4):
    for u, v in zip(jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b)):
        np.testing.assert_allclose(np.asarray(u), np.asarray(v), rtol=tol, atol=tol)


@pytest.mark.parametrize("name", list(PB))
def test_value(name):
    args = (W, U, B, XS)
    close(pb.jit(PB[name])(*args), JAX[name](*args))


@pytest.mark.parametrize("name", list(PB))
def test_jit_grad(name):
    args = (W, U, B, XS)
    close(pb.jit(pb.grad(PB[name], (0, 1, 2)))(*args), jax.grad(JAX[name], (0, 1, 2))(*args))


ROTATING = ["swapped_carries", "rotated_carries", "rotation_cycle"]


@pytest.mark.parametrize("name", ["rnn", "rnn_reverse", "nested"] + ROTATING)
def test_vmap_of_grad(name):
    ws = np.stack([W, W * 0.5, -W])
    close(pb.jit(pb.vmap(pb.grad(PB[name]), (0, None, None, None)))(ws, U, B, XS),
          jax.vmap(jax.grad(JAX[name]), (0, None, None, None))(ws, U, B, XS))


@pytest.mark.parametrize("name", ROTATING)
def test_vmap_of_swapped_carries(name):
    ws = np.stack([W, W * 0.5, -W])
    close(pb.jit(pb.vmap(PB[name], (0, None, None, None)))(ws, U, B, XS),
          jax.vmap(JAX[name], (0, None, None, None))(ws, U, B, XS))


@pytest.mark.parametrize("name", ROTATING)
def test_check_grads_rotating_carries(name):
    """Carries rotated through the step: each written after the carries made of its old value
    (the transposed loop's order is the forward one's reversed), a cycle through one copy."""
    check_grads(lambda w, b: PB[name](w, U, b, XS), (W, B), order=1, modes=("fwd", "rev"), atol=2e-2, rtol=2e-2)


def test_rnn_weight_sums_are_sunk():
    """The transposed scan no longer carries dW, dU, db: the program has one scan whose body
    was rewritten, and the sums are dot_generals/reductions after it."""
    text = pb.jit(pb.grad(PB["rnn"], (0, 1, 2))).lower(W, U, B, XS).as_text("transformed")
    assert "_sunk" in text
    sunk = [line for line in text.splitlines() if "kind = \"scan\"" in line and "_sunk" in line]
    assert sunk and all("num_carry = 1 : i64" in line for line in sunk)
