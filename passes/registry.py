"""Registry of pullback's passes, runnable by name like upstream passes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from mlir import ir


class PassFailure(Exception):
    """Raised by a pass to report a diagnostic at `location` and fail."""

    def __init__(self, message: str, location: ir.Location | None = None):
        super().__init__(message)
        self.location = location


@dataclass(frozen=True)
class PassInfo:
    name: str
    description: str
    run: Callable  # (module_op: ir.Operation, **options) -> None


PASSES: dict[str, PassInfo] = {}


def register_pass(name: str, description: str):
    """Decorator: register `fn(module_op, **options)` as pass `name`."""
    def wrap(fn):
        PASSES[name] = PassInfo(name, description, fn)
        return fn
    return wrap


def as_external_pass(info: PassInfo, options: dict):
    """The callable that `PassManager.add` runs for a pullback pass."""
    def run(op, pass_):
        try:
            with op.context:
                info.run(op, **options)
        except PassFailure as e:
            (e.location or op.location).emit_error(str(e))
            pass_.signal_pass_failure()
    run.__name__ = info.name.replace("-", "_")
    return run
