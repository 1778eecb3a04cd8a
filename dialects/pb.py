"""Terse pb op construction for transformation rules.

    from pullback.dialects.pb import pb
    y = pb.mul(x, pb.cos(x))
    s = pb.reduce_sum(y, axes=(0,))

Every call emits one pb op at the current insertion point (with the current
location) and returns its single result, or the list of results for
multi-result ops. Result types come from the op table's inference, so rules
cannot build ill-typed IR.
"""
from __future__ import annotations

import numpy as np
from mlir import ir

from . import registry
from .attributes import ConstantValue
from .emit import emit
from .types import COMPLEX, REAL_OF_COMPLEX, TensorSpec, numpy_dtype, spec_of_type


class _Emitter:
    def __getattr__(self, name: str):
        if name not in registry.OPS:
            raise AttributeError(f"no pb op named {name}")

        def build(*operands, **attrs):
            results = emit(name, list(operands), attrs, loc=ir.Location.current)
            return results[0] if len(results) == 1 else results
        build.__name__ = name
        return build

    # -- constants
    def constant(self, value, spec: TensorSpec) -> ir.Value:
        if np.ndim(value) == 0:  # one element seen through a broadcast: `elements_attr` makes it a splat
            arr = np.broadcast_to(np.full((), value, dtype=numpy_dtype(spec.dtype)), spec.shape)
        else:
            arr = np.asarray(value, dtype=numpy_dtype(spec.dtype))
        return emit("constant", [], {"value": ConstantValue(arr, spec)}, loc=ir.Location.current)[0]

    def full_like(self, x: ir.Value, value) -> ir.Value:
        """A constant of x's type filled with `value` (splat, so it stays small in the IR)."""
        return self.full(spec_of_type(x.type), value)

    def full(self, spec: TensorSpec, value) -> ir.Value:
        if spec.dtype in COMPLEX:
            part = REAL_OF_COMPLEX[spec.dtype]
            value = complex(value)
            return self.complex(self.constant(value.real, spec.with_dtype(part)),
                                self.constant(value.imag, spec.with_dtype(part)))
        return self.constant(value, spec)

    def zeros_like(self, x: ir.Value) -> ir.Value:
        return self.full_like(x, 0)

    def zeros_of_type(self, t: ir.Type) -> ir.Value:
        return self.full(spec_of_type(t), 0)

    def ones_like(self, x: ir.Value) -> ir.Value:
        return self.full_like(x, 1)


pb = _Emitter()


def spec(v: ir.Value) -> TensorSpec:
    return spec_of_type(v.type)
