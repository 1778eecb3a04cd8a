"""jit: trace once per signature, compile through the pb pipeline, call natively.

The signature is the pytree structure of the arguments, their shapes,
dtypes and weak types, and the values of static arguments; a new signature
retraces, as in JAX. Called with tracers (inside another transformation),
a jitted function is traced into a private function of the enclosing
program and called from it.
"""
from __future__ import annotations

import functools
import inspect
from typing import Callable, Sequence

from mlir import ir

from pullback.runtime import compile_module

from .core import Array, Tracer, innermost_trace, trace_stack as _trace_stack
from .errors import user_error
from .tracing import fun_name, to_array, trace_flat
from .tree_util import tree_flatten, tree_unflatten


def _as_tuple(x) -> tuple:
    if x is None:
        return ()
    if isinstance(x, int):
        return (x,)
    return tuple(x)


_NO_STATIC = ((), ())


class _Entry:
    __slots__ = ("exe", "out_tree", "out_avals", "captured", "trace")

    def __init__(self, exe, out_tree, out_avals, captured, trace):
        self.exe, self.out_tree, self.out_avals, self.captured, self.trace = exe, out_tree, out_avals, captured, trace


class Jitted:
    def __init__(self, fun: Callable, static_argnums=(), static_argnames=()):
        self.fun = fun
        functools.update_wrapper(self, fun, updated=())
        self.static_argnums = _as_tuple(static_argnums)
        self.static_argnames = tuple([static_argnames] if isinstance(static_argnames, str)
                                     else static_argnames or ())
        try:
            self._sig = inspect.signature(fun)
        except (TypeError, ValueError):
            self._sig = None
        self._resolve_static_names()
        self._cache: dict = {}

    def _resolve_static_names(self):
        """Static args may be named by position or name, like JAX (via the signature)."""
        if self._sig is None:
            return
        params = list(self._sig.parameters)
        nums, names = set(self.static_argnums), set(self.static_argnames)
        for n in list(names):
            if n in params and self._sig.parameters[n].kind in (
                    inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
                nums.add(params.index(n))
        for i in list(nums):
            if 0 <= i < len(params):
                names.add(params[i])
        self.static_argnums, self.static_argnames = tuple(sorted(nums)), tuple(sorted(names))

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

    def _merge(self, dyn_args, dyn_kw, static_key):
        statics, static_kw = static_key
        args = list(dyn_args)
        for i, v in statics:
            args.insert(i, v)
        kw = dict(dyn_kw)
        kw.update(static_kw)
        return args, kw

    def _flat_fun(self, treedef, static_key, out_store):
        def flat(*leaves):
            if isinstance(treedef, tuple):  # ("kw", def of (args, kwargs))
                dyn_args, dyn_kw = tree_unflatten(treedef[1], list(leaves))
            else:
                dyn_args, dyn_kw = tree_unflatten(treedef, list(leaves)), {}
            args, kw = self._merge(dyn_args, dyn_kw, static_key)
            out = self.fun(*args, **kw)
            out_leaves, out_tree = tree_flatten(out)
            out_store.append(out_tree)
            return out_leaves
        return flat

    def _trace(self, vals, treedef, static_key, parent=None):
        out_store: list = []
        trace, _ = trace_flat(self._flat_fun(treedef, static_key, out_store), [v.aval for v in vals],
                              name=fun_name(self.fun), parent=parent, concrete_backed=False)
        return trace, out_store[0]

    def __call__(self, *args, **kwargs):
        if kwargs or self.static_argnums:
            dyn_args, dyn_kw, static_key = self._split(args, kwargs)
        else:  # the common case: positional arrays only
            dyn_args, dyn_kw, static_key = args, {}, _NO_STATIC
        # kwargs-free calls flatten the positional tuple alone (tree_util's fast path)
        leaves, treedef = tree_flatten((dyn_args, dyn_kw) if dyn_kw else dyn_args)
        vals = [x if type(x) is Array else to_array(x) for x in leaves]
        if dyn_kw:
            treedef = ("kw", treedef)
        if _trace_stack():
            return self._call_traced(vals, treedef, static_key)
        key = (treedef, static_key, *[v.aval for v in vals])
        entry = self._cache.get(key)
        if entry is None:
            if any(isinstance(v, Tracer) for v in vals):
                return self._call_traced(vals, treedef, static_key)
            entry = self._cache[key] = self._compile(vals, treedef, static_key)
        ptrs = [v.data_ptr() for v in vals]
        ptrs.extend([c.data_ptr() for c in entry.captured])
        outs = entry.exe.call_pointers(ptrs)
        wrap = Array._wrap
        return tree_unflatten(entry.out_tree, [wrap(o, a.dtype, a.weak) for o, a in zip(outs, entry.out_avals)])

    def _compile(self, vals, treedef, static_key) -> _Entry:
        trace, out_tree = self._trace(vals, treedef, static_key)
        captured = trace.sources[len(vals):]
        exe = compile_module(trace.program.module, trace.name)
        return _Entry(exe, out_tree, trace.out_avals, captured, trace)

    def _call_traced(self, vals, treedef, static_key):
        parent = innermost_trace(vals)
        callee, out_tree = self._trace(vals, treedef, static_key, parent=parent)
        callee.make_private()
        operands = [parent.lift(v) for v in vals] + [parent.lift(s) for s in callee.sources[len(vals):]]
        outs = parent.emit_call(callee, operands, callee.out_avals)
        return tree_unflatten(out_tree, outs)

    # -- inspection
    def lower(self, *args, **kwargs) -> "Lowered":
        dyn_args, dyn_kw, static_key = self._split(args, kwargs)
        leaves, treedef = tree_flatten((dyn_args, dyn_kw))
        vals = [to_array(x) for x in leaves]
        trace, _ = self._trace(vals, ("kw", treedef), static_key)
        return Lowered(str(trace.program.module), trace.name, trace.program.context)

    def trace_ir(self, *args, **kwargs) -> str:
        return self.lower(*args, **kwargs).as_text()

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return functools.partial(self, obj)


class Lowered:
    """The pb IR of a traced function, and its form after each pipeline stage."""

    def __init__(self, text: str, name: str, context):
        self._text = text
        self.name = name
        self._context = context

    def as_text(self, stage: str = "pb") -> str:
        """The IR after pipeline stage `stage` (pullback.passes.pipeline.STAGES)."""
        from pullback.passes.pipeline import STAGES
        from pullback.runtime.stages import stage_texts
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r} (stages: {', '.join(STAGES)})")
        with self._context:
            module = ir.Module.parse(self._text)
            for name, text in stage_texts(module, last=stage):
                if name == stage:
                    return text

    def compile(self):
        with self._context:
            module = ir.Module.parse(self._text)
        return compile_module(module, self.name)

    def __str__(self):
        return self._text


def jit(fun: Callable | None = None, *, static_argnums=(), static_argnames=(), donate_argnums=(),
        inline: bool = False, **unused) -> Jitted:
    if fun is None:
        return lambda f: jit(f, static_argnums=static_argnums, static_argnames=static_argnames)
    return Jitted(fun, static_argnums, static_argnames)


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
        j = Jitted(fun, static_argnums)
        dyn_args, dyn_kw, static_key = j._split(args, kwargs)
        leaves, treedef = tree_flatten((dyn_args, dyn_kw))
        vals = [to_array(x) for x in leaves]
        trace, out_tree = j._trace(vals, ("kw", treedef), static_key)
        return ClosedProgram(str(trace.program.module), out_tree, trace.out_avals)
    return traced
