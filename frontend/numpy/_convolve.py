"""jnp.convolve and jnp.correlate: 1-D convolutions as lax.conv_general_dilated (JAX's _conv)."""
from __future__ import annotations

from .. import lax
from ..errors import user_error
from ._arithmetic import conjugate
from ._core import as_value, promote, promote_inexact
from ._shapes import reshape

_MODES = ("full", "same", "valid")


def _conv(x, y, mode: str, op: str, precision, preferred_element_type):
    x, y = (as_value(v) for v in (promote_inexact(x, y) if preferred_element_type is None else promote(x, y)))
    if x.aval.ndim != 1 or y.aval.ndim != 1:
        raise user_error(ValueError, f"{op}() only support 1-dimensional inputs.")
    if x.aval.shape[0] == 0 or y.aval.shape[0] == 0:
        raise user_error(ValueError, f"{op}: inputs cannot be empty, got shapes {x.aval.shape} and {y.aval.shape}.")
    if mode not in _MODES:
        raise user_error(ValueError, "mode must be one of ['full', 'same', 'valid']")
    reverse_out = False
    if op == "correlate":
        y = conjugate(y)
        if x.aval.shape[0] < y.aval.shape[0]:
            x, y, reverse_out = y, x, True
    else:
        if x.aval.shape[0] < y.aval.shape[0]:
            x, y = y, x
        y = lax.rev(y, (0,))
    k = y.aval.shape[0]
    padding = {"valid": (0, 0), "same": (k // 2, k - k // 2 - 1), "full": (k - 1, k - 1)}[mode]
    out = lax.conv_general_dilated(reshape(x, (1, 1, -1)), reshape(y, (1, 1, -1)), (1,), [padding],
                                   precision=precision, preferred_element_type=preferred_element_type)
    out = reshape(out, (-1,))
    return lax.rev(out, (0,)) if reverse_out else out


def convolve(a, v, mode: str = "full", *, precision=None, preferred_element_type=None):
    """Discrete 1-D convolution, numpy's with JAX's dtype promotion (ints become floats)."""
    return _conv(a, v, mode, "convolve", precision, preferred_element_type)


def correlate(a, v, mode: str = "valid", *, precision=None, preferred_element_type=None):
    """Discrete 1-D cross-correlation (v conjugated), numpy's with JAX's dtype promotion."""
    return _conv(a, v, mode, "correlate", precision, preferred_element_type)
