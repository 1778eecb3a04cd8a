"""Python's cyclic garbage collector, paused while a function is traced and compiled.

A compile makes a few hundred thousand short-lived objects (the MLIR bindings' wrappers of
ops, values and types; tuples and lists of them), so the collector runs its young
generation every 700 of them and, every hundredth time, a full collection that walks every
object of the process: pullback's and numpy's modules, the user's data. Nothing a compile
makes needs the cycle collector before the compile ends (the wrappers are freed by their
reference counts), so it is paused meanwhile, as long as any thread is compiling, and the
objects left in cycles are collected by the first collection after.
"""
from __future__ import annotations

import contextlib
import gc
import threading

_lock = threading.Lock()
_paused = 0  # compiles under way that found the collector enabled


@contextlib.contextmanager
def paused():
    global _paused
    with _lock:
        if _paused == 0 and not gc.isenabled():
            owner = False  # the user turned it off: leave it as it is
        else:
            owner = True
            _paused += 1
            gc.disable()
    try:
        yield
    finally:
        if owner:
            with _lock:
                _paused -= 1
                if _paused == 0:
                    gc.enable()
