"""pullback's passes and pipelines."""
from . import autodiff, batching, bool_storage, custom_derivatives, entry_abi, expand, host_callbacks, inline, simplify, to_linalg  # noqa: F401  (registers the passes)
from . import gpu_pipeline  # noqa: F401  (registers the pb-gpu-* passes)
from .pipeline import CPU_PIPELINE, build_pass_manager, run_pipeline
from .registry import PASSES, PassFailure, register_pass

__all__ = ["CPU_PIPELINE", "PASSES", "PassFailure", "build_pass_manager", "register_pass", "run_pipeline"]
