"""Native code for an LLVM-dialect module: units compiled at their own level, in parallel,
linked by ORC's LLJIT.

Why not MLIR's ExecutionEngine: it runs one O2 pipeline over the whole module (its
in-process pipeline ignores `optnone`) and generates all code at one level on one thread.
Most of a program is glue (pb-optnone-glue marks it optnone: the entry function, BLAS
wrappers, task launches), which optimization hardly speeds up, and the rest is outlined
kernels, independent of each other. So a program compiles as units:
  - glue: every optnone function plus the packed entry wrapper, no IR optimization and
    O0 codegen (fast instruction selection and register allocation);
  - kernels: every other function, at `opt_level` (LLVM's default<O2> pipeline and
    codegen), split by size into up to one group per core.
Each unit is translated from MLIR into its own LLVMContext (LLVM contexts are not
thread-safe), keeps the bodies of its own functions and declares the others', and
becomes a relocatable object on a worker thread (ctypes releases the GIL). LLJIT links the
objects into one JITDylib, resolving calls between units and into the process (libm,
OpenBLAS and the async runtime, loaded globally by runtime/engine.py). Measured on a
2-layer MLP gradient (the compile log's llvm stage, 2 cores): 64 ms in the ExecutionEngine,
28 ms here.

Tiered compilation (runtime/tier_up.py): kernels pb-estimate-work found cheap compile at O0
in the glue unit first, each behind a stub calling through a pointer cell (`stub_deferred`);
the packed wrapper asks for the tier-up at its second call (`request_tier_up`), and
`link_optimized` points the cells at the optimized code once the background has it.

The objects are kept (as bytes) for the disk cache, which links them into one library.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import functools
import os
import threading

from mlir import ir

from pullback.dialects.capi import capi_pointer
from pullback.passes.estimate_work import WORK

from . import llvm_c, tier_up
from .llvm_c import LINKAGE_EXTERNAL, LINKAGE_INTERNAL, LINKAGE_PRIVATE, VISIBILITY_HIDDEN, P

PACKED_PREFIX = "_mlir_"  # the ExecutionEngine's name for packed wrappers, kept for the disk cache
# Tier 0 (runtime/tier_up.py): a deferred function K keeps its unoptimized body as K + TIER0_BODY;
# K itself becomes a stub calling whatever K + TIER_CELL holds.
TIER0_BODY, TIER_CELL = ".tier0", ".tier_cell"
# Each unit translates the whole module (then drops what it does not define): groups smaller
# than MIN_GROUP_OPS, or more than MAX_GROUPS of them, cost more translation than they save.
MIN_GROUP_OPS = 50
MAX_GROUPS = 4
KERNEL_PASSES_ENV = "PULLBACK_KERNEL_PASSES"  # an LLVM pass pipeline for kernels, replacing the default


def kernel_passes(opt_level: int) -> bytes | None:
    """The LLVM IR pipeline kernel units run at `opt_level` (None: no IR optimization)."""
    custom = os.environ.get(KERNEL_PASSES_ENV)
    if custom:
        return custom.encode()
    return f"default<O{opt_level}>".encode() if opt_level else None


_pool = None
_pool_lock = threading.Lock()


def _workers() -> concurrent.futures.ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, (os.cpu_count() or 1) - 1),
                                                          thread_name_prefix="pullback-llvm")
        return _pool


def available() -> bool:
    return llvm_c.api() is not None


# ---------------------------------------------------------------------------------------
# Partition (on the MLIR module)

def _is_glue(fn) -> bool:
    attrs = fn.attributes
    return "passthrough" in attrs and "\"optnone\"" in str(attrs["passthrough"])


def _size(fn) -> int:
    return sum(len(block.operations) for block in fn.regions[0].blocks)


def _kernels(module: ir.Module) -> tuple[set[str], list[tuple[int, int | None, str]]]:
    """The glue functions' names, and every other defined function as (op count, pb.work or
    None, name)."""
    glue, kernels = set(), []
    for op in module.body.operations:
        op = op.operation
        if op.name != "llvm.func" or not op.regions[0].blocks:
            continue
        name = ir.StringAttr(op.attributes["sym_name"]).value
        if _is_glue(op):
            glue.add(name)
        else:
            work = ir.IntegerAttr(op.attributes[WORK]).value if WORK in op.attributes else None
            kernels.append((_size(op), work, name))
    return glue, kernels


def _bins(kernels: list[tuple[int, int | None, str]], groups: int) -> list[set[str]]:
    """Up to `groups` sets of names balanced by op count (none for no kernels)."""
    total = sum(size for size, _, _ in kernels)
    groups = max(1, min(groups, MAX_GROUPS, len(kernels), total // MIN_GROUP_OPS))
    bins = [(0, set()) for _ in range(groups)]
    for size, _, name in sorted(kernels, reverse=True):  # largest first, into the lightest group
        i = min(range(groups), key=lambda j: bins[j][0])
        bins[i] = (bins[i][0] + size, bins[i][1] | {name})
    return [names for _, names in bins if names]


def _deferrable(kernels: list[tuple[int, int | None, str]], budget: int) -> set[str]:
    """The kernels tier 0 compiles unoptimized: those pb-estimate-work found cheapest, while
    their summed work per run stays within `budget` (unannotated functions never)."""
    chosen, spent = set(), 0
    for _, work, name in sorted((k for k in kernels if k[1] is not None), key=lambda k: k[1]):
        if spent + work > budget:
            break
        chosen.add(name)
        spent += work
    return chosen


def partition(module: ir.Module, groups: int) -> list[tuple[set[str], bool]]:
    """Units as (names of the functions defined there, whether they are optimized): the glue
    unit first, then up to `groups` kernel groups balanced by op count."""
    glue, kernels = _kernels(module)
    return [(glue, False)] + [(names, True) for names in _bins(kernels, groups)]


def add_packed_wrapper(module: ir.Module, entry: str) -> str:
    """Add `void _mlir_<entry>(void **args)`: it loads argument i from *args[i] and calls
    the entry (whose results are out-params, so it returns nothing). Returns its name."""
    table = ir.SymbolTable(module.operation)
    fn = table[entry].operation if entry in table else None
    if fn is None or fn.name != "llvm.func" or not fn.regions[0].blocks:
        raise KeyError(f"no llvm.func @{entry} with a body")
    if not str(ir.TypeAttr(fn.attributes["function_type"]).value).startswith("!llvm.func<void "):
        raise ValueError(f"@{entry} returns a value: compiled entries return results as out-params")
    types = [str(arg.type) for arg in fn.regions[0].blocks[0].arguments]
    lines, args = [], []
    for i, ty in enumerate(types):
        lines += [f"%s{i} = llvm.getelementptr %args[{i}] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr",
                  f"%p{i} = llvm.load %s{i} : !llvm.ptr -> !llvm.ptr",
                  f"%a{i} = llvm.load %p{i} : !llvm.ptr -> {ty}"]
        args.append(f"%a{i}")
    wrapper = PACKED_PREFIX + entry
    # The entry is declared beside the wrapper so the text verifies on its own.
    text = (f"llvm.func @{entry}({', '.join(types)})\n"
            f'llvm.func @{wrapper}(%args: !llvm.ptr) attributes {{passthrough = ["noinline", "optnone"]}} {{\n'
            + "\n".join(lines)
            + f"\nllvm.call @{entry}({', '.join(args)}) : ({', '.join(types)}) -> ()\nllvm.return\n}}")
    with module.context, ir.Location.unknown():
        holder = ir.Module.parse(text)
        module.body.append(holder.body.operations[1].operation)
    return wrapper


# ---------------------------------------------------------------------------------------
# Target machines, reused: each new one parses the host's feature string and builds its
# subtarget again. A machine serves one unit at a time (LLVM's are not thread-safe), then
# returns to the pool of its codegen level.

_machines: dict[int, list] = {}
_machines_lock = threading.Lock()
MACHINES_KEPT = 8  # per codegen level: more than the units compiling at once


def _take_machine(lib, codegen_level: int):
    with _machines_lock:
        free = _machines.get(codegen_level)
        if free:
            return free.pop()
    return lib.target_machine(codegen_level)


def _return_machine(lib, codegen_level: int, tm) -> None:
    with _machines_lock:
        free = _machines.setdefault(codegen_level, [])
        if len(free) < MACHINES_KEPT:
            free.append(tm)
            return
    lib.LLVMDisposeTargetMachine(tm)


# ---------------------------------------------------------------------------------------
# One unit: an LLVM module of its own context that defines only its functions

class _Unit:
    def __init__(self, lib, module: ir.Module, defines: set[str], holds_globals: bool,
                 passes: bytes | None, codegen_level: int):
        self.lib, self.passes, self.codegen_level = lib, passes, codegen_level
        self.context = lib.LLVMContextCreate()
        self.tm = _take_machine(lib, codegen_level)
        self.module = lib.mlirTranslateModuleToLLVMIR(capi_pointer(module.operation), self.context)
        if not self.module:
            self.dispose()
            raise llvm_c.LLVMError("MLIR could not translate the module to LLVM IR")
        lib.LLVMSetTarget(self.module, lib.triple)
        layout = lib.LLVMCreateTargetDataLayout(self.tm)
        lib.LLVMSetModuleDataLayout(self.module, layout)
        lib.LLVMDisposeTargetData(layout)
        self._keep_only(defines, holds_globals)

    def _export(self, value) -> None:
        """Other units may refer to this definition: external linkage, hidden if it was local."""
        lib = self.lib
        if lib.LLVMGetLinkage(value) in (LINKAGE_INTERNAL, LINKAGE_PRIVATE):
            lib.LLVMSetLinkage(value, LINKAGE_EXTERNAL)
            lib.LLVMSetVisibility(value, VISIBILITY_HIDDEN)

    def _keep_only(self, defines: set[str], holds_globals: bool) -> None:
        lib, module = self.lib, self.module
        for fn in lib.functions(module):
            if lib.LLVMIsDeclaration(fn):
                continue
            name = lib.name(fn)
            if name.decode() in defines:
                self._export(fn)
                continue
            self._redeclare(fn, lib.LLVMAddFunction, lib.LLVMDeleteFunction)
        for var in lib.globals(module):
            if lib.LLVMIsDeclaration(var):
                continue
            if holds_globals:
                self._export(var)
            elif not lib.LLVMGetFirstUse(var):
                lib.LLVMDeleteGlobal(var)
            elif lib.LLVMIsGlobalConstant(var):  # a private copy the optimizer can read
                lib.LLVMSetLinkage(var, LINKAGE_PRIVATE)
            else:  # mutable state lives once, in the glue unit; here a fresh declaration (below)
                self._redeclare(var, lambda module, name, ty: lib.LLVMAddGlobal(module, ty, name), lib.LLVMDeleteGlobal)

    def _redeclare(self, value, add, delete) -> None:
        """Replace a function or global this unit does not define by a plain declaration of
        the same name and type (`add(module, name, type)` makes it, `delete` drops the old
        one). A global left as it was translated (hidden or dso_local) would be reached
        PC-relative, a 32-bit offset: LLJIT maps units where it can, and a program whose units
        landed more than 2 GB apart failed to link ("Delta32 fixup ... out of range"). A plain
        declaration is reached through the GOT or a PLT stub, which LLJIT builds per unit."""
        lib = self.lib
        name = lib.name(value)
        lib.LLVMSetValueName2(value, b"", 0)
        declaration = add(self.module, name, lib.LLVMGlobalGetValueType(value))
        lib.LLVMReplaceAllUsesWith(value, declaration)
        delete(value)

    def stub_deferred(self, names: set[str]) -> None:
        """Tier 0: each function K of `names` (defined here) keeps its body as K.tier0, and K
        becomes a stub that calls through the pointer cell K.tier_cell, which starts at
        K.tier0; every use of K (calls, function pointers) reaches the stub."""
        lib, module, context = self.lib, self.module, self.context
        ptr = lib.LLVMPointerTypeInContext(context, 0)
        with self._builder() as builder:
            for name in sorted(names):
                body = lib.LLVMGetNamedFunction(module, name.encode())
                fn_type = lib.LLVMGlobalGetValueType(body)
                renamed = (name + TIER0_BODY).encode()
                lib.LLVMSetValueName2(body, renamed, len(renamed))
                stub = lib.LLVMAddFunction(module, name.encode(), fn_type)
                lib.LLVMReplaceAllUsesWith(body, stub)
                lib.LLVMSetVisibility(stub, VISIBILITY_HIDDEN)
                cell = lib.LLVMAddGlobal(module, ptr, (name + TIER_CELL).encode())
                lib.LLVMSetInitializer(cell, body)
                lib.LLVMSetVisibility(cell, VISIBILITY_HIDDEN)
                lib.LLVMPositionBuilderAtEnd(builder, lib.LLVMAppendBasicBlockInContext(context, stub, b""))
                target = lib.LLVMBuildLoad2(builder, ptr, cell, b"")
                lib.LLVMSetOrdering(target, llvm_c.ORDERING_MONOTONIC)  # the cell changes under running code
                lib.LLVMSetAlignment(target, 8)
                count = lib.LLVMCountParams(stub)
                args = (P * count)(*[lib.LLVMGetParam(stub, i) for i in range(count)])
                result = lib.LLVMBuildCall2(builder, fn_type, target, args, count, b"")
                if lib.LLVMGetTypeKind(lib.LLVMGetReturnType(fn_type)) == llvm_c.VOID_TYPE_KIND:
                    lib.LLVMBuildRetVoid(builder)
                else:
                    lib.LLVMBuildRet(builder, result)

    def request_tier_up(self, wrapper: str, program_id: int) -> None:
        """The packed wrapper counts its calls and, at the second, calls
        `REQUEST_SYMBOL(program_id)` (runtime/tier_up.py starts the tier-up)."""
        lib, module, context = self.lib, self.module, self.context
        i64 = lib.LLVMInt64TypeInContext(context)
        counter = lib.LLVMAddGlobal(module, i64, b"pb.tier_calls")
        lib.LLVMSetInitializer(counter, lib.LLVMConstInt(i64, 0, 0))
        lib.LLVMSetLinkage(counter, LINKAGE_INTERNAL)
        request_type = lib.LLVMFunctionType(lib.LLVMVoidTypeInContext(context), (P * 1)(i64), 1, 0)
        request = lib.LLVMAddFunction(module, tier_up.REQUEST_SYMBOL.encode(), request_type)
        fn = lib.LLVMGetNamedFunction(module, wrapper.encode())
        body = lib.LLVMGetEntryBasicBlock(fn)
        count, ask = (lib.LLVMInsertBasicBlockInContext(context, body, b"") for _ in range(2))
        with self._builder() as builder:
            lib.LLVMPositionBuilderAtEnd(builder, count)
            before = lib.LLVMBuildAtomicRMW(builder, llvm_c.RMW_ADD, counter, lib.LLVMConstInt(i64, 1, 0),
                                            llvm_c.ORDERING_MONOTONIC, 0)
            second = lib.LLVMBuildICmp(builder, llvm_c.INT_EQ, before, lib.LLVMConstInt(i64, 1, 0), b"")
            lib.LLVMBuildCondBr(builder, second, ask, body)
            lib.LLVMPositionBuilderAtEnd(builder, ask)
            lib.LLVMBuildCall2(builder, request_type, request, (P * 1)(lib.LLVMConstInt(i64, program_id, 0)), 1, b"")
            lib.LLVMBuildBr(builder, body)

    @contextlib.contextmanager
    def _builder(self):
        """An IR builder of this unit's context, disposed after use."""
        builder = self.lib.LLVMCreateBuilderInContext(self.context)
        try:
            yield builder
        finally:
            self.lib.LLVMDisposeBuilder(builder)

    def declared_names(self) -> list[str]:
        """Functions and globals this unit uses but does not define (intrinsics aside)."""
        lib = self.lib
        names = [lib.name(v).decode() for v in (*lib.functions(self.module), *lib.globals(self.module))
                 if lib.LLVMIsDeclaration(v)]
        return [n for n in names if not n.startswith("llvm.")]

    def compile(self) -> bytes:
        """Optimize (if asked) and generate the unit's object file."""
        lib = self.lib
        if self.passes:
            options = lib.LLVMCreatePassBuilderOptions()
            try:
                lib.check(lib.LLVMRunPasses(self.module, self.passes, self.tm, options))
            finally:
                lib.LLVMDisposePassBuilderOptions(options)
        err, buf = P(), P()
        if lib.LLVMTargetMachineEmitToMemoryBuffer(self.tm, self.module, llvm_c.OBJECT_FILE,
                                                   ctypes.byref(err), ctypes.byref(buf)):
            raise llvm_c.LLVMError(lib.take_message(err).decode(errors="replace"))
        try:
            return ctypes.string_at(lib.LLVMGetBufferStart(buf), lib.LLVMGetBufferSize(buf))
        finally:
            lib.LLVMDisposeMemoryBuffer(buf)

    def dispose(self) -> None:
        lib = self.lib
        if self.module:
            lib.LLVMDisposeModule(self.module)
            self.module = None
        if self.tm:
            _return_machine(lib, self.codegen_level, self.tm)
            self.tm = None
        lib.LLVMContextDispose(self.context)


def _compile_and_dispose(unit: _Unit) -> bytes:
    try:
        return unit.compile()
    finally:
        unit.dispose()


class _UnitQueue:
    """Units compiled as soon as they are translated: each `put` offers the queue to a pool
    thread, and `finish` has the calling thread take what is left, then wait. No thread waits
    for a busy pool (another program's compile, say) while units are left to compile."""

    def __init__(self):
        self._lock = threading.Lock()
        self._queue: list = []  # (index, unit)
        self._objects: dict = {}
        self._errors: list = []
        self._futures: list = []
        self._count = 0

    def put(self, unit: _Unit) -> None:
        with self._lock:
            self._queue.append((self._count, unit))
            self._count += 1
        self._futures.append(_workers().submit(self._drain))

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    return
                index, unit = self._queue.pop(0)
            try:
                self._objects[index] = _compile_and_dispose(unit)
            except BaseException as e:  # noqa: BLE001  (re-raised by finish)
                self._errors.append(e)

    def finish(self) -> list[bytes]:
        """The objects, in the order the units were put."""
        self._drain()
        for future in self._futures:
            future.result()
        if self._errors:
            raise self._errors[0]
        return [self._objects[i] for i in range(self._count)]

    def abandon(self) -> None:
        """Dispose of the units not compiled yet and wait for those running."""
        with self._lock:
            left, self._queue = self._queue, []
        for _, unit in left:
            unit.dispose()
        for future in self._futures:
            future.exception()


# ---------------------------------------------------------------------------------------
# Linking

class NativeProgram:
    """Objects linked in process by an LLJIT of their own; `lookup` gives symbol addresses.
    The objects stay available for the disk cache."""

    def __init__(self, objects: list[bytes], imports: dict[str, int] | None = None):
        """`imports`: symbols defined by address (another program's), before any object."""
        lib = self.lib = llvm_c.api()
        self.objects = objects
        self.deferred: set[str] = set()  # functions compiled unoptimized first (set by compile_module)
        self.tier_up: tier_up.TierUp | None = None  # their background compile, if any
        self._optimized: NativeProgram | None = None  # the tier-up's program, alive with this one
        jit = P()
        lib.check(lib.LLVMOrcCreateLLJIT(ctypes.byref(jit), None))
        self._jit = jit
        # The session reports why linking failed (the symbols not found) on its own channel,
        # which would go to stderr: kept for the error a failed lookup raises.
        session_errors = self._session_errors = []
        self._reporter = llvm_c.ERROR_REPORTER(lambda _, error: session_errors.append(lib.error_text(error)))
        lib.LLVMOrcExecutionSessionSetErrorReporter(lib.LLVMOrcLLJITGetExecutionSession(jit), self._reporter, None)
        dylib = lib.LLVMOrcLLJITGetMainJITDylib(jit)
        generator = P()
        lib.check(lib.LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(
            ctypes.byref(generator), lib.LLVMOrcLLJITGetGlobalPrefix(jit), None, None))
        lib.LLVMOrcJITDylibAddGenerator(dylib, generator)
        if imports:
            self._define_absolute(dylib, imports)
        for i, data in enumerate(objects):
            buf = lib.LLVMCreateMemoryBufferWithMemoryRangeCopy(data, len(data), f"unit{i}.o".encode())
            lib.check(lib.LLVMOrcLLJITAddObjectFile(jit, dylib, buf))  # takes the buffer

    def _define_absolute(self, dylib, symbols: dict[str, int]) -> None:
        lib = self.lib
        flags = llvm_c.SymbolFlags(llvm_c.SYMBOL_EXPORTED | llvm_c.SYMBOL_CALLABLE, 0)
        pairs = (llvm_c.SymbolMapPair * len(symbols))(*[
            llvm_c.SymbolMapPair(lib.LLVMOrcLLJITMangleAndIntern(self._jit, name.encode()),
                                 llvm_c.EvaluatedSymbol(address, flags)) for name, address in symbols.items()])
        unit = lib.LLVMOrcAbsoluteSymbols(pairs, len(symbols))  # takes the interned names
        error = lib.LLVMOrcJITDylibDefine(dylib, unit)
        if error:
            lib.LLVMOrcDisposeMaterializationUnit(unit)
            lib.check(error)

    def link_optimized(self, objects: list[bytes], unit_imports: list[list[str]], deferred: set[str]) -> None:
        """Tier up: link the deferred functions' optimized objects into a program of their own,
        what they use resolved to this program's addresses, and point this program's cells
        at them."""
        imports = {}
        for name in set().union(*unit_imports) - deferred:  # the deferred are defined there
            address = self.lookup(name, required=False)
            if address:  # others (libm, OpenBLAS, the async runtime) come from the process
                imports[name] = address
        optimized = NativeProgram(objects, imports)
        cells = [(self.lookup(name + TIER_CELL), optimized.lookup(name)) for name in sorted(deferred)]
        self._optimized = optimized
        for cell, address in cells:
            ctypes.c_uint64.from_address(cell).value = address  # one aligned store: atomic on x86-64

    def when_final(self, callback) -> None:
        """Call `callback` once `write_objects` can write the optimized program: now, or when
        the tier-up has finished (never if it failed or is turned off)."""
        if self.tier_up is None:
            callback()
        else:
            self.tier_up.when_final(callback)

    def wait_optimized(self, timeout: float | None = None) -> bool:
        """Wait for the tier-up, if any (True: this program runs optimized code or never tiers)."""
        return self.tier_up is None or (self.tier_up.wait(timeout) and self._optimized is not None)

    def write_objects(self, folder: str) -> list[str]:
        """Write the optimized program's objects into `folder` (for the disk cache); returns
        their paths."""
        objects = self.objects if self.tier_up is None else self.tier_up.final_objects
        if objects is None:
            raise RuntimeError("the optimized program is not compiled")
        paths = []
        for i, data in enumerate(objects):
            paths.append(os.path.join(folder, f"unit{i}.o"))
            with open(paths[-1], "wb") as f:
                f.write(data)
        return paths

    def lookup(self, name: str, required: bool = True) -> int:
        """Address of a symbol; linking happens on the first lookup. A missing symbol is an
        LLVMError, or 0 when not `required`."""
        address = ctypes.c_uint64()
        error = self.lib.LLVMOrcLLJITLookup(self._jit, ctypes.byref(address), name.encode())
        if error:
            text = self.lib.error_text(error)
            if not required and text == f"Symbols not found: [ {name} ]":
                return 0
            raise llvm_c.LLVMError("; ".join([text] + self._session_errors))
        return address.value

    def __del__(self):
        jit, self._jit = getattr(self, "_jit", None), None
        if jit:
            try:
                self.lib.check(self.lib.LLVMOrcDisposeLLJIT(jit))
            except Exception:  # noqa: BLE001  (at interpreter exit, or a failed teardown: nothing to do)
                pass


def compile_module(module: ir.Module, entry: str, opt_level: int = 2,
                   keep_objects: bool = True) -> tuple[NativeProgram, str]:
    """Compile an LLVM-dialect module (modified: the packed wrapper is added). Returns the
    program and the wrapper's name. Kernels pb-estimate-work found cheap run unoptimized
    until the background has optimized them (runtime/tier_up.py); `keep_objects` (the disk
    cache wants them) also compiles the glue without tier stubs there."""
    lib = llvm_c.api()
    lib.mlirRegisterAllLLVMTranslations(capi_pointer(module.context))
    wrapper = add_packed_wrapper(module, entry)
    cores = os.cpu_count() or 1
    glue, kernels = _kernels(module)
    tiers = tier_up.mode() if opt_level else "off"
    deferred = _deferrable(kernels, tier_up.DEFERRED_WORK_BUDGET) if tiers != "off" else set()
    eager = _bins([k for k in kernels if k[2] not in deferred], cores)
    compiler, later, plain_glue, first_glue = _UnitQueue(), [], None, None
    job_id = tier_up.new_id() if deferred and tiers == "on" else None
    try:
        for names in eager:  # first: the glue compiles fastest
            compiler.put(_Unit(lib, module, names, False, kernel_passes(opt_level), opt_level))
        first_glue = _Unit(lib, module, glue | deferred | {wrapper}, True, None, 0)
        if deferred:
            first_glue.stub_deferred(deferred)
        if job_id is not None:
            first_glue.request_tier_up(wrapper, job_id)
        compiler.put(first_glue)
        first_glue = None
        if job_id is not None:  # translated here while the pool compiles tier 0
            later = [_Unit(lib, module, names, False, kernel_passes(opt_level), opt_level)
                     for names in _bins([k for k in kernels if k[2] in deferred], max(1, cores - 1))]
            plain_glue = _Unit(lib, module, glue | {wrapper}, True, None, 0) if keep_objects else None
    except BaseException:
        compiler.abandon()
        for unit in [*later, plain_glue, first_glue]:
            if unit is not None:
                unit.dispose()
        raise
    link = functools.partial(NativeProgram.link_optimized, deferred=deferred)  # (program, objects, imports)
    job = tier_up.TierUp(job_id, entry, later, plain_glue, link) if job_id is not None else None
    objects = compiler.finish()
    program = NativeProgram(objects, {tier_up.REQUEST_SYMBOL: tier_up.request_address()} if job else None)
    program.deferred = deferred
    if job is not None:
        job.attach(program, eager_objects=objects[:len(eager)])
        program.tier_up = job
        if keep_objects:  # the disk cache waits for the optimized program: no second call needed
            job.start()
    return program, wrapper
