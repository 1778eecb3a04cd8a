"""jnp's host-side helpers: print options, array_repr/array_str, save/savez/load, frombuffer/fromstring,
from_dlpack, and numpy's ComplexWarning/object_.

As in JAX, these are numpy's own functions where they only read an array through __array__ (printing and
saving: pullback's repr formats through numpy, so numpy's print options apply to it), and thin wrappers
that turn numpy's results into pullback Arrays where they build one. fromfile/fromiter are absent: JAX
defines them only to raise NotImplementedError, and pullback does not define names that do not work.
"""
from __future__ import annotations

import numpy as _np
from ml_dtypes import bfloat16

from ._creation import asarray

ComplexWarning = _np.exceptions.ComplexWarning
object_ = _np.object_
array_repr = _np.array_repr
array_str = _np.array_str
printoptions = _np.printoptions
get_printoptions = _np.get_printoptions
set_printoptions = _np.set_printoptions
save = _np.save
savez = _np.savez


def load(file, *args, **kwargs):
    """numpy's load; a plain array comes back as a pullback Array (numpy archives and objects as numpy's)."""
    out = _np.load(file, *args, **kwargs)
    if isinstance(out, _np.ndarray) and out.dtype != object:
        if out.dtype == "V2":  # bfloat16 saved by a library that registers it
            out = out.view(bfloat16)
        return asarray(out)
    return out


def frombuffer(buffer, dtype=float, count=-1, offset=0):
    return asarray(_np.frombuffer(buffer=buffer, dtype=dtype, count=count, offset=offset))


def fromstring(string, dtype=float, count=-1, *, sep):
    return asarray(_np.fromstring(string, dtype=dtype, count=count, sep=sep))


def from_dlpack(x, /, *, device=None, copy=None):
    """An Array from any object with __dlpack__ (numpy arrays, torch CPU tensors, ...): read as numpy, copied."""
    return asarray(_np.from_dlpack(x, copy=copy) if copy is not None else _np.from_dlpack(x))


__all__ = ["ComplexWarning", "array_repr", "array_str", "from_dlpack", "frombuffer", "fromstring",
           "get_printoptions", "load", "object_", "printoptions", "save", "savez", "set_printoptions"]
