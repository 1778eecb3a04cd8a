"""Control flow (kind "control") in the transformation driver, and its inliner rule.

A control flow call is a `func.call` of a declaration tagged `pb.control`
(`pullback.dialects.control`: while, cond, scan). Registering the kind here makes such
calls a kind of their own for every `FunctionTransform` (see `function_transform`), and
makes requests whose callee reaches a loop servable: `requests` counts a tagged
declaration as defined once the bodies its tag names are.

Rules live one job per module:
- pb-jvp: `control_jvp` (the loop carries the nonzero tangents);
- pb-vmap: `control_vmap`;
- the inliner (here): a control call stays a call, its bodies are functions of their own
  (pb-inline inlines into them separately; pb-to-linalg copies them into loops and
  branches). Partial evaluation (pb-linearize, pb-transpose) of a control call that reads
  a tangent or linear value needs reverse-mode rules the passes do not have yet: that is a
  NotImplementedError at the loop's line (the user's), not a wrong split.
- pb-transpose: the same error, for a linear function with a loop that reads a linear value.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import func

from pullback.dialects.control import ATTR, control_attr, read_control
from pullback.dialects.ir import FunctionTable, call, entry_block, signature, symbol_name

from .autodiff.transpose import Transposer
from .cloning import Inliner
from .function_transform import Site, copy_op, register_call_kind
from .registry import PassFailure

register_call_kind("control", ATTR, read_control)

API_OF_KIND = {"while": "while_loop", "cond": "cond/switch", "scan": "scan"}


def reverse_mode_unsupported(site: Site) -> PassFailure:
    """The error for reverse mode (linearize, vjp, grad, transpose) through control flow."""
    return PassFailure(f"reverse-mode differentiation of lax.{API_OF_KIND[site.tag.kind]} is not supported yet "
                       f"(only forward mode and vmap: jvp, jacfwd; @{site.callee})", site.op.location,
                       error_type=NotImplementedError)


def adapter(table: FunctionTable, base: str, target: str, in_types, arg_order, out_order=None,
            loc: ir.Location | None = None) -> str:
    """@base(in_types) returning @target(args[i] for i in arg_order), its results reordered by
    `out_order` (default: as they are). Rules use it to fit a transformed body (primals
    first, then tangents) to the operand layout of a control declaration."""
    results = signature(table[target])[1]
    out_order = list(range(len(results))) if out_order is None else list(out_order)
    fn = table.new_function(base, list(in_types), [results[i] for i in out_order], loc or table[target].location)
    args = list(entry_block(fn).arguments)
    with ir.InsertionPoint(entry_block(fn)), fn.location:
        outs = call(target, [args[i] for i in arg_order], results)
        func.ReturnOp([outs[i] for i in out_order])
    return symbol_name(fn)


def declare_control(table: FunctionTable, base: str, in_types, out_types, kind: str, bodies, loc,
                    **params) -> str:
    """A new `pb.control` declaration (in_types) -> (out_types) of `kind` over `bodies`; its name."""
    fn = table.declare(base, list(in_types), list(out_types), attributes={ATTR: control_attr(kind, bodies, **params)},
                       loc=loc)
    return symbol_name(fn)


@Inliner.call_rule("control")
def inline_control_call(inliner: Inliner, site: Site, args) -> list:
    """Kept as a call; one applied to a seed (a tangent or linear value) cannot be split yet."""
    if any(inliner.depends(a) for a in args):
        raise reverse_mode_unsupported(site)
    return copy_op(site.op, args)


@Transposer.call_rule("control")
def transpose_control_call(tr: Transposer, site: Site, cts, linear, operands) -> list:
    raise reverse_mode_unsupported(site)


__all__ = ["API_OF_KIND", "adapter", "declare_control", "inline_control_call", "reverse_mode_unsupported", "transpose_control_call"]
