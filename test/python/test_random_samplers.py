"""The samplers composed on the uniform draw (exponential, gumbel, logistic, laplace,
rademacher, rayleigh, categorical): bit-identical to jax.random for the same keys, eagerly,
under jit and under vmap over keys; and truncated_normal once lax.erf_inv exists."""
from __future__ import annotations

import numpy as np
import pytest

import pullback as pb
from pullback import lax as plax

jax = pytest.importorskip("jax")

CASES = [
    ("exponential", lambda r, k: r.exponential(k, (257,))),
    ("gumbel", lambda r, k: r.gumbel(k, (3, 50))),
    ("logistic", lambda r, k: r.logistic(k, (300,))),
    ("laplace", lambda r, k: r.laplace(k, (300,))),
    ("rademacher", lambda r, k: r.rademacher(k, (64,))),
    ("rademacher_f32", lambda r, k: r.rademacher(k, (8,), dtype="float32")),
    ("rayleigh", lambda r, k: r.rayleigh(k, 2.5, (300,))),
    ("rayleigh_array_scale", lambda r, k: r.rayleigh(k, np.array([1.0, 2.0, 3.0], np.float32))),
    ("categorical", lambda r, k: r.categorical(k, LOGITS)),
    ("categorical_axis0_shape", lambda r, k: r.categorical(k, LOGITS, axis=0, shape=(6, 5))),
]
LOGITS = np.random.default_rng(0).standard_normal((3, 5)).astype(np.float32)


def _bits(x):
    x = np.asarray(x)
    return x.view(np.uint32) if x.dtype == np.float32 else x


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("seed", [0, 42])
def test_bit_identical_to_jax(case, seed):
    _, fn = case
    want = _bits(fn(jax.random, jax.random.key(seed)))
    np.testing.assert_array_equal(_bits(fn(pb.random, pb.random.key(seed))), want)
    np.testing.assert_array_equal(_bits(pb.jit(lambda k: fn(pb.random, k))(pb.random.key(seed))), want)
    raw = pb.random.PRNGKey(seed)
    np.testing.assert_array_equal(_bits(fn(pb.random, raw)), _bits(fn(jax.random, jax.random.PRNGKey(seed))))


def test_vmap_over_keys():
    keys = pb.random.split(pb.random.key(5), 4)
    got = pb.vmap(lambda k: pb.random.gumbel(k, (6,)))(keys)
    want = jax.vmap(lambda k: jax.random.gumbel(k, (6,)))(jax.random.split(jax.random.key(5), 4))
    np.testing.assert_array_equal(_bits(got), _bits(want))


def test_unsupported_arguments_raise():
    with pytest.raises(ValueError, match="must be a float dtype"):  # as JAX; float16 etc. in test_random_dtypes
        pb.random.exponential(pb.random.key(0), (3,), dtype="int32")
    with pytest.raises(NotImplementedError):
        pb.random.gumbel(pb.random.key(0), (3,), mode="high")
    with pytest.raises(ValueError):
        pb.random.categorical(pb.random.key(0), LOGITS, shape=(4, 2))


def test_truncated_normal():
    if not hasattr(plax, "erf_inv"):
        pytest.skip("random.truncated_normal needs lax.erf and lax.erf_inv (the special-functions work)")
    for lo, hi, shape in ((-2.0, 2.0, (100,)), (0.5, 3.0, (4, 5))):
        got = pb.random.truncated_normal(pb.random.key(9), lo, hi, shape)
        want = jax.random.truncated_normal(jax.random.key(9), lo, hi, shape)
        # the same draws up to 2 ulp: lax.erf_inv's float32 polynomial is XLA's (Giles), but
        # its -log((1 - x)(1 + x)) is libm's log, not XLA's own log1p (not bit-identical)
        ulps = np.abs(_bits(got).astype(np.int64) - _bits(want).astype(np.int64))
        assert ulps.max() <= 2, ulps.max()
