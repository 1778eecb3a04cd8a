"""vmap with JAX's signature and semantics.

The batching itself is the pb-vmap pass: `vmap` only traces the user's
function on unbatched shapes into a private function and emits a `vmap`
request naming it, with the flat in_axes (-1 for unbatched inputs, which
include the values the function closes over), out_axes and axis_size.
Inside another trace the request lands in that trace's function; with
concrete inputs it runs as a compiled program, like every transformation.

`chunk_size` (an extension over JAX) maps the batch in chunks of at most
that many members, concatenating the results, so the memory of batched
intermediates is bounded; each chunk is the same vmap request.
"""
from __future__ import annotations

import functools
import inspect
from typing import Callable

from pullback.dialects.transforms import NOT_MAPPED

from . import float0, lax
from .core import ABSTRACT, trace_function
from .errors import user_error
from .tracing import call_request, flatten_values, transform
from .tree_util import broadcast_prefix, tree_flatten, tree_unflatten
from .values import AbstractValue


def _is_none(x) -> bool:
    return x is None


def _axes_for(prefix, tree, what: str) -> list:
    """One in_axes/out_axes entry per leaf of `tree` (a tree prefix of it)."""
    try:
        axes = broadcast_prefix(prefix, tree, is_leaf=_is_none)
    except ValueError:
        raise user_error(ValueError, f"vmap {what} specification must be a tree prefix of the corresponding "
                         f"value, got specification {prefix!r} for value tree "
                         f"{tree_flatten(tree)[1]}.") from None
    for a in axes:
        if a is not None and (isinstance(a, bool) or not isinstance(a, int)):
            raise user_error(TypeError, f"vmap {what} must be an int, None, or a (nested) container with "
                             f"those types as leaves, but got {a!r}.")
    return axes


def _argument_names(fun, n: int) -> list[str]:
    try:
        params = list(inspect.signature(fun).parameters)
    except (TypeError, ValueError):
        params = []
    return [params[i] if i < len(params) else f"args[{i}]" for i in range(n)]


def _leaf_owners(args) -> list[int]:
    """For each flat leaf of `args`, the positional argument it belongs to."""
    owners = []
    for i, a in enumerate(args):
        owners += [i] * len(tree_flatten(a)[0])
    return owners


def _normalized_in_axes(vals, axes, fun, args) -> list[int]:
    out = []
    names = _argument_names(fun, len(args))
    owners = _leaf_owners(args)
    for v, a, owner in zip(vals, axes, owners):
        if a is None:
            out.append(NOT_MAPPED)
            continue
        nd = v.aval.ndim
        if not -nd <= a < nd:
            raise user_error(ValueError, f"vmap was requested to map its argument along axis {a}, which implies "
                             f"that its rank should be at least {a + 1 if a >= 0 else -a}, but is only {nd} (its "
                             f"shape is {v.aval.shape}); the argument is {names[owner]}.")
        out.append(a % nd)
    return out


def _axis_size(vals, axes, axis_size, fun, args) -> int:
    names = _argument_names(fun, len(args))
    owners = _leaf_owners(args)
    sizes = [(v.aval.shape[a], a, names[o], v) for v, a, o in zip(vals, axes, owners) if a != NOT_MAPPED]
    if not sizes:
        if axis_size is None:
            raise user_error(ValueError, "vmap must have at least one non-None value in in_axes")
        return int(axis_size)
    distinct = {s for s, *_ in sizes}
    if axis_size is not None:
        distinct.add(int(axis_size))
    if len(distinct) > 1:
        lines = [f"  * one axis had size {s}: axis {a} of argument {name} of type {v.aval.str_short()};"
                 for s, a, name, v in sizes]
        if axis_size is not None:
            lines.append(f"  * axis_size was given as {axis_size};")
        raise user_error(ValueError, "vmap got inconsistent sizes for array axes to be mapped:\n" + "\n".join(lines))
    return distinct.pop()


def _slice_along(v, axis: int, start: int, stop: int):
    shape = v.aval.shape
    return lax.slice(v, [start if d == axis else 0 for d in range(len(shape))],
                     [stop if d == axis else n for d, n in enumerate(shape)])


def _unbatched(aval: AbstractValue, axis: int) -> AbstractValue:
    if axis == NOT_MAPPED:
        return aval
    return AbstractValue(aval.shape[:axis] + aval.shape[axis + 1:], aval.dtype, aval.weak)


def vmap(fun: Callable, in_axes=0, out_axes=0, axis_name=None, axis_size=None, spmd_axis_name=None,
         chunk_size: int | None = None) -> Callable:
    """Vectorizing map: `fun` mapped over the `in_axes` of its arguments, as `jax.vmap`.
    `axis_name` and `spmd_axis_name` name the axis for collectives and sharding, which pullback
    does not have: passing one is a NotImplementedError."""
    for option, value in (("axis_name", axis_name), ("spmd_axis_name", spmd_axis_name)):
        if value is not None:
            raise NotImplementedError(f"vmap({option}=...): pullback has no collectives or sharding over "
                                      "named axes")
    if isinstance(in_axes, list):
        in_axes = tuple(in_axes)  # JAX treats a list in_axes like a tuple
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size < 1):
        raise user_error(ValueError, f"vmap chunk_size must be a positive int, got {chunk_size!r}")

    @functools.wraps(fun)
    def vmapped(*args, **kwargs):
        f, spec = fun, in_axes
        if kwargs:
            f, args, spec = _keywords_as_positional(fun, args, kwargs, in_axes)
        if isinstance(spec, tuple) and len(spec) != len(args):
            raise user_error(ValueError, f"vmap in_axes must be an int, None, or a tuple of entries corresponding "
                             f"to the positional arguments passed to the function, but got len(in_axes)="
                             f"{len(spec)}, len(args)={len(args)}")
        vals, in_tree = flatten_values(args)
        flat_axes = _axes_for(spec if isinstance(spec, tuple) else (spec,) * len(args), args, "in_axes")
        axes = _normalized_in_axes(vals, flat_axes, f, args)
        size = _axis_size(vals, axes, axis_size, f, args)
        if chunk_size is not None and size > chunk_size:
            return _chunked(f, vals, in_tree, axes, size, out_axes, chunk_size)
        return _vmap_once(f, vals, in_tree, axes, size, out_axes)

    return vmapped


def _keywords_as_positional(fun, args: tuple, kwargs: dict, in_axes):
    """JAX maps keyword arguments over their leading axis: pass them as trailing positional
    arguments with in_axes 0. Returns (function, arguments, in_axes)."""
    n, names = len(args), list(kwargs)

    def positional(*xs):
        return fun(*xs[:n], **dict(zip(names, xs[n:])))
    axes = (in_axes if isinstance(in_axes, tuple) else (in_axes,) * n) + (0,) * len(names)
    return positional, args + tuple(kwargs.values()), axes


def _chunked(fun, vals, in_tree, axes, size: int, out_axes, chunk_size: int):
    """vmap in chunks of at most chunk_size members, concatenated along each output's axis."""
    pieces = []
    for start in range(0, size, chunk_size):
        stop = min(start + chunk_size, size)
        part = [v if a == NOT_MAPPED else _slice_along(v, a, start, stop) for v, a in zip(vals, axes)]
        pieces.append(_vmap_once(fun, part, in_tree, axes, stop - start, out_axes, flat_out=True))
    leaves_out, out_axes_flat, tree = pieces[0]
    joined = [leaf if ax is None else lax.concatenate([p[0][i] for p in pieces], ax)
              for i, (leaf, ax) in enumerate(zip(leaves_out, out_axes_flat))]
    return _batched_float0(tree_unflatten(tree, joined), out_axes, size)


def _vmap_once(fun, vals, in_tree, axes, size, out_axes, flat_out: bool = False):
    holder = {}

    def build(T, xs):
        avals = [_unbatched(x.aval, a) for x, a in zip(xs, axes)]
        callee = trace_function(lambda *ys: fun(*tree_unflatten(in_tree, list(ys))), avals, T, ABSTRACT)
        out_struct = tree_unflatten(callee.out_tree, list(range(len(callee.out_avals))))
        flat = _axes_for(out_axes, out_struct, "out_axes")
        outs = []
        for a, aval in zip(flat, callee.out_avals):
            if a is None:
                outs.append(NOT_MAPPED)
            elif not -(aval.ndim + 1) <= a <= aval.ndim:
                raise user_error(ValueError, f"vmap out_axes entry {a} is out of range for an output of rank "
                                 f"{aval.ndim} (its batched rank is {aval.ndim + 1})")
            else:
                outs.append(a % (aval.ndim + 1))
        holder.update(out_tree=callee.out_tree, out_axes=[None if a == NOT_MAPPED else a for a in outs])
        captured = [T.lift(c) for c in callee.captured]
        params = {"in_axes": list(axes) + [NOT_MAPPED] * len(captured), "out_axes": outs, "axis_size": size}
        return call_request(T, "vmap", callee, list(xs) + captured, params, weak=[a.weak for a in callee.out_avals])

    flat = transform(build, vals, "vmap")
    if flat_out:
        return flat, holder["out_axes"], holder["out_tree"]
    return _batched_float0(tree_unflatten(holder["out_tree"], flat), out_axes, size)


def _batched_float0(out, out_axes, size: int):
    """float0 outputs (the tangents of integer values) never enter the program, so they come
    back with their unbatched shape: give them the batch axis, as JAX's vmap does."""
    leaves, tree = tree_flatten(out)
    if not any(float0.is_float0(x) for x in leaves):
        return out
    axes = _axes_for(out_axes, out, "out_axes")
    return tree_unflatten(tree, [float0.zeros(x.shape[:a % (x.ndim + 1)] + (size,) + x.shape[a % (x.ndim + 1):])
                                 if float0.is_float0(x) and a is not None else x for x, a in zip(leaves, axes)])


__all__ = ["vmap"]
