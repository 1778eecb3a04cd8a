"""vjp, linearize and linear_transpose: transformations that return functions.

The user's function is traced into a program of its own, where a split
`linearize` request of it is declared (dialects/transforms.py). The passes serve
it (`Program.serve_requests`): the request then returns the outputs and the
residuals, and names the linear half `pb.linear` (residuals..., tangents...) ->
output tangents. The primal half runs at once, as in JAX (compiled, or called
from the enclosing trace); the returned function runs the linear half on the
saved residuals, and vjp's pullback a `linear_transpose` request of it. Called
with tracers (under jit) it imports the generated function into the tracer's
program and calls it there. The returned functions are `tree_util.Partial`s of
the residuals, so they can be passed to jit like any pytree.

The frontend keeps only handles (symbol names) to what the passes generate.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from mlir import ir
from mlir.dialects import func

from pullback.dialects.ir import call, entry_block, lookup, new_function, signature
from pullback.dialects.transforms import LINEAR_ATTR
from pullback.dialects.types import numpy_dtype, spec_of_type

from . import dtypes, float0, lax
from .core import ABSTRACT, differentiated, fun_name, innermost_trace, trace_function
from .errors import user_error
from .program import Program, run
from .tracing import declare_request, flatten_values
from .tree_util import Partial, tree_flatten, tree_unflatten
from .values import AbstractValue, Array, to_array


class Generated:
    """A function the passes generated in a program: run on concrete values, or imported
    into the innermost trace of the values and called there."""
    __slots__ = ("program", "name", "in_avals", "out_avals")

    def __init__(self, program: Program, name: str):
        self.program, self.name = program, name
        with program.context:
            ins, outs = signature(lookup(program.module, name))
        self.in_avals = [_aval(t) for t in ins]
        self.out_avals = [_aval(t) for t in outs]

    def __call__(self, vals: Sequence, weak: Sequence[bool]) -> list:
        parent = innermost_trace(vals)
        if parent is None:
            return run(self.program, self.name, vals, weak)
        local = parent.program.import_function(self.program, self.name)
        out_avals = [AbstractValue(a.shape, a.dtype, w) for a, w in zip(self.out_avals, weak)]
        return parent.emit_call(local, [parent.lift(v) for v in vals], out_avals)


def _aval(t: ir.Type) -> AbstractValue:
    s = spec_of_type(t)
    return AbstractValue(s.shape, s.dtype)


def _zeros(aval: AbstractValue) -> Array:
    return Array(np.zeros(aval.shape, numpy_dtype(aval.dtype)), aval.dtype)


def _request(program: Program, kind: str, callee: str, params: dict) -> Generated:
    """Declare the `kind` request of @callee in the program and have the passes serve it."""
    callee_fn = Generated(program, callee)
    name, _ = declare_request(program, kind, callee, [a.spec for a in callee_fn.in_avals],
                              [a.spec for a in callee_fn.out_avals], params)
    program.serve_requests()
    return Generated(program, name)


class _Split:
    """A function linearized at the primals: its outputs, saved residuals and linear half."""

    def __init__(self, fun, primals, has_aux: bool):
        vals, self.in_tree = flatten_values(tuple(primals))
        self.in_avals = [v.aval for v in vals]

        def target(*xs):
            out = fun(*tree_unflatten(self.in_tree, list(xs)))
            if has_aux:
                if not (isinstance(out, (tuple, list)) and len(out) == 2):
                    raise user_error(TypeError, "has_aux=True requires the function to return a pair")
                return out
            return (out, None)

        parent = innermost_trace(vals)
        self.program = Program()
        traced = trace_function(target, self.in_avals, parent, differentiated(parent), sources=vals,
                                name=fun_name(fun), program=self.program)
        primal = _request(self.program, "linearize", traced.name, {"split": 1, "wrt": range(len(vals))})
        with self.program.context:
            served = lookup(self.program.module, primal.name)
            self.linear = ir.FlatSymbolRefAttr(served.attributes[LINEAR_ATTR]).value
            # the handle is kept here: the attribute would make the linear half part of every
            # program the primal half is compiled in (and its custom_vjp calls untransposed)
            del served.attributes[LINEAR_ATTR]
        self.out_avals = traced.out_avals  # value leaves, then aux leaves
        m = len(self.out_avals)
        res = primal(traced.sources, [a.weak for a in self.out_avals] + [False] * (len(primal.out_avals) - m))
        self.value, self.aux = tree_unflatten(traced.out_tree, res[:m])
        self.residuals = tuple(res[m:])
        self.value_tree = tree_flatten(self.value)[1]

    def returned(self, fn, has_aux: bool):
        f = Partial(fn, self.residuals)
        return (self.value, f, self.aux) if has_aux else (self.value, f)


def _cotangent_leaves(kind: str, args: tuple):
    """The leaves and tree of the one cotangent argument a returned function takes."""
    if len(args) != 1:
        raise user_error(TypeError, f"the {kind} function takes a single cotangent argument "
                         f"(a pytree), got {len(args)} arguments")
    return tree_flatten(args[0])


class _Pullback:
    """vjp's function: cotangents of the outputs -> cotangents of the inputs, from the
    transpose of the linear half (made when first called)."""

    def __init__(self, split: _Split):
        self.program, self.linear = split.program, split.linear
        self.num_residuals = len(split.residuals)
        self.value_tree, self.in_tree = split.value_tree, split.in_tree
        n = self.value_tree.num_leaves
        self.value_avals, self.aux_avals = split.out_avals[:n], split.out_avals[n:]
        self.in_avals = split.in_avals
        self.in_weak = [a.weak for a in split.in_avals]
        self.transposed = None

    def __call__(self, residuals, *args):
        ct_leaves, ct_tree = _cotangent_leaves("vjp", args)
        if ct_tree != self.value_tree:
            raise user_error(TypeError, f"Tree structure of cotangent input {ct_tree}, does not match "
                             f"structure of primal output {self.value_tree}.")
        cts = []
        for c, a in zip(ct_leaves, self.value_avals):
            c = _zeros(AbstractValue(np.shape(c), a.dtype)) if float0.is_float0(c) else to_array(c)
            if tuple(c.aval.shape) != tuple(a.shape):
                raise user_error(ValueError, f"Shape of cotangent input to vjp pullback function "
                                 f"{c.aval.shape} must be the same as the shape of corresponding primal "
                                 f"input {a.shape}.")
            if c.aval.dtype != a.dtype:
                c = lax.convert_element_type(c, a.dtype)
            cts.append(c)
        cts += [_zeros(a) for a in self.aux_avals]
        if self.transposed is None:
            self.transposed = _request(self.program, "linear_transpose", self.linear,
                                       {"num_nonlinear": self.num_residuals})
        in_cts = self.transposed(list(residuals) + cts, self.in_weak)
        return tree_unflatten(self.in_tree, [float0.tangent_of(c, a) for c, a in zip(in_cts, self.in_avals)])


class _Linearized:
    """linearize's function: tangents of the inputs -> tangents of the outputs."""

    def __init__(self, split: _Split):
        self.linear = Generated(split.program, split.linear)
        self.in_tree, self.in_avals = split.in_tree, split.in_avals
        self.value_tree = split.value_tree

    def __call__(self, residuals, *tangents):
        t_leaves, t_tree = tree_flatten(tuple(tangents))
        if t_tree != self.in_tree:
            raise user_error(TypeError, "linearized function called with tangents of the wrong structure: "
                             f"got {t_tree}, expected {self.in_tree}")
        t_vals = [_zeros(AbstractValue(np.shape(t), p.dtype)) if float0.is_float0(t) and not dtypes.is_inexact(p.dtype)
                  else to_array(t) for t, p in zip(t_leaves, self.in_avals)]
        for t, p in zip(t_vals, self.in_avals):
            if (tuple(t.aval.shape), t.aval.dtype) != (tuple(p.shape), p.dtype):
                raise user_error(ValueError, "linearized function called on tangent values inconsistent with "
                                 f"the original primal values: got tangent aval {t.aval.str_short()} for "
                                 f"primal aval {p.str_short()}")
        outs = self.linear(list(residuals) + t_vals, [False] * len(self.linear.out_avals))
        # integer and boolean outputs have float0 tangents, as jvp's
        return tree_unflatten(self.value_tree, [float0.tangent_of(o, o.aval)
                                                for o in outs[:self.value_tree.num_leaves]])


def split_vjp(fun, primals, has_aux: bool):
    split = _Split(fun, primals, has_aux)
    return split.returned(_Pullback(split), has_aux)


def split_linearize(fun, primals, has_aux: bool):
    split = _Split(fun, primals, has_aux)
    return split.returned(_Linearized(split), has_aux)


class _Transposed:
    """linear_transpose's function: cotangents of the outputs -> cotangents of the inputs."""

    def __init__(self, transposed: Generated, out_tree, out_avals, in_tree):
        self.transposed, self.out_tree, self.out_avals, self.in_tree = transposed, out_tree, out_avals, in_tree

    def __call__(self, captured, *args):
        ct_leaves, ct_tree = _cotangent_leaves("transpose", args)
        if ct_tree != self.out_tree:
            raise user_error(TypeError, f"cotangent tree does not match function output, expected {self.out_tree} "
                             f"but got {ct_tree}")
        cts = [to_array(c) for c in ct_leaves]
        if any((tuple(c.aval.shape), c.aval.dtype) != (tuple(a.shape), a.dtype) for c, a in zip(cts, self.out_avals)):
            raise user_error(TypeError, "cotangent type does not match function output, expected "
                             f"{[a.str_short() for a in self.out_avals]} but got "
                             f"{[c.aval.str_short() for c in cts]}")
        out = self.transposed(list(captured) + cts, [False] * len(self.transposed.out_avals))
        return tree_unflatten(self.in_tree, out)


def make_linear_transpose(fun, primals):
    """jax.linear_transpose: the transpose of a function linear in its arguments, traced
    abstractly (the primals only give shapes and dtypes)."""
    vals, in_tree = flatten_values(tuple(primals))
    program = Program()
    traced = trace_function(lambda *xs: fun(*tree_unflatten(in_tree, list(xs))), [v.aval for v in vals],
                            innermost_trace(vals), ABSTRACT, name=fun_name(fun), program=program)
    # the values it closes over are constants of the linear function: its non-linear inputs, first
    n, k = len(vals), len(traced.captured)
    with program.context, ir.Location.unknown():
        ins, outs = signature(lookup(program.module, traced.name))
        wrapper = program.fresh_symbol(traced.name + "_lt")
        block = entry_block(new_function(program.module, wrapper, ins[n:] + ins[:n], outs))
        args = list(block.arguments)
        with ir.InsertionPoint(block):
            func.ReturnOp(call(traced.name, args[k:] + args[:k], outs))
    transposed = _request(program, "linear_transpose", wrapper, {"num_nonlinear": k})
    return Partial(_Transposed(transposed, traced.out_tree, traced.out_avals, in_tree), tuple(traced.captured))
