"""The transformation passes' rules for host callback calls (kind "host_callback").

A host callback is a `func.call` of a declaration tagged `pb.host_callback`
(see `pullback.dialects.callbacks` for the format and its semantics). The
transformation passes treat such a call as an opaque, effectful operation; these
rules are registered in their tables (see `function_transform`):

- The inliner (pb-inline, pb-linearize's and pb-transpose's flat copies) has no rule
  for them: they are copied (never inlined: they have no body), and pb-simplify
  never removes or merges them. Transformation requests of functions that call
  them are served (`requests`: the runtime defines the declaration).
- pb-jvp (`jvp_callback_call`): the callback is called on the primal operands only;
  its results get zero tangents. A result of inexact dtype whose callback reads a
  differentiated value would need a derivative the callback does not have:
  that is an error naming the callback, as for JAX's `pure_callback`. A
  callback without results (`debug.print`, `debug.callback`) is always fine.
- pb-linearize: calls read primals only after pb-jvp, so they land in the
  primal function; they are never recomputed on the linear side.
- pb-transpose (`transpose_callback_call`): a callback applied to a linear value
  cannot be transposed (JAX: "Transpose doesn't support debugging callbacks").
- pb-vmap (`batch_callback_call`): the unbatched callback is called once per batch
  member, on that member's slices (unbatched operands are passed whole), and
  its results are stacked along dimension 0: JAX's "sequential" vmap method,
  the behaviour of `jax.debug.callback`/`debug.print` under vmap.

Their lowering to C calls is pb-lower-host-callbacks (`lower_host_callbacks`).
"""
from __future__ import annotations

from mlir import ir

from pullback.dialects.callbacks import describe
from pullback.dialects.ir import call
from pullback.dialects.pb import pb
from pullback.dialects.types import INEXACT, spec_of_type

from .autodiff.jvp import JVPTransform
from .autodiff.transpose import Transposer
from .batching.vmap import VmapTransform
from .function_transform import Site
from .registry import PassFailure


@JVPTransform.call_rule("host_callback")
def jvp_callback_call(jvp: JVPTransform, site: Site, primals, tangents):
    """Differentiate a callback call some of whose operands carry tangents (see module doc)."""
    for i, r in enumerate(site.op.results):
        if spec_of_type(r.type).dtype in INEXACT:
            raise PassFailure(
                f"pb-jvp: host callback {describe(site.decl)} has no derivative, but its result #{i} depends on "
                "a differentiated value (callbacks with results have no JVP rule, as jax.pure_callback; give "
                "the function a custom_jvp or custom_vjp rule)", site.op.location)
    return call(site.callee, primals, site.result_types), [None] * len(site.op.results)


@Transposer.call_rule("host_callback")
def transpose_callback_call(tr: Transposer, site: Site, cts, linear, operands):
    """A callback may read constants (residuals), never a linear value."""
    i = linear.index(True)
    raise PassFailure(f"pb-transpose: host callback {describe(site.decl)} reads a linear value (operand "
                      f"#{i}); callbacks cannot be transposed", site.op.location)


def _member(v: ir.Value, d: int | None, i: int) -> ir.Value:
    """Batch member i of v (batched at dimension d), or v itself when unbatched."""
    if d is None:
        return v
    s = spec_of_type(v.type)
    start = [0] * s.ndim
    limit = list(s.shape)
    start[d], limit[d] = i, i + 1
    piece = pb.slice(v, start_indices=tuple(start), limit_indices=tuple(limit), strides=(1,) * s.ndim)
    return pb.reshape(piece, new_sizes=tuple(n for k, n in enumerate(s.shape) if k != d))


def _stack(pieces: list) -> ir.Value:
    """Values of one type stacked along a new leading dimension (balanced concatenation)."""
    level = [pb.reshape(p, new_sizes=(1,) + tuple(spec_of_type(p.type).shape)) for p in pieces]
    while len(level) > 1:
        nxt = [pb.concatenate(a, b, dimension=0) for a, b in zip(level[0::2], level[1::2])]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


@VmapTransform.call_rule("host_callback")
def batch_callback_call(vmap: VmapTransform, site: Site, args, dims, size: int):
    """Batch a callback call: one call per batch member, results stacked at dimension 0."""
    result_types = site.result_types
    per_member = [call(site.callee, [_member(a, d, i) for a, d in zip(args, dims)], result_types)
                  for i in range(size)]
    outs = []
    for j, t in enumerate(result_types):
        if size == 0:
            s = spec_of_type(t)
            outs.append(pb.full(s.with_shape((0,) + tuple(s.shape)), 0))
        else:
            outs.append(_stack([m[j] for m in per_member]))
    return outs, [0] * len(outs)


__all__ = ["batch_callback_call", "jvp_callback_call", "transpose_callback_call"]
