"""pullback's passes and pipelines."""
from . import autodiff, batching, distinct_results, expand_transforms, inline, readonly_args, simplify, to_linalg, widen_bool_memrefs  # noqa: F401  (registers the passes)
from . import lower_custom_derivatives, lower_host_callbacks, scan_sink_sums  # noqa: F401
from . import custom_derivative_rules, host_callback_rules  # noqa: F401  (registers their kinds' rules in the transforms)
from . import control_rules, control_jvp, control_vmap  # noqa: F401  (control flow: the kind, its rules)
from . import control_partial_eval, control_transpose  # noqa: F401  (after control_rules: reverse mode of control flow)
from . import gpu_pipeline  # noqa: F401  (registers the pb-gpu-* passes)
from .pipeline import CPU_PIPELINE, build_pass_manager, run_pipeline
from .registry import PASSES, PassFailure, register_pass

__all__ = ["CPU_PIPELINE", "PASSES", "PassFailure", "build_pass_manager", "register_pass", "run_pipeline"]
