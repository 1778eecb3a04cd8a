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

from mlir import ir
from mlir.dialects import func

from pullback.dialects.ir import call, functions, module_body, set_private

from .registry import register_pass

# Producers rebuilt inside the kernel instead of passed to it. A loop's fresh ys buffer
# (an alloc_tensor without a copy) too: passed in, the loop's result would be that argument,
# copied whole into the kernel's out-param at the end; built inside, the loop writes the
# out-param itself (pb-elide-result-copies).
_REBUILT = ("arith.constant", "tensor.empty", "bufferization.alloc_tensor")


def _defined_inside(op) -> set:
    inside = set()

    def visit(o):
        inside.update(o.results)
        for region in o.regions:
            for block in region.blocks:
                inside.update(block.arguments)
        return ir.WalkResult.ADVANCE
    op.walk(visit)
    return inside


def _captured(op) -> list:
    """Values a kernel's regions read from outside it, in first-use order."""
    inside = _defined_inside(op)
    out = []

    def visit(o):
        if o != op:
            for v in o.operands:
                if v not in inside and v not in out:
                    out.append(v)
        return ir.WalkResult.ADVANCE
    op.walk(visit)
    return out


def _producer(v: ir.Value):
    owner = v.owner
    return owner.operation if isinstance(owner, ir.OpView) else None


def _rebuildable(v: ir.Value) -> bool:
    """A constant, an empty tensor or buffer, or a fill of a constant into an empty tensor."""
    p = _producer(v)
    if p is None:
        return False
    if p.name in _REBUILT:
        return p.name == "arith.constant" or len(p.operands) == 0
    if p.name == "linalg.fill":
        return all(_rebuildable(x) for x in p.operands)
    return False


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


def _reads(op) -> list:
    """What a kernel reads: its operands, then the values its regions capture. Positions in
    this list stay valid when an earlier rewrite replaces one of the values."""
    return list(op.operands) + _captured(op)


def _argument_positions(reads: list) -> list[int]:
    """Positions of the reads passed as arguments (the others are rebuilt inside)."""
    positions, seen = [], []
    for i, v in enumerate(reads):
        if not _rebuildable(v) and v not in seen:
            seen.append(v)
            positions.append(i)
    return positions


def _kernel(op, scratch, name: str, positions: list[int]) -> ir.Operation:
    """A function holding `op` in the scratch module."""
    reads = _reads(op)
    args = [reads[i] for i in positions]
    with ir.InsertionPoint(module_body(scratch)), op.location:
        fn = func.FuncOp(name, ([v.type for v in args], [r.type for r in op.results]))
        block = fn.add_entry_block()
    mapping = dict(zip(args, block.arguments))
    with ir.InsertionPoint(block), op.location:
        for v in reads:
            _rebuild(v, mapping)
        new = op.clone()
        for i, v in enumerate(op.operands):
            new.operands[i] = mapping[v]
        inside = _defined_inside(new)

        def remap(o):
            for i, v in enumerate(o.operands):
                if v not in inside and v in mapping:
                    o.operands[i] = mapping[v]
            return ir.WalkResult.ADVANCE
        new.walk(remap)
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
    kernels = []
    for fn in functions(module_op).values():
        if len(fn.regions[0].blocks) == 0:
            continue
        for op in fn.regions[0].blocks[0].operations:
            if _is_kernel(op.operation):
                kernels.append(op.operation)
    if not kernels:
        return
    scratch = ir.Module.create(loc=ir.Location.unknown())
    built = []
    for i, op in enumerate(kernels):
        name = f"pb_kernel_scratch_{i}"
        positions = _argument_positions(_reads(op))
        fn = _kernel(op, scratch, name, positions)
        # the key: the function as printed, under one name (printing never re-verifies; the
        # local scope keeps each print from numbering the whole scratch module)
        key = fn.get_asm(assume_verified=True, use_local_scope=True).replace(f"@{name}(", "@kernel(", 1)
        built.append((op, fn, key, positions))
    taken = set(functions(module_op))
    names: dict[str, str] = {}
    for op, fn, key, positions in built:
        if key not in names:
            n, i = "pb_kernel", 0
            while n in taken:
                i += 1
                n = f"pb_kernel_{i}"
            taken.add(n)
            names[key] = n
            fn.attributes["sym_name"] = ir.StringAttr.get(n)
            set_private(fn)
            fn.attributes["no_inline"] = ir.UnitAttr.get()
            module_body(module_op).append(fn)
        # arguments are read now (an earlier replacement may have changed the values), at the
        # positions chosen when the function was built
        reads = _reads(op)
        args = [reads[i] for i in positions]
        with ir.InsertionPoint(op), op.location:
            results = call(names[key], args, [r.type for r in op.results])
        for old, new in zip(op.results, results):
            old.replace_all_uses_with(new)
        op.erase()
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
