"""A numpy interpreter of pb programs with control flow, for tests.

Evaluates a function of a module op by op with each op's numpy reference
(`registry.REFERENCE`, as harness.py does for one op), plain calls by recursion, and
control flow calls with the semantics of their kind (`dialects.control.REFERENCE`), so a
compiled program can be checked against its IR's meaning independently of the lowering.
"""
from __future__ import annotations

import numpy as np
from mlir import ir

from pullback.dialects import context, registry
from pullback.dialects.control import evaluate, read_control
from pullback.dialects.declarations import signature_specs
from pullback.dialects.emit import op_attrs
from pullback.dialects.ir import body_ops, callee_of, entry_block, functions
from pullback.dialects.types import numpy_dtype, spec_of_type


def _typed(value, t) -> np.ndarray:
    s = spec_of_type(t)
    return np.asarray(value).astype(numpy_dtype(s.dtype), copy=False).reshape(s.shape)


def run_reference(text: str, name: str, args) -> list[np.ndarray]:
    """Results of @name of the module `text` on numpy arguments."""
    with context():
        module = ir.Module.parse(text)
        table = functions(module)

        def call(fname: str, values: list) -> list:
            fn = table[fname]
            c = read_control(fn)
            if c is not None:
                return evaluate(c, call, values, signature_specs(fn)[1])
            env = dict(zip(entry_block(fn).arguments, values))
            for op in body_ops(fn):
                operands = [env[v] for v in op.operands]
                if op.name == "func.return":
                    return operands
                if op.name == "func.call":
                    outs = call(callee_of(op), operands)
                else:
                    outs = registry.REFERENCE[op.name[3:]](*operands, **op_attrs(op))
                    outs = list(outs) if isinstance(outs, (tuple, list)) else [outs]
                env.update((r, _typed(o, r.type)) for r, o in zip(op.results, outs))
            raise AssertionError(f"@{fname} has no return")

        return call(name, [np.asarray(a) for a in args])
