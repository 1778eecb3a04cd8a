"""MLIR contexts with the pb dialect loaded."""
from __future__ import annotations

import threading

from mlir import ir
from mlir.dialects import irdl

_local = threading.local()


def new_context() -> ir.Context:
    """A fresh context with every upstream dialect and the pb dialect."""
    from .irdl_gen import dialect_irdl
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
