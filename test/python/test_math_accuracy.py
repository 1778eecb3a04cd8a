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


# float32 sin and cos are arithmetic in float64 (dialects/ops/fast_trig.py): reduction by a
# 128-bit window of 2/pi's bits, exact for every float32, then one rounding to float32.
def _trig_inputs():
    rng = np.random.default_rng(0)
    every_exponent = rng.integers(0, 0x7F800000, 400_000, dtype=np.uint32).view(np.float32)
    # the float32s nearest the first 20,000 multiples of pi/2, where reduction cancels most digits
    k = np.arange(1, 20_000, dtype=np.float64)
    near_multiples = (k * (np.pi / 2)).astype(np.float32)
    return np.concatenate([X, every_exponent, -every_exponent[:50_000], near_multiples,
                           np.float32([np.pi / 4, -np.pi / 4, 1e-45, 3.4e38, 16367173 * 2.0**72])])


@pytest.mark.parametrize("name", ["sin", "cos"])
def test_trig_float32_is_correctly_rounded(name):
    x = _trig_inputs()
    ours = np.asarray(pb.jit(getattr(pnp, name))(x))
    exact = getattr(np, name)(x.astype(np.float64))
    ulps = np.abs(ours.astype(np.float64) - exact) / np.spacing(np.abs(exact.astype(np.float32)))
    assert np.max(ulps) < 0.5001, (float(np.max(ulps)), float(x[np.argmax(ulps)]))
    # correctly rounded but for results within ~1e-14 of a rounding boundary
    assert np.sum(ours != exact.astype(np.float32)) <= 2


@pytest.mark.parametrize("name", ["sin", "cos"])
def test_trig_float32_special_values(name):
    specials = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0], np.float32)
    out = np.asarray(pb.jit(getattr(pnp, name))(specials))
    assert np.all(np.isnan(out[:3]))
    if name == "cos":
        np.testing.assert_array_equal(out[3:], [1.0, 1.0])
    else:  # sine keeps the sign of zero
        assert out[3] == 0 and not np.signbit(out[3]) and np.signbit(out[4])


@pytest.mark.parametrize("name", ["sin", "cos"])
def test_trig_float32_within_an_ulp_of_jax(name):
    jax = pytest.importorskip("jax")
    x = _trig_inputs()
    theirs = np.asarray(jax.jit(getattr(jax.numpy, name))(x))  # glibc's algorithm: within 0.56 ulp
    ours = np.asarray(pb.jit(getattr(pnp, name))(x))
    finite = np.isfinite(theirs)
    steps = np.abs(ours[finite].view(np.int32).astype(np.int64) - theirs[finite].view(np.int32).astype(np.int64))
    assert steps.max() <= 1
    assert np.mean(steps == 0) > 0.97  # differing where JAX is not correctly rounded


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_trig_half_precision_rounds_once_from_float32(dtype):
    x = pnp.asarray(np.linspace(-40, 40, 2001), dtype=dtype)
    wide = np.asarray(x.astype("float32"))
    for name in ("sin", "cos"):
        ours = np.asarray(pb.jit(getattr(pnp, name))(x).astype("float32"))
        expect = np.asarray(pnp.asarray(getattr(np, name)(wide.astype(np.float64)).astype(np.float32)).astype(dtype)
                            .astype("float32"))
        np.testing.assert_array_equal(ours, expect)


def test_tan_float32_is_libm_tanf_as_in_jax():
    jax = pytest.importorskip("jax")  # (jax.random.cauchy's bit-identity depends on it)
    x = _trig_inputs()
    np.testing.assert_array_equal(np.asarray(pb.jit(pnp.tan)(x)), np.asarray(jax.jit(jax.numpy.tan)(x)))


def test_trig_float64_uses_the_exact_functions(x64):
    x = np.linspace(-50, 50, 1001)
    for name in ("sin", "cos", "tan"):
        np.testing.assert_allclose(np.asarray(pb.jit(getattr(pnp, name))(x)), getattr(np, name)(x),
                                   rtol=1e-15, atol=1e-15)
