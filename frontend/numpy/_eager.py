"""Eager jnp calls as cached compiled programs.

Outside any trace, a jnp function on concrete arrays runs as one compiled
kernel per signature (its promotion, broadcasting and op fused), instead of
one kernel per primitive: `x + 1` is one native call after the first use.
"""
from __future__ import annotations

import functools

from ..core import Array, Tracer, trace_stack
from ..jit import Jitted


def eager_jit(fn=None, *, static_argnames=(), name=None):
    """fn, run as one cached compiled program on concrete arrays; `name` names it (for
    functions built from a lambda)."""
    if fn is None:
        return lambda f: eager_jit(f, static_argnames=static_argnames, name=name)
    if name is not None:
        fn.__name__ = fn.__qualname__ = name
    jitted = Jitted(fn, static_argnames=static_argnames)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if trace_stack() or any(isinstance(a, Tracer) for a in args) or not _all_arrays(args):
            return fn(*args, **kwargs)
        return jitted(*args, **kwargs)
    return wrapper


def _all_arrays(args) -> bool:
    for a in args:
        t = type(a)
        if t is not Array and t not in (int, float, complex, bool):
            return False
    return True
