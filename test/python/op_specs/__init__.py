"""Spec table for the op tests: one module per op family, each exporting CASES.

CASES maps an op name to an `OpCase`: a hypothesis strategy that draws
(arrays, attrs, dtypes) for the op, plus optional tolerances. The coverage
test fails when an op of the dialect has no row here.
"""
from __future__ import annotations

import importlib
import pkgutil

from .base import OpCase  # noqa: F401


def all_cases() -> dict:
    cases = {}
    for mod in pkgutil.iter_modules(__path__):
        if mod.name == "base":
            continue
        m = importlib.import_module(f"{__name__}.{mod.name}")
        for name, case in getattr(m, "CASES", {}).items():
            assert name not in cases, f"op {name} has two spec rows"
            cases[name] = case
    return cases
