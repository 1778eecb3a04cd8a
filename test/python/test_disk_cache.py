"""The disk cache: entries round-trip across processes, damage is recompiled, and trust rests
on ownership: entries of another user, in a shared directory, swapped, behind links or FIFOs,
or with hostile metadata are never loaded; the cache is capped and cleans up after killed writers."""
import json
import os
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from harness import op_module
from pullback.dialects.types import TensorSpec
from pullback.runtime import cache_stats, clear_memory_cache, compile_module, disk_cache, flush_disk_cache

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("PULLBACK_CACHE_DIR", str(d))
    monkeypatch.delenv("PULLBACK_CACHE", raising=False)
    return d


def delta(before):
    after = cache_stats()
    return {k: after[k] - before[k] for k in after}


def add_module(shape):
    return op_module("add", [TensorSpec(shape, "float32")] * 2, {})

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


def child(env_cache_dir, op="tanh", shape=(5, 6), arity=1, attrs=None, cache="1", timeout=300, env=None):
    code = CHILD.format(here=HERE, op=op, shape=tuple(shape), arity=arity, attrs=attrs or {})
    env = dict(os.environ, PULLBACK_CACHE_DIR=str(env_cache_dir), PULLBACK_CACHE=cache, **(env or {}))
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=timeout)
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
    assert first["entry"] in ("NativeProgram", "ExecutionEngine")  # compiled in process
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


@needs_cc
def test_disk_cache_loads_many_entries_in_one_process(cache_dir):
    """Each entry is its own library, although every load opens its file through a
    descriptor whose number the previous load freed (dlopen matches libraries by name)."""
    shapes = [(2, 3), (4, 1), (5, 5)]
    modules = [add_module(s) for s in shapes]
    for m in modules:
        compile_module(m, "f")
    flush_disk_cache()
    for shape, m in zip(shapes, modules):
        clear_memory_cache()
        before = cache_stats()
        exe = compile_module(m, "f")
        assert delta(before) == {"memory_hits": 0, "disk_hits": 1, "compiles": 0}
        x = np.ones(shape, np.float32)
        np.testing.assert_array_equal(exe(x, x)[0], 2 * x)
    assert not list(cache_dir.glob(".tmp-*"))




# -- trust: ownership, file kinds, swapped entries, hostile metadata -------------------

OTHER_UID = 54321


def only(d, pattern):
    (path,) = d.glob(pattern)
    return path


def give_to_another_user(d):
    only(d, "*.so").chmod(0o700)
    os.chown(only(d, "*.so"), OTHER_UID, OTHER_UID)


def meta_of_another_user(d):
    os.chown(only(d, "*.json"), OTHER_UID, OTHER_UID)


def group_writable_lib(d):
    only(d, "*.so").chmod(0o770)


def world_writable_meta(d):
    only(d, "*.json").chmod(0o666)


def lib_behind_symlink(d):
    lib = only(d, "*.so")
    real = d.parent / "real.so"
    lib.rename(real)
    lib.symlink_to(real)


def meta_is_a_fifo(d):
    meta = only(d, "*.json")
    meta.unlink()
    os.mkfifo(meta)


def deep_json(d):
    only(d, "*.json").write_text("[" * 100_000 + "]" * 100_000)


def huge_meta(d):
    only(d, "*.json").write_text(json.dumps({"pad": "x" * 200_000}))


needs_root = pytest.mark.skipif(os.getuid() != 0, reason="changing a file's owner needs root")


@needs_cc
@pytest.mark.parametrize("hostile", [
    pytest.param(give_to_another_user, marks=needs_root), pytest.param(meta_of_another_user, marks=needs_root),
    group_writable_lib, world_writable_meta, lib_behind_symlink, meta_is_a_fifo, deep_json, huge_meta])
def test_untrusted_entry_is_never_loaded(cache_dir, hostile):
    first = child(cache_dir)
    hostile(cache_dir)
    second = child(cache_dir, timeout=60)  # a FIFO must not hang the reader
    assert second["stats"]["disk_hits"] == 0 and second["stats"]["compiles"] == 1
    assert second["out"] == first["out"]


@needs_cc
@pytest.mark.parametrize("mode", [0o777, 0o775])
def test_shared_directory_is_ignored_with_a_warning(cache_dir, mode):
    child(cache_dir)
    cache_dir.chmod(mode)
    code = CHILD.format(here=HERE, op="tanh", shape=(5, 6), arity=1, attrs={})
    res = subprocess.run([sys.executable, "-W", "always", "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, PULLBACK_CACHE_DIR=str(cache_dir)), timeout=300)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout.strip().splitlines()[-1])["stats"]["disk_hits"] == 0
    assert "ignoring the compile cache directory" in res.stderr


@needs_cc
def test_default_directory_is_private(tmp_path, monkeypatch):
    monkeypatch.delenv("PULLBACK_CACHE_DIR", raising=False)
    monkeypatch.delenv("PULLBACK_CACHE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    cache = disk_cache.default_cache("test-version")
    assert cache.directory == str(tmp_path / ".cache" / "pullback")
    assert cache._ensure_directory()
    assert (os.stat(cache.directory).st_mode & 0o777) == 0o700


@needs_cc
def test_swapped_entries_never_answer_each_others_calls(cache_dir):
    a = child(cache_dir, op="tanh")
    b = child(cache_dir, op="exp")
    metas = {json.loads(m.read_text())["key"]: m for m in cache_dir.glob("*.json")}
    assert len(metas) == 2
    (ka, ma), (kb, mb) = metas.items()
    original = {k: json.loads(m.read_text()) for k, m in metas.items()}
    # Swap the libraries: each entry's metadata now names (and checksums) the other program.
    for m, k in ((ma, kb), (mb, ka)):
        other = original[k]
        lib = cache_dir / other["lib"]
        renamed = cache_dir / ("swapped-" + lib.name.replace(k, m.stem))
        lib.rename(renamed)
        meta = dict(original[m.stem], size=other["size"], sha256=other["sha256"])
        meta["lib"] = renamed.name[len("swapped-"):]
        m.write_text(json.dumps(meta))
    for lib in cache_dir.glob("swapped-*"):
        lib.rename(cache_dir / lib.name[len("swapped-"):])
    a2, b2 = child(cache_dir, op="tanh"), child(cache_dir, op="exp")
    assert a2["out"] == a["out"] and b2["out"] == b["out"]
    assert a2["stats"]["disk_hits"] == b2["stats"]["disk_hits"] == 0


@needs_cc
def test_cache_is_capped_least_recently_used_first(cache_dir, monkeypatch):
    child(cache_dir, op="tanh")
    one = sum(p.stat().st_size for p in cache_dir.iterdir())
    # Room for about two entries: the third evicts the least recently used one.
    env = {"PULLBACK_CACHE_MAX_SIZE": str(int(one * 2.5))}
    child(cache_dir, op="exp", env=env)
    time.sleep(0.05)
    assert child(cache_dir, op="tanh", env=env)["stats"]["disk_hits"] == 1  # tanh is now the newest
    child(cache_dir, op="sin", env=env)
    assert len(list(cache_dir.glob("*.json"))) == 2
    assert child(cache_dir, op="tanh", env=env)["stats"]["disk_hits"] == 1
    assert child(cache_dir, op="exp", env=env)["stats"]["disk_hits"] == 0  # evicted


@needs_cc
def test_stale_versions_and_dead_writers_are_cleaned(cache_dir):
    child(cache_dir, op="tanh")
    meta = only(cache_dir, "*.json")
    m = json.loads(meta.read_text())
    m["version"] = "an-older-compiler"
    meta.write_text(json.dumps(m))
    dead = cache_dir / ".tmp-999999999-abc"  # a writer killed mid-entry (no such pid)
    dead.mkdir()
    (dead / "entry.o").write_bytes(b"partial")
    one = sum(p.stat().st_size for p in cache_dir.glob("*.*"))
    child(cache_dir, op="exp", env={"PULLBACK_CACHE_MAX_SIZE": str(int(one * 1.5))})
    assert not dead.exists()
    assert [json.loads(p.read_text())["name"] for p in cache_dir.glob("*.json")] == ["f"]
    assert json.loads(only(cache_dir, "*.json").read_text())["version"] != "an-older-compiler"


def test_size_setting_parses_suffixes():
    assert disk_cache.parse_size("1G") == 1 << 30
    assert disk_cache.parse_size("512m") == 512 << 20
    assert disk_cache.parse_size("1000") == 1000
