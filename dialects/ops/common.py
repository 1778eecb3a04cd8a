"""Checks and registrars shared by the op families: an elementwise op and all its rules in one call."""
from __future__ import annotations

from typing import Callable, Iterable, Sequence

import numpy as np

from ..ad import defbilinear, defjvp, deflinear, defnondiff, deftranspose
from ..batching import defelementwise_batch
from ..registry import InferenceError, defop
from ..types import TensorSpec


def require(cond: bool, message: str) -> None:
    """Raise InferenceError(message) unless cond. The caller formats the message even when
    cond holds: the checks every emitted op goes through test first and format only on
    failure (as `same_specs`)."""
    if not cond:
        raise InferenceError(message)


def require_dtypes(op: str, spec: TensorSpec, allowed: Iterable[str], what: str = "operand") -> None:
    if spec.dtype not in allowed:
        allowed = frozenset(allowed)
        raise InferenceError(
            f"pb.{op} does not accept {what} of dtype {spec.dtype} (allowed: {', '.join(sorted(allowed))})")


def same_specs(op: str, specs: list[TensorSpec]) -> TensorSpec:
    """Elementwise ops take operands of one shape and dtype (broadcasting is explicit)."""
    first = specs[0]
    for s in specs[1:]:
        if s.shape != first.shape:
            raise InferenceError(
                f"pb.{op} operands must have equal shapes, got {list(first.shape)} and {list(s.shape)}")
        if s.dtype != first.dtype:
            raise InferenceError(f"pb.{op} operands must have equal dtypes, got {first.dtype} and {s.dtype}")
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


def defelementwise(name: str, arity: int, dtypes: Iterable[str], reference: Callable,
                   lower_scalar: Callable, *, result_dtype: Callable | None = None,
                   attrs: dict | None = None, enums: dict | None = None, family: str = "elementwise",
                   check: Callable | None = None, doc: str = "",
                   jvp: Callable | Sequence[Callable | None] | None = None, linear: bool = False,
                   bilinear: bool = False, differentiable: bool = True,
                   transpose: Callable | None = None, linear_in: tuple | None = None) -> None:
    """Declare an elementwise op with every rule it needs.

    `lower_scalar(low, dtype, *scalars, **attrs)` builds the scalar body of the
    linalg.generic from the operands' pb dtype. Batching aligns the operands on
    one batch dimension (JAX's broadcast_batcher). Derivatives, exactly one of:
      jvp=partial or (partial per operand): partial(t, ans, *operands, **attrs), None where
          the op is not differentiable in that operand (ad.defjvp);
      linear=True / bilinear=True: the op applied to the tangents;
      differentiable=False: no tangent (ad.defnondiff);
    plus `transpose` (and `linear_in`) for the ops that are linear in some operands.
    """
    operand_names = ("x",) if arity == 1 else ("lhs", "rhs") if arity == 2 else tuple(f"x{i}" for i in range(arity))
    same = [operand_names + (("out",) if result_dtype is None else ())]

    def lower(low, operands, in_specs, out_specs, attrs_):
        dtype = in_specs[0].dtype
        return [low.map(operands, out_specs[0], lambda *xs: lower_scalar(low, dtype, *xs, **attrs_))]

    defop(name, operand_names, attrs, infer=elementwise_infer(name, dtypes, result_dtype, check),
          reference=numpy_ref(reference), lower=lower, same_type=same, family=family, doc=doc,
          enums=enums)
    defelementwise_batch(name)
    if [jvp is not None, linear, bilinear, not differentiable].count(True) != 1:
        raise ValueError(f"pb.{name}: give exactly one of jvp=, linear=, bilinear=, differentiable=False")
    if jvp is not None:
        defjvp(name, *(jvp if isinstance(jvp, (tuple, list)) else (jvp,)))
    elif linear:
        deflinear(name)
    elif bilinear:
        defbilinear(name)
    else:
        defnondiff(name)
    if transpose is not None:
        deftranspose(name, transpose, linear_in)
