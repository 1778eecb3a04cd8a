"""Custom derivative rules: function declarations tagged with `pb.custom`.

    func.func private @f(%x: tensor<f32>) -> tensor<f32> { ... }             // the primal
    func.func private @f_jvp(%x: tensor<f32>, %t: tensor<f32>) -> (tensor<f32>, tensor<f32>) { ... }
    func.func private @f_custom(tensor<f32>) -> tensor<f32>
        attributes {pb.custom = {kind = "custom_jvp", callee = @f, jvp = @f_jvp}}
    ...
    %y = call @f_custom(%x) : (tensor<f32>) -> tensor<f32>

A call of a custom declaration means "call @callee, but differentiate it with
these rules". The rules are ordinary functions (the frontend traces them from
the user's Python rules), and callers use plain `func.call`, for the same
reason transformation requests do (see `pullback.dialects.transforms`): IRDL
constraint variables bind, so all members of a variadic operand list must
share one type, which the operands of a custom call (arrays of any shapes)
do not. An op `pb.custom_jvp_call @f @f_jvp` would need exactly such a list.
Declarations also keep the signature explicit: it is the callee's, and the
func dialect checks it at every call site; `verify_custom` checks the rules'
signatures against it.

Kinds (I, O: the callee's input and output types; the last `num_consts` inputs,
default 0, are values the Python function closed over: rules receive them but
never differentiate with respect to them; D = I without them):

  custom_jvp   {callee, jvp, num_consts?, symbolic_zeros?}
      @jvp : (I..., D...) -> (O..., O...)      primals, tangents -> outputs, output tangents
      pb-jvp calls @jvp with zero tangents materialized. With `symbolic_zeros`,
      a dictionary from tangent masks to rules, e.g. {"10" = @f_jvp_10}: one
      character per D input, "1" where a tangent is passed; the rule for a mask
      takes only those tangents, (I..., D[mask]...) -> (O..., O...). A mask
      without an entry falls back to @jvp with materialized zeros.
      Reverse mode needs no rule of its own: pb-linearize and pb-transpose
      transpose the tangent part of @jvp.

  custom_vjp   {callee, fwd, bwd, num_consts?}
      @fwd : (I...) -> (O..., R...)           outputs and residuals R
      @bwd : (R..., O...) -> (D...)           residuals, output cotangents -> input cotangents
      pb-jvp calls @fwd and, for the tangents, a custom_lin declaration that
      pb-linearize keeps on the linear side and pb-transpose replaces by
      @bwd (its body, inlined). A tangent on a closed-over value is an error, as in JAX.

  custom_lin   {bwd, callee?}
      the declaration's type is (R..., D...) -> (O...): linear in D, with the
      transpose @bwd : (R..., O...) -> (D...). Without a callee it is only
      meaningful transposed; evaluating it is forward-mode differentiation of a
      custom_vjp function, which pb-lower-custom-derivatives reports as
      "can't apply forward-mode autodiff (jvp) to a custom_vjp function."
      With a callee of the declaration's type (jax.custom_derivatives.linear_call:
      a linear function with a transpose of the user's, as custom_linear_solve
      needs) it evaluates as the callee, pb-jvp differentiates the callee where
      R carries tangents, and pb-transpose calls the custom_lin {bwd = callee,
      callee = bwd} of the swapped pair, so the transpose transposes back.

pb-vmap batches a custom call into a call of a new custom declaration whose
callee and rules are the batched functions. Whatever is left after the
transformations, pb-lower-custom-derivatives turns into plain calls of the
callee.
"""
from __future__ import annotations

from typing import NamedTuple

from mlir import ir

from .declarations import signature_specs, tagged_declarations
from .types import TensorSpec

ATTR = "pb.custom"
KINDS = ("custom_jvp", "custom_vjp", "custom_lin")
_SYMBOLS = {"custom_jvp": ("callee", "jvp"), "custom_vjp": ("callee", "fwd", "bwd"), "custom_lin": ("bwd",)}

FORWARD_MODE_OF_CUSTOM_VJP = "can't apply forward-mode autodiff (jvp) to a custom_vjp function."
CLOSED_OVER_VJP = ("Detected differentiation of a custom_vjp function with respect to a closed-over value. "
                   "That isn't supported because the custom VJP rule only specifies how to differentiate the "
                   "custom_vjp function with respect to explicit input parameters. Try passing the closed-over "
                   "value into the custom_vjp function as an argument, and adapting the custom_vjp fwd and bwd "
                   "rules.")


class Custom(NamedTuple):
    kind: str
    callee: str | None     # custom_jvp / custom_vjp: the primal
    rules: dict            # "jvp" / "fwd" / "bwd" -> symbol name
    num_consts: int = 0
    variants: dict = {}    # custom_jvp with symbolic zeros: mask string -> rule name

    def functions(self) -> list[str]:
        """Every function the declaration refers to."""
        return ([self.callee] if self.callee else []) + list(self.rules.values()) + list(self.variants.values())


def custom_attr(kind: str, callee: str | None = None, num_consts: int = 0, variants: dict | None = None,
                **rules: str) -> ir.Attribute:
    entries = {"kind": ir.StringAttr.get(kind)}
    if callee is not None:
        entries["callee"] = ir.FlatSymbolRefAttr.get(callee)
    for k, v in rules.items():
        entries[k] = ir.FlatSymbolRefAttr.get(v)
    if num_consts:
        entries["num_consts"] = ir.IntegerAttr.get(ir.IntegerType.get_signless(64), int(num_consts))
    if variants:
        entries["symbolic_zeros"] = ir.DictAttr.get({m: ir.FlatSymbolRefAttr.get(r) for m, r in variants.items()})
    return ir.DictAttr.get(entries)


def read_custom(fn) -> Custom | None:
    """The `pb.custom` tag of a function, or None. Raises ValueError when it is malformed."""
    if ATTR not in fn.attributes:
        return None
    try:
        d = ir.DictAttr(fn.attributes[ATTR])
    except ValueError:
        raise ValueError("pb.custom must be a dictionary attribute") from None
    if "kind" not in d:
        raise ValueError("pb.custom needs a 'kind'")
    kind = ir.StringAttr(d["kind"]).value
    if kind not in KINDS:
        raise ValueError(f"unknown custom derivative kind '{kind}' (known: {', '.join(KINDS)})")
    names = {}
    for key in _SYMBOLS[kind]:
        if key not in d:
            raise ValueError(f"a {kind} declaration needs '{key}' (a function symbol)")
        names[key] = ir.FlatSymbolRefAttr(d[key]).value
    known = set(_SYMBOLS[kind]) | {"kind", "num_consts", "symbolic_zeros"} | ({"callee"} if kind == "custom_lin" else set())
    for named in d:
        if named.name not in known:
            raise ValueError(f"unknown entry '{named.name}' in a {kind} declaration")
    num_consts = ir.IntegerAttr(d["num_consts"]).value if "num_consts" in d else 0
    variants = {}
    if "symbolic_zeros" in d:
        if kind != "custom_jvp":
            raise ValueError("symbolic_zeros applies to custom_jvp declarations only")
        for named in ir.DictAttr(d["symbolic_zeros"]):
            variants[named.name] = ir.FlatSymbolRefAttr(named.attr).value
    callee = names.pop("callee", None)
    if kind == "custom_lin" and "callee" in d:
        callee = ir.FlatSymbolRefAttr(d["callee"]).value
    return Custom(kind, callee, names, num_consts, variants)


# ---------------------------------------------------------------- verification

def _tuple(specs) -> str:
    return "(" + ", ".join(s.mlir() for s in specs) + ")"


def _fmt(ins, outs) -> str:
    return f"{_tuple(ins)} -> {_tuple(outs)}"


def mask_positions(mask: str, n: int) -> list[int]:
    if len(mask) != n or set(mask) - {"0", "1"} or "1" not in mask:
        raise ValueError(f"symbolic_zeros mask \"{mask}\" must be {n} characters of 0 and 1, at least one 1")
    return [i for i, c in enumerate(mask) if c == "1"]


def expected_rules(c: Custom, ins: list[TensorSpec], outs: list[TensorSpec], bwd_sig=None) -> dict:
    """rule name -> (inputs, outputs) it must have, for a declaration of type ins -> outs."""
    if c.kind == "custom_lin":
        # (R..., D...) -> O: @bwd : (R..., O...) -> D, with as many D as @bwd returns
        b_ins, b_outs = bwd_sig
        k = len(ins) - len(b_outs)
        if k < 0:
            raise ValueError(f"the bwd rule @{c.rules['bwd']} returns {len(b_outs)} cotangents, more than the "
                             f"{len(ins)} inputs of the custom_lin declaration")
        return {"bwd": (ins[:k] + outs, ins[k:])}
    if not 0 <= c.num_consts <= len(ins):
        raise ValueError(f"num_consts={c.num_consts} is out of range for a function of {len(ins)} inputs")
    diff = ins[:len(ins) - c.num_consts]
    if c.kind == "custom_jvp":
        want = {"jvp": (ins + diff, outs + outs)}
        for mask, name in c.variants.items():
            want[name] = (ins + [diff[i] for i in mask_positions(mask, len(diff))], outs + outs)
        return want
    return {}


def verify_custom(module_op) -> list[tuple[ir.Location, str]]:
    """Each `pb.custom` declaration: well formed, its functions exist, their signatures fit."""
    errors = []
    for name, fn, c, funcs in tagged_declarations(module_op, "pb.custom", read_custom, "custom derivative calls",
                                                  errors):
        missing = [f for f in c.functions() if f not in funcs]
        if missing:
            errors.append((fn.location, f"@{name} ({c.kind}) refers to @{missing[0]}, which is not a function of "
                                        "the module"))
            continue
        ins, outs = signature_specs(fn)
        msg = _check_signatures(name, c, ins, outs, {f: signature_specs(funcs[f]) for f in c.functions()})
        if msg:
            errors.append((fn.location, msg))
    return errors


def _check_signatures(name: str, c: Custom, ins, outs, sigs: dict) -> str | None:
    if c.callee is not None and sigs[c.callee] != (ins, outs):
        return (f"@{name} must have the type of its callee @{c.callee}, {_fmt(*sigs[c.callee])}, got "
                f"{_fmt(ins, outs)}")
    try:
        want = expected_rules(c, ins, outs, sigs.get(c.rules.get("bwd")))
    except ValueError as e:
        return f"@{name}: {e}"
    if c.kind == "custom_jvp":
        for key, (w_in, w_out) in want.items():
            rule = c.rules.get(key, key)
            if sigs[rule] != (w_in, w_out):
                what = "jvp rule" if key == "jvp" else "symbolic-zeros jvp rule"
                return (f"the {what} @{rule} of @{name} must have type {_fmt(w_in, w_out)} (primals, tangents "
                        f"-> outputs, output tangents), got {_fmt(*sigs[rule])}")
    elif c.kind == "custom_vjp":
        f_in, f_out = sigs[c.rules["fwd"]]
        if f_in != ins or f_out[:len(outs)] != outs:
            return (f"the fwd rule @{c.rules['fwd']} of @{name} must take {_tuple(ins)} and return the "
                    f"outputs {_tuple(outs)} followed by residuals, got {_fmt(f_in, f_out)}")
        res = f_out[len(outs):]
        diff = ins[:len(ins) - c.num_consts]
        b_want = (res + outs, diff)
        if sigs[c.rules["bwd"]] != b_want:
            return (f"the bwd rule @{c.rules['bwd']} of @{name} must have type {_fmt(*b_want)} (residuals, "
                    f"output cotangents -> input cotangents), got {_fmt(*sigs[c.rules['bwd']])}")
    else:
        b_want = want["bwd"]
        if sigs[c.rules["bwd"]] != b_want:
            return (f"the bwd rule @{c.rules['bwd']} of the custom_lin @{name} must have type {_fmt(*b_want)}, "
                    f"got {_fmt(*sigs[c.rules['bwd']])}")
    return None


__all__ = ["ATTR", "CLOSED_OVER_VJP", "Custom", "FORWARD_MODE_OF_CUSTOM_VJP", "KINDS", "custom_attr",
           "expected_rules", "mask_positions", "read_custom", "verify_custom"]
