"""Function-level IR helpers on the upstream classes (`func.FuncOp`, `ir.SymbolTable`).

Every pass, the runtime and the frontend look functions up, read signatures, declare,
define, call and copy functions through these helpers, so no module parses
`function_type` attributes or walks a module for a `sym_name` by hand, and moving
functions between modules never goes through text.
"""
from __future__ import annotations

from typing import Callable, Iterable, Sequence

from mlir import ir, rewrite
from mlir.dialects import func


def as_func(op) -> func.FuncOp:
    """The `func.FuncOp` view of a func.func (from an Operation or any OpView)."""
    op = op.operation
    if op.name != "func.func":
        raise TypeError(f"expected a func.func, got '{op.name}'")
    return op.opview


def symbol_name(op) -> str:
    return ir.StringAttr(op.operation.attributes["sym_name"]).value


def function_type(fn) -> ir.FunctionType:
    return as_func(fn).type


def signature(fn) -> tuple[list, list]:
    """(input types, result types) of a func.func."""
    ft = function_type(fn)
    return list(ft.inputs), list(ft.results)


def entry_block(fn) -> ir.Block:
    return fn.operation.regions[0].blocks[0]


def body_ops(fn) -> list:
    """The operations of a function's entry block, terminator included."""
    return [op.operation for op in entry_block(fn).operations]


def last_op(block: ir.Block):
    """The last operation of `block` (its terminator), None if it is empty. Iterating
    `block.operations` wraps every op in a Python object; this wraps one."""
    n = len(block.operations)
    return block.operations[n - 1].operation if n else None


def set_arg_attributes(fn, name: str, values: dict) -> None:
    """Set attribute `name` of a func.func's arguments: {argument index: attribute}."""
    attrs = fn.operation.attributes
    count = len(ir.FunctionType(ir.TypeAttr(attrs["function_type"]).value).inputs)
    entries = list(ir.ArrayAttr(attrs["arg_attrs"])) if "arg_attrs" in attrs else [ir.DictAttr.get({})] * count
    made = {}  # (old entry, value) -> new entry: most arguments have the same attributes
    for index, value in values.items():
        key = (entries[index], value)
        if key not in made:
            entry = {named.name: named.attr for named in ir.DictAttr(entries[index])}
            entry[name] = value
            made[key] = ir.DictAttr.get(entry)
        entries[index] = made[key]
    attrs["arg_attrs"] = ir.ArrayAttr.get(entries)


def is_declaration(fn) -> bool:
    return len(fn.operation.regions[0].blocks) == 0


def is_private(fn) -> bool:
    attrs = fn.operation.attributes
    return "sym_visibility" in attrs and ir.StringAttr(attrs["sym_visibility"]).value == "private"


def set_private(fn, private: bool = True) -> None:
    attrs = fn.operation.attributes
    if private:
        attrs["sym_visibility"] = ir.StringAttr.get("private")
    elif "sym_visibility" in attrs:
        del attrs["sym_visibility"]


def callee_of(call) -> str:
    return ir.FlatSymbolRefAttr(call.operation.attributes["callee"]).value


def ancestor_in(block: ir.Block, op):
    """The op of `block` that is `op` or holds it (a loop, say), or None if none in its function."""
    op = op.operation
    while op.block != block:
        op = op.parent
        if op is None or op.name == "func.func":
            return None
        op = op.operation
    return op


def nested_in(op, names) -> bool:
    """Whether `op` lies inside an op named one of `names` within its function."""
    parent = op.operation.parent
    while parent is not None and parent.name != "func.func":
        if parent.name in names:
            return True
        parent = parent.parent
    return False


def module_body(module) -> ir.Block:
    """The body block of a module (an ir.Module or its operation)."""
    op = module.operation
    return op.regions[0].blocks[0]


def functions(module) -> dict[str, ir.Operation]:
    """The module's func.func operations by symbol name, in module order."""
    out = {}
    for op in module_body(module).operations:
        op = op.operation
        if op.name == "func.func":
            out[symbol_name(op)] = op
    return out


def function_blocks(module) -> list:
    """The blocks of every defined function's body, in module order (nested blocks not)."""
    return [block for fn in functions(module).values() if not is_declaration(fn) for block in fn.regions[0].blocks]


class FunctionTable:
    """The func.func operations of a module by name, built once and kept current.

    A pass builds one per run and adds or erases functions through it, so looking a
    function up costs a dict access instead of a walk over the module (rebuilding a
    table per op made the transformation passes quadratic in the program size).
    Functions are appended at the end of the module, so the table keeps module order."""

    def __init__(self, module):
        self.module = module.operation
        self._ops = functions(module)
        # Indexes that passes derive from the functions, built once per run and kept current
        # by whoever adds such functions (e.g. pb-jvp's custom_lin declarations by signature).
        self.indexes: dict = {}

    def __getitem__(self, name: str) -> ir.Operation:
        return self._ops[name]

    def __contains__(self, name: str) -> bool:
        return name in self._ops

    def __iter__(self):
        return iter(self._ops)

    def __len__(self) -> int:
        return len(self._ops)

    def get(self, name: str):
        return self._ops.get(name)

    def items(self):
        return self._ops.items()

    def values(self):
        return self._ops.values()

    def fresh_name(self, base: str) -> str:
        return fresh_name(self._ops, base)

    def add(self, fn) -> str:
        """Register a func.func already in the module (a clone, a copy); its name."""
        name = symbol_name(fn)
        self._ops[name] = fn.operation
        return name

    def declare(self, base: str, input_types, result_types, *, attributes: dict | None = None,
                loc: ir.Location | None = None) -> ir.Operation:
        """A private declaration named `base` or a fresh variant of it (see `declare`)."""
        fn = declare(self.module, self.fresh_name(base), input_types, result_types, attributes=attributes, loc=loc)
        self.add(fn)
        return fn

    def new_function(self, base: str, input_types, result_types, loc: ir.Location | None = None,
                     private: bool = True) -> ir.Operation:
        """A function named `base` or a fresh variant of it, with an empty entry block."""
        fn = new_function(self.module, self.fresh_name(base), input_types, result_types, loc, private)
        self.add(fn)
        return fn

    def copy(self, name: str) -> str:
        """A copy of @name at the end of the module, under a fresh name; that name."""
        copy = self._ops[name].clone(ip=ir.InsertionPoint(module_body(self.module)))
        new = self.fresh_name(name)
        ir.SymbolTable.set_symbol_name(copy, new)
        return self.add(copy)

    def erase(self, fn) -> None:
        del self._ops[symbol_name(fn)]
        fn.operation.erase()


def lookup(module, name: str):
    """func.func @name of the module, or None."""
    table = ir.SymbolTable(module.operation)
    if name not in table:
        return None
    op = table[name].operation
    return op if op.name == "func.func" else None


def fresh_name(taken: Iterable[str], base: str) -> str:
    """`base`, or `base_2`, `base_3`, ... whichever is not taken."""
    taken = taken if isinstance(taken, (set, dict, frozenset)) else set(taken)
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    return name


def declare(module, name: str, input_types, result_types, *, attributes: dict | None = None,
            loc: ir.Location | None = None, before=None) -> ir.Operation:
    """A private bodiless func.func at the end of the module (or `before` an op of its body),
    carrying `attributes`."""
    ip = ir.InsertionPoint(before) if before is not None else ir.InsertionPoint(module_body(module))
    with ip, loc or ir.Location.unknown():
        fn = func.FuncOp(name, (list(input_types), list(result_types)))
        set_private(fn)
        for k, v in (attributes or {}).items():
            fn.attributes[k] = v
    return fn.operation


def new_function(module, name: str, input_types, result_types, loc: ir.Location | None = None,
                 private: bool = True) -> ir.Operation:
    """A func.func at the end of the module with an empty entry block (the caller fills it)."""
    fn = declare(module, name, input_types, result_types, loc=loc)
    set_private(fn, private)
    with loc or ir.Location.unknown():
        as_func(fn).add_entry_block()
    return fn


def set_signature(fn, input_types=None, result_types=None) -> None:
    ins, outs = signature(fn)
    ft = ir.FunctionType.get(ins if input_types is None else list(input_types),
                             outs if result_types is None else list(result_types))
    fn.operation.attributes["function_type"] = ir.TypeAttr.get(ft)


def set_results(fn, result_types) -> None:
    set_signature(fn, result_types=result_types)


def retype_values(op, retype: Callable[[ir.Type], ir.Type]) -> None:
    """Give op's results and the arguments of its blocks the types `retype` maps them to, and a
    func.func the matching signature (type-changing passes walk the module with this)."""
    op = op.operation
    for r in op.results:
        t = r.type
        new = retype(t)
        if new != t:  # (most values keep theirs: a comparison costs less than setting it)
            r.set_type(new)
    regions = op.regions
    if len(regions):  # (iterating an empty region list costs ~2 us: the bindings raise IndexError)
        for region in regions:
            for block in region.blocks:
                for arg in block.arguments:
                    t = arg.type
                    new = retype(t)
                    if new != t:
                        arg.set_type(new)
    if op.name == "func.func":
        ins, outs = signature(op)
        new_ins, new_outs = [retype(t) for t in ins], [retype(t) for t in outs]
        if new_ins != ins or new_outs != outs:
            set_signature(op, new_ins, new_outs)


def call(name: str, args: Sequence[ir.Value], result_types) -> list:
    """Emit `func.call @name(args)` at the current insertion point; its results."""
    return list(func.CallOp(list(result_types), name, list(args)).results)


def call_function(module, name: str, args: Sequence[ir.Value]) -> list:
    """Call @name of `module` with its declared result types."""
    return call(name, args, signature(lookup(module, name))[1])


# ---------------------------------------------------------------- symbol references

def _symbols_in_attribute(attr: ir.Attribute, out: set) -> None:
    if isinstance(attr, ir.FlatSymbolRefAttr):
        out.add(ir.FlatSymbolRefAttr(attr).value)
    elif isinstance(attr, ir.DictAttr):
        for named in attr:
            _symbols_in_attribute(named.attr, out)
    elif isinstance(attr, ir.ArrayAttr):
        for a in attr:
            _symbols_in_attribute(a, out)


def ops_named(root, names: Iterable[str]) -> list[ir.Operation]:
    """The operations nested in `root` (itself included) named one of `names`, in the order of
    a post-order walk. The walk runs in C++ (MLIR's walk pattern driver, which neither folds
    nor erases): Python sees only the ops asked for, where a Python walk wraps and calls back
    for every op (most of a pass's time when it looks for a few ops among thousands)."""
    found = []

    def take(op, rewriter):
        found.append(op.operation)
        return True  # (a failed match: nothing was rewritten)

    patterns = rewrite.RewritePatternSet()
    for name in names:
        patterns.add(name, take)
    rewrite.walk_and_apply_patterns(root.operation, patterns.freeze())
    return found


def referenced_symbols(fn) -> set[str]:
    """Names of the symbols a function refers to: callees, and symbols inside its own or its
    ops' attributes (the functions a tagged declaration names)."""
    out: set[str] = set()
    attrs = fn.operation.attributes
    for key in attrs:
        if key != "sym_name":
            _symbols_in_attribute(attrs[key], out)

    def visit(op):
        for key in op.attributes:
            _symbols_in_attribute(op.attributes[key], out)
        return ir.WalkResult.ADVANCE

    if not is_declaration(fn):
        for block_op in entry_block(fn).operations:
            block_op.operation.walk(visit)
    return out


def symbol_closure(module, name: str | Iterable[str], table=None) -> list[str]:
    """@name (or each of several names) and every function it refers to, transitively, in
    discovery order."""
    table = table if table is not None else functions(module)
    order, todo = [], [name] if isinstance(name, str) else list(name)[::-1]
    seen = set()
    while todo:
        n = todo.pop()
        if n in seen or n not in table:
            continue
        seen.add(n)
        order.append(n)
        todo.extend(sorted(referenced_symbols(table[n])))
    return order


def copy_function(src_module, name: str, dst_module, *, fresh: Callable[[str], str] | None = None,
                  private: bool = True) -> str:
    """Copy @name and every function it refers to from `src_module` into `dst_module`
    (same context), under fresh names; returns the copy's name.

    `fresh(base)` picks an unused name in the destination (default: one not in its
    symbol table). References among the copied functions follow the renaming."""
    table = functions(src_module)
    closure = symbol_closure(src_module, name, table)
    if fresh is None:
        taken = set(functions(dst_module))

        def fresh(base):
            n = fresh_name(taken, base)
            taken.add(n)
            return n
    new_names = {n: fresh(n) for n in closure}
    with src_module.context, ir.Location.unknown():
        staging = ir.Module.create()
        for n in closure:
            module_body(staging).append(table[n].clone())
        # Two steps through placeholder names, so a new name equal to another old one is
        # never renamed twice.
        for i, n in enumerate(closure):
            ir.SymbolTable.replace_all_symbol_uses(n, f"__pb_copy_{i}", staging.operation)
        for i, n in enumerate(closure):
            ir.SymbolTable.replace_all_symbol_uses(f"__pb_copy_{i}", new_names[n], staging.operation)
        for op in list(module_body(staging).operations):
            op = op.operation
            op.attributes["sym_name"] = ir.StringAttr.get(new_names[symbol_name(op)])
            if private:
                set_private(op)
            module_body(dst_module).append(op)
    return new_names[name]
