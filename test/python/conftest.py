import contextlib
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))


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


@pytest.fixture(autouse=True, scope="session")
def private_compile_cache(tmp_path_factory):
    """The suite writes thousands of entries: they go to a directory of its own, never to
    the user's ~/.cache/pullback (tests of the cache itself set their own directory)."""
    if "PULLBACK_CACHE_DIR" in os.environ:
        yield
        return
    os.environ["PULLBACK_CACHE_DIR"] = str(tmp_path_factory.mktemp("pullback-cache"))
    try:
        yield
    finally:
        del os.environ["PULLBACK_CACHE_DIR"]
