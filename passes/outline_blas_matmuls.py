"""pb-outline-blas-matmuls: large float matmuls become calls of one function per signature.

Runs on linalg-on-tensors, before pb-cpu-codegen and elementwise fusion. A candidate is a
static f32/f64 `linalg.matmul` or `linalg.batch_matmul` with the default indexing maps,
accumulating into a zero fill (the canonical form pb-to-linalg gives a dot_general), of at
least `blas.MIN_MACS` multiply-adds (inside a loop, with more than `blas.IN_LOOP_MAX_ROWS` rows
too: a loop step's small product runs faster as a generated kernel). It is replaced by a call of a private function, shared
by every matmul of the same signature, that holds one matmul marked `pb.blas`; pb-blas-calls
turns that matmul into an OpenBLAS call after bufferization. An operand produced by a pure
transpose of its last two dimensions is read in place: the transpose folds into the marked
matmul's indexing maps, which become the call's `trans` flags. Outlining also keeps fusion
from folding reshapes into the matmul and producers from being recomputed inside it.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, func, linalg, tensor

from pullback.dialects.ops.convolution import TAP_SUM

from pullback.dialects.ir import call, functions, last_op, module_body, ops_named

from . import blas
from .registry import register_pass

# Indexing maps of (batch,) m, n, k for each operand, by whether it is read transposed.
_MAPS = {
    False: {"a": {False: "(m, n, k) -> (m, k)", True: "(m, n, k) -> (k, m)"},
            "b": {False: "(m, n, k) -> (k, n)", True: "(m, n, k) -> (n, k)"},
            "c": "(m, n, k) -> (m, n)"},
    True: {"a": {False: "(b, m, n, k) -> (b, m, k)", True: "(b, m, n, k) -> (b, k, m)"},
           "b": {False: "(b, m, n, k) -> (b, k, n)", True: "(b, m, n, k) -> (b, n, k)"},
           "c": "(b, m, n, k) -> (b, m, n)"},
}


def _is_zero_fill(value: ir.Value) -> bool:
    op = value.owner
    if not isinstance(op, ir.OpView) or op.operation.name != "linalg.fill":
        return False
    scalar = op.operation.operands[0].owner
    if not isinstance(scalar, ir.OpView) or scalar.operation.name != "arith.constant":
        return False
    attr = scalar.operation.attributes["value"]
    return isinstance(attr, ir.FloatAttr) and attr.value == 0.0


def _transposed_source(value: ir.Value, rank: int) -> ir.Value | None:
    """The input of a linalg.generic that only swaps the last two dimensions of it."""
    op = value.owner
    if not isinstance(op, ir.OpView) or op.operation.name != "linalg.generic":
        return None
    op = op.operation
    if len(op.operands) != 2 or len(op.results) != 1:
        return None
    body = op.regions[0].blocks[0]
    if len(body.operations) != 1:
        return None
    only = last_op(body)
    if only.name != "linalg.yield" or only.operands[0] != body.arguments[0]:
        return None
    maps = [ir.AffineMapAttr(a).value for a in ir.ArrayAttr(op.attributes["indexing_maps"])]
    swap = list(range(rank - 2)) + [rank - 1, rank - 2]
    in_dims = [e.position if isinstance(e, ir.AffineDimExpr) else None for e in maps[0].results]
    out_dims = [e.position if isinstance(e, ir.AffineDimExpr) else None for e in maps[1].results]
    if out_dims != list(range(rank)) or in_dims != swap:
        return None
    return op.operands[0]


def _default_maps(op, defaults: dict) -> bool:
    """Whether a named matmul reads its operands as plain (batch,) m x k and k x n (the parser
    records the default maps explicitly; ops built from Python may leave them implicit)."""
    if "indexing_maps" not in op.attributes:
        return True
    return op.attributes["indexing_maps"] == defaults[op.name == "linalg.batch_matmul"]


def _default_indexing_maps() -> dict:
    """The default `indexing_maps` of a matmul (False) and of a batch matmul (True), in the
    current context: attributes are uniqued, so an op has them iff it has these very ones."""
    def maps(batched):
        m = _MAPS[batched]
        return ", ".join(f"affine_map<{text}>" for text in (m["a"][False], m["b"][False], m["c"]))
    return {batched: ir.Attribute.parse(f"[{maps(batched)}]") for batched in (False, True)}


_MATMULS = ("linalg.matmul", "linalg.batch_matmul")


def _qualifies(op, defaults: dict) -> bool:
    """Whether a matmul is to call the library: static, float, large, with the default maps,
    accumulating into a zero fill. Replacing other matmuls by calls never changes this."""
    if not _default_maps(op, defaults) or blas.MARK in op.attributes or len(op.operands) != 3:
        return False
    types = [v.type for v in op.operands]
    if not all(isinstance(t, ir.RankedTensorType) and t.has_static_shape for t in types):
        return False
    element = str(types[0].element_type)
    if element not in blas.ELEMENT_PREFIX or any(str(t.element_type) != element for t in types):
        return False
    out = types[2].shape
    k = types[0].shape[-1]
    macs = k
    for d in out:
        macs *= d
    if macs < blas.MIN_MACS or 0 in out or k == 0 or not _is_zero_fill(op.operands[2]):
        return False
    return not (out[-2] <= blas.IN_LOOP_MAX_ROWS and blas.in_loop(op))


def _sources(op) -> tuple:
    """(source a, transposed a, source b, transposed b): each operand, or what a transpose
    producing it reads."""
    rank = op.operands[2].type.rank
    a, b = op.operands[0], op.operands[1]
    ta, tb = _transposed_source(a, rank), _transposed_source(b, rank)
    return ta if ta is not None else a, ta is not None, tb if tb is not None else b, tb is not None


def _function_text(name: str, batched: bool, element: str, a_type, ta: bool, b_type, tb: bool, c_type) -> str:
    maps = _MAPS[batched]
    op = "linalg.batch_matmul" if batched else "linalg.matmul"
    return f"""
func.func private @{name}(%a: {a_type}, %b: {b_type}) -> {c_type} attributes {{no_inline}} {{
  %zero = arith.constant 0.0 : {element}
  %empty = tensor.empty() : {c_type}
  %init = linalg.fill ins(%zero : {element}) outs(%empty : {c_type}) -> {c_type}
  %c = {op} indexing_maps = [affine_map<{maps["a"][ta]}>, affine_map<{maps["b"][tb]}>, affine_map<{maps["c"]}>]
      ins(%a, %b : {a_type}, {b_type}) outs(%init : {c_type}) -> {c_type}
  return %c : {c_type}
}}"""


class _Outliner:
    def __init__(self, module_op):
        self.module_op = module_op
        self.made: set[str] = set(functions(module_op))

    def function_for(self, batched, element, a, ta, b, tb, c_type) -> str:
        shape = "x".join(map(str, c_type.shape)) + f"x{a.type.shape[-2 if ta else -1]}"
        name = f"pb_blas_{blas.ELEMENT_PREFIX[element]}gemm{'_batch' if batched else ''}_{'nt'[ta]}{'nt'[tb]}_{shape}"
        if name not in self.made:
            text = _function_text(name, batched, element, a.type, ta, b.type, tb, c_type)
            holder = ir.Module.parse(text)  # kept alive until its function has moved
            fn = holder.body.operations[0].operation
            walk_mark(fn)
            module_body(self.module_op).append(fn)
            self.made.add(name)
        return name


def outline_tap_sum(op, outliner: _Outliner) -> None:
    """Replace a tap sum by a call of a function per signature holding it, marked pb.blas,
    accumulating into its own zero fill (the library overwrites it: beta = 0 at the first tap)."""
    x, w = op.operands[0], op.operands[1]
    out_type = op.results[0].type
    shape = "x".join(map(str, list(x.type.shape) + list(w.type.shape)))
    element = str(out_type.element_type)
    name = f"pb_blas_{blas.ELEMENT_PREFIX[element]}conv_taps_{shape}"
    if name not in outliner.made:
        with ir.InsertionPoint(module_body(outliner.module_op)), op.location:
            fn = func.FuncOp(name, ([x.type, w.type], [out_type]))
            fn.attributes["sym_visibility"] = ir.StringAttr.get("private")
            fn.attributes["no_inline"] = ir.UnitAttr.get()
            entry = fn.add_entry_block()
        with ir.InsertionPoint(entry), op.location:
            zero = arith.ConstantOp(out_type.element_type, 0.0).result
            fill = linalg.fill(zero, outs=[tensor.EmptyOp(out_type.shape, out_type.element_type).result])
            inner = op.clone()
            for i, v in enumerate((entry.arguments[0], entry.arguments[1], fill)):
                inner.operands[i] = v
            inner.attributes[blas.MARK] = ir.UnitAttr.get()
            func.ReturnOp([inner.results[0]])
        outliner.made.add(name)
    with ir.InsertionPoint(op), op.location:
        (result,) = call(name, [x, w], [out_type])
    op.results[0].replace_all_uses_with(result)
    op.erase()


def walk_mark(fn) -> None:
    for op in ops_named(fn, _MATMULS):
        op.attributes[blas.MARK] = ir.UnitAttr.get()


@register_pass("pb-outline-blas-matmuls",
               "Outline large float matmuls into one function per signature, to be called in OpenBLAS")
def outline_blas_matmuls(module_op) -> None:
    if not blas.enabled():
        return
    found, taps, defaults = [], [], _default_indexing_maps()
    for op in ops_named(module_op, _MATMULS + ("linalg.generic",)):  # one walk for both kinds
        if op.name in _MATMULS:
            if _qualifies(op, defaults):
                found.append(op)
        elif TAP_SUM in op.attributes and blas.MARK not in op.attributes:
            taps.append(op)  # a convolution lowered as a sum of per-tap matmuls
    outliner = _Outliner(module_op)
    for op in taps:
        outline_tap_sum(op, outliner)
    for op in found:
        # operands are read now, not at collection: an earlier rewrite may have replaced them
        a, ta, b, tb = _sources(op)
        batched, element = op.name == "linalg.batch_matmul", str(op.operands[0].type.element_type)
        c_type = op.results[0].type
        name = outliner.function_for(batched, element, a, ta, b, tb, c_type)
        with ir.InsertionPoint(op), op.location:
            (result,) = call(name, [a, b], [c_type])
        op.results[0].replace_all_uses_with(result)
        op.erase()
