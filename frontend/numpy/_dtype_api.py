"""jnp's dtype queries: finfo/iinfo (ml_dtypes' classes, which also know bfloat16),
promote_types on JAX's lattice (not numpy's: int32 with float16 is float16), can_cast,
issubdtype with numpy's abstract hierarchy, and the abstract classes themselves."""
from __future__ import annotations

import ml_dtypes as _ml
import numpy as _np

from pullback.dialects.types import numpy_dtype as _storage

from .. import dtypes as _dt

finfo = _ml.finfo
iinfo = _ml.iinfo
can_cast = _np.can_cast
generic, number, inexact, floating, complexfloating = _np.generic, _np.number, _np.inexact, _np.floating, \
    _np.complexfloating
integer, signedinteger, unsignedinteger = _np.integer, _np.signedinteger, _np.unsignedinteger
bfloat16 = _ml.bfloat16


def promote_types(a, b):
    """The promoted dtype of two (strongly typed) dtypes on JAX's lattice."""
    na, nb = _np.dtype(a).name, _np.dtype(b).name
    out, _ = _dt.result_type((na, False), (nb, False))
    return _np.dtype(_storage(out))


def issubdtype(arg1, arg2):
    if isinstance(arg1, _np.dtype) or not isinstance(arg1, type) or not issubclass(arg1, _np.generic):
        arg1 = _np.dtype(arg1).type
    if isinstance(arg2, type) and issubclass(arg2, _np.generic):
        if arg1 is _ml.bfloat16 and arg2 in (_np.floating, _np.inexact, _np.number):
            return True  # numpy does not place ml_dtypes' types in its hierarchy; JAX does
        return issubclass(arg1, arg2)
    return issubclass(arg1, _np.dtype(arg2).type)


def isdtype(dtype, kind):
    kinds = (kind,) if not isinstance(kind, tuple) else kind
    t = _np.dtype(dtype)
    table = {"bool": lambda: t == _np.bool_, "signed integer": lambda: t.kind == "i",
             "unsigned integer": lambda: t.kind == "u", "integral": lambda: t.kind in "iu",
             "real floating": lambda: t.kind == "f" or t == _ml.bfloat16,
             "complex floating": lambda: t.kind == "c",
             "numeric": lambda: t.kind in "iufc" or t == _ml.bfloat16}
    for k in kinds:
        if isinstance(k, str):
            if k not in table:
                raise ValueError(f"Unrecognized data type kind: {k!r}")
            if table[k]():
                return True
        elif t == _np.dtype(k):
            return True
    return False


def _dtype_of(x):
    return _np.dtype(_storage(x.aval.dtype)) if hasattr(x, "aval") else _np.asarray(x).dtype


def iscomplexobj(x):
    return _dtype_of(x).kind == "c"


def isrealobj(x):
    return not iscomplexobj(x)
