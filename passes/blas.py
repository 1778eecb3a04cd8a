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

import functools
import os

from pullback.dialects.ir import nested_in
from pullback.dialects.lapack import library_path  # noqa: F401  (re-exported: the runtime links it)

MARK = "pb.blas"  # on a matmul of an outlined function: pb-blas-calls turns it into a call
# Products of at least this many multiply-adds call the library: below it a generated kernel
# runs as fast and the call's fixed cost (about a microsecond) is not repaid.
MIN_MACS = 1 << 15
# Inside a loop a product of at most this many rows keeps its generated kernel whatever its
# size: per step the library's fixed costs (argument checks, packing both operands) make
# the 32x256x256 gemm of an RNN step 1.5x slower than the register-tiled kernel.
IN_LOOP_MAX_ROWS = 32
ELEMENT_PREFIX = {"f32": "s", "f64": "d"}
SYMBOL_PREFIX = "scipy_cblas_"
# Every symbol of the library a module may call: gemm here, LAPACK and trsm (dialects/lapack.py).
LIBRARY_PREFIXES = (SYMBOL_PREFIX, "scipy_LAPACKE_")


def in_loop(op) -> bool:
    """Whether `op` runs inside a loop of its function (scf.for/while/forall/parallel)."""
    return nested_in(op, ("scf.for", "scf.while", "scf.forall", "scf.parallel"))


# Products of at least this many multiply-adds are split into one call per core, run on the
# async runtime's thread pool (OpenBLAS itself stays at one thread: its spinning workers
# starve the pool, dialects/lapack.py). Below it a task's dispatch (~10 us) is not repaid.
PARALLEL_MACS = 1 << 22
# The least rows (or columns) one call of a split product gets: fewer underfill the
# library's register tiles.
MIN_SPLIT_EXTENT = 16


@functools.lru_cache(maxsize=None)
def host_cores() -> int:
    """The cores this process may run on: the number of blocks large work is split into."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def cores(option: str = "0") -> int:
    """A pass's `cores` option (for tests that pin the split): 0 means the host's."""
    try:
        n = int(option)
    except ValueError:
        raise ValueError(f"cores must be an integer, got {option!r}") from None
    return n if n > 0 else host_cores()


def enabled() -> bool:
    return library_path() is not None and os.environ.get("PULLBACK_BLAS", "1") != "0"


def gemm_symbol(element: str, batched: bool) -> str:
    return f"{SYMBOL_PREFIX}{ELEMENT_PREFIX[element]}gemm" + ("_batch_strided" if batched else "")
