"""The op table of the pb dialect and the per-op rule tables.

Every op is declared once with `defop`: its operands, attributes and
results (the IRDL definition is generated from this), plus the rules every
op must have: shape/dtype inference, a numpy reference and a lowering to
upstream dialects. Transformation rules (JVP, transpose, batching) live in
tables of their own, keyed by op name; each family module fills them next
to the op's `defop`, through the registrars of `ad.py` and `batching.py`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Sequence

from .types import TensorSpec

# Attribute kinds, with the IRDL base each one is checked against.
I64 = "i64"              # builtin IntegerAttr of i64     -> int
I64_ARRAY = "i64_array"  # builtin DenseI64ArrayAttr      -> tuple[int, ...]
STRING = "string"        # builtin StringAttr             -> str
ELEMENTS = "elements"    # builtin DenseElementsAttr      -> numpy array
SYMBOL = "symbol"        # builtin FlatSymbolRefAttr      -> str (the name, without '@')
ATTR_IRDL_BASE = {
    SYMBOL: "#builtin.symbol_ref",
    I64: "#builtin.integer",
    I64_ARRAY: "#builtin.dense_array",
    STRING: "#builtin.string",
    ELEMENTS: "#builtin.dense_int_or_fp_elements",
}


class InferenceError(TypeError):
    """An op's operands or attributes do not fit its constraints."""


@dataclass(frozen=True)
class OpDef:
    name: str
    operands: tuple            # operand names; a trailing '*' marks a variadic operand
    attrs: dict                # attribute name -> kind, in printing order
    results: tuple = ("out",)
    same_type: tuple = ()      # groups of operand/result names whose types must be equal
    family: str = ""
    doc: str = ""
    enums: dict = field(default_factory=dict)  # string attribute -> allowed values

    @cached_property  # read for every op emitted
    def variadic(self) -> bool:
        return any(o.endswith("*") for o in self.operands)

    @cached_property
    def full_name(self) -> str:
        return "pb." + self.name


OPS: dict[str, OpDef] = {}
INFER: dict[str, Callable] = {}       # (operand specs, attrs) -> [result specs]
REFERENCE: dict[str, Callable] = {}   # (*numpy arrays, **attrs) -> numpy array or tuple
LOWER: dict[str, Callable] = {}       # (LoweringBuilder, operands, result specs, attrs) -> [ir.Value]
# Transformation rules (registrars in ad.py and batching.py).
JVP: dict[str, Callable] = {}         # (primals, tangents, **attrs) -> (primal outs, tangent outs)
TRANSPOSE: dict[str, Callable] = {}   # (cotangents, operands, linear flags, **attrs) -> operand cotangents
BATCH: dict[str, Callable] = {}       # (operands, batch dims, size, **attrs) -> (outs, out batch dims)
NON_DIFFERENTIABLE: set[str] = set()
LINEAR_IN: dict[str, tuple] = {}      # ops linear in only some operands: the positions that may be
BILINEAR: set[str] = set()            # linear in either operand, not in both at once (mul, dot_general)

RULE_TABLES = {"infer": INFER, "reference": REFERENCE, "lower": LOWER}


def defop(name: str, operands: Sequence[str], attrs: dict | None = None, *,
          infer: Callable, reference: Callable, lower: Callable,
          results: Sequence[str] = ("out",), same_type: Sequence[Sequence[str]] = (),
          family: str = "", doc: str = "", enums: dict | None = None) -> OpDef:
    """Declare a pb op together with its mandatory rules."""
    if name in OPS:
        raise ValueError(f"pb.{name} is declared twice")
    op = OpDef(name, tuple(operands), dict(attrs or {}), tuple(results),
               tuple(tuple(g) for g in same_type), family, doc, dict(enums or {}))
    OPS[name] = op
    INFER[name] = infer
    REFERENCE[name] = reference
    LOWER[name] = lower
    return op


def op_def(name: str) -> OpDef:
    op = OPS.get(name)
    if op is None:
        raise InferenceError(f"unknown op pb.{name}")
    return op


def infer(name: str, operand_specs: Sequence[TensorSpec], attrs: dict) -> list[TensorSpec]:
    """Result specs of `pb.<name>` applied to operands of the given specs."""
    op = op_def(name)
    check_signature(op, operand_specs, attrs)
    return list(INFER[name](list(operand_specs), attrs))


def check_signature(op: OpDef, operand_specs: Sequence[TensorSpec], attrs: dict) -> None:
    """Operand count, attribute presence and enum values."""
    if not op.variadic and len(operand_specs) != len(op.operands):
        raise InferenceError(
            f"pb.{op.name} expects {len(op.operands)} operands, got {len(operand_specs)}")
    if op.variadic and len(operand_specs) < len(op.operands) - 1:
        raise InferenceError(f"pb.{op.name} expects at least {len(op.operands) - 1} operands")
    for a in op.attrs:
        if a not in attrs:
            raise InferenceError(f"pb.{op.name} requires attribute '{a}'")
    for a, allowed in op.enums.items():
        if attrs[a] not in allowed:
            raise InferenceError(
                f"pb.{op.name} attribute '{a}' must be one of {sorted(allowed)}, got '{attrs[a]}'")
