"""Work split across cores: large BLAS products become one call per core (pb-blas-calls) and
large kernels one scf.forall block per core (pb-parallel-kernels). Values against numpy and
JAX for shapes whose blocks are uneven, and the split is really in the compiled code."""
import jax as real_jax
import numpy as np
import pytest

import pullback as jax
import pullback.numpy as jnp
from pullback.passes import blas

from harness import assert_same_as_jax, run_in_threads

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


# ---- pb-parallel-tasks: scf.parallel as tasks on the async runtime's pool -----------------

FILL_2D = """
func.func @fill(%out: memref<12x7xf32>, %scale_in: memref<1xf32>, %lo: index, %hi: index, %step: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c7 = arith.constant 7 : index
  %thousand = arith.constant 1000.0 : f32
  %scale = memref.load %scale_in[%c0] : memref<1xf32>
  scf.parallel (%i, %j) = (%lo, %c0) to (%hi, %c7) step (%step, %c1) {
    %fi = arith.index_cast %i : index to i64
    %fj = arith.index_cast %j : index to i64
    %a = arith.sitofp %fi : i64 to f32
    %b = arith.sitofp %fj : i64 to f32
    %t = arith.mulf %a, %thousand : f32
    %u = arith.addf %t, %b : f32
    %v = arith.mulf %u, %scale : f32
    memref.store %v, %out[%i, %j] : memref<12x7xf32>
    scf.reduce
  }
  return
}
"""


def _compile_with_cores(text: str, cores: int):
    """A memref-level module through the CPU pipeline's LLVM stage with `cores` chunks per
    loop: (packed entry point, lowered text)."""
    from mlir import ir
    from pullback.dialects import context
    from pullback.passes import run_pipeline
    from pullback.passes.pipeline import TO_LLVM
    from pullback.runtime.engine import PackedFunction, jit_compile
    passes = [f"pb-parallel-tasks{{cores={cores}}}" if p == "pb-parallel-tasks" else p for p in TO_LLVM]
    with context():
        module = ir.Module.parse(text)
        run_pipeline(module, passes)
        lowered = str(module)
        engine = jit_compile(module)
        return PackedFunction(engine.raw_lookup("fill"), 5, owner=engine), lowered


def _fill_reference(lo, hi, step, scale):
    want = np.full((12, 7), -1.0, np.float32)
    for i in range(lo, hi, step):
        want[i] = (np.float32(i) * 1000 + np.arange(7, dtype=np.float32)) * np.float32(scale)
    return want


@pytest.mark.parametrize("cores", [2, 3, 8])
@pytest.mark.parametrize("lo,hi,step", [(0, 5, 1), (1, 12, 2), (3, 3, 1), (0, 1, 1), (2, 11, 4), (5, 2, 1)])
def test_parallel_tasks_run_every_iteration_once(cores, lo, hi, step):
    """Every iteration of a 2-D loop with dynamic bounds runs exactly once, whatever the
    chunking: trip counts not divisible by the chunks, one iteration, none, negative."""
    fill, lowered = _compile_with_cores(FILL_2D, cores)
    assert "llvm.call @mlirAsyncRuntimeExecute" in lowered and "coro" not in lowered
    out = np.full((12, 7), -1.0, np.float32)
    scale = np.array([0.5], np.float32)
    fill([out.ctypes.data, scale.ctypes.data, lo, hi, step])
    np.testing.assert_array_equal(out, _fill_reference(lo, hi, step, 0.5))


def test_parallel_programs_outlive_each_other():
    """A parallel program compiled and dropped leaves the runtime's thread pool to the others
    (the async runtime is loaded once, globally, never torn down with an engine)."""
    import gc
    x = normal(512, 512)
    f = jax.jit(lambda x: jnp.sin(x) * 2.0)
    assert parallel_in(f, x)
    for i in range(3):
        g = jax.jit(lambda x, i=i: jnp.cos(x) + i)
        np.testing.assert_allclose(np.asarray(g(x)), np.cos(x) + i, rtol=1e-6, atol=1e-6)
        del g
        jax.clear_caches()
        gc.collect()
        np.testing.assert_allclose(np.asarray(f(x)), np.sin(x) * 2.0, rtol=1e-6, atol=1e-6)


def test_parallel_program_from_many_threads():
    """Python threads calling one parallel program at once each get their own answer (the
    tasks of concurrent calls share the pool; each call waits for its own tokens)."""
    f = jax.jit(lambda x: jnp.tanh(x) @ x)
    inputs = [normal(384, 384) for _ in range(4)]
    want = [np.tanh(x).astype(np.float64) @ x for x in inputs]

    def work(k):
        for _ in range(5):
            np.testing.assert_allclose(np.asarray(f(inputs[k])), want[k], rtol=1e-3, atol=1e-2)
    run_in_threads(work, 4)
    assert parallel_in(f, inputs[0])
