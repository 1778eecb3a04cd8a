"""The GPU check, one command on a machine with a CUDA GPU (an H100/H200):

    .venv/bin/python bench/gpu_check.py

1. the GPU tests with nothing skipped: test/python/test_gpu.py under PULLBACK_REQUIRE_GPU=1
   (a missing GPU is then a failure;
   the ptxas checks still skip without ptxas) and the lit tests test/passes/gpu-*.mlir;
2. a small timing, GPU path vs CPU path on the same pb program: a 4096x4096 elementwise
   program and a 2048x2048 matmul. Printed per program: compile time, median call time
   (the GPU call includes the host<->device copies of inputs and results: a call takes
   and returns numpy arrays) and the largest difference between the two results.

`--no-tests` / `--no-timing` run one part only. Exit status 1 when a test fails, the
GPU is unusable or results differ. Takes well under 3 minutes on an H200.
"""
from __future__ import annotations

import argparse
import glob
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_tests() -> bool:
    env = dict(os.environ, PULLBACK_REQUIRE_GPU="1")
    bindir = os.path.dirname(sys.executable)
    lit = os.path.join(bindir, "lit")
    ok = True
    for cmd in ([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", "--tb=short", "test/python/test_gpu.py"],
                [lit if os.path.exists(lit) else "lit", "-q", *sorted(glob.glob("test/passes/gpu-*.mlir"))]):
        print("$", " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in cmd), flush=True)
        t = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, env=env, timeout=150)
        print(f"  -> exit {done.returncode} in {time.perf_counter() - t:.1f} s", flush=True)
        ok &= done.returncode == 0
    return ok


def _median_ms(fn, repeat: int) -> float:
    fn()  # warm-up (first call: kernel module already loaded, caches warm)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1e3 * statistics.median(times)


def run_timing() -> bool:
    import numpy as np
    from mlir import ir

    import pullback as jax
    import pullback.numpy as jnp
    from pullback.dialects import new_context
    from pullback.runtime import compile_module

    rng = np.random.default_rng(0)
    x = rng.standard_normal((4096, 4096), dtype=np.float32)
    y = rng.standard_normal((4096, 4096), dtype=np.float32)
    a = rng.standard_normal((2048, 2048), dtype=np.float32)
    b = rng.standard_normal((2048, 2048), dtype=np.float32)
    cases = [
        ("elementwise 4096x4096: tanh(x*y+1)*x", lambda x, y: jnp.tanh(x * y + 1.0) * x, (x, y), 10, 1e-5),
        ("matmul 2048x2048x2048", lambda a, b: a @ b, (a, b), 5, 1e-3),
    ]
    ok = True
    print(f"{'program':40s} {'path':4s} {'compile':>9s} {'call':>10s}")
    for label, f, args, repeat, tol in cases:
        ctx = new_context()
        module = ir.Module.parse(jax.jit(f).lower(*args).as_text("transformed"), ctx)
        name = next(ir.StringAttr(op.attributes["sym_name"]).value for op in module.body.operations)
        results = {}
        for path in ("cpu", "gpu"):
            try:
                t = time.perf_counter()
                with ctx:
                    exe = compile_module(module, name, target=path)
                compile_s = time.perf_counter() - t
                results[path] = exe(*args)[0]
                ms = _median_ms(lambda: exe(*args), repeat)
                print(f"{label:40s} {path:4s} {compile_s:8.2f}s {ms:8.2f}ms", flush=True)
            except Exception as e:  # noqa: BLE001 - report and go on
                print(f"{label:40s} {path:4s} FAILED: {type(e).__name__}: {e}", flush=True)
                ok = False
        if len(results) == 2:
            err = float(np.max(np.abs(results["gpu"] - results["cpu"]) / (1 + np.abs(results["cpu"]))))
            good = err <= tol
            ok &= good
            print(f"{'':40s} max |gpu-cpu|/(1+|cpu|) = {err:.2e} ({'ok' if good else 'MISMATCH'})", flush=True)
    return ok


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--no-tests", action="store_true")
    p.add_argument("--no-timing", action="store_true")
    args = p.parse_args()
    from pullback.runtime import gpu

    reason = gpu.gpu_unavailable_reason()
    print(f"GPU: {gpu.device_name() or 'none'}" + (f" ({reason})" if reason else ""))
    print(f"ptxas: {gpu.ptxas_path() or 'not found'}", flush=True)
    ok = True
    if not args.no_tests:
        ok &= run_tests()
    if not args.no_timing:
        if reason:
            print(f"timing skipped: {reason}")
            ok = False
        else:
            ok &= run_timing()
    print("GPU check:", "PASSED" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
