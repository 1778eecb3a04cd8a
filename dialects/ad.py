"""Registrars for autodiff rules: JVP rules for every op, transpose rules for linear ones.

A tangent or cotangent is an `ir.Value`, or `None` for a symbolic zero: rules
never see materialized zeros unless they ask for them, and zero inputs
short-circuit before a rule runs.

JVP rule:       rule(primals, tangents, **attrs) -> (primal outs, tangent outs)
Transpose rule: rule(cts, operands, linear, **attrs) -> cotangent per operand
  `cts` are the output cotangents (None = zero), `operands` the op's operands
  (the non-linear ones are real values, the linear ones must not be read), and
  `linear[i]` tells which operands carry the linear input.
Rules build IR with `pullback.dialects.pb.pb`; all of it is pb ops, so the
derivative of a derivative needs nothing new.
"""
from __future__ import annotations

from typing import Callable

from mlir import ir

from .emit import emit
from .pb import pb
from .registry import BILINEAR, JVP, LINEAR_IN, NON_DIFFERENTIABLE, TRANSPOSE

__all__ = ["BILINEAR", "JVP", "LINEAR_IN", "NON_DIFFERENTIABLE", "TRANSPOSE", "add_tangents", "defbilinear",
           "defjvp", "deflinear", "defnondiff", "deftranspose", "instantiate", "primal"]


def primal(name: str, primals, attrs) -> list:
    """Re-emit the op on the new primal operands."""
    return emit(name, list(primals), attrs, loc=ir.Location.current)


def instantiate(tangent, like):
    """A tangent with symbolic zeros made real (zeros of `like`'s type)."""
    return pb.zeros_like(like) if tangent is None else tangent


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


def deflinear(name: str, transpose: Callable | None = None, linear_in: tuple | None = None) -> None:
    """An op linear in its operands jointly (those of `linear_in`, if given; the others
    carry no tangent): its JVP applies it to the tangents."""
    def rule(primals, tangents, **attrs):
        outs = primal(name, primals, attrs)
        linear = range(len(primals)) if linear_in is None else linear_in
        if all(tangents[i] is None for i in linear):
            return outs, [None] * len(outs)
        operands = [instantiate(tangents[i], p) if i in linear else p for i, p in enumerate(primals)]
        return outs, emit(name, operands, attrs, loc=ir.Location.current)
    JVP[name] = rule
    if transpose is not None:
        deftranspose(name, transpose, linear_in)


def defbilinear(name: str, transpose: Callable | None = None) -> None:
    """An op linear in each of two operands separately (mul, dot_general)."""
    def rule(primals, tangents, **attrs):
        (ans,) = primal(name, primals, attrs)
        x, y = primals
        tx, ty = tangents
        out = None
        if tx is not None:
            out = emit(name, [tx, y], attrs, loc=ir.Location.current)[0]
        if ty is not None:
            out = add_tangents(out, emit(name, [x, ty], attrs, loc=ir.Location.current)[0])
        return [ans], [out]
    JVP[name] = rule
    BILINEAR.add(name)
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


def deftranspose(name: str, rule: Callable, linear_in: tuple | None = None) -> None:
    """The transpose of an op linear in its operands (in those of `linear_in`, if given)."""
    TRANSPOSE[name] = rule
    if linear_in is not None:
        LINEAR_IN[name] = tuple(linear_in)
