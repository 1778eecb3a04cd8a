"""FFT (issue 15), pullback against JAX in one run, as ratios.

fft of 2**16 complex64 values and rfft2 of a 512x512 float32 image: the first call of a fresh
jit (trace + compile + run) and the steady call. pullback runs its generated kernels
(dialects/fft_kernels.py: Stockham radix-4/2 stages, SIMD along each row here), JAX XLA:CPU's FFT library (ducc).
Goal: steady calls at most 1.5x JAX. `--sizes` adds a sweep of other lengths (powers of two,
mixed radix, Bluestein primes) for reading the kernels' scaling.
"""
from __future__ import annotations

import sys

import numpy as np

from common import import_jax, print_table, steady_and_first_call

import pullback
import pullback.numpy as pnp


def inputs():
    rng = np.random.default_rng(0)
    c = (rng.standard_normal(2**16) + 1j * rng.standard_normal(2**16)).astype(np.complex64)
    r = rng.standard_normal((512, 512)).astype(np.float32)
    return {"fft 2^16 c64": (lambda jnp: jnp.fft.fft, c), "rfft2 512x512 f32": (lambda jnp: jnp.fft.rfft2, r)}


def sweep_inputs():
    rng = np.random.default_rng(1)
    out = {}
    for n in (1024, 4096, 3 * 5 * 7 * 16, 4097, 65537):
        c = (rng.standard_normal((8, n)) + 1j * rng.standard_normal((8, n))).astype(np.complex64)
        out[f"fft 8x{n} c64"] = (lambda jnp: jnp.fft.fft, c)
    return out


def run(lib, jnp, cases):
    out = {}
    for name, (make, x) in cases.items():
        out[f"{name} steady"], out[f"{name} first call"] = steady_and_first_call(
            lib, make(jnp), (x,), number=10, repeat=7)
    return out


def main() -> int:
    found = import_jax()
    if found is None:
        return 1
    jax, jnp = found
    cases = inputs()
    if "--sizes" in sys.argv:
        cases.update(sweep_inputs())
    ours, theirs = run(pullback, pnp, cases), run(jax, jnp, cases)
    rows = [(name, ours[name], theirs[name]) for name in ours]
    print_table(rows, {name: 1.5 for name in ours if name.endswith("steady")})
    return 0


if __name__ == "__main__":
    sys.exit(main())
