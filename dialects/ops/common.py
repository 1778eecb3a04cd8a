"""Registrars shared by the op families: most elementwise ops are one line."""
from __future__ import annotations

from typing import Callable, Iterable

import numpy as np

from ..registry import InferenceError, defop
from ..types import TensorSpec, numpy_dtype


def require(cond: bool, message: str) -> None:
    if not cond:
        raise InferenceError(message)


def require_dtypes(op: str, spec: TensorSpec, allowed: Iterable[str], what: str = "operand") -> None:
    allowed = frozenset(allowed)
    require(spec.dtype in allowed,
            f"pb.{op} does not accept {what} of dtype {spec.dtype} (allowed: {', '.join(sorted(allowed))})")


def same_specs(op: str, specs: list[TensorSpec]) -> TensorSpec:
    """Elementwise ops take operands of one shape and dtype (broadcasting is explicit)."""
    first = specs[0]
    for s in specs[1:]:
        require(s.shape == first.shape,
                f"pb.{op} operands must have equal shapes, got {list(first.shape)} and {list(s.shape)}")
        require(s.dtype == first.dtype,
                f"pb.{op} operands must have equal dtypes, got {first.dtype} and {s.dtype}")
    return first


def elementwise_infer(name: str, dtypes: Iterable[str], result_dtype: Callable | None = None,
                      check: Callable | None = None):
    dtypes = frozenset(dtypes)

    def infer(specs, attrs):
        s = same_specs(name, specs)
        require_dtypes(name, s, dtypes)
        if check is not None:
            check(specs, attrs)
        return [s.with_dtype(result_dtype(s.dtype) if result_dtype else s.dtype)]
    return infer


def numpy_ref(fn: Callable) -> Callable:
    """Wrap a numpy function so results keep the inferred dtype (numpy upcasts small floats)."""
    def ref(*arrays, **attrs):
        with np.errstate(all="ignore"):
            return fn(*arrays, **attrs)
    return ref


def cast_to(spec: TensorSpec, value) -> np.ndarray:
    return np.asarray(value).astype(numpy_dtype(spec.dtype), copy=False)


def defelementwise(name: str, arity: int, dtypes: Iterable[str], reference: Callable,
                   lower_scalar: Callable, *, result_dtype: Callable | None = None,
                   attrs: dict | None = None, enums: dict | None = None, family: str = "elementwise",
                   check: Callable | None = None, doc: str = "") -> None:
    """Declare an elementwise op.

    `lower_scalar(low, dtype, *scalars, **attrs)` builds the scalar body of the
    linalg.generic from the operands' pb dtype.
    """
    operand_names = ("x",) if arity == 1 else ("lhs", "rhs") if arity == 2 else tuple(f"x{i}" for i in range(arity))
    same = [operand_names + (("out",) if result_dtype is None else ())]

    def lower(low, operands, in_specs, out_specs, attrs_):
        dtype = in_specs[0].dtype
        return [low.map(operands, out_specs[0], lambda *xs: lower_scalar(low, dtype, *xs, **attrs_))]

    defop(name, operand_names, attrs, infer=elementwise_infer(name, dtypes, result_dtype, check),
          reference=numpy_ref(reference), lower=lower, same_type=same, family=family, doc=doc,
          enums=enums)
