"""Compile a pb function to an Executable for a target, through the memory and disk caches.

Targets are backends in one table (`BACKENDS`: "cpu" here, "gpu" registered by
runtime/gpu.py), behind one cache and one key. The key is the canonical text of
the pb module plus the target, the entry point, the pipeline version and the
optimization level, not the identity of any Python function: equal programs
compile once per target. Compiles of different keys may run in
parallel threads; concurrent requests for one key wait for a single compile.
A memory miss tries the disk cache before compiling; a fresh compile returns
the in-process JIT result at once and writes the disk entry in the background.
Programs with host callbacks (runtime/callbacks.py) skip the disk cache.
"""
from __future__ import annotations

import collections
import ctypes
import functools
import hashlib
import importlib
import threading
import weakref
from typing import Callable

from mlir import ir

from pullback.dialects.declarations import signature_specs
from pullback.dialects.ir import is_private, lookup
from pullback.passes import CPU_PIPELINE, blas, check_allocations, run_pipeline
from pullback.passes.pipeline import PIPELINE_VERSION

from . import blas_warmup, callbacks, collector, disk_cache, stages, tier_up
from .compile_log import StageTimer
from .engine import PackedFunction, jit_compile, native_compile, use_native_jit
from .executable import Executable

class MemoryCache:
    """Executables by key: every one some live object still holds (weakly), plus the most
    recently used `capacity` (strongly), so programs compiled again and again in a loop stay
    compiled while memory stays bounded: an Executable nothing uses is freed, with its engine."""

    def __init__(self, capacity: int = 64):
        self.capacity = capacity
        self._weak: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
        self._recent: collections.OrderedDict = collections.OrderedDict()

    def get(self, key: str) -> Executable | None:
        exe = self._weak.get(key)
        if exe is not None:
            self._recent[key] = exe
            self._recent.move_to_end(key)
            while len(self._recent) > self.capacity:
                self._recent.popitem(last=False)
        return exe

    def __setitem__(self, key: str, exe: Executable) -> None:
        self._weak[key] = exe
        self.get(key)

    def __len__(self) -> int:
        return len(self._weak)

    def clear(self) -> None:
        self._weak.clear()
        self._recent.clear()


_memory_cache = MemoryCache()
_key_locks: dict[str, threading.Lock] = {}
_lock = threading.Lock()
_stats = {"memory_hits": 0, "disk_hits": 0, "compiles": 0}


def function_signature(module: ir.Module, name: str):
    """(input specs, output specs) of func.func @name in a pb module."""
    fn = lookup(module, name)
    if fn is None:
        raise KeyError(f"no function @{name} in module")
    return signature_specs(fn)


def _check_entry(module: ir.Module, name: str) -> None:
    """The entry must be a public function with a body (the execution engine aborts the
    process on anything else)."""
    fn = lookup(module, name)
    if fn is None:
        raise KeyError(f"no function @{name} in module")
    if not fn.regions[0].blocks:
        raise ValueError(f"@{name} is a declaration without a body: there is nothing to run")
    if is_private(fn):
        raise ValueError(f"@{name} is private: the entry of a compiled program must be public")


def cache_key(module_text: str, name: str, opt_level: int = 2, target: str = "cpu") -> str:
    h = hashlib.sha256()
    blas_calls = "blas" if blas.enabled() else "no-blas"  # PULLBACK_BLAS=0 compiles other code
    for part in (PIPELINE_VERSION, target, blas_calls, str(opt_level), name, module_text):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


def _count(stat: str) -> None:
    with _lock:
        _stats[stat] += 1


def compile_module(module: ir.Module, name: str, *, target: str = "cpu", opt_level: int = 2,
                   trace_seconds: float | None = None) -> Executable:
    """Executable for func.func @name of a pb module on `target` (the module is not modified).

    The module must belong to the calling thread's context (MLIR contexts are not
    shared across threads); lowering happens in that context. `trace_seconds` (how long
    the caller took to build the module) only appears in the compile log.
    """
    timer = StageTimer(name, target, trace_seconds)
    build = backend(target)
    if build is None:
        raise ValueError(f"unknown target {target!r}; known targets: {', '.join(sorted(BACKENDS))}")
    _check_entry(module, name)
    text = str(module)
    key = cache_key(text, name, opt_level, target)
    timer.mark("key")
    exe = _memory_cache.get(key)
    if exe is not None:
        _count("memory_hits")
        return exe
    with _lock:
        key_lock = _key_locks.setdefault(key, threading.Lock())
    try:
        with key_lock:
            exe = _memory_cache.get(key)
            if exe is not None:
                _count("memory_hits")
                return exe
            with collector.paused():
                exe = _memory_cache[key] = build(module, text, name, key, opt_level, timer)
            return exe
    finally:
        with _lock:
            _key_locks.pop(key, None)


OOM_FLAG = "pb_oom_bytes"  # raw_lookup finds `_mlir_pb_oom_bytes` (passes/check_allocations.py)


def _library_flag(handle) -> int:
    """Address of a cached library's allocation-failure flag (0: it allocates nothing)."""
    try:
        return ctypes.addressof(ctypes.c_int64.in_dll(handle, "_mlir_" + OOM_FLAG))
    except ValueError:
        return 0


def _copy_to_lower(module: ir.Module):
    """A copy of `module` to lower, with its locations (the cache key's text has none, so equal
    programs from different lines share a compile; diagnostics still name the user's line).
    A clone of the module op, which serves as a module (body, operation, context): copied in
    C++, not printed and parsed again (a 32-layer MLP's gradient: 3 ms -> 0.3 ms)."""
    return module.operation.clone()


def _build_cpu(module: ir.Module, text: str, name: str, key: str, opt_level: int,
               timer: StageTimer) -> Executable:
    # OpenBLAS's buffers are warmed while the program compiles, and ready before it first runs
    warmup = blas_warmup.start() if blas_warmup.wanted(text) else None
    try:
        return _cpu_executable(module, text, name, key, opt_level, timer)
    finally:
        blas_warmup.wait(warmup)


def _cpu_executable(module: ir.Module, text: str, name: str, key: str, opt_level: int,
                    timer: StageTimer) -> Executable:
    in_specs, out_specs = function_signature(module, name)
    num_args = len(in_specs) + len(out_specs)
    # Host callbacks call Python callables of this process: such programs never touch the
    # disk cache, and their ids (in the IR text, hence in the key) tell callables apart.
    host = callbacks.trampolines(callbacks.declarations(module)) if callbacks.ATTR in text else {}
    if host:
        lowered = _lower(module, name, timer)
        engine = jit_compile(lowered, opt_level, symbols=host)
        _count("compiles")
        entry = callbacks.CallbackEntry(engine.raw_lookup(name), num_args, owner=(engine, host),
                                        oom_flag=engine.raw_lookup(OOM_FLAG))
        timer.mark("llvm")
        timer.report("compiled")
        return Executable(name, in_specs, out_specs, entry)
    disk = disk_cache.default_cache(PIPELINE_VERSION)
    loaded = disk.load(key, name) if disk is not None else None
    if loaded is not None:
        _count("disk_hits")
        handle, address = loaded
        timer.mark("load")
        timer.report("loaded from the disk cache")
        return Executable(name, in_specs, out_specs,
                          PackedFunction(address, num_args, owner=handle, oom_flag=_library_flag(handle)))
    lowered = _lower(module, name, timer)
    if disk is not None:
        disk_cache.embed_key(lowered, key)  # the object proves which program it holds
    if use_native_jit():
        program, wrapper = native_compile(lowered, name, opt_level, keep_objects=disk is not None)
        _count("compiles")
        entry = PackedFunction(program.lookup(wrapper), num_args, owner=program,
                               oom_flag=program.lookup(check_allocations.FLAG, required=False))
        if disk is not None:  # once the optimized program exists (tiered compilation: later)
            program.when_final(functools.partial(disk.store_async, key, name, program.write_objects))
    else:
        engine = jit_compile(lowered, opt_level)
        _count("compiles")
        entry = PackedFunction(engine.raw_lookup(name), num_args, owner=engine,  # LLVM codegen runs here
                               oom_flag=engine.raw_lookup(OOM_FLAG))
        if disk is not None:
            disk.store_async(key, name, functools.partial(disk_cache.dump_engine_object, engine))
    timer.mark("llvm")
    timer.report("compiled")
    return Executable(name, in_specs, out_specs, entry)


def _lower(module: ir.Module, name: str, timer: StageTimer):
    """A copy of the pb module (a module op) lowered to the LLVM dialect, with the user's
    locations, for diagnostics; every stage is dumped when PULLBACK_DUMP_DIR is set."""
    lowered = _copy_to_lower(module)
    timer.mark("copy")
    if stages.dump_stages(lowered, name) is None:
        run_pipeline(lowered, CPU_PIPELINE)
    timer.mark("passes")
    return lowered


# target -> build(module, module text, entry name, cache key, opt level, StageTimer) -> Executable
BACKENDS: dict[str, Callable] = {"cpu": _build_cpu}
# Backends registered by their own module when first asked for (the GPU one probes for
# CUDA and pulls in the gpu dialect, which a CPU-only program never needs).
BACKEND_MODULES = {"gpu": "pullback.runtime.gpu"}


def backend(target: str) -> Callable | None:
    if target not in BACKENDS and target in BACKEND_MODULES:
        importlib.import_module(BACKEND_MODULES[target])
    return BACKENDS.get(target)


def clear_memory_cache() -> None:
    """Forget every in-memory Executable (the disk cache is untouched); those still held by
    live functions stay usable."""
    with _lock:
        _memory_cache.clear()


def cache_stats() -> dict:
    """Counters since start-up: memory_hits, disk_hits and compiles (real JIT compiles)."""
    with _lock:
        return dict(_stats)


def flush_disk_cache() -> None:
    """Wait until every pending disk-cache write has finished (for tests and short scripts),
    the background optimizations that feed them included."""
    tier_up.wait_all()
    disk_cache.flush()
