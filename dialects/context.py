"""MLIR contexts with the pb dialect loaded."""
from __future__ import annotations

import sys
import threading
import types

from mlir import ir
from mlir.dialects import irdl

_local = threading.local()

# The Python bindings wrap an op in the OpView class its dialect's Python module registers,
# looking for `mlir.dialects.<namespace>` each time they wrap an op of a dialect they have
# no module for, and a failed import is not remembered: about 45 us per pb op created,
# tens of milliseconds per trace or compile. pb ops are plain Operations (IRDL), so an
# empty module is the right answer to that lookup.
sys.modules.setdefault("mlir.dialects.pb", types.ModuleType("mlir.dialects.pb"))


def new_context() -> ir.Context:
    """A fresh context with every upstream dialect and the pb dialect."""
    from .irdl_gen import dialect_irdl  # lazy: the op families (through irdl_gen) import this module
    ctx = ir.Context()
    with ctx:
        irdl.load_dialects(ir.Module.parse(dialect_irdl()))
    return ctx


def context() -> ir.Context:
    """This thread's shared context (MLIR contexts must not cross threads)."""
    ctx = getattr(_local, "ctx", None)
    if ctx is None:
        ctx = _local.ctx = new_context()
    return ctx
