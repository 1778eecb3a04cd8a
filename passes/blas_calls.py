"""pb-blas-calls: matmuls marked by pb-outline-blas-matmuls become OpenBLAS calls.

Runs after bufferization. Each marked `linalg.matmul` / `linalg.batch_matmul` on memrefs
with unit inner strides becomes one call of `scipy_cblas_?gemm` (`?gemm_batch_strided` for
a batch) on the buffers' aligned pointers, row-major, with `trans` flags read from its
indexing maps and beta = 0, so the zero fill of its output (when it immediately precedes
the matmul) is dropped. The library is declared as private functions and loaded by the
runtime (runtime/engine.py) when a module calls it. A marked matmul that cannot be called
(a layout with a non-unit inner stride) stays a matmul and lowers to loops: slower, never wrong.

A product of at least `blas.PARALLEL_MACS` multiply-adds becomes one call per core inside an
`scf.parallel` (the async runtime's thread pool runs it), each on its own block of the batch,
rows or columns, found by moving the operands' pointers: OpenBLAS's own threads stay off.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, llvm, memref, scf

from pullback.dialects.ir import call, declare, functions, ops_named
from pullback.dialects.ops.convolution import TAP_SUM

from . import blas
from .gpu_ir import index_constant, parallel_loop, terminator
from .registry import register_pass

ROW_MAJOR, NO_TRANS, TRANS = 101, 111, 112


def _i32(v: int) -> ir.Value:
    return arith.ConstantOp(ir.IntegerType.get_signless(32), v).result


def _float(element: ir.Type, v: float) -> ir.Value:
    return arith.ConstantOp(element, v).result


def _pointer(buf: ir.Value, offset: int, element_bytes: int, start: ir.Value | None = None,
             stride: int = 0) -> ir.Value:
    """An !llvm.ptr to the first element of a memref (its aligned pointer plus offset), moved
    on by `start` (an index) times `stride` elements when given."""
    index = memref.ExtractAlignedPointerAsIndexOp(buf).result
    i64 = ir.IntegerType.get_signless(64)
    address = arith.IndexCastOp(i64, index).result
    if offset:
        address = arith.AddIOp(address, arith.ConstantOp(i64, offset * element_bytes).result).result
    if start is not None and stride:
        moved = arith.MulIOp(arith.IndexCastOp(i64, start).result,
                             arith.ConstantOp(i64, stride * element_bytes).result).result
        address = arith.AddIOp(address, moved).result
    return llvm.IntToPtrOp(llvm.PointerType.get(), address).result


def _layout(t: ir.MemRefType):
    """(strides, offset) when static and the innermost stride is 1, else None."""
    strides, offset = t.get_strides_and_offset()
    if any(t.is_dynamic_stride_or_offset(s) for s in [*strides, offset]) or strides[-1] != 1:
        return None
    return strides, offset


def _transposed(op, operand: int) -> bool:
    """Whether operand 0 (A) or 1 (B) is read transposed: its innermost dimension is not the
    one row-major storage has innermost (k for A, n for B; loops are (batch,) m, n, k)."""
    m = ir.AffineMapAttr(ir.ArrayAttr(op.attributes["indexing_maps"])[operand]).value
    k, n = m.n_dims - 1, m.n_dims - 2
    return m.results[-1].position != (k if operand == 0 else n)


def _gemm_type(element: ir.Type, batched: bool) -> tuple[list, list]:
    i32, ptr = ir.IntegerType.get_signless(32), llvm.PointerType.get()
    if batched:
        return [i32] * 6 + [element, ptr, i32, i32, ptr, i32, i32, element, ptr, i32, i32, i32], []
    return [i32] * 6 + [element, ptr, i32, ptr, i32, element, ptr, i32], []


def _split_axis(parts: int, batch: int, m: int, n: int, k: int) -> tuple[str, int, int] | None:
    """How a large product is split into one call per core: (axis, extent, block), or None.

    The batch when it has a block per core, else the rows, else the columns: each call then
    writes its own part of the output and reads its own part of one operand."""
    if parts < 2 or batch * m * n * k < blas.PARALLEL_MACS:
        return None
    for axis, extent, least in (("batch", batch, 1), ("m", m, blas.MIN_SPLIT_EXTENT),
                                ("n", n, blas.MIN_SPLIT_EXTENT)):
        if extent >= 2 * least:
            block = max(least, -(-extent // parts))
            return axis, extent, block
    return None


def _rewrite(op, declared: set, module_op, parts: int) -> bool:
    a, b, c = op.operands
    types = [ir.MemRefType(v.type) for v in (a, b, c)]
    layouts = [_layout(t) for t in types]
    if None in layouts:
        return False
    element = types[2].element_type
    batched = op.name == "linalg.batch_matmul"
    symbol = blas.gemm_symbol(str(element), batched)
    if symbol not in declared:
        declare(module_op, symbol, *_gemm_type(element, batched))
        declared.add(symbol)
    nbytes = element.width // 8
    ta, tb = _transposed(op, 0), _transposed(op, 1)
    *_, m, n = types[2].shape
    k = types[0].shape[-2] if ta else types[0].shape[-1]
    batch = types[2].shape[0] if batched else 1
    (sa, oa), (sb, ob), (sc, oc) = layouts
    # Elements between consecutive indices of each axis, per operand (0: the axis does not index it).
    strides = {"batch": (sa[0], sb[0], sc[0]) if batched else (0, 0, 0),
               "m": (1 if ta else sa[-2], 0, sc[-2]),
               "n": (0, sb[-2] if tb else 1, 1)}
    split = _split_axis(parts, batch, m, n, k)
    _drop_preceding_fill(op, c)

    def gemm(start=None, size=None, axis=None):
        """One library call, on the part of the product from `start` along `axis` when given."""
        steps = strides[axis] if axis else (0, 0, 0)
        pa, pb, pc = (_pointer(v, o, nbytes, start, st) for v, (_, o), st in zip((a, b, c), layouts, steps))
        extent = {"batch": _i32(batch), "m": _i32(m), "n": _i32(n)}
        if axis:
            extent[axis] = size
        head = [_i32(ROW_MAJOR), _i32(TRANS if ta else NO_TRANS), _i32(TRANS if tb else NO_TRANS),
                extent["m"], extent["n"], _i32(k), _float(element, 1.0)]
        if batched:
            args = head + [pa, _i32(sa[-2]), _i32(sa[0]), pb, _i32(sb[-2]), _i32(sb[0]),
                           _float(element, 0.0), pc, _i32(sc[-2]), _i32(sc[0]), extent["batch"]]
        else:
            args = head + [pa, _i32(sa[-2]), pb, _i32(sb[-2]), _float(element, 0.0), pc, _i32(sc[-2])]
        call(symbol, args, [])

    with ir.InsertionPoint(op), op.location:
        if split is None:
            gemm()
        else:
            axis, extent, block = split
            loop, body = parallel_loop([index_constant(0)], [index_constant(-(-extent // block))],
                                       [index_constant(1)])
            with ir.InsertionPoint(terminator(body)):
                start = arith.MulIOp(body.arguments[0], index_constant(block)).result
                left = arith.SubIOp(index_constant(extent), start).result
                size = arith.MinSIOp(left, index_constant(block)).result
                gemm(start, arith.IndexCastOp(ir.IntegerType.get_signless(32), size).result, axis)
    op.erase()
    return True


def _drop_preceding_fill(op, out: ir.Value) -> None:
    """beta = 0 overwrites the output: a zero fill of it right before the matmul is dead."""
    prev = None
    for o in op.block.operations:
        if o.operation == op:
            break
        prev = o.operation
    if prev is not None and prev.name == "linalg.fill" and prev.operands[1] == out:
        prev.erase()


# ---- convolutions as sums of per-tap matmuls (dialects/ops/convolution.py) -----------------

def _contiguous(t: ir.MemRefType) -> bool:
    """Whether a memref is dense row-major (offset 0 or not: its aligned pointer plus offset)."""
    layout = _layout(t)
    if layout is None:
        return False
    expected, size = [], 1
    for d in reversed(t.shape):
        expected.insert(0, size)
        size *= d
    return list(layout[0]) == expected


def _linear_coefficients(expr, n_dims: int) -> list[int] | None:
    """The coefficient of each dimension in a sum of dimensions times constants, else None."""
    if isinstance(expr, ir.AffineDimExpr):
        return [int(i == expr.position) for i in range(n_dims)]
    if isinstance(expr, ir.AffineAddExpr):
        a, b = _linear_coefficients(expr.lhs, n_dims), _linear_coefficients(expr.rhs, n_dims)
        return None if a is None or b is None else [x + y for x, y in zip(a, b)]
    if isinstance(expr, ir.AffineMulExpr) and isinstance(expr.rhs, ir.AffineConstantExpr):
        a = _linear_coefficients(expr.lhs, n_dims)
        return None if a is None else [x * expr.rhs.value for x in a]
    return None


def _tap_shifts(op) -> list[int] | None:
    """Rows each kernel tap dimension moves the input by: the coefficients of the tap loops
    (n, r, o, taps..., c) in the input's row index."""
    x_map = ir.AffineMapAttr(ir.ArrayAttr(op.attributes["indexing_maps"])[0]).value
    coefficients = _linear_coefficients(x_map.results[1], x_map.n_dims)
    if coefficients is None or coefficients[1] != 1:
        return None
    return coefficients[3:-1]


def _index_arith(op_class, a: ir.Value, b: int) -> ir.Value:
    return op_class(a, index_constant(b)).result


def _rewrite_tap_sum(op, declared: set, module_op, parts: int) -> bool:
    """out[n, r] = sum over taps t of x[n, r + shift(t)] @ w[t]: per image, one gemm per tap
    on row ranges of the same buffers, beta = 0 at the first tap and 1 after. Images (or, for
    fewer images than cores, blocks of rows) are split across cores."""
    x, w, out = op.operands
    types = [ir.MemRefType(v.type) for v in (x, w, out)]
    shifts = _tap_shifts(op)
    if shifts is None or not all(_contiguous(t) for t in types):
        return False
    element = types[2].element_type
    symbol = blas.gemm_symbol(str(element), False)
    if symbol not in declared:
        declare(module_op, symbol, *_gemm_type(element, False))
        declared.add(symbol)
    nbytes = element.width // 8
    images, length, c = types[0].shape
    window, o = types[1].shape[:-2], types[1].shape[-1]
    rows = types[2].shape[1]
    taps = 1
    for k in window:
        taps *= k
    offsets = [_layout(t)[1] for t in types]
    _drop_preceding_fill(op, out)

    def tap_shift(t: ir.Value) -> ir.Value:
        """Rows tap t (row-major over the window) moves the input by."""
        total, inner = index_constant(0), taps
        for k, shift in zip(window, shifts):
            inner //= k
            digit = _index_arith(arith.RemUIOp, _index_arith(arith.DivUIOp, t, inner), k)
            total = arith.AddIOp(total, _index_arith(arith.MulIOp, digit, shift)).result
        return total

    def image_taps(image: ir.Value, first_row: ir.Value, count: ir.Value) -> None:
        """All taps' gemms of one image on `count` rows from `first_row`."""
        loop = scf.ForOp(index_constant(0), index_constant(taps), index_constant(1))
        with ir.InsertionPoint(loop.body):
            t = loop.induction_variable
            row = arith.AddIOp(arith.AddIOp(_index_arith(arith.MulIOp, image, length), first_row).result,
                               tap_shift(t)).result
            out_row = arith.AddIOp(_index_arith(arith.MulIOp, image, rows), first_row).result
            first = arith.CmpIOp(arith.CmpIPredicate.eq, t, index_constant(0)).result
            beta = arith.SelectOp(first, _float(element, 0.0), _float(element, 1.0)).result
            i32 = ir.IntegerType.get_signless(32)
            call(symbol, [_i32(ROW_MAJOR), _i32(NO_TRANS), _i32(NO_TRANS), arith.IndexCastOp(i32, count).result,
                          _i32(o), _i32(c), _float(element, 1.0),
                          _pointer(x, offsets[0], nbytes, row, c), _i32(c),
                          _pointer(w, offsets[1], nbytes, t, c * o), _i32(o), beta,
                          _pointer(out, offsets[2], nbytes, out_row, o), _i32(o)], [])
            scf.YieldOp([])

    def image_loop(begin: ir.Value, end: ir.Value, first_row: ir.Value, count: ir.Value) -> None:
        loop = scf.ForOp(begin, end, index_constant(1))
        with ir.InsertionPoint(loop.body):
            image_taps(loop.induction_variable, first_row, count)
            scf.YieldOp([])

    split = _split_axis(parts, images, rows, o, c * taps)
    with ir.InsertionPoint(op), op.location:
        if split is None or split[0] == "n":
            image_loop(index_constant(0), index_constant(images), index_constant(0), index_constant(rows))
        else:
            axis, extent, block = split
            _, body = parallel_loop([index_constant(0)], [index_constant(-(-extent // block))], [index_constant(1)])
            with ir.InsertionPoint(terminator(body)):
                start = _index_arith(arith.MulIOp, body.arguments[0], block)
                size = arith.MinSIOp(arith.SubIOp(index_constant(extent), start).result, index_constant(block)).result
                if axis == "batch":  # a block of images, all rows
                    image_loop(start, arith.AddIOp(start, size).result, index_constant(0), index_constant(rows))
                else:  # every image, a block of rows
                    image_loop(index_constant(0), index_constant(images), start, size)
    op.erase()
    return True


@register_pass("pb-blas-calls", "Turn matmuls marked pb.blas into OpenBLAS cblas_?gemm calls (after bufferization)")
def blas_calls(module_op, cores: str = "0") -> None:
    """`cores`: how many calls a large product is split into (0: the host's cores)."""
    parts = blas.cores(cores)
    marked = [op for op in ops_named(module_op, ("linalg.matmul", "linalg.batch_matmul", "linalg.generic"))
              if blas.MARK in op.attributes and (op.name != "linalg.generic" or TAP_SUM in op.attributes)]
    declared = set(functions(module_op))
    for op in marked:
        if op.name == "linalg.generic":
            _rewrite_tap_sum(op, declared, module_op, parts)
        else:
            _rewrite(op, declared, module_op, parts)
