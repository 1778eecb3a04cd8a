"""Touch OpenBLAS's packing buffers once per process, before programs call the library.

OpenBLAS (the scipy-openblas32 wheel) packs the operands of each gemm call into a buffer it
keeps for the rest of the process, one per concurrent caller. Its Haswell sgemm kernel (the
one it picks on AVX2 machines, AMD's included) prefetches the next panel of packed B, past
the part of the buffer a product of few rows writes. Where those pages were never touched,
every such prefetch walks the page tables and misses again. Measured on an AMD EPYC (Zen 1)
machine, one thread: 64x256x256 products ran at 10 GFLOPS in a fresh process, 31 once one
larger product had written the buffer (perf: 73% of the kernel's samples on the instruction
after that `prefetcht1`); bench_compile's MLP gradient step at L = 8 took 7.9 ms, 4.3 ms after
this warm-up (JAX: 7.0). The buffers are shared by all threads, and which one a call gets
depends on how many calls run at once, so the warm-up runs one product on each of more
threads than compiled code calls from at once (a split product's tasks plus the caller),
all at the same time. It runs while the first program that wants it compiles, and that
program waits for it before its first run: a buffer a call takes while the warm-up still
holds the others stays cold (jacrev of a 256 -> 256 net read 1.2-3.6 ms from run to run
without the wait, 3.7 ms without the warm-up, 1.2-1.8 ms with both).
"""
from __future__ import annotations

import ctypes
import functools
import threading

import numpy as np

from pullback.passes import blas
from pullback.passes.blas_calls import NO_TRANS, ROW_MAJOR

# Ops whose programs call gemm (pb-outline-blas-matmuls, tap sums of convolutions).
GEMM_OPS = ('"pb.dot_general"', '"pb.conv_general_dilated"')
# Concurrent warm-up calls per core. One per concurrent caller (cores + 1) left some split
# products cold from run to run (jacrev of a 256 -> 256 net: 3 of 6 processes at 3.6 ms
# instead of 1.2): which buffer a new thread gets is not in our hands, so more are warmed
# than are ever used at once (4 per core: 12 of 12 processes at 1.2-1.7 ms).
WARM_CALLS_PER_CORE = 4
# A product that writes far enough into both packed operands' buffers (measured: smaller or
# thinner ones left some shapes at a third of their speed); ~2 ms on a cold buffer.
WARM_SHAPE = (32, 1024, 512)


def wanted(pb_text: str) -> bool:
    """Whether a pb program (its text) will call gemm when the library is in use."""
    return blas.enabled() and any(name in pb_text for name in GEMM_OPS)


@functools.lru_cache(maxsize=None)
def start() -> threading.Thread | None:
    """Start the warm-up (once per process); the thread running it, None without the library."""
    path = blas.library_path()
    if path is None:
        return None
    thread = threading.Thread(target=_warm, args=(path, WARM_CALLS_PER_CORE * blas.host_cores()),
                              name="pullback-blas-warmup", daemon=True)
    thread.start()
    return thread


def wait(thread: threading.Thread | None, timeout: float = 0.1) -> None:
    """Wait for the warm-up (bounded: a call made before it ends is correct, only slower)."""
    if thread is not None:
        thread.join(timeout)


def _warm(path: str, callers: int) -> None:
    try:
        library = ctypes.CDLL(path)  # the handle the process already holds (same path)
        gemm = library[blas.gemm_symbol("f32", batched=False)]
    except (OSError, AttributeError):
        return  # nothing to warm: programs fall back or fail on their own
    m, k, n = WARM_SHAPE
    together = threading.Barrier(callers)

    def one_call() -> None:
        a, b, c = np.ones((m, k), np.float32), np.ones((k, n), np.float32), np.empty((m, n), np.float32)
        pointer = ctypes.c_void_p
        try:
            together.wait(timeout=10)  # all at once: each call takes a buffer of its own
        except threading.BrokenBarrierError:
            pass
        gemm(ROW_MAJOR, NO_TRANS, NO_TRANS, m, n, k, ctypes.c_float(1.0), a.ctypes.data_as(pointer), k,
             b.ctypes.data_as(pointer), n, ctypes.c_float(0.0), c.ctypes.data_as(pointer), n)

    threads = [threading.Thread(target=one_call, daemon=True) for _ in range(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
