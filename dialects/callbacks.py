"""Host callbacks: function declarations tagged with `pb.host_callback`.

    func.func private @pb_host_callback_7_1a2b3c4d(tensor<3xf32>, tensor<i32>) -> tensor<3xf32>
        attributes {pb.host_callback = {id = 7 : i64, name = "print"}}
    ...
    %r = call @pb_host_callback_7_1a2b3c4d(%x, %n) : (tensor<3xf32>, tensor<i32>) -> tensor<3xf32>

A call of such a declaration calls back into Python: `id` names a callable
registered in the running process (`pullback.runtime.callbacks`), `name` is
for messages only. Why a declaration and not an op such as `pb.host_callback`:
IRDL constraint variables bind, so every member of a variadic operand list
must have the same type, and a callback's operands (and results) do not. As
with transformation requests (`dialects/transforms.py`), callers use plain
`func.call`, whose verifier checks every call against the declared signature.
Several declarations may share an id (one Python callable called with
different shapes); each declaration is one static signature.

Semantics the passes rely on:
- A callback call is *effectful*: it is never removed (even when its results
  are unused, as a print has none), merged with an equal call, hoisted,
  recomputed or duplicated by pb passes. `is_effectful` says so.
- A callback has no derivative: pb-jvp calls it on primal values only and gives
  its results zero tangents; a differentiable result that would need a tangent
  is an error (as JAX's `pure_callback`, which has no JVP rule). pb-linearize
  therefore keeps callbacks on the primal side, and pb-transpose rejects a
  callback applied to a linear value.
- pb-vmap calls the unbatched callback once per batch member (JAX's
  "sequential" vmap method, which is what `jax.debug.callback` does) and
  stacks the results along dimension 0.
- Lowering (`pb-lower-host-callbacks`) turns the declaration into an external
  C function `_mlir_ciface_<name>(in pointers..., out pointers...)` (bare
  pointers, results in caller-allocated buffers) that the runtime registers
  with the ExecutionEngine before initializing it.
"""
from __future__ import annotations

from typing import NamedTuple

from mlir import ir

from .declarations import tagged_declarations
from .ir import callee_of, is_private, lookup, signature, symbol_name
from .types import spec_of_type

ATTR = "pb.host_callback"
SYMBOL_PREFIX = "pb_host_callback_"
C_PREFIX = "_mlir_ciface_"  # ExecutionEngine.register_runtime(name, ...) defines _mlir_ciface_<name>


class CallbackInfo(NamedTuple):
    id: int
    name: str


def callback_attr(callback_id: int, name: str | None = None) -> ir.Attribute:
    entries = {"id": ir.IntegerAttr.get(ir.IntegerType.get_signless(64), int(callback_id))}
    if name:
        entries["name"] = ir.StringAttr.get(name)
    return ir.DictAttr.get(entries)


def read_callback(fn) -> CallbackInfo | None:
    """(id, name) of a tagged declaration, None if untagged; ValueError if malformed."""
    if ATTR not in fn.attributes:
        return None
    attr = fn.attributes[ATTR]
    if not isinstance(attr, ir.DictAttr):
        raise ValueError("expected a dictionary {id = <integer>, name = <string>}")
    d = ir.DictAttr(attr)
    if "id" not in d or not isinstance(d["id"], ir.IntegerAttr):
        raise ValueError("missing integer entry 'id'")
    cid = ir.IntegerAttr(d["id"]).value
    if cid < 0:
        raise ValueError(f"id must be non-negative, got {cid}")
    name = ""
    if "name" in d:
        if not isinstance(d["name"], ir.StringAttr):
            raise ValueError("entry 'name' must be a string")
        name = ir.StringAttr(d["name"]).value
    unknown = [n.name for n in d if n.name not in ("id", "name")]
    if unknown:
        raise ValueError(f"unknown entry '{unknown[0]}' (expected id and name)")
    return CallbackInfo(cid, name)


def is_callback(fn) -> bool:
    return fn is not None and ATTR in fn.attributes


def callback_callee(op, table: dict | None = None):
    """The tagged declaration a func.call calls, or None (`table`: the module's functions by
    name, when the caller has one; else the call's module is searched)."""
    if op.name != "func.call":
        return None
    if table is not None:
        fn = table.get(callee_of(op))
    else:
        module = op
        while module.name != "builtin.module":
            module = module.parent
        fn = lookup(module, callee_of(op))
    return fn if is_callback(fn) else None


def describe(decl) -> str:
    """'name' (@symbol) of a callback declaration, for messages."""
    try:
        info = read_callback(decl)
    except ValueError:
        info = None
    return f"'{info.name}' (@{symbol_name(decl)})" if info and info.name else f"@{symbol_name(decl)}"


def is_effectful(op, table: dict | None = None) -> bool:
    """Whether an op must be kept and executed exactly as often as written (a callback call)."""
    return callback_callee(op, table) is not None


def verify_callbacks(module_op) -> list[tuple[ir.Location, str]]:
    """Each `pb.host_callback` declaration: a well-formed tag, no body, private, static tensor types."""
    errors = []
    for name, fn, info, _ in tagged_declarations(module_op, "pb.host_callback", read_callback, "host callbacks",
                                                 errors):
        if "pb.transform" in fn.attributes:
            errors.append((fn.location, f"@{name} cannot be both a host callback and a transformation request"))
            continue
        if not is_private(fn):
            errors.append((fn.location, f"host callback @{name} must be a private declaration"))
            continue
        ins, outs = signature(fn)
        for what, types in (("argument", ins), ("result", outs)):
            for i, t in enumerate(types):
                try:
                    spec_of_type(t)
                except TypeError as e:
                    errors.append((fn.location, f"host callback @{name}: {what} #{i} must be a static "
                                                f"tensor of a pb dtype ({e})"))
    return errors


__all__ = ["ATTR", "C_PREFIX", "CallbackInfo", "SYMBOL_PREFIX", "callback_attr", "callback_callee", "describe", "is_callback",
           "is_effectful", "read_callback", "verify_callbacks"]
