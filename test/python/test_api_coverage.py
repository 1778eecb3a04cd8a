"""JAX API coverage as a test: prints, per JAX namespace, how many public callables pullback
provides and which it lacks (run with -s to see the lists), and fails when a namespace's
coverage drops below the floor recorded here. Raise a floor when names are added."""
from __future__ import annotations

import pytest

from api_coverage import coverage, table

pytest.importorskip("jax")

# Names provided per namespace when last recorded (JAX 0.10). Coverage may grow, never shrink.
FLOORS = {
    "jax.numpy": 383,
    "jax.numpy.linalg": 31,
    "jax.numpy.fft": 18,
    "jax.lax": 177,
    "jax.nn": 32,
    "jax.nn.initializers": 20,
    "jax.scipy.special": 50,
    "jax.scipy.stats": 116,
    "jax.random": 47,
    "jax.tree_util": 34,
    "jax.tree": 14,
    "jax": 60,
}


@pytest.fixture(scope="module")
def rows():
    return coverage()


def test_coverage_table(rows):
    print("\n" + table(rows))
    for r in rows:
        if r["missing"]:
            print(f"\n{r['jax']} lacks {len(r['missing'])}: {', '.join(r['missing'])}")


@pytest.mark.parametrize("namespace", list(FLOORS))
def test_coverage_does_not_drop(rows, namespace):
    row = next(r for r in rows if r["jax"] == namespace)
    assert len(row["have"]) >= FLOORS[namespace], (
        f"{namespace}: pullback provides {len(row['have'])} of JAX's {row['total']} names, below the recorded "
        f"floor {FLOORS[namespace]}; missing: {row['missing']}")


def test_placeholders_do_not_count():
    """A module-level __getattr__ that fabricates names (a placeholder) provides nothing."""
    import types

    from api_coverage import provides
    fake = types.ModuleType("fake")
    fake.__getattr__ = lambda name: (lambda *a: None)
    fake.real = lambda: 1
    assert provides(fake, "real") and not provides(fake, "anything")
