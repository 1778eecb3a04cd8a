"""jax_debug_nans / jax_debug_infs: with a flag on, every eager primitive's results and every
top-level jitted call's results are checked, and a NaN (or an infinity) raises
FloatingPointError naming the primitive or the jitted function, as JAX does. Values inside a
jitted computation are checked where they leave it (JAX too checks jit outputs, then re-runs
op by op only to name the culprit)."""
from __future__ import annotations

import numpy as np

# [nans, infs]; read on every eager op and jit call, so a plain list
flags = [False, False]


def check(outputs, name: str) -> None:
    """Raise FloatingPointError if an inexact output holds a NaN (or an inf, when asked)."""
    nans, infs = flags
    for out in outputs:
        a = np.asarray(out)
        if a.dtype.kind not in "fc" and a.dtype.name != "bfloat16":
            continue
        if a.dtype.name == "bfloat16" or getattr(getattr(out, "aval", None), "dtype", "") == "bfloat16":
            a = np.asarray(out.astype("float32")) if hasattr(out, "astype") else a.astype(np.float32)
        if nans and np.isnan(a).any():
            raise FloatingPointError(f"invalid value (nan) encountered in {name}")
        if infs and np.isinf(a).any():
            raise FloatingPointError(f"invalid value (inf) encountered in {name}")
