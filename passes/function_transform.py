"""One driver for the passes that turn functions into new functions.

pb-jvp, pb-vmap and pb-transpose, and the inliner that pb-linearize's partial evaluation
and pb-transpose start from, do the same thing: emit a new function (or a copy of a body)
from an old one, once per (function, specialization), walking the old body op by op and
emitting what each op becomes. `FunctionTransform` holds what they share: the module's
function table, the memo per (function, key) with a recursion guard, the creation of
new functions, the walk over a body under each op's location, and ONE classifier that
sorts every op into a kind. What an op becomes is the business of a rule looked up by
its kind in the pass's table, so a new kind of call is added by registering rules, never
by a new branch in a driver.

Kinds (`classify`, returning a `Site`):

    "pb"             a pb op of the op table (`site.primitive`); its rule applies the op
                     table's per-op rule (registry.JVP, BATCH, TRANSPOSE)
    "call"           a func.call of an ordinary function (`site.callee`, `site.decl`)
    "custom"         a func.call of a `pb.custom` declaration (`site.tag`: dialects.custom.Custom)
    "host_callback"  a func.call of a `pb.host_callback` declaration (`site.tag`: CallbackInfo)
    <registered>     a func.call of a declaration with another tag, registered with
                     `register_call_kind(kind, attribute, read)`: `site.tag` is `read(decl)`.
                     Control flow ("control", tag `pb.control`) is the next one.
    "other"          anything else (an arith op, an unknown pb op)

Rules. Each transform class has its own table `call_rules` {kind: rule}, filled with the
decorator `@SomeTransform.call_rule(kind)` (or `SomeTransform.call_rules[kind] = rule`).
A kind without a rule goes to the class's
`missing_rule`: a diagnostic naming the op, or for the inliner a plain copy. A rule
receives the transform object first: its `table` (FunctionTable: look functions up,
`new_function`, `declare`), `transformed(name, key)` (the memoized transformed version
of a function, e.g. of a loop body: it is generated once per key, and a recursive
request is a diagnostic), `classify`; then the `Site`; then values of the function
being emitted (the driver has mapped the operands; the rule emits at the insertion
point, under the op's location, and returns the values its results become):

    JVPTransform (pb-jvp)
        rule(jvp, site, primals, tangents) -> (outputs, output tangents)
        tangents[i] is a Value or None (a symbolic zero); at least one is not None (an op
        without tangents is copied). Output tangents: Value or None; the driver drops
        those of non-differentiable results. Specialized callees: `jvp.transformed(name,
        (input mask, instantiate))` -> (name, output mask): the JVP function takes the
        tangents of the inputs in the mask and returns those of the outputs in the output
        mask: the nonzero ones, and those `instantiate` asks for (True: all; or one bool
        per output, as a loop body's carries need).
    VmapTransform (pb-vmap)
        rule(vmap, site, args, dims, size) -> (outputs, output batch dims)
        dims[i] is the batch dimension of args[i], or None (unbatched); at least one is
        not None (an op on unbatched values only is copied). Batched callees:
        `vmap.batched_function(name, dims, size)` -> (name, output dims).
    Inliner (pb-inline's inlining, the flattening of pb-linearize and pb-transpose)
        rule(inliner, site, args) -> outputs
        `inliner.inline(name, args)` emits a body; `inliner.depends(value)` says whether a
        value depends on the inliner's seeds (the tangent, or linear, inputs), which is
        how partial evaluation decides what to do with a call (for pb-inline, nothing
        depends on anything: a rule then copies or inlines).
    Transposer (pb-transpose)
        rule(transposer, site, cts, linear, operands) -> cotangent per operand
        Called, in reverse order, for every op that reads a linear value. cts: one per
        result, None for a zero (all may be None); linear[i]: operand i is linear;
        operands: the non-linear ones as values of the transposed function, the linear
        ones as the old values (only their types may be read). Returned cotangents of
        linear operands are summed by the driver (None: zero).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, ClassVar, NamedTuple

from mlir import ir

from pullback.dialects import registry
from pullback.dialects.callbacks import ATTR as CALLBACK_ATTR, read_callback
from pullback.dialects.custom import ATTR as CUSTOM_ATTR, read_custom
from pullback.dialects.ir import FunctionTable, body_ops, callee_of, is_declaration

from .registry import PassFailure

# kind -> (the tag attribute of the declarations whose calls are of this kind, its reader)
CALL_KINDS: dict[str, tuple[str, Callable]] = {}


def register_call_kind(kind: str, attribute: str, read: Callable) -> None:
    """Calls of declarations tagged `attribute` are of kind `kind`; `read(decl)` parses the tag
    (ValueError when malformed) into the `Site.tag` the rules receive."""
    CALL_KINDS[kind] = (attribute, read)


register_call_kind("custom", CUSTOM_ATTR, read_custom)
register_call_kind("host_callback", CALLBACK_ATTR, read_callback)


def call_kind(fn) -> str | None:
    """The registered kind of a tagged declaration, or None."""
    attrs = fn.operation.attributes
    for kind, (attribute, _) in CALL_KINDS.items():
        if attribute in attrs:
            return kind
    return None


class Site(NamedTuple):
    """An op and its kind, as the rules see it."""
    op: ir.Operation
    kind: str
    callee: str | None = None        # calls: the called symbol
    decl: ir.Operation | None = None  # calls: its func.func (None if the module has none)
    tag: Any = None                  # tagged calls: the parsed tag

    @property
    def primitive(self) -> str:
        """The op table name of a pb op ("add" for pb.add)."""
        return self.op.name[3:]

    @property
    def result_types(self) -> list:
        return [r.type for r in self.op.results]


def classify(op, table: FunctionTable) -> Site:
    op = op.operation
    name = op.name
    if name == "func.call":
        callee = callee_of(op)
        decl = table.get(callee)
        kind = call_kind(decl) if decl is not None else None
        if kind is None:
            return Site(op, "call", callee, decl)
        attribute, read = CALL_KINDS[kind]
        try:
            tag = read(decl)
        except (TypeError, ValueError, KeyError) as e:
            raise PassFailure(f"malformed {attribute} attribute on @{callee}: {e}", decl.location) from None
        return Site(op, kind, callee, decl, tag)
    if name.startswith("pb.") and name[3:] in registry.OPS:
        return Site(op, "pb")
    return Site(op, "other")


def copy_op(op, args) -> list:
    """A copy of `op` at the insertion point on new operands; its results."""
    new = op.clone()
    for i, a in enumerate(args):
        new.operands[i] = a
    return list(new.results)


class FunctionTransform:
    """Base of the function-to-function transforms (see the module docstring).

    A subclass sets `pass_name` and `verb` (for diagnostics: "pb-jvp cannot differentiate
    the recursive function @f"), implements `build(name, key, **options)` (emit the
    transformed version of @name; the result is memoized), may override `missing_rule`,
    and walks bodies with `visit_body`, dispatching each op with `apply`."""

    pass_name: ClassVar[str] = "pb-transform"
    verb: ClassVar[str] = "transform"
    call_rules: ClassVar[dict[str, Callable]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.call_rules = {}  # each class its own table

    @classmethod
    def call_rule(cls, kind: str):
        """Decorator: register `rule` for ops of `kind` in this transform."""
        def register(rule):
            cls.call_rules[kind] = rule
            return rule
        return register

    def __init__(self, module_or_table):
        self.table = module_or_table if isinstance(module_or_table, FunctionTable) else FunctionTable(
            module_or_table)
        self.done: dict = {}     # (function name, key) -> what build returned
        self.active: dict = {}   # functions being transformed, in call order (recursion guard)

    # ------------------------------------------------------------ memo, recursion guard

    def transformed(self, name: str, key=(), **options):
        """build(name, key, **options), once per (name, key)."""
        if (name, key) in self.done:
            return self.done[(name, key)]
        fn = self.table.get(name)
        if fn is None:
            raise PassFailure(f"{self.pass_name}: no function @{name} in the module", ir.Location.current)
        with self.entered(name, fn.location):
            if is_declaration(fn):
                raise PassFailure(f"{self.pass_name}: @{name} has no body (an unserved transformation "
                                  "request?)", fn.location)
            result = self.build(name, key, **options)
        self.done[(name, key)] = result
        return result

    @contextmanager
    def entered(self, name: str, loc: ir.Location):
        """While transforming @name: entering it again is recursion, a diagnostic at `loc`."""
        if name in self.active:
            raise PassFailure(self.recursion_message(name), loc)
        self.active[name] = None
        try:
            yield
        finally:
            del self.active[name]

    def recursion_message(self, name: str) -> str:
        return f"{self.pass_name} cannot {self.verb} the recursive function @{name}"

    def build(self, name: str, key, **options):
        raise NotImplementedError

    # ------------------------------------------------------------ walking, dispatch

    def classify(self, op) -> Site:
        return classify(op, self.table)

    def visit_body(self, fn, visit: Callable[[Site], None]) -> ir.Operation:
        """visit(site) for every op of fn's body but its terminator, each under the op's
        location; returns the terminator."""
        ops = body_ops(fn)
        for op in ops[:-1]:
            with op.location:
                visit(self.classify(op))
        return ops[-1]

    def apply(self, site: Site, *args):
        """The rule of the site's kind, applied (see the module docstring for its arguments)."""
        rule = self.call_rules.get(site.kind)
        if rule is None:
            return self.missing_rule(site, *args)
        return rule(self, site, *args)

    def missing_rule(self, site: Site, *args):
        what = f"a call of @{site.callee} (kind {site.kind})" if site.callee else f"'{site.op.name}'"
        raise PassFailure(f"{self.pass_name} cannot {self.verb} {what}", site.op.location)


__all__ = ["CALL_KINDS", "FunctionTransform", "Site", "call_kind", "classify", "copy_op", "register_call_kind"]
