"""Host callbacks in the passes: transformation rules and the lowering to C calls.

A host callback is a `func.call` of a declaration tagged `pb.host_callback`
(see `pullback.dialects.callbacks` for the format and its semantics). The
transformation passes treat such a call as an opaque, effectful operation:

- pb-inline, pb-linearize and pb-transpose copy it (they never inline it: it
  has no body) and pb-simplify never removes or merges it; `is_defined` counts
  its declaration as defined, so transformation requests of functions that
  call it are served.
- pb-jvp (`jvp_call`): the callback is called on the primal operands only; its
  results get zero tangents. A result of inexact dtype whose callback reads a
  differentiated value would need a derivative the callback does not have:
  that is an error naming the callback, as for JAX's `pure_callback`. A
  callback without results (`debug.print`, `debug.callback`) is always fine.
- pb-linearize: calls read primals only after pb-jvp, so they land in the
  primal function; they are never recomputed on the linear side.
- pb-transpose (`check_not_linear`): a callback applied to a linear value
  cannot be transposed (JAX: "Transpose doesn't support debugging callbacks").
- pb-vmap (`batch_call`): the unbatched callback is called once per batch
  member, on that member's slices (unbatched operands are passed whole), and
  its results are stacked along dimension 0: JAX's "sequential" vmap method,
  the behaviour of `jax.debug.callback`/`debug.print` under vmap.

Lowering (`pb-lower-host-callbacks`, after pb-to-linalg, before
bufferization): each call becomes a call of an external C function
`_mlir_ciface_<declaration>` taking one bare pointer per operand, then one per
result, into which it writes. Operands are passed with read-only
`bufferization.to_buffer`; results are fresh `memref.alloc`s wrapped back with
`bufferization.to_tensor restrict`, so one-shot bufferization only copies where
an operand's buffer is not contiguous. The runtime (runtime/callbacks.py)
registers the C function under that name with the ExecutionEngine.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import bufferization, func, memref

from pullback.dialects.callbacks import C_PREFIX, callback_callee, is_callback, read_callback
from pullback.dialects.pb import pb
from pullback.dialects.types import INEXACT, spec_of_type

from .registry import PassFailure, register_pass


def _callee_name(op) -> str:
    return ir.FlatSymbolRefAttr(op.attributes["callee"]).value


def describe(decl) -> str:
    """'name' (@symbol) of a callback declaration, for messages."""
    sym = ir.StringAttr(decl.attributes["sym_name"]).value
    try:
        info = read_callback(decl)
    except ValueError:
        info = None
    return f"'{info.name}' (@{sym})" if info and info.name else f"@{sym}"


def _call(name: str, args, result_types) -> list:
    return list(func.CallOp(list(result_types), name, list(args)).results)


# ---------------------------------------------------------------- pb-jvp

def jvp_call(op, decl, primal: dict, tangent: dict) -> None:
    """Differentiate a callback call some of whose operands carry tangents (see module doc)."""
    for i, r in enumerate(op.results):
        if spec_of_type(r.type).dtype in INEXACT:
            raise PassFailure(
                f"pb-jvp: host callback {describe(decl)} has no derivative, but its result #{i} depends on "
                "a differentiated value (callbacks with results have no JVP rule, as jax.pure_callback; give "
                "the function a custom_jvp or custom_vjp rule)", op.location)
    outs = _call(_callee_name(op), [primal[v] for v in op.operands], [r.type for r in op.results])
    for r, p in zip(op.results, outs):
        primal[r] = p
        tangent[r] = None


# ---------------------------------------------------------------- pb-transpose

def check_not_linear(op, decl, linear: set) -> None:
    """pb-transpose: a callback may read constants (residuals), never a linear value."""
    for i, v in enumerate(op.operands):
        if v in linear:
            raise PassFailure(f"pb-transpose: host callback {describe(decl)} reads a linear value (operand "
                              f"#{i}); callbacks cannot be transposed", op.location)


# ---------------------------------------------------------------- pb-vmap

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


def batch_call(op, args: list, dims: list, size: int) -> tuple[list, list]:
    """Batch a callback call: one call per batch member, results stacked at dimension 0."""
    result_types = [r.type for r in op.results]
    per_member = [_call(_callee_name(op), [_member(a, d, i) for a, d in zip(args, dims)], result_types)
                  for i in range(size)]
    outs = []
    for j, t in enumerate(result_types):
        if size == 0:
            s = spec_of_type(t)
            outs.append(pb.full(s.with_shape((0,) + tuple(s.shape)), 0))
        else:
            outs.append(_stack([m[j] for m in per_member]))
    return outs, [0] * len(outs)


# ---------------------------------------------------------------- lowering

def _memref_type(t: ir.Type) -> ir.MemRefType:
    rt = ir.RankedTensorType(t)
    return ir.MemRefType.get(list(rt.shape), rt.element_type)


@register_pass("pb-lower-host-callbacks",
               "Lower host callback calls to calls of external C functions on buffers (before bufferization)")
def lower_host_callbacks(module_op) -> None:
    body = module_op.regions[0].blocks[0]
    decls = {}
    for op in body.operations:
        op = op.operation
        if op.name == "func.func" and is_callback(op):
            decls[ir.StringAttr(op.attributes["sym_name"]).value] = op
    if not decls:
        return
    calls = []

    def collect(op):
        op = op.operation
        if op.name == "func.call" and _callee_name(op) in decls:
            calls.append(op)
        return ir.WalkResult.ADVANCE

    module_op.walk(collect)
    c_names = {}
    for name, decl in decls.items():
        ft = ir.FunctionType(ir.TypeAttr(decl.attributes["function_type"]).value)
        for t in list(ft.inputs) + list(ft.results):
            if not (isinstance(t, ir.RankedTensorType) and ir.RankedTensorType(t).has_static_shape):
                raise PassFailure(f"host callback @{name}: expected static tensor types, got {t}", decl.location)
        c_name = c_names[name] = C_PREFIX + name
        with ir.InsertionPoint(decl), decl.location:
            c_fn = func.FuncOp(c_name, ([_memref_type(t) for t in list(ft.inputs) + list(ft.results)], []))
            c_fn.attributes["sym_visibility"] = ir.StringAttr.get("private")
    for op in calls:
        with ir.InsertionPoint(op), op.location:
            ins = [bufferization.to_buffer(_memref_type(v.type), v, read_only=True) for v in op.operands]
            outs = [memref.alloc(_memref_type(r.type), [], []) for r in op.results]
            func.CallOp([], c_names[_callee_name(op)], ins + outs)
            results = [bufferization.to_tensor(r.type, m, restrict=True, writable=True)
                       for r, m in zip(op.results, outs)]
        for old, new in zip(op.results, results):
            old.replace_all_uses_with(new)
        op.erase()
    for decl in decls.values():
        decl.erase()


__all__ = ["batch_call", "callback_callee", "check_not_linear", "describe", "jvp_call", "lower_host_callbacks"]
