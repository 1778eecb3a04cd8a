"""Peak memory of grad through an RNN with and without checkpoint (issue 11), pullback
against JAX in one run.

The RNN scans 200 steps of a two-layer cell (hidden 512, batch 256): without checkpoint the
backward pass keeps every step's two hidden activations and its output; with
`checkpoint(step)` it keeps the step's input carry and recomputes the rest. Each variant
runs in a fresh subprocess, which reports the growth of its peak RSS (ru_maxrss) over the
first call of jit(grad) after the libraries are loaded and a small warm-up ran, so the
numbers are the program's buffers, not the compilers'.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

STEPS, HIDDEN, BATCH = 200, 512, 256

CHILD = r"""
import json, resource, sys
import numpy as np
lib_name, remat = sys.argv[1], sys.argv[2] == "1"
STEPS, HIDDEN, BATCH = %d, %d, %d
if lib_name == "jax":
    import jax as lib, jax.numpy as jnp
else:
    import pullback as lib, pullback.numpy as jnp

def make(steps, hidden, batch):
    rng = np.random.default_rng(0)
    w1 = rng.standard_normal((hidden, hidden)).astype(np.float32) / np.sqrt(hidden)
    w2 = rng.standard_normal((hidden, hidden)).astype(np.float32) / np.sqrt(hidden)
    xs = rng.standard_normal((steps, batch, hidden)).astype(np.float32) * 0.1

    def loss(w1, w2):
        def cell(h, x):
            a = jnp.tanh(h @ w1 + x)
            return jnp.tanh(a @ w2) + h * 0.5, None
        body = lib.checkpoint(cell) if remat else cell
        h, _ = lib.lax.scan(body, jnp.zeros((batch, hidden)), xs)
        return jnp.sum(h ** 2)
    return lib.jit(lib.grad(loss, argnums=(0, 1))), (w1, w2)

g, args = make(4, 8, 2)
np.asarray(g(*args)[0])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
g, args = make(STEPS, HIDDEN, BATCH)
np.asarray(g(*args)[0])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"peak_growth_mb": (after - before) / 1024}))
""" % (STEPS, HIDDEN, BATCH)


def measure(lib: str, remat: bool) -> float:
    env = dict(os.environ, PULLBACK_CACHE="0", OPENBLAS_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", CHILD, lib, "1" if remat else "0"], capture_output=True, text=True,
                         env=env, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])["peak_growth_mb"]


def main() -> None:
    libs = ["pullback"]
    try:
        import jax  # noqa: F401
        libs.append("jax")
    except ImportError:
        print("jax is not installed: pip install -e '.[bench]' (pullback's rows only)")
    residual_mb = STEPS * BATCH * HIDDEN * 4 / 2**20
    print(f"grad through a {STEPS}-step RNN (hidden {HIDDEN}, batch {BATCH}); one activation per step: "
          f"{residual_mb:.0f} MB over all steps")
    print(f"{'variant':28s} {'pullback MB':>12s} {'jax MB':>10s} {'ratio':>7s}")
    for remat in (False, True):
        got = {lib: measure(lib, remat) for lib in libs}
        name = "checkpoint(step)" if remat else "no checkpoint"
        pb, jx = got["pullback"], got.get("jax")
        ratio = f"{pb / jx:7.2f}" if jx else ""
        print(f"{name:28s} {pb:12.0f} {'' if jx is None else f'{jx:10.0f}'} {ratio}", flush=True)


if __name__ == "__main__":
    main()
