"""Helpers that lowering rules use to build linalg/tensor/arith IR.

A lowering rule receives a `Lowering` object with the insertion point and
location of the pb op being replaced already active, and returns the values
that replace the op's results. Signedness lives in pb dtypes only: after
lowering, unsigned data is stored as signless integers, and rules pick signed or
unsigned arith ops from the pb dtype.
"""
from __future__ import annotations

from typing import Callable, Sequence

from mlir import ir
from mlir.dialects import linalg, scf
from mlir.dialects import complex as cplx

from .types import COMPLEX, FLOATS, REAL_OF_COMPLEX, ContextMemo, TensorSpec

_SCALAR_SPELLING = {
    "bool": "i1", "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64",
    "uint8": "i8", "uint16": "i16", "uint32": "i32", "uint64": "i64",
    "float16": "f16", "bfloat16": "bf16", "float32": "f32", "float64": "f64",
    "complex64": "complex<f32>", "complex128": "complex<f64>",
}

PARALLEL = "parallel"
REDUCTION = "reduction"

# Lowering builds the same few types and attributes thousands of times per program; parsing
# or building them costs microseconds each, a memo lookup nanoseconds.
_SCALAR_TYPES = ContextMemo()     # pb dtype -> storage element type
_TENSOR_TYPES = ContextMemo()     # TensorSpec -> storage tensor type
_AFFINE_MAPS = ContextMemo()      # (num_dims, results) -> ir.AffineMap
_ITERATOR_TYPES = ContextMemo()   # iterator names -> ArrayAttr of #linalg.iterator_type
_ELEMENT_TYPES = ContextMemo()    # tensor type -> its element type
_INDEXING_MAPS = ContextMemo()    # affine maps -> ArrayAttr of them
_SEGMENTS = ContextMemo()         # (inputs, outputs) -> operandSegmentSizes of a linalg op


def scalar_type(dtype: str) -> ir.Type:
    """Storage element type of a pb dtype after lowering (uint32 -> i32, ...)."""
    return _SCALAR_TYPES.get(dtype, lambda: ir.Type.parse(_SCALAR_SPELLING[dtype]))


def tensor_type(spec: TensorSpec) -> ir.RankedTensorType:
    return _TENSOR_TYPES.get(spec, lambda: ir.RankedTensorType.get(list(spec.shape), scalar_type(spec.dtype)))


def affine_map(num_dims: int, results: Sequence) -> ir.AffineMap:
    """Map (d0, ..., d{n-1}) -> results; an int result is a dim, None is the constant 0."""
    results = tuple(results)

    def build():
        exprs = [ir.AffineConstantExpr.get(0) if r is None else ir.AffineDimExpr.get(r) for r in results]
        return ir.AffineMap.get(num_dims, 0, exprs)
    return _AFFINE_MAPS.get((num_dims, results), build)


def identity_map(rank: int) -> ir.AffineMap:
    return affine_map(rank, range(rank))


def iterator_types(iterators: Sequence[str]) -> ir.ArrayAttr:
    """The iterator_types attribute of a linalg.generic."""
    iterators = tuple(iterators)
    return _ITERATOR_TYPES.get(iterators, lambda: ir.ArrayAttr.get(
        [ir.Attribute.parse(f"#linalg.iterator_type<{it}>") for it in iterators]))


def indexing_maps(maps: Sequence[ir.AffineMap]) -> ir.ArrayAttr:
    """The indexing_maps attribute of a linalg.generic."""
    maps = tuple(maps)
    return _INDEXING_MAPS.get(maps, lambda: ir.ArrayAttr.get([ir.AffineMapAttr.get(m) for m in maps]))


def operand_segments(num_inputs: int, num_outputs: int) -> ir.Attribute:
    """The operandSegmentSizes attribute of a linalg op (its ins, its outs)."""
    key = (num_inputs, num_outputs)
    return _SEGMENTS.get(key, lambda: ir.DenseI32ArrayAttr.get(list(key)))


def element_type(t: ir.Type) -> ir.Type:
    """The element type of a ranked tensor type."""
    return _ELEMENT_TYPES.get(t, lambda: ir.RankedTensorType(t).element_type)


def _arith_constant(value: ir.Attribute) -> ir.Value:
    """arith.constant of a typed attribute (without the Python builder's dispatch on value kinds)."""
    return ir.Operation.create("arith.constant", results=[value.type], attributes={"value": value}).result


def index_constant(v: int) -> ir.Value:
    """arith.constant of index type."""
    return _arith_constant(ir.IntegerAttr.get(ir.IndexType.get(), int(v)))


def for_each(lo: ir.Value, hi: ir.Value, body: Callable[[ir.Value], None]) -> None:
    """scf.for i in [lo, hi) step 1 without carries; `body(i)` builds the loop's body."""
    loop = scf.ForOp(lo, hi, index_constant(1))
    with ir.InsertionPoint(loop.body):
        body(loop.induction_variable)
        scf.YieldOp([])


class Lowering:
    """Builders for lowering rules. One instance serves a whole pass run."""

    def scalar_type(self, dtype: str) -> ir.Type:
        return scalar_type(dtype)

    def tensor_type(self, spec: TensorSpec) -> ir.RankedTensorType:
        return tensor_type(spec)

    def empty(self, spec: TensorSpec) -> ir.Value:
        # (tensor.empty's builder sorts static from dynamic sizes first: ours are all static)
        return ir.Operation.create("tensor.empty", results=[tensor_type(spec)]).result

    def constant(self, value, dtype: str) -> ir.Value:
        """A scalar arith constant of a pb dtype."""
        t = scalar_type(dtype)
        if dtype in COMPLEX:
            part = scalar_type(REAL_OF_COMPLEX[dtype])
            value = complex(value)
            return cplx.constant(t, ir.ArrayAttr.get([ir.FloatAttr.get(part, value.real),
                                                       ir.FloatAttr.get(part, value.imag)]))
        if dtype in FLOATS:
            return _arith_constant(ir.FloatAttr.get(t, float(value)))
        if dtype == "bool":
            return _arith_constant(ir.IntegerAttr.get(t, 1 if value else 0))
        bits = ir.IntegerType(t).width
        v = int(value) & ((1 << bits) - 1)
        if v >= 1 << (bits - 1):  # signless attributes take the two's complement value
            v -= 1 << bits
        return _arith_constant(ir.IntegerAttr.get(t, v))

    def full(self, spec: TensorSpec, value) -> ir.Value:
        """A tensor filled with a scalar (an ir.Value or a Python number)."""
        scalar = value if isinstance(value, ir.Value) else self.constant(value, spec.dtype)
        init = self.empty(spec)
        # What linalg.fill(scalar, outs=[init]) builds, without its OpDSL machinery (~50 us a call).
        fill = linalg.FillOp([init.type], [scalar], [init])
        linalg.fill_builtin_region(fill.operation)
        return fill.result

    def named(self, op_class: type, inputs: Sequence[ir.Value], init: ir.Value) -> ir.Value:
        """A named linalg op on tensors (op_class: linalg.MatmulOp, ...): what linalg.matmul(*inputs,
        outs=[init]) builds, without its wrappers' argument handling (18 -> 8 us a matmul)."""
        op = op_class([init.type], list(inputs), [init])
        linalg.fill_builtin_region(op.operation)
        return op.result

    def generic(self, inputs: Sequence[ir.Value], input_maps: Sequence[ir.AffineMap],
                out_specs: Sequence[TensorSpec], body: Callable, *,
                num_dims: int | None = None, out_maps: Sequence[ir.AffineMap] | None = None,
                iterators: Sequence[str] | None = None,
                inits: Sequence[ir.Value] | None = None) -> list[ir.Value]:
        """A linalg.generic. `body(*input_scalars, *output_scalars)` returns the yielded scalars."""
        if num_dims is None:
            num_dims = len(out_specs[0].shape)
        if out_maps is None:
            out_maps = [identity_map(num_dims)] * len(out_specs)
        if iterators is None:
            iterators = [PARALLEL] * num_dims
        if inits is None:
            inits = [self.empty(s) for s in out_specs]
        operands = list(inputs) + list(inits)
        # Created directly: the generated builders' argument handling costs more than the op.
        op = ir.Operation.create("linalg.generic", results=[tensor_type(s) for s in out_specs], operands=operands,
                                 attributes={"indexing_maps": indexing_maps(list(input_maps) + list(out_maps)),
                                             "iterator_types": iterator_types(iterators),
                                             "operandSegmentSizes": operand_segments(len(operands) - len(inits),
                                                                                     len(inits))},
                                 regions=1)
        block = op.regions[0].blocks.append(*[element_type(v.type) for v in operands])
        with ir.InsertionPoint(block):
            yielded = body(*block.arguments)
            if isinstance(yielded, ir.Value):
                yielded = [yielded]
            ir.Operation.create("linalg.yield", operands=list(yielded))
        return list(op.results)

    def map(self, inputs: Sequence[ir.Value], out_spec: TensorSpec, body: Callable) -> ir.Value:
        """Elementwise map over same-shaped inputs: body(*scalars) -> scalar."""
        rank = len(out_spec.shape)
        return self.generic(inputs, [identity_map(rank)] * len(inputs), [out_spec],
                            lambda *args: body(*args[:len(inputs)]))[0]
