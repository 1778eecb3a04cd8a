"""Small helpers for writing the PRNG in lax ops: scalar operands that adopt the other
operand's shape and dtype, constants, broadcasting, and `_compiled`, which runs a sampler on
concrete inputs as one cached compiled program (as JAX jits its samplers)."""
from __future__ import annotations

import functools
import math

import numpy as np

from pullback.dialects.types import numpy_dtype

from .. import dtypes, lax
from ..core import Array, Tracer, is_array, trace_stack
from ..jit import Jitted
from ..tracing import to_array

_U32 = "uint32"


def _dt(x) -> str:
    return x.aval.dtype


def _const(shape, v, dtype):
    """An array (never a Literal) of `shape` filled with v."""
    if dtype == "bfloat16":  # bfloat16 Literals are stored wrongly: round here, convert exactly
        m, e = math.frexp(float(v))
        exact = math.ldexp(round(m * 256) / 256, e) if math.isfinite(v) else float(v)
        return _convert(_const(shape, exact, "float32"), dtype)
    x = lax.full(shape, v, dtype)
    return x if is_array(x) else lax.reshape(lax.full((1,), v, dtype), ())


def _full(like, v, dtype=None):
    """A constant with the shape of `like` (and its dtype unless given)."""
    return _const(like.shape, v, dtype or _dt(like))


def _scalar_ok(f):
    """Binary lax op whose Python/numpy scalar operand takes the other's shape and dtype."""
    def g(x, y):
        if not is_array(x):
            x = _full(y, x)
        if not is_array(y):
            y = _full(x, y)
        return f(x, y)
    return g


_add, _sub, _mul = map(_scalar_ok, (lax.add, lax.sub, lax.mul))
_xor, _or, _and = map(_scalar_ok, (lax.bitwise_xor, lax.bitwise_or, lax.bitwise_and))
_shl, _shr = _scalar_ok(lax.shift_left), _scalar_ok(lax.shift_right_logical)
_lt, _eq, _max = map(_scalar_ok, (lax.lt, lax.eq, lax.max))


def _select(pred, a, b, dtype=None):
    """lax.select; scalar branches take the other branch's dtype, or `dtype`."""
    dtype = dtype or next(_dt(v) for v in (a, b) if is_array(v))
    a, b = (v if is_array(v) else _full(pred, v, dtype) for v in (a, b))
    return lax.select(pred, a, b)


def _value(x):
    """An Array/Tracer for x; numpy data is converted to its canonical dtype here, keeping
    0-d arrays 0-d."""
    if is_array(x):
        return x
    if isinstance(x, (np.ndarray, np.generic, list, tuple)):
        x = np.asarray(x)
        dt = dtypes.canonicalize(x.dtype.name)
        return Array(x.astype(numpy_dtype(dt)), dt)
    return to_array(x)


def _convert(x, dtype):
    return lax.convert_element_type(x, dtype)


def _bcast(x, shape):
    """Broadcast x (numpy rules: trailing dims align) to `shape`."""
    shape = tuple(shape)
    if tuple(x.shape) == shape:
        return x
    nd = len(shape) - x.ndim
    keep = [d for d in range(x.ndim) if x.shape[d] != 1 or shape[nd + d] == 1]
    x = lax.reshape(x, tuple(x.shape[d] for d in keep))
    return lax.broadcast_in_dim(x, shape, tuple(nd + d for d in keep))


def _compiled(*static_argnames):
    """Run on concrete inputs as one cached compiled program (static args by keyword);
    inline under a trace, so an enclosing jit sees plain pb ops."""
    def wrap(fn):
        jitted = Jitted(fn, static_argnames=static_argnames)

        @functools.wraps(fn)
        def call(*args, **kw):
            if trace_stack() or any(isinstance(a, Tracer) for a in args):
                return fn(*args, **kw)
            return jitted(*args, **kw)
        return call
    return wrap


def _div_bcast(x, d, shape):
    """x / broadcast(d) as XLA computes it: it rewrites a division by a broadcast into a
    multiply by the broadcast reciprocal (rounded once, before broadcasting); not in bfloat16,
    whose ops it has already widened to float32 and rounded one by one."""
    if tuple(d.shape) == tuple(shape) or _dt(d) == "bfloat16":
        return lax.div(x, _bcast(d, shape))
    return lax.mul(x, _bcast(lax.div(_full(d, 1.0), d), shape))
