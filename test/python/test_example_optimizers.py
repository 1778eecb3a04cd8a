"""pullback.example_libraries.optimizers against jax.example_libraries.optimizers: the same
training steps (a jitted value_and_grad + update loop on a pytree of parameters) give the
same parameters; schedules, clip_grads and state packing agree."""
from __future__ import annotations

import pickle

import numpy as np
import pytest

import pullback as pb
import pullback.numpy as pnp
from pullback.example_libraries import optimizers as popt

jax = pytest.importorskip("jax")
jopt = pytest.importorskip("jax.example_libraries.optimizers")

rng = np.random.default_rng(3)
PARAMS = {"w": rng.standard_normal((3, 2)).astype(np.float32), "b": rng.standard_normal(2).astype(np.float32)}
X = rng.standard_normal((5, 3)).astype(np.float32)
Y = rng.standard_normal((5, 2)).astype(np.float32)

MAKERS = [
    ("sgd", lambda o: o.sgd(0.1)),
    ("sgd_schedule", lambda o: o.sgd(o.exponential_decay(0.1, 2, 0.5))),
    ("momentum", lambda o: o.momentum(0.05, 0.9)),
    ("nesterov", lambda o: o.nesterov(o.inverse_time_decay(0.05, 1, 0.5, staircase=True), 0.8)),
    ("adagrad", lambda o: o.adagrad(0.1)),
    ("rmsprop", lambda o: o.rmsprop(0.01)),
    ("rmsprop_momentum", lambda o: o.rmsprop_momentum(o.polynomial_decay(0.01, 3, 0.001), momentum=0.5)),
    ("adam", lambda o: o.adam(1e-2)),
    ("adam_piecewise", lambda o: o.adam(o.piecewise_constant([2, 4], [1e-2, 5e-3, 1e-3]))),
    ("adamax", lambda o: o.adamax(2e-2)),
    ("sm3", lambda o: o.sm3(0.1)),
]


def _train(m, opt_mod, make, steps=5, jit=True):
    init, update, get_params = make(opt_mod)

    def loss(p):
        return m.numpy.mean((m.numpy.tanh(X @ p["w"] + p["b"]) - Y) ** 2)

    def step(i, state):
        value, grads = m.value_and_grad(loss)(get_params(state))
        return value, update(i, grads, state)
    step = m.jit(step) if jit else step
    state = init({k: m.numpy.asarray(v) for k, v in PARAMS.items()})
    values = []
    for i in range(steps):
        value, state = step(i, state)
        values.append(float(value))
    return values, get_params(state)


@pytest.mark.parametrize("case", MAKERS, ids=[c[0] for c in MAKERS])
def test_training_steps_match_jax(case):
    name, make = case
    jit = name != "sm3"  # JAX's sm3 keeps the shape as int leaves of its state: not jittable there either
    got_v, got_p = _train(pb, popt, make, jit=jit)
    want_v, want_p = _train(jax, jopt, make, jit=jit)
    np.testing.assert_allclose(got_v, want_v, rtol=2e-5)
    for k in PARAMS:
        np.testing.assert_allclose(np.asarray(got_p[k]), np.asarray(want_p[k]), rtol=2e-5, atol=2e-6)


def test_clip_grads_and_norm():
    tree = {"a": np.array([3.0, 4.0], np.float32), "b": (np.array([12.0], np.float32),)}
    np.testing.assert_allclose(float(popt.l2_norm(tree)), float(jopt.l2_norm(tree)))
    got, want = popt.clip_grads(tree, 6.5), jopt.clip_grads(tree, 6.5)
    for g, w in zip(pb.tree.leaves(got), jax.tree.leaves(want)):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-6)


def test_state_pack_unpack_roundtrip_and_errors():
    init, update, get_params = popt.adam(0.1)
    state = init({k: pnp.asarray(v) for k, v in PARAMS.items()})
    packed = popt.pack_optimizer_state(pickle.loads(pickle.dumps(popt.unpack_optimizer_state(state))))
    for k in PARAMS:
        np.testing.assert_array_equal(np.asarray(get_params(packed)[k]), PARAMS[k])
    with pytest.raises(TypeError):
        update(0, {"w": pnp.ones((3, 2))}, state)
    with pytest.raises(TypeError):
        popt.make_schedule(np.ones(3))
    with pytest.raises(ValueError):
        popt.piecewise_constant([1, 2], [0.1])
