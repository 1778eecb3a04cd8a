"""Native code from LLVM-dialect modules, and the lean call path into it.

Compiled functions use the bare-pointer calling convention with results as
caller-allocated out-params, so a call passes nothing but data pointers. The
ExecutionEngine's packed wrapper `_mlir_<name>(void **args)` takes one slot
per argument holding that pointer; the slots are allocated once per thread.
"""
from __future__ import annotations

import ctypes
import os
import threading

from mlir import execution_engine, ir

_PACKED = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


def mlir_lib_dir() -> str:
    import mlir.ir  # `mlir` is a namespace package: locate it through a module
    return os.path.join(os.path.dirname(os.path.dirname(mlir.ir.__file__)), "lib")


def runtime_libs() -> list[str]:
    """Support libraries compiled code may call into (memrefCopy and friends)."""
    path = os.path.join(mlir_lib_dir(), "libmlir_c_runner_utils.so")
    return [path] if os.path.exists(path) else []


class PackedFunction:
    """A `void f(void **args)` entry point with preallocated argument slots."""

    def __init__(self, address: int, num_args: int, owner=None):
        self.address = address
        self.num_args = num_args
        self._fn = _PACKED(address)
        self._owner = owner  # keeps the engine or shared library alive
        self._tls = threading.local()

    def _slots(self):
        s = getattr(self._tls, "slots", None)
        if s is None:
            values = (ctypes.c_void_p * self.num_args)()
            base = ctypes.addressof(values)
            size = ctypes.sizeof(ctypes.c_void_p)
            argv = (ctypes.c_void_p * self.num_args)(*[base + i * size for i in range(self.num_args)])
            s = self._tls.slots = (values, argv)
        return s

    def __call__(self, pointers) -> None:
        values, argv = self._slots()
        for i, p in enumerate(pointers):
            values[i] = p
        self._fn(argv)


def jit_compile(module: ir.Module, opt_level: int = 2) -> execution_engine.ExecutionEngine:
    """Compile an LLVM-dialect module in process."""
    return execution_engine.ExecutionEngine(module, opt_level=opt_level, shared_libs=runtime_libs(),
                                            enable_pic=True)
