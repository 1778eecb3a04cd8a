"""The compile log: one line per compile with the time each stage took.

`PULLBACK_LOG_COMPILES=1` (or `pullback.config.update("jax_log_compiles", True)`, which
calls `set_enabled`) prints to stderr, for each compile: the entry point, where the code
came from (compiled, or loaded from the disk cache) and the seconds spent tracing (when the
caller measured it), in the pass pipeline, in LLVM (engine creation and code generation)
and loading. Benchmarks and users read where a first call's time goes from it.
"""
from __future__ import annotations

import os
import sys
import time

_forced: bool | None = None


def set_enabled(on: bool | None) -> None:
    """Force the log on or off; None: follow PULLBACK_LOG_COMPILES."""
    global _forced
    _forced = on


def enabled() -> bool:
    if _forced is not None:
        return _forced
    return os.environ.get("PULLBACK_LOG_COMPILES", "").strip().lower() in ("1", "true", "on", "yes")


class StageTimer:
    """Seconds per stage of one compile, reported when the log is on."""

    def __init__(self, name: str, target: str, trace_seconds: float | None = None):
        self.name, self.target = name, target
        self.times: dict[str, float] = {} if trace_seconds is None else {"trace": trace_seconds}
        self._last = time.perf_counter()

    def mark(self, stage: str) -> None:
        now = time.perf_counter()
        self.times[stage] = self.times.get(stage, 0.0) + now - self._last
        self._last = now

    def report(self, outcome: str) -> None:
        if not enabled():
            return
        parts = ", ".join(f"{stage} {seconds * 1e3:.1f} ms" for stage, seconds in self.times.items())
        total = sum(self.times.values()) * 1e3
        sys.stderr.write(f"pullback: {outcome} @{self.name} for {self.target} in {total:.1f} ms ({parts})\n")
