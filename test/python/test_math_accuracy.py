"""Accuracy of the transcendental functions pullback computes itself (float32 tanh is
XLA's rational approximation, not libm's): within 5 ulps of exact everywhere, and bit for bit
what JAX computes on CPU, so printed results agree."""
from __future__ import annotations

import numpy as np
import pytest

import pullback as pb
import pullback.numpy as pnp

X = np.concatenate([np.linspace(-12, 12, 40001), np.geomspace(1e-38, 10, 2000), -np.geomspace(1e-38, 10, 2000),
                    [0.0, -0.0, 3.9e-4, 4e-4, 7.9988, 8.0, 9.0]]).astype(np.float32)


def test_tanh_float32_within_a_few_ulps():
    ours = np.asarray(pb.jit(pnp.tanh)(X))
    exact = np.tanh(X.astype(np.float64))
    ulps = np.abs(ours.astype(np.float64) - exact) / np.spacing(np.abs(exact).astype(np.float32))
    assert np.max(ulps) <= 5, float(np.max(ulps))  # XLA's approximation peaks at 4.3 ulps
    assert np.all(np.abs(ours) <= 1)


def test_tanh_float32_special_values():
    specials = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0], np.float32)
    out = np.asarray(pb.jit(pnp.tanh)(specials))
    np.testing.assert_array_equal(out[:2], [1.0, -1.0])
    assert np.isnan(out[2])
    assert out[3] == 0 and not np.signbit(out[3]) and np.signbit(out[4])


def test_tanh_float32_is_bit_identical_to_jax():
    jax = pytest.importorskip("jax")
    theirs = np.asarray(jax.jit(jax.numpy.tanh)(X))
    ours = np.asarray(pb.jit(pnp.tanh)(X))
    np.testing.assert_array_equal(ours.view(np.uint32), theirs.view(np.uint32))


def test_tanh_float64_uses_the_exact_function(x64):
    x = np.linspace(-5, 5, 1001)
    np.testing.assert_allclose(np.asarray(pb.jit(pnp.tanh)(x)), np.tanh(x), rtol=1e-15, atol=1e-300)
