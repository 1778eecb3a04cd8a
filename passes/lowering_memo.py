"""Repeated lowerings in pb-to-linalg are cloned, not built again.

A program of repeated layers lowers the same pb op (same name, operand and result types,
attributes) many times, and each lowering rule builds its IR op by op through the Python
bindings: a tanh's rational approximation alone is ~20 ops, ~10 us each. The first time an
op's signature is seen, the ops its rule creates are recorded: every op between a marker
put before the op and the op itself (MLIR's C API walks there: `dialects/capi.py`), loops
that only write buffers included. From the third time on, that lowering is a template: its
ops are cloned, each with one C++ call, their operands remapped to the new op's, and every
location the first op gave them set to the new op's. The IR is the same as the rule would
build (test_lowering_memo compares programs printed with their locations); a 32-layer MLP
gradient's pb-to-linalg 15 -> ~10 ms.

A lowering is not reused when a created op reads a value that is neither an operand of the
lowered op nor made by the lowering (one it placed elsewhere, at the function's entry say),
or when it made too many ops to track cheaply (MAX_TEMPLATE_OPS).
"""
from __future__ import annotations

from mlir import ir

from pullback.dialects.capi import ops_between

MAX_TEMPLATE_OPS = 64  # top-level ops of one lowering: bigger ones are rebuilt every time

# Where an operand of a cloned op comes from: the lowered op's operand k, or result r of
# the template's j-th created op.
INPUT, CREATED = 0, 1


class _Template:
    """The created ops of a first lowering, in block order, and how to rewire a copy."""

    def __init__(self, location: ir.Location, ops: list, top_sources: list, nested_sources: list, results: list):
        self.location = location      # the first lowered op's, which its ops were given
        self.ops = ops                # the first lowering's created top-level ops
        self.top = top_sources        # per op: [(operand index, source)]
        self.nested = [_grouped(n) for n in nested_sources]  # per op: {pre-order index: [(operand index, source)]}
        self.results = results        # the lowered op's results, as sources

    def instantiate(self, operands: list, location: ir.Location) -> list:
        """Clone the ops before the current insertion point, for an op with `operands`."""
        made = []

        def value(source):
            kind, a, b = source
            return operands[a] if kind == INPUT else made[a].results[b]

        # An op lowered again at the same location (a layer in a Python loop) needs no walk
        # over its copies unless a nested op reads from outside its own op.
        same_place = location == self.location
        for op, top, nested in zip(self.ops, self.top, self.nested):
            new = op.clone()
            for i, source in top:
                new.operands[i] = value(source)
            if not same_place or nested:
                _relocate(new, self.location, location,
                          {index: [(i, value(s)) for i, s in group] for index, group in nested.items()})
            made.append(new)
        return [value(s) for s in self.results]


def _grouped(nested: list) -> dict:
    out: dict = {}
    for index, i, source in nested:
        out.setdefault(index, []).append((i, source))
    return out


def _relocate(op, old: ir.Location, new: ir.Location, rewires: dict) -> None:
    """Give `op`, the ops inside it and their blocks' arguments location `new` where they
    have `old` (the template's); set the nested operands in `rewires` ({pre-order index:
    [(operand index, value)]})."""
    count = [0]

    def visit(o):
        index = count[0]
        count[0] += 1
        if o.location == old:
            o.location = new
        for i, v in rewires.get(index, ()):
            o.operands[i] = v
        for region in o.regions:
            for block in region.blocks:
                for arg in block.arguments:
                    if arg.location == old:
                        arg.set_location(new)
        return ir.WalkResult.ADVANCE

    if len(op.regions):
        op.walk(visit, ir.WalkOrder.PRE_ORDER)
    else:
        visit(op)


def build_template(location: ir.Location, operands: list, created: list, results: list) -> _Template | None:
    """The template of a lowering of an op at `location` with `operands` that created the ops
    `created` (in block order) and replaced the op's results by `results`; None when it
    cannot be reused (see the module's doc)."""
    if len(created) > MAX_TEMPLATE_OPS:
        return None
    inputs = {v: k for k, v in enumerate(operands)}
    index = {op: j for j, op in enumerate(created)}

    def source(v):
        if v in inputs:
            return (INPUT, inputs[v], 0)
        owner = v.owner
        j = index.get(owner.operation) if isinstance(owner, (ir.OpView, ir.Operation)) else None
        return None if j is None else (CREATED, j, v.result_number)

    top_sources, nested_sources = [], []
    for op in created:
        top = [(i, source(v)) for i, v in enumerate(op.operands)]
        nested = _nested_sources(op, source)
        if nested is None or any(s is None for _, s in top):
            return None
        top_sources.append(top)
        nested_sources.append(nested)
    result_sources = [source(v) for v in results]
    if any(s is None for s in result_sources):
        return None
    return _Template(location, created, top_sources, nested_sources, result_sources)


def _nested_sources(op, source) -> list | None:
    """For the ops inside `op`'s regions (pre-order), the operands they read from outside
    `op`, as (pre-order index, operand index, source); None when one is not a source."""
    if not len(op.regions):
        return []
    inside: set = set()
    found: list = []
    failed = [False]
    count = [0]

    def visit(o):
        index = count[0]
        count[0] += 1
        if index:
            for i, v in enumerate(o.operands):
                if v not in inside:
                    s = source(v)
                    if s is None:
                        failed[0] = True
                        return ir.WalkResult.INTERRUPT
                    found.append((index, i, s))
            inside.update(o.results)
        for region in o.regions:
            for block in region.blocks:
                inside.update(block.arguments)
        return ir.WalkResult.ADVANCE

    op.walk(visit, ir.WalkOrder.PRE_ORDER)
    return None if failed[0] else found


class LoweringMemo:
    """Per pass run: lowerings by op signature. `lower(key, op, operands, build)` runs
    `build()` (which builds before `op`) the first BUILDS_BEFORE_TEMPLATE times a key is
    seen and clones its first lowering afterwards: making a template costs about one
    lowering, which an op seen twice would not repay (a 2-layer MLP's pass 0.5 ms slower
    when templates were made at once)."""

    BUILDS_BEFORE_TEMPLATE = 2

    def __init__(self):
        self._first: dict = {}      # key -> [(location, operands, created ops, results) of its first lowering, builds]
        self._templates: dict = {}  # key -> _Template, or None when not reusable

    def lower(self, key, op: ir.Operation, operands: list, build) -> list:
        # Which operands are the same value is part of the signature: a template made from
        # mul(x, x) reads one operand twice.
        key = (key, tuple(operands.index(v) for v in operands))
        template = self._templates.get(key, False)
        if template is False:
            first = self._first.get(key)
            if first is None:
                return self._record(key, op, operands, build)
            if first[1] < self.BUILDS_BEFORE_TEMPLATE:
                first[1] += 1
                return list(build())
            template = self._templates[key] = build_template(*self._first.pop(key)[0])
        if template:
            return template.instantiate(operands, op.location)
        return list(build())

    def _record(self, key, op: ir.Operation, operands: list, build) -> list:
        """Build, and remember what was built: the ops between a marker put before `op` and `op`."""
        index = ir.IndexType.get()
        marker = ir.Operation.create("arith.constant", results=[index], attributes={"value": ir.IntegerAttr.get(index, 0)})
        results = list(build())
        created = ops_between(marker, op)
        marker.erase()
        self._first[key] = [(op.location, operands, created, results), 1]
        return results
