"""vjp, linearize and linear_transpose: transformations that return functions.

The user's function is traced into a module of its own; the pass functions
(the same code `pb-linearize` and `pb-transpose` run) split it into a primal
function returning residuals and a linear function. The primal part runs at
once (compiled, or as a call inside the enclosing trace); the returned Python
callable runs the compiled linear part on the saved residuals. Called with
tracers (e.g. under `jit(f_vjp)`), it imports the linear function into the
tracer's program and emits a call, so the linear part jits on its own.
"""
from __future__ import annotations

import functools

from mlir import ir

from pullback.passes.expand_transforms import expand_transforms
from pullback.passes.autodiff.linearize import Linearizer
from pullback.passes.autodiff.transpose import Transposer
from pullback.runtime import compile_module

from .callbacks import adopt_declarations, declarations_text
from .custom_derivatives import adopt_closure, closure_text
from .core import Array, Program, Trace, Tracer, innermost_trace, trace_stack
from .errors import user_error
from .staging import ad_depth, flatten_values
from .tracing import active, fun_name, to_array
from .tree_util import tree_flatten, tree_unflatten


def _trace_standalone(fun, vals, treedef, name):
    """Trace fun into a fresh program; returns (program, trace, out_tree)."""
    parent = innermost_trace(vals)
    program = Program()
    backed = parent.concrete_backed if parent is not None else True
    trace = Trace(program, name, parent, backed)
    trace.ad_depth = ad_depth(parent) + 1  # it gets linearized (custom rules: custom_derivatives.py)
    args = [trace.new_argument(v.aval, source=v) for v in vals]
    out_store = []
    with active(trace):
        out = fun(*tree_unflatten(treedef, args))
        leaves, out_tree = tree_flatten(out)
        out_store.append(out_tree)
    leaves = [o if isinstance(o, (Array, Tracer)) else to_array(o) for o in leaves]
    trace.finish(leaves)
    return program, trace, out_store[0]


class _Compiled:
    """A generated function of a module: compiled lazily, or imported into a trace."""

    def __init__(self, program: Program, name: str):
        self.program = program
        self.name = name
        self.text = _function_text(program, name)
        # compiled on its own it is the entry point, so it must be public (pb-inline drops private ones)
        self.entry_text = self.text.replace("func.func private @", "func.func @", 1)

    def out_avals(self):
        from .core import AbstractValue
        from pullback.dialects.types import spec_of_type
        fn = _find(self.program.module, self.name)
        ft = ir.FunctionType(ir.TypeAttr(fn.attributes["function_type"]).value)
        out = []
        for t in ft.results:
            s = spec_of_type(t)
            out.append(AbstractValue(s.shape, s.dtype))
        return out

    def __call__(self, vals, weak=None):
        """Run on values: concretely, or as a call emitted into the innermost trace."""
        avals = self.out_avals()
        weak = weak or [False] * len(avals)
        parent = innermost_trace(vals)
        if parent is None:
            with self.program.context:
                module = ir.Module.parse(f"module {{\n{self.entry_text}\n}}")
            exe = compile_module(module, self.name)
            arrays = [v if isinstance(v, Array) else to_array(v) for v in vals]
            outs = exe.call_pointers([a.data_ptr() for a in arrays])
            return [Array._wrap(o, a.dtype, w) for o, a, w in zip(outs, avals, weak)]
        callee = _import_function(parent, self.text, self.name)
        from .core import AbstractValue
        ops = [parent.lift(v) for v in vals]
        out_avals = [AbstractValue(a.shape, a.dtype, w) for a, w in zip(avals, weak)]
        return parent.emit_call(_Named(callee), ops, out_avals)


class _Named:
    def __init__(self, name):
        self.name = name


def _find(module, name):
    for op in module.body.operations:
        if op.operation.name == "func.func" and ir.StringAttr(op.attributes["sym_name"]).value == name:
            return op
    raise KeyError(name)


def _function_text(program: Program, name: str) -> str:
    """The function and everything it calls, as text (generated functions are call-free)."""
    fn = _find(program.module, name)
    return (str(fn) + declarations_text(program.module, fn)  # + the host callbacks it calls
            + closure_text(program.module, fn))  # + what its custom derivative calls need


def _import_function(parent: Trace, text: str, name: str) -> str:
    """Copy a call-free function into the parent's program under a fresh private name."""
    cache = parent.program.__dict__.setdefault("_imported", {})
    if text in cache:
        return cache[text]
    new_name = parent.program.fresh_symbol(name)
    with parent.program.context:
        tmp = ir.Module.parse(f"module {{\n{text}\n}}")
        adopt_closure(parent.program, tmp, name)  # custom derivative calls' functions, renamed
        fn = tmp.body.operations[0]
        fn.attributes["sym_name"] = ir.StringAttr.get(new_name)
        fn.attributes["sym_visibility"] = ir.StringAttr.get("private")
        parent.program.module.body.append(fn.operation)
        adopt_declarations(parent.program, tmp)  # the host callbacks it calls
    cache[text] = new_name
    return new_name


def _split(fun, primals, has_aux, base):
    vals, in_tree = flatten_values(tuple(primals))

    def target(*args):
        out = fun(*args)
        if has_aux:
            if not (isinstance(out, (tuple, list)) and len(out) == 2):
                raise user_error(TypeError, "has_aux=True requires the function to return a pair")
            return out
        return (out, None)

    program, trace, out_tree = _trace_standalone(target, vals, in_tree, fun_name(fun))
    module_op = program.module.operation
    with program.context:
        expand_transforms(module_op)  # serve nested requests (e.g. a grad inside fun) first
        lin = Linearizer(module_op).linearize(trace.name)
    sources = list(trace.sources)  # explicit inputs, then captured values
    primal = _Compiled(program, lin.primal)
    weak = [a.weak for a in trace.out_avals]
    res = primal(sources, weak + [False] * lin.num_residuals)
    outs, residuals = res[:lin.num_outputs], res[lin.num_outputs:]
    value, aux = tree_unflatten(out_tree, outs)
    return program, trace, lin, value, aux, residuals, out_tree, vals, in_tree


def split_vjp(fun, primals, has_aux):
    program, trace, lin, value, aux, residuals, out_tree, vals, in_tree = _split(fun, primals, has_aux, "vjp")
    with program.context:
        t_name = Transposer(program.module.operation).transpose(lin.linear, lin.num_residuals,
                                                                base=f"{trace.name}_vjp")
    bwd = _Compiled(program, t_name)
    n_value_leaves = tree_flatten(value)[1].num_leaves
    value_tree = tree_flatten(value)[1]
    out_avals = trace.out_avals[:n_value_leaves]
    n_aux = len(trace.out_avals) - n_value_leaves
    n_in = len(vals)

    def f_vjp(ct):
        ct_leaves, ct_tree = tree_flatten(ct)
        if ct_tree != value_tree:
            raise user_error(TypeError, f"Tree structure of cotangent input {ct_tree}, does not match "
                             f"structure of primal output {value_tree}.")
        cts = []
        for c, a in zip(ct_leaves, out_avals):
            c = to_array(c)
            if tuple(c.aval.shape) != tuple(a.shape):
                raise user_error(ValueError, f"Shape of cotangent input to vjp pullback function "
                                 f"{c.aval.shape} must be the same as the shape of corresponding primal "
                                 f"input {a.shape}.")
            if c.aval.dtype != a.dtype:
                from . import lax
                c = lax.convert_element_type(c, a.dtype)
            cts.append(c)
        from . import numpy as jnp
        cts += [jnp.zeros(a.shape, a.dtype) for a in trace.out_avals[n_value_leaves:n_value_leaves + n_aux]]
        in_cts = bwd(list(residuals) + cts, [v.aval.weak for v in vals] + [False] * 10_000)
        return tree_unflatten(in_tree, in_cts[:n_in])

    f_vjp = _LinearFunction(f_vjp, "vjp")
    return (value, f_vjp, aux) if has_aux else (value, f_vjp)


def split_linearize(fun, primals, has_aux):
    program, trace, lin, value, aux, residuals, out_tree, vals, in_tree = _split(fun, primals, has_aux,
                                                                                 "linearize")
    fwd = _Compiled(program, lin.linear)
    n_in = len(vals)
    n_captured = len(trace.sources) - n_in
    value_leaves, value_tree = tree_flatten(value)

    def f_jvp(*tangents):
        t_vals, t_tree = flatten_values(tuple(tangents))
        if t_tree != in_tree:
            raise user_error(TypeError, "linearized function called with tangents of the wrong structure")
        from . import numpy as jnp
        zeros = [jnp.zeros(s.aval.shape, s.aval.dtype) for s in trace.sources[n_in:n_in + n_captured]]
        outs = fwd(list(residuals) + t_vals + zeros)
        return tree_unflatten(value_tree, outs[:len(value_leaves)])

    f_jvp = _LinearFunction(f_jvp, "linearized")
    return (value, f_jvp, aux) if has_aux else (value, f_jvp)


def make_linear_transpose(fun, primals):
    """jax.linear_transpose: the transpose of a function linear in its arguments."""
    vals, in_tree = flatten_values(tuple(primals))
    program, trace, out_tree = _trace_standalone(lambda *a: fun(*a), vals, in_tree, fun_name(fun))
    n_in = len(vals)
    module_op = program.module.operation
    # captured values are constants of the linear function: move them first as non-linear inputs
    with program.context:
        expand_transforms(module_op)
        reordered = _reorder_captured_first(program, trace, n_in)
        t_name = Transposer(module_op).transpose(reordered, len(trace.sources) - n_in)
    bwd = _Compiled(program, t_name)
    captured = list(trace.sources[n_in:])

    def transposed(ct):
        ct_leaves, ct_tree = tree_flatten(ct)
        if ct_tree != out_tree:
            raise user_error(TypeError, f"cotangent structure {ct_tree} does not match the output {out_tree}")
        cts = bwd(captured + [to_array(c) for c in ct_leaves])
        return tree_unflatten(in_tree, cts)

    return _LinearFunction(transposed, "transpose")


def _reorder_captured_first(program: Program, trace: Trace, n_in: int) -> str:
    """A wrapper @f_lt(captured..., linear...) calling @f(linear..., captured...)."""
    from mlir.dialects import func
    fn = _find(program.module, trace.name)
    ft = ir.FunctionType(ir.TypeAttr(fn.attributes["function_type"]).value)
    ins = list(ft.inputs)
    order = ins[n_in:] + ins[:n_in]
    name = program.fresh_symbol(trace.name + "_lt")
    with ir.Location.unknown(), ir.InsertionPoint(program.module.body):
        w = func.FuncOp(name, (order, list(ft.results)))
        w.attributes["sym_visibility"] = ir.StringAttr.get("private")
        block = w.add_entry_block()
    with ir.Location.unknown(), ir.InsertionPoint(block):
        args = list(block.arguments)
        k = len(ins) - n_in
        call = func.CallOp(list(ft.results), trace.name, args[k:] + args[:k])
        func.ReturnOp(list(call.results))
    return name


class _LinearFunction:
    """A returned linear map: a plain callable that also works under jit and vmap."""

    def __init__(self, fn, kind):
        self._fn = fn
        self.kind = kind
        functools.update_wrapper(self, fn)

    def __call__(self, *args):
        if self.kind == "linearized":
            return self._fn(*args)
        if len(args) != 1:
            raise user_error(TypeError, f"the {self.kind} function takes a single cotangent argument "
                             f"(a pytree), got {len(args)} arguments")
        return self._fn(args[0])


_ = trace_stack
