"""Large float matmuls call OpenBLAS (passes/blas.py): values against numpy for every
transpose combination, batches and both float widths, and the calls are really made."""
import numpy as np
import pytest

import pullback as jax
import pullback.numpy as jnp
from pullback.passes import blas

pytestmark = pytest.mark.skipif(not blas.enabled(), reason="scipy-openblas32 is not installed")

CASES = {
    "nn": lambda a, b: a @ b,
    "tn": lambda a, b: a.T @ b,
    "nt": lambda a, b: a @ b.T,
    "tt": lambda a, b: a.T @ b.T,
}


def operands(kind, m, n, k, dtype, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((k, m) if kind[0] == "t" else (m, k)).astype(dtype)
    b = rng.standard_normal((n, k) if kind[1] == "t" else (k, n)).astype(dtype)
    return a, b


@pytest.mark.parametrize("kind", CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("m,n,k", [(64, 48, 40), (33, 65, 17), (128, 1, 300)])
def test_matmul_calls_blas(kind, dtype, m, n, k):
    if dtype == np.float64:
        jax.config.update("jax_enable_x64", True)
    try:
        a, b = operands(kind, m, n, k, dtype)
        f = jax.jit(CASES[kind])
        got = np.asarray(f(a, b))
        assert got.dtype == dtype
        np.testing.assert_allclose(got, CASES[kind](a.astype(np.float64), b.astype(np.float64)),
                                   rtol=1e-4 if dtype == np.float32 else 1e-12, atol=1e-4)
        assert "scipy_cblas_" in f.lower(a, b).as_text("llvm")
    finally:
        jax.config.update("jax_enable_x64", False)


def test_batched_matmul_is_one_strided_call():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((5, 40, 32)).astype(np.float32)
    b = rng.standard_normal((5, 40, 48)).astype(np.float32)
    f = jax.jit(lambda a, b: jnp.einsum("bki,bkj->bij", a, b))
    np.testing.assert_allclose(np.asarray(f(a, b)), np.einsum("bki,bkj->bij", a, b), rtol=1e-4, atol=1e-4)
    text = f.lower(a, b).as_text("llvm")
    assert "scipy_cblas_sgemm_batch_strided" in text


def test_small_and_integer_matmuls_keep_generated_kernels():
    a = np.ones((8, 8), np.float32)
    i = np.ones((64, 64), np.int32)
    assert "scipy_cblas_" not in jax.jit(lambda a: a @ a).lower(a).as_text("llvm")
    assert "scipy_cblas_" not in jax.jit(lambda i: i @ i).lower(i).as_text("llvm")
    np.testing.assert_array_equal(np.asarray(jax.jit(lambda i: i @ i)(i)), i @ i)


def test_gradient_of_an_mlp_through_blas():
    rng = np.random.default_rng(2)
    w1 = rng.standard_normal((64, 128)).astype(np.float32) * 0.1
    w2 = rng.standard_normal((128, 32)).astype(np.float32) * 0.1
    x = rng.standard_normal((50, 64)).astype(np.float32)

    def loss(w1, w2):
        return jnp.sum(jnp.tanh(jnp.tanh(x @ w1) @ w2) ** 2)

    g1, g2 = jax.jit(jax.grad(loss, argnums=(0, 1)))(w1, w2)
    h = np.tanh(x @ w1)
    y = np.tanh(h @ w2)
    dy = 2 * y * (1 - y ** 2)
    want2 = h.T @ dy
    want1 = x.T @ ((dy @ w2.T) * (1 - h ** 2))
    np.testing.assert_allclose(np.asarray(g2), want2, rtol=2e-4, atol=2e-4)
    np.testing.assert_allclose(np.asarray(g1), want1, rtol=2e-4, atol=2e-4)


def test_programs_with_products_warm_the_library_once():
    """runtime/blas_warmup.py: a program with a dot_general (or a convolution) starts one
    background warm-up per process, which ends, and programs without products start none."""
    from pullback.runtime import blas_warmup
    assert blas_warmup.wanted('%0 = "pb.dot_general"(%a, %b)')
    assert blas_warmup.wanted('%0 = "pb.conv_general_dilated"(%a, %b)')
    assert not blas_warmup.wanted('%0 = "pb.add"(%a, %b)')
    thread = blas_warmup.start()
    assert thread is not None and blas_warmup.start() is thread
    blas_warmup.wait(thread, timeout=30)
    assert not thread.is_alive()
    a, b = operands("nn", 64, 256, 256, np.float32)
    np.testing.assert_allclose(np.asarray(jax.jit(lambda a, b: a @ b)(a, b)), a.astype(np.float64) @ b,
                               rtol=1e-4, atol=1e-4)


def test_warmup_is_not_wanted_without_the_library(monkeypatch):
    from pullback.runtime import blas_warmup
    monkeypatch.setenv("PULLBACK_BLAS", "0")
    assert not blas_warmup.wanted('%0 = "pb.dot_general"(%a, %b)')
