"""pb-vmap: batch functions, serving vmap requests.

For a request `@d {pb.transform = {kind = "vmap", callee = @f, in_axes, out_axes,
axis_size}}` the pass builds a batched version of @f by walking it once and
applying each op's batching rule (`registry.BATCH`). Every value carries its
batch dimension, or None when it is the same for all batch members: ops on
unbatched values only are copied unchanged, so unbatched work (weights,
constants) is never replicated. Calls are batched by generating the callee's
batched version for the batch dimensions of its arguments, memoized per
(function, dimensions); calls of tagged declarations by their kind's rule
(`VmapTransform.call_rules`: custom derivative calls, host callbacks). The
request's body then moves each output's batch dimension to the requested
out_axes entry.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import func

from pullback.dialects import registry
from pullback.dialects.batching import broadcast_batch, move_axis
from pullback.dialects.emit import op_attrs
from pullback.dialects.ir import FunctionTable, call, entry_block, set_results, signature, symbol_name
from pullback.dialects.transforms import NOT_MAPPED

from ..function_transform import FunctionTransform, copy_op
from ..registry import PassFailure, register_pass
from ..requests import serve_requests


def batched_type(t: ir.Type, dim: int | None, size: int) -> ir.Type:
    if dim is None:
        return t
    shape = list(ir.RankedTensorType(t).shape)
    shape.insert(dim, size)
    return ir.RankedTensorType.get(shape, ir.RankedTensorType(t).element_type)


class VmapTransform(FunctionTransform):
    """Generates batched functions in one module, memoized per (function, batch dims, size)."""

    pass_name, verb = "pb-vmap", "batch"

    def batched_function(self, name: str, in_dims, size: int) -> tuple[str, tuple]:
        """(name of @name batched at `in_dims`, the batch dimension of each of its outputs)."""
        return self.transformed(name, (tuple(in_dims), size))

    def build(self, name: str, key) -> tuple[str, tuple]:
        in_dims, size = key
        fn = self.table[name]
        with fn.location:
            in_types = [batched_type(t, d, size) for t, d in zip(signature(fn)[0], in_dims)]
        new_fn = self.table.new_function(f"{name}_vmap", in_types, [], fn.location)
        block = entry_block(new_fn)
        value = dict(zip(entry_block(fn).arguments, block.arguments))
        dim = dict(zip(entry_block(fn).arguments, in_dims))
        with ir.InsertionPoint(block):
            ret = self.visit_body(fn, lambda site: self._visit(site, value, dim, size))
            with ret.location:
                func.ReturnOp([value[v] for v in ret.operands])
        set_results(new_fn, [value[v].type for v in ret.operands])
        return symbol_name(new_fn), tuple(dim[v] for v in ret.operands)

    def _visit(self, site, value: dict, dim: dict, size: int) -> None:
        op = site.op
        args = [value[v] for v in op.operands]
        dims = [dim[v] for v in op.operands]
        if all(d is None for d in dims):
            outs, out_dims = copy_op(op, args), [None] * len(op.results)
        else:
            outs, out_dims = self.apply(site, args, dims, size)
        for r, v, d in zip(op.results, outs, out_dims):
            value[r], dim[r] = v, d


@VmapTransform.call_rule("pb")
def _batch_pb_op(vmap: VmapTransform, site, args, dims, size):
    rule = registry.BATCH.get(site.primitive)
    if rule is None:
        raise PassFailure(f"'{site.op.name}' has no batching rule", site.op.location)
    return rule(args, list(dims), size, **op_attrs(site.op))


@VmapTransform.call_rule("call")
def _batch_call(vmap: VmapTransform, site, args, dims, size):
    """A call of the callee batched at the operands' dimensions."""
    callee, out_dims = vmap.batched_function(site.callee, dims, size)
    return call(callee, args, signature(vmap.table[callee])[1]), out_dims


def place_output(v, d: int | None, axis: int, size: int, loc) -> ir.Value:
    """Move an output's batch dimension `d` to out_axes entry `axis`."""
    if axis == NOT_MAPPED:
        if d is not None:
            raise PassFailure(f"at vmap out_axes, got axis spec None but output was batched on axis {d} "
                              "(out_axes=None needs an output that does not depend on a batched input)",
                              loc, error_type=ValueError)
        return v
    return broadcast_batch(v, size, axis) if d is None else move_axis(v, d, axis)


def serve_vmap(table: FunctionTable) -> bool:
    vmap = VmapTransform(table)

    def body(decl, callee, params, args):
        size = params["axis_size"]
        in_dims = tuple(None if a == NOT_MAPPED else a for a in params["in_axes"])
        target, out_dims = vmap.batched_function(callee, in_dims, size)
        outs = call(target, args, signature(table[target])[1])
        return [place_output(v, d, a, size, decl.location) for v, d, a in zip(outs, out_dims, params["out_axes"])]
    return serve_requests(table, "vmap", body)


@register_pass("pb-vmap", "Define vmap requests with generated batched functions")
def expand_vmap(module_op) -> bool:
    return serve_vmap(FunctionTable(module_op))


__all__ = ["VmapTransform", "batched_type", "expand_vmap", "place_output", "serve_vmap"]
