"""The GPU pipeline: pb IR to an LLVM-dialect host module with NVVM kernels in a gpu.binary.

    pb front part (PB_LOWER), elementwise fusion and pb-expand-math, as on the CPU
    bufferization: one-shot with function boundaries, results as out-params
        (as on the CPU: a call passes data pointers only), no stack promotion
        (kernels cannot see the host stack)
    linalg -> scf.parallel loops (reduction dimensions become sequential scf.for
        loops inside each thread); memref.copy -> linalg.copy first, and generics
        interchanged so that parallel dimensions are outermost
    pb-gpu-serial-kernels: leftover host code that touches memory -> one-thread kernels
    pb-gpu-map-loops: scf.parallel -> grid x block loops (linearized, last dim fastest)
    convert-parallel-loops-to-gpu: gpu.launch
    pb-gpu-host-memory: GPU memory for every buffer a kernel uses (see passes/gpu_host_memory.py)
    gpu-kernel-outlining, host functions to LLVM with bare-pointer memrefs,
    gpu-lower-to-nvvm-pipeline: NVVM, PTX for sm_90 in a gpu.binary; host calls into
        libmlir_cuda_runtime (mgpuLaunchKernel, mgpuMemAlloc, mgpuMemcpy, ...)

The kernels are embedded as PTX (`cubin-format=isa`, PTX ISA 8.0 = CUDA 12.0):
the CUDA driver compiles them for the GPU it finds when the module is loaded,
so neither ptxas nor a matching toolkit is needed at run time. `gpu_pipeline()`
builds the list for another chip or format: `"bin"` (cubin) and `"fatbin"` are
assembled while compiling by the CUDA toolkit found then (both work where ptxas is
on PATH), and a cubin needs a driver at least as new as that toolkit.

`python -m pullback.runtime.gpu --print-pipeline` prints the pipeline as text for
`pullback-opt --pass-pipeline='builtin.module(...)'`.
"""
from __future__ import annotations

from . import expand_math, gpu_check_ops, gpu_host_memory, gpu_linalg_copies, gpu_map_loops, gpu_parallel_dims_first, gpu_serial_kernels  # noqa: F401  (register their passes)
from .pipeline import BUFFERIZE_TO_OUT_PARAMS, LINALG_OPT, PB_LOWER

CHIP = "sm_90"  # Hopper: H100, H200
PTX_FEATURES = "+ptx80"  # sm_90 needs PTX ISA >= 7.8; 8.0 is what CUDA 12.0 drivers accept

# Transcendental functions round as on the CPU (libdevice's would round otherwise).
GPU_LINALG_OPT = LINALG_OPT + ["pb-expand-math"]
GPU_BUFFERIZE = BUFFERIZE_TO_OUT_PARAMS  # no promotion to the stack: kernels read device memory
GPU_LOOPS = [
    "pb-gpu-linalg-copies",
    "linalg-generalize-named-ops",
    "pb-gpu-parallel-dims-first",  # reduced dimensions innermost: loops inside the threads
    "convert-linalg-to-parallel-loops",
    "pb-widen-bool-memrefs",  # i1 memref stores do not lower to LLVM: bools live as bytes
    "canonicalize",
    "pb-gpu-serial-kernels",
    "pb-gpu-map-loops",
    "func.func(convert-parallel-loops-to-gpu)",
    "pb-gpu-host-memory{write-only-outputs=1}",
    "canonicalize",
]


def gpu_codegen(chip: str = CHIP, features: str = PTX_FEATURES, fmt: str = "isa", opt_level: int = 3) -> list[str]:
    """Outlining and the lowering of kernels and host code to LLVM / NVVM."""
    return [
        "func.func(math-extend-to-supported-types{target-type=f32})",
        "convert-math-to-funcs",  # integer powers (math.ipowi): software loops, cloned into the kernels
        "convert-complex-to-standard",
        "gpu-launch-sink-index-computations",  # constants into the kernels, not kernel parameters
        "gpu-kernel-outlining",
        "expand-strided-metadata",
        "lower-affine",
        "convert-scf-to-cf",
        # kernels to NVVM before the NVVM pipeline's module-wide arith-to-llvm, which would
        # turn arith.remf into llvm.frem (rejected by NVVM) instead of libdevice's fmod
        "gpu.module(convert-gpu-to-nvvm)",
        # host functions take bare pointers, as on the CPU (the NVVM pipeline's own
        # convert-func-to-llvm would give them memref descriptors)
        "convert-func-to-llvm{use-bare-ptr-memref-call-conv=1}",
        f"gpu-lower-to-nvvm-pipeline{{cubin-chip={chip} cubin-features={features} cubin-format={fmt} "
        f"opt-level={opt_level}}}",
        "reconcile-unrealized-casts",
    ]


# Ops without a GPU lowering (LAPACK calls) are rejected before pb-to-linalg, after the
# transformations that may introduce them (passes/gpu_check_ops.py).
GPU_PB_LOWER = (PB_LOWER[:PB_LOWER.index("pb-to-linalg")] + ["pb-gpu-check-ops"]
                + PB_LOWER[PB_LOWER.index("pb-to-linalg"):])


def gpu_pipeline(chip: str = CHIP, features: str = PTX_FEATURES, fmt: str = "isa", opt_level: int = 3) -> list[str]:
    """The whole GPU pipeline, pb IR to an LLVM-dialect module holding a gpu.binary."""
    return (GPU_PB_LOWER + GPU_LINALG_OPT + GPU_BUFFERIZE + GPU_LOOPS
            + gpu_codegen(chip, features, fmt, opt_level))


GPU_PIPELINE = gpu_pipeline()

# Named stages, for `runtime.gpu.gpu_stage_texts`: the passes that lead to each.
GPU_STAGES = {
    "pb": [],
    "transformed": GPU_PB_LOWER[:GPU_PB_LOWER.index("pb-to-linalg")],
    "linalg": GPU_PB_LOWER[GPU_PB_LOWER.index("pb-to-linalg"):] + GPU_LINALG_OPT,
    "bufferized": GPU_BUFFERIZE,
    "kernels": GPU_LOOPS,
    "llvm": gpu_codegen(),
}
assert sum(GPU_STAGES.values(), []) == GPU_PIPELINE

