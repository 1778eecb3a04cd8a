"""Copying ops between functions, and inlining calls.

IRDL ops have no inliner interface, so upstream's inliner refuses pb ops;
transformations that need a flat function (partial evaluation, transposition)
inline calls themselves, with the `Inliner`: a function transform (see
`function_transform`) whose rule for plain calls emits the callee's body and whose
other ops are copied, calls of tagged declarations included (host callbacks have no
body; custom derivative calls have their rules in `custom_derivative_rules`).
"""
from __future__ import annotations

from mlir import ir

from pullback.dialects.ir import body_ops, entry_block, is_declaration, module_body

from .function_transform import FunctionTransform, copy_op
from .registry import PassFailure


def clone_into(op, mapping: dict) -> None:
    """Clone `op` at the current insertion point with operands remapped; maps its results."""
    mapping.update(zip(op.results, copy_op(op, [mapping.get(v, v) for v in op.operands])))


class Inliner(FunctionTransform):
    """Emits bodies at the insertion point, calls of ordinary functions replaced by theirs.

    `seeds` are values of the function being emitted (tangent or linear inputs) that
    partial evaluation follows: `depends(v)` says whether v is computed from one, so a
    rule can treat a call applied to them differently (custom derivative calls).
    Without `keep_custom` (pb-inline), a custom derivative call is an error."""

    pass_name, verb = "pb-inline", "inline"

    def __init__(self, module_or_table, seeds=(), keep_custom: bool = True):
        super().__init__(module_or_table)
        self.keep_custom = keep_custom
        self._depends = {s: True for s in seeds}
        self._call_free: dict = {}  # function name -> whether its body calls nothing

    def inline(self, name: str, args) -> list:
        """Emit @name's body on `args`; the values it returns."""
        fn = self.table.get(name)
        with self.entered(name, ir.Location.current):
            if fn is None or is_declaration(fn):
                raise PassFailure(f"cannot inline a call of @{name}: it has no body", ir.Location.current)
            call_free = self._call_free.get(name)
            if call_free is None:
                call_free = self._call_free[name] = not any(op.name == "func.call" for op in body_ops(fn))
            if call_free:  # no rule to apply: every op is copied as it is
                return splice_copy(fn, args, self.table.module)
            mapping = dict(zip(entry_block(fn).arguments, args))

            def visit(site):
                outs = self.apply(site, [mapping.get(v, v) for v in site.op.operands])
                mapping.update(zip(site.op.results, outs))
            ret = self.visit_body(fn, visit)
        return [mapping.get(v, v) for v in ret.operands]

    def recursion_message(self, name: str) -> str:
        chain = list(self.active) + [name]
        return (f"cannot inline the recursive function @{name} "
                f"(call chain: {' -> '.join('@' + n for n in chain)})")

    def missing_rule(self, site, args) -> list:
        return copy_op(site.op, args)

    def depends(self, v: ir.Value) -> bool:
        """Whether v is computed from a seed (memoized; values outside ops are not)."""
        memo = self._depends
        stack = [v]
        while stack:
            x = stack[-1]
            if x in memo:
                stack.pop()
                continue
            owner = x.owner
            if isinstance(owner, ir.Block):
                memo[x] = False
                stack.pop()
                continue
            operands = list(owner.operands)
            pending = [o for o in operands if o not in memo]
            if pending:
                stack.extend(pending)
                continue
            found = any(memo[o] for o in operands)
            for r in owner.results:
                memo[r] = found
            stack.pop()
        return memo[v]


def splice_copy(fn, args, module) -> list:
    """fn's body emitted at the current insertion point on `args`, as copying it op by op
    would, for a tenth of the cost: the function is copied whole (one C++ call), its ops
    moved out, its arguments replaced by `args`; the values it returns."""
    ip = ir.InsertionPoint.current
    copy = fn.operation.clone(ip=ir.InsertionPoint(module_body(module)))
    block = entry_block(copy)
    for arg, value in zip(block.arguments, args):
        arg.replace_all_uses_with(value)
    ops = [op.operation for op in block.operations]
    results = list(ops[-1].operands)
    anchor = ip.ref_operation
    for op in ops[:-1]:
        if anchor is None:
            ip.block.append(op)
        else:
            op.move_before(anchor)
    copy.erase()  # (its return goes with it)
    return results


@Inliner.call_rule("call")
def _inline_call(inliner: Inliner, site, args) -> list:
    return inliner.inline(site.callee, args)


def inline_body(module_or_table, fn_name: str, args, keep_custom: bool = False) -> list:
    """Clone @fn_name's body at the current insertion point on `args`, inlining nested
    calls; returns the values it returns. With `keep_custom`, calls of custom derivative
    declarations (`pb.custom`) are copied as calls, so later differentiation still sees them."""
    return Inliner(module_or_table, keep_custom=keep_custom).inline(fn_name, args)


def inline_calls(inliner: Inliner, name: str) -> None:
    """Replace each call in @name by what the inliner's rule for its kind makes of it: a plain
    call by the callee's body (transitively); the rules of tagged kinds keep or replace theirs."""
    fn = inliner.table[name]
    with inliner.entered(name, fn.location):
        for op in body_ops(fn):
            if op.name != "func.call":
                continue
            with ir.InsertionPoint(op), op.location:
                outs = inliner.apply(inliner.classify(op), list(op.operands))
            for old, new in zip(op.results, outs):
                old.replace_all_uses_with(new)
            op.erase()
