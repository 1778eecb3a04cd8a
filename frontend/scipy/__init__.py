"""pullback.scipy: JAX's jax.scipy namespace (linear algebra, special functions, distributions).

Each submodule builds on pullback.numpy and pullback.lax; none adds primitives of its own.
"""
from . import linalg, special, stats  # noqa: E402,F401
