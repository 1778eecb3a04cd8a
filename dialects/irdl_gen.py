"""Generate the IRDL definition of the pb dialect from the op table.

The op table (`registry.OPS`) is the single source of truth; the checked-in
`pb.irdl.mlir` is this module's output, kept for upstream tools
(`mlir-opt --irdl-file=...`) and checked up to date by a test.
"""
from __future__ import annotations

from .registry import ATTR_IRDL_BASE, OPS, OpDef


def op_irdl(op: OpDef) -> str:
    """IRDL text of one operation.

    An IRDL constraint value binds: every use of one SSA constraint must see the
    same type. Names in a `same_type` group therefore share one constraint; all
    other operands and results get a fresh one. Variadic operands take `irdl.any`
    so that their members may differ (their shapes are checked by inference).
    """
    lines: list[str] = []
    var_of: dict[str, str] = {}
    for group in op.same_type:
        v = f"%g{len(var_of)}"
        lines.append(f'{v} = irdl.base "!builtin.tensor"')
        for n in group:
            var_of[n] = v

    def constraint(name: str) -> str:
        if name not in var_of:
            v = f"%v{len(lines)}"
            lines.append(f'{v} = irdl.any' if name.endswith("*") else f'{v} = irdl.base "!builtin.tensor"')
            var_of[name] = v
        return var_of[name]

    operands = []
    for o in op.operands:
        c = constraint(o)
        operands.append(f"{o.rstrip('*')}: variadic {c}" if o.endswith("*") else f"{o}: {c}")
    results = [f"{r.rstrip('*')}: variadic {constraint(r)}" if r.endswith("*") else f"{r}: {constraint(r)}"
               for r in op.results]
    attrs = []
    for a, kind in op.attrs.items():
        v = f"%a{len(lines)}"
        lines.append(f'{v} = irdl.base "{ATTR_IRDL_BASE[kind]}"')
        attrs.append(f'"{a}" = {v}')
    if operands:
        lines.append(f"irdl.operands({', '.join(operands)})")
    if attrs:
        lines.append("irdl.attributes {" + ", ".join(attrs) + "}")
    lines.append(f"irdl.results({', '.join(results)})")
    body = "\n".join("    " + l for l in lines)
    return f"  irdl.operation @{op.name} {{\n{body}\n  }}"


def dialect_irdl() -> str:
    """IRDL text of the whole pb dialect."""
    from . import ops  # noqa: F401  # lazy: the op families import the registry this module reads; importing them fills the table
    header = "// Generated from pullback's op table by pullback.dialects.irdl_gen. Do not edit.\n"
    ops_text = "\n".join(op_irdl(OPS[n]) for n in sorted(OPS))
    return f"{header}irdl.dialect @pb {{\n{ops_text}\n}}\n"


if __name__ == "__main__":  # python -m pullback.dialects.irdl_gen > dialects/pb.irdl.mlir
    print(dialect_irdl(), end="")
