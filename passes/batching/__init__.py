"""Batching pass: pb-vmap."""
from . import vmap  # noqa: F401
