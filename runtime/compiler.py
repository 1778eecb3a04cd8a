"""Compile a pb function to an Executable, through the memory and disk caches.

The cache key is the canonical text of the pb module plus the entry point, the
pipeline version and the optimization level, not the identity of any Python
function: equal programs compile once. Compiles of different keys may run in
parallel threads; concurrent requests for one key wait for a single compile.
A memory miss tries the disk cache before compiling; a fresh compile returns
the in-process JIT result at once and writes the disk entry in the background.
Programs with host callbacks (runtime/callbacks.py) skip the disk cache.
"""
from __future__ import annotations

import hashlib
import threading

from mlir import ir

from pullback.dialects.declarations import signature_specs
from pullback.dialects.ir import lookup
from pullback.passes import CPU_PIPELINE, run_pipeline
from pullback.passes.pipeline import PIPELINE_VERSION

from . import callbacks, disk_cache, stages
from .engine import PackedFunction, jit_compile
from .executable import Executable

_memory_cache: dict[str, Executable] = {}
_key_locks: dict[str, threading.Lock] = {}
_lock = threading.Lock()
_stats = {"memory_hits": 0, "disk_hits": 0, "compiles": 0}


def function_signature(module: ir.Module, name: str):
    """(input specs, output specs) of func.func @name in a pb module."""
    fn = lookup(module, name)
    if fn is None:
        raise KeyError(f"no function @{name} in module")
    return signature_specs(fn)


def cache_key(module_text: str, name: str, opt_level: int = 2) -> str:
    h = hashlib.sha256()
    for part in (PIPELINE_VERSION, str(opt_level), name, module_text):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


def _count(stat: str) -> None:
    with _lock:
        _stats[stat] += 1


def compile_module(module: ir.Module, name: str, *, opt_level: int = 2) -> Executable:
    """Executable for func.func @name of a pb module (the module is not modified).

    The module must belong to the calling thread's context (MLIR contexts are not
    shared across threads); lowering happens in that context.
    """
    text = str(module)
    key = cache_key(text, name, opt_level)
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
            exe = _memory_cache[key] = _build(module, text, name, key, opt_level)
            return exe
    finally:
        with _lock:
            _key_locks.pop(key, None)


def _parse_with_locations(module: ir.Module) -> ir.Module:
    """A copy of `module` to lower. The cache key's text has no locations (equal programs from
    different lines share a compile); the copy keeps them, so diagnostics name the user's line."""
    return ir.Module.parse(module.operation.get_asm(enable_debug_info=True), module.context)


def _build(module: ir.Module, text: str, name: str, key: str, opt_level: int) -> Executable:
    in_specs, out_specs = function_signature(module, name)
    num_args = len(in_specs) + len(out_specs)
    # Host callbacks call Python callables of this process: such programs never touch the
    # disk cache, and their ids (in the IR text, hence in the key) tell callables apart.
    host = callbacks.trampolines(callbacks.declarations(module)) if callbacks.ATTR in text else {}
    if host:
        lowered = _parse_with_locations(module)
        _lower(lowered, name)
        engine = jit_compile(lowered, opt_level, symbols=host)
        _count("compiles")
        entry = callbacks.CallbackEntry(engine.raw_lookup(name), num_args, owner=(engine, host))
        return Executable(name, in_specs, out_specs, entry)
    disk = disk_cache.default_cache()
    loaded = disk.load(key, name) if disk is not None else None
    if loaded is not None:
        _count("disk_hits")
        handle, address = loaded
        return Executable(name, in_specs, out_specs, PackedFunction(address, num_args, owner=handle))
    lowered = _parse_with_locations(module)
    _lower(lowered, name)
    engine = jit_compile(lowered, opt_level)
    _count("compiles")
    if disk is not None:
        disk.store_async(key, name, engine)
    return Executable(name, in_specs, out_specs, PackedFunction(engine.raw_lookup(name), num_args, owner=engine))


def _lower(module: ir.Module, name: str) -> None:
    """pb IR to the LLVM dialect, in place; every stage is dumped when PULLBACK_DUMP_DIR is set."""
    if stages.dump_stages(module, name) is None:
        run_pipeline(module, CPU_PIPELINE)


def clear_memory_cache() -> None:
    """Forget every in-memory Executable (the disk cache is untouched)."""
    with _lock:
        _memory_cache.clear()


def cache_stats() -> dict:
    """Counters since start-up: memory_hits, disk_hits and compiles (real JIT compiles)."""
    with _lock:
        return dict(_stats)


def flush_disk_cache() -> None:
    """Wait until every pending disk-cache write has finished (for tests and short scripts)."""
    disk_cache.flush()
