"""Source locations of user code, for IR locations and error messages."""
from __future__ import annotations

import linecache
import os
import sys


def _is_internal(filename: str) -> bool:
    if filename.startswith("<frozen"):
        return True
    path = os.path.abspath(filename)
    base = os.path.dirname(os.path.abspath(__file__)) + os.sep
    for sub in ("frontend", "dialects", "passes", "runtime", "tools"):
        root = os.path.join(os.path.dirname(base.rstrip(os.sep)), sub) + os.sep
        if path.startswith(root):
            return True
    return "/pullback/" in path and "site-packages" in path


_internal_cache: dict[str, bool] = {}


def user_frame():
    """The innermost stack frame outside pullback, or None."""
    f = sys._getframe(1)
    while f is not None:
        fn = f.f_code.co_filename
        internal = _internal_cache.get(fn)
        if internal is None:
            internal = _internal_cache[fn] = _is_internal(fn)
        if not internal:
            return f
        f = f.f_back
    return None


def user_position() -> tuple[str, int, int] | None:
    """(file, line, column) of the user code that called into pullback."""
    f = user_frame()
    if f is None:
        return None
    col = 0
    try:  # Python 3.11+: exact column of the current instruction
        positions = list(f.f_code.co_positions())
        idx = f.f_lasti // 2
        if 0 <= idx < len(positions) and positions[idx][2] is not None:
            col = positions[idx][2] + 1
    except (AttributeError, IndexError):
        pass
    return f.f_code.co_filename, f.f_lineno, col


def describe_position(pos) -> str:
    if pos is None:
        return "<unknown location>"
    fname, line, _ = pos
    text = linecache.getline(fname, line).strip()
    where = f"{fname}:{line}"
    return f"{where}: {text}" if text else where
