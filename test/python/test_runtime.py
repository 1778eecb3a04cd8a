"""The runtime: memory and disk caches, the checked call path, threads, and the
CPU pipeline's matmul code generation."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from mlir import ir

from harness import op_module, run_in_threads
from pullback.dialects import context
from pullback.dialects.types import TensorSpec
from pullback.passes import CPU_PIPELINE, run_pipeline
from pullback.passes.cpu_codegen import register_tile
from pullback.runtime import SignatureError, cache_stats, clear_memory_cache, compile_module
from pullback.runtime.engine import PackedFunction, jit_compile, uses_async_runtime

F32 = "float32"
HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture
def no_disk_cache(monkeypatch):
    monkeypatch.setenv("PULLBACK_CACHE", "0")


def delta(before):
    after = cache_stats()
    return {k: after[k] - before[k] for k in after}


def add_module(shape, dtype=F32):
    return op_module("add", [TensorSpec(shape, dtype)] * 2, {})


# -- memory cache -------------------------------------------------------------------


def test_equal_programs_compile_once(no_disk_cache):
    before = cache_stats()
    a = compile_module(add_module((3, 7)), "f")
    b = compile_module(add_module((3, 7)), "f")  # a different module object, same text
    assert a is b
    assert delta(before) == {"memory_hits": 1, "disk_hits": 0, "compiles": 1}


def test_different_programs_compile_separately(no_disk_cache):
    before = cache_stats()
    a = compile_module(add_module((3, 8)), "f")
    b = compile_module(add_module((3, 8), "int32"), "f")
    c = compile_module(op_module("sub", [TensorSpec((3, 8), F32)] * 2, {}), "f")
    assert len({id(a), id(b), id(c)}) == 3
    assert delta(before)["compiles"] == 3
    x = np.arange(24, dtype=np.float32).reshape(3, 8)
    np.testing.assert_array_equal(c(x, x)[0], np.zeros_like(x))


def test_clear_memory_cache_recompiles(no_disk_cache):
    compile_module(add_module((2, 9)), "f")
    clear_memory_cache()
    before = cache_stats()
    compile_module(add_module((2, 9)), "f")
    assert delta(before)["compiles"] == 1


def test_unknown_entry_point(no_disk_cache):
    with pytest.raises(KeyError, match="no function @g"):
        compile_module(add_module((2,)), "g")


# -- checked call path --------------------------------------------------------------


def test_signature_errors_before_native_code(no_disk_cache):
    exe = compile_module(add_module((2, 3)), "f")
    x = np.ones((2, 3), np.float32)
    with pytest.raises(SignatureError, match="takes 2 arguments, got 1"):
        exe(x)
    with pytest.raises(SignatureError, match="takes 2 arguments, got 3"):
        exe(x, x, x)
    with pytest.raises(SignatureError, match=r"argument 1 must be .*\(2, 3\).*float32.*got float32\[3, 2\]"):
        exe(x, np.ones((3, 2), np.float32))
    with pytest.raises(SignatureError, match="argument 0 .* got float64"):
        exe(np.ones((2, 3)), x)
    with pytest.raises(SignatureError, match="got int64"):
        exe([[1, 2, 3], [4, 5, 6]], x)
    with pytest.raises(SignatureError):
        exe(np.float32(1), x)
    assert issubclass(SignatureError, TypeError)


def test_call_accepts_views_and_readonly_arrays(no_disk_cache):
    exe = compile_module(add_module((3, 4)), "f")
    base = np.arange(24, dtype=np.float32).reshape(4, 6)
    x = base.T[1:4, :]  # non-contiguous view
    y = np.broadcast_to(np.float32(2), (3, 4))  # read-only, zero strides
    z = np.arange(12, dtype=np.float32).reshape(3, 4)
    z.flags.writeable = False
    np.testing.assert_array_equal(exe(x, y)[0], x + 2)
    np.testing.assert_array_equal(exe(z, z)[0], 2 * z)
    assert not z.flags.writeable and np.array_equal(z, np.arange(12).reshape(3, 4))


def test_call_pointers_fast_path(no_disk_cache):
    exe = compile_module(add_module((4,)), "f")
    a = np.arange(4, dtype=np.float32)
    b = np.full(4, 10, np.float32)
    (out,) = exe.call_pointers([a.ctypes.data, b.ctypes.data])
    np.testing.assert_array_equal(out, a + b)
    (out2,) = exe.call_pointers([a.ctypes.data, b.ctypes.data])
    assert out2 is not out  # every call returns fresh outputs


def test_zero_size_and_scalar_arrays(no_disk_cache):
    exe = compile_module(add_module((0, 3)), "f")
    e = np.zeros((0, 3), np.float32)
    assert exe(e, e)[0].shape == (0, 3)
    s = compile_module(add_module(()), "f")
    np.testing.assert_array_equal(s(np.float32(1.5) * np.ones((), np.float32), np.ones((), np.float32))[0], 2.5)


# -- threads ------------------------------------------------------------------------


def test_threads_compile_distinct_programs(no_disk_cache):
    results = {}

    def work(i):
        exe = compile_module(add_module((i + 1, 5)), "f")  # each thread in its own context
        x = np.full((i + 1, 5), i, np.float32)
        results[i] = exe(x, x)[0]

    run_in_threads(work, 6)
    for i, r in results.items():
        np.testing.assert_array_equal(r, np.full((i + 1, 5), 2 * i, np.float32))


def test_threads_share_one_compile_of_a_key(no_disk_cache):
    before = cache_stats()
    exes = []
    run_in_threads(lambda i: exes.append(compile_module(add_module((11, 13)), "f")), 6)
    assert len({id(e) for e in exes}) == 1
    assert delta(before)["compiles"] == 1


def test_threads_call_one_executable(no_disk_cache):
    exe = compile_module(op_module("mul", [TensorSpec((64,), F32)] * 2, {}), "f")

    def work(i):
        x = np.full(64, i, np.float32)
        for _ in range(200):
            np.testing.assert_array_equal(exe(x, x)[0], x * x)

    run_in_threads(work, 4)


# -- matmul code generation ---------------------------------------------------------

NP = {"f32": np.float32, "f64": np.float64, "i32": np.int32, "i64": np.int64}


def matmul_text(m, n, k, et, batch=None):
    zero = "0.0" if et.startswith("f") else "0"
    pre = f"{batch}x" if batch else ""
    ta, tb, tc = (f"tensor<{pre}{r}x{c}x{et}>" for r, c in ((m, k), (k, n), (m, n)))
    op = "linalg.batch_matmul" if batch else "linalg.matmul"
    return f"""
    func.func @mm(%a: {ta}, %b: {tb}) -> {tc} {{
      %z = arith.constant {zero} : {et}
      %e = tensor.empty() : {tc}
      %f = linalg.fill ins(%z : {et}) outs(%e : {tc}) -> {tc}
      %r = {op} ins(%a, %b : {ta}, {tb}) outs(%f : {tc}) -> {tc}
      return %r : {tc}
    }}"""


@pytest.fixture
def native_matmuls(monkeypatch):
    """These tests exercise pullback's own matmul code generation, not the OpenBLAS calls
    (test_blas.py) that large float matmuls become by default."""
    monkeypatch.setenv("PULLBACK_BLAS", "0")


def compile_matmul(m, n, k, et, batch=None):
    with context():
        module = ir.Module.parse(matmul_text(m, n, k, et, batch))
        run_pipeline(module, CPU_PIPELINE)
        lowered = str(module)
        engine = jit_compile(module)
        return PackedFunction(engine.raw_lookup("mm"), 3, owner=engine), lowered, uses_async_runtime(module)


@pytest.mark.parametrize("m,n,k", [(1, 1, 1), (3, 5, 7), (8, 32, 4), (17, 33, 9), (30, 40, 50),
                                   (64, 64, 64), (7, 100, 3), (129, 65, 31)])
@pytest.mark.parametrize("et", ["f32", "f64", "i32", "i64"])
def test_matmul_codegen(m, n, k, et, native_matmuls):
    fn, lowered, _ = compile_matmul(m, n, k, et)
    rng = np.random.default_rng(m * n * k)
    dt = NP[et]
    a = (rng.standard_normal((m, k)) * 4).astype(dt)
    b = (rng.standard_normal((k, n)) * 4).astype(dt)
    c = np.empty((m, n), dt)
    fn([a.ctypes.data, b.ctypes.data, c.ctypes.data])
    if et.startswith("f"):
        np.testing.assert_allclose(c, a.astype(np.float64) @ b, rtol=1e-5, atol=1e-4)
    else:
        np.testing.assert_array_equal(c, a @ b)
    # Register tiles became vector FMAs (or vector multiply-adds for integers).
    _, cols = register_tile(np.dtype(dt).itemsize)
    if n >= cols:
        assert f"vector<{cols}x{et}>" in lowered


@pytest.mark.parametrize("batch,m,n,k", [(3, 5, 33, 6), (4, 64, 64, 64), (2, 9, 17, 5)])
def test_batch_matmul_codegen(batch, m, n, k, native_matmuls):
    fn, lowered, _ = compile_matmul(m, n, k, "f32", batch)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((batch, m, k)).astype(np.float32)
    b = rng.standard_normal((batch, k, n)).astype(np.float32)
    c = np.empty((batch, m, n), np.float32)
    fn([a.ctypes.data, b.ctypes.data, c.ctypes.data])
    np.testing.assert_allclose(c, a.astype(np.float64) @ b, rtol=1e-5, atol=1e-4)


def test_large_matmul_runs_in_parallel(native_matmuls):
    fn, lowered, parallel = compile_matmul(256, 192, 128, "f32")
    assert parallel, "a 256x192x128 matmul should dispatch its row tiles to the thread pool"
    rng = np.random.default_rng(1)
    a = rng.standard_normal((256, 128)).astype(np.float32)
    b = rng.standard_normal((128, 192)).astype(np.float32)
    c = np.empty((256, 192), np.float32)
    for _ in range(3):  # repeated dispatches reuse the pool
        fn([a.ctypes.data, b.ctypes.data, c.ctypes.data])
        np.testing.assert_allclose(c, a.astype(np.float64) @ b, rtol=1e-5, atol=1e-4)
    _, _, small_parallel = compile_matmul(16, 16, 16, "f32")
    assert not small_parallel


# -- compile log --------------------------------------------------------------------

def test_compile_log_names_each_stage(no_disk_cache, capfd):
    from pullback.runtime import compile_log
    compile_log.set_enabled(True)
    try:
        compile_module(add_module((3, 11)), "f", trace_seconds=0.25)
    finally:
        compile_log.set_enabled(None)
    err = capfd.readouterr().err
    line = next(l for l in err.splitlines() if l.startswith("pullback: compiled @f for cpu"))
    for stage in ("trace 250.0 ms", "passes", "llvm"):
        assert stage in line
    compile_module(add_module((3, 12)), "f")
    assert "pullback:" not in capfd.readouterr().err  # off unless asked for


# -- bounded memory -----------------------------------------------------------------

MANY_COMPILES = textwrap.dedent("""
    import gc
    import numpy as np
    import pullback as jax, pullback.numpy as jnp

    def rss_mb():
        with open("/proc/self/status") as f:
            return next(int(l.split()[1]) for l in f if l.startswith("VmRSS")) / 1024

    x = np.ones((8,), np.float32)
    for i in range(1, 301):
        f = jax.jit(lambda x, i=i: jnp.sin(x) * i + i)  # a new program each time
        f(x)
        del f
        if i == 100:
            gc.collect()
            base = rss_mb()
    gc.collect()
    print(rss_mb() - base)
""")


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads VmRSS from /proc")
def test_memory_stays_bounded_over_many_compiles():
    # Each compile used to keep about 1.5 MB for good (300 MB over 200 compiles): executables
    # nothing holds any more are freed, with their engines, beyond a small LRU.
    env = dict(os.environ, PULLBACK_CACHE="0")
    res = subprocess.run([sys.executable, "-c", MANY_COMPILES], env=env, capture_output=True, text=True,
                         timeout=600)
    assert res.returncode == 0, res.stderr
    assert float(res.stdout.strip().splitlines()[-1]) < 100


def _malloc_settings_in_fresh_process(env_value):
    """glibc's trim threshold after importing the runtime, read back through malloc_info."""
    env = dict(os.environ)
    if env_value is None:
        env.pop("PULLBACK_MALLOC_TRIM_THRESHOLD", None)
    else:
        env["PULLBACK_MALLOC_TRIM_THRESHOLD"] = env_value
    code = textwrap.dedent("""
        import warnings
        warnings.simplefilter("error")
        from pullback.runtime import malloc_tuning, engine
        print(malloc_tuning.requested_threshold())
    """)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


@pytest.mark.parametrize("value, expected", [(None, str(256 << 20)), ("off", "None"), ("0", "None"),
                                             ("1048576", "1048576")])
def test_malloc_trim_threshold_setting(value, expected):
    out = _malloc_settings_in_fresh_process(value)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == expected


def test_malloc_trim_threshold_rejects_a_non_number():
    out = _malloc_settings_in_fresh_process("lots")
    assert out.returncode != 0 and "is not a number of bytes" in out.stderr


def test_freed_buffers_stay_mapped_between_calls(no_disk_cache):
    """A loop of calls whose temporaries exceed glibc's default trim threshold does not take
    a page fault per page per call once the heap is kept (the MLP-step regression)."""
    import resource
    import pullback
    import pullback.numpy as pnp
    from pullback.runtime import malloc_tuning
    if not malloc_tuning.tune_malloc() and malloc_tuning.requested_threshold() is None:
        pytest.skip("malloc tuning is switched off")
    x = np.ones((512, 512), np.float32)
    f = pullback.jit(lambda x: pnp.sum(pnp.tanh(x @ x) @ x))
    f(x).block_until_ready()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        f(x).block_until_ready()
    faults_per_call = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 20
    assert faults_per_call < 256  # one 512x512 f32 temporary is 256 pages


# -- pass managers ------------------------------------------------------------------


def test_pass_managers_are_reused_but_stateful_passes_run_fresh(no_disk_cache):
    from pullback.passes import pipeline
    segments = pipeline._segments(CPU_PIPELINE)
    assert [seg for seg, reusable in segments if not reusable] == [("convert-math-to-funcs",)]
    assert sum(len(seg) for seg, _ in segments) == len(CPU_PIPELINE)
    from pullback.dialects.context import new_context
    with new_context() as ctx:
        first = pipeline._reused_pass_manager(segments[0][0], ctx)
        assert pipeline._reused_pass_manager(segments[0][0], ctx) is first
    # convert-math-to-funcs keeps the functions it made for one module: programs with integer
    # powers (math.ipowi, lowered to software loops), one after another in one context, each
    # get their own (a reused pass segfaulted on the second: hence a process of its own)
    script = textwrap.dedent("""
        import numpy as np
        import pullback as pb
        for shape, dtype in (((3,), np.int32), ((2, 2), np.int32), ((4,), np.int16), ((3,), np.int32)):
            x = np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape) + 1
            f = pb.jit(lambda x, y: x ** y + x)
            np.testing.assert_array_equal(np.asarray(f(x, x)), x ** x + x)
        print("ok")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PULLBACK_CACHE": "0"})
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
