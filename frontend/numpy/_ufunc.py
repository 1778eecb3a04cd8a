"""jnp.vectorize, jnp.ufunc and jnp.frompyfunc, with JAX's semantics.

vectorize broadcasts the loop dimensions of the arguments (those left of each argument's core
dimensions, from `signature` as numpy's gufunc signatures, none by default) and maps the function over
them with nested vmaps, so the function sees scalars (or its core-shaped blocks). ufunc wraps a scalar
function of nin arguments: its call is vectorize; reduce and accumulate fold along an axis with a
fori_loop/scan, `at` applies the function at indices one after the other (repeated indices compose), and
outer is a double vmap, as JAX's generic ufunc methods.
"""
from __future__ import annotations

import functools
import math as _math
import operator
import re

import numpy as _np

from .. import lax
from ..api_runtime import eval_shape
from ..batching import vmap
from ..control_flow import fori_loop, scan
from ..errors import user_error
from . import _logic as _l
from ._core import as_value, broadcast_shapes, canonical_axis, operand
from ._creation import asarray
from ._shapes import broadcast_to, concatenate, moveaxis, ravel, reshape
from ._take import take

_DIM = r"\w+"
_CORE = rf"(?:{_DIM}(?:,{_DIM})*)?"
_ARGS = rf"\({_CORE}\)(?:,\({_CORE}\))*"
_SIGNATURE = re.compile(rf"^{_ARGS}->{_ARGS}$")


def _parse_signature(signature):
    sig = signature.replace(" ", "")
    if not _SIGNATURE.match(sig):
        raise user_error(ValueError, f"not a valid gufunc signature: {signature}")
    ins, outs = sig.split("->")
    parse = lambda s: [tuple(re.findall(_DIM, arg)) for arg in re.findall(rf"\(({_CORE})\)", s)]
    return parse(ins), parse(outs)


def _apply_excluded(func, excluded, args, kwargs):
    if not excluded:
        return func, args, kwargs
    static_args = [(i, args[i]) for i in sorted(e for e in excluded if isinstance(e, int)) if i < len(args)]
    static_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in excluded}
    dynamic = [a for i, a in enumerate(args) if i not in dict(static_args)]

    def new_func(*dyn, **kw):
        full = list(dyn)
        for i, a in static_args:
            full.insert(i, a)
        return func(*full, **kw, **static_kwargs)
    return new_func, tuple(dynamic), kwargs


def vectorize(pyfunc, *, excluded=frozenset(), signature=None):
    if any(not isinstance(e, (str, int)) for e in excluded):
        raise TypeError(f"jax.numpy.vectorize can only exclude integer or string arguments, but "
                        f"excluded={excluded!r}")
    if any(isinstance(e, int) and e < 0 for e in excluded):
        raise ValueError(f"excluded={excluded!r} contains negative numbers")

    @functools.wraps(pyfunc)
    def wrapped(*args, **kwargs):
        func, args, kwargs = _apply_excluded(pyfunc, excluded, args, dict(kwargs))
        if signature is not None:
            in_core, out_core = _parse_signature(signature)
        else:
            in_core, out_core = [()] * len(args), None
        none_args = {i for i, a in enumerate(args) if a is None}
        if none_args:
            if any(in_core[i] != () for i in none_args):
                raise user_error(ValueError, f"Cannot pass None at locations {none_args} with "
                                 f"signature={signature!r}")
            func, args, _ = _apply_excluded(func, none_args, args, {})
            in_core = [d for i, d in enumerate(in_core) if i not in none_args]
        args = tuple(as_value(operand(a)) for a in args)
        if len(args) != len(in_core):
            raise user_error(TypeError, f"wrong number of positional arguments: expected {len(in_core)}, got "
                             f"{len(args)}")
        sizes = {}
        loop_shapes = []
        for a, core in zip(args, in_core):
            if len(core) > a.aval.ndim:
                raise user_error(ValueError, f"input with shape {a.aval.shape} does not have enough dimensions "
                                 f"for its core dimensions {core} on vectorized function with "
                                 f"signature={signature!r}")
            core_shape = a.aval.shape[a.aval.ndim - len(core):]
            for d, n in zip(core, core_shape):
                if sizes.setdefault(d, n) != n:
                    raise user_error(ValueError, f"inconsistent size for core dimension {d!r}: {n} vs {sizes[d]} "
                                     f"on vectorized function with signature={signature!r}")
            loop_shapes.append(a.aval.shape[:a.aval.ndim - len(core)])
        loop = broadcast_shapes(*loop_shapes)
        args = [broadcast_to(a, loop + a.aval.shape[a.aval.ndim - len(c):]) for a, c in zip(args, in_core)]

        def checked(*xs):
            out = func(*xs, **kwargs)
            if out_core is not None:
                outs = out if isinstance(out, tuple) else (out,)
                if len(outs) != len(out_core):
                    raise user_error(ValueError, f"wrong number of output arguments: expected {len(out_core)}, "
                                     f"got {len(outs)}")
                for o, core in zip(outs, out_core):
                    shape = _np.shape(o)
                    if len(shape) != len(core) or any(sizes.setdefault(d, n) != n for d, n in zip(core, shape)):
                        raise user_error(ValueError, f"output shape {shape} does not match core dimensions "
                                         f"{core} on vectorized function with signature={signature!r}")
            return out
        f = checked
        for _ in loop:
            f = vmap(f)
        return f(*args) if loop else checked(*args)
    return wrapped


def _dtype_of(func, *xs):
    return eval_shape(func, *[lax.full((), 1, x.aval.dtype) for x in xs]).dtype


class ufunc:
    """A ufunc built from a scalar function of nin arguments (JAX's jnp.ufunc)."""

    def __init__(self, func, /, nin, nout, *, name=None, nargs=None, identity=None, call=None, reduce=None,
                 accumulate=None, at=None, reduceat=None):
        self.__doc__ = func.__doc__
        self.__name__ = name or func.__name__
        self._func = func
        self.nin, self.nout = operator.index(nin), operator.index(nout)
        self.nargs = operator.index(nargs or nin)
        self.identity = identity
        self._custom = {"call": call, "reduce": reduce, "accumulate": accumulate, "at": at, "reduceat": reduceat}

    def _key(self):
        return (self._func, self.__name__, self.identity, self.nin, self.nout, self.nargs)

    def __hash__(self):
        return hash(self._key())

    def __eq__(self, other):
        return isinstance(other, ufunc) and self._key() == other._key()

    def __repr__(self):
        return f"<jnp.ufunc '{self.__name__}'>"

    def __call__(self, *args, out=None, where=None):
        if out is not None:
            raise NotImplementedError(f"out argument of {self}")
        if where is not None:
            raise NotImplementedError(f"where argument of {self}")
        return (self._custom["call"] or vectorize(self._func))(*args)

    def _binary(self, what):
        if self.nin != 2:
            raise user_error(ValueError, f"{what} only supported for binary ufuncs")
        if self.nout != 1:
            raise user_error(ValueError, f"{what} only supported for functions returning a single value")

    def reduce(self, a, axis=0, dtype=None, out=None, keepdims=False, initial=None, where=None):
        self._binary("reduce")
        if out is not None:
            raise NotImplementedError(f"out argument of {self.__name__}.reduce()")
        if where is not None:
            where = as_value(operand(where))
            if self.identity is None and initial is None:
                raise user_error(ValueError, f"reduction operation {self.__name__!r} does not have an identity, so "
                                 "to use a where mask one has to specify 'initial'.")
            if where.aval.dtype != "bool":
                raise user_error(ValueError, f"where argument must have dtype=bool; got dtype={where.dtype}")
        fn = self._custom["reduce"] or self._reduce_via_loop
        return fn(a, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial, where=where)

    def _reduce_via_loop(self, arr, axis=0, dtype=None, keepdims=False, initial=None, where=None):
        arr = as_value(operand(arr))
        initial = self.identity if initial is None else initial
        dtype = _np.dtype(dtype) if dtype is not None else _dtype_of(self._func, arr, arr)
        if where is not None:
            where = broadcast_to(where, arr.aval.shape)
        if isinstance(axis, tuple):
            raise NotImplementedError("tuple of axes")
        if axis is None:
            final = (1,) * arr.aval.ndim if keepdims else ()
            arr, where, axis = ravel(arr), None if where is None else ravel(where), 0
        else:
            axis = canonical_axis(axis, arr.aval.ndim)
            s = arr.aval.shape
            final = s[:axis] + (1,) + s[axis + 1:] if keepdims else s[:axis] + s[axis + 1:]
        arr = moveaxis(arr, axis, 0)
        where = None if where is None else moveaxis(where, axis, 0)
        if arr.aval.shape[0] == 0:
            if initial is None:
                raise user_error(ValueError, f"zero-size array to reduction operation {self.__name__} which has "
                                 "no identity")
            return lax.full(final, initial, dtype)

        def body(i, val):
            new = self(val, arr[i].astype(dtype))
            return new if where is None else _l.where(where[i], new, val)
        start, init = (1, arr[0]) if initial is None else (0, initial)
        init = broadcast_to(asarray(init).astype(dtype), arr.aval.shape[1:])
        result = fori_loop(start, arr.aval.shape[0], body, init)
        return reshape(result, final) if keepdims else result

    def accumulate(self, a, axis=0, dtype=None, out=None):
        self._binary("accumulate")
        if out is not None:
            raise NotImplementedError(f"out argument of {self.__name__}.accumulate()")
        return (self._custom["accumulate"] or self._accumulate_via_scan)(a, axis=axis, dtype=dtype)

    def _accumulate_via_scan(self, arr, axis=0, dtype=None):
        arr = as_value(operand(arr))
        dtype = _np.dtype(dtype) if dtype is not None else _dtype_of(self._func, arr, arr)
        if axis is None or isinstance(axis, tuple):
            raise user_error(ValueError, "accumulate does not allow multiple axes")
        axis = canonical_axis(axis, arr.aval.ndim)
        if _math.prod(arr.aval.shape) == 0:
            return lax.full(arr.aval.shape, 0, dtype)
        arr = moveaxis(arr, axis, 0)
        first = arr[0].astype(dtype)

        def step(carry, x):
            y = self(carry, x.astype(dtype))
            return y, y
        _, rest = scan(step, first, arr[1:])
        out = lax.concatenate([reshape(first, (1,) + first.shape), asarray(rest).astype(dtype)], 0)
        return moveaxis(out, 0, axis)

    def at(self, a, indices, b=None, /, *, inplace=True):
        if inplace:
            raise NotImplementedError("jax.numpy.ufunc.at operations cannot be performed in-place, because JAX "
                                      "arrays are immutable. Use inplace=False instead.")
        fn = self._custom["at"] or self._at_via_scan
        return fn(a, indices) if b is None else fn(a, indices, b)

    def _at_via_scan(self, a, indices, *args):
        a = as_value(operand(a))
        args = tuple(as_value(operand(x)) for x in args)
        dtype = _dtype_of(self._func, a, *args)
        a = a.astype(dtype)
        args = tuple(x.astype(dtype) for x in args)
        indices = indices if isinstance(indices, tuple) else (indices,)
        if not indices:
            return a
        indices = tuple(i if isinstance(i, slice) else as_value(operand(i)) for i in indices)
        shapes = [i.aval.shape for i in indices if not isinstance(i, slice)]
        shape = broadcast_shapes(*shapes) if shapes else ()
        if not shape:
            return a.at[indices].set(self(a.at[indices].get(), *args))
        n = _math.prod(shape)
        if args:
            x = broadcast_to(args[0], shape + args[0].aval.shape[len(shape):])
            args = (reshape(x, (n,) + args[0].aval.shape[len(shape):]),)
        flat = [i if isinstance(i, slice) else ravel(broadcast_to(i, shape)) for i in indices]

        def body(k, acc):
            idx = tuple(i if isinstance(i, slice) else i[k] for i in flat)
            return acc.at[idx].set(self(acc.at[idx].get(), *(x[k] for x in args)))
        return fori_loop(0, n, body, a)

    def reduceat(self, a, indices, axis=0, dtype=None, out=None):
        self._binary("reduceat")
        if out is not None:
            raise NotImplementedError(f"out argument of {self.__name__}.reduceat()")
        return (self._custom["reduceat"] or self._reduceat_via_loop)(a, indices, axis=axis, dtype=dtype)

    def _reduceat_via_loop(self, a, indices, axis=0, dtype=None):
        a, idx = as_value(operand(a)), as_value(operand(indices))
        if a.aval.ndim == 0:
            raise user_error(ValueError, f"reduceat: a must have 1 or more dimension, got a.shape={a.aval.shape}")
        if idx.aval.ndim != 1:
            raise user_error(ValueError, f"reduceat: indices must be one-dimensional, got indices.shape="
                             f"{idx.aval.shape}")
        if axis is None or isinstance(axis, (tuple, list)):
            raise user_error(ValueError, "reduceat requires a single integer axis.")
        axis = canonical_axis(axis, a.aval.ndim)
        out = take(a, idx, axis=axis)
        bounds = concatenate([idx, asarray([a.aval.shape[axis]], dtype=idx.dtype)])
        bshape = [1] * out.aval.ndim
        bshape[axis] = bounds.aval.shape[0]
        bounds = reshape(bounds, tuple(bshape))
        start = lax.slice_in_dim(bounds, 0, bshape[axis] - 1, axis=axis)
        end = lax.slice_in_dim(bounds, 1, bshape[axis], axis=axis)

        def body(i, acc):
            inside = _l.logical_and(_l.greater(i, start), _l.less(i, end))
            return _l.where(inside, self(acc, take(a, reshape(i, (1,)), axis=axis)), acc)
        return fori_loop(0, a.aval.shape[axis], body, out)

    def outer(self, A, B, /):
        self._binary("outer")
        A, B = as_value(operand(A)), as_value(operand(B))
        res = vmap(vmap(self, (None, 0)), (0, None))(ravel(A), ravel(B))
        return reshape(res, A.aval.shape + B.aval.shape)


def frompyfunc(func, /, nin, nout, *, identity=None):
    return ufunc(func, nin, nout, identity=identity)


__all__ = ["frompyfunc", "ufunc", "vectorize"]
