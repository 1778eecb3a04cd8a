"""Executable: a compiled pb function with its signature, safe to call from Python."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from pullback.dialects.types import TensorSpec, numpy_dtype

from .engine import PackedFunction, data_pointer

_ndarray = np.ndarray
_empty = np.empty


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
        arrays = self.check(arrays)  # keeps any contiguous copies alive through the call
        return self.call_pointers([data_pointer(a) for a in arrays])

    def call_pointers(self, in_pointers) -> list[np.ndarray]:
        """Unchecked fast path: the caller vouches for shapes, dtypes and contiguity."""
        outs = [_empty(shape, dtype) for shape, dtype in self._out_np]
        self.entry([*in_pointers, *map(data_pointer, outs)])
        return outs
