"""Shared by the pytest suites (test/python, test/fuzz)."""
import os

import pytest


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
