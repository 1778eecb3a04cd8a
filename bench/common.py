"""Shared by the benchmarks: timing and the side-by-side table (pullback / JAX ratios)."""
from __future__ import annotations

import os
import statistics
import time

# Measure real compiles, never the on-disk cache of an earlier run.
os.environ.setdefault("PULLBACK_CACHE", "0")

# Some machines pin OpenBLAS to its AVX2 "Haswell" kernels (OPENBLAS_CORETYPE, with
# OPENBLAS_L2_SIZE) because older builds misbehave on their CPUs. The scipy-openblas32 build
# pullback ships detects them itself, and JAX does not use OpenBLAS, so a benchmark that kept
# the pin would compare half-speed gemms with JAX's AVX-512 ones. Benchmarks alone unset both
# (PULLBACK_BENCH_KEEP_OPENBLAS_ENV=1 keeps them); tests and CI never do. The table's header
# names the kernels that ran.
if os.environ.get("PULLBACK_BENCH_KEEP_OPENBLAS_ENV") != "1":
    for _name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        os.environ.pop(_name, None)


def openblas_core() -> str:
    """The kernel family OpenBLAS runs in this process ('-' without the library)."""
    import ctypes  # lazy: only the table's header needs it

    from pullback.dialects.lapack import library_path
    path = library_path()
    if path is None:
        return "-"
    get = ctypes.CDLL(path).scipy_openblas_get_corename
    get.restype = ctypes.c_char_p
    return get().decode()


def settle(fn) -> None:
    """Two calls, then wait for pullback's background compiles: a program's cheap kernels run
    unoptimized until its second call has had them optimized (runtime/tier_up.py). Steady
    state is measured after that, as JAX's is after its compile."""
    fn()
    fn()
    from pullback.runtime import tier_up  # lazy: JAX-only runs need nothing of pullback
    tier_up.wait_all(timeout=30)


def median_time(fn, number: int, repeat: int, warmup: bool = True) -> float:
    """Median over `repeat` rounds of the mean time of `number` calls, in seconds (after
    `settle` when `warmup`)."""
    if warmup:
        settle(fn)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return statistics.median(times)


def first_call_time(make_and_call, repeat: int = 5) -> float:
    """Median of `make_and_call(i)` timings, each building a fresh function (no cache hits)."""
    make_and_call(-1)  # warm the libraries themselves
    out = []
    for i in range(repeat):
        t0 = time.perf_counter()
        make_and_call(i)
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def steady_and_first_call(lib, f, args, number: int = 5, repeat: int = 5) -> tuple[float, float]:
    """(steady-state time of jit(f)(*args), median first call of a fresh jit of it)."""
    jitted = lib.jit(f)
    steady = median_time(lambda: lib.block_until_ready(jitted(*args)), number=number, repeat=repeat)

    def fresh(i):  # caches cleared and a new function: a real trace and compile each time
        lib.clear_caches()  # pullback and jax both have it
        lib.block_until_ready(lib.jit(lambda *a: f(*a))(*args))
    return steady, first_call_time(fresh, repeat=3)


def import_jax():
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        print("jax is not installed: pip install -e '.[bench]'")
        return None
    return jax, jnp


def print_table(rows, goals: dict | None = None) -> None:
    """rows: (name, pullback seconds, jax seconds). A ratio above its goal is marked MISS."""
    goals = goals or {}
    width = max(len(r[0]) for r in rows) + 2
    print(f"{'benchmark':{width}s} {'pullback':>12s} {'jax':>12s} {'ratio':>7s} {'goal':>6s}"
          f"   (OpenBLAS kernels: {openblas_core()})")
    for name, tp, tj in rows:
        ratio = tp / tj
        goal = goals.get(name)
        mark = "" if goal is None else ("ok" if ratio <= goal else "MISS")
        print(f"{name:{width}s} {_fmt(tp):>12s} {_fmt(tj):>12s} {ratio:7.2f} "
              f"{'' if goal is None else f'{goal:.1f}x':>6s} {mark}", flush=True)


def _fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f}us"
    if seconds < 1:
        return f"{seconds * 1e3:.2f}ms"
    return f"{seconds:.2f}s"
