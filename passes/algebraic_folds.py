"""pb-simplify's algebraic folds of transposes: what XLA's algebraic simplifier does for them.

Reverse mode produces `transpose(dot_general(ct, x))` for the cotangent of a matmul's right
operand (JAX's transpose rule of dot_general permutes its result back to the operand's
layout). Lowered as written, that is a library matmul followed by a full copy of a
transposed matrix, once per layer of a network. Swapping the dot's operands gives the
permuted result directly: dot_general's result is (batch, lhs free, rhs free), so
transpose(dot(a, b)) with the free blocks swapped is dot(b, a). Two transposes in a row
compose into one (or none).

Each fold is keyed by the name of the op it rewrites and returns whether it changed the IR.
"""
from __future__ import annotations

from mlir import ir

from pullback.dialects.pb import pb


def _ints(op, name: str) -> tuple[int, ...]:
    return tuple(ir.DenseI64ArrayAttr(op.attributes[name]))


def _producer(value: ir.Value, name: str):
    """The op of `name` that defines `value` and has no other user, or None."""
    owner = value.owner
    if not isinstance(owner, ir.Operation) and hasattr(owner, "operation"):
        owner = owner.operation
    if not isinstance(owner, ir.Operation) or owner.name != name:
        return None
    return owner if len(list(value.uses)) == 1 else None


def _rank(value: ir.Value) -> int:
    return ir.RankedTensorType(value.type).rank


def _replace_leaving_producer(op, new: ir.Value) -> None:
    # The producer, now unused, is left to pb-simplify's dead-code sweep: its caller may
    # still hold it (as a common-subexpression candidate) while it walks the block.
    op.results[0].replace_all_uses_with(new)
    op.erase()


def _swapped_dot(op, dot) -> bool:
    lc, rc = _ints(dot, "lhs_contracting"), _ints(dot, "rhs_contracting")
    lb, rb = _ints(dot, "lhs_batch"), _ints(dot, "rhs_batch")
    lhs, rhs = dot.operands
    nb = len(lb)
    n_lhs_free = _rank(lhs) - len(lc) - nb
    n_rhs_free = _rank(rhs) - len(rc) - nb
    swapped = (tuple(range(nb)) + tuple(range(nb + n_lhs_free, nb + n_lhs_free + n_rhs_free))
               + tuple(range(nb, nb + n_lhs_free)))
    if _ints(op, "permutation") != swapped:
        return False
    with ir.InsertionPoint(op), op.location:
        new = pb.dot_general(rhs, lhs, lhs_contracting=rc, rhs_contracting=lc, lhs_batch=rb, rhs_batch=lb)
    _replace_leaving_producer(op, new)
    return True


def _composed_transposes(op, inner) -> bool:
    p, q = _ints(inner, "permutation"), _ints(op, "permutation")
    composed = tuple(p[i] for i in q)  # result dim i is inner's dim q[i], which is x's dim p[q[i]]
    (x,) = inner.operands
    if composed == tuple(range(len(composed))):
        new = x
    else:
        with ir.InsertionPoint(op), op.location:
            new = pb.transpose(x, permutation=composed)
    _replace_leaving_producer(op, new)
    return True


def _fold_transpose(op) -> bool:
    (x,) = op.operands
    dot = _producer(x, "pb.dot_general")
    if dot is not None:
        return _swapped_dot(op, dot)
    inner = _producer(x, "pb.transpose")
    return inner is not None and _composed_transposes(op, inner)


FOLDS = {"pb.transpose": _fold_transpose}


def fold_algebraic(op) -> bool:
    """Apply the fold registered for `op`'s name; whether the IR changed (`op` may be gone)."""
    fold = FOLDS.get(op.name)
    return fold is not None and fold(op)
