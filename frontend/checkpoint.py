"""jax.checkpoint (jax.remat): save a function's inputs instead of its residuals.

`checkpoint(f)(*args)` traces f into a body function and calls it through a `remat`
control declaration (dialects/control.py). Values and forward-mode derivatives are f's.
Only reverse mode differs, and it differs in a pass, not here: partial evaluation
(passes/control_partial_eval.py) keeps the operands of the call for the backward pass and
recomputes f's residuals there, trading compute for memory. Inside a loop body (a scan
over checkpointed steps) that is the usual memory saving; on straight-line code the
recomputation may be merged with the forward one by CSE, as JAX's does without
`prevent_cse`.
"""
from __future__ import annotations

import functools
from typing import Callable

from types import SimpleNamespace

from pullback.dialects.control import SAVE_DOTS, SAVE_DOTS_NO_BATCH, SAVE_NOTHING

from .control_flow import _flat_values, adapt, emit_control, trace_body
from .errors import user_error
from .tracing import transform
from .tree_util import tree_flatten, tree_unflatten
from .values import AbstractValue


def _policy(name: str, code: int | None):
    def policy(prim, *args, **params):
        """A jax.checkpoint_policies name: pullback reads which one it is, not its answers."""
        raise TypeError(f"checkpoint_policies.{name} is applied by pullback's passes, not called")
    policy.__name__ = policy.__qualname__ = name
    policy.remat_code = code  # None: save everything, i.e. no recomputation at all
    return policy


checkpoint_policies = SimpleNamespace(
    everything_saveable=_policy("everything_saveable", None),
    nothing_saveable=_policy("nothing_saveable", SAVE_NOTHING),
    dots_saveable=_policy("dots_saveable", SAVE_DOTS),
    checkpoint_dots=_policy("checkpoint_dots", SAVE_DOTS),
    dots_with_no_batch_dims_saveable=_policy("dots_with_no_batch_dims_saveable", SAVE_DOTS_NO_BATCH),
    checkpoint_dots_with_no_batch_dims=_policy("checkpoint_dots_with_no_batch_dims", SAVE_DOTS_NO_BATCH),
)


def checkpoint(fun: Callable, *, prevent_cse: bool = True, policy=None, static_argnums=()) -> Callable:
    """`fun` whose reverse-mode derivative recomputes its intermediate values (module doc).

    `policy`: None or a name of `checkpoint_policies` (everything_saveable recomputes nothing,
    nothing_saveable everything, dots_saveable all but dot_general results; other
    policies, such as save_only_these_names, are a NotImplementedError)."""
    if policy is None:
        code = SAVE_NOTHING
    elif hasattr(policy, "remat_code"):
        code = policy.remat_code
    else:
        raise NotImplementedError(f"jax.checkpoint(policy={getattr(policy, '__name__', policy)!r}) is not supported "
                                  "by pullback: use None or nothing_saveable, everything_saveable, dots_saveable, "
                                  "dots_with_no_batch_dims_saveable from pullback.checkpoint_policies")
    if code is None:  # everything saved: reverse mode as without checkpoint
        return fun
    static = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)

    @functools.wraps(fun)
    def remat_fun(*args):
        n = len(args)
        positions = [i % n if -n <= i < n else None for i in static]
        if None in positions:
            raise user_error(ValueError, f"static_argnums {static_argnums} out of range for {n} arguments")
        dynamic = [a for i, a in enumerate(args) if i not in positions]
        vals, in_tree = _flat_values(dynamic)
        holder = []

        def call_fun(*xs):
            it = iter(tree_unflatten(in_tree, list(xs)))
            full = [args[i] if i in positions else next(it) for i in range(n)]
            return tree_flatten(fun(*full))

        def build(T, ops):
            avals = [o.aval for o in ops]
            body = trace_body(T, call_fun, avals, "checkpoint")
            holder.append(body.out_tree)
            name = adapt(T, body, avals, body.captured, False)
            outs = [AbstractValue(a.shape, a.dtype, a.weak) for a in body.out_avals]
            return emit_control(T, "remat", [name], {"policy": code or None}, list(ops) + body.captured, outs)

        flat = transform(build, vals, "checkpoint")
        return tree_unflatten(holder[-1], flat)
    del prevent_cse  # recomputation happens in loops' backward bodies, out of CSE's reach
    return remat_fun


remat = checkpoint

__all__ = ["checkpoint", "checkpoint_policies", "remat"]
