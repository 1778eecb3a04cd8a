"""pb-cpu-codegen: tile and vectorize matmuls for the host CPU.

Each static `linalg.matmul` / `linalg.batch_matmul` of a supported element
type is rewritten by a transform-dialect script generated for its shape:

* split the M and N dimensions where the register tile does not divide them,
  so that every part tiles into static full tiles (no masks, no dynamic shapes);
* tile each part into TM x TN register tiles with K innermost (tile 1) and
  vectorize each tile into a `vector.contract`;
* large products tile their outer row dimension with `scf.forall`, which the
  pipeline turns into a parallel loop on the async runtime's thread pool;
* hoist the accumulator tile out of the K loop (it stays in registers) and
  lower contractions to outer products, i.e. broadcast-FMAs over vector rows.

TM x TN is sized for the host's vector registers: 8 rows of two vectors (16 of
AVX-512's 32 registers) or 4 rows of two (8 of AVX2's 16), leaving room for
the B row and the broadcast A element.
"""
from __future__ import annotations

import functools
import logging
import math

from mlir import ir
from mlir.dialects.transform import interpreter

from pullback.dialects.ir import ops_named

from .blas import MARK as MARK_BLAS, in_loop
from .registry import register_pass

log = logging.getLogger("pullback.passes.cpu_codegen")
MARK = "__pb_codegen__"
TILE_LOOP = "__pb_tile_loop__"  # loops of the tiling, told apart from the program's own loops

# Named op -> indices of its (batch, m, n, k) iteration dimensions.
NAMED = {
    "linalg.matmul": (None, 0, 1, 2),
    "linalg.batch_matmul": (0, 1, 2, 3),
}
# Iteration dimensions indexing (lhs, rhs, out) under the default indexing maps.
DEFAULT_DIMS = {
    "linalg.matmul": [(0, 2), (2, 1), (0, 1)],
    "linalg.batch_matmul": [(0, 1, 3), (0, 3, 2), (0, 1, 2)],
}
ELEMENT_BYTES = {"f32": 4, "f64": 8, "i32": 4, "i64": 8}

# Products of at least this many multiply-adds run on all cores; below it the
# dispatch (a few microseconds) costs more than it saves.
PARALLEL_MACS = 1 << 21


@functools.lru_cache(maxsize=None)
def host_vector_bytes() -> int:
    """Widest vector register of the host CPU that LLVM will target."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line for line in f if line.startswith("flags")), "").split()
    except OSError:
        flags = []
    if "avx512f" in flags:
        return 64
    if "avx2" in flags:
        return 32
    return 16


def register_tile(element_bytes: int) -> tuple[int, int]:
    """(rows, columns) of the accumulator tile kept in registers."""
    vb = host_vector_bytes()
    rows = 8 if vb == 64 else 4
    return rows, 2 * vb // element_bytes


class _Script:
    """Text of a transform script, with fresh handle names."""

    def __init__(self):
        self.lines: list[str] = []
        self.count = 0

    def fresh(self) -> str:
        self.count += 1
        return f"%h{self.count}"

    def add(self, line: str) -> None:
        self.lines.append("    " + line)

    def split(self, handle: str, dim: int, at: int) -> tuple[str, str]:
        parts, low, high = self.fresh(), self.fresh(), self.fresh()
        self.add(f"{parts} = transform.structured.split {handle} after {at} {{dimension = {dim}}} : !transform.any_op")
        self.add(f"{low}, {high} = transform.split_handle {parts} : (!transform.any_op) -> (!transform.any_op, !transform.any_op)")
        return low, high

    def tile(self, handle: str, sizes, forall: bool = False) -> str:
        """Tile by `sizes` (an scf.forall over the nonzero sizes, or nested scf.for); the
        tiled op. Producers are not fused: the operands' (transposes, elementwise chains)
        would be recomputed once per tile, and the accumulator's fill stays one memset."""
        tiled, loops = self.fresh(), self.fresh()
        sizes_text = ", ".join(map(str, sizes))
        if forall:
            self.add(f"{tiled}, {loops} = transform.structured.tile_using_forall {handle} tile_sizes [{sizes_text}] "
                     ": (!transform.any_op) -> (!transform.any_op, !transform.any_op)")
            return tiled
        n = sum(1 for s in sizes if s)
        types = ", ".join(["!transform.any_op"] * (n + 1))
        self.add(f"{tiled}, {loops}:{n} = transform.structured.tile_using_for {handle} "
                 f"tile_sizes [{sizes_text}] : (!transform.any_op) -> ({types})")
        for i in range(n):  # the finishing script hoists accumulators out of these loops only
            self.add(f'transform.annotate {loops}#{i} "{TILE_LOOP}" : !transform.any_op')
        return tiled

    def vectorize(self, handle: str) -> None:
        self.add(f"transform.structured.vectorize {handle} {{create_named_contraction}} : !transform.any_op")

    def text(self) -> str:
        body = "\n".join(self.lines)
        return ("module attributes {transform.with_named_sequence} {\n"
                "  transform.named_sequence @main(%root: !transform.any_op {transform.readonly}) {\n"
                f"{body}\n    transform.yield\n  }}\n}}\n")


def _schedule_op(script: _Script, name: str, bounds: list[int], element_bytes: int, parallel: bool = True) -> None:
    """Append the tiling and vectorization of the marked op to the script. `parallel`
    allows row tiles on the thread pool (not inside a loop of the program: the outlined
    parallel body would capture the loop's subviews, whose dynamic offsets the
    bare-pointer calling convention cannot pass)."""
    b, m, n, k = NAMED[name]
    tm, tn = register_tile(element_bytes)
    tile = [0] * len(bounds)
    if b is not None:
        tile[b] = 1
    tile[m], tile[n], tile[k] = tm, tn, 1
    handle = script.fresh()
    script.add(f'{handle} = transform.structured.match ops{{["{name}"]}} attributes{{{MARK}}} in %root '
               ": (!transform.any_op) -> !transform.any_op")
    # Split M, then N, into a part that full tiles cover and a remainder that
    # becomes one tile of its own size in that dimension.
    parts = [(handle, list(tile))]
    for d in (m, n):
        main = bounds[d] // tile[d] * tile[d]
        next_parts = []
        for h, sizes in parts:
            if main == 0:  # the dimension is smaller than a tile: one partial tile
                next_parts.append((h, sizes[:d] + [bounds[d]] + sizes[d + 1:]))
            elif main == bounds[d]:
                next_parts.append((h, sizes))
            else:
                low, high = script.split(h, d, main)
                next_parts += [(low, sizes), (high, sizes[:d] + [bounds[d] - main] + sizes[d + 1:])]
        parts = next_parts
    macs = math.prod(bounds)
    for i, (h, sizes) in enumerate(parts):
        outer = [s if d in (b, m) else 0 for d, s in enumerate(sizes)]
        inner = [s if d == n else 0 for d, s in enumerate(sizes)]
        rows = math.prod(bounds[d] // sizes[d] for d in (b, m) if d is not None)
        if parallel and i == 0 and macs >= PARALLEL_MACS and rows >= 2:
            h = script.tile(script.tile(h, outer, forall=True), inner)
        else:
            h = script.tile(h, [x or y for x, y in zip(outer, inner)])
        h = script.tile(h, [1 if d == k else 0 for d in range(len(bounds))])
        script.vectorize(h)


# After tiling: clean up, keep accumulators in registers, and lower the vector
# contractions to broadcast-FMAs on one-dimensional vectors. Rewrites are
# bounded so that patterns that undo each other fail the script instead of
# looping (vector.lower_broadcast did, with canonicalization, on 1x1 tiles;
# convert-vector-to-llvm lowers broadcasts anyway).
_FINISH = """\
    %f = transform.structured.match ops{["func.func"]} in %root : (!transform.any_op) -> !transform.any_op
    transform.apply_patterns to %f {
      transform.apply_patterns.canonicalization
    } {max_iterations = 10, max_num_rewrites = 20000} : !transform.any_op
    transform.apply_cse to %f : !transform.any_op
    %loops = transform.structured.match ops{["scf.for"]} attributes{__pb_tile_loop__} in %root
      : (!transform.any_op) -> !transform.any_op
    transform.loop.hoist_loop_invariant_subsets %loops : !transform.any_op
    transform.apply_patterns to %f {
      transform.apply_patterns.vector.cast_away_vector_leading_one_dim
      transform.apply_patterns.vector.lower_contraction lowering_strategy = "outerproduct"
      transform.apply_patterns.vector.transfer_permutation_patterns
      transform.apply_patterns.vector.lower_outerproduct
      transform.apply_patterns.vector.lower_transfer max_transfer_rank = 1
      transform.apply_patterns.vector.lower_shape_cast
      transform.apply_patterns.vector.lower_transpose lowering_strategy = "shuffle_1d"
      transform.apply_patterns.canonicalization
    } {max_iterations = 10, max_num_rewrites = 20000} : !transform.any_op"""


def _candidate(op) -> tuple[str, list[int], int] | None:
    """(name, loop bounds, element bytes) of an op this pass handles, else None."""
    name = op.name
    if name not in NAMED:
        return None
    types = [v.type for v in op.operands] + [r.type for r in op.results]
    if not all(isinstance(t, ir.RankedTensorType) and t.has_static_shape for t in types):
        return None
    if MARK_BLAS in op.attributes:  # an OpenBLAS call after bufferization (passes/blas_calls.py)
        return None
    element = str(types[0].element_type)
    if element not in ELEMENT_BYTES or any(str(t.element_type) != element for t in types):
        return None
    # (batch,) m, n, k from the indexing maps (operands may be transposed or broadcast);
    # ops built from Python hold the default maps implicitly.
    if "indexing_maps" in op.attributes:
        dims = [[e.position if isinstance(e, ir.AffineDimExpr) else None for e in ir.AffineMapAttr(a).value.results]
                for a in ir.ArrayAttr(op.attributes["indexing_maps"])]
    else:
        dims = DEFAULT_DIMS[name]
    bounds = [None] * sum(d is not None for d in NAMED[name])  # one per loop
    for t, operand_dims in zip(types, dims):
        for size, d in zip(t.shape, operand_dims):
            if d is not None:
                bounds[d] = size
    if None in bounds or 0 in bounds:
        return None
    return name, bounds, ELEMENT_BYTES[element]


@register_pass("pb-cpu-codegen", "Tile and vectorize matmuls into register-tiled FMA kernels")
def cpu_codegen(module_op) -> None:
    targets = [(op, c, not in_loop(op)) for op in ops_named(module_op, NAMED)
               if (c := _candidate(op)) is not None]
    if not targets:
        return
    try:
        for op, (name, bounds, element_bytes), parallel in targets:
            op.attributes[MARK] = ir.UnitAttr.get()
            script = _Script()
            _schedule_op(script, name, bounds, element_bytes, parallel)
            _apply(module_op, script.text())
        script = _Script()
        script.lines.append(_FINISH)
        _apply(module_op, script.text())
        _drop_attribute(module_op, TILE_LOOP)
    except ValueError as e:
        # Every step rewrites valid IR into valid IR, so a failed script leaves a
        # correct program whose remaining linalg and vector ops lower as usual.
        log.warning("pb-cpu-codegen: transform script failed, matmuls may stay scalar: %s", e)


def _drop_attribute(module_op, name: str) -> None:
    def visit(op):
        if name in op.operation.attributes:
            del op.operation.attributes[name]
        return ir.WalkResult.ADVANCE
    module_op.walk(visit)


def _apply(module_op, text: str) -> None:
    schedule = ir.Module.parse(text)
    interpreter.apply_named_sequence(module_op, schedule.body.operations[0], schedule)
