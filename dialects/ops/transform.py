"""Transformation ops: each names a function and is expanded away by a pass.

    %y, %ty = "pb.jvp"(%x, %tx) {callee = @f}            // pb-jvp
    %y, %ty = "pb.linearize"(%x, %tx) {callee = @f}      // pb-linearize
    %y, %ctx = "pb.vjp"(%x, %cty) {callee = @f}          // pb-vjp (linearize, then transpose)
    %ctx = "pb.linear_transpose"(%res, %cty) {callee = @lin, num_nonlinear = 1}   // pb-transpose

(`pb.transpose` is the array primitive, hence the longer name, as jax.linear_transpose.)

Operands and results are flat: primals then tangents (or cotangents).
"""
from __future__ import annotations

from ..registry import I64, SYMBOL, InferenceError, deftransform
from .common import require


def _split(specs, n: int, what: str, op: str):
    require(len(specs) == 2 * n, f"pb.{op} expects {2 * n} operands ({what}), got {len(specs)}")
    return specs[:n], specs[n:]


def _check_pairs(op: str, prim, tang, kind: str):
    for i, (p, t) in enumerate(zip(prim, tang)):
        require(p == t, f"pb.{op} {kind} #{i} must have the type of its primal, {p.mlir()}, got {t.mlir()}")


def _check_primals(op: str, specs, ins):
    for i, (s, want) in enumerate(zip(specs, ins)):
        require(s == want, f"pb.{op} operand #{i} must be {want.mlir()} to match the callee, got {s.mlir()}")


def _infer_jvp_like(op: str):
    def infer(specs, attrs, signature_of):
        ins, outs = signature_of(attrs["callee"])
        prim, tang = _split(specs, len(ins), "primals then tangents", op)
        _check_primals(op, prim, ins)
        _check_pairs(op, prim, tang, "tangent")
        return list(outs) + list(outs)
    return infer


def _infer_vjp(specs, attrs, signature_of):
    ins, outs = signature_of(attrs["callee"])
    require(len(specs) == len(ins) + len(outs),
            f"pb.vjp expects {len(ins) + len(outs)} operands (primals then output cotangents), got {len(specs)}")
    _check_primals("vjp", specs[:len(ins)], ins)
    _check_pairs("vjp", outs, specs[len(ins):], "cotangent")
    return list(outs) + list(ins)


def _infer_transpose(specs, attrs, signature_of):
    ins, outs = signature_of(attrs["callee"])
    k = attrs["num_nonlinear"]
    if not 0 <= k <= len(ins):
        raise InferenceError(f"pb.linear_transpose num_nonlinear={k} is out of range for @{attrs['callee']}")
    require(len(specs) == k + len(outs),
            f"pb.linear_transpose expects {k + len(outs)} operands (non-linear inputs then output cotangents), "
            f"got {len(specs)}")
    _check_primals("linear_transpose", specs[:k], ins[:k])
    _check_pairs("linear_transpose", outs, specs[k:], "cotangent")
    return list(ins[k:])


deftransform("jvp", ["args*"], {"callee": SYMBOL}, infer=_infer_jvp_like("jvp"),
             doc="Forward mode: (primals, tangents) -> (outputs, output tangents) of @callee.")
deftransform("linearize", ["args*"], {"callee": SYMBOL}, infer=_infer_jvp_like("linearize"),
             doc="Like pb.jvp, but computed as a primal function returning residuals and a linear function.")
deftransform("vjp", ["args*"], {"callee": SYMBOL}, infer=_infer_vjp,
             doc="Reverse mode: (primals, output cotangents) -> (outputs, input cotangents) of @callee.")
deftransform("linear_transpose", ["args*"], {"callee": SYMBOL, "num_nonlinear": I64}, infer=_infer_transpose,
             doc="Transpose of @callee, linear in its inputs after the first num_nonlinear.")
