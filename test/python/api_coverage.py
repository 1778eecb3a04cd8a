"""JAX API name coverage: which public callables of JAX's namespaces pullback provides.

A name counts when the pullback module defines it (in the module's own namespace: a module
`__getattr__` that fabricates names, as a placeholder would, does not count). Shared by
test_api_coverage.py (which fails when coverage drops below a recorded floor) and
bench/api_coverage.py (which prints the table for the README).
"""
from __future__ import annotations

import importlib
import types

# (JAX namespace, pullback namespace, goal in percent, expand submodules into dotted names)
NAMESPACES = [
    ("jax.numpy", "pullback.numpy", 90, False),
    ("jax.numpy.linalg", "pullback.numpy.linalg", 90, False),
    ("jax.numpy.fft", "pullback.numpy.fft", 90, False),
    ("jax.lax", "pullback.lax", 70, False),
    ("jax.nn", "pullback.nn", 90, False),
    ("jax.nn.initializers", "pullback.nn.initializers", 90, False),
    ("jax.scipy.special", "pullback.scipy.special", 90, False),
    ("jax.scipy.stats", "pullback.scipy.stats", 90, True),
    ("jax.random", "pullback.random", 90, False),
    ("jax.tree_util", "pullback.tree_util", 90, False),
    ("jax.tree", "pullback.tree", 90, False),
    ("jax", "pullback", 60, False),
]


def _import(name):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def public_names(mod, expand: bool) -> list[str]:
    """Public callables of a JAX module (and, with expand, those of its submodules as 'sub.f')."""
    out = []
    for n in dir(mod):
        if n.startswith("_"):
            continue
        try:
            v = getattr(mod, n)
        except AttributeError:
            continue
        if isinstance(v, types.ModuleType):
            if expand and v.__name__.startswith(mod.__name__ + "."):
                out += [f"{n}.{m}" for m in public_names(v, False)]
            continue
        if callable(v):
            out.append(n)
    return sorted(out)


def provides(mod, dotted: str) -> bool:
    for part in dotted.split("."):
        if mod is None:
            return False
        ns = vars(mod) if isinstance(mod, types.ModuleType) else None
        if ns is not None:
            if part not in ns:
                return False
            mod = ns[part]
        else:
            mod = getattr(mod, part, None)
    return mod is not None


def coverage() -> list[dict]:
    """One row per namespace: names JAX has, which pullback has, which it lacks."""
    rows = []
    for jax_name, pb_name, goal, expand in NAMESPACES:
        jmod = _import(jax_name)
        names = public_names(jmod, expand) if jmod is not None else []
        pmod = _import(pb_name)
        have = [n for n in names if provides(pmod, n)]
        rows.append({"jax": jax_name, "pullback": pb_name, "goal": goal, "total": len(names), "have": have,
                     "missing": [n for n in names if n not in have]})
    return rows


def table(rows) -> str:
    lines = ["| namespace | JAX names | pullback has | coverage | goal |", "|---|---:|---:|---:|---:|"]
    for r in rows:
        pct = 100.0 * len(r["have"]) / r["total"] if r["total"] else 0.0
        lines.append(f"| `{r['jax']}` | {r['total']} | {len(r['have'])} | {pct:.0f}% | {r['goal']}% |")
    return "\n".join(lines)
