"""The top-level runtime surface of `jax` on pullback's single CPU device: devices and
placement (one CpuDevice; device_put makes pullback Arrays), abstract evaluation
(eval_shape, ShapeDtypeStruct, typeof), custom_gradient, pure_callback, and the config
switches that have a meaning here (disable_jit, enable_x64, threefry partitioning).

Names whose effect in JAX is placement or naming only (named_call, named_scope,
ensure_compile_time_eval, default_device) keep their values and derivatives exact; their
scheduling effect does not exist on one CPU device. (checkpoint/remat is real: checkpoint.py.)
"""
from __future__ import annotations

import contextlib
import functools
import platform
import sys
from typing import Callable

import numpy as np

from pullback.dialects.types import dtype_name, numpy_dtype

from . import __version__, dtypes as _dt, random
from .jit import clear_jit_caches, jit_disabled, no_tracing as _no_tracing
from .callbacks import host_call
from .core import fun_name, trace_function
from .custom_derivatives import custom_vjp
from .debug_checks import flags as _debug_flags
from .errors import user_error
from .tree_util import tree_flatten, tree_map, tree_unflatten
from .values import AbstractValue, Array, to_array
from .numpy import _core
from pullback.runtime import compile_log
from .nn import _normalization
from pullback.runtime.compiler import clear_memory_cache


class Device:
    """The one device pullback runs on (JAX's CPU device 0)."""
    id = 0
    platform = "cpu"
    device_kind = "cpu"
    process_index = 0
    host_id = 0
    client = None

    def __repr__(self):
        return "CpuDevice(id=0)"

    def __str__(self):
        return "TFRT_CPU_0"


_CPU = Device()


def _check_backend(backend):
    if backend not in (None, "cpu"):
        raise user_error(RuntimeError, f"Unknown backend {backend}; pullback runs on 'cpu' only")


def devices(backend=None) -> list:
    _check_backend(backend)
    return [_CPU]


def local_devices(process_index=None, backend=None, host_id=None) -> list:
    _check_backend(backend)
    return [_CPU]


def device_count(backend=None) -> int:
    _check_backend(backend)
    return 1


def local_device_count(backend=None) -> int:
    _check_backend(backend)
    return 1


def default_backend() -> str:
    return "cpu"


def process_index(backend=None) -> int:
    return 0


def process_count(backend=None) -> int:
    return 1


def process_indices(backend=None) -> list:
    return [0]


host_id, host_count = process_index, process_count


def host_ids(backend=None) -> list:
    return [0]


def device_put(x, device=None, *, src=None, donate=False, may_alias=None):
    """Each leaf as a pullback Array on the CPU device (numpy arrays and scalars converted;
    Python scalars stay weakly typed, as in JAX)."""
    if device is not None and not isinstance(device, Device):
        raise user_error(TypeError, f"device_put: pullback has only the CPU device, got {device!r}")

    def put(leaf):
        a = to_array(leaf)
        return Array(np.array(a), a.aval.dtype, a.aval.weak) if isinstance(a, Array) else a
    return tree_map(put, x)


def effects_barrier() -> None:
    """Every computation here completes before its call returns: nothing to wait for."""


class ShapeDtypeStruct:
    """A shape and dtype standing for an array (eval_shape's inputs and outputs)."""
    __slots__ = ("shape", "dtype", "sharding", "weak_type")

    def __init__(self, shape, dtype, sharding=None, weak_type=False):
        self.shape = tuple(int(d) for d in shape)
        self.dtype = np.dtype(numpy_dtype(_dt.name(dtype)))
        self.sharding = sharding
        self.weak_type = bool(weak_type)

    ndim = property(lambda self: len(self.shape))
    size = property(lambda self: int(np.prod(self.shape, dtype=np.int64)))

    def __eq__(self, other):
        return (isinstance(other, ShapeDtypeStruct) and (self.shape, self.dtype, self.weak_type) ==
                (other.shape, other.dtype, other.weak_type))

    def __hash__(self):
        return hash((self.shape, self.dtype, self.weak_type))

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __repr__(self):
        weak = ", weak_type=True" if self.weak_type else ""
        return f"ShapeDtypeStruct(shape={self.shape}, dtype={self.dtype.name}{weak})"


def _abstract(x) -> AbstractValue:
    if isinstance(x, ShapeDtypeStruct):
        return AbstractValue(x.shape, dtype_name(x.dtype), x.weak_type)
    if hasattr(x, "aval"):
        return x.aval
    return to_array(x).aval


def eval_shape(fun: Callable, *args, **kwargs):
    """The shapes and dtypes of fun's outputs, traced without computing anything."""
    leaves, treedef = tree_flatten((args, kwargs))
    avals = [_abstract(x) for x in leaves]

    def flat(*xs):
        a, kw = tree_unflatten(treedef, list(xs))
        return fun(*a, **kw)
    traced = trace_function(flat, avals, name=fun_name(fun))
    outs = [ShapeDtypeStruct(a.shape, a.dtype, weak_type=a.weak) for a in traced.out_avals]
    return tree_unflatten(traced.out_tree, outs)


class ShapedArray(ShapeDtypeStruct):
    """jax.typeof's answer: a shape, dtype and weak type, printed as e.g. float32[3]."""
    __slots__ = ()

    def __str__(self):
        return f"{self.dtype.name}[{','.join(map(str, self.shape))}]"

    __repr__ = __str__


def typeof(x) -> ShapedArray:
    a = _abstract(x)
    return ShapedArray(a.shape, a.dtype, weak_type=a.weak)


def custom_gradient(fun: Callable) -> Callable:
    """fun(*args) -> (value, vjp) with vjp(g) -> one cotangent per argument (a tuple).
    The backward pass calls fun again on the saved arguments to get its vjp."""
    @custom_vjp
    def f(*args):
        return fun(*args)[0]

    def fwd(*args):
        return fun(*args)[0], args

    def bwd(args, g):
        cts = fun(*args)[1](g)
        return tuple(cts) if isinstance(cts, (tuple, list)) else (cts,)
    f.defvjp(fwd, bwd)
    return functools.wraps(fun)(lambda *args: f(*args))


def pure_callback(callback: Callable, result_shape_dtypes, *args, sharding=None, vmap_method=None, **kwargs):
    """callback(*args, **kwargs) on concrete numpy values, from eager code or inside jit; its
    results must match result_shape_dtypes (a pytree of ShapeDtypeStruct-likes)."""
    leaves, treedef = tree_flatten((args, kwargs))
    out_leaves, out_tree = tree_flatten(result_shape_dtypes)
    result_avals = [AbstractValue(tuple(r.shape), dtype_name(np.dtype(r.dtype)), False) for r in out_leaves]

    def call(*arrays):
        a, kw = tree_unflatten(treedef, list(arrays))
        out = tree_flatten(callback(*a, **kw))[0]
        return [np.asarray(o, dtype=numpy_dtype(av.dtype)) for o, av in zip(out, result_avals)]
    outs = host_call(call, leaves, result_avals, name=getattr(callback, "__name__", "pure_callback"))
    return tree_unflatten(out_tree, list(outs))


@contextlib.contextmanager
def disable_jit(disable: bool = True):
    """Within the context, jit-decorated functions run their Python op by op (eagerly)."""
    prev = jit_disabled[0]
    jit_disabled[0] = bool(disable)
    try:
        yield
    finally:
        jit_disabled[0] = prev


def _flag_context(get, set_):
    @contextlib.contextmanager
    def context(new_val=True):
        prev = get()
        set_(new_val)
        try:
            yield
        finally:
            set_(prev)
    return context


debug_nans = _flag_context(lambda: _debug_flags[0], lambda v: _debug_flags.__setitem__(0, bool(v)))
debug_infs = _flag_context(lambda: _debug_flags[1], lambda v: _debug_flags.__setitem__(1, bool(v)))


def _set_partitionable(v):
    random.threefry_partitionable = bool(v)


def _get_partitionable():
    return random.threefry_partitionable


threefry_partitionable = _flag_context(_get_partitionable, _set_partitionable)


def _set_rank_promotion(v):
    if v not in ("allow", "warn", "raise"):
        raise user_error(ValueError, f"jax_numpy_rank_promotion must be 'allow', 'warn' or 'raise', got {v!r}")
    _core.rank_promotion[0] = v


def _get_rank_promotion():
    return _core.rank_promotion[0]


numpy_rank_promotion = _flag_context(_get_rank_promotion, _set_rank_promotion)


def _set_log_compiles(v):
    compile_log.set_enabled(bool(v))


def _get_log_compiles():
    return compile_log.enabled()


log_compiles = _flag_context(_get_log_compiles, _set_log_compiles)
no_tracing = _flag_context(lambda: _no_tracing[0], lambda v: _no_tracing.__setitem__(0, bool(v)))


def _set_softmax_custom_jvp(v):
    _normalization.softmax_custom_jvp[0] = bool(v)


def _get_softmax_custom_jvp():
    return _normalization.softmax_custom_jvp[0]


softmax_custom_jvp = _flag_context(_get_softmax_custom_jvp, _set_softmax_custom_jvp)


@contextlib.contextmanager
def default_matmul_precision(precision):
    """Accepted and without effect: float32 products on the CPU have one precision (as XLA:CPU)."""
    if precision not in (None, "default", "high", "highest", "bfloat16", "tensorfloat32", "float32", "fastest"):
        raise user_error(ValueError, f"unknown default_matmul_precision {precision!r}")
    yield


def copy_to_host_async(x):
    """Nothing to copy: pullback's arrays live in host memory."""
    return None


def make_array_from_callback(shape, sharding, data_callback, dtype=None):
    """The array data_callback gives for the whole index space (one device holds everything)."""
    return device_put(data_callback(tuple(slice(0, d) for d in shape)))


def make_array_from_single_device_arrays(shape, sharding, arrays, *, dtype=None):
    if len(arrays) != 1 or tuple(arrays[0].shape) != tuple(shape):
        raise user_error(ValueError, f"one array of shape {tuple(shape)} expected on pullback's single device")
    return device_put(arrays[0])


def make_array_from_process_local_data(sharding, local_data, global_shape=None):
    if global_shape is not None and tuple(global_shape) != tuple(np.shape(local_data)):
        raise user_error(ValueError, f"global_shape {global_shape} differs from the local data's shape "
                         f"{np.shape(local_data)} on a single process")
    return device_put(local_data)


@contextlib.contextmanager
def enable_x64(new_val: bool = True):
    prev = _dt.x64_enabled()
    _dt.enable_x64(new_val)
    try:
        yield
    finally:
        _dt.enable_x64(prev)


def named_call(fun: Callable, *, name: str | None = None) -> Callable:
    """fun itself: the name labels profiles in JAX and changes no value."""
    return functools.wraps(fun)(lambda *a, **k: fun(*a, **k))


@contextlib.contextmanager
def named_scope(name: str):
    if not isinstance(name, str):
        raise user_error(TypeError, "named_scope name argument must be a string.")
    yield


@contextlib.contextmanager
def ensure_compile_time_eval():
    """Operations on concrete arrays are evaluated at once in pullback, inside jit too: the
    context changes nothing."""
    yield


@contextlib.contextmanager
def default_device(device):
    if device is not None and not isinstance(device, (Device, str)):
        raise user_error(TypeError, f"default_device: expected a device, got {device!r}")
    yield


def clear_caches() -> None:
    """Drop compiled programs held in memory, and every jitted function's traces, as
    jax.clear_caches does: the next call traces and compiles again (the on-disk cache stays)."""
    clear_jit_caches()
    clear_memory_cache()


def print_environment_info(return_string: bool = False):
    info = (f"pullback:   {__version__}\nnumpy:      {np.__version__}\npython:     {sys.version}\n"
            f"device info: cpu-1, 1 local devices\nprocess_count: 1\nplatform: {platform.uname()}\n")
    if return_string:
        return info
    print(info)
