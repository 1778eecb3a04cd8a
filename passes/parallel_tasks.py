"""pb-parallel-tasks: scf.parallel loops run as plain tasks on the async runtime's thread pool.

Upstream's `async-parallel-for` turns each parallel loop into async.execute coroutines, and
LLVM's coroutine passes then cost more than everything else in a small program: half the
LLVM time of a two-layer MLP's gradient (three split matmuls). The async runtime needs no
coroutine to run a task, though: `mlirAsyncRuntimeExecute(handle, fn)` calls `fn(handle)` on a
pool thread. So each outermost scf.parallel becomes

- `@pb_parallel_body_N(ctx, begin, end)`: the loop's body over linear iterations [begin, end),
  its captured values unpacked from the struct at `ctx` (memrefs travel as their LLVM
  descriptors through `unrealized_conversion_cast`, which reconcile-unrealized-casts removes);
- at the loop: the captures stored once on the stack, then a call of the module's one
  `@pb_parallel_launch(body, ctx, total, parts)`, which makes a heap task record {body, ctx,
  begin, end, state} per chunk after the first and hands each to the pool to run the
  module's one `@pb_parallel_task`, runs the first chunk on the calling thread, then takes
  every other chunk: stolen (the caller runs it when no pool thread has claimed it yet) or
  waited for.

Waking a sleeping pool thread takes tens of microseconds on a virtual machine (a wake and a
blocking wait on a token cost 60 us here: a split 1M-element tanh ran slower than a serial
one), so nothing here waits for a thread to wake: a record's `state` is claimed by
compare-and-swap, by the pool thread (PENDING -> CLAIMED, then DONE after the body) or by
the caller (PENDING -> STOLEN). The caller spins, yielding its CPU, only on chunks a pool thread has claimed, which are running.
Whoever touches a record last frees it: the caller once it sees DONE, the pool thread when
it finds its record stolen (the caller may have returned by then; the ctx it points to is
never read in that case).

Each function costs LLVM a few milliseconds however small it is, so there is one body per
loop and one task and one launch function per module (written as LLVM-dialect text: built op
by op through the bindings, the launch code cost ~0.7 ms of pass time per loop).

The iterations are cut into at most `cores` contiguous chunks. A loop nested in another
scf.parallel stays serial (its enclosing loop's tasks already use every core), and so does
a loop with reductions or a capture of a type without a fixed LLVM layout (an n-D vector).
A caller spinning on a running chunk holds its thread, so parallel loops stay out of pool
tasks: pullback's passes only create parallel loops in code that the program's own thread
runs.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, func, llvm, scf

from pullback.dialects.ir import as_func, declare, fresh_name, nested_in, ops_named
from pullback.dialects.types import ContextMemo

from .blas import cores as cores_option
from .estimate_work import WORK
from .gpu_ir import index_constant
from .registry import register_pass

# The async runtime's pool (libmlir_async_runtime), the C library calls the protocol needs, and
# the task that runs a record's body: LLVM dialect, called with LLVM-typed values.
RECORD = "!llvm.struct<(ptr, ptr, i64, i64, i32)>"  # {body, ctx, begin, end, state}
RECORD_BYTES = 40
PENDING, CLAIMED, STOLEN, DONE = 0, 1, 2, 3
RUNTIME = {
    "mlirAsyncRuntimeExecute": "llvm.func @mlirAsyncRuntimeExecute(!llvm.ptr, !llvm.ptr)",
    "malloc": "llvm.func @malloc(i64) -> !llvm.ptr",
    "free": "llvm.func @free(!llvm.ptr)",
    "sched_yield": "llvm.func @sched_yield() -> i32",
}
# pb.work = 0 (passes/estimate_work.py): both only hand work out, so tiered compilation may run
# them unoptimized first.
TASK = """llvm.func internal @{name}(%record: !llvm.ptr) attributes {{pb.work = 0 : i64}} {{
  %state_at = llvm.getelementptr %record[0, 4] : (!llvm.ptr) -> !llvm.ptr, {record}
  %pending = llvm.mlir.constant({pending} : i32) : i32
  %claimed = llvm.mlir.constant({claimed} : i32) : i32
  %done = llvm.mlir.constant({done} : i32) : i32
  %claim = llvm.cmpxchg %state_at, %pending, %claimed acq_rel acquire : !llvm.ptr, i32
  %won = llvm.extractvalue %claim[1] : !llvm.struct<(i32, i1)>
  llvm.cond_br %won, ^run, ^stolen
^run:
  %body = llvm.load %record : !llvm.ptr -> !llvm.ptr
  %ctx_at = llvm.getelementptr %record[0, 1] : (!llvm.ptr) -> !llvm.ptr, {record}
  %ctx = llvm.load %ctx_at : !llvm.ptr -> !llvm.ptr
  %begin_at = llvm.getelementptr %record[0, 2] : (!llvm.ptr) -> !llvm.ptr, {record}
  %begin = llvm.load %begin_at : !llvm.ptr -> i64
  %end_at = llvm.getelementptr %record[0, 3] : (!llvm.ptr) -> !llvm.ptr, {record}
  %end = llvm.load %end_at : !llvm.ptr -> i64
  llvm.call %body(%ctx, %begin, %end) : !llvm.ptr, (!llvm.ptr, i64, i64) -> ()
  llvm.store %done, %state_at atomic release {{alignment = 4 : i64}} : i32, !llvm.ptr
  llvm.return
^stolen:
  llvm.call @free(%record) : (!llvm.ptr) -> ()
  llvm.return
}}"""
# Hands out the chunks of one loop run: the records of chunks 1.. are all allocated before any
# is handed out (a failed malloc returns with no task running), chunk 0 runs on this thread,
# then each other chunk is stolen (PENDING -> STOLEN: this thread runs it, the pool thread that
# finds it stolen frees it) or waited for and freed. One per module, called at every loop.
LAUNCH = """llvm.func internal @{name}(%body: !llvm.ptr, %ctx: !llvm.ptr, %total: i64, %parts: i64) attributes {{pb.work = 0 : i64}} {{
  %zero = llvm.mlir.constant(0 : i64) : i64
  %one = llvm.mlir.constant(1 : i64) : i64
  %bytes = llvm.mlir.constant({record_bytes} : i64) : i64
  %pending = llvm.mlir.constant({pending} : i32) : i32
  %stolen = llvm.mlir.constant({stolen} : i32) : i32
  %done = llvm.mlir.constant({done} : i32) : i32
  %task = llvm.mlir.addressof @{task} : !llvm.ptr
  %few = llvm.intr.smin(%total, %parts) : (i64, i64) -> i64
  %chunks = llvm.intr.smax(%few, %one) : (i64, i64) -> i64
  %last = llvm.sub %chunks, %one : i64
  %rounded = llvm.add %total, %last : i64
  %chunk = llvm.sdiv %rounded, %chunks : i64
  %records = llvm.alloca %chunks x !llvm.ptr : (i64) -> !llvm.ptr
  llvm.br ^make(%one : i64)
^make(%i: i64):
  %making = llvm.icmp "slt" %i, %chunks : i64
  llvm.cond_br %making, ^make_one, ^submit(%one : i64)
^make_one:
  %record = llvm.call @malloc(%bytes) : (i64) -> !llvm.ptr
  %begin = llvm.mul %i, %chunk : i64
  %after = llvm.add %begin, %chunk : i64
  %end = llvm.intr.smin(%after, %total) : (i64, i64) -> i64
  %ctx_at = llvm.getelementptr %record[0, 1] : (!llvm.ptr) -> !llvm.ptr, {record}
  %begin_at = llvm.getelementptr %record[0, 2] : (!llvm.ptr) -> !llvm.ptr, {record}
  %end_at = llvm.getelementptr %record[0, 3] : (!llvm.ptr) -> !llvm.ptr, {record}
  %state_at = llvm.getelementptr %record[0, 4] : (!llvm.ptr) -> !llvm.ptr, {record}
  llvm.store %body, %record : !llvm.ptr, !llvm.ptr
  llvm.store %ctx, %ctx_at : !llvm.ptr, !llvm.ptr
  llvm.store %begin, %begin_at : i64, !llvm.ptr
  llvm.store %end, %end_at : i64, !llvm.ptr
  llvm.store %pending, %state_at : i32, !llvm.ptr
  %slot = llvm.getelementptr %records[%i] : (!llvm.ptr, i64) -> !llvm.ptr, !llvm.ptr
  llvm.store %record, %slot : !llvm.ptr, !llvm.ptr
  %next = llvm.add %i, %one : i64
  llvm.br ^make(%next : i64)
^submit(%j: i64):
  %submitting = llvm.icmp "slt" %j, %chunks : i64
  llvm.cond_br %submitting, ^submit_one, ^first
^submit_one:
  %submit_slot = llvm.getelementptr %records[%j] : (!llvm.ptr, i64) -> !llvm.ptr, !llvm.ptr
  %submitted = llvm.load %submit_slot : !llvm.ptr -> !llvm.ptr
  llvm.call @mlirAsyncRuntimeExecute(%submitted, %task) : (!llvm.ptr, !llvm.ptr) -> ()
  %next_j = llvm.add %j, %one : i64
  llvm.br ^submit(%next_j : i64)
^first:
  %first_end = llvm.intr.smin(%chunk, %total) : (i64, i64) -> i64
  llvm.call %body(%ctx, %zero, %first_end) : !llvm.ptr, (!llvm.ptr, i64, i64) -> ()
  llvm.br ^finish(%one : i64)
^finish(%k: i64):
  %finishing = llvm.icmp "slt" %k, %chunks : i64
  llvm.cond_br %finishing, ^finish_one, ^done
^finish_one:
  %finish_slot = llvm.getelementptr %records[%k] : (!llvm.ptr, i64) -> !llvm.ptr, !llvm.ptr
  %mine = llvm.load %finish_slot : !llvm.ptr -> !llvm.ptr
  %mine_state = llvm.getelementptr %mine[0, 4] : (!llvm.ptr) -> !llvm.ptr, {record}
  %steal = llvm.cmpxchg %mine_state, %pending, %stolen acq_rel acquire : !llvm.ptr, i32
  %won = llvm.extractvalue %steal[1] : !llvm.struct<(i32, i1)>
  llvm.cond_br %won, ^run_stolen, ^wait
^run_stolen:
  %stolen_begin_at = llvm.getelementptr %mine[0, 2] : (!llvm.ptr) -> !llvm.ptr, {record}
  %stolen_end_at = llvm.getelementptr %mine[0, 3] : (!llvm.ptr) -> !llvm.ptr, {record}
  %stolen_begin = llvm.load %stolen_begin_at : !llvm.ptr -> i64
  %stolen_end = llvm.load %stolen_end_at : !llvm.ptr -> i64
  llvm.call %body(%ctx, %stolen_begin, %stolen_end) : !llvm.ptr, (!llvm.ptr, i64, i64) -> ()
  llvm.br ^next_chunk
^wait:
  %state = llvm.load %mine_state atomic acquire {{alignment = 4 : i64}} : !llvm.ptr -> i32
  %running = llvm.icmp "ne" %state, %done : i32
  llvm.cond_br %running, ^yield, ^free
^yield:
  %yielded = llvm.call @sched_yield() : () -> i32
  llvm.br ^wait
^free:
  llvm.call @free(%mine) : (!llvm.ptr) -> ()
  llvm.br ^next_chunk
^next_chunk:
  %next_k = llvm.add %k, %one : i64
  llvm.br ^finish(%next_k : i64)
^done:
  llvm.return
}}"""
# After its DONE store a pool thread still returns through this function's code: engines
# whose code runs on the pool live as long as the process (runtime/engine.py).
CONSTANT_OPS = ("arith.constant", "llvm.mlir.constant", "ub.poison")  # cloned, not captured


def _ptr() -> ir.Type:
    return llvm.PointerType.get()


def _i64() -> ir.Type:
    return ir.IntegerType.get_signless(64)


def _llvm_type(t: ir.Type) -> ir.Type | None:
    """The LLVM type a capture of type `t` is stored as (None: it cannot be captured)."""
    if isinstance(t, ir.IndexType):
        return _i64()
    if isinstance(t, (ir.IntegerType, ir.FloatType)) or isinstance(t, llvm.PointerType):
        return t
    if isinstance(t, ir.VectorType):
        return t if t.rank == 1 and not t.scalable else None
    if isinstance(t, ir.ComplexType):
        return ir.Type.parse(f"!llvm.struct<({t.element_type}, {t.element_type})>")
    if isinstance(t, ir.MemRefType):
        if t.memory_space is not None:
            return None
        arrays = f", array<{t.rank} x i64>, array<{t.rank} x i64>" if t.rank else ""
        return ir.Type.parse(f"!llvm.struct<(ptr, ptr, i64{arrays})>")
    return None


def _to_llvm(v: ir.Value, target: ir.Type) -> ir.Value:
    if isinstance(v.type, ir.IndexType):
        return arith.IndexCastOp(target, v).result
    if v.type == target:
        return v
    return ir.Operation.create("builtin.unrealized_conversion_cast", [target], [v]).result


def _from_llvm(v: ir.Value, original: ir.Type) -> ir.Value:
    if isinstance(original, ir.IndexType):
        return arith.IndexCastOp(original, v).result
    if v.type == original:
        return v
    return ir.Operation.create("builtin.unrealized_conversion_cast", [original], [v]).result


def _defining_op(v: ir.Value) -> ir.Operation | None:
    owner = v.owner
    if isinstance(owner, ir.Block):
        return owner.owner.operation if owner.owner is not None else None
    return owner.operation


def _captures(loop: ir.Operation) -> tuple[list, dict]:
    """Values the loop's body uses but does not define, in first-use order, and their uses
    as (op, operand index). The loop's own bounds are not captures."""
    inner: set = set()
    values, uses = [], {}

    def visit(op):
        inner.add(op.operation)
        return ir.WalkResult.ADVANCE
    loop.walk(visit)

    def collect(op):
        op = op.operation
        if op == loop:
            return ir.WalkResult.ADVANCE
        for i, v in enumerate(op.operands):
            if _defining_op(v) in inner:
                continue
            if v not in uses:
                values.append(v)
                uses[v] = []
            uses[v].append((op, i))
        return ir.WalkResult.ADVANCE
    loop.walk(collect)
    return values, uses


def _is_constant(v: ir.Value) -> bool:
    definer = _defining_op(v)
    return definer is not None and definer.name in CONSTANT_OPS


def _symbols(module_op) -> set[str]:
    return {ir.StringAttr(op.operation.attributes["sym_name"]).value
            for op in module_op.regions[0].blocks[0].operations if "sym_name" in op.operation.attributes}


_PARSED_RUNTIME = ContextMemo()


def _add_runtime(module_op, task: str, launch: str) -> None:
    """Declare the runtime functions the module lacks and define the task function `task` and
    the launch function `launch`."""
    known = _symbols(module_op)
    task_text = TASK.format(name=task, record=RECORD, pending=PENDING, claimed=CLAIMED, done=DONE)
    launch_text = LAUNCH.format(name=launch, task=task, record=RECORD, record_bytes=RECORD_BYTES,
                                pending=PENDING, stolen=STOLEN, done=DONE)
    text = "\n".join([decl for name, decl in RUNTIME.items() if name not in known] + [task_text, launch_text])
    # Parsed once per context and text (names included), then cloned: parsing is ~0.6 ms a compile.
    parsed = _PARSED_RUNTIME.get(text, lambda: ir.Module.parse(text, module_op.context))
    with ir.InsertionPoint(module_op.regions[0].blocks[0]):
        for op in parsed.body.operations:
            op.operation.clone()


def _entry_alloca(fn: ir.Operation, element: ir.Type) -> ir.Value:
    """Stack space for one `element`, allocated once at the function's entry (a loop around
    the parallel loop must not grow the stack)."""
    entry = fn.regions[0].blocks[0]
    with ir.InsertionPoint.at_block_begin(entry), fn.location:
        n = _i64_constant(1)
        return llvm.AllocaOp(_ptr(), n, ir.TypeAttr.get(element)).result


def _struct(fields: list) -> ir.Type:
    return ir.Type.parse(f"!llvm.struct<({', '.join(str(t) for t in fields)})>")


def _runtime_call(name: str, args: list, result: ir.Type | None = None) -> ir.Value | None:
    call = llvm.CallOp(result, args, [], [], callee=ir.FlatSymbolRefAttr.get(name))
    return call.result if result is not None else None


def _static_index(v: ir.Value) -> int | None:
    definer = _defining_op(v)
    if definer is not None and definer.name == "arith.constant":
        return ir.IntegerAttr(definer.attributes["value"]).value
    return None


BOUNDS = ("lower", "step", "trips")


class _Loop:
    """One scf.parallel to lower. The ctx struct holds its dynamic bounds (lower bounds, steps
    and trip counts per dimension; static ones are constants in the body, where LLVM can fold
    them) and its captures."""

    def __init__(self, op: ir.Operation):
        self.op = op
        self.loop = op.opview
        self.rank = len(self.loop.lowerBound)
        captures, self.uses = _captures(op)
        self.captures = [v for v in captures if not _is_constant(v)]
        self.constants = [v for v in captures if _is_constant(v)]
        lower = [_static_index(v) for v in self.loop.lowerBound]
        upper = [_static_index(v) for v in self.loop.upperBound]
        step = [_static_index(v) for v in self.loop.step]
        trips = [-(-(u - l) // s) if None not in (l, u, s) and s > 0 else None
                 for l, u, s in zip(lower, upper, step)]
        self.static = {"lower": lower, "step": step, "trips": trips}
        self.dynamic = [(kind, d) for kind in BOUNDS for d in range(self.rank) if self.static[kind][d] is None]
        self.types = [ir.IndexType.get()] * len(self.dynamic) + [v.type for v in self.captures]
        self.fields = [_llvm_type(t) for t in self.types]

    def lowerable(self) -> bool:
        return not self.op.results and None not in self.fields

    def outline_body(self, module_op, name: str) -> ir.Operation:
        """@name(ctx, begin, end): the body for linear iterations [begin, end) (returned)."""
        index, loc = ir.IndexType.get(), self.op.location
        with loc:
            fn = declare(module_op, name, [_ptr(), _i64(), _i64()], [])
            as_func(fn).add_entry_block()
        entry = fn.regions[0].blocks[0]
        ctx, begin, end = entry.arguments
        with ir.InsertionPoint(entry), loc:
            begin, end = (arith.IndexCastOp(index, v).result for v in (begin, end))
            packed = llvm.LoadOp(_struct(self.fields), ctx).result
            unpacked = [_from_llvm(llvm.ExtractValueOp(f, packed, ir.DenseI64ArrayAttr.get([i])).result, t)
                        for i, (f, t) in enumerate(zip(self.fields, self.types))]
            bounds = {kind: [index_constant(n) if n is not None else None for n in self.static[kind]]
                      for kind in BOUNDS}
            for (kind, d), v in zip(self.dynamic, unpacked):
                bounds[kind][d] = v
            lower, steps, trips = (bounds[kind] for kind in BOUNDS)
            values = dict(zip(self.captures, unpacked[len(self.dynamic):]))
            values.update((v, _defining_op(v).clone().results[0]) for v in self.constants)
            iterate = scf.ForOp(begin, end, index_constant(1))
            func.ReturnOp([])
        with ir.InsertionPoint(iterate.body), loc:
            rest, ivs = iterate.induction_variable, []
            for d in range(self.rank - 1, 0, -1):  # delinearize, innermost first
                ivs.append(arith.RemUIOp(rest, trips[d]).result)
                rest = arith.DivUIOp(rest, trips[d]).result
            ivs = [arith.AddIOp(l, arith.MulIOp(p, s).result).result
                   for l, p, s in zip(lower, [rest] + ivs[::-1], steps)]
            yield_op = scf.YieldOp([])
        block = self.op.regions[0].blocks[0]
        for old, new in zip(block.arguments, ivs):
            old.replace_all_uses_with(new)
        for op in list(block.operations)[:-1]:  # the scf.reduce terminator stays behind
            op.operation.move_before(yield_op)
        for v, sites in self.uses.items():
            for op, i in sites:
                op.operands[i] = values[v]
        return fn

    def launch(self, fn: ir.Operation, parts: int, body: str, launch: str) -> None:
        """In place of the loop: its bounds and captures packed into a ctx on the stack, then
        one call of the module's launch function, which runs the chunks."""
        i64, loop = _i64(), self.loop
        ctx = _entry_alloca(fn, _struct(self.fields))
        with ir.InsertionPoint(self.op), self.op.location:
            trips = _trip_counts(loop)
            bounds = {"lower": list(loop.lowerBound), "step": list(loop.step), "trips": trips}
            packed = llvm.UndefOp(_struct(self.fields)).result
            values = [bounds[kind][d] for kind, d in self.dynamic] + self.captures
            for i, (v, f) in enumerate(zip(values, self.fields)):
                packed = llvm.InsertValueOp(packed, _to_llvm(v, f), ir.DenseI64ArrayAttr.get([i])).result
            llvm.StoreOp(packed, ctx)
            total = index_constant(1)
            for t in trips:
                total = arith.MulIOp(total, arith.MaxSIOp(t, index_constant(0)).result).result
            _runtime_call(launch, [_function_pointer(body), ctx, arith.IndexCastOp(i64, total).result,
                                   _i64_constant(parts)])
        self.op.erase()


def _i64_constant(n: int) -> ir.Value:
    return llvm.ConstantOp(_i64(), ir.IntegerAttr.get(_i64(), n)).result


def _trip_counts(loop) -> list[ir.Value]:
    return [arith.CeilDivSIOp(arith.SubIOp(u, l).result, s).result
            for l, u, s in zip(loop.lowerBound, loop.upperBound, loop.step)]


def _function_pointer(name: str) -> ir.Value:
    """The address of the body func.func @name as an !llvm.ptr (its func.constant becomes an
    llvm.mlir.addressof when func lowers to LLVM)."""
    fn_type = ir.FunctionType.get([_ptr(), _i64(), _i64()], [])
    ref = func.ConstantOp(fn_type, ir.FlatSymbolRefAttr.get(name)).result
    return ir.Operation.create("builtin.unrealized_conversion_cast", [_ptr()], [ref]).result


def _outermost_loops(module_op) -> list:
    loops = ops_named(module_op, ("scf.parallel",))
    return [op for op in loops if not nested_in(op, ("scf.parallel",))]  # nested loops stay serial


def _enclosing_function(op: ir.Operation) -> ir.Operation:
    while op.name != "func.func":
        op = op.parent.operation
    return op


@register_pass("pb-parallel-tasks", "Run scf.parallel loops as tasks on the async runtime's thread pool, "
               "without coroutines")
def parallel_tasks(module_op, cores: str = "0") -> None:
    """`cores`: the most chunks a loop is cut into (0: the host's cores; 1 leaves every loop
    serial, as scf lowers it)."""
    parts = cores_option(cores)
    if parts == 1:
        return
    loops = [_Loop(op) for op in _outermost_loops(module_op)]
    loops = [loop for loop in loops if loop.lowerable()]
    if not loops:
        return
    taken = _symbols(module_op)
    task = fresh_name(taken, "pb_parallel_task")
    taken.add(task)
    launch = fresh_name(taken, "pb_parallel_launch")
    taken.add(launch)
    for loop in loops:
        body = fresh_name(taken, "pb_parallel_body")
        taken.add(body)
        fn = _enclosing_function(loop.op)
        outlined = loop.outline_body(module_op, body)
        if WORK in fn.attributes:  # the loop's work moves with it (runtime/native_jit.py's tiers)
            outlined.attributes[WORK] = fn.attributes[WORK]
        loop.launch(fn, parts, body, launch)
    _add_runtime(module_op, task, launch)
