"""PRNG keys: typed key arrays (`PRNGKeyArray`, a pytree over uint32[..., 2] key data),
raw uint32[2] keys, and seeding (JAX's threefry_seed)."""
from __future__ import annotations

import math

import numpy as np

from .. import dtypes, lax
from ..core import Array, is_array
from ..errors import user_error
from ..tree_util import register_pytree_node
from ..values import _Sequence as Sequence  # len() and iteration over the leading axis
from ._lax_helpers import _U32, _compiled, _const, _convert, _dt, _eq, _shr, _value


class KeyDtype:
    """The dtype of typed keys: JAX prints it as key<fry> (threefry2x32)."""
    name = "key<fry>"

    def __repr__(self):
        return self.name

    __str__ = __repr__

    def __eq__(self, other):
        return isinstance(other, KeyDtype) or other == self.name

    def __hash__(self):
        return hash(self.name)


class PRNGKeyArray(Sequence):
    """An array of typed threefry keys (what `random.key` returns): uint32[..., 2] key data
    seen as an array of shape `data.shape[:-1]`. A pytree node, so keys cross jit."""
    __slots__ = ("_base",)

    def __init__(self, base):
        self._base = base

    dtype = KeyDtype()
    shape = property(lambda self: tuple(self._base.shape[:-1]))
    ndim = property(lambda self: len(self.shape))
    size = property(lambda self: math.prod(self.shape))


    def __getitem__(self, idx):
        idx = idx if isinstance(idx, tuple) else (idx,)
        if not any(i is Ellipsis for i in idx):
            idx = idx + (Ellipsis,)
        return PRNGKeyArray(self._base[idx + (slice(None),)])  # never index the key-data axis

    def reshape(self, *shape):
        shape = shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape
        size = self.size
        shape = tuple(size // -math.prod(shape) if d == -1 else d for d in shape)
        return PRNGKeyArray(lax.reshape(self._base, shape + (2,)))

    def __eq__(self, other):
        if not isinstance(other, PRNGKeyArray):
            return NotImplemented
        a, b = self._base, other._base
        same = lax.reduce_min(_convert(lax.eq(a, b), "int32"), (a.ndim - 1,))  # all words equal
        return _eq(same, 1)

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else lax.bitwise_not(eq)

    __hash__ = None

    def block_until_ready(self):
        return self

    def __repr__(self):
        if isinstance(self._base, Array):
            return f"Array({self.shape}, dtype={self.dtype}) overlaying:\n{self._base}"
        return f"Traced<{self.dtype}[{','.join(map(str, self.shape))}]>"


register_pytree_node(PRNGKeyArray, lambda k: ((k._base,), None), lambda _, ch: PRNGKeyArray(ch[0]))


def _key_data(key, name, batched=False):
    """(uint32[..., 2] key data, whether it was a typed key)."""
    if isinstance(key, PRNGKeyArray):
        data, typed = key._base, True
    elif is_array(key) or isinstance(key, (np.ndarray, np.generic, list, tuple)):
        data, typed = _value(key), False
        if _dt(data) != _U32:
            raise user_error(TypeError, "JAX encountered invalid PRNG key data: expected key_data.dtype = "
                             f"uint32; got dtype={_dt(data)}")
        if not data.shape or data.shape[-1] != 2:
            raise user_error(TypeError, "JAX encountered invalid PRNG key data: expected key_data.shape to "
                             f"end with (2,); got shape={tuple(data.shape)} for impl=threefry2x32")
    else:
        raise user_error(TypeError, f"unexpected PRNG key type {type(key)}")
    if not batched and data.ndim != 1:
        raise user_error(ValueError, f"{name} accepts a single key, but was given a key array of shape "
                         f"{tuple(data.shape[:-1])} != (). Use jax.vmap for batching.")
    return data, typed


def _rewrap(data, typed):
    return PRNGKeyArray(data) if typed else data


def _seed_data(seed):
    if isinstance(seed, PRNGKeyArray) or (hasattr(seed, "dtype") and isinstance(seed.dtype, KeyDtype)):
        raise user_error(TypeError, "key accepts a scalar seed, but was given a PRNG key.")
    if not (isinstance(seed, int) or is_array(seed) or isinstance(seed, (np.ndarray, np.integer))):
        raise user_error(TypeError, f"PRNG key seed must be an integer; got {seed!r}")
    if isinstance(seed, int):  # as JAX: through int64, wrapped to int32 without x64
        seed = np.int64(seed)
    seed = _value(seed)
    if seed.shape:
        raise user_error(TypeError, "key accepts a scalar seed, but was given an array of shape "
                         f"{tuple(seed.shape)} != (). Use jax.vmap for batching")
    if not dtypes.is_integer(_dt(seed)):
        raise user_error(TypeError, f"PRNG key seed must be an integer; got {seed!r}")
    return _seed(seed)


@_compiled()
def _seed(seed):
    hi = _convert(_shr(seed, 32), _U32) if _dt(seed) == "int64" else _const((), 0, _U32)
    return lax.concatenate([lax.reshape(w, (1,)) for w in (hi, _convert(seed, _U32))], 0)


def _check_impl(impl):
    if impl not in (None, "threefry2x32") and not isinstance(impl, KeyDtype):
        raise user_error(ValueError, f"unsupported PRNG implementation {impl!r}; pullback has threefry2x32")
