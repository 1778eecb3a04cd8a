"""What the BLAS passes share: which matmuls go to OpenBLAS, and where the library is.

Large float matmuls run as calls of OpenBLAS's `cblas_?gemm` (the scipy-openblas32 wheel,
symbols prefixed `scipy_`), as XLA:CPU calls Eigen: compile time stops growing with the
number of dots (one call instead of a register-tiled kernel unrolled per call site), the
library's threads use every core, and transposed operands are read in place through the
`trans` flags instead of being copied. Small matmuls, integer ones and programs without the
library keep pb-cpu-codegen's generated kernels.

    pb-outline-blas-matmuls (tensor level, before pb-cpu-codegen): each candidate becomes a
        call of a private function per distinct signature, holding one marked matmul that
        reads its operands in place (transposes folded into its indexing maps);
    pb-blas-calls (memref level, after bufferization): each marked matmul becomes a
        `scipy_cblas_?gemm` (or `?gemm_batch_strided`) call on the buffers' pointers.
"""
from __future__ import annotations

import os

# OpenBLAS's worker threads spin while they wait: beside the async runtime's pool on a small
# machine one spun for minutes and starved the process. One thread per call, until its
# threading is tuned (read when the library is loaded, after this import).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

try:  # optional at run time: without the wheel, matmuls keep generated kernels
    import scipy_openblas32  # lazy: optional wheel; without it matmuls keep generated kernels
except ImportError:
    scipy_openblas32 = None

MARK = "pb.blas"  # on a matmul of an outlined function: pb-blas-calls turns it into a call
# Products of at least this many multiply-adds call the library: below it a generated kernel
# runs as fast and the call's fixed cost (about a microsecond) is not repaid.
MIN_MACS = 1 << 15
ELEMENT_PREFIX = {"f32": "s", "f64": "d"}
SYMBOL_PREFIX = "scipy_cblas_"
# Every symbol of the library a module may call: gemm here, LAPACK and trsm (dialects/lapack.py).
LIBRARY_PREFIXES = (SYMBOL_PREFIX, "scipy_LAPACKE_")


def library_path() -> str | None:
    """libscipy_openblas.so of the scipy-openblas32 wheel, or None without it."""
    if scipy_openblas32 is None:
        return None
    path = os.path.join(os.path.dirname(scipy_openblas32.__file__), "lib", "libscipy_openblas.so")
    return path if os.path.exists(path) else None


def enabled() -> bool:
    return library_path() is not None and os.environ.get("PULLBACK_BLAS", "1") != "0"


def gemm_symbol(element: str, batched: bool) -> str:
    return f"{SYMBOL_PREFIX}{ELEMENT_PREFIX[element]}gemm" + ("_batch_strided" if batched else "")
