"""pb-vmap: batch functions named by vmap requests.

For a request `@d {pb.transform = {kind = "vmap", callee = @f, in_axes, out_axes,
axis_size}}` the pass builds a batched version of @f by walking it once and
applying each op's batching rule (`registry.BATCH`). Every value carries its
batch dimension, or None when it is the same for all batch members: ops on
unbatched values only are copied unchanged, so unbatched work (weights,
constants) is never replicated. Calls are batched by generating the callee's
batched version for the batch dimensions of its arguments, memoized per
(function, dimensions). The request's body then moves each output's batch
dimension to the requested out_axes entry.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import func

from pullback.dialects import registry
from pullback.dialects.batching import broadcast_batch, move_axis
from pullback.dialects.emit import op_attrs
from pullback.dialects.callbacks import is_callback
from pullback.dialects.transforms import NOT_MAPPED

from ..cloning import clone_into
from ..functions import (body_ops, callee_of, entry_block, fresh_name, function_type, functions,
                         is_declaration, new_function, serve_requests, set_results)
from ..host_callbacks import batch_call
from ..custom_derivatives import batch_custom_call, custom_call_of
from ..registry import PassFailure, register_pass


def _batched_type(t: ir.Type, dim: int | None, size: int) -> ir.Type:
    if dim is None:
        return t
    shape = list(ir.RankedTensorType(t).shape)
    shape.insert(dim, size)
    return ir.RankedTensorType.get(shape, ir.RankedTensorType(t).element_type)


class Batcher:
    """Generates batched functions in one module, memoized per (function, batch dims, size)."""

    def __init__(self, module_op):
        self.module_op = module_op
        self.done: dict[tuple, tuple[str, tuple]] = {}
        self.active: set[str] = set()

    def batched_function(self, name: str, in_dims: tuple, size: int) -> tuple[str, tuple]:
        """(name of @name batched at `in_dims`, the batch dimension of each of its outputs)."""
        key = (name, in_dims, size)
        if key in self.done:
            return self.done[key]
        fn = functions(self.module_op)[name]
        if is_declaration(fn):
            raise PassFailure(f"pb-vmap: @{name} has no body (an unserved transformation request?)", fn.location)
        if name in self.active:
            raise PassFailure(f"pb-vmap cannot batch the recursive function @{name}", fn.location)
        self.active.add(name)
        ft = function_type(fn)
        new_name = fresh_name(self.module_op, f"{name}_vmap")
        with fn.location:
            in_types = [_batched_type(t, d, size) for t, d in zip(ft.inputs, in_dims)]
        new_fn = new_function(self.module_op, new_name, in_types, [], fn.location)
        block = entry_block(new_fn)
        value = dict(zip(entry_block(fn).arguments, block.arguments))
        dim = dict(zip(entry_block(fn).arguments, in_dims))
        with ir.InsertionPoint(block):
            for op in body_ops(fn)[:-1]:
                with op.location:
                    self._op(op, value, dim, size)
            ret = body_ops(fn)[-1]
            with ret.location:
                func.ReturnOp([value[v] for v in ret.operands])
        out_dims = tuple(dim[v] for v in ret.operands)
        set_results(new_fn, [value[v].type for v in ret.operands])
        self.active.discard(name)
        self.done[key] = (new_name, out_dims)
        return self.done[key]

    def _op(self, op, value: dict, dim: dict, size: int) -> None:
        dims = tuple(dim[v] for v in op.operands)
        if all(d is None for d in dims):
            clone_into(op, value)
            for r in op.results:
                dim[r] = None
            return
        args = [value[v] for v in op.operands]
        if op.name == "func.call" and is_callback(functions(self.module_op).get(callee_of(op))):
            outs, out_dims = batch_call(op, args, list(dims), size)  # once per member (host_callbacks.py)
        elif (custom := custom_call_of(self.module_op, op)) is not None:  # custom derivative rules
            outs, out_dims = batch_custom_call(self, op, custom, args, dims, size)  # (custom_derivatives.py)
        elif op.name == "func.call":
            callee, out_dims = self.batched_function(callee_of(op), dims, size)
            res_types = list(function_type(functions(self.module_op)[callee]).results)
            outs = list(func.CallOp(res_types, callee, args).results)
        elif op.name.startswith("pb.") and op.name[3:] in registry.OPS:
            rule = registry.BATCH.get(op.name[3:])
            if rule is None:
                raise PassFailure(f"'{op.name}' has no batching rule", op.location)
            outs, out_dims = rule(args, list(dims), size, **op_attrs(op))
        else:
            raise PassFailure(f"pb-vmap cannot batch '{op.name}'", op.location)
        for r, v, d in zip(op.results, outs, out_dims):
            value[r], dim[r] = v, d


def place_output(v, d: int | None, axis: int, size: int, loc) -> ir.Value:
    """Move an output's batch dimension `d` to out_axes entry `axis`."""
    if axis == NOT_MAPPED:
        if d is not None:
            raise PassFailure("vmap has out_axes=None for an output that depends on a batched input",
                              loc)
        return v
    return broadcast_batch(v, size, axis) if d is None else move_axis(v, d, axis)


@register_pass("pb-vmap", "Define vmap requests with generated batched functions")
def expand_vmap(module_op) -> bool:
    batcher = Batcher(module_op)

    def body(decl, callee, params, args):
        size = params["axis_size"]
        in_dims = tuple(None if a == NOT_MAPPED else a for a in params["in_axes"])
        target, out_dims = batcher.batched_function(callee, in_dims, size)
        outs = func.CallOp(list(function_type(functions(module_op)[target]).results), target, args).results
        return [place_output(v, d, a, size, decl.location) for v, d, a in zip(outs, out_dims, params["out_axes"])]
    return serve_requests(module_op, "vmap", body)


__all__ = ["Batcher", "expand_vmap"]
