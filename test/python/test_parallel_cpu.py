"""Work split across cores: large BLAS products become one call per core (pb-blas-calls) and
large kernels one scf.forall block per core (pb-parallel-kernels). Values against numpy and
JAX for shapes whose blocks are uneven, and the split is really in the compiled code."""
import jax as real_jax
import numpy as np
import pytest

import pullback as jax
import pullback.numpy as jnp
from pullback.passes import blas

from harness import assert_same_as_jax

needs_blas = pytest.mark.skipif(not blas.enabled(), reason="scipy-openblas32 is not installed")
RNG = np.random.default_rng(0)


def normal(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


def parallel_in(f, *args) -> bool:
    """Whether the compiled code dispatches work to the async runtime's thread pool."""
    return "llvm.call @mlirAsyncRuntimeExecute" in f.lower(*args).as_text("llvm")  # (declared in every module)


@pytest.fixture
def x64():
    jax.config.update("jax_enable_x64", True)
    yield
    jax.config.update("jax_enable_x64", False)


# ---- pb-parallel-kernels ------------------------------------------------------------------

KERNELS = {
    "elementwise": (lambda x: jnp.sin(x) * 2.0 + x, lambda x: np.sin(x) * 2.0 + x),
    "row_sums": (lambda x: jnp.sum(x * x, axis=1), lambda x: np.sum(x * x, axis=1)),
    "column_max": (lambda x: jnp.max(x, axis=0), lambda x: np.max(x, axis=0)),
    "transpose_exp": (lambda x: jnp.exp(x.T * 0.1), lambda x: np.exp(x.T * 0.1)),
    "broadcast": (lambda x: x[:, :1] - x[:1, :], lambda x: x[:, :1] - x[:1, :]),
}


@pytest.mark.parametrize("name", KERNELS)
@pytest.mark.parametrize("shape", [(1001, 257), (3, 131075)])
def test_large_kernels(name, shape):
    f, ref = KERNELS[name]
    x = normal(*shape)
    g = jax.jit(f)
    np.testing.assert_allclose(np.asarray(g(x)), ref(x.astype(np.float64)), rtol=1e-4, atol=2e-5)  # sequential f32 sums
    if blas.host_cores() > 1 and name == "elementwise":
        assert parallel_in(g, x)


def test_integer_kernel_and_small_stays_serial():
    x = RNG.integers(-1000, 1000, (700, 300)).astype(np.int32)
    g = jax.jit(lambda x: x * 3 - (x >> 2))
    np.testing.assert_array_equal(np.asarray(g(x)), x * 3 - (x >> 2))
    small = jax.jit(lambda x: jnp.sin(x))
    assert not parallel_in(small, normal(32, 32))


def test_kernels_under_grad_and_vmap():
    x = normal(64, 40, 64)
    loss = lambda x: jnp.sum(jnp.tanh(x) ** 2)
    got = jax.jit(jax.grad(loss))(x)
    want = real_jax.grad(lambda x: real_jax.numpy.sum(real_jax.numpy.tanh(x) ** 2))(x)
    assert_same_as_jax(got, want, "grad of a large tanh kernel")
    got = jax.jit(jax.vmap(lambda r: jnp.cumsum(jnp.cos(r), axis=-1)))(x)
    np.testing.assert_allclose(np.asarray(got), np.cumsum(np.cos(x), axis=-1), rtol=1e-5, atol=1e-4)


def test_kernel_inside_scan():
    xs = normal(5, 512, 300)

    def step(c, x):
        c = jnp.tanh(c + x)
        return c, jnp.sum(c)
    got = jax.jit(lambda xs: jax.lax.scan(step, jnp.zeros((512, 300)), xs))(xs)
    want = real_jax.lax.scan(lambda c, x: (real_jax.numpy.tanh(c + x), real_jax.numpy.sum(real_jax.numpy.tanh(c + x))),
                             real_jax.numpy.zeros((512, 300)), xs)
    assert_same_as_jax(got, want, "scan of a large kernel", rtol=1e-5, atol=0.05)  # f32 sums of 153600 terms


# ---- pb-blas-calls: one call per core -----------------------------------------------------

PRODUCTS = {
    "nn": lambda a, b: a @ b,
    "tn": lambda a, b: a.T @ b,
    "nt": lambda a, b: a @ b.T,
    "tt": lambda a, b: a.T @ b.T,
}


def operands(kind, m, n, k, dtype):
    a = normal(*((k, m) if kind[0] == "t" else (m, k)), dtype=dtype)
    b = normal(*((n, k) if kind[1] == "t" else (k, n)), dtype=dtype)
    return a, b


@needs_blas
@pytest.mark.parametrize("kind", PRODUCTS)
@pytest.mark.parametrize("m,n,k", [(1001, 77, 300), (8, 1537, 2048)])  # split rows; too few rows: columns
def test_split_products_float32(kind, m, n, k):
    a, b = operands(kind, m, n, k, np.float32)
    f = jax.jit(PRODUCTS[kind])
    want = PRODUCTS[kind](a.astype(np.float64), b.astype(np.float64))
    np.testing.assert_allclose(np.asarray(f(a, b)), want, rtol=1e-4, atol=2e-3)
    if blas.host_cores() > 1:
        assert parallel_in(f, a, b)


@needs_blas
@pytest.mark.parametrize("kind", ["nn", "tt"])
def test_split_products_float64(kind, x64):
    a, b = operands(kind, 515, 129, 301, np.float64)
    got = np.asarray(jax.jit(PRODUCTS[kind])(a, b))
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, PRODUCTS[kind](a, b), rtol=1e-12, atol=1e-10)


@needs_blas
@pytest.mark.parametrize("batch", [1, 5])  # one batch: split by rows; five: by batch
def test_split_batched_products(batch):
    a, b = normal(batch, 301, 200), normal(batch, 200, 130)
    got = jax.jit(lambda a, b: jnp.einsum("bmk,bkn->bmn", a, b))(a, b)
    np.testing.assert_allclose(np.asarray(got), np.einsum("bmk,bkn->bmn", a.astype(np.float64), b), rtol=1e-4,
                               atol=2e-3)


@needs_blas
def test_split_products_in_scan_and_grad():
    w, xs = normal(256, 256) * 0.05, normal(4, 300, 256)

    def loss(lib, w, xs):
        def step(h, x):
            h = lib.numpy.tanh(x @ w + h)
            return h, None
        h, _ = lib.lax.scan(step, lib.numpy.zeros((300, 256)), xs)
        return lib.numpy.sum(h ** 2)
    got = jax.jit(jax.value_and_grad(lambda w: loss(jax, w, xs)))(w)
    want = real_jax.value_and_grad(lambda w: loss(real_jax, w, xs))(w)
    assert_same_as_jax(got, want, "scan of 300x256x256 products and its gradient", rtol=1e-4, atol=1e-3)


@needs_blas
def test_convolution_forward_and_grad():
    x, w = normal(8, 30, 30, 32), normal(3, 3, 32, 48) * 0.1
    dn = ("NHWC", "HWIO", "NHWC")

    def loss(lib, x, w):
        y = lib.lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=dn)
        return lib.numpy.sum(lib.numpy.tanh(y))
    got = jax.jit(jax.value_and_grad(lambda x, w: loss(jax, x, w), (0, 1)))(x, w)
    want = real_jax.value_and_grad(lambda x, w: loss(real_jax, x, w), (0, 1))(x, w)
    assert_same_as_jax(got, want, "convolution and its gradients", rtol=1e-4, atol=1e-3)


# ---- pb-strided-copies: copies into views as row memcpys ----------------------------------

COPIES = {
    "pad_rows": (lambda x: jnp.pad(x, ((0, 0), (1, 2), (3, 1), (0, 0))),
                 lambda x: np.pad(x, ((0, 0), (1, 2), (3, 1), (0, 0)))),
    "pad_last_axis": (lambda x: jnp.pad(x, ((0, 0), (0, 0), (0, 0), (5, 3)), constant_values=7),
                      lambda x: np.pad(x, ((0, 0), (0, 0), (0, 0), (5, 3)), constant_values=7)),
    "concatenate": (lambda x: jnp.concatenate([x, x[:, ::-1] * 2], axis=2),
                    lambda x: np.concatenate([x, x[:, ::-1] * 2], axis=2)),
    "update_slice": (lambda x: jax.lax.dynamic_update_slice(x, x[:, :4, :5] + 1, (0, 2, 3, 0)),
                     lambda x: _updated(x)),
}


def _updated(x):
    y = x.copy()
    y[:, 2:6, 3:8] = x[:, :4, :5] + 1
    return y


@pytest.mark.parametrize("name", COPIES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int8, np.float16, np.bool_])
@pytest.mark.parametrize("shape", [(2, 9, 11, 5), (8, 40, 36, 64)])  # short runs; rows of MBs in all
def test_copies_into_views(name, dtype, shape, x64):
    f, ref = COPIES[name]
    if dtype == np.bool_:
        x = RNG.standard_normal(shape) > 0
        if name == "update_slice":
            f, ref = (lambda x: jax.lax.dynamic_update_slice(x, ~x[:, :4, :5], (0, 2, 3, 0)),
                      lambda x: _flipped(x))
        elif name == "concatenate":
            f, ref = (lambda x: jnp.concatenate([x, ~x[:, ::-1]], axis=2),
                      lambda x: np.concatenate([x, ~x[:, ::-1]], axis=2))
    else:
        x = (RNG.standard_normal(shape) * 10).astype(dtype)
    got = np.asarray(jax.jit(f)(x))
    want = ref(x)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


def _flipped(x):
    y = x.copy()
    y[:, 2:6, 3:8] = ~x[:, :4, :5]
    return y
