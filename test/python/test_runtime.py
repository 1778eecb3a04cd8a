"""The runtime: memory and disk caches, the checked call path, threads, and the
CPU pipeline's matmul code generation."""
import json
import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest
from mlir import ir

from harness import op_module
from pullback.dialects import context
from pullback.dialects.types import TensorSpec
from pullback.passes import CPU_PIPELINE, run_pipeline
from pullback.passes.cpu_codegen import register_tile
from pullback.runtime import (SignatureError, cache_stats, clear_memory_cache, compile_module,
                              disk_cache, flush_disk_cache)
from pullback.runtime.engine import PackedFunction, jit_compile, uses_async_runtime

F32 = "float32"
HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("PULLBACK_CACHE_DIR", str(d))
    monkeypatch.delenv("PULLBACK_CACHE", raising=False)
    return d


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


def run_threads(n, target):
    errors = []

    def wrap(i):
        try:
            target(i)
        except BaseException as e:  # noqa: BLE001  (reported below)
            errors.append(e)

    threads = [threading.Thread(target=wrap, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def test_threads_compile_distinct_programs(no_disk_cache):
    results = {}

    def work(i):
        exe = compile_module(add_module((i + 1, 5)), "f")  # each thread in its own context
        x = np.full((i + 1, 5), i, np.float32)
        results[i] = exe(x, x)[0]

    run_threads(6, work)
    for i, r in results.items():
        np.testing.assert_array_equal(r, np.full((i + 1, 5), 2 * i, np.float32))


def test_threads_share_one_compile_of_a_key(no_disk_cache):
    before = cache_stats()
    exes = []
    run_threads(6, lambda i: exes.append(compile_module(add_module((11, 13)), "f")))
    assert len({id(e) for e in exes}) == 1
    assert delta(before)["compiles"] == 1


def test_threads_call_one_executable(no_disk_cache):
    exe = compile_module(op_module("mul", [TensorSpec((64,), F32)] * 2, {}), "f")

    def work(i):
        x = np.full(64, i, np.float32)
        for _ in range(200):
            np.testing.assert_array_equal(exe(x, x)[0], x * x)

    run_threads(4, work)


# -- disk cache ---------------------------------------------------------------------

# Compile `tanh(x) + x` on f32[5, 6] in a fresh process and report the counters.
CHILD = textwrap.dedent("""
    import json, sys
    import numpy as np
    sys.path.insert(0, {here!r})
    from harness import op_module
    from pullback.dialects.types import TensorSpec
    from pullback.runtime import compile_module, cache_stats, flush_disk_cache
    module = op_module({op!r}, [TensorSpec({shape!r}, "float32")] * {arity}, {attrs!r})
    exe = compile_module(module, "f")
    rng = np.random.default_rng(0)
    args = [rng.standard_normal({shape!r}).astype(np.float32) for _ in range({arity})]
    out = exe(*args)[0]
    flush_disk_cache()
    print(json.dumps({{"stats": cache_stats(), "out": out.tolist(), "entry": type(exe.entry._owner).__name__}}))
""")


def child(env_cache_dir, op="tanh", shape=(5, 6), arity=1, attrs=None, cache="1"):
    code = CHILD.format(here=HERE, op=op, shape=tuple(shape), arity=arity, attrs=attrs or {})
    env = dict(os.environ, PULLBACK_CACHE_DIR=str(env_cache_dir), PULLBACK_CACHE=cache)
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout.strip().splitlines()[-1])


def entries(d):
    metas = sorted(d.glob("*.json")) if d.exists() else []
    libs = sorted(d.glob("*.so")) if d.exists() else []
    return metas, libs


needs_cc = pytest.mark.skipif(disk_cache.find_compiler() is None, reason="no C compiler")


@needs_cc
def test_disk_cache_round_trip_in_new_process(cache_dir):
    first = child(cache_dir)
    assert first["stats"]["compiles"] == 1 and first["stats"]["disk_hits"] == 0
    assert first["entry"] == "ExecutionEngine"
    metas, libs = entries(cache_dir)
    assert len(metas) == 1 and len(libs) == 1
    meta = json.loads(metas[0].read_text())
    assert meta["size"] == libs[0].stat().st_size and meta["lib"] == libs[0].name
    assert not list(cache_dir.glob(".tmp-*"))  # no partial files left behind

    second = child(cache_dir)
    assert second["stats"]["compiles"] == 0 and second["stats"]["disk_hits"] == 1
    assert second["entry"] == "CDLL"
    assert second["out"] == first["out"]


@needs_cc
def test_disk_cache_round_trip_parallel_kernel(cache_dir):
    # Large enough to run on the async runtime's thread pool: the cached shared
    # library must link it.
    attrs = {"lhs_contracting": [1], "rhs_contracting": [0], "lhs_batch": [], "rhs_batch": []}
    first = child(cache_dir, "dot_general", (160, 160), 2, attrs)
    second = child(cache_dir, "dot_general", (160, 160), 2, attrs)
    assert second["stats"] == {"memory_hits": 0, "disk_hits": 1, "compiles": 0}
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal((160, 160)).astype(np.float32) for _ in range(2))
    np.testing.assert_allclose(np.array(second["out"], np.float32), a @ b, rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(np.array(second["out"]), np.array(first["out"]))


def corrupt_lib(d):
    (lib,) = d.glob("*.so")
    data = bytearray(lib.read_bytes())
    data[len(data) // 2] ^= 0xFF
    lib.write_bytes(bytes(data))


def truncate_lib(d):
    (lib,) = d.glob("*.so")
    lib.write_bytes(lib.read_bytes()[:1000])


def garble_meta(d):
    (meta,) = d.glob("*.json")
    meta.write_text(meta.read_text()[:-7])


def delete_meta(d):
    (meta,) = d.glob("*.json")
    meta.unlink()


def wrong_hash(d):
    (meta,) = d.glob("*.json")
    m = json.loads(meta.read_text())
    m["sha256"] = "0" * 64
    meta.write_text(json.dumps(m))


def foreign_lib_name(d):
    (meta,) = d.glob("*.json")
    m = json.loads(meta.read_text())
    m["lib"] = "../elsewhere.so"
    meta.write_text(json.dumps(m))


@needs_cc
@pytest.mark.parametrize("damage", [corrupt_lib, truncate_lib, garble_meta, delete_meta, wrong_hash,
                                    foreign_lib_name])
def test_damaged_entry_is_recompiled_not_loaded(cache_dir, damage):
    first = child(cache_dir)
    damage(cache_dir)
    second = child(cache_dir)
    assert second["stats"]["compiles"] == 1 and second["stats"]["disk_hits"] == 0
    assert second["out"] == first["out"]
    # The damaged entry was replaced by a good one, which the next process loads.
    third = child(cache_dir)
    assert third["stats"]["disk_hits"] == 1 and third["stats"]["compiles"] == 0
    metas, _ = entries(cache_dir)
    assert len(metas) == 1


@pytest.mark.parametrize("value", ["0", "off", "OFF"])
def test_disk_cache_disabled_by_env(cache_dir, value):
    first = child(cache_dir, cache=value)
    second = child(cache_dir, cache=value)
    assert first["stats"]["compiles"] == second["stats"]["compiles"] == 1
    assert not cache_dir.exists() or not any(cache_dir.iterdir())


def test_disk_cache_without_compiler_disables_itself(cache_dir, monkeypatch):
    monkeypatch.setenv("CC", "/nonexistent/cc")
    assert disk_cache.default_cache() is None
    before = cache_stats()
    exe = compile_module(add_module((6, 1)), "f")
    flush_disk_cache()
    assert delta(before)["compiles"] == 1
    x = np.ones((6, 1), np.float32)
    np.testing.assert_array_equal(exe(x, x)[0], 2 * x)
    assert not cache_dir.exists()


@needs_cc
def test_disk_cache_in_process_load(cache_dir):
    module = add_module((7, 3))
    compile_module(module, "f")
    flush_disk_cache()
    clear_memory_cache()
    before = cache_stats()
    exe = compile_module(module, "f")
    assert delta(before) == {"memory_hits": 0, "disk_hits": 1, "compiles": 0}
    x = np.arange(21, dtype=np.float32).reshape(7, 3)
    np.testing.assert_array_equal(exe(x, x)[0], 2 * x)


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
def test_matmul_codegen(m, n, k, et):
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
def test_batch_matmul_codegen(batch, m, n, k):
    fn, lowered, _ = compile_matmul(m, n, k, "f32", batch)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((batch, m, k)).astype(np.float32)
    b = rng.standard_normal((batch, k, n)).astype(np.float32)
    c = np.empty((batch, m, n), np.float32)
    fn([a.ctypes.data, b.ctypes.data, c.ctypes.data])
    np.testing.assert_allclose(c, a.astype(np.float64) @ b, rtol=1e-5, atol=1e-4)


def test_large_matmul_runs_in_parallel():
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
