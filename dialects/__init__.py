"""The pb dialect: its op table, IRDL definition, types and builders."""
from . import ops  # noqa: F401  (populates the op table)
from .emit import emit
from .context import context, new_context
from .registry import OPS, InferenceError
from .types import TensorSpec

__all__ = ["OPS", "InferenceError", "TensorSpec", "context", "emit", "new_context"]
