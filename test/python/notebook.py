"""Run the code cells of a MyST notebook (the tutorials in ../shared/seeds) on a library.

`run_cells(path, "pullback")` swaps the JAX imports for pullback's, runs every
```{code-cell}``` block in order in one namespace, and returns per cell its
printed output or the exception it raised. IPython magics (`%timeit`) run
their statement once.
"""
from __future__ import annotations

import contextlib
import io
import re

IMPORTS = [(r"^import jax\.numpy as jnp", "import pullback.numpy as jnp"),
           (r"^import jax$", "import pullback as jax"),
           (r"^from jax import", "from pullback import"),
           (r"^from jax\.", "from pullback.")]


def cells(path: str) -> list[str]:
    with open(path) as f:
        text = f.read()
    out = []
    for body in re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", text, re.S):
        lines = [line for line in body.splitlines() if not line.startswith(":")]  # cell options
        out.append("\n".join(re.sub(r"^%timeit( -\S+)* ", "", line) for line in lines))
    return out


def run_cells(path: str, lib: str) -> list[tuple[str, BaseException | None]]:
    namespace: dict = {}
    results = []
    for i, src in enumerate(cells(path)):
        if lib == "pullback":
            for pattern, replacement in IMPORTS:
                src = re.sub(pattern, replacement, src, flags=re.M)
        buf = io.StringIO()
        error = None
        try:
            with contextlib.redirect_stdout(buf):
                exec(compile(src, f"<{path.rsplit('/', 1)[-1]} cell {i}>", "exec"), namespace)
        except Exception as e:  # recorded: the test decides which cells may raise
            error = e
        results.append((buf.getvalue(), error))
    return results
