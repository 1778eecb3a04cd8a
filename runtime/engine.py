"""Native code from LLVM-dialect modules, and the lean call path into it.

Compiled functions use the bare-pointer calling convention with results as
caller-allocated out-params, so a call passes nothing but data pointers. The
ExecutionEngine's packed wrapper `_mlir_<name>(void **args)` takes one slot
per argument holding that pointer; the slots are allocated once per thread.
The same wrapper is what a cached shared library exports (see disk_cache). CPU programs
compile through runtime/native_jit.py (`native_compile`), which writes that wrapper itself;
MLIR's ExecutionEngine (`jit_compile`) serves host callbacks, the GPU and PULLBACK_JIT=engine.
"""
from __future__ import annotations

import ctypes
import functools
import os
import threading

from mlir import execution_engine, ir

from pullback.errors import ResourceExhaustedError
from pullback.passes import blas
from pullback.runtime import native_jit
from pullback.runtime.malloc_tuning import tune_malloc

tune_malloc()

# CFUNCTYPE releases the GIL for the duration of the native call, so Python
# threads can run compiled code in parallel.
_PACKED = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
_char = ctypes.c_char
_addressof = ctypes.addressof


@functools.lru_cache(maxsize=None)
def mlir_lib_dir() -> str:
    # `mlir` is a namespace package: locate the wheel's libraries through a module
    return os.path.join(os.path.dirname(ir.__file__), "lib")


# Support libraries compiled code may call into: memrefCopy and friends, and
# the async runtime whose thread pool runs parallel loops (passes/parallel_tasks.py).
C_RUNNER_UTILS = "libmlir_c_runner_utils.so"
ASYNC_RUNTIME = "libmlir_async_runtime.so"


@functools.lru_cache(maxsize=None)
def runtime_libs(parallel: bool = True) -> tuple[str, ...]:
    """The support libraries a cached shared library links against."""
    names = (C_RUNNER_UTILS, ASYNC_RUNTIME) if parallel else (C_RUNNER_UTILS,)
    paths = (os.path.join(mlir_lib_dir(), lib) for lib in names)
    return tuple(p for p in paths if os.path.exists(p))


@functools.lru_cache(maxsize=None)
def load_global_libraries() -> None:
    """Load the support libraries once, into the process's global symbols, where every engine
    resolves them. Handed to each engine's `shared_libs` instead, they cost every compile a
    library search (about 4 ms), and an engine that dies calls the async runtime's destroy
    hook, tearing down the process-wide thread pool under every other engine."""
    for path in runtime_libs(True) + ((blas.library_path(),) if blas.library_path() else ()):
        ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)


ASYNC_PREFIX = "mlirAsyncRuntime"


def uses_async_runtime(module: ir.Module) -> bool:
    """Whether an LLVM-dialect module calls into the async runtime: pb-parallel-tasks declares
    the runtime's functions only in modules whose loops it runs as tasks."""
    for op in module.body.operations:
        if op.operation.name == "llvm.func" and ir.StringAttr(
                op.operation.attributes["sym_name"]).value.startswith(ASYNC_PREFIX):
            return True
    return False


def data_pointer(a) -> int:
    """Address of a C-contiguous numpy array's data, about 4x faster than `a.ctypes.data`."""
    try:
        return _addressof(_char.from_buffer(a))
    except (TypeError, ValueError, BufferError):  # read-only or empty: the slow, general way
        return a.ctypes.data


class PackedFunction:
    """A `void f(void **args)` entry point with preallocated per-thread argument slots."""

    def __init__(self, address: int, num_args: int, owner=None, oom_flag: int = 0):
        self.address = address
        self.num_args = num_args
        # pb-check-allocations: where a failed malloc leaves the bytes it asked for
        self._oom = ctypes.c_int64.from_address(oom_flag) if oom_flag else None
        self._fn = _PACKED(address)
        self._owner = owner  # keeps the engine or shared library alive
        self._tls = threading.local()

    def _new_slots(self):
        n = self.num_args
        values = (ctypes.c_void_p * n)()
        base, size = _addressof(values), ctypes.sizeof(ctypes.c_void_p)
        argv = (ctypes.c_void_p * n)(*[base + i * size for i in range(n)])
        slots = self._tls.slots = (values, argv, _addressof(argv))
        return slots

    def __call__(self, pointers) -> None:
        """Call with one data pointer per argument (inputs, then outputs)."""
        try:
            values, _, argv = self._tls.slots
        except AttributeError:
            values, _, argv = self._new_slots()
        values[:] = pointers
        self._fn(argv)
        oom = self._oom
        if oom is not None and oom.value:
            requested, oom.value = oom.value, 0
            raise ResourceExhaustedError(f"RESOURCE_EXHAUSTED: out of memory while trying to allocate "
                                         f"{requested} bytes")


# Engines whose code runs on the async runtime's pool are kept for the life of the process:
# a pool thread returns through a task's code after marking it done, or finds its task
# stolen only after the caller has moved on (passes/parallel_tasks.py).
_parallel_engines: list = []


def jit_compile(module: ir.Module, opt_level: int = 2,
                symbols: dict | None = None) -> execution_engine.ExecutionEngine:
    """Compile an LLVM-dialect module in process, as position-independent code so the
    object the engine keeps can be linked into a shared library for the disk cache.

    `symbols` maps names to ctypes functions the compiled code calls as
    `_mlir_ciface_<name>` (host callbacks, runtime/callbacks.py); they are
    registered before the engine is initialized and must outlive it."""
    load_global_libraries()
    if not isinstance(module, ir.Module):  # a cloned module op (runtime/compiler.py): the engine takes Modules
        module = ir.Module.parse(module.operation.get_asm(enable_debug_info=True), module.context)
    parallel = uses_async_runtime(module)
    engine = execution_engine.ExecutionEngine(module, opt_level=opt_level, shared_libs=[], enable_pic=True)
    for name, fn in (symbols or {}).items():
        engine.register_runtime(name, fn)
    engine.initialize()  # run global constructors, as dlopen does for a cached library
    if parallel:
        _parallel_engines.append(engine)
    return engine


ENGINE_ENV = "PULLBACK_JIT"  # "engine": MLIR's ExecutionEngine instead of native_jit (for comparisons)


def use_native_jit() -> bool:
    return os.environ.get(ENGINE_ENV, "").lower() != "engine" and native_jit.available()


def native_compile(module: ir.Module, entry: str, opt_level: int = 2,
                   keep_objects: bool = True) -> tuple[native_jit.NativeProgram, str]:
    """Compile an LLVM-dialect module with runtime/native_jit.py (which adds the packed
    wrapper to the module): the program and the wrapper's name. `keep_objects`: the
    optimized program's objects will be written (the disk cache)."""
    load_global_libraries()
    parallel = uses_async_runtime(module)
    program, wrapper = native_jit.compile_module(module, entry, opt_level, keep_objects)
    if parallel:
        _parallel_engines.append(program)
    return program, wrapper
