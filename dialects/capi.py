"""MLIR's C API beside the Python bindings, for what the bindings lack.

The library is the one the bindings themselves load (`libMLIRPythonCAPI.so`), so the C
objects are the bindings' own: an operation crosses over as the pointer inside its
`_CAPIPtr` capsule and comes back through `_CAPICreate`.
"""
from __future__ import annotations

import ctypes
import functools
import os

from mlir import ir

P = ctypes.c_void_p
_OPERATION_CAPSULE = b"mlir.ir.Operation._CAPIPtr"  # (module-level: a capsule keeps a pointer to its name)


def library_path() -> str:
    return os.path.join(os.path.dirname(ir.__file__), "_mlir_libs", "libMLIRPythonCAPI.so")


def capi_pointer(obj) -> int:
    """The C pointer inside an MLIR Python object (its `_CAPIPtr` capsule)."""
    capsule = obj._CAPIPtr
    name = ctypes.pythonapi.PyCapsule_GetName
    name.restype, name.argtypes = ctypes.c_char_p, [ctypes.py_object]
    get = ctypes.pythonapi.PyCapsule_GetPointer
    get.restype, get.argtypes = P, [ctypes.py_object, ctypes.c_char_p]
    return get(capsule, name(capsule))


@functools.lru_cache(maxsize=None)
def _api():
    lib = ctypes.CDLL(library_path())
    next_op = lib.mlirOperationGetNextInBlock  # MlirOperation is a struct of one pointer
    next_op.restype, next_op.argtypes = P, [P]
    new_capsule = ctypes.pythonapi.PyCapsule_New
    new_capsule.restype, new_capsule.argtypes = ctypes.py_object, [P, ctypes.c_char_p, P]
    return next_op, new_capsule


def ops_between(first: ir.Operation, end: ir.Operation) -> list[ir.Operation]:
    """The operations after `first` and before `end` in their block (`end` must follow
    `first` there)."""
    next_op, new_capsule = _api()
    stop = capi_pointer(end)
    found, pointer = [], next_op(capi_pointer(first))
    while pointer != stop:
        if not pointer:
            raise ValueError("ops_between: `end` does not follow `first` in its block")
        found.append(ir.Operation._CAPICreate(new_capsule(pointer, _OPERATION_CAPSULE, None)))
        pointer = next_op(pointer)
    return found
