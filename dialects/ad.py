"""Registrars for autodiff rules: JVP rules for every op, transpose rules for linear ones.

A tangent or cotangent is an `ir.Value`, or `None` for a symbolic zero: rules
never see materialized zeros unless they ask for them, and zero inputs
short-circuit before a rule runs.

JVP rule:       rule(primals, tangents, **attrs) -> (primal outs, tangent outs)
Transpose rule: rule(cts, operands, linear, **attrs) -> cotangent per operand
  `cts` are the output cotangents (None = zero), `operands` the op's operands
  (the non-linear ones are real values, the linear ones must not be read), and
  `linear[i]` tells which operands carry the linear input.
Rules build IR with `pullback.dialects.emit.pb`; all of it is pb ops, so the
derivative of a derivative needs nothing new.
"""
from __future__ import annotations

from typing import Callable

from .emit import emit
from .pb import pb
from .registry import BATCH, JVP, NON_DIFFERENTIABLE, TRANSPOSE  # noqa: F401


def primal(name: str, primals, attrs) -> list:
    """Re-emit the op on the new primal operands."""
    return emit(name, list(primals), attrs, loc=_loc())


def _loc():
    from mlir import ir
    return ir.Location.current


def add_tangents(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return pb.add(a, b)


def defjvp(name: str, *partials: Callable | None) -> None:
    """JVP from one partial per operand: partial(t, ans, *primals, **attrs) -> contribution.

    A None partial marks the op as not differentiable in that operand."""
    def rule(primals, tangents, **attrs):
        (ans,) = primal(name, primals, attrs)
        out = None
        for t, partial in zip(tangents, partials):
            if t is not None and partial is not None:
                out = add_tangents(out, partial(t, ans, *primals, **attrs))
        return [ans], [out]
    JVP[name] = rule


def deflinear(name: str, transpose: Callable | None = None) -> None:
    """An op linear in all its operands jointly: its JVP applies it to the tangents."""
    def rule(primals, tangents, **attrs):
        outs = primal(name, primals, attrs)
        if all(t is None for t in tangents):
            return outs, [None] * len(outs)
        ts = [t if t is not None else pb.zeros_like(p) for p, t in zip(primals, tangents)]
        return outs, emit(name, ts, attrs, loc=_loc())
    JVP[name] = rule
    if transpose is not None:
        TRANSPOSE[name] = transpose


def defbilinear(name: str, transpose: Callable | None = None) -> None:
    """An op linear in each of two operands separately (mul, dot_general)."""
    BILINEAR.add(name)
    def rule(primals, tangents, **attrs):
        (ans,) = primal(name, primals, attrs)
        x, y = primals
        tx, ty = tangents
        out = None
        if tx is not None:
            out = emit(name, [tx, y], attrs, loc=_loc())[0]
        if ty is not None:
            out = add_tangents(out, emit(name, [x, ty], attrs, loc=_loc())[0])
        return [ans], [out]
    JVP[name] = rule
    if transpose is not None:
        TRANSPOSE[name] = transpose


def defnondiff(*names: str) -> None:
    """Ops whose outputs carry no tangent (comparisons, integer ops, argmax, ...)."""
    for name in names:
        NON_DIFFERENTIABLE.add(name)

        def rule(primals, tangents, _name=name, **attrs):
            outs = primal(_name, primals, attrs)
            return outs, [None] * len(outs)
        JVP[name] = rule


# Ops linear in only some operands: the positions that may carry the linear input.
LINEAR_IN: dict[str, tuple] = {}
# Bilinear ops (mul, dot_general): linear in either operand, but not in both at once.
BILINEAR: set[str] = set()


def deftranspose(name: str, rule: Callable, linear_in: tuple | None = None, bilinear: bool = False) -> None:
    TRANSPOSE[name] = rule
    if linear_in is not None:
        LINEAR_IN[name] = tuple(linear_in)
    if bilinear:
        BILINEAR.add(name)
