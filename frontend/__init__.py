"""pullback: JAX's transformations as an MLIR compiler toolkit.

`import pullback as jax; import pullback.numpy as jnp` runs JAX programs:
Python functions are traced into the pb MLIR dialect, transformed by MLIR
passes and compiled through linalg to LLVM.
"""
import numpy as _np

from . import array_methods as _array_methods
from . import debug, lax, nn, numpy, random, scipy, tree, tree_util
from .ad import grad, hessian, jacfwd, jacrev, jvp, linear_transpose, linearize, value_and_grad, vjp
from .batching import vmap
from .core import Array
from .custom_derivatives import custom_jvp, custom_vjp
from .dtypes import enable_x64 as _enable_x64
from .jit import jit, make_jaxpr

_array_methods.install()

__version__ = "0.1.0"


class _Config:
    def update(self, name, value):
        if name == "jax_enable_x64":
            _enable_x64(value)
        else:
            raise ValueError(f"unknown config option {name}")


config = _Config()


def device_get(x):
    return tree_util.tree_map(lambda a: _np.asarray(a) if isinstance(a, Array) else a, x)


def block_until_ready(x):
    return x


__all__ = ["Array", "custom_jvp", "custom_vjp", "config", "device_get", "grad", "hessian", "jacfwd", "jacrev", "jit", "jvp", "lax",
           "linear_transpose", "linearize", "make_jaxpr", "numpy", "random", "tree_util", "value_and_grad", "vjp", "vmap"]
