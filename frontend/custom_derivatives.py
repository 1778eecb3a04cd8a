"""custom_jvp and custom_vjp with JAX's API: custom derivative rules as IR.

A call of a custom function inside a traced function becomes a call of a
`pb.custom` declaration naming the primal and the rules, each traced into a
function of the program (dialects/custom.py has the IR format,
passes/custom_derivatives.py what the passes do with it):

    custom_jvp   {callee = @f, jvp = @f_jvp}               pb-jvp calls the rule
    custom_vjp   {callee = @f, fwd = @f_fwd, bwd = @f_bwd}  pb-jvp calls fwd, pb-transpose bwd

When is a rule traced? JAX runs a rule only when a differentiation meets the
call, and the rule calls `f`, so in grad(grad(f)) the rule runs twice and `f`
once. Here every trace knows how many differentiations will apply to it
(`core.Mode.ad_depth`: grad's traced function is one deeper than its caller).
A custom call at depth d traces its rules at depth d - 1, so the rule's own
call of `f` is a custom call again while d - 1 > 0, and the rule applies at
every order. At depth 0 the call is a plain call of the primal function, traced
once per program for equal arguments. With no trace active (concrete arrays,
no transformation) the Python function is simply called. Side effects in `f`
and the rules therefore happen as often, and in the same order, as in JAX.

Other details, as in JAX:
- Arguments are resolved to positional ones with `inspect.signature`
  (keywords, defaults). `nondiff_argnums` are passed to the rules first and
  are not traced (Python callables, strings); custom_vjp rejects tracers there.
- Inputs and outputs are pytrees; rule outputs are checked against the primal
  (structure, shapes, dtypes) with errors naming the user's line.
- Values the functions close over become trailing inputs of the declaration
  (`num_consts`): a custom_jvp rule treats them as constants, a custom_vjp
  raises when they would need a derivative (JAX's CustomVJPException message).
- `defjvp(rule, symbolic_zeros=True)`: the rule gets `SymbolicZero` objects for
  tangents that are zero. The mask is only known when pb-jvp runs, so one rule
  is traced per mask of the (at most 6) inexact input leaves; with more, the
  rule sees materialized zeros for every mask (documented limitation).
- custom_vjp's bwd runs at the backward pass. Outside jit, at the first order,
  it is a host callback (frontend/callbacks.py): the Python bwd runs on
  concrete arrays when the backward pass runs (a `pdb.set_trace()` in it sees
  numbers, and under `vjp` it runs only when the pullback is called). Under
  jit, or where bwd is differentiated again (grad of grad), it is traced.
- Forward mode of a custom_vjp function raises
  `TypeError: can't apply forward-mode autodiff (jvp) to a custom_vjp function.`
  when the program compiles (the custom_lin of its tangents reaches lowering).
"""
from __future__ import annotations

import functools
import inspect
import itertools
from typing import Any, Callable, Sequence

import numpy as np
from mlir import ir
from mlir.dialects import func

from pullback.dialects.custom import ATTR, custom_attr
from pullback.dialects.ir import call, entry_block, new_function
from pullback.dialects.types import numpy_dtype

from . import dtypes, lax
from . import numpy as jnp
from .callbacks import host_call
from .core import Mode, Trace, Traced, ad_depth, fun_name, innermost_trace, trace_function
from .errors import UnexpectedTracerError, user_error
from .tree_util import tree_flatten, tree_map, tree_unflatten
from .values import AbstractValue, Array, Tracer, to_array

MAX_SYMBOLIC_ZERO_LEAVES = 6


class SymbolicZero:
    """A zero tangent (custom_jvp rules defined with `symbolic_zeros=True` receive these)."""

    def __init__(self, aval: AbstractValue):
        self.aval = aval

    shape = property(lambda self: self.aval.shape)
    dtype = property(lambda self: np.dtype(numpy_dtype(self.aval.dtype)))
    ndim = property(lambda self: len(self.aval.shape))

    def instantiate(self):
        return jnp.zeros(self.aval.shape, self.aval.dtype)

    def __repr__(self):
        return f"SymbolicZero({self.aval.str_short()})"


def zero_from_primal(x, symbolic_zeros: bool = False):
    """A zero tangent for primal `x` (a SymbolicZero if asked, else an array of zeros)."""
    def zero(leaf):
        leaf = to_array(leaf)
        aval = AbstractValue(tuple(leaf.aval.shape), leaf.aval.dtype)
        return SymbolicZero(aval) if symbolic_zeros else SymbolicZero(aval).instantiate()
    return tree_map(zero, x)


# ---------------------------------------------------------------- shared machinery

def _resolve_kwargs(fun, args, kwargs, kind: str, name: str) -> tuple:
    if not kwargs:
        return tuple(args)
    try:
        ba = inspect.signature(fun).bind(*args, **kwargs)
        ba.apply_defaults()
    except TypeError as e:
        raise user_error(TypeError, f"The input arguments to the {kind}-decorated function {name} could not be "
                         f"resolved to positional-only arguments. Binding failed with the error:\n{e}") from None
    if ba.kwargs:
        raise user_error(TypeError, f"keyword arguments to the {kind} function {name} must map to positional "
                         f"parameters, got {sorted(ba.kwargs)}")
    return tuple(ba.args)


def _apply_defaults(fun, args) -> tuple:
    """Positional args with the signature's defaults filled in (f(x, y=2) called as f(1))."""
    try:
        sig = inspect.signature(fun)
        ba = sig.bind(*args)
    except (TypeError, ValueError):
        return tuple(args)
    ba.apply_defaults()
    return tuple(ba.args) if not ba.kwargs else tuple(args)


def _nondiff_set(fun, nondiff_argnums, nondiff_argnames) -> tuple:
    nums = set(nondiff_argnums or ())
    if nondiff_argnames:
        params = list(inspect.signature(fun).parameters)
        for n in ([nondiff_argnames] if isinstance(nondiff_argnames, str) else nondiff_argnames):
            nums.add(params.index(n))
    return tuple(sorted(nums))


def _split_static(args, nondiff: tuple):
    static = [args[i] for i in nondiff if i < len(args)]
    dyn = [a for i, a in enumerate(args) if i not in nondiff]
    return static, dyn


def _merge_static(nondiff: tuple, static, dyn) -> list:
    out, s, d = [], iter(static), iter(dyn)
    for i in range(len(static) + len(dyn)):
        out.append(next(s) if i in nondiff else next(d))
    return out


def _root(x):
    """What a tracer stands for: an argument of a trace is its source, followed outwards."""
    while isinstance(x, Tracer):
        v = x.value
        if not isinstance(v.owner, ir.Block):
            break
        idx = ir.BlockArgument(v).arg_number
        src = x.trace.sources[idx] if idx < len(x.trace.sources) else None
        if src is None:
            break
        x = src
    return x


def _ancestors(trace) -> set:
    out = set()
    while trace is not None:
        out.add(id(trace))
        trace = trace.parent
    return out


def _liftable(src, into: Trace) -> bool:
    if isinstance(src, Tracer):
        return not src.trace.finished and id(src.trace) in _ancestors(into)
    return True


def _trace(parent: Trace, flat_fun: Callable, in_avals, sources, name: str, depth: int,
           concrete: bool = True) -> Traced:
    """Trace flat_fun(*tracers) -> flat outputs into a private function of parent's program, to
    which `depth` differentiations will apply."""
    return trace_function(flat_fun, in_avals, parent, Mode(concrete, depth), sources=sources, name=name)


def _tangent_aval(a: AbstractValue) -> AbstractValue:
    return AbstractValue(tuple(a.shape), a.dtype)


def _primal(T: Trace, owner, in_tree, static, ops, flat_fun, out_store: dict) -> tuple[Traced, Any]:
    """The primal function for these operands, traced once per program (at depth 0), and its
    output tree."""
    memo = T.program.custom_primals
    roots = [_root(o) for o in ops]
    key = (id(owner), in_tree, tuple(o.aval for o in ops), tuple(id(r) for r in roots),
           tuple(id(s) for s in static))
    hit = memo.get(key)
    if hit is not None and all(_liftable(c, T) for c in hit[0].captured):
        return hit[0], hit[1]
    traced = _trace(T, flat_fun, [o.aval for o in ops], ops, fun_name(owner.fun), 0)
    memo[key] = (traced, out_store["tree"], (owner, roots, static))  # the last keeps the ids unique
    return traced, out_store["tree"]


def _consts(*traced: Traced) -> list:
    """The union of the values the functions close over, by identity, in order."""
    out, seen = [], set()
    for t in traced:
        for c in t.captured:
            if id(c) not in seen:
                seen.add(id(c))
                out.append(c)
    return out


def _picker(consts: list):
    index = {id(c): i for i, c in enumerate(consts)}
    return lambda cs, t: [cs[index[id(c)]] for c in t.captured]


def _types(avals) -> list:
    """MLIR types of avals (in the current context)."""
    return [ir.Type.parse(a.spec.mlir()) for a in avals]


def _define(program, base: str, in_types, out_types, body) -> str:
    """A private function of the program whose body is body(args) -> results (func.call ops)."""
    name = program.fresh_symbol(base)
    with program.context, ir.Location.unknown():
        block = entry_block(new_function(program.module, name, in_types, out_types))
        with ir.InsertionPoint(block):
            func.ReturnOp(body(list(block.arguments)))
    return name


def _fcall(target: Traced | str, args, out_types) -> list:
    return call(target if isinstance(target, str) else target.name, args, out_types)


def _primal_callee(program, P: Traced, consts, in_types, out_types, n: int, pick, name: str) -> str:
    """The declaration's callee: P itself when it takes exactly the declaration's inputs."""
    if [id(c) for c in P.captured] == [id(c) for c in consts]:
        return P.name
    return _define(program, f"{name}_primal", in_types, out_types,
                   lambda a: _fcall(P, a[:n] + pick(a[n:], P), out_types))


def _tree_str(tree, avals) -> str:
    return str(tree_unflatten(tree, [a.str_short() for a in avals])).replace("'", "")


def _check_primal_out(kind: str, rule_name: str, primal_name: str, tree, avals, want_tree, want_avals):
    what = "JVP rule" if kind == "jvp" else "VJP fwd rule"
    if tree != want_tree:
        raise user_error(TypeError, f"Custom {what} {rule_name} for function {primal_name} must produce a pair "
                         "(list or tuple of length two) where the first element represents the primal output "
                         f"(equal in value to the output of the custom_{kind[:3]}-decorated function {primal_name}, "
                         "and in particular of the same container/pytree structure), but instead the rule output's "
                         f"first element had container/pytree structure:\n    {_tree_str(tree, avals)}\nwhile the "
                         f"custom_{kind[:3]}-decorated function {primal_name} had output container/pytree "
                         f"structure:\n    {_tree_str(want_tree, want_avals)}.")
    if any((a.shape, a.dtype) != (b.shape, b.dtype) for a, b in zip(avals, want_avals)):
        raise user_error(TypeError, f"Custom {what} {rule_name} for function {primal_name} must produce a pair "
                         "(list or tuple of length two) where the first element represents the primal output "
                         f"(equal in value to the output of the custom_{kind[:3]}-decorated function {primal_name}, "
                         "and in particular with leaves of the same shape/dtype), but instead the rule output's "
                         f"first element had shapes/dtypes of:\n    {_tree_str(tree, avals)}\nwhile the "
                         f"custom_{kind[:3]}-decorated function {primal_name} had output shapes/dtypes of:\n"
                         f"    {_tree_str(want_tree, want_avals)}")


def _pair(out, what: str, rule_name: str, primal_name: str, second: str):
    if not isinstance(out, (list, tuple)) or len(out) != 2:
        raise user_error(TypeError, f"Custom {what} {rule_name} for function {primal_name} must produce a pair "
                         f"(list or tuple of length two) representing primal outputs and {second}, but got {out!r}.")
    return out


# ---------------------------------------------------------------- shared by both

class _CustomDerivative:
    """A function with a custom derivative rule: the calling convention both kinds share.

    With nothing traced the function runs as written; in a trace that no differentiation
    will see (`ad_depth` 0) it is a plain call of the traced primal; otherwise
    `_custom_call` emits the custom call of its kind."""
    kind = ""

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = (), nondiff_argnames: Sequence[str] = ()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = _nondiff_set(fun, nondiff_argnums, nondiff_argnames)
        self.symbolic_zeros = False

    def __get__(self, obj, objtype=None):
        return self if obj is None else functools.partial(self, obj)

    def _check_defined(self, name: str) -> None:
        raise NotImplementedError

    def _check_static(self, static) -> None:
        """Hook: reject nondiff arguments this kind cannot take."""

    def __call__(self, *args, **kwargs):
        name = fun_name(self.fun)
        self._check_defined(name)
        args = _apply_defaults(self.fun, _resolve_kwargs(self.fun, args, kwargs, self.kind, name))
        static, dyn = _split_static(args, self.nondiff_argnums)
        self._check_static(static)
        leaves, in_tree = tree_flatten(tuple(dyn))
        vals = [to_array(x) for x in leaves]
        T = innermost_trace(vals)
        if T is None:  # nothing is traced: the function runs as written
            return self.fun(*args)
        ops = [T.lift(v) for v in vals]
        out_store = {}

        def primal_flat(*xs):
            out = self.fun(*_merge_static(self.nondiff_argnums, static, tree_unflatten(in_tree, list(xs))))
            out_leaves, out_store["tree"] = tree_flatten(out)
            return out_leaves

        depth = ad_depth(T)
        if depth == 0:
            P, p_tree = _primal(T, self, in_tree, static, ops, primal_flat, out_store)
            outs = T.emit_call(P.name, ops + [T.lift(c) for c in P.captured], P.out_avals)
            return tree_unflatten(p_tree, outs)
        return self._custom_call(T, depth, static, dyn, ops, in_tree, primal_flat, out_store, name)


# ---------------------------------------------------------------- custom_jvp

class custom_jvp(_CustomDerivative):
    """Set up a JAX-transformable function for a custom JVP rule definition (as jax.custom_jvp)."""
    kind = "custom_jvp"

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = (), nondiff_argnames: Sequence[str] = ()):
        super().__init__(fun, nondiff_argnums, nondiff_argnames)
        self.jvp = None

    def defjvp(self, jvp: Callable, symbolic_zeros: bool = False) -> Callable:
        """Define the rule: jvp(*nondiff_args, primals, tangents) -> (primal_out, tangent_out).
        Returns `jvp`, so it works as a decorator."""
        self.jvp = jvp
        self.symbolic_zeros = symbolic_zeros
        return jvp

    def defjvps(self, *jvps: Callable | None) -> None:
        """One rule per positional argument, jvp_i(t_i, primal_out, *primals) (None: zero); summed."""
        if self.nondiff_argnums:
            raise TypeError("Can't use ``defjvps`` with ``nondiff_argnums``.")

        def jvp(primals, tangents):
            primal_out = self(*primals)
            contributions = [rule(t, primal_out, *primals) for t, rule in zip(tangents, jvps) if rule is not None]
            if not contributions:
                return primal_out, zero_from_primal(primal_out)
            return primal_out, functools.reduce(lambda a, b: tree_map(lambda x, y: x + y, a, b), contributions)
        self.defjvp(jvp)

    def _check_defined(self, name: str) -> None:
        if self.jvp is None:
            raise AttributeError(f"No JVP defined for custom_jvp function {name} using defjvp.")

    def _custom_call(self, T, depth, static, dyn, ops, in_tree, primal_flat, out_store, name):
        n = len(ops)
        rule_name = fun_name(self.jvp)
        inexact = [i for i, o in enumerate(ops) if dtypes.is_inexact(o.aval.dtype)]
        symbolic = self.symbolic_zeros and len(inexact) <= MAX_SYMBOLIC_ZERO_LEAVES
        rules = {}

        def trace_rule(mask: tuple):
            """The rule with tangents for the inputs in `mask` (the others symbolic zeros)."""
            store = {}

            def rule_flat(*xs):
                primals = tree_unflatten(in_tree, list(xs[:n]))
                given = iter(xs[n:])
                tangent_leaves = []
                for i, o in enumerate(ops):
                    t = next(given) if i in mask else None
                    if self.symbolic_zeros and (t is None or i not in inexact):
                        t = SymbolicZero(_tangent_aval(o.aval))
                    elif t is None:
                        t = SymbolicZero(_tangent_aval(o.aval)).instantiate()
                    tangent_leaves.append(t)
                tangents = tree_unflatten(in_tree, tangent_leaves)
                out = self.jvp(*static, primals, tangents)
                p_out, t_out = _pair(out, "JVP rule", rule_name, name, "tangent outputs")
                p_leaves, p_tree = tree_flatten(p_out)
                t_leaves, t_tree = tree_flatten(t_out, is_leaf=lambda x: isinstance(x, SymbolicZero))
                if p_tree != t_tree:
                    raise user_error(TypeError, f"Custom JVP rule {rule_name} for function {name} must produce "
                                     "primal and tangent outputs with equal container (pytree) structures, but "
                                     f"got {p_tree} and {t_tree} respectively.")
                p_leaves = [to_array(p) for p in p_leaves]
                store["tree"], store["avals"] = p_tree, [p.aval for p in p_leaves]
                return p_leaves + [_tangent_out(t, p, rule_name) for t, p in zip(t_leaves, p_leaves)]

            in_avals = [o.aval for o in ops] + [_tangent_aval(ops[i].aval) for i in mask]
            return _trace(T, rule_flat, in_avals, list(ops) + [None] * len(mask), rule_name, depth - 1), store

        if symbolic:
            full = tuple(range(n))
            rules[full] = trace_rule(full)
            for k in range(1, len(inexact)):
                for subset in itertools.combinations(inexact, k):
                    rules[subset] = trace_rule(subset)
        else:
            full = tuple(range(n))
            rules[full] = trace_rule(full)
        P, p_tree = _primal(T, self, in_tree, static, ops, primal_flat, out_store)
        for _, store in rules.values():
            _check_primal_out("jvp", rule_name, name, store["tree"], store["avals"], p_tree, P.out_avals)
        rules = {mask: r for mask, (r, _) in rules.items()}
        consts = _consts(P, *rules.values())
        pick = _picker(consts)
        k = len(consts)
        program = T.program
        with program.context:
            in_types = _types([o.aval for o in ops] + [c.aval for c in consts])
            out_types = _types(P.out_avals)
            callee = _primal_callee(program, P, consts, in_types, out_types, n, pick, name)

            def rule_adapter(mask, r):
                t_types = [in_types[i] for i in mask]
                return _define(program, f"{rule_name}_rule", in_types + t_types, out_types * 2,
                               lambda a: _fcall(r, a[:n] + a[n + k:] + pick(a[n:n + k], r), out_types * 2))
            jvp_name = rule_adapter(full, rules[full])
            variants = {}
            for mask, r in rules.items():
                if mask != full:
                    bits = "".join("1" if i in mask else "0" for i in range(n))
                    variants[bits] = rule_adapter(mask, r)
            decl = program.declare(f"{name}_custom_jvp", in_types, out_types,
                                   {ATTR: custom_attr("custom_jvp", callee=callee, num_consts=k, variants=variants,
                                                      jvp=jvp_name)})
        outs = T.emit_call(decl, ops + [T.lift(c) for c in consts], P.out_avals)
        return tree_unflatten(p_tree, outs)


def _tangent_out(t, p, rule_name: str):
    """A rule's output tangent for primal output p, as an array of p's tangent type."""
    want = _tangent_aval(p.aval)
    if isinstance(t, SymbolicZero) or t is None:
        return SymbolicZero(want).instantiate()
    t = to_array(t)
    if not dtypes.is_inexact(want.dtype):  # integer outputs have no tangent (JAX's float0)
        return SymbolicZero(want).instantiate()
    if tuple(t.aval.shape) != tuple(want.shape) or t.aval.dtype != want.dtype:
        raise user_error(TypeError, "Custom JVP rule must produce primal and tangent outputs with corresponding "
                         f"shapes and dtypes. Expected {want.str_short()} (tangent type of {p.aval.str_short()}) "
                         f"but got {AbstractValue(tuple(t.aval.shape), t.aval.dtype).str_short()}.")
    return t


# ---------------------------------------------------------------- custom_vjp

class custom_vjp(_CustomDerivative):
    """Set up a JAX-transformable function for a custom VJP rule definition (as jax.custom_vjp)."""
    kind = "custom_vjp"

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = (), nondiff_argnames: Sequence[str] = ()):
        super().__init__(fun, nondiff_argnums, nondiff_argnames)
        self.fwd = None
        self.bwd = None

    def defvjp(self, fwd: Callable, bwd: Callable, symbolic_zeros: bool = False, optimize_remat: bool = False):
        """fwd(*args) -> (primal_out, residuals); bwd(*nondiff_args, residuals, g) -> one cotangent per
        (differentiable) argument, None for zero. `optimize_remat` is a memory optimization in JAX
        that never changes results; here residuals are always what fwd returns."""
        if symbolic_zeros:
            raise NotImplementedError("custom_vjp with symbolic_zeros=True is not supported by pullback")
        self.fwd, self.bwd = fwd, bwd

    def _check_defined(self, name: str) -> None:
        if self.fwd is None or self.bwd is None:
            raise AttributeError(f"No VJP defined for custom_vjp function {name} using defvjp.")

    def _check_static(self, static) -> None:
        for s in static:
            if any(isinstance(leaf, Tracer) for leaf in tree_flatten(s)[0]):
                raise UnexpectedTracerError(
                    "Found a JAX Tracer object passed as an argument to a custom_vjp function in a position "
                    "indicated by nondiff_argnums as non-differentiable. Tracers cannot be passed as "
                    "non-differentiable arguments to custom_vjp functions; instead, nondiff_argnums should only "
                    "be used for arguments that can't be or contain JAX tracers, e.g. function-valued arguments. "
                    "In particular, array-valued arguments should typically not be indicated as nondiff_argnums.")

    def _custom_call(self, T, depth, static, dyn, ops, in_tree, primal_flat, out_store, name):
        n = len(ops)
        fwd_name, bwd_name = fun_name(self.fwd), fun_name(self.bwd)
        store = {}

        def fwd_flat(*xs):
            out = self.fwd(*_merge_static(self.nondiff_argnums, static, tree_unflatten(in_tree, list(xs))))
            p_out, res = _pair(out, "VJP fwd rule", fwd_name, name, "residuals")
            p_leaves, store["tree"] = tree_flatten(p_out)
            p_leaves = [to_array(p) for p in p_leaves]
            store["avals"] = [p.aval for p in p_leaves]
            r_leaves, store["res_tree"] = tree_flatten(res)
            r_leaves = [to_array(r) for r in r_leaves]
            store["res_avals"] = [_tangent_aval(r.aval) for r in r_leaves]
            return p_leaves + r_leaves

        Fw = _trace(T, fwd_flat, [o.aval for o in ops], ops, fwd_name, depth - 1)
        P, p_tree = _primal(T, self, in_tree, static, ops, primal_flat, out_store)
        _check_primal_out("vjp", fwd_name, name, store["tree"], store["avals"], p_tree, P.out_avals)
        res_avals, res_tree = store["res_avals"], store["res_tree"]
        ct_avals = [_tangent_aval(a) for a in P.out_avals]
        in_avals = [o.aval for o in ops]
        arg_trees = [tree_flatten(a)[1] for a in dyn]
        process = functools.partial(_bwd_cotangents, bwd_name, name, in_tree, arg_trees, in_avals)
        nr = len(res_avals)

        def bwd_py(*xs):  # the user's bwd on pullback values: flat cotangents, one per input leaf
            res = tree_unflatten(res_tree, list(xs[:nr]))
            g = tree_unflatten(p_tree, list(xs[nr:]))
            return process(self.bwd(*static, res, g))

        if depth == 1 and T.concrete_backed:  # bwd runs in Python on concrete arrays, at the backward pass
            out_avals = [_tangent_aval(a) for a in in_avals]

            def bwd_on_host(*arrays):
                vals = [Array(np.asarray(a), av.dtype) for a, av in zip(arrays, res_avals + ct_avals)]
                return [np.asarray(c) for c in bwd_py(*vals)]
            key = ("custom_vjp bwd", self, self.bwd, res_tree, p_tree, in_tree, tuple(in_avals),
                   tuple(id(s) for s in static))
            Bw = _trace(T, lambda *xs: host_call(bwd_on_host, list(xs), out_avals, key=key, name=bwd_name),
                        res_avals + ct_avals, [None] * (nr + len(ct_avals)), bwd_name, depth - 1, concrete=False)
        else:
            Bw = _trace(T, bwd_py, res_avals + ct_avals, [None] * (nr + len(ct_avals)), bwd_name, depth - 1,
                        concrete=False)
        consts = _consts(P, Fw, Bw)
        pick = _picker(consts)
        k = len(consts)
        program = T.program
        with program.context:
            in_types = _types(in_avals + [c.aval for c in consts])
            out_types = _types(P.out_avals)
            res_types = _types(res_avals)
            bc_types = _types([c.aval for c in Bw.captured])
            nb = len(bc_types)
            ct_types = _types(ct_avals)
            callee = _primal_callee(program, P, consts, in_types, out_types, n, pick, name)
            fwd = _define(program, f"{fwd_name}_rule", in_types, out_types + res_types + bc_types,
                          lambda a: _fcall(Fw, a[:n] + pick(a[n:], Fw), out_types + res_types) + pick(a[n:], Bw))
            bwd = _define(program, f"{bwd_name}_rule", res_types + bc_types + ct_types, _types(in_avals),
                          lambda a: _fcall(Bw, a[:nr] + a[nr + nb:] + a[nr:nr + nb], _types(in_avals)))
            decl = program.declare(f"{name}_custom_vjp", in_types, out_types,
                                   {ATTR: custom_attr("custom_vjp", callee=callee, num_consts=k, fwd=fwd, bwd=bwd)})
        outs = T.emit_call(decl, ops + [T.lift(c) for c in consts], P.out_avals)
        return tree_unflatten(p_tree, outs)


def _bwd_cotangents(bwd_name: str, name: str, in_tree, arg_trees, in_avals, cts) -> list:
    """bwd's output as one cotangent per input leaf (zeros for None), checked against the inputs."""
    if isinstance(cts, list) and len(cts) == len(arg_trees):
        cts = tuple(cts)
    if not isinstance(cts, tuple) or len(cts) != len(arg_trees):
        got = tree_flatten(cts)[1]
        raise user_error(TypeError, "Custom VJP bwd rule must produce an output with the same container (pytree) "
                         "structure as the args tuple of the primal function, and in particular must produce a "
                         "tuple of length equal to the number of arguments to the primal function, but got bwd "
                         f"output structure {got} for primal input structure {in_tree}.")
    flat = []
    for i, (ct, tree) in enumerate(zip(cts, arg_trees)):
        if ct is None:
            flat += [None] * tree.num_leaves
            continue
        leaves, got = tree_flatten(ct, is_leaf=lambda x: x is None)
        if got != tree and tree_flatten(ct)[1] != tree:
            raise user_error(TypeError, f"Custom VJP bwd rule {bwd_name} for function {name} must produce, for "
                             f"argument #{i}, a cotangent of the argument's structure {tree}, but got {got}.")
        flat += leaves
    out = []
    for i, (c, a) in enumerate(zip(flat, in_avals)):
        want = _tangent_aval(a)
        if c is None or not dtypes.is_inexact(want.dtype):
            out.append(SymbolicZero(want).instantiate())
            continue
        c = to_array(c)
        if tuple(c.aval.shape) != tuple(want.shape):
            raise user_error(ValueError, "Custom VJP bwd rule must produce an output with the same shape/dtypes "
                             f"as the args tuple of the primal function, but at leaf #{i} the bwd rule {bwd_name} "
                             f"produced an output of shape {tuple(c.aval.shape)} for an input of shape "
                             f"{tuple(want.shape)}.")
        if c.aval.dtype != want.dtype:
            c = lax.convert_element_type(c, want.dtype)
        out.append(c)
    return out


__all__ = ["SymbolicZero", "UnexpectedTracerError", "closure_convert", "custom_jvp", "custom_vjp", "linear_call",
           "zero_from_primal"]

from .linear_call import closure_convert, linear_call  # noqa: E402  (built on the tracing above, not on this module)
