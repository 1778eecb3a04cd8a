"""dialects.ir.ops_named: the ops of given names in a Python walk's order, leaving the IR as it was."""
from __future__ import annotations

from mlir import ir

from pullback.dialects.ir import ops_named

NESTED = """\
func.func @f(%a: i32, %n: index) -> i32 {
  %dead = arith.constant 7 : i32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %a) -> (i32) {
    %s = arith.addi %acc, %a : i32
    %t = arith.muli %s, %s : i32
    scf.yield %t : i32
  }
  %u = arith.addi %r, %a : i32
  func.return %u : i32
}
func.func @g(%a: i32) -> i32 {
  %z = arith.addi %a, %a : i32
  func.return %z : i32
}
"""


def _python_walk(root, names) -> list:
    found = []

    def visit(op):
        if op.operation.name in names:
            found.append(op.operation)
        return ir.WalkResult.ADVANCE
    root.walk(visit)
    return found


def test_ops_named_matches_a_python_walk_and_changes_nothing():
    with ir.Context():
        module = ir.Module.parse(NESTED)
        before = str(module)
        for names in ({"arith.addi"}, {"arith.addi", "scf.for", "func.return"}, {"arith.constant"},
                      {"func.func"}, {"memref.alloc"}):
            got = ops_named(module.operation, names)
            assert got == _python_walk(module.operation, names), names
        assert [op.name for op in ops_named(module.operation, ["arith.addi", "arith.muli"])] == \
            ["arith.addi", "arith.muli", "arith.addi", "arith.addi"]
        assert ops_named(module.operation, []) == []
        assert str(module) == before  # the dead constant is neither folded nor erased
