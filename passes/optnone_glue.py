"""pb-optnone-glue: LLVM functions whose loops only call out are marked optnone.

Runs last, on the LLVM dialect. Once kernels are outlined (pb-outline-kernels, the BLAS
passes), a program's entry function is glue: allocations, views and calls, straight-line
code that optimization hardly speeds up but that LLVM's O2 pipeline spends most of a
compile on (thousands of memref-descriptor instructions for a deep network). So are the
BLAS wrappers, the bodies of split gemms and the launch code of parallel loops: their loops
hand work to a library or a thread pool, a few iterations each. Every such function is
marked `optnone` (with the `noinline` LLVM requires alongside). The CPU runtime
(runtime/native_jit.py) compiles optnone functions as the glue unit: no IR optimization and
O0 codegen. (MLIR's ExecutionEngine, still used for host callbacks and the GPU, only gives
them LLVM's fast instruction selector: its IR pipeline registers no OptNone instrumentation.)

A function is glue when every loop of its control-flow graph (a strongly connected set of
blocks) is a glue loop:
  - its blocks hold only calls, integer and pointer arithmetic, constants, struct values,
    branches, atomics, and loads or stores of integers and pointers (no floating-point
    or vector value outside a call's arguments, no intrinsic but integer min/max), and
  - a loop without a call neither stores nor loads anything but a pointer or atomically
    (a spin on a flag), so that integer kernels (loops loading and storing integers, never
    calling) keep the optimizer.
Loop-free functions are glue too, unless tiny (they compile in no time either way).
"""
from __future__ import annotations

from mlir import ir

from pullback.dialects.ir import last_op

from .outline_kernels import SMALL_KERNEL
from .registry import register_pass

MIN_OPS = 64  # smaller loop-free functions compile in no time either way

# Ops a glue block may hold (their operands and results are checked separately).
GLUE_OPS = frozenset({
    "llvm.call", "llvm.getelementptr", "llvm.mlir.constant", "llvm.mlir.undef", "llvm.mlir.poison",
    "llvm.mlir.zero", "llvm.mlir.addressof", "llvm.extractvalue", "llvm.insertvalue",
    "llvm.br", "llvm.cond_br", "llvm.switch", "llvm.return", "llvm.icmp", "llvm.select",
    "llvm.add", "llvm.sub", "llvm.mul", "llvm.sdiv", "llvm.udiv", "llvm.srem", "llvm.urem",
    "llvm.and", "llvm.or", "llvm.xor", "llvm.shl", "llvm.lshr", "llvm.ashr",
    "llvm.zext", "llvm.sext", "llvm.trunc", "llvm.ptrtoint", "llvm.inttoptr", "llvm.freeze",
    "llvm.load", "llvm.store", "llvm.cmpxchg", "llvm.atomicrmw", "llvm.alloca",
    "llvm.intr.smin", "llvm.intr.smax", "llvm.intr.umin", "llvm.intr.umax",
})
MEMORY_OPS = ("llvm.load", "llvm.store")


def _successors(blocks: list) -> list[list[int]]:
    index = {b: i for i, b in enumerate(blocks)}
    out = []
    for b in blocks:
        last = last_op(b)
        out.append([index[s] for s in last.successors] if last is not None else [])
    return out


def loops(region) -> list[list]:
    """The loops of `region`: its strongly connected sets of blocks that hold a cycle
    (Tarjan's algorithm, iterative: an entry function has thousands of blocks)."""
    blocks = list(region.blocks)
    succ = _successors(blocks)
    order, low, on_stack, stack, cyclic = [-1] * len(blocks), [0] * len(blocks), [False] * len(blocks), [], []
    counter = 0
    for root in range(len(blocks)):
        if order[root] >= 0:
            continue
        work = [(root, 0)]
        order[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        while work:
            v, i = work[-1]
            if i < len(succ[v]):
                work[-1] = (v, i + 1)
                w = succ[v][i]
                if order[w] < 0:
                    order[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = True
                    work.append((w, 0))
                elif on_stack[w]:
                    low[v] = min(low[v], order[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == order[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1 or v in succ[v]:
                    cyclic.append([blocks[i] for i in sorted(component)])
    return cyclic


class _TypeKinds:
    """What the pass asks of value types, answered once per type: types are uniqued, and
    printing one (a memref descriptor's struct) costs microseconds, thousands of times."""

    def __init__(self):
        self._scalar, self._pointer = {}, {}

    def scalar_glue(self, t: ir.Type) -> bool:
        """Integers, pointers and structs of them (memref descriptors): no float, no vector."""
        found = self._scalar.get(t)
        if found is None:
            text = str(t)
            found = self._scalar[t] = not any(w in text for w in ("f16", "f32", "f64", "f80", "f128", "vector<"))
        return found

    def pointer(self, t: ir.Type) -> bool:
        found = self._pointer.get(t)
        if found is None:
            found = self._pointer[t] = str(t).startswith("!llvm.ptr")
        return found


NOT_ATOMIC = 0  # LLVM::AtomicOrdering::not_atomic


def _atomic(op) -> bool:
    return "ordering" in op.attributes and ir.IntegerAttr(op.attributes["ordering"]).value != NOT_ATOMIC


def _memory_value_type(op) -> ir.Type:
    return op.results[0].type if op.name == "llvm.load" else op.operands[0].type


def _glue_loop(blocks: list, kinds: _TypeKinds) -> bool:
    ops = [op.operation for block in blocks for op in block.operations]
    calls = any(op.name == "llvm.call" for op in ops)
    for op in ops:
        if op.name not in GLUE_OPS:
            return False
        # a call's cost is its callee's (a gemm's float alpha and beta included)
        if op.name not in ("llvm.call", "llvm.mlir.constant") and not all(
                kinds.scalar_glue(v.type) for v in [*op.operands, *op.results]):
            return False
        if op.name in MEMORY_OPS and not calls and not _atomic(op) and not kinds.pointer(_memory_value_type(op)):
            return False  # loads or stores of data in a loop that never calls: a kernel
    return True


def _size(region) -> int:
    return sum(len(b.operations) for b in region.blocks)


def is_glue(region, kinds: _TypeKinds | None = None) -> bool:
    found = loops(region)
    if not found:
        return _size(region) >= MIN_OPS
    kinds = kinds or _TypeKinds()
    return all(_glue_loop(blocks, kinds) for blocks in found)


@register_pass("pb-optnone-glue", "Mark LLVM functions whose loops only call out optnone (they gain little "
               "from LLVM's optimizer)")
def optnone_glue(module_op) -> None:
    kinds = _TypeKinds()
    for op in module_op.regions[0].blocks[0].operations:
        op = op.operation
        if op.name != "llvm.func" or not op.regions[0].blocks or "passthrough" in op.attributes:
            continue
        if SMALL_KERNEL in op.attributes or is_glue(op.regions[0], kinds):
            op.attributes["passthrough"] = ir.ArrayAttr.get([ir.StringAttr.get("noinline"), ir.StringAttr.get("optnone")])
