import contextlib
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
# Every compile of the suite verifies the IR after each pass (users' compiles verify once).
os.environ.setdefault("PULLBACK_VERIFY_EACH_PASS", "1")


@contextlib.contextmanager
def x64_mode():
    """pullback's 64-bit mode (jax_enable_x64), restored afterwards."""
    import pullback
    from pullback.dtypes import x64_enabled
    before = x64_enabled()
    pullback.config.update("jax_enable_x64", True)
    try:
        yield
    finally:
        pullback.config.update("jax_enable_x64", before)


@pytest.fixture
def x64():
    """64-bit mode for one test, so float64 stays float64."""
    with x64_mode():
        yield



@pytest.fixture
def both_x64(x64):
    """64-bit mode in pullback and in the JAX oracle, so float64 and complex128 stay what
    they are on both sides; JAX's setting is restored afterwards."""
    jax = pytest.importorskip("jax")
    before = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    try:
        yield
    finally:
        jax.config.update("jax_enable_x64", before)
