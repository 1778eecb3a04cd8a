"""Serving transformation requests in place: the one way the frontend has the passes act on
a program it is still working with (frontend -> runtime -> passes).

vjp and linearize declare a split `linearize` request in a program of their own, have it
served here, and keep handles (symbol names) to the functions the passes generate.
"""
from __future__ import annotations

from mlir import ir

from pullback.passes import run_pipeline

SERVE_REQUESTS = ["pb-expand-transforms"]


def serve_requests(module: ir.Module) -> None:
    """Define every transformation request of a pb module in place (pb-expand-transforms),
    leaving the rest as it is: the functions the passes generate stay separate, so a caller
    can keep handles to them (the linear half a split linearize request names)."""
    run_pipeline(module, SERVE_REQUESTS)
