"""Structured control flow: function declarations tagged with `pb.control`.

    func.func private @c(%k: tensor<f32>, %x: tensor<f32>) -> tensor<i1> { ... }
    func.func private @b(%x: tensor<f32>) -> tensor<f32> { ... }
    func.func private @loop(tensor<f32>, tensor<f32>) -> tensor<f32>
        attributes {pb.control = {kind = "while", cond = @c, body = @b,
                                  num_cond_consts = 1, num_body_consts = 0}}
    ...
    %r = call @loop(%limit, %x0) : (tensor<f32>, tensor<f32>) -> tensor<f32>

A call of such a declaration runs a loop or picks a branch whose bodies are the named
functions. Why a declaration and not an op such as `pb.while`: IRDL constraint variables
bind, so every member of a variadic operand list must have one type, and a loop's operands
(constants the bodies close over, carries of any shapes) do not; regions on IRDL ops would
also give pb ops no way to name their bodies' signatures. As with transformation requests
(dialects/transforms.py), custom derivative calls (dialects/custom.py) and host callbacks
(dialects/callbacks.py), callers use plain `func.call`, whose verifier checks each call
against the declared signature; `verify_control` checks the bodies against it.

Kinds (K, C: counts of leading operands; carries are the operands after the constants):

  while  {cond, body, num_cond_consts = K1, num_body_consts = K2, max_steps = N?, checkpoints = K?}
      declaration (cond consts K1..., body consts K2..., carry...) -> (carry...)
      @cond : (cond consts..., carry...) -> tensor<i1>
      @body : (body consts..., carry...) -> (carry...)
      Repeats carry = body(carry) while cond(carry); with max_steps, stops after at most
      N iterations as well (a bound later reverse-mode rules can rely on). `checkpoints`
      (with max_steps only) asks reverse mode to store at most K carries at once and
      recompute the rest (the binomial schedule, passes/checkpoint_schedule.py).

  cond   {branches = [@b0, @b1, ...]}
      declaration (index: tensor<i32>, operands...) -> (outs...)
      every @bi : (operands...) -> (outs...)
      Calls branch clamp(index, 0, n - 1) (lax.switch's semantics; lax.cond is a switch
      on the predicate converted to int32, branches [false, true]).

  scan   {body, length = L, reverse = 0|1, num_consts = K, num_carry = C, unroll = U}
      declaration (consts K..., carry C..., xs...) -> (carry..., ys...); xs and ys have
      leading dimension L
      @body : (consts..., carry..., x slices...) -> (carry..., y slices...)
      Iteration i (L - 1 - i with reverse) reads row i of every x and writes row i of
      every y. `unroll` (>= 1) is how many iterations one step of the lowered loop runs.

  remat  {body, policy = P?}
      declaration (operands...) -> (outs...), @body of the same type
      Calls @body (jax.checkpoint). Its one difference is in reverse mode: partial
      evaluation saves the operands, not the body's residuals, and the linear half
      recomputes them (passes/control_partial_eval.py); policy 1 also saves the
      dot_general results, 2 those without batch dimensions.

`REFERENCE` holds the numpy semantics of each kind, given a way to call functions.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np
from mlir import ir

from .declarations import signature_specs, tagged_declarations
from .types import TensorSpec, numpy_dtype

ATTR = "pb.control"
KINDS = ("while", "cond", "scan", "remat")

# kind -> (symbol entries, required integer entries, optional integer entries)
_ENTRIES = {
    "while": (("cond", "body"), ("num_cond_consts", "num_body_consts"), ("max_steps", "checkpoints")),
    "cond": ((), (), ()),  # `branches` is an array of symbols
    "scan": (("body",), ("length", "reverse", "num_consts", "num_carry", "unroll"), ()),
    "remat": (("body",), (), ("policy",)),
}

# remat policies (jax.checkpoint_policies): what reverse mode saves besides the operands
SAVE_NOTHING, SAVE_DOTS, SAVE_DOTS_NO_BATCH = 0, 1, 2

INDEX = TensorSpec((), "int32")
PREDICATE = TensorSpec((), "bool")


class Control(NamedTuple):
    kind: str
    bodies: tuple        # while: (cond, body); cond: the branches; scan: (body,)
    params: dict         # the integer entries

    def functions(self) -> list[str]:
        """Every function the declaration refers to (each once)."""
        return list(dict.fromkeys(self.bodies))


def control_attr(kind: str, bodies, **params: int) -> ir.Attribute:
    """The `pb.control` dictionary of a declaration (bodies in the order `Control.bodies` lists)."""
    entries = {"kind": ir.StringAttr.get(kind)}
    if kind == "cond":
        entries["branches"] = ir.ArrayAttr.get([ir.FlatSymbolRefAttr.get(b) for b in bodies])
    else:
        for key, name in zip(_ENTRIES[kind][0], bodies):
            entries[key] = ir.FlatSymbolRefAttr.get(name)
    i64 = ir.IntegerType.get_signless(64)
    for k, v in params.items():
        if v is not None:
            entries[k] = ir.IntegerAttr.get(i64, int(v))
    return ir.DictAttr.get(entries)


def _symbol(attr, what: str) -> str:
    if not isinstance(attr, ir.FlatSymbolRefAttr):
        raise ValueError(f"'{what}' must be a function symbol (@name), got {attr}")
    return ir.FlatSymbolRefAttr(attr).value


def read_control(fn) -> Control | None:
    """The `pb.control` tag of a function, or None. Raises ValueError when it is malformed."""
    if ATTR not in fn.attributes:
        return None
    attr = fn.attributes[ATTR]
    if not isinstance(attr, ir.DictAttr):
        raise ValueError("pb.control must be a dictionary attribute")
    d = ir.DictAttr(attr)
    if "kind" not in d or not isinstance(d["kind"], ir.StringAttr):
        raise ValueError("pb.control needs a string 'kind'")
    kind = ir.StringAttr(d["kind"]).value
    if kind not in KINDS:
        raise ValueError(f"unknown control flow kind '{kind}' (known: {', '.join(KINDS)})")
    symbols, required, optional = _ENTRIES[kind]
    if kind == "cond":
        if "branches" not in d or not isinstance(d["branches"], ir.ArrayAttr) or len(ir.ArrayAttr(d["branches"])) == 0:
            raise ValueError("a cond declaration needs 'branches', a non-empty array of function symbols")
        bodies = tuple(_symbol(a, "branches") for a in ir.ArrayAttr(d["branches"]))
        symbols = ("branches",)
    else:
        for key in symbols:
            if key not in d:
                raise ValueError(f"a {kind} declaration needs '{key}' (a function symbol)")
        bodies = tuple(_symbol(d[key], key) for key in symbols)
    params = {}
    for key in required + optional:
        if key not in d:
            if key in required:
                raise ValueError(f"a {kind} declaration needs the integer '{key}'")
            continue
        if not isinstance(d[key], ir.IntegerAttr):
            raise ValueError(f"'{key}' must be an integer, got {d[key]}")
        params[key] = ir.IntegerAttr(d[key]).value
    for named in d:
        if named.name not in {"kind", *symbols, *required, *optional}:
            raise ValueError(f"unknown entry '{named.name}' in a {kind} declaration")
    return Control(kind, bodies, params)


# ---------------------------------------------------------------- signatures

def _fmt(ins, outs) -> str:
    return f"({', '.join(s.mlir() for s in ins)}) -> ({', '.join(s.mlir() for s in outs)})"


def _count(c: Control, key: str, upto: int) -> int:
    n = c.params[key]
    if not 0 <= n <= upto:
        raise ValueError(f"{key} = {n} is out of range for a declaration of {upto} operands")
    return n


def _while(c: Control, ins, outs) -> dict:
    k1 = _count(c, "num_cond_consts", len(ins))
    k2 = _count(c, "num_body_consts", len(ins) - k1)
    carry = ins[k1 + k2:]
    if carry != outs:
        raise ValueError(f"a while loop returns its carry: the operands after the constants, "
                         f"({', '.join(s.mlir() for s in carry)}), must have the result types "
                         f"({', '.join(s.mlir() for s in outs)})")
    if c.params.get("max_steps", 0) < 0:
        raise ValueError(f"max_steps must be non-negative, got {c.params['max_steps']}")
    if "checkpoints" in c.params and ("max_steps" not in c.params or c.params["checkpoints"] < 1):
        raise ValueError(f"checkpoints = {c.params['checkpoints']} needs max_steps and must be positive")
    cond, body = c.bodies
    return {("cond", cond): (ins[:k1] + carry, [PREDICATE]), ("body", body): (ins[k1:k1 + k2] + carry, carry)}


def _cond(c: Control, ins, outs) -> dict:
    if not ins or ins[0] != INDEX:
        got = ins[0].mlir() if ins else "nothing"
        raise ValueError(f"the first operand of a cond is the branch index, a {INDEX.mlir()}, got {got}")
    return {(f"branch {i}", b): (ins[1:], outs) for i, b in enumerate(c.bodies)}


def _scan(c: Control, ins, outs) -> dict:
    length = c.params["length"]
    if length < 0 or c.params["reverse"] not in (0, 1) or c.params["unroll"] < 1:
        raise ValueError(f"a scan needs length >= 0, reverse 0 or 1 and unroll >= 1, got length = {length}, "
                         f"reverse = {c.params['reverse']}, unroll = {c.params['unroll']}")
    k = _count(c, "num_consts", len(ins))
    n = _count(c, "num_carry", len(ins) - k)
    if n > len(outs):
        raise ValueError(f"num_carry = {n} is more than the {len(outs)} results")
    carry, xs, ys = ins[k:k + n], ins[k + n:], outs[n:]
    if outs[:n] != carry:
        raise ValueError(f"a scan returns its carry first: results ({', '.join(s.mlir() for s in outs[:n])}) must "
                         f"have the carry types ({', '.join(s.mlir() for s in carry)})")
    for what, v in [("operand", x) for x in xs] + [("result", y) for y in ys]:
        if not v.shape or v.shape[0] != length:
            raise ValueError(f"every scanned {what} has leading dimension length = {length}, got {v.mlir()}")
    rows = lambda vs: [TensorSpec(v.shape[1:], v.dtype) for v in vs]  # noqa: E731
    return {("body", c.bodies[0]): (ins[:k] + carry + rows(xs), carry + rows(ys))}


def _remat(c: Control, ins, outs) -> dict:
    if c.params.get("policy", SAVE_NOTHING) not in (SAVE_NOTHING, SAVE_DOTS, SAVE_DOTS_NO_BATCH):
        raise ValueError(f"unknown remat policy {c.params['policy']} (0: save nothing, 1: dots, "
                         "2: dots without batch dimensions)")
    return {("body", c.bodies[0]): (ins, outs)}


_SIGNATURES = {"while": _while, "cond": _cond, "scan": _scan, "remat": _remat}


def body_signatures(c: Control, ins: list[TensorSpec], outs: list[TensorSpec]) -> dict:
    """(role, function name) -> the (inputs, outputs) that body must have, for a declaration of
    type ins -> outs. ValueError when the declaration itself does not fit its kind."""
    return _SIGNATURES[c.kind](c, list(ins), list(outs))


def verify_control(module_op) -> list[tuple[ir.Location, str]]:
    """Each `pb.control` declaration: well formed, its bodies exist and their signatures fit."""
    errors = []
    for name, fn, c, funcs in tagged_declarations(module_op, ATTR, read_control, "control flow calls", errors):
        missing = [f for f in c.functions() if f not in funcs]
        if missing:
            errors.append((fn.location, f"@{name} ({c.kind}) refers to @{missing[0]}, which is not a function of "
                                        "the module"))
            continue
        try:
            ins, outs = signature_specs(fn)
            want = body_signatures(c, ins, outs)
            got = {f: signature_specs(funcs[f]) for f in c.functions()}
        except (TypeError, ValueError) as e:
            errors.append((fn.location, f"@{name} ({c.kind}): {e}"))
            continue
        for (role, body), (w_in, w_out) in want.items():
            if got[body] != (list(w_in), list(w_out)):
                errors.append((fn.location, f"the {role} @{body} of the {c.kind} @{name} must have type "
                                            f"{_fmt(w_in, w_out)}, got {_fmt(*got[body])}"))
                break
    return errors


def control_of(table: dict, name: str) -> Control | None:
    """The control tag of @name in a function table (`functions()`), or None (also if malformed)."""
    fn = table.get(name)
    if fn is None:
        return None
    try:
        return read_control(fn)
    except ValueError:
        return None


def control_call(op, table: dict) -> Control | None:
    """The control tag of the declaration a func.call calls, or None."""
    if op.name != "func.call":
        return None
    return control_of(table, ir.FlatSymbolRefAttr(op.attributes["callee"]).value)


def control_calls(fn, table: dict, first_only: bool = False) -> list:
    """(call, tag) for the control flow calls in a function's body, nested regions included
    (only the first with `first_only`)."""
    found = []

    def visit(op):
        c = control_call(op.operation, table)
        if c is not None:
            found.append((op.operation, c))
            if first_only:
                return ir.WalkResult.INTERRUPT
        return ir.WalkResult.ADVANCE

    if len(fn.regions[0].blocks):
        fn.walk(visit)
    return found


# ---------------------------------------------------------------- numpy semantics

Call = Callable[[str, list], list]  # (function name, numpy arguments) -> numpy results


def _while_reference(c: Control, call: Call, args: list, out_specs) -> list:
    k1, k2 = c.params["num_cond_consts"], c.params["num_body_consts"]
    cond_consts, body_consts, carry = args[:k1], args[k1:k1 + k2], list(args[k1 + k2:])
    steps, limit = 0, c.params.get("max_steps")
    while (limit is None or steps < limit) and bool(call(c.bodies[0], cond_consts + carry)[0]):
        carry = list(call(c.bodies[1], body_consts + carry))
        steps += 1
    return carry


def _cond_reference(c: Control, call: Call, args: list, out_specs) -> list:
    index = int(np.clip(int(args[0]), 0, len(c.bodies) - 1))
    return list(call(c.bodies[index], list(args[1:])))


def _scan_reference(c: Control, call: Call, args: list, out_specs) -> list:
    k, n, length = c.params["num_consts"], c.params["num_carry"], c.params["length"]
    consts, carry, xs = args[:k], list(args[k:k + n]), args[k + n:]
    ys = [np.zeros(s.shape, numpy_dtype(s.dtype)) for s in out_specs[n:]]
    rows = reversed(range(length)) if c.params["reverse"] else range(length)
    for i in rows:
        outs = call(c.bodies[0], consts + carry + [x[i] for x in xs])
        carry = list(outs[:n])
        for y, row in zip(ys, outs[n:]):
            y[i] = row
    return carry + ys


def _remat_reference(c: Control, call: Call, args: list, out_specs) -> list:
    return list(call(c.bodies[0], list(args)))


REFERENCE: dict[str, Callable] = {"while": _while_reference, "cond": _cond_reference, "scan": _scan_reference,
                                  "remat": _remat_reference}


def evaluate(c: Control, call: Call, args: list, out_specs: list[TensorSpec]) -> list:
    """The results of a control call on numpy arrays; `call` evaluates the bodies."""
    return REFERENCE[c.kind](c, call, list(args), list(out_specs))


__all__ = ["ATTR", "Control", "INDEX", "KINDS", "PREDICATE", "REFERENCE", "body_signatures", "control_attr",
           "control_call", "control_calls", "control_of", "evaluate", "read_control", "verify_control"]
