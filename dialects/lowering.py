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
from mlir.dialects import arith, linalg, tensor
from mlir.dialects import complex as cplx

from .types import COMPLEX, FLOATS, REAL_OF_COMPLEX, TensorSpec

_SCALAR_SPELLING = {
    "bool": "i1", "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64",
    "uint8": "i8", "uint16": "i16", "uint32": "i32", "uint64": "i64",
    "float16": "f16", "bfloat16": "bf16", "float32": "f32", "float64": "f64",
    "complex64": "complex<f32>", "complex128": "complex<f64>",
}

PARALLEL = "parallel"
REDUCTION = "reduction"


def scalar_type(dtype: str) -> ir.Type:
    """Storage element type of a pb dtype after lowering (uint32 -> i32, ...)."""
    return ir.Type.parse(_SCALAR_SPELLING[dtype])


def tensor_type(spec: TensorSpec) -> ir.RankedTensorType:
    return ir.RankedTensorType.get(list(spec.shape), scalar_type(spec.dtype))


def affine_map(num_dims: int, results: Sequence) -> ir.AffineMap:
    """Map (d0, ..., d{n-1}) -> results; an int result is a dim, None is the constant 0."""
    exprs = [ir.AffineConstantExpr.get(0) if r is None else ir.AffineDimExpr.get(r) for r in results]
    return ir.AffineMap.get(num_dims, 0, exprs)


def identity_map(rank: int) -> ir.AffineMap:
    return affine_map(rank, list(range(rank)))


class Lowering:
    """Builders for lowering rules. One instance serves a whole pass run."""

    def scalar_type(self, dtype: str) -> ir.Type:
        return scalar_type(dtype)

    def tensor_type(self, spec: TensorSpec) -> ir.RankedTensorType:
        return tensor_type(spec)

    def empty(self, spec: TensorSpec) -> ir.Value:
        return tensor.empty(list(spec.shape), scalar_type(spec.dtype))

    def constant(self, value, dtype: str) -> ir.Value:
        """A scalar arith constant of a pb dtype."""
        t = scalar_type(dtype)
        if dtype in COMPLEX:
            part = scalar_type(REAL_OF_COMPLEX[dtype])
            value = complex(value)
            return cplx.constant(t, ir.ArrayAttr.get([ir.FloatAttr.get(part, value.real),
                                                       ir.FloatAttr.get(part, value.imag)]))
        if dtype in FLOATS:
            return arith.constant(t, ir.FloatAttr.get(t, float(value)))
        if dtype == "bool":
            return arith.constant(t, ir.IntegerAttr.get(t, 1 if value else 0))
        bits = ir.IntegerType(t).width
        v = int(value) & ((1 << bits) - 1)
        if v >= 1 << (bits - 1):  # signless attributes take the two's complement value
            v -= 1 << bits
        return arith.constant(t, ir.IntegerAttr.get(t, v))

    def full(self, spec: TensorSpec, value) -> ir.Value:
        """A tensor filled with a scalar (an ir.Value or a Python number)."""
        scalar = value if isinstance(value, ir.Value) else self.constant(value, spec.dtype)
        return linalg.fill(scalar, outs=[self.empty(spec)])

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
        maps = ir.ArrayAttr.get([ir.AffineMapAttr.get(m) for m in list(input_maps) + list(out_maps)])
        iters = ir.ArrayAttr.get([ir.Attribute.parse(f"#linalg.iterator_type<{it}>") for it in iterators])
        op = linalg.GenericOp([tensor_type(s) for s in out_specs], list(inputs), list(inits), maps, iters)
        arg_types = [ir.RankedTensorType(v.type).element_type for v in list(inputs) + list(inits)]
        block = op.regions[0].blocks.append(*arg_types)
        with ir.InsertionPoint(block):
            yielded = body(*block.arguments)
            if isinstance(yielded, ir.Value):
                yielded = [yielded]
            linalg.YieldOp(list(yielded))
        return list(op.results)

    def map(self, inputs: Sequence[ir.Value], out_spec: TensorSpec, body: Callable) -> ir.Value:
        """Elementwise map over same-shaped inputs: body(*scalars) -> scalar."""
        rank = len(out_spec.shape)
        return self.generic(inputs, [identity_map(rank)] * len(inputs), [out_spec],
                            lambda *args: body(*args[:len(inputs)]))[0]
