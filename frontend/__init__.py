"""pullback: JAX's transformations as an MLIR compiler toolkit.

`import pullback as jax; import pullback.numpy as jnp` runs JAX programs:
Python functions are traced into the pb MLIR dialect, transformed by MLIR
passes and compiled through linalg to LLVM.
"""
import numpy as _np

__version__ = "0.1.0"  # before the imports: api_runtime reports it

from . import array_methods as _array_methods, debug, lax, nn, numpy, random, scipy, tree, tree_util
from .ad import grad, hessian, jacfwd, jacrev, jvp, linear_transpose, linearize, value_and_grad, vjp
from .batching import vmap
from .core import Array
from .checkpoint import checkpoint, checkpoint_policies, remat
from .custom_derivatives import closure_convert, custom_jvp, custom_vjp
from .dtypes import enable_x64 as _enable_x64, x64_enabled
from .jit import jit, jit_disabled as _jit_disabled, make_jaxpr
from .debug_checks import flags as _debug_flags
from .api_runtime import _set_log_compiles, _set_rank_promotion, _set_softmax_custom_jvp
from .api_runtime import log_compiles, no_tracing, softmax_custom_jvp  # noqa: F401
from .api_runtime import (copy_to_host_async, debug_infs, debug_nans, default_matmul_precision,  # noqa: F401
                          make_array_from_callback, make_array_from_process_local_data,
                          make_array_from_single_device_arrays, numpy_rank_promotion, threefry_partitionable)
from .api_runtime import (Device, ShapeDtypeStruct, clear_caches, custom_gradient, default_backend,
                          default_device, device_count, device_put, devices, disable_jit, effects_barrier,
                          enable_x64, ensure_compile_time_eval, eval_shape, host_count, host_id, host_ids,
                          local_device_count, local_devices, named_call, named_scope, print_environment_info,
                          process_count, process_index, process_indices, pure_callback, typeof)

_array_methods.install()



class _Config:
    """jax.config: update() sets the options that mean something here and raises
    AttributeError for names JAX does not know (as JAX); JAX options pullback does not
    implement raise NotImplementedError rather than being silently ignored."""
    _OPTIONS = {
        "jax_enable_x64": lambda v: _enable_x64(bool(v)),
        "jax_disable_jit": lambda v: _jit_disabled.__setitem__(0, bool(v)),
        "jax_threefry_partitionable": lambda v: setattr(random, "threefry_partitionable", bool(v)),
        "jax_platform_name": lambda v: _check_platform(v),
        "jax_platforms": lambda v: _check_platform(v),
        # CPU float32 matmuls have one precision (XLA:CPU ignores the setting too)
        "jax_default_matmul_precision": lambda v: None,
        "jax_debug_nans": lambda v: _debug_flags.__setitem__(0, bool(v)),
        "jax_debug_infs": lambda v: _debug_flags.__setitem__(1, bool(v)),
        "jax_numpy_rank_promotion": lambda v: _set_rank_promotion(v),
        "jax_log_compiles": lambda v: _set_log_compiles(v),
        "jax_softmax_custom_jvp": lambda v: _set_softmax_custom_jvp(v),
    }

    def update(self, name, value):
        setter = self._OPTIONS.get(name)
        if setter is None:
            if name in _UNSUPPORTED:
                raise NotImplementedError(f"pullback does not implement the JAX option {name}")
            raise AttributeError(f"Unrecognized config option: {name}")
        setter(value)
        self._values[name] = value

    def __init__(self):
        self._values = {}

    def __getattr__(self, name):
        if name == "jax_enable_x64":
            return x64_enabled()
        if name == "jax_disable_jit":
            return _jit_disabled[0]
        if name in ("jax_debug_nans", "jax_debug_infs"):
            return _debug_flags[name == "jax_debug_infs"]
        if name in self._OPTIONS:
            return self._values.get(name)
        raise AttributeError(f"Unrecognized config option: {name}")


# JAX options with a meaning pullback does not implement: an error, never silently ignored.
_UNSUPPORTED = {"jax_numpy_dtype_promotion",
                "jax_default_prng_impl", "jax_enable_checks", "jax_transfer_guard"}


def _check_platform(v):
    if v not in (None, "", "cpu"):
        raise ValueError(f"pullback runs on the CPU only, got platform {v!r}")


config = _Config()


def device_get(x):
    return tree_util.tree_map(lambda a: _np.asarray(a) if isinstance(a, Array) else a, x)


def block_until_ready(x):
    """x (a pytree): every pullback computation has finished when its call returns."""
    return x


jacobian = jacrev


__all__ = ["Array", "checkpoint", "checkpoint_policies", "closure_convert", "remat", "custom_jvp", "custom_vjp", "config", "device_get", "grad", "hessian", "jacfwd", "jacrev", "jit", "jvp", "lax",
           "linear_transpose", "linearize", "make_jaxpr", "numpy", "random", "tree_util", "value_and_grad", "vjp", "vmap"]
__all__ += ["Device", "ShapeDtypeStruct", "block_until_ready", "clear_caches", "custom_gradient",
            "default_backend", "default_device", "device_count", "device_put", "devices", "disable_jit",
            "effects_barrier", "enable_x64", "ensure_compile_time_eval", "eval_shape", "host_count", "host_id",
            "host_ids", "jacobian", "local_device_count", "local_devices", "named_call", "named_scope", "nn",
            "print_environment_info", "process_count", "process_index", "process_indices", "pure_callback",
            "remat", "scipy", "tree", "typeof"]
__all__ += ["copy_to_host_async", "debug_infs", "debug_nans", "default_matmul_precision", "make_array_from_callback",
            "make_array_from_process_local_data", "make_array_from_single_device_arrays", "numpy_rank_promotion",
            "threefry_partitionable"]
__all__ += ["log_compiles", "no_tracing", "softmax_custom_jvp"]
