"""Host callbacks at run time: the registry of Python callables and the C trampolines.

A compiled program calls a host callback as an external C function
`_mlir_ciface_<declaration>(in pointers..., out pointers...)` (see
passes/host_callbacks.py). When such a program is compiled, `trampolines`
makes one ctypes function per callback declaration, which the compiler
registers with `ExecutionEngine.register_runtime` before initializing the
engine. A trampoline:

- wraps each input pointer into a numpy array of the declared static shape and
  dtype and copies it (the buffer belongs to compiled code and dies after the
  call); booleans are stored as bytes (passes/bool_storage.py) and come out as
  numpy bools, uint32 as uint32, bfloat16 as ml_dtypes.bfloat16;
- calls the Python function (`invoke`), which must return as many arrays as
  the declaration has results, each of exactly the declared shape and dtype
  (a single array for a single result; None or () for none). Anything else
  is a `CallbackResultError` naming the callback, never a wrong-sized copy;
- copies the results into the caller-allocated out buffers.

Exceptions never unwind through compiled code. A trampoline records the
exception, zero-fills its out buffers (so later code computes on defined
values) and returns; once an error is recorded, later callbacks of the same
call are skipped. `CallbackEntry`, the entry point of programs with callbacks,
re-raises the first recorded exception when the compiled call returns. The
compiled call runs without the GIL (ctypes' CFUNCTYPE releases it); ctypes
callbacks re-acquire it, so callbacks may run any Python code, including other
compiled functions.

Ids: `register(fn, key)` gives a callable a process-wide integer id, written
into the IR, so compile-cache keys (the IR text) tell different callables
apart. Equal keys get one id (the frontend keys `debug.print` by its format
string and argument structure, so retracing reuses the cached program); a
callable registered without a key is keyed by its identity. Registered
callables are kept alive for the life of the process, as compiled programs
referring to them are. Programs with callbacks never go to the on-disk cache:
the callables exist in this process only.
"""
from __future__ import annotations

import ctypes
import itertools
import threading
from typing import Callable, NamedTuple, Sequence

import numpy as np
from mlir import ir

from pullback.dialects.callbacks import ATTR, read_callback
from pullback.dialects.types import TensorSpec, numpy_dtype, spec_of_type

from .engine import PackedFunction


class CallbackResultError(ValueError):
    """A host callback returned results that do not match its declared shapes and dtypes."""


class UnknownCallbackError(RuntimeError):
    """A program refers to a callback id that is not registered in this process."""


class Registered(NamedTuple):
    id: int
    fn: Callable
    name: str


_registry: dict[int, Registered] = {}
_by_key: dict = {}
_ids = itertools.count(1)
_lock = threading.Lock()


def register(fn: Callable, key=None, name: str | None = None) -> int:
    """The id of `fn` (registering it on first use). Calls with equal `key` share one id and
    the first callable: the caller vouches that they behave the same."""
    k = ("fn", id(fn)) if key is None else ("key", key)
    with _lock:
        cid = _by_key.get(k)
        if cid is None:
            cid = next(_ids)
            _registry[cid] = Registered(cid, fn, name or getattr(fn, "__name__", "callback"))
            _by_key[k] = cid
    return cid


def lookup(cid: int) -> Registered:
    entry = _registry.get(cid)
    if entry is None:
        raise UnknownCallbackError(f"host callback id {cid} is not registered in this process (programs "
                                   "with host callbacks can only run in the process that traced them)")
    return entry


# ---------------------------------------------------------------- calling Python

def _storage(spec: TensorSpec) -> np.dtype:
    return np.dtype(np.uint8) if spec.dtype == "bool" else numpy_dtype(spec.dtype)


def _check_results(name: str, results, out_specs: Sequence[TensorSpec]) -> list[np.ndarray]:
    n = len(out_specs)
    if n == 0:
        if results is None or (isinstance(results, (tuple, list)) and len(results) == 0):
            return []
        raise CallbackResultError(f"host callback '{name}' must return None (it has no results), "
                                  f"got {type(results).__name__}")
    if n == 1 and not isinstance(results, (tuple, list)):
        results = [results]
    if not isinstance(results, (tuple, list)) or len(results) != n:
        got = f"{len(results)} results" if isinstance(results, (tuple, list)) else type(results).__name__
        raise CallbackResultError(f"host callback '{name}' must return {n} arrays, got {got}")
    out = []
    for i, (r, spec) in enumerate(zip(results, out_specs)):
        want = numpy_dtype(spec.dtype)
        scalar = isinstance(r, (bool, int, float, complex)) and not isinstance(r, np.generic)
        a = np.asarray(r, dtype=want) if scalar else np.asarray(r)
        if tuple(a.shape) != tuple(spec.shape):
            raise CallbackResultError(f"host callback '{name}': result #{i} has shape {tuple(a.shape)}, "
                                      f"expected {tuple(spec.shape)} (dtype {spec.dtype})")
        if a.dtype != want:
            raise CallbackResultError(f"host callback '{name}': result #{i} has dtype {a.dtype.name}, "
                                      f"expected {spec.dtype}")
        out.append(a)
    return out


def invoke(fn: Callable, name: str, arrays: Sequence[np.ndarray], out_specs: Sequence[TensorSpec]):
    """Call fn(*arrays) and check its results against `out_specs`: the numpy results."""
    return _check_results(name, fn(*arrays), out_specs)


def _read(ptr: int, spec: TensorSpec) -> np.ndarray:
    storage = _storage(spec)
    nbytes = spec.size * storage.itemsize
    if nbytes == 0:
        a = np.zeros(spec.shape, storage)
    else:
        a = np.frombuffer((ctypes.c_char * nbytes).from_address(ptr), storage).reshape(spec.shape).copy()
    return a.astype(np.bool_) if spec.dtype == "bool" else a


def _write(ptr: int, value, spec: TensorSpec) -> None:
    storage = _storage(spec)
    nbytes = spec.size * storage.itemsize
    if nbytes:
        a = np.ascontiguousarray(value, dtype=storage)
        ctypes.memmove(ptr, a.ctypes.data, nbytes)


def _zero(ptr: int, spec: TensorSpec) -> None:
    nbytes = spec.size * _storage(spec).itemsize
    if nbytes:
        ctypes.memset(ptr, 0, nbytes)


class _Frame:
    """One compiled call in progress on this thread: the first callback error, if any."""
    __slots__ = ("error",)

    def __init__(self):
        self.error = None


_tls = threading.local()
_orphans: list = []  # errors of callbacks run on a thread with no compiled call in progress


def _frames() -> list:
    s = getattr(_tls, "frames", None)
    if s is None:
        s = _tls.frames = []
    return s


def _record(error: BaseException) -> None:
    frames = _frames()
    if frames:
        if frames[-1].error is None:
            frames[-1].error = error
    else:
        with _lock:
            _orphans.append(error)


def _pending() -> bool:
    frames = _frames()
    return bool(frames) and frames[-1].error is not None


def _trampoline(entry: Registered, in_specs: list, out_specs: list):
    n_in = len(in_specs)
    proto = ctypes.CFUNCTYPE(None, *([ctypes.c_void_p] * (n_in + len(out_specs))))

    def call(*ptrs):
        outs = ptrs[n_in:]
        try:
            if _pending():  # an earlier callback of this call failed: skip the rest
                raise _Skipped()
            arrays = [_read(p, s) for p, s in zip(ptrs[:n_in], in_specs)]
            results = invoke(entry.fn, entry.name, arrays, out_specs)
            for p, r, s in zip(outs, results, out_specs):
                _write(p, r, s)
        except _Skipped:
            for p, s in zip(outs, out_specs):
                _zero(p, s)
        except BaseException as e:  # noqa: BLE001  (must never unwind into compiled code)
            try:
                e.add_note(f"(raised in host callback '{entry.name}', called from compiled code)")
            except Exception:  # noqa: BLE001
                pass
            _record(e)
            for p, s in zip(outs, out_specs):
                _zero(p, s)

    return proto(call)


class _Skipped(Exception):
    pass


# ---------------------------------------------------------------- programs

class Declaration(NamedTuple):
    symbol: str
    id: int
    in_specs: list
    out_specs: list


def declarations(module: ir.Module) -> list[Declaration]:
    """The host callback declarations of a pb module (before lowering: pb dtypes intact)."""
    out = []
    for op in module.body.operations:
        op = op.operation
        if op.name != "func.func" or ATTR not in op.attributes:
            continue
        info = read_callback(op)
        ft = ir.FunctionType(ir.TypeAttr(op.attributes["function_type"]).value)
        out.append(Declaration(ir.StringAttr(op.attributes["sym_name"]).value, info.id,
                               [spec_of_type(t) for t in ft.inputs], [spec_of_type(t) for t in ft.results]))
    return out


def trampolines(decls: Sequence[Declaration]) -> dict:
    """name -> ctypes function, for ExecutionEngine.register_runtime(name, fn) (which defines
    `_mlir_ciface_<name>`, the symbol pb-lower-host-callbacks calls)."""
    return {d.symbol: _trampoline(lookup(d.id), d.in_specs, d.out_specs) for d in decls}


class CallbackEntry(PackedFunction):
    """Entry point of a program with host callbacks: re-raises a callback's exception after
    the compiled call returns (its outputs are then discarded)."""

    def __call__(self, pointers) -> None:
        frames = _frames()
        frame = _Frame()
        frames.append(frame)
        try:
            PackedFunction.__call__(self, pointers)
        finally:
            frames.pop()
        error = frame.error
        if error is None and _orphans:
            with _lock:
                error = _orphans.pop(0) if _orphans else None
        if error is not None:
            raise error


__all__ = ["CallbackEntry", "CallbackResultError", "Declaration", "UnknownCallbackError", "declarations",
           "invoke", "lookup", "register", "trampolines"]
