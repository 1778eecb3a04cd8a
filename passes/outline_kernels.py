"""pb-outline-kernels: every fused kernel becomes a call of a function, shared when identical.

Runs on linalg-on-tensors after elementwise fusion, before bufferization. A program made
of repeated layers holds the same fused `linalg.generic` kernel once per layer, and LLVM's
optimizer (most of a compile's time) would vectorize every copy again. Each kernel becomes
a call of a private, non-inlinable function that holds it, with the constants, empty
tensors and fills it uses rebuilt inside (so they are not arguments), and the values it
reads as arguments. Two kernels share a function when the function built for each prints
the same. Compile time then follows the number of distinct kernels, not the program's
length (a call costs a few nanoseconds), and the function that calls them is loop-free
glue that pb-optnone-glue leaves out of LLVM's optimizer.
"""
from __future__ import annotations

import math
from typing import NamedTuple

from mlir import ir
from mlir.dialects import func

from pullback.dialects.ir import call, functions, is_private, module_body, set_private

from .registry import register_pass

# Producers rebuilt inside the kernel instead of passed to it. A loop's fresh ys buffer
# (an alloc_tensor without a copy) too: passed in, the loop's result would be that argument,
# copied whole into the kernel's out-param at the end; built inside, the loop writes the
# out-param itself (pb-elide-result-copies).
_REBUILT = ("arith.constant", "tensor.empty", "bufferization.alloc_tensor")
# Marks a function that is a kernel already (LLVM compiles each function at a fixed cost
# however small: a kernel wrapped in another function costs twice).
KERNEL = "no_inline"
# Marks a kernel too small to repay optimized code generation (pb-optnone-glue makes it
# optnone): an elementwise or reduction linalg op over at most SMALL_ELEMENTS elements,
# called from a program's public (entry) function, which runs it once per call: private
# functions may be called in loops. The softmax head of a classifier is a dozen of them over
# batch x classes: the 784-512-512-10 MLP gradient's first call 225 -> 199 ms, its steady
# step unchanged.
SMALL_KERNEL = "pb.small_kernel"
SMALL_ELEMENTS = 2048
_SMALL_OPS = ("linalg.generic", "linalg.fill", "linalg.copy", "linalg.transpose", "linalg.broadcast")


def _small(op) -> bool:
    """A linalg op of those kinds whose every operand and result has at most SMALL_ELEMENTS."""
    if op.name not in _SMALL_OPS:
        return False
    for v in [*op.operands, *op.results]:
        t = v.type
        if not isinstance(t, ir.RankedTensorType) or not t.has_static_shape:
            return False
        if math.prod(t.shape) > SMALL_ELEMENTS:
            return False
    return True


def _entry_values(block: ir.Block) -> tuple[set, set]:
    """The values of a function's entry block (its arguments and its ops' results): the only
    values from outside that a kernel at the top level of the block can read. And those of
    them a kernel rebuilds inside instead of taking them as arguments."""
    values, rebuildable = set(block.arguments), set()
    for op in block.operations:
        op = op.operation
        values.update(op.results)
        if _rebuilt(op, rebuildable):  # (in block order: a fill's operands come first)
            rebuildable.update(op.results)
    return values, rebuildable


def _rebuilt(op, rebuildable: set) -> bool:
    """A constant, an empty tensor or buffer, or a fill of such values."""
    name = op.name
    if name in _REBUILT:
        return name == "arith.constant" or len(op.operands) == 0
    return name == "linalg.fill" and all(v in rebuildable for v in op.operands)


def _nested_ops(op) -> list:
    """The ops inside `op`'s regions, in walk order (`op` itself left out)."""
    found = []

    def visit(o):
        found.append(o)
        return ir.WalkResult.ADVANCE
    op.walk(visit)
    found.pop()  # post-order: `op` comes last
    return found


def _captured_uses(nested: list, outside: set) -> tuple[list, list]:
    """The values from `outside` that `nested` ops read, in first-use order, and every such
    use as (op, operand index, value)."""
    captured, seen, uses = [], set(), []
    for o in nested:
        for i, v in enumerate(o.operands):
            if v in outside:
                uses.append((o, i, v))
                if v not in seen:
                    seen.add(v)
                    captured.append(v)
    return captured, uses


def _producer(v: ir.Value):
    owner = v.owner
    return owner.operation if isinstance(owner, ir.OpView) else None


def _rebuild(v: ir.Value, mapping: dict) -> ir.Value:
    if v in mapping:
        return mapping[v]
    p = _producer(v)
    for x in p.operands:
        _rebuild(x, mapping)
    new = p.clone()
    for i, x in enumerate(p.operands):
        new.operands[i] = mapping[x]
    for old, r in zip(p.results, new.results):
        mapping[old] = r
    return mapping[v]


def _arguments(reads: list, rebuildable: set) -> list:
    """The reads passed as arguments, each once (the others are rebuilt inside)."""
    args, seen = [], set()
    for v in reads:
        if v not in seen and v not in rebuildable:
            seen.add(v)
            args.append(v)
    return args


class _Copy(NamedTuple):
    """A kernel op copied into the scratch module, with what its function needs."""
    new: ir.Operation   # the copy (its operands and captured values still the program's)
    reads: list         # the kernel's operands, then the values its regions capture
    uses: list          # every use of a captured value in the copy: (op, operand index, value)
    args: list          # the reads passed as arguments, each once


def _copy(op, outside: set, rebuildable: set, scratch) -> _Copy:
    """A copy of `op` in the scratch module: one walk over it finds the values its regions
    read (the same values the original reads) and where it reads them."""
    new = op.clone(ip=ir.InsertionPoint(module_body(scratch)))
    captured, uses = _captured_uses(_nested_ops(new), outside)
    reads = list(op.operands) + captured
    return _Copy(new, reads, uses, _arguments(reads, rebuildable))


def _reads_key(copy: _Copy, rebuildable: set, memo: dict) -> tuple:
    """What the copy's printed form leaves out (it prints every read as an unknown value):
    each read as the rebuilt producer chain it stands for, or as the argument it is (position
    and type); and which read each use inside the regions reads."""
    position = {v: k for k, v in enumerate(copy.args)}
    where = {}
    for k, v in enumerate(copy.reads):
        where.setdefault(v, k)
    reads = tuple(_producer_key(v, memo) if v in rebuildable else ("arg", position[v], v.type) for v in copy.reads)
    return reads, tuple(where[v] for _, _, v in copy.uses)


def _producer_key(v: ir.Value, memo: dict):
    """A rebuilt value by what makes it: op name, attributes, result type and operands'
    keys (attributes and types are uniqued, so they hash and compare as objects)."""
    key = memo.get(v)
    if key is None:
        p = _producer(v)
        attrs = tuple(sorted(p.attributes.items()))  # (names are unique: attributes never compared)
        key = memo[v] = (p.name, attrs, v.type, tuple(_producer_key(x, memo) for x in p.operands))
    return key


def _function(op, copy: _Copy, name: str) -> ir.Operation:
    """The kernel's function: the copy moved into it, its reads rebuilt or made arguments."""
    new = copy.new
    with ir.InsertionPoint(new), op.location:  # (the copy then moves into the function)
        fn = func.FuncOp(name, ([v.type for v in copy.args], [r.type for r in op.results]))
        block = fn.add_entry_block()
    mapping = dict(zip(copy.args, block.arguments))
    with ir.InsertionPoint(block), op.location:
        for v in copy.reads:
            _rebuild(v, mapping)
        block.append(new)
        for i, v in enumerate(op.operands):
            new.operands[i] = mapping[v]
        for o, i, v in copy.uses:
            o.operands[i] = mapping[v]
        func.ReturnOp(list(new.results))
    return fn.operation


# Loop nests at the top level of a function: structured linalg ops and the loops
# pb-cpu-codegen made of small matmuls.
_LOOPS = ("scf.for", "scf.forall", "scf.parallel")


def _is_kernel(op) -> bool:
    if op.name in _LOOPS:
        return True
    return op.name.startswith("linalg.") and op.name not in ("linalg.yield", "linalg.index") and not (
        op.name == "linalg.fill" and len(op.results) == 1 and all(
            _is_kernel(u.owner) for u in op.results[0].uses))  # an init: rebuilt in its kernels


@register_pass("pb-outline-kernels", "Share one function among identical fused kernels (after fusion)")
def outline_kernels(module_op) -> None:
    kernels = []  # (kernel, its function's entry values, those rebuilt in kernels, run once per call)
    for fn in functions(module_op).values():
        if len(fn.regions[0].blocks) == 0 or KERNEL in fn.attributes:
            continue  # (a kernel function already: pb-outline-blas-matmuls' are one per signature)
        entry = fn.regions[0].blocks[0]
        found = [op.operation for op in entry.operations if _is_kernel(op.operation)]
        if found:
            outside, rebuildable = _entry_values(entry)
            once = not is_private(fn)
            kernels.extend((op, outside, rebuildable, once) for op in found)
    if not kernels:
        return
    scratch = ir.Module.create(loc=ir.Location.unknown())
    built = []
    # Every function is built before any kernel is replaced: what a kernel rebuilds inside
    # (a fill, say) is judged on the original program. A read that is a result of an earlier
    # kernel is recorded as (kernel index, result number): at the call, it is that kernel's
    # call result. Kernels are told apart by their copy as printed (local scope: no
    # numbering of the whole scratch module; generic form, a third faster) and what that
    # leaves out (_reads_key); a function is built for the first of each kind only (a
    # network's layers share theirs).
    made_by, functions_of, producers = {}, {}, {}
    for i, (op, outside, rebuildable, _) in enumerate(kernels):
        copy = _copy(op, outside, rebuildable, scratch)
        text = copy.new.get_asm(assume_verified=True, use_local_scope=True, print_generic_op_form=True)
        key = (text, _reads_key(copy, rebuildable, producers))
        if key in functions_of:
            copy.new.erase()  # (before the program it reads from is changed)
            fn = functions_of[key]
        else:
            fn = functions_of[key] = _function(op, copy, f"pb_kernel_scratch_{i}")
        built.append((op, fn, key, [made_by.get(v, v) for v in copy.args]))
        for r in op.results:
            made_by[r] = (i, r.result_number)
    taken = set(functions(module_op))
    names: dict[str, str] = {}
    calls = []  # the results of each kernel's call
    small = {}  # key -> whether every call site of that kernel is small and runs once per call
    for (op, fn, key, _), (_, _, _, once) in zip(built, kernels):
        small[key] = small.get(key, True) and once and _small(op)
    for op, fn, key, sources in built:
        if key not in names:
            n, i = "pb_kernel", 0
            while n in taken:
                i += 1
                n = f"pb_kernel_{i}"
            taken.add(n)
            names[key] = n
            fn.attributes["sym_name"] = ir.StringAttr.get(n)
            set_private(fn)
            fn.attributes[KERNEL] = ir.UnitAttr.get()
            if small[key]:
                fn.attributes[SMALL_KERNEL] = ir.UnitAttr.get()
            module_body(module_op).append(fn)
        args = [calls[s[0]][s[1]] if isinstance(s, tuple) else s for s in sources]
        with ir.InsertionPoint(op), op.location:
            results = call(names[key], args, [r.type for r in op.results])
        for old, new in zip(op.results, results):
            old.replace_all_uses_with(new)
        op.erase()
        calls.append(results)
    _erase_dead_producers(module_op)


def _erase_dead_producers(module_op) -> None:
    """Fills, empty tensors and constants the kernels now rebuild themselves."""
    for fn in functions(module_op).values():
        if len(fn.regions[0].blocks) == 0:
            continue
        for op in reversed([o.operation for o in fn.regions[0].blocks[0].operations]):
            if (op.name in _REBUILT or op.name == "linalg.fill") and all(
                    not list(r.uses) for r in op.results):
                op.erase()
