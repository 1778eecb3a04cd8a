"""Repeated lowerings in pb-to-linalg are cloned, not built again.

A program of repeated layers lowers the same pb op (same name, operand and result types,
attributes) many times, and each lowering rule builds its IR op by op through the Python
bindings: a tanh's rational approximation alone is ~20 ops, ~10 us each. The second time an
op's signature is seen, its first lowering becomes a template: the ops the rule created
(the backward slice of its results, down to the op's operands) are cloned, each with one
C++ call, their operands remapped to the new op's, and every op of the copy given the new
op's location. The IR is the same as the rule would build (test_lowering_memo checks it
printed, program by program); a 32-layer MLP gradient's pb-to-linalg 15 -> ~6 ms.

A lowering is not reused when its ops are not all reachable that way: a result that is
neither an operand nor computed from them, a value of the program read inside a created
region, or too many created ops to track cheaply (MAX_TEMPLATE_OPS).
"""
from __future__ import annotations

from mlir import ir

MAX_TEMPLATE_OPS = 64  # top-level ops of one lowering (an FFT's loops, say, are rebuilt)

# Where an operand of a cloned op comes from: the lowered op's operand k, or result r of
# the template's j-th created op.
INPUT, CREATED = 0, 1


class _Template:
    """The created ops of a first lowering, in block order, and how to rewire a copy."""

    def __init__(self, ops: list, top_sources: list, nested_sources: list, results: list):
        self.ops = ops                # the first lowering's created top-level ops
        self.top = top_sources        # per op: [(operand index, source)]
        self.nested = [_grouped(n) for n in nested_sources]  # per op: {pre-order index: [(operand index, source)]}
        self.results = results        # the lowered op's results, as sources
        self.location = ops[0].location if ops else None

    def instantiate(self, operands: list, location: ir.Location) -> list:
        """Clone the ops before the current insertion point, for an op with `operands`."""
        made = []

        def value(source):
            kind, a, b = source
            return operands[a] if kind == INPUT else made[a].results[b]

        # An op lowered again at the same location (a layer in a Python loop) needs no walk
        # over its copies unless a nested op reads from outside its own op.
        same_place = not self.ops or location == self.location
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


def _owner_op(v: ir.Value):
    owner = v.owner
    return owner.operation if isinstance(owner, ir.OpView) else (owner if isinstance(owner, ir.Operation) else None)


def build_template(operands: list, results: list) -> _Template | None:
    """The template of a lowering that turned an op with `operands` into `results`; None when
    it cannot be reused (see the module's doc)."""
    inputs = {v: k for k, v in enumerate(operands)}
    created: dict = {}  # op -> None, in discovery order (an ordered set)
    stack = [v for v in results if v not in inputs]
    while stack:
        v = stack.pop()
        op = _owner_op(v)
        if op is None:  # a block argument that is no operand
            return None
        if op in created:
            continue
        created[op] = None
        if len(created) > MAX_TEMPLATE_OPS:
            return None
        stack.extend(x for x in op.operands if x not in inputs)
    ops = _block_order(list(created))
    index = {op: j for j, op in enumerate(ops)}

    def source(v):
        if v in inputs:
            return (INPUT, inputs[v], 0)
        op = _owner_op(v)
        j = index.get(op) if op is not None else None
        return None if j is None else (CREATED, j, v.result_number)

    top_sources, nested_sources = [], []
    for op in ops:
        tops = [(i, source(v)) for i, v in enumerate(op.operands)]
        nested = _nested_sources(op, source)
        if nested is None or any(s is None for _, s in tops):
            return None
        top_sources.append([(i, s) for i, s in tops])
        nested_sources.append(nested)
    result_sources = [source(v) for v in results]
    if any(s is None for s in result_sources):
        return None
    return _Template(ops, top_sources, nested_sources, result_sources)


def _block_order(ops: list) -> list:
    """Ops of one block sorted as they stand in it (insertion sort: a lowering makes a few)."""
    out: list = []
    for op in ops:
        i = len(out)
        while i and op.is_before_in_block(out[i - 1]):
            i -= 1
        out.insert(i, op)
    return out


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
    """Per pass run: lowerings by op signature. `lower(key, operands, location, build)` runs
    `build()` the first BUILDS_BEFORE_TEMPLATE times a key is seen and clones its first
    lowering afterwards: making a template costs about one lowering, which an op seen twice
    would not repay (a 2-layer MLP's pass 0.5 ms slower when templates were made at once)."""

    BUILDS_BEFORE_TEMPLATE = 2

    def __init__(self):
        self._first: dict = {}      # key -> [(operands, results) of its first lowering, builds so far]
        self._templates: dict = {}  # key -> _Template, or None when not reusable

    def lower(self, key, operands: list, location: ir.Location, build) -> list:
        # Which operands are the same value is part of the signature: a template made from
        # mul(x, x) reads one operand twice.
        key = (key, tuple(operands.index(v) for v in operands))
        template = self._templates.get(key, False)
        if template is False:
            first = self._first.get(key)
            if first is not None and first[1] >= self.BUILDS_BEFORE_TEMPLATE:
                template = self._templates[key] = build_template(*self._first.pop(key)[0])
        if template:
            return template.instantiate(operands, location)
        results = list(build())
        if template is False:
            first = self._first.setdefault(key, [(operands, results), 0])
            first[1] += 1
        return results
