"""Programs: the MLIR module a computation is traced into, and the one way to run one.

A `Program` owns a module and everything the frontend remembers about it, as declared
fields: its symbols, the functions imported from other programs, the host callbacks
declared in it, the custom derivative primals traced into it and its compiled entry
points. Functions move between programs only by `import_function`
(`pullback.dialects.ir.copy_function`, never through text).

`run(program, entry, args)` is the single compile-and-run seam of the frontend: eager
kernels, transformations applied outside jit, concrete values of tracers and the linear
parts that vjp and linearize return all go through it. (jit's cached dispatch holds the
`executable` it returns and calls it directly: that path is the hot one.)
"""
from __future__ import annotations

from typing import Sequence

from mlir import ir

from pullback.dialects import context as mlir_context
from pullback.dialects.ir import copy_function, declare, is_private, lookup, set_private
from pullback.runtime import Executable, compile_module, serve_requests

from .values import Array, Literal


class Program:
    """An MLIR module under construction: the traced functions of one computation."""
    __slots__ = ("context", "module", "symbols", "imported", "callbacks", "custom_primals", "executables")

    def __init__(self):
        self.context: ir.Context = mlir_context()
        with self.context:
            self.module: ir.Module = ir.Module.create(loc=ir.Location.unknown())
        self.symbols: set[str] = set()            # every symbol of the module
        self.imported: dict = {}                  # (source Program, name) -> name of the copy here
        self.callbacks: dict[str, str] = {}       # host callback symbol -> its declaration here
        self.custom_primals: dict = {}            # custom derivative primals traced here (custom_derivatives.py)
        self.executables: dict[str, Executable] = {}  # compiled entry points

    def fresh_symbol(self, base: str) -> str:
        # The prefix keeps compiled symbols apart from C library ones: a function named
        # `atan2` would otherwise capture libm's atan2 calls at link time.
        if not base.startswith("pb_"):
            base = "pb_" + ("".join(c if c.isalnum() or c == "_" else "_" for c in base) or "f")
        name, n = base, 1
        while name in self.symbols:
            n += 1
            name = f"{base}_{n}"
        self.symbols.add(name)
        return name

    def declare(self, base: str, in_types, out_types, attributes: dict) -> str:
        """A private tagged declaration (a request, custom call or host callback); its name."""
        name = self.fresh_symbol(base)
        with self.context:
            declare(self.module, name, in_types, out_types, attributes=attributes)
        return name

    def import_function(self, source: "Program", name: str) -> str:
        """The name here of a copy of @name of `source` and everything it refers to (copied once)."""
        if source is self:
            return name
        key = (source, name)
        local = self.imported.get(key)
        if local is None:
            module = source.module
            if source.context is not self.context:
                # A program of another thread: IR moves between MLIR contexts only as text.
                module = ir.Module.parse(module.operation.get_asm(enable_debug_info=True), self.context)
            with self.context:
                local = self.imported[key] = copy_function(module, name, self.module, fresh=self.fresh_symbol)
        return local

    def serve_requests(self) -> None:
        """Define every transformation request of the module in place (the passes' job)."""
        serve_requests(self.module)


def executable(program: Program, entry: str, target: str = "cpu") -> Executable:
    """@entry of the program compiled for `target` (once per program, entry and target). A
    private function is compiled as the public entry of a module holding it and what it
    refers to."""
    exe = program.executables.get((entry, target))
    if exe is None:
        module = program.module
        with program.context:
            if is_private(lookup(module, entry)):
                module = ir.Module.create(loc=ir.Location.unknown())
                copy_function(program.module, entry, module, private=False)
                set_private(lookup(module, entry), False)
        exe = program.executables[(entry, target)] = compile_module(module, entry, target=target)
    return exe


def run(program: Program, entry: str, args: Sequence, weak: Sequence[bool] | None = None) -> list[Array]:
    """Call @entry of the program on concrete values (Arrays, or Literals); its results as
    Arrays, weakly typed where `weak` says so."""
    exe = executable(program, entry)
    keep, ptrs = [], []
    for x in args:
        if isinstance(x, Literal):
            x = x.to_numpy()
            keep.append(x)
            ptrs.append(x.ctypes.data)
        else:
            ptrs.append(x.data_ptr())
    outs = exe.call_pointers(ptrs)
    weak = weak if weak is not None else [False] * len(outs)
    return [Array._wrap(o, s.dtype, w) for o, s, w in zip(outs, exe.out_specs, weak)]


__all__ = ["Program", "executable", "run"]
