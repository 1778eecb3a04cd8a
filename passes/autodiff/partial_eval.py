"""Partial evaluation: a call-free copy of a function, split by what depends on some inputs.

pb-linearize splits a JVP function into what depends on the tangent inputs (the linear
part) and what does not (the primal part); pb-transpose splits a linear function into
its linear ops and the ones computing constants (residuals) from non-linear inputs;
the partial evaluation of a control flow call splits a loop body or branch the same way.
All start from a flat copy made by the `Inliner` with those inputs as seeds, so each
call is handled by the inliner's rule for its kind, knowing which of its operands depend
on the seeds: a plain call is inlined; a custom derivative call applied to them becomes
its primal's body (`custom_derivative_rules`), as JAX's partial evaluation stages out
the primal of a custom_jvp_call with unknown inputs; a control flow call is split in two
calls (`control_partial_eval`); a host callback stays a call.
"""
from __future__ import annotations

from typing import NamedTuple, Sequence

from mlir import ir
from mlir.dialects import func

from pullback.dialects.ir import FunctionTable, entry_block, set_results, signature, symbol_name

from ..cloning import Inliner, clone_into


class Split(NamedTuple):
    """A flat function's ops in order, split by dependence on its seed inputs."""
    fn: ir.Operation       # the flat copy (temporary: erase it when done)
    args: list             # its arguments
    known: list            # ops that depend on none of the seeds
    unknown: list          # ops that depend on one (transitively)
    dependent: set         # the values computed from a seed, seeds included
    ret: ir.Operation      # its func.return


def flatten(table: FunctionTable, name: str, seeds: int | Sequence[bool], base: str) -> Split:
    """A call-free copy of @name, named after `base`, split into the ops that depend on the
    seed inputs and the ones that do not. `seeds`: one bool per input, or the position of
    the first seed (every input from there on is one)."""
    fn = table[name]
    ins, outs = signature(fn)
    if isinstance(seeds, int):
        seeds = [i >= seeds for i in range(len(ins))]
    flat = table.new_function(base, ins, outs, fn.location)
    block = entry_block(flat)
    args = list(block.arguments)
    seed_args = [a for a, s in zip(args, seeds) if s]
    with ir.InsertionPoint(block), fn.location:
        func.ReturnOp(Inliner(table, seeds=seed_args).inline(name, args))
    ops = [op.operation for op in block.operations]
    dependent = set(seed_args)
    known, unknown = [], []
    for op in ops[:-1]:
        if any(v in dependent for v in op.operands):
            unknown.append(op)
            dependent.update(op.results)
        else:
            known.append(op)
    return Split(flat, args, known, unknown, dependent, ops[-1])


class PartialEval(NamedTuple):
    """A function split in a known and an unknown function (see `partial_eval_function`)."""
    known: str             # (known inputs) -> (known outputs, residuals)
    unknown: str           # (forwarded inputs, residuals, unknown inputs) -> unknown outputs
    out_unknown: tuple     # one bool per output: the unknown function computes it
    forwarded: tuple       # positions of the known inputs the unknown function reads directly
    residual_types: list   # the types of the residuals the known function returns


def partial_eval_function(table: FunctionTable, name: str, unknown_ins: Sequence[bool], instantiate: Sequence[bool],
                          base: str, forwardable: Sequence[bool] = (), names=("known", "unknown")) -> PartialEval:
    """Split @name by which inputs are unknown (`unknown_ins`): the known function computes
    every op that depends on no unknown input and returns the known outputs and the known
    values the unknown side reads (residuals); the unknown function computes the rest.
    An output is unknown when it depends on an unknown input or `instantiate` says so (a
    known value it then returns is a residual). A known input that is a residual and
    `forwardable` (the caller has it at hand: a loop's constants) is not returned by the
    known function but passed to the unknown one directly. Zero-operand ops (constants)
    are recomputed on the unknown side instead of being residuals."""
    split = flatten(table, name, unknown_ins, f"{base}_flat")
    args, ret, unknown = split.args, split.ret, split.dependent
    outs = list(ret.operands)
    out_unknown = tuple(v in unknown or bool(inst) for v, inst in zip(outs, instantiate))
    forwardable = list(forwardable) + [False] * (len(args) - len(forwardable))
    position = {a: i for i, a in enumerate(args)}
    # (calls left in a flat copy are host callbacks or loops: never recomputed on the unknown side)
    constant_ops = {r: op for op in split.known if len(op.operands) == 0 and op.name != "func.call"
                    for r in op.results}
    residuals, forwarded, seen = [], [], set()

    def need(v):
        if v not in unknown and v not in seen and v not in constant_ops:
            seen.add(v)
            i = position.get(v)
            (forwarded if i is not None and forwardable[i] else residuals).append(v)

    for op in split.unknown:
        for v in op.operands:
            need(v)
    for v, u in zip(outs, out_unknown):
        if u:
            need(v)
    known_args = [a for a, u in zip(args, unknown_ins) if not u]
    unknown_args = [a for a, u in zip(args, unknown_ins) if u]

    known_fn = table.new_function(f"{base}_{names[0]}", [a.type for a in known_args], [], split.fn.location)
    kmap = dict(zip(known_args, entry_block(known_fn).arguments))
    with ir.InsertionPoint(entry_block(known_fn)):
        for op in split.known:
            with op.location:
                clone_into(op, kmap)
        returned = [kmap[v] for v, u in zip(outs, out_unknown) if not u] + [kmap[v] for v in residuals]
        with ret.location:
            func.ReturnOp(returned)
    set_results(known_fn, [v.type for v in returned])

    ins = forwarded + residuals + unknown_args
    u_outs = [v for v, u in zip(outs, out_unknown) if u]
    unknown_fn = table.new_function(f"{base}_{names[1]}", [v.type for v in ins], [v.type for v in u_outs],
                                    split.fn.location)
    umap = dict(zip(ins, entry_block(unknown_fn).arguments))
    with ir.InsertionPoint(entry_block(unknown_fn)):
        cloned_consts = set()
        for op in split.unknown + [None]:
            for v in (op.operands if op is not None else u_outs):
                if v in constant_ops and v not in cloned_consts:
                    cop = constant_ops[v]
                    with cop.location:
                        clone_into(cop, umap)
                    cloned_consts.update(cop.results)
            if op is not None:
                with op.location:
                    clone_into(op, umap)
        with ret.location:
            func.ReturnOp([umap[v] for v in u_outs])
    result = PartialEval(symbol_name(known_fn), symbol_name(unknown_fn), out_unknown,
                         tuple(position[v] for v in forwarded), [v.type for v in residuals])
    table.erase(split.fn)  # (its values are gone with it)
    return result


__all__ = ["PartialEval", "Split", "flatten", "partial_eval_function"]
