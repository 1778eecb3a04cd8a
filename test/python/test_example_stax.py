"""pullback.example_libraries.stax against jax.example_libraries.stax: the same layers built
from the same key have the same parameters and output shapes, give the same outputs, and a
small CNN (two convolutions, max pooling, dense) trained a few adam steps agrees with JAX."""
from __future__ import annotations

import numpy as np
import pytest

import pullback as pb
from pullback import lax as plax
from pullback.example_libraries import optimizers as popt
from pullback.example_libraries import stax as pstax

jax = pytest.importorskip("jax")
jstax = pytest.importorskip("jax.example_libraries.stax")
jopt = pytest.importorskip("jax.example_libraries.optimizers")


def _net(s, m):
    """A network using most layers, with the initializers that need no erf_inv."""
    gu = m.nn.initializers.glorot_uniform
    branch = s.serial(s.FanOut(2), s.parallel(s.Dense(4, W_init=gu()), s.serial(s.Dense(4, W_init=gu()), s.Tanh)),
                      s.FanInSum)
    return s.serial(
        s.Conv(3, (3, 3), padding="SAME", W_init=gu()), s.BatchNorm(), s.Relu,
        s.AvgPool((2, 2), (1, 1), padding="SAME"), s.SumPool((2, 2)),
        s.ConvTranspose(2, (2, 2), strides=(2, 2), W_init=gu()), s.Elu,
        s.Identity,
        s.MaxPool((2, 2), (2, 2)), s.Flatten, branch, s.FanOut(2), s.parallel(s.Gelu, s.Softplus),
        s.FanInConcat(), s.Dense(5, W_init=gu()), s.LogSoftmax)


X = np.random.default_rng(4).standard_normal((2, 6, 6, 2)).astype(np.float32)


def _leaves(t, m):
    return [np.asarray(v) for v in m.tree.leaves(t)]


def test_network_init_and_apply_match_jax():
    pi, pa = _net(pstax, pb)
    ji, ja = _net(jstax, jax)
    pshape, pparams = pi(pb.random.key(1), X.shape)
    jshape, jparams = ji(jax.random.key(1), X.shape)
    assert tuple(pshape) == tuple(jshape)
    for a, b in zip(_leaves(pparams, pb), _leaves(jparams, jax)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(np.asarray(pa(pparams, X)), np.asarray(ja(jparams, X)), rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(np.asarray(pb.jit(pa)(pparams, X)), np.asarray(ja(jparams, X)), rtol=2e-5, atol=2e-6)


def test_dropout_and_shape_dependent():
    for s, m in ((pstax, pb), (jstax, jax)):
        init, apply = s.serial(s.Dropout(0.7), s.shape_dependent(lambda shape: s.Dense(shape[-1],
                                                                     W_init=m.nn.initializers.ones)))
        _, params = init(m.random.key(0), (3, 4))
        out = apply(params, np.ones((3, 4), np.float32), rng=m.random.key(2))
        if s is pstax:
            got = np.asarray(out)
        else:
            np.testing.assert_allclose(got, np.asarray(out), rtol=1e-6)
        with pytest.raises(ValueError):
            s.Dropout(0.5)[1]((), np.ones(2, np.float32))


def _cnn(s, m):
    gu = m.nn.initializers.glorot_uniform
    return s.serial(s.Conv(4, (3, 3), padding="SAME", W_init=gu()), s.Relu, s.MaxPool((2, 2), (2, 2)),
                    s.Conv(8, (3, 3), W_init=gu()), s.Relu, s.Flatten, s.Dense(10, W_init=gu()), s.LogSoftmax)


def _train(s, o, m, steps=3):
    init, apply = _cnn(s, m)
    images = np.random.default_rng(5).standard_normal((8, 10, 10, 1)).astype(np.float32)
    labels = np.eye(10, dtype=np.float32)[np.arange(8) % 10]
    _, params = init(m.random.key(3), images.shape)
    opt_init, opt_update, get_params = o.adam(1e-2)

    def loss(p):
        return -m.numpy.mean(m.numpy.sum(apply(p, images) * labels, axis=1))

    @m.jit
    def step(i, state):
        value, g = m.value_and_grad(loss)(get_params(state))
        return value, opt_update(i, g, state)
    state = opt_init(params)
    values = []
    for i in range(steps):
        value, state = step(i, state)
        values.append(float(value))
    return values, _leaves(get_params(state), m)


def test_small_cnn_training_matches_jax():
    got_v, got_p = _train(pstax, popt, pb)
    want_v, want_p = _train(jstax, jopt, jax)
    np.testing.assert_allclose(got_v, want_v, rtol=1e-4)
    for a, b in zip(got_p, want_p):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-5)


def test_default_initializers():
    if not hasattr(plax, "erf_inv"):
        pytest.skip("stax's default glorot_normal needs lax.erf_inv (the special-functions work)")
    _, pparams = pstax.Dense(3)[0](pb.random.key(0), (2, 4))
    _, jparams = jstax.Dense(3)[0](jax.random.key(0), (2, 4))
    for a, b in zip(_leaves(pparams, pb), _leaves(jparams, jax)):
        np.testing.assert_array_equal(a, b)
