"""Dtypes as JAX sees them: defaults, weak types and the promotion lattice.

Python scalars are weakly typed: they adopt the dtype of the array they meet
(`x_f16 + 1.0` stays float16). Promotion is the least upper bound on JAX's
type lattice; with 64-bit mode off (JAX's default) results are canonicalized
to 32 bits.
"""
from __future__ import annotations

import functools

import numpy as np

from pullback.dialects.types import COMPLEX, INTEGERS, MLIR_ELEMENT, REAL_OF_COMPLEX, dtype_name
from pullback.dialects.types import UNSIGNED  # noqa: F401  (re-exported: dtypes.UNSIGNED)

from .errors import user_error

# The dtype of the tangents and cotangents of integer and boolean values (JAX's float0):
# a structured dtype of zero bytes, so such an array holds no data to differentiate.
float0 = np.dtype([("float0", np.void, 0)])

# x64 mode, as jax_enable_x64. Off by default, as in JAX.
_config = {"x64": False}

# The lattice: node -> nodes directly above it. 'i*', 'f*', 'c*' are the weak types.
_UP = {
    "bool": ["i*"],
    "i*": ["uint8", "int8"],
    "uint8": ["int16", "uint16"], "uint16": ["int32", "uint32"], "uint32": ["int64", "uint64"],
    "int8": ["int16"], "int16": ["int32"], "int32": ["int64"],
    "uint64": ["f*"], "int64": ["f*"],
    "f*": ["bfloat16", "float16", "c*"],
    "bfloat16": ["float32"], "float16": ["float32"], "float32": ["float64", "complex64"],
    "c*": ["complex64"], "complex64": ["complex128"], "float64": ["complex128"],
    "complex128": [],
}
_WEAK_DEFAULT = {"i*": "int64", "f*": "float64", "c*": "complex128"}
_CANONICAL_32 = {"int64": "int32", "uint64": "uint32", "float64": "float32", "complex128": "complex64"}


@functools.lru_cache(maxsize=None)
def _ancestors(node: str) -> frozenset:
    out = {node}
    for up in _UP[node]:
        out |= _ancestors(up)
    return frozenset(out)


def enable_x64(on: bool = True) -> None:
    _config["x64"] = bool(on)
    result_type_cached.cache_clear()


def x64_enabled() -> bool:
    return _config["x64"]


def canonicalize(dtype: str) -> str:
    """The dtype an array of `dtype` gets (float64 -> float32 unless x64 is on)."""
    if not _config["x64"]:
        dtype = _CANONICAL_32.get(dtype, dtype)
    if dtype not in MLIR_ELEMENT:
        # float8/int4 and the other ml_dtypes JAX knows: no pb type computes in them, and
        # reading their bits as another dtype would give wrong numbers silently
        raise user_error(TypeError, f"dtype {dtype} is not supported by pullback (it computes in "
                         f"{', '.join(MLIR_ELEMENT)}): convert the array with .astype(...) first")
    return dtype


def default_float() -> str:
    return canonicalize("float64")


def default_int() -> str:
    return canonicalize("int64")


def _node(dtype: str, weak: bool) -> str:
    if not weak:
        return dtype
    if dtype == "bool":
        return "bool"
    if is_complex(dtype):
        return "c*"
    if dtype in ("float16", "bfloat16", "float32", "float64"):
        return "f*"
    return "i*"


@functools.lru_cache(maxsize=4096)
def result_type_cached(nodes: tuple) -> tuple:
    common = frozenset.intersection(*(_ancestors(n) for n in nodes))
    # the least upper bound is the common ancestor that all others are above
    lub = next(n for n in common if all(m in _ancestors(n) for m in common))
    if lub in _WEAK_DEFAULT:
        return canonicalize(_WEAK_DEFAULT[lub]), True
    return canonicalize(lub), False


def result_type(*typed) -> tuple[str, bool]:
    """Promoted (dtype, weak) of several (dtype, weak) pairs."""
    return result_type_cached(tuple(_node(d, w) for d, w in typed))


def scalar_type(value) -> tuple[str, bool]:
    """(dtype, weak) of a Python scalar."""
    if isinstance(value, (bool, np.bool_)):
        return "bool", not isinstance(value, np.bool_)
    if isinstance(value, int):
        return default_int(), True
    if isinstance(value, float):
        return default_float(), True
    if isinstance(value, complex):
        return canonicalize("complex128"), True
    if isinstance(value, np.generic):
        return canonicalize(dtype_name(value.dtype)), False
    raise TypeError(f"{type(value).__name__} is not a valid pullback scalar")


def is_inexact(dtype: str) -> bool:
    return dtype in ("float16", "bfloat16", "float32", "float64", "complex64", "complex128")


def is_complex(dtype: str) -> bool:
    return dtype in COMPLEX


def is_float(dtype: str) -> bool:
    return dtype in ("float16", "bfloat16", "float32", "float64")


def is_integer(dtype: str) -> bool:
    return dtype in INTEGERS


def to_inexact(dtype: str) -> str:
    """The dtype of e.g. jnp.sin(x): ints and bools become the default float."""
    return dtype if is_inexact(dtype) else default_float()


def real_dtype(dtype: str) -> str:
    """The dtype of a complex dtype's parts; other dtypes are their own."""
    return REAL_OF_COMPLEX.get(dtype, dtype)


def requested(dt) -> str:
    """The dtype a user's `dtype=` argument gives: "int64" or np.int64 alike give int32
    unless x64 is on, as in JAX (`name` keeps explicit names for pullback's own use)."""
    return None if dt is None else canonicalize(name(dt))


def name(dt) -> str:
    """Canonical dtype name from anything numpy understands (plus our own names)."""
    if dt is None:
        return None
    if isinstance(dt, str) and dt in MLIR_ELEMENT:
        return dt
    if dt is float:
        return default_float()
    if dt is int:
        return default_int()
    if dt is complex:
        return canonicalize("complex128")
    if dt is bool:
        return "bool"
    return canonicalize(np.dtype(dt).name)
