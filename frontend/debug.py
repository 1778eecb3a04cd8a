"""pullback.debug: print, callback and breakpoint on the values a computation computes.

All three are host callbacks (frontend/callbacks.py): under jit, inside
grad/jvp/vjp/linearize's traced functions, inside backward rules and under
vmap they run when the compiled program runs, on concrete values; with
concrete operands and no trace active they run at once.

- `print(fmt, *args, **kwargs)`: `fmt.format(*args, **kwargs)` on the concrete
  values (pullback Arrays, so format specs work on scalars), printed to stdout
  as with `jax.debug.print`.
- `callback(fn, *args, **kwargs)`: `fn(*args, **kwargs)` with the same pytree
  structure, array leaves concrete (pullback Arrays); the return value is
  ignored. Leaves that are not arrays or numbers (strings, ...) are passed
  through unchanged.
- `breakpoint()`: calls the breakpoint hook with a `BreakpointContext` holding
  the concrete values of the calling frame's array variables (at trace time
  they are tracers; at run time the hook sees their values). The default hook
  opens Python's debugger (`builtins.breakpoint`, so PYTHONBREAKPOINT applies)
  in a frame whose locals are those values. `set_breakpoint_hook(hook)`
  replaces it (tests record instead of stopping) and returns the previous one.

Semantics follow JAX's `debug_callback`: no outputs to differentiate, so under
differentiation the callback sees primal values only and is never part of the
linear (tangent or cotangent) computation; under vmap it runs once per batch
member, on that member's values; calls run in program order and are never
removed, merged or duplicated. `ordered` is accepted for compatibility: every
callback of a program already runs in program order; so is `callback(partitioned=...)`:
on one device every value is local.
"""
from __future__ import annotations

import builtins
import sys
from typing import Callable, NamedTuple

import numpy as np

from .callbacks import host_call
from .core import Array, Tracer
from .tracing import to_array
from .tree_util import tree_flatten, tree_unflatten

_print = builtins.print


def _is_value(x) -> bool:
    return isinstance(x, (Array, Tracer, np.ndarray, np.generic)) or (
        isinstance(x, (bool, int, float, complex)))


def _hashable(x):
    try:
        hash(x)
        return x
    except TypeError:
        return None


def _split(args, kwargs):
    """(value leaves, a rebuild function, a hashable key of the static structure or None)."""
    leaves, treedef = tree_flatten((args, kwargs))
    is_value = [_is_value(x) for x in leaves]
    values = [x for x, v in zip(leaves, is_value) if v]
    statics = tuple(None if v else x for x, v in zip(leaves, is_value))
    dtypes = tuple(to_array(x).aval.dtype for x in values)

    def rebuild(arrays):
        it = iter(arrays)
        full = [next(it) if v else s for v, s in zip(is_value, statics)]
        return tree_unflatten(treedef, full)

    key = (treedef, tuple(is_value), statics, dtypes)
    return values, rebuild, _hashable(key)


def _run(fn: Callable, args, kwargs, key_head, name: str) -> None:
    values, rebuild, key = _split(args, kwargs)
    values = [to_array(v) for v in values]
    pb_dtypes = [v.aval.dtype for v in values]
    weak = [v.aval.weak for v in values]

    def call(*arrays):
        a, kw = rebuild([Array(x, d, w) for x, d, w in zip(arrays, pb_dtypes, weak)])
        fn(*a, **kw)
        return None

    full_key = None if key is None or key_head is None else (key_head, key, tuple(weak))
    host_call(call, values, [], key=full_key, name=name)


def print(fmt: str, *args, ordered: bool = False, **kwargs) -> None:  # noqa: A001  (jax.debug.print)
    """Print `fmt.format(*args, **kwargs)` with the concrete values, whenever they are computed."""
    if not isinstance(fmt, str):
        raise TypeError(f"pullback.debug.print takes a format string first, got {type(fmt).__name__}")

    def show(*a, **kw):
        _print(fmt.format(*a, **kw))
        sys.stdout.flush()

    _run(show, args, kwargs, ("debug.print", fmt), "debug.print")


def callback(fn: Callable, *args, ordered: bool = False, partitioned: bool = False, **kwargs) -> None:
    """Call `fn(*args, **kwargs)` on the concrete values, whenever they are computed."""
    if not callable(fn):
        raise TypeError(f"pullback.debug.callback takes a callable first, got {type(fn).__name__}")
    head = ("debug.callback", fn) if _hashable(fn) is not None else None  # None: a fresh id per call
    _run(fn, args, kwargs, head, getattr(fn, "__name__", "debug.callback"))


# ---------------------------------------------------------------- breakpoint

class BreakpointContext(NamedTuple):
    """What a breakpoint hook sees: the concrete values of the array variables of the frame
    that called `breakpoint()`, and where that frame was."""
    locals: dict
    filename: str
    lineno: int
    function: str


def _default_hook(ctx: BreakpointContext) -> None:
    names = [n for n in ctx.locals if n.isidentifier() and not n.startswith("__")]
    _print(f"pullback.debug.breakpoint at {ctx.filename}:{ctx.lineno} in {ctx.function}; "
           f"values: {', '.join(names) or '(none)'}")
    # A frame whose locals are the values: the debugger opens in it (`p x` shows x).
    ns: dict = {"__pb_breakpoint": builtins.breakpoint}
    exec(f"def pullback_breakpoint({', '.join(names)}):\n    __pb_breakpoint()\n", ns)  # noqa: S102
    ns["pullback_breakpoint"](**{n: ctx.locals[n] for n in names})


_hook: Callable = _default_hook


def set_breakpoint_hook(hook: Callable | None) -> Callable:
    """Use `hook(ctx: BreakpointContext)` for breakpoints (None: the default debugger hook);
    returns the previous hook."""
    global _hook
    previous, _hook = _hook, (hook or _default_hook)
    return previous


def breakpoint(*, backend=None, filter_frames: bool = True, num_frames=None, ordered: bool = False,  # noqa: A001
               token=None, **kwargs) -> None:
    """Stop in a debugger (the breakpoint hook) with the calling frame's array values, whenever
    they are computed. The hook is the one debugger backend and sees that frame only (JAX's
    `filter_frames` and `num_frames=1`): other values of these options are errors."""
    refused = {"backend": backend is not None, "filter_frames": not filter_frames,
               "num_frames": num_frames not in (None, 1), "token": token is not None, **{k: True for k in kwargs}}
    for option in [k for k, bad in refused.items() if bad]:
        raise NotImplementedError(f"pullback.debug.breakpoint({option}=...) is not supported: the breakpoint "
                                  "hook (set_breakpoint_hook) sees the calling frame's values only")
    frame = sys._getframe(1)
    names = [n for n, v in frame.f_locals.items() if isinstance(v, (Array, Tracer))]
    values = {n: frame.f_locals[n] for n in names}
    where = (frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name)

    def stop(**vals):
        _hook(BreakpointContext(dict(vals), *where))

    _run(stop, (), values, ("debug.breakpoint", where), "debug.breakpoint")


__all__ = ["BreakpointContext", "breakpoint", "callback", "print", "set_breakpoint_hook"]
