"""Prints the JAX API coverage table (the README's): per JAX namespace, how many public
callables pullback provides, against the goal. `--missing` lists the absent names.
Run: python bench/api_coverage.py [--missing]"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "python"))

from api_coverage import coverage, table  # noqa: E402


def main(argv) -> None:
    rows = coverage()
    print(table(rows))
    if "--missing" in argv:
        for r in rows:
            print(f"\n{r['jax']} lacks {len(r['missing'])}: {', '.join(r['missing'])}")


if __name__ == "__main__":
    main(sys.argv[1:])
