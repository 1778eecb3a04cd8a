"""pb-simplify: dead code elimination, common subexpressions and zero folding.

IRDL gives pb ops no Pure trait, so upstream DCE and CSE leave them alone;
every pb op is side-effect free, which this pass relies on. Only pb ops are
removed or merged, never a `func.call`: a call of a host callback
(dialects/callbacks.py) is effectful (`is_effectful`) and must run as written
even when it has no used results, as `debug.print` has none. Zero folding
removes what materialized zero tangents leave behind: x + 0, 0 - x, and
linear ops applied to zeros (which are zeros of the result type). Products
with zero are not folded, since x * 0 is NaN for non-finite x. Transposes fold into the
dots and transposes that produce them (algebraic_folds.py).

Bodies of control flow (dialects/control.py) are functions like any other, so
they are simplified too. A control flow call is removed when its results are
unused and nothing its bodies reach calls a host callback: a loop that prints
runs even when nobody reads its carry. Across the call (`control_simplify`): dead carries,
outputs and operands of loops and branches go, and loop-invariant ops move before the loop.
"""
from __future__ import annotations

from mlir import ir

from pullback.dialects.callbacks import is_callback
from pullback.dialects.control import control_call
from pullback.dialects.ir import functions, symbol_closure
from pullback.dialects.pb import pb

from .algebraic_folds import fold_algebraic
from .control_simplify import simplify_control_calls
from .registry import register_pass

# Ops linear in all their operands: applied to zeros they give zeros.
_LINEAR_UNARY = {"neg", "broadcast_in_dim", "reshape", "transpose", "rev", "slice", "reduce_sum",
                 "real", "imag", "conj", "cumsum", "convert_element_type"}
_ADDITIVE = ("add", "sub")


def _is_pb(op) -> bool:
    return op.name.startswith("pb.")


def is_zero(v: ir.Value) -> bool:
    owner = v.owner
    if not isinstance(owner, ir.Operation) and hasattr(owner, "operation"):
        owner = owner.operation
    if not isinstance(owner, ir.Operation) or owner.name != "pb.constant":
        return False
    attr = owner.attributes["value"]
    dense = ir.DenseElementsAttr(attr)
    if dense.is_splat:
        return dense.get_splat_value().value in (0, False)
    return False


def _functions(module_op):
    for op in module_op.regions[0].blocks[0].operations:
        op = op.operation
        if op.name == "func.func" and len(op.regions[0].blocks):
            yield op


def _replace(op, values) -> None:
    for old, new in zip(op.results, values):
        old.replace_all_uses_with(new)
    op.erase()


def _fold_zero(op) -> bool:
    name = op.name[3:]
    if name not in _ADDITIVE and name not in _LINEAR_UNARY:
        return False
    operands = list(op.operands)
    if name in _ADDITIVE and len(operands) == 2:
        if is_zero(operands[1]):
            _replace(op, [operands[0]])
            return True
        if name == "add" and is_zero(operands[0]):
            _replace(op, [operands[1]])
            return True
    if name in _LINEAR_UNARY and operands and is_zero(operands[0]):
        with ir.InsertionPoint(op), op.location:
            zero = pb.zeros_of_type(op.results[0].type)
        _replace(op, [zero])
        return True
    return False


def _cse_key(op):
    # Attributes and types are uniqued by the context: equal ones are one object underneath,
    # and they hash and compare as such (printing them cost more than the rest of the pass).
    # Attribute names are unique, so sorting never compares attributes.
    attrs = tuple(sorted(op.attributes.items()))
    return (op.name, tuple(op.operands), attrs, tuple(r.type for r in op.results))


def _unused(op) -> bool:
    # (one step of an iterator over each result's uses: listing them all costs more)
    return all(next(iter(r.uses), None) is None for r in op.results)


def _removable_call(module_op, table: dict, op) -> bool:
    """A control flow call whose results are unused and whose bodies reach no host callback."""
    if control_call(op, table) is None or not _unused(op):
        return False
    callee = ir.FlatSymbolRefAttr(op.attributes["callee"]).value
    return not any(is_callback(table[n]) for n in symbol_closure(module_op, callee, table))


@register_pass("pb-simplify", "Remove dead pb ops and effect-free control flow, merge common subexpressions, "
                              "fold zeros and transposes of transposes and of dots")
def simplify(module_op) -> None:
    for _ in range(8):  # each round rewrites every control call once; new bodies need local rules
        _simplify_functions(module_op)
        if not simplify_control_calls(module_op):
            return


def _simplify_functions(module_op) -> None:
    table = functions(module_op)
    for fn in _functions(module_op):
        # A forward sweep merges and folds (an op's operands are final when it is reached),
        # a backward one removes dead ops (an op's users are gone when it is reached), so
        # one round of each reaches the fixed point, unless a fold made new ops (zeros, a
        # dot absorbing a transpose), which the sweep did not see: then another round.
        folded = True
        while folded:
            folded = False
            block = fn.regions[0].blocks[0]
            seen = {}
            for op in list(block.operations):
                op = op.operation
                if not _is_pb(op):
                    continue
                if _fold_zero(op) or fold_algebraic(op):
                    folded = True
                    continue
                key = _cse_key(op)
                if key in seen:
                    _replace(op, list(seen[key].results))
                    continue
                seen[key] = op
            for op in reversed(list(block.operations)):
                op = op.operation
                if (_is_pb(op) and _unused(op)) or _removable_call(
                        module_op, table, op):
                    op.erase()

