"""Registry of pullback's passes, runnable by name like upstream passes."""
from __future__ import annotations

import linecache
import threading
from dataclasses import dataclass
from typing import Callable

from mlir import ir


class PassFailure(Exception):
    """Raised by a pass to report a diagnostic at `location` and fail.

    `error_type` (e.g. TypeError) marks a failure that is the user's error, not the
    compiler's: `run_pipeline` re-raises it as that exception, naming the location."""

    def __init__(self, message: str, location: ir.Location | None = None, error_type: type | None = None):
        super().__init__(message)
        self.location = location
        self.error_type = error_type

    def user_exception(self) -> Exception:
        """`error_type(message)`, the message ending with the source line of `location`."""
        return self.error_type(f"{self}\n  (at {describe_location(self.location)})")


def describe_location(loc: ir.Location | None) -> str:
    """'file:line: source text' for a file location (as the frontend's error messages)."""
    if loc is None:
        return "<unknown location>"
    if loc.is_a_file():
        text = linecache.getline(loc.filename, loc.start_line).strip()
        where = f"{loc.filename}:{loc.start_line}"
        return f"{where}: {text}" if text else where
    return str(loc)


_failures = threading.local()


def take_user_failure() -> "PassFailure | None":
    """The last PassFailure with an `error_type` reported by a pass on this thread (then forgotten)."""
    f = getattr(_failures, "last", None)
    _failures.last = None
    return f


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
            if e.error_type is not None:
                _failures.last = e
            pass_.signal_pass_failure()
    run.__name__ = info.name.replace("-", "_")
    return run
