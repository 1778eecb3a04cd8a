"""jit: trace once per signature, compile through the pb pipeline, call natively.

The signature is the pytree structure of the arguments, their shapes,
dtypes and weak types, and the values of static arguments; a new signature
retraces, as in JAX. Called with tracers (inside another transformation),
a jitted function is traced once per signature (and per number of
differentiations applying to it) into a program of its own, imported into
the enclosing program and called from it (or inlined, with `inline=True`):
grad(jit(f)) on new values of the same types does not trace f again.
"""
from __future__ import annotations

import ctypes
import functools
import inspect
import warnings
import weakref
from typing import Callable, Sequence

from mlir import ir

from pullback.dialects import context as mlir_context
from pullback.dialects.types import numpy_dtype
from pullback.runtime import collector, compile_module
from pullback.runtime.engine import PackedFunction
from pullback.runtime.executable import Executable, dispatch_extension
from pullback.runtime.stages import stage_text

from . import dtypes, float0
from .core import ABSTRACT, ad_depth, fun_name, innermost_trace, trace_function, trace_stack as _trace_stack
from .core import _state as _trace_state
from .debug_checks import check as debug_check, flags as debug_flags
from .errors import ResourceExhaustedError, user_error
from .program import Program, executable
from .tree_util import _LEAF, _LIST, _TUPLE, PyTreeDef, tree_flatten, tree_unflatten
from .values import Array, Tracer, borrow_array, numpy_in_place, to_array


def _as_tuple(x) -> tuple:
    if x is None:
        return ()
    if isinstance(x, int):
        return (x,)
    return tuple(x)


def _names(x) -> tuple:
    return tuple([x] if isinstance(x, str) else x or ())


_NO_STATIC = ((), ())


class _Entry:
    __slots__ = ("exe", "out_tree", "out_avals", "captured", "fast")

    def __init__(self, exe, out_tree, out_avals, captured):
        self.exe, self.out_tree, self.out_avals, self.captured = exe, out_tree, out_avals, captured
        self.fast = None  # the C dispatcher's Entry for it; False where it cannot serve it


# jax.disable_jit's switch: while set, a jitted function runs its Python op by op.
jit_disabled = [False]
# jax.no_tracing's switch: while set, tracing a function for jit is an error.
no_tracing = [False]

def _configured_dispatch():
    """The C fast path of cached calls (runtime/_dispatch.c) configured with the state that
    sends a call to Python, or None (not built, out of date or turned off: runtime/executable.py)."""
    extension = dispatch_extension
    if extension is None:
        return None
    try:  # read in place by every fast call
        extension.configure(Array, jit_disabled, debug_flags, _trace_state, dtypes._config, ResourceExhaustedError)
    except RuntimeError:  # configured by an earlier import of this module (reloaded): its lists, not ours
        return None
    return extension


_dispatch = _configured_dispatch()


_live: "weakref.WeakSet[Jitted]" = weakref.WeakSet()  # every jitted function, for clear_jit_caches


def clear_jit_caches() -> None:
    """Forget every jitted function's traces and compiled signatures (jax.clear_caches): the
    next call traces and compiles again."""
    for f in list(_live):
        f._cache.clear()
        f._traces.clear()
        if _dispatch is not None:
            f._fast_clear()


class Jitted(_dispatch.Dispatcher if _dispatch is not None else object):
    """A jitted function. With the C extension, a call whose positional arguments match a
    signature compiled before runs in C (the Dispatcher base); any other call, and every
    call without it, runs `_call_python`."""

    def __init__(self, fun: Callable, static_argnums=(), static_argnames=(), donate_argnums=(), donate_argnames=(),
                 inline: bool = False, backend: str | None = None):
        self.fun = fun
        self.target = backend or "cpu"  # where a call outside any trace runs (inside one: the caller's)
        functools.update_wrapper(self, fun, updated=())
        try:
            self._sig = inspect.signature(fun)
        except (TypeError, ValueError):
            self._sig = None
        self._check_argnums(_as_tuple(static_argnums), "static_argnums")
        self._check_argnums(_as_tuple(donate_argnums), "donate_argnums")
        self.static_argnums, self.static_argnames = self._resolve(_as_tuple(static_argnums), _names(static_argnames))
        self.donate_argnums, self.donate_argnames = self._resolve(_as_tuple(donate_argnums), _names(donate_argnames))
        both = set(self.static_argnames) & set(self.donate_argnames)
        if both or set(self.static_argnums) & set(self.donate_argnums):
            raise ValueError("static_argnames and donate_argnames cannot intersect. Argument names "
                             f"{both or set(self.static_argnums) & set(self.donate_argnums)} appear in both "
                             "static_argnames and donate_argnames")
        self.inline = inline
        self._cache: dict = {}   # dispatch outside any trace: signature -> _Entry
        self._traces: dict = {}  # signature and AD depth -> traced function (closing over no tracer)
        _live.add(self)

    def _check_argnums(self, nums: tuple, what: str) -> None:
        """Positions beyond the function's positional parameters are an error, as in JAX."""
        if self._sig is None:
            return
        kinds = [p.kind for p in self._sig.parameters.values()]
        if inspect.Parameter.VAR_POSITIONAL in kinds:
            return
        n = sum(k in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD) for k in kinds)
        if any(not -n <= i < n for i in nums):
            raise ValueError(f"Jitted function has {what}={nums}, but only accepts {n} positional arguments.")

    def _resolve(self, nums: tuple, names: tuple) -> tuple[tuple, tuple]:
        """Arguments named by position or by name, both ways, like JAX (via the signature)."""
        if self._sig is None:
            return nums, names
        params = list(self._sig.parameters)
        nums, names = set(nums), set(names)
        for n in list(names):
            if n in params and self._sig.parameters[n].kind in (
                    inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
                nums.add(params.index(n))
        for i in list(nums):
            if 0 <= i < len(params):
                names.add(params[i])
        return tuple(sorted(nums)), tuple(sorted(names))

    def _split(self, args, kwargs):
        nargs = len(args)
        statics = tuple(sorted(
            [(i if i >= 0 else i + nargs, args[i]) for i in self.static_argnums if -nargs <= i < nargs],
            key=lambda t: t[0]))
        static_idx = {i for i, _ in statics}
        dyn_args = tuple(a for i, a in enumerate(args) if i not in static_idx)
        static_kw = tuple(sorted((k, v) for k, v in kwargs.items() if k in self.static_argnames))
        dyn_kw = {k: v for k, v in kwargs.items() if k not in self.static_argnames}
        key = (statics, static_kw)
        try:
            hash(key)
        except TypeError:
            raise user_error(ValueError, "Non-hashable static arguments are not supported: "
                             "static arguments must be hashable, e.g. a tuple instead of a list") from None
        return dyn_args, dyn_kw, key

    def _flat_fun(self, treedef, static_key):
        statics, static_kw = static_key

        def flat(*leaves):
            if isinstance(treedef, tuple):  # ("kw", def of (args, kwargs))
                dyn_args, dyn_kw = tree_unflatten(treedef[1], list(leaves))
            else:
                dyn_args, dyn_kw = tree_unflatten(treedef, list(leaves)), {}
            args = list(dyn_args)
            for i, v in statics:
                args.insert(i, v)
            return self.fun(*args, **dyn_kw, **dict(static_kw))
        return flat

    def _traced(self, vals, treedef, static_key, parent):
        """`fun` traced for these arguments, in a program of its own (once per signature)."""
        # per thread context too: a program is IR of one context, and each thread traces in its own
        key = (treedef, static_key, tuple(v.aval for v in vals), ad_depth(parent), mlir_context(),
               dtypes.x64_enabled())  # (the program's own constants and promotions depend on x64)
        traced = self._traces.get(key)
        if traced is None:
            if no_tracing[0]:
                raise RuntimeError(f"re-tracing function {fun_name(self.fun)} for `jit`, but 'no_tracing' is set")
            traced = trace_function(self._flat_fun(treedef, static_key), [v.aval for v in vals], parent, ABSTRACT,
                                    name=fun_name(self.fun), program=Program())
            if not any(isinstance(c, Tracer) for c in traced.captured):  # else it is another function next time
                self._traces[key] = traced
        return traced

    def _call_python(self, *args, **kwargs):
        if jit_disabled[0]:
            return self.fun(*args, **kwargs)
        positional = not (kwargs or self.static_argnums)
        if positional:  # the common case: positional arrays only
            dyn_args, dyn_kw, static_key = args, {}, _NO_STATIC
        else:
            dyn_args, dyn_kw, static_key = self._split(args, kwargs)
        # kwargs-free calls flatten the positional tuple alone (tree_util's fast path)
        leaves, treedef = tree_flatten((dyn_args, dyn_kw) if dyn_kw else dyn_args)
        if dyn_kw:
            treedef = ("kw", treedef)
        vals = None
        try:
            if _trace_stack():
                return self._call_traced([to_array(x) for x in leaves], treedef, static_key)
            signature = _in_place_signature(leaves)
            if signature is None:
                vals = [x if type(x) is Array else borrow_array(x) for x in leaves]  # only read by this call
                signature = [v.aval for v in vals], None
        except TypeError:
            if not any(float0.is_float0(x) for x in leaves):
                raise
            # float0 arguments (the tangents of integers) hold no data: static parts of the tree
            return self(*float0.as_static(args), **float0.as_static(kwargs))
        avals, ptrs = signature
        key = (treedef, static_key, dtypes.x64_enabled(), *avals)
        entry = self._cache.get(key)
        if entry is None:
            if vals is None:
                vals = [x if type(x) is Array else borrow_array(x) for x in leaves]
            if any(isinstance(v, Tracer) for v in vals):
                return self._call_traced([to_array(x) for x in leaves], treedef, static_key)
            with collector.paused():  # (runtime/collector.py)
                traced = self._traced(vals, treedef, static_key, None)
                entry = self._cache[key] = _Entry(executable(traced.program, traced.name, self.target),
                                                  traced.out_tree, traced.out_avals, traced.captured)
            self._warn_donated(args, kwargs)
        if positional and _dispatch is not None:
            self._serve_fast(entry, treedef, avals)
        if ptrs is None:
            ptrs = [v.data_ptr() for v in vals]
        ptrs.extend([c.data_ptr() for c in entry.captured])
        outs = entry.exe.call_pointers(ptrs)
        wrap = Array._wrap
        results = [wrap(o, a.dtype, a.weak) for o, a in zip(outs, entry.out_avals)]
        if debug_flags[0] or debug_flags[1]:
            debug_check(results, f"jit({fun_name(self.fun)})")
        return tree_unflatten(entry.out_tree, results)

    if _dispatch is None:
        __call__ = _call_python

    def __getstate__(self):
        """Pickled and copied as a plain object: the C base's entries are rebuilt on use."""
        return self.__dict__

    def _serve_fast(self, entry: _Entry, treedef, avals) -> None:
        """Let the C dispatcher serve later calls of this signature (entry first in line)."""
        fast = entry.fast
        if fast is None:
            fast = entry.fast = _fast_entry(entry, treedef, avals) or False
        if fast:
            self._fast_add(fast)

    def _warn_donated(self, args, kwargs) -> None:
        """As JAX where a donated buffer cannot be reused for an output: compiled programs here
        never write into their arguments (results go to fresh buffers), so none can."""
        donated = [a for i, a in enumerate(args) if i in self.donate_argnums or i - len(args) in self.donate_argnums]
        donated += [v for k, v in kwargs.items() if k in self.donate_argnames]
        leaves = [to_array(x).aval.str_short() for x in tree_flatten(donated)[0]]
        if leaves:
            warnings.warn(f"Some donated buffers were not usable: {', '.join(leaves)}.\nSee an explanation at "
                          "https://docs.jax.dev/en/latest/faq.html#buffer-donation.", UserWarning, stacklevel=3)

    def _call_traced(self, vals, treedef, static_key):
        parent = innermost_trace(vals)
        traced = self._traced(vals, treedef, static_key, parent)
        operands = [parent.lift(v) for v in vals] + [parent.lift(c) for c in traced.captured]
        if self.inline:
            outs = parent.inline_call(traced.program, traced.name, operands, traced.out_avals)
        else:
            callee = parent.program.import_function(traced.program, traced.name)
            outs = parent.emit_call(callee, operands, traced.out_avals)
        return tree_unflatten(traced.out_tree, outs)

    def _trace_alone(self, args, kwargs):
        """`fun` traced anew at the top level, for inspection."""
        dyn_args, dyn_kw, static_key = self._split(args, kwargs)
        leaves, treedef = tree_flatten((dyn_args, dyn_kw))
        vals = [to_array(x) for x in leaves]
        return trace_function(self._flat_fun(("kw", treedef), static_key), [v.aval for v in vals],
                              name=fun_name(self.fun))

    # -- inspection
    def lower(self, *args, **kwargs) -> "Lowered":
        traced = self._trace_alone(args, kwargs)
        return Lowered(str(traced.program.module), traced.name, traced.program.context)

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return functools.partial(self, obj)


def _in_place_signature(leaves) -> tuple[list, list] | None:
    """(avals, data pointers) of arguments a cached call reads in place: Arrays and writable
    C-contiguous numpy arrays in their storage dtype (no Array wrapper made for those); None
    when any leaf needs converting first."""
    avals, ptrs = [], []
    for x in leaves:
        if type(x) is Array:
            avals.append(x.aval)
            ptrs.append(x.data_ptr())
            continue
        found = numpy_in_place(x)
        if found is None:
            return None
        avals.append(found[0])
        ptrs.append(found[1])
    return avals, ptrs


# ACCEPT_* of runtime/_dispatch.c: leaves other than an Array that the Python path keys
# to an aval (numpy_in_place, and _scalar_array for Python scalars), in each x64 mode.
_NUMPY_X32, _NUMPY_X64 = 1, 2
_WEAK_SCALARS = {"int32": 4, "int64": 8, "float32": 16, "float64": 32, "bool": 64}


def _accepts(aval) -> int:
    if aval.weak:  # a Python scalar of the default type in x64 mode on or off (bool: both)
        return _WEAK_SCALARS.get(aval.dtype, 0)
    # numpy arrays read in place in their own dtype, which x64-off mode narrows for 64 bits
    return _NUMPY_X64 | (0 if aval.dtype in dtypes._CANONICAL_32 else _NUMPY_X32)


def _arg_structure(treedef) -> tuple | None:
    """Per positional argument, (0, 1) for a leaf, (1, n) for a tuple or (2, n) for a list of
    n leaves; None for any other tree (the C dispatcher checks no other)."""
    if type(treedef) is not PyTreeDef or treedef._spec is _LEAF or treedef._spec[0] is not _TUPLE:
        return None
    out = []
    for child in treedef._spec[2]:
        if child is _LEAF:
            out.append((0, 1))
            continue
        node, _, leaves = child
        if (node is not _TUPLE and node is not _LIST) or any(c is not _LEAF for c in leaves):
            return None
        out.append((1 if node is _TUPLE else 2, len(leaves)))
    return tuple(out)


def _out_kind(out_tree):
    """0: one leaf, 1: a flat tuple, 2: a flat list; else the treedef, whose unflatten C calls."""
    if type(out_tree) is PyTreeDef:
        if out_tree._spec is _LEAF:
            return 0
        if out_tree._flat is not None:
            return 1 if out_tree._flat is tuple else 2
    return out_tree


def _fast_entry(entry: _Entry, treedef, avals):
    """The C dispatcher's Entry for a cached signature, or None where only Python can call it:
    another tree of arguments, or an executable whose entry is not a plain PackedFunction
    (host callbacks re-raise their errors in Python)."""
    exe = entry.exe
    if type(exe) is not Executable or type(exe.entry) is not PackedFunction:
        return None
    args = _arg_structure(treedef)
    fn = exe.entry
    if args is None or len(exe._out_np) != len(entry.out_avals) or \
            len(avals) + len(entry.captured) + len(entry.out_avals) != fn.num_args:
        return None
    inputs = tuple((a.dtype, numpy_dtype(a.dtype), a.shape, a.weak, _accepts(a)) for a in avals)
    # allocated as call_pointers does, wrapped as __call__ does
    outputs = tuple((a.dtype, dt, shape, a.weak) for (shape, dt), a in zip(exe._out_np, entry.out_avals))
    captured = tuple(c.data_ptr() for c in entry.captured)
    oom = ctypes.addressof(fn._oom) if fn._oom is not None else 0
    owner = (exe, entry.captured)  # alive while the Entry is (not the _Entry: no cycle through entry.fast)
    return _dispatch.Entry(fn.address, oom, owner, args, inputs, captured, outputs, _out_kind(entry.out_tree),
                           dtypes.x64_enabled())


class Lowered:
    """The pb IR of a traced function, and its form after each pipeline stage."""

    def __init__(self, text: str, name: str, context):
        self._text = text
        self.name = name
        self._context = context

    def _module(self) -> ir.Module:
        with self._context:
            return ir.Module.parse(self._text)

    def as_text(self, stage: str = "pb") -> str:
        """The IR after pipeline stage `stage` (pullback.passes.pipeline.STAGES)."""
        with self._context:
            return stage_text(self._module(), stage)

    def compile(self):
        return compile_module(self._module(), self.name)

    def __str__(self):
        return self._text


# JAX options that ask for what pullback does not do (one CPU device, no sharding): an
# error, never silently ignored.
_UNSUPPORTED = ("in_shardings", "out_shardings", "device", "abstracted_axes", "compiler_options")


def jit(fun: Callable | None = None, *, static_argnums=(), static_argnames=(), donate_argnums=(),
        donate_argnames=(), inline: bool = False, keep_unused: bool = False, backend: str | None = None,
        **options) -> Jitted:
    """As jax.jit. `donate_argnums`/`donate_argnames` warn, as JAX does for a donated buffer
    it cannot reuse; `keep_unused` changes nothing (every argument is always passed);
    `backend` is "cpu" (the default) or "gpu" (runtime/gpu.py; RuntimeError at the first call
    where no CUDA device can be used)."""
    for name, value in options.items():
        if name not in _UNSUPPORTED:
            raise TypeError(f"jit() got an unexpected keyword argument '{name}'")
        if value is not None:
            raise NotImplementedError(f"jit({name}=...) is not supported by pullback (one CPU device)")
    if backend not in (None, "cpu", "gpu"):
        raise RuntimeError(f"Unknown backend {backend!r}: pullback compiles for 'cpu' and 'gpu'")
    if fun is None:
        return functools.partial(jit, static_argnums=static_argnums, static_argnames=static_argnames,
                                 donate_argnums=donate_argnums, donate_argnames=donate_argnames, inline=inline,
                                 keep_unused=keep_unused, backend=backend)
    return Jitted(fun, static_argnums, static_argnames, donate_argnums, donate_argnames, inline, backend)


class ClosedProgram:
    """What make_jaxpr returns: the pb IR of the traced function (printable)."""

    def __init__(self, text: str, out_tree, out_avals):
        self.text = text
        self.out_tree = out_tree
        self.out_avals = out_avals

    def __str__(self):
        return self.text

    __repr__ = __str__


def make_jaxpr(fun: Callable, static_argnums: Sequence[int] = ()) -> Callable:
    def traced(*args, **kwargs):
        t = Jitted(fun, static_argnums)._trace_alone(args, kwargs)
        return ClosedProgram(str(t.program.module), t.out_tree, t.out_avals)
    return traced
