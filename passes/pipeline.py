"""Pass pipelines: textual pipelines that mix pullback and upstream passes.

`build_pass_manager("builtin.module(pb-to-linalg,canonicalize)")` gives a
PassManager in which pb passes run as Python passes and everything else is
parsed by upstream MLIR, so one string can name both.
"""
from __future__ import annotations

import hashlib
import inspect
import os
import threading

from mlir import ir, passmanager

from . import (blas_calls, carries_in_place, check_allocations, cpu_codegen, early_dealloc, elide_result_copies,  # noqa: F401
               empty_memref_args, estimate_work, expand_math, internal_linkage, kernel_noalias, optnone_glue, outline_blas_matmuls, outline_kernels,
               parallel_kernels, parallel_tasks, reuse_buffers, split_deallocs, strided_copies)  # (register their passes)
from .registry import PASSES, as_external_pass, take_user_failure

def _source_fingerprint() -> str:
    """A hash of the compiler's own sources (op rules, passes, pipeline, runtime).

    Part of every compile cache key, so an edited lowering or pass can never be
    served stale code from the on-disk cache."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    h = hashlib.sha256()
    for sub in ("dialects", "passes", "runtime"):
        base = os.path.join(root, sub)
        for dirpath, dirnames, filenames in sorted(os.walk(base)):
            dirnames.sort()
            for fn in sorted(filenames):
                if fn.endswith(".py"):
                    with open(os.path.join(dirpath, fn), "rb") as f:
                        h.update(fn.encode())
                        h.update(f.read())
    return h.hexdigest()[:16]


# Part of every compile cache key.
PIPELINE_VERSION = "cpu-2-" + _source_fingerprint()

# Bufferization and LLVM lowering shared by every CPU compile. Function results
# become caller-allocated out-params and memrefs travel as bare pointers, so the
# runtime calls compiled code with nothing but data pointers.
BUFFERIZE_TO_OUT_PARAMS = [  # shared with the GPU pipeline
    "pb-readonly-args",  # compiled code must never write into the caller's arrays
    "pb-distinct-results",  # each result is its own out-param
    "pb-carries-in-place",  # loops write new carries and ys rows into their own buffers
    "one-shot-bufferize{bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map}",
    "drop-equivalent-buffer-results",  # a kernel that writes its init in place returns nothing
    "buffer-results-to-out-params{hoist-static-allocs modify-public-functions}",
    # upstream's buffer-deallocation-pipeline, with pb-split-deallocs before its simplification
    # and without the second canonicalize it starts with (the IR has no reallocs to expand)
    "expand-realloc{emit-deallocs=false}",
    "canonicalize",
    "ownership-based-buffer-deallocation",
    "canonicalize",
    "pb-split-deallocs",
    "buffer-deallocation-simplification",
    "bufferization-lower-deallocations",
    "cse",
    "canonicalize",
]
BUFFERIZE = BUFFERIZE_TO_OUT_PARAMS + [
    "pb-elide-result-copies",  # outlined kernels and BLAS calls write results in place
    "pb-early-dealloc",  # straight-line code frees each buffer after its last use, not at the block's end
    "func.func(promote-buffers-to-stack{max-alloc-size-in-bytes=4096})",
    "pb-reuse-buffers",  # after pb-early-dealloc: a buffer freed early serves a later allocation
]
# Parallel loops (scf.forall from pb-parallel-kernels, scf.parallel from pb-blas-calls and
# pb-strided-copies) run their chunks as tasks on the async runtime's thread pool, without
# the coroutines upstream's async-parallel-for needs; modules without them pass through.
PARALLEL = [
    "scf-forall-to-parallel",
    "pb-parallel-tasks",
]
TO_LLVM = [
    "pb-estimate-work",  # while loops are structured: which kernels are cheap to run unoptimized
    "pb-kernel-noalias",  # on memrefs, where each call's buffers can be traced to their allocations
    "pb-blas-calls",
    "pb-strided-copies",  # before memref.copy lowers to the runtime's element-wise memrefCopy
    "pb-empty-memref-args",  # before any memref op lowers: it adds zero-size allocas
    "convert-vector-to-scf{full-unroll=true}",
    "convert-linalg-to-loops",
    "pb-widen-bool-memrefs",  # i1 memref stores do not lower to LLVM: bools live as bytes
    *PARALLEL,
    "expand-strided-metadata",
    "lower-affine",
    "convert-scf-to-cf",
    "func.func(math-extend-to-supported-types{target-type=f32})",
    "convert-math-to-funcs",  # integer powers (math.ipowi) have no LLVM lowering: software loops
    "convert-complex-to-standard",
    "convert-math-to-llvm",
    "convert-math-to-libm",
    "convert-complex-to-llvm",
    "convert-vector-to-llvm",
    "finalize-memref-to-llvm",
    "convert-func-to-llvm{use-bare-ptr-memref-call-conv=1}",
    "convert-arith-to-llvm",
    "convert-cf-to-llvm",
    "convert-index-to-llvm",
    "convert-ub-to-llvm",
    "reconcile-unrealized-casts",
    # Folds the memref descriptors the bare-pointer convention builds around every call
    # (insertvalue chains read back by extractvalue): a 32-layer MLP's LLVM IR shrinks 4.6x,
    # so it comes before the Python passes that walk the LLVM dialect.
    "canonicalize{region-simplify=disabled}",
    "pb-check-allocations",  # a NULL malloc returns early and raises ResourceExhaustedError
    "pb-optnone-glue",
    "pb-internal-linkage",  # before the engine sees it: no packed wrapper per private function
]
# Matmuls are tiled and vectorized before elementwise fusion: fusion folds the reshapes
# around a dot_general's canonical matmul into it, turning it into a higher-rank generic
# that no matmul schedule matches.
# Large float matmuls call OpenBLAS (passes/blas.py); the rest get generated kernels.
# Loop-invariant code motion first: lowering a dot_general inside a loop body emits the
# transposes of its operands there, the weights' too (a 256x256 copy per RNN step).
CODEGEN = ["loop-invariant-code-motion", "canonicalize", "pb-outline-blas-matmuls", "pb-cpu-codegen"]
LINALG_OPT = [  # shared with the GPU pipeline
    "canonicalize",
    "linalg-fuse-elementwise-ops",
    "cse",
]
# Kernels as functions, shared when identical (one per layer compiles once), leaving a
# loop-free entry function that pb-optnone-glue keeps out of LLVM's optimizer; large
# kernels then split into one block per core. Transcendental functions are expanded only
# then, once per distinct kernel.
CPU_LINALG_OPT = LINALG_OPT + ["pb-outline-kernels", "pb-parallel-kernels", "pb-expand-math"]
# pb-scan-sink-sums after pb-simplify: dead carries are gone and loop invariants hoisted.
PB_LOWER = ["pb-expand-transforms", "pb-lower-custom-derivatives", "pb-inline", "pb-simplify", "pb-scan-sink-sums",
            "pb-to-linalg", "pb-lower-host-callbacks"]
CPU_PIPELINE = PB_LOWER + CODEGEN + CPU_LINALG_OPT + BUFFERIZE + TO_LLVM

# Named stages in pipeline order, for IR dumps and `lower(...).as_text(stage=...)`: each
# entry is the passes that lead from the previous stage to it. "llvm-ir" is the LLVM
# dialect translated to LLVM IR text.
STAGES = {
    "pb": [],
    "transformed": PB_LOWER[:PB_LOWER.index("pb-to-linalg")],
    "linalg": PB_LOWER[PB_LOWER.index("pb-to-linalg"):],
    "vectorized": CODEGEN + CPU_LINALG_OPT,
    "bufferized": BUFFERIZE,
    "llvm": TO_LLVM,
    "llvm-ir": [],
}
assert sum(STAGES.values(), []) == CPU_PIPELINE


def split_top_level(pipeline: str) -> list[str]:
    """Split 'a,b{x=1,y=2},func.func(c,d)' at top-level commas."""
    parts, depth, cur = [], 0, []
    for ch in pipeline:
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    if "".join(cur).strip():
        parts.append("".join(cur).strip())
    return parts


def strip_anchor(pipeline: str) -> str:
    """'builtin.module(a,b)' -> 'a,b'."""
    p = pipeline.strip()
    if p.startswith("builtin.module(") and p.endswith(")"):
        return p[len("builtin.module("):-1]
    if p.startswith("any(") and p.endswith(")"):
        return p[len("any("):-1]
    return p


def parse_options(text: str) -> dict:
    """'{a=1 b=x c}' -> {'a': '1', 'b': 'x', 'c': 'true'}."""
    text = text.strip()[1:-1]
    out = {}
    for item in text.replace(",", " ").split():
        key, _, value = item.partition("=")
        out[key.replace("-", "_")] = value if value else "true"
    return out


def _check_options(name: str, options: dict) -> None:
    """Options a pass does not take are a pipeline error (ValueError), before anything runs."""
    params = inspect.signature(PASSES[name].run).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return
    known = [p for p in list(params)[1:]]
    for key in options:
        if key not in known:
            takes = f"its options: {', '.join(k.replace('_', '-') for k in known)}" if known else "it takes none"
            raise ValueError(f"pass '{name}' has no option '{key.replace('_', '-')}' ({takes})")


def add_passes(pm: passmanager.PassManager, elements: list[str]) -> None:
    """Add pipeline elements, pb passes as Python passes and the rest as text."""
    upstream: list[str] = []

    def flush():
        if upstream:
            pm.add(",".join(upstream))
            upstream.clear()

    for el in elements:
        name, brace, rest = el.partition("{")
        name = name.strip()
        if name in PASSES:
            flush()
            options = parse_options("{" + rest) if brace else {}
            _check_options(name, options)
            pm.add(as_external_pass(PASSES[name], options), name=name, argument=name)
        else:
            upstream.append(el)
    flush()


def build_pass_manager(pipeline, context: ir.Context | None = None) -> passmanager.PassManager:
    """PassManager for a textual pipeline or a list of pipeline elements."""
    elements = split_top_level(strip_anchor(pipeline)) if isinstance(pipeline, str) else list(pipeline)
    pm = passmanager.PassManager("builtin.module", context=context)
    add_passes(pm, elements)
    return pm


# Verifying the whole module after every pass is a tenth of a deep program's pass time. The
# compiler verifies once, at the end, unless this is set (the test suite sets it, so every
# pass of every test compile is checked); pullback-opt always verifies each pass, as mlir-opt.
VERIFY_EACH_ENV = "PULLBACK_VERIFY_EACH_PASS"


def verify_each_pass() -> bool:
    return os.environ.get(VERIFY_EACH_ENV, "").strip().lower() in ("1", "true", "on", "yes")


# PassManagers are reused per thread, context and pipeline segment: a fresh one initializes
# every pass at its first run (each canonicalize freezes every loaded dialect's patterns).
# A pass that keeps state from one run to the next gets a fresh PassManager every time:
# convert-math-to-funcs remembers the functions it made, in the module before (a reused one
# segfaulted).
STATEFUL_PASSES = ("convert-math-to-funcs",)
PASS_MANAGER_CACHE_SIZE = 32  # per thread; the least recently used goes first
_pass_managers = threading.local()


def _segments(elements: list[str]) -> list[tuple[tuple[str, ...], bool]]:
    """The pipeline as runs of reusable elements and single stateful ones: (elements, reusable)."""
    out, run = [], []
    for el in elements:
        if any(name in el for name in STATEFUL_PASSES):
            if run:
                out.append((tuple(run), True))
                run = []
            out.append(((el,), False))
        else:
            run.append(el)
    if run:
        out.append((tuple(run), True))
    return out


def _reused_pass_manager(elements: tuple[str, ...], context: ir.Context) -> passmanager.PassManager:
    cache = getattr(_pass_managers, "entries", None)
    if cache is None:
        cache = _pass_managers.entries = {}
    key = (context, elements)
    pm = cache.pop(key, None)
    if pm is None:
        pm = build_pass_manager(list(elements), context)
        while len(cache) >= PASS_MANAGER_CACHE_SIZE:
            cache.pop(next(iter(cache)))
    cache[key] = pm  # most recently used last
    return pm


def run_pipeline(module: ir.Module, pipeline, *, verify_each: bool | None = None) -> None:
    """Run a pipeline; a pass failure that is the user's error (`PassFailure.error_type`, e.g.
    forward mode of a custom_vjp function) is raised as that exception, naming the user's line.
    `verify_each` (default: PULLBACK_VERIFY_EACH_PASS) verifies after every pass; without it the
    result is verified once."""
    take_user_failure()
    if verify_each is None:
        verify_each = verify_each_pass()
    elements = split_top_level(strip_anchor(pipeline)) if isinstance(pipeline, str) else list(pipeline)
    try:
        for segment, reusable in _segments(elements):
            if reusable:
                pm = _reused_pass_manager(segment, module.context)
            else:
                pm = build_pass_manager(list(segment), module.context)
            pm.enable_verifier(verify_each)
            pm.run(module.operation)
        if not verify_each:
            module.operation.verify()
    except ir.MLIRError:
        failure = take_user_failure()
        if failure is not None:
            raise failure.user_exception() from None
        raise
