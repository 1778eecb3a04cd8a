"""pb-estimate-work: each function is annotated with the work it does per run of the program.

Runs after bufferization, on memrefs, while loops are still structured (scf, linalg). The CPU
runtime compiles cheap kernels without optimization first and optimizes them in the background
(runtime/native_jit.py, tiered compilation); it needs to know which kernels are cheap. A
kernel that runs few operations per call of the program costs little unoptimized (a 2-layer
MLP's gradient: 0.29 -> 0.45 ms), while one that runs a loop of matmuls would lose more than
its compile saves (an RNN's scan: 2 -> 21 ms). So every function defined in the module gets
`pb.work`: the scalar operations its own body executes per call of the public entry, summed
over every call path (a call in a loop of 100 trips counts 100 times).

What counts: one per scalar op; an op on vectors counts their elements; a linalg op its iteration
space times the ops of its body; loops multiply their body by their trip count (an unknown
trip count counts UNKNOWN_TRIPS times, a while loop too). A matmul marked for OpenBLAS counts
nothing: it runs library code whatever the tier. The figure is a static estimate, used only
to choose when code is optimized, never what it computes.
"""
from __future__ import annotations

from math import prod

from mlir import ir

from pullback.dialects.ir import callee_of, functions, is_declaration, is_private

from .registry import register_pass

WORK = "pb.work"
UNKNOWN_TRIPS = 1 << 10  # a loop whose trip count is not a constant (while loops too)
SATURATED = (1 << 62) - 1  # the attribute is an i64
_LOOPS = ("scf.for", "scf.forall", "scf.parallel")


def _constant_index(v: ir.Value) -> int | None:
    owner = v.owner
    if isinstance(owner, ir.OpView) and owner.operation.name == "arith.constant":
        attr = owner.operation.attributes["value"]
        if isinstance(attr, ir.IntegerAttr):
            return attr.value
    return None


def _trips(op: ir.Operation) -> int:
    """Iterations of an scf.for / scf.forall / scf.parallel (all dimensions)."""
    view = op.opview
    if op.name == "scf.for":
        bounds = [(view.lowerBound, view.upperBound, view.step)]
    elif op.name == "scf.parallel":
        bounds = list(zip(view.lowerBound, view.upperBound, view.step))
    else:  # scf.forall: static bounds are attributes, dynamic ones operands
        lower, upper, step = (list(ir.DenseI64ArrayAttr(op.attributes[name]))
                              for name in ("staticLowerBound", "staticUpperBound", "staticStep"))
        if any(n == ir.ShapedType.get_dynamic_size() for n in lower + upper + step):
            return UNKNOWN_TRIPS
        return prod(max(0, -(-(u - l) // s)) for l, u, s in zip(lower, upper, step))
    total = 1
    for lower, upper, step in bounds:
        l, u, s = _constant_index(lower), _constant_index(upper), _constant_index(step)
        total *= max(0, -(-(u - l) // s)) if None not in (l, u, s) and s > 0 else UNKNOWN_TRIPS
    return total


def _elements(t: ir.Type) -> int:
    if isinstance(t, (ir.VectorType, ir.MemRefType, ir.RankedTensorType)):
        if not t.has_static_shape:
            return UNKNOWN_TRIPS
        return prod(t.shape)
    return 1


def _iteration_space(op: ir.Operation) -> int:
    """Iterations of a linalg op: each loop dimension's extent, read off the operand an
    indexing map sends it to."""
    if "indexing_maps" not in op.attributes:  # a named op without explicit maps: its largest operand
        return max((_elements(v.type) for v in op.operands), default=1)
    extents: dict[int, int] = {}
    maps = [ir.AffineMapAttr(a).value for a in ir.ArrayAttr(op.attributes["indexing_maps"])]
    for operand, amap in zip(op.operands, maps):
        shape = operand.type.shape if isinstance(operand.type, ir.ShapedType) and operand.type.has_rank else []
        for size, expr in zip(shape, amap.results):
            if isinstance(expr, ir.AffineDimExpr) and size != ir.ShapedType.get_dynamic_size():
                extents[expr.position] = size
    dims = maps[0].n_dims if maps else 0
    return prod(extents.get(d, UNKNOWN_TRIPS) for d in range(dims))


class _Estimate:
    """Per function: its own work per call, and the calls it makes (callee, times per call)."""

    def __init__(self):
        self.own: dict[str, int] = {}
        self.calls: dict[str, dict[str, int]] = {}

    def function(self, name: str, fn: ir.Operation) -> None:
        calls = self.calls[name] = {}
        self.own[name] = self._region(fn.regions[0], 1, calls)

    def _region(self, region: ir.Region, times: int, calls: dict) -> int:
        return sum(self._op(op.operation, times, calls) for block in region.blocks for op in block.operations)

    def _op(self, op: ir.Operation, times: int, calls: dict) -> int:
        """Work of `op` run once, with `times` the runs of the code around it (for calls)."""
        name = op.name
        if name == "func.call":
            callee = callee_of(op)
            calls[callee] = calls.get(callee, 0) + times
            return 1
        if name.startswith("linalg."):
            if "pb.blas" in op.attributes:
                return 0
            body = sum(1 for region in op.regions for block in region.blocks for _ in block.operations)
            return _iteration_space(op) * max(1, body)
        if name in _LOOPS or name == "scf.while":
            trips = UNKNOWN_TRIPS if name == "scf.while" else _trips(op)
            return trips * sum(self._region(r, times * trips, calls) for r in op.regions)
        if op.regions:  # scf.if, scf.index_switch, ...: the dearest branch
            return 1 + max((self._region(r, times, calls) for r in op.regions), default=0)
        types = [r.type for r in op.results] or [v.type for v in op.operands]
        return max((_elements(t) for t in types if isinstance(t, ir.VectorType)), default=1)

    def per_run(self, entries: list[str]) -> dict[str, int]:
        """Each function's own work times how often one run of the entries calls it."""
        runs = {name: 0 for name in self.own}
        for entry in entries:
            runs[entry] = 1
        for name in self._callers_first(entries):
            for callee, times in self.calls.get(name, {}).items():
                if callee in runs:
                    runs[callee] = min(SATURATED, runs[callee] + runs[name] * times)
        return {name: min(SATURATED, self.own[name] * runs[name]) for name in self.own}

    def _callers_first(self, entries: list[str]) -> list[str]:
        order, seen = [], set()

        def visit(name):  # depth-first post-order, reversed: every caller before its callees
            if name in seen or name not in self.calls:
                return
            seen.add(name)
            for callee in self.calls[name]:
                visit(callee)
            order.append(name)
        for entry in entries:
            visit(entry)
        return order[::-1]


@register_pass("pb-estimate-work", "Annotate each function with pb.work: scalar operations per run of the program")
def estimate_work(module_op) -> None:
    estimate = _Estimate()
    defined = {name: fn for name, fn in functions(module_op).items() if not is_declaration(fn)}
    for name, fn in defined.items():
        estimate.function(name, fn)
    entries = [name for name, fn in defined.items() if not is_private(fn)]
    i64 = ir.IntegerType.get_signless(64)
    for name, work in estimate.per_run(entries).items():
        defined[name].attributes[WORK] = ir.IntegerAttr.get(i64, work)
