"""Compile a pb function to an Executable, through the in-memory cache.

The cache key is the canonical text of the pb module plus the entry point,
not the identity of any Python function: equal programs compile once.
"""
from __future__ import annotations

import hashlib
import threading

from mlir import ir

from pullback.dialects.types import spec_of_type
from pullback.passes import CPU_PIPELINE, run_pipeline

from .engine import PackedFunction, jit_compile
from .executable import Executable

PIPELINE_VERSION = "cpu-1"
_memory_cache: dict[str, Executable] = {}
_lock = threading.RLock()


def function_signature(module: ir.Module, name: str):
    """(input specs, output specs) of func.func @name in a pb module."""
    for op in module.body.operations:
        if op.operation.name == "func.func" and ir.StringAttr(op.attributes["sym_name"]).value == name:
            ft = ir.FunctionType(ir.TypeAttr(op.attributes["function_type"]).value)
            return [spec_of_type(t) for t in ft.inputs], [spec_of_type(t) for t in ft.results]
    raise KeyError(f"no function @{name} in module")


def cache_key(module_text: str, name: str) -> str:
    h = hashlib.sha256()
    for part in (PIPELINE_VERSION, name, module_text):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


def compile_module(module: ir.Module, name: str, *, opt_level: int = 2) -> Executable:
    """Executable for func.func @name of a pb module (the module is not modified)."""
    text = str(module)
    key = cache_key(text, name)
    with _lock:
        exe = _memory_cache.get(key)
        if exe is not None:
            return exe
        in_specs, out_specs = function_signature(module, name)
        lowered = ir.Module.parse(text, module.context)
        run_pipeline(lowered, CPU_PIPELINE)
        engine = jit_compile(lowered, opt_level)
        entry = PackedFunction(engine.raw_lookup(name), len(in_specs) + len(out_specs), owner=engine)
        exe = _memory_cache[key] = Executable(name, in_specs, out_specs, entry)
        return exe
