"""The GPU path: pb functions compiled with the GPU pipeline, run through libmlir_cuda_runtime.

`compile_gpu(module, name)` lowers func.func @name of a pb module with
`GPU_PIPELINE` (passes/gpu_pipeline.py) and JIT-compiles the host code with an
ExecutionEngine that loads `libmlir_cuda_runtime.so` (it ships in the bindings
wheel next to libmlir_c_runner_utils.so and needs the CUDA driver,
libcuda.so.1). It is the "gpu" backend of `compile_module(module, name, target="gpu")`
(runtime/compiler.py), behind the same cache as the CPU backend. The result is an
`Executable`, called like a CPU one: numpy
arrays in, numpy arrays out, the compiled entry taking data pointers only. The
kernels are PTX inside the module; the driver compiles them when the engine is
initialized (the module's constructor loads them).

Only the memory cache serves GPU programs: a disk entry would have to carry the
kernels' PTX and the CUDA runtime's registration, which the CPU object cache does not.

`gpu_available()` says whether a CUDA device can be used (tests skip execution
where it cannot); `ptx_of(module)` gives the PTX of a lowered module and
`verify_ptx(ptx)` assembles it with `ptxas` when one is installed, which checks
the kernels without a GPU.

Command line, for inspection:

    python -m pullback.runtime.gpu FILE.mlir [--stage=STAGE] [--ptx] [--verify]
    python -m pullback.runtime.gpu --print-pipeline

prints the IR after STAGE (pb, transformed, linalg, bufferized, kernels, llvm;
default llvm), or the PTX of the kernels; `--verify` also runs ptxas.
`--print-pipeline` prints GPU_PIPELINE as text, for
`pullback-opt --pass-pipeline="builtin.module(...)"`.
"""
from __future__ import annotations

import argparse
import ctypes
import functools
import os
import shutil
import subprocess
import sys
import tempfile

from mlir import execution_engine, ir
from mlir.dialects import gpu as gpu_dialect

from pullback.dialects import new_context
from pullback.passes import run_pipeline
from pullback.passes.gpu_pipeline import CHIP, GPU_PIPELINE, GPU_STAGES

from . import callbacks
from .compiler import BACKENDS, function_signature
from .engine import C_RUNNER_UTILS, PackedFunction, mlir_lib_dir
from .executable import Executable

CUDA_RUNTIME = "libmlir_cuda_runtime.so"
STAGES = [*GPU_STAGES, "ptx"]


# ---------------------------------------------------------------- probing

@functools.lru_cache(maxsize=None)
def gpu_unavailable_reason() -> str | None:
    """None when a CUDA device and the MLIR CUDA runtime can be used, else why not."""
    try:
        cuda = ctypes.CDLL("libcuda.so.1")
    except OSError as e:
        return f"no CUDA driver (libcuda.so.1 cannot be loaded: {e})"
    rc = cuda.cuInit(0)
    if rc != 0:
        return f"cuInit failed (CUresult {rc})"
    count = ctypes.c_int(0)
    rc = cuda.cuDeviceGetCount(ctypes.byref(count))
    if rc != 0 or count.value == 0:
        return f"no CUDA device (cuDeviceGetCount: CUresult {rc}, {count.value} devices)"
    if not os.path.exists(os.path.join(mlir_lib_dir(), CUDA_RUNTIME)):
        return f"{CUDA_RUNTIME} is missing from {mlir_lib_dir()}"
    return None


def gpu_available() -> bool:
    return gpu_unavailable_reason() is None


def device_name() -> str | None:
    """Name of CUDA device 0 (e.g. 'NVIDIA H200'), or None without a GPU."""
    if not gpu_available():
        return None
    cuda = ctypes.CDLL("libcuda.so.1")
    dev = ctypes.c_int(0)
    name = ctypes.create_string_buffer(256)
    if cuda.cuDeviceGet(ctypes.byref(dev), 0) != 0 or cuda.cuDeviceGetName(name, 256, dev) != 0:
        return None
    return name.value.decode()


# ---------------------------------------------------------------- lowering and inspection

def _copy(module: ir.Module) -> ir.Module:
    """A copy to lower, with locations (diagnostics name the user's line)."""
    return ir.Module.parse(module.operation.get_asm(enable_debug_info=True), module.context)


def lower_gpu(module: ir.Module, pipeline=None) -> ir.Module:
    """A lowered copy of a pb module: LLVM-dialect host code plus gpu.binary ops (PTX)."""
    lowered = _copy(module)
    run_pipeline(lowered, GPU_PIPELINE if pipeline is None else pipeline)
    return lowered


def gpu_stage_texts(module: ir.Module, last: str = "ptx"):
    """Yield (stage, text) for every GPU stage up to `last` (a copy of `module` is lowered)."""
    if last not in STAGES:
        raise ValueError(f"unknown GPU stage {last!r}; stages: {', '.join(STAGES)}")
    lowered = _copy(module)
    for stage, passes in GPU_STAGES.items():
        if passes:
            run_pipeline(lowered, passes)
        yield stage, str(lowered)
        if stage == last:
            return
    yield "ptx", ptx_of(lowered)


def gpu_text(module: ir.Module, stage: str = "llvm") -> str:
    """The IR of a pb module at one GPU stage, or its PTX (stage 'ptx')."""
    for s, text in gpu_stage_texts(module, stage):
        if s == stage:
            return text
    raise AssertionError(stage)


def gpu_objects(module: ir.Module) -> list[tuple[str, str, bytes]]:
    """(gpu.binary name, target, object bytes) of every object of a lowered module."""
    out = []
    for op in module.body.operations:
        op = op.operation
        if op.name != "gpu.binary":
            continue
        sym = ir.StringAttr(op.attributes["sym_name"]).value
        for attr in ir.ArrayAttr(op.attributes["objects"]):
            obj = gpu_dialect.ObjectAttr(attr)
            out.append((sym, str(obj.target), obj.object))
    return out


def ptx_of(module: ir.Module) -> str:
    """The PTX of a lowered module's kernels (one `//` header per gpu.binary; empty without
    kernels). A module that still has func.func ops (pb IR) is lowered first (a copy)."""
    if any(op.operation.name == "func.func" for op in module.body.operations):
        module = lower_gpu(module)
    parts = []
    for sym, target, data in gpu_objects(module):
        text = data.rstrip(b"\0").decode()
        if ".target" not in text:
            raise ValueError(f"gpu.binary @{sym} holds no PTX (a binary format?)")
        parts.append(f"// gpu.binary @{sym} {target}\n{text}")
    return "\n".join(parts)


def ptxas_path() -> str | None:
    found = shutil.which("ptxas")
    if found:
        return found
    for root in (os.environ.get("CUDA_HOME"), os.environ.get("CUDA_PATH"), "/usr/local/cuda"):
        if root and os.access(os.path.join(root, "bin", "ptxas"), os.X_OK):
            return os.path.join(root, "bin", "ptxas")
    return None


def split_ptx(ptx: str) -> list[str]:
    """The separate PTX modules of `ptx_of`'s text."""
    chunks, cur = [], []
    for line in ptx.splitlines(keepends=True):
        if line.startswith("// gpu.binary @") and cur:
            chunks.append("".join(cur))
            cur = []
        cur.append(line)
    if cur:
        chunks.append("".join(cur))
    return chunks


def verify_ptx(ptx: str, chip: str = CHIP, ptxas: str | None = None) -> str:
    """Assemble every PTX module with `ptxas --gpu-name chip` (to a discarded cubin); returns
    ptxas' verbose report (registers, spills per kernel). RuntimeError if ptxas rejects one,
    FileNotFoundError without ptxas."""
    tool = ptxas or ptxas_path()
    if tool is None:
        raise FileNotFoundError("ptxas not found (put it on PATH or set CUDA_HOME)")
    reports = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, chunk in enumerate(split_ptx(ptx)):
            src, out = os.path.join(tmp, f"k{i}.ptx"), os.path.join(tmp, f"k{i}.cubin")
            with open(src, "w") as f:
                f.write(chunk)
            done = subprocess.run([tool, "--gpu-name", chip, "-v", "-o", out, src], capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"ptxas rejected the PTX of module {i}:\n{done.stderr.strip()}")
            reports.append(done.stderr.strip())
    return "\n".join(reports)


# ---------------------------------------------------------------- execution

def _runtime_libs() -> list[str]:
    libs = [os.path.join(mlir_lib_dir(), lib) for lib in (C_RUNNER_UTILS, CUDA_RUNTIME)]
    return [p for p in libs if os.path.exists(p)]


def build_executable(module: ir.Module, name: str, *, opt_level: int = 2, shared_libs=None,
                     symbols: dict | None = None) -> Executable:
    """Lower func.func @name of a pb module with the GPU pipeline and JIT the host code, uncached.

    `shared_libs` defaults to the MLIR CUDA runtime; `symbols` maps symbol names to ctypes
    functions registered before the engine is initialized (tests replace the CUDA runtime
    with them to run the host code without a GPU)."""
    in_specs, out_specs = function_signature(module, name)
    lowered = lower_gpu(module)
    engine = execution_engine.ExecutionEngine(
        lowered, opt_level=opt_level, shared_libs=_runtime_libs() if shared_libs is None else list(shared_libs))
    for sym, fn in (symbols or {}).items():
        engine.raw_register_runtime(sym, ctypes.cast(fn, ctypes.c_void_p))
    engine.initialize()  # the module's constructor loads the kernels (the driver JITs the PTX)
    entry = PackedFunction(engine.raw_lookup(name), len(in_specs) + len(out_specs), owner=(engine, symbols))
    return Executable(name, in_specs, out_specs, entry)


def _build_gpu(module: ir.Module, text: str, name: str, key: str, opt_level: int, timer) -> Executable:
    """The "gpu" backend of compile_module: RuntimeError without a usable GPU."""
    reason = gpu_unavailable_reason()
    if reason is not None:
        raise RuntimeError(f"target 'gpu': {reason}")
    if callbacks.ATTR in text:
        raise NotImplementedError("target 'gpu': host callbacks are not supported on the GPU path yet")
    exe = build_executable(module, name, opt_level=opt_level)
    timer.mark("passes and llvm")
    timer.report("compiled")
    return exe


BACKENDS["gpu"] = _build_gpu


# ---------------------------------------------------------------- command line

def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m pullback.runtime.gpu", description=__doc__.split("\n")[0])
    p.add_argument("file", nargs="?", default="-", help="a .mlir file of pb IR ('-', the default: stdin)")
    p.add_argument("--stage", default="llvm", choices=STAGES)
    p.add_argument("--ptx", action="store_true", help="print the PTX (same as --stage=ptx)")
    p.add_argument("--verify", action="store_true", help="assemble the PTX with ptxas --gpu-name " + CHIP)
    p.add_argument("--print-pipeline", action="store_true", help="print GPU_PIPELINE as text and exit")
    args = p.parse_args(argv)
    if args.print_pipeline:
        print(",".join(GPU_PIPELINE))
        return 0
    text = sys.stdin.read() if args.file == "-" else open(args.file).read()
    stage = "ptx" if args.ptx else args.stage
    with new_context():
        module = ir.Module.parse(text)
        try:
            out = gpu_text(module, stage)
            if args.verify:
                verify_ptx(out if stage == "ptx" else gpu_text(module, "ptx"))
        except (ir.MLIRError, RuntimeError, FileNotFoundError) as e:
            sys.stderr.write(f"error: {e}\n")
            return 1
    sys.stdout.write(out if out.endswith("\n") else out + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
