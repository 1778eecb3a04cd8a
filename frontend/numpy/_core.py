"""Promotion, broadcasting and conversion shared by the jnp functions."""
from __future__ import annotations

import numpy as np

from pullback.dialects.types import numpy_dtype

from .. import dtypes, lax
from ..core import Array, is_array, Literal
from ..errors import user_error
from ..tracing import to_array
import warnings


def operand(x):
    """An Array/Tracer, or a weakly typed Literal for Python scalars."""
    if is_array(x) or isinstance(x, Literal):
        return x
    if isinstance(x, (bool, int, float, complex)) and not isinstance(x, np.generic):
        dt, weak = dtypes.scalar_type(x)
        return Literal(x, dt, weak)
    if isinstance(x, (list, tuple)):
        from ._creation import array  # lazy: _creation imports this module
        return array(x)
    return to_array(x)


def convert(x, dtype: str, weak: bool = False):
    if isinstance(x, Literal):
        if x.aval.dtype == dtype and x.aval.weak == weak:
            return x
        value = x.value
        if not dtypes.is_complex(dtype) and isinstance(value, complex):
            value = value.real
        return Literal(value, dtype, weak)
    return lax.convert_element_type(x, dtype, weak_type=weak)


def promote(*xs):
    """Operands converted to their common (dtype, weak)."""
    xs = [operand(x) for x in xs]
    dt, weak = dtypes.result_type(*[(x.aval.dtype, x.aval.weak) for x in xs])
    return [convert(x, dt, weak) for x in xs]


def promote_inexact(*xs):
    xs = promote(*xs)
    dt = xs[0].aval.dtype
    if not dtypes.is_inexact(dt):
        return [convert(x, dtypes.default_float(), xs[0].aval.weak) for x in xs]
    return xs


# jax_numpy_rank_promotion: "allow" (numpy's implicit rank promotion), "warn" or "raise"
rank_promotion = ["allow"]


def _check_rank_promotion(shapes, op):
    msg = (f"Operands could not be broadcast together with shapes {' '.join(str(tuple(s)) for s in shapes)} "
           f"and with the config option jax_numpy_rank_promotion='{rank_promotion[0]}'"
           + (f" ({op})" if op else ""))
    if rank_promotion[0] == "raise":
        raise user_error(ValueError, msg)
    warnings.warn(msg, stacklevel=4)


def broadcast_shapes(*shapes, error=ValueError, op: str = "") -> tuple:
    """numpy's broadcast shape. `error` is ValueError for jnp.broadcast_shapes and TypeError
    for the operands of an elementwise op (`op` names it), as in JAX."""
    ndim = max((len(s) for s in shapes), default=0)
    if rank_promotion[0] != "allow" and error is TypeError and len({len(s) for s in shapes if len(s)}) > 1:
        _check_rank_promotion(shapes, op)
    out = []
    for i in range(ndim):
        sizes = {s[len(s) - ndim + i] for s in shapes if len(s) - ndim + i >= 0}
        sizes.discard(1)
        if len(sizes) > 1:
            prefix = f"{op or 'operands'} got incompatible" if error is TypeError else "Incompatible"
            raise user_error(error, f"{prefix} shapes for broadcasting: "
                             + ", ".join(str(tuple(s)) for s in shapes))
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


def broadcast_to_shape(x, shape):
    shape = tuple(shape)
    if x.aval.shape == shape:
        return x
    nd, xd = len(shape), x.aval.ndim
    if xd > nd:
        raise user_error(ValueError, f"cannot broadcast an array of shape {x.aval.shape} to {shape}")
    for i, d in enumerate(x.aval.shape):
        if d != 1 and d != shape[nd - xd + i]:
            raise user_error(ValueError, f"cannot broadcast an array of shape {x.aval.shape} to {shape}")
    # squeeze size-1 dims that expand, as broadcast_in_dim allows size 1 -> n directly
    return lax.broadcast_in_dim(x, shape, tuple(range(nd - xd, nd)))


def broadcast_all(*xs, error=ValueError, op: str = ""):
    xs = [operand(x) for x in xs]
    shape = broadcast_shapes(*[x.aval.shape for x in xs], error=error, op=op)
    return [broadcast_to_shape(x, shape) for x in xs]


def elementwise(fn, *xs, inexact: bool = False):
    xs = promote_inexact(*xs) if inexact else promote(*xs)
    name = getattr(fn, "__name__", "")
    return fn(*broadcast_all(*xs, error=TypeError, op=name if name.isidentifier() and name != "f" else ""))


def canonical_axis(axis: int, ndim: int) -> int:
    if not -ndim <= axis < max(ndim, 1) or (ndim == 0 and axis not in (0, -1)):
        raise user_error(ValueError, f"axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim if ndim else 0


def canonical_axes(axis, ndim: int) -> tuple:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int) or (hasattr(axis, "__index__") and not isinstance(axis, (tuple, list))):
        axis = (int(axis),)
    out = tuple(canonical_axis(int(a), ndim) for a in axis)
    if len(set(out)) != len(out):
        raise user_error(ValueError, f"repeated axis in {tuple(axis)}")
    return out


def to_bool(x):
    """x as bool (x != 0), as numpy's logical functions read it."""
    x = as_value(operand(x))
    return x if x.aval.dtype == "bool" else lax.ne(x, Literal(0, x.aval.dtype, False))


def as_value(x):
    """A concrete Array or a Tracer for anything array-like (scalars become Arrays)."""
    x = operand(x)
    if isinstance(x, Literal):
        return Array(np.asarray(x.value, dtype=numpy_dtype(x.aval.dtype)), x.aval.dtype, x.aval.weak)
    return x

