"""Executable: a compiled pb function with its signature, safe to call from Python."""
from __future__ import annotations

import ctypes
import os
from typing import Sequence

import numpy as np

from pullback.dialects.types import TensorSpec, numpy_dtype

from .engine import PackedFunction, data_pointer

DISPATCH_ENV = "PULLBACK_DISPATCH"  # "python": every call takes the Python path (for tests and comparisons)
DISPATCH_API = 3  # runtime/_dispatch.c's DISPATCH_API


def _load_dispatch():
    """The C extension of cached calls (runtime/_dispatch.c), or None: not built (it is
    optional), built from other sources (an editable checkout rebuilds with pip install -e .),
    or turned off by PULLBACK_DISPATCH=python. frontend/jit.py configures it."""
    if os.environ.get(DISPATCH_ENV, "").lower() == "python":
        return None
    try:
        from . import _dispatch as extension
    except ImportError:
        return None
    return extension if getattr(extension, "API", None) == DISPATCH_API else None


dispatch_extension = _load_dispatch()

_ndarray = np.ndarray
_empty = np.empty
_READ_IN_PLACE = 3  # runtime/_dispatch.c's ACCEPT_NUMPY_X32 | ACCEPT_NUMPY_X64: numpy inputs of the exact dtype


class SignatureError(TypeError):
    """Arguments do not match the compiled signature; raised before any native code runs."""


class Executable:
    def __init__(self, name: str, in_specs: Sequence[TensorSpec], out_specs: Sequence[TensorSpec],
                 entry: PackedFunction):
        self.name = name
        self.in_specs = list(in_specs)
        self.out_specs = list(out_specs)
        self.entry = entry
        self._in_np = [(tuple(s.shape), numpy_dtype(s.dtype)) for s in self.in_specs]
        self._out_np = [(tuple(s.shape), numpy_dtype(s.dtype)) for s in self.out_specs]
        self._fast = self._fast_entry()

    def _fast_entry(self):
        """A raw Entry of the C extension: calls with writable C-contiguous numpy arrays of the
        exact signature run in C; any other call is checked (and explained) in Python."""
        entry = self.entry
        if dispatch_extension is None or type(entry) is not PackedFunction:
            return None
        if entry.num_args != len(self.in_specs) + len(self.out_specs):
            return None
        inputs = tuple((s.dtype, dt, shape, False, _READ_IN_PLACE) for s, (shape, dt) in zip(self.in_specs, self._in_np))
        outputs = tuple((s.dtype, dt, shape, False) for s, (shape, dt) in zip(self.out_specs, self._out_np))
        oom = ctypes.addressof(entry._oom) if entry._oom is not None else 0
        return dispatch_extension.Entry(entry.address, oom, entry, ((0, 1),) * len(inputs), inputs, (), outputs, 2,
                               False, raw=True)

    def check(self, arrays) -> list[np.ndarray]:
        """C-contiguous arrays of exactly the compiled shapes and dtypes, or SignatureError."""
        if len(arrays) != len(self._in_np):
            raise SignatureError(f"{self.name} takes {len(self._in_np)} arguments, got {len(arrays)}")
        out = []
        for i, (a, (shape, dtype)) in enumerate(zip(arrays, self._in_np)):
            if type(a) is not _ndarray:
                a = np.asarray(a)
            if a.shape != shape or a.dtype != dtype:
                raise SignatureError(
                    f"{self.name}: argument {i} must be an array of shape {shape} and dtype "
                    f"{np.dtype(dtype).name}, got {a.dtype.name}{list(a.shape)}")
            if not a.flags.c_contiguous:
                a = np.ascontiguousarray(a)
            out.append(a)
        return out

    def __call__(self, *arrays) -> list[np.ndarray]:
        if self._fast is not None:
            outs = dispatch_extension.call(self._fast, arrays)
            if outs is not None:
                return outs
        arrays = self.check(arrays)  # keeps any contiguous copies alive through the call
        return self.call_pointers([data_pointer(a) for a in arrays])

    def call_pointers(self, in_pointers) -> list[np.ndarray]:
        """Unchecked fast path: the caller vouches for shapes, dtypes and contiguity."""
        outs = [_empty(shape, dtype) for shape, dtype in self._out_np]
        self.entry([*in_pointers, *map(data_pointer, outs)])
        return outs
