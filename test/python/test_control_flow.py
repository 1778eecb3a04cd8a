"""lax control flow (frontend/control_flow.py): values against JAX, eagerly and under jit.

Each program is written once against a (lax, jnp) pair and run with pullback's and JAX's;
results must agree in value and dtype (weak types included). Error cases check JAX's
exception type and that the message names the user's line (the failing call is written on
the line of `here()`, as in test_errors.py).
"""
from __future__ import annotations

import os

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax as jlax

import pullback as pb
import pullback.numpy as pnp
from pullback import lax as plax
from pullback.errors import ConcretizationTypeError

from control_reference import run_reference
from test_errors import here

FILE = os.path.basename(__file__)
RNG = np.random.default_rng(0)


def assert_names_line(excinfo, line: int, *words: str):
    msg = str(excinfo.value)
    assert f"{FILE}:{line}" in msg, msg
    for w in words:
        assert w in msg, msg


def assert_same(ours, theirs):
    """Equal pytrees of equal values, dtypes and weak types."""
    o_leaves, o_tree = jax.tree_util.tree_flatten(ours)
    t_leaves, t_tree = jax.tree_util.tree_flatten(theirs)
    assert str(o_tree) == str(t_tree), (o_tree, t_tree)
    for o, t in zip(o_leaves, t_leaves):
        assert np.asarray(o).dtype == np.asarray(t).dtype, (o, t)
        assert getattr(o, "weak_type", False) == getattr(t, "weak_type", False), (o, t)
        np.testing.assert_allclose(np.asarray(o), np.asarray(t), rtol=1e-6, atol=1e-6)


def f32(*shape):
    return RNG.normal(size=shape).astype(np.float32)


def check(make, *args, jit: bool):
    """make(lax, jnp) -> function; pullback's (jitted or eager) must agree with JAX's."""
    ours = make(plax, pnp)
    assert_same((pb.jit(ours) if jit else ours)(*args), make(jlax, jnp)(*args))


modes = pytest.mark.parametrize("jit", [False, True], ids=["eager", "jit"])


# ---------------------------------------------------------------- while_loop and fori_loop

@modes
def test_while_loop_pytree_carry(jit):
    def make(lax, np_):
        def f(x):
            def body(c):
                return {"i": c["i"] + 1, "acc": (c["acc"][0] * 1.5, c["acc"][1] + c["i"])}
            return lax.while_loop(lambda c: c["i"] < 5, body, {"i": 0, "acc": (x, np_.float32(0.0))})
        return f
    check(make, f32(3), jit=jit)


@modes
def test_while_loop_promotes_weak_carry(jit):
    # a weak int carry whose body returns a float is carried as a float (JAX's promotion)
    check(lambda lax, np_: lambda x: lax.while_loop(lambda c: c < 3, lambda c: c + x, 0), np.float32(0.75), jit=jit)


@modes
def test_while_loop_zero_iterations(jit):
    check(lambda lax, np_: lambda x: lax.while_loop(lambda c: c[0] > 1e9, lambda c: (c[0] * 2, c[1]), (x[0], x)),
          f32(2), jit=jit)


@modes
def test_while_loop_closures(jit):
    # the cond and the body close over an outer array and over values of the enclosing trace
    scale = f32(3)

    def make(lax, np_):
        def f(x, limit):
            shift = np_.sum(x) * 0.1
            return lax.while_loop(lambda c: c[0] < limit, lambda c: (c[0] + 1, c[1] * scale + shift), (0, x))
        return f
    check(make, f32(3), np.int32(4), jit=jit)


@modes
def test_fori_loop_static_and_dynamic(jit):
    def make(lax, np_):
        def f(x, n):
            a = lax.fori_loop(2, 7, lambda i, c: c * 0.5 + i, x)
            b = lax.fori_loop(0, n, lambda i, c: c + i * c, x)
            return a, b
        return f
    check(make, f32(2), np.int32(4), jit=jit)


@modes
def test_fori_loop_unrolled_and_empty(jit):
    def make(lax, np_):
        def f(x):
            return (lax.fori_loop(0, 7, lambda i, c: c + i, x, unroll=3),
                    lax.fori_loop(5, 2, lambda i, c: c + i, x),
                    lax.fori_loop(0, 4, lambda i, c: c * 2, 1))
        return f
    check(make, np.float32(1.0), jit=jit)


def test_fori_loop_static_bounds_become_a_scan():
    text = str(pb.make_jaxpr(lambda x: plax.fori_loop(0, 3, lambda i, c: c + i, x))(1.0))
    assert 'kind = "scan"' in text and "length = 3" in text
    text = str(pb.make_jaxpr(lambda x, n: plax.fori_loop(0, n, lambda i, c: c + i, x))(1.0, 3))
    assert 'kind = "while"' in text


# ---------------------------------------------------------------- scan and map

@modes
def test_scan_pytrees(jit):
    def make(lax, np_):
        def f(xs, ws):
            def step(c, x):
                h, n = c
                h = np_.tanh(h * x["a"] + x["b"] @ ws)
                return (h, n + 1), {"h": h, "both": (h * 2, n)}
            return lax.scan(step, (np_.zeros(3, np.float32), 0), {"a": xs[:, :3], "b": xs})
        return f
    check(make, f32(5, 4), f32(4, 3), jit=jit)


@modes
@pytest.mark.parametrize("unroll", [1, 2, 3, True])
def test_scan_reverse_and_unroll(jit, unroll):
    def make(lax, np_):
        return lambda xs: lax.scan(lambda c, x: (c * 0.9 + x, c), np_.zeros(2, np.float32), xs, reverse=True,
                                   unroll=unroll)
    check(make, f32(7, 2), jit=jit)


@modes
def test_scan_without_xs(jit):
    def make(lax, np_):
        return lambda x: lax.scan(lambda c, _: (c * 2.0, c + 1), x, None, length=4)
    check(make, f32(3), jit=jit)


@modes
def test_scan_zero_length_and_no_carry(jit):
    def make(lax, np_):
        def f(xs):
            empty = lax.scan(lambda c, x: (c + x, x * 2), np_.float32(1.0), xs[:0])
            ys = lax.scan(lambda c, x: (c, (x > 0, x.astype(np_.int32))), (), xs)
            return empty, ys
        return f
    check(make, f32(4), jit=jit)


@modes
def test_scan_unsigned_and_bool_rows(jit):
    def make(lax, np_):
        return lambda xs, k: lax.scan(lambda c, x: (c ^ x, (x * k, x > k)), np_.uint32(0), xs)
    check(make, np.array([1, 7, 4000000000, 3], np.uint32), np.uint32(3), jit=jit)


@modes
def test_map(jit):
    def make(lax, np_):
        def f(xs):
            return (lax.map(lambda x: (np_.sum(x), x * 2), xs),
                    lax.map(lambda x: x @ x, xs, batch_size=2),
                    lax.map(lambda x: np_.max(x), xs, batch_size=5))
        return f
    check(make, f32(5, 3), jit=jit)


# ---------------------------------------------------------------- cond and switch

@modes
@pytest.mark.parametrize("p", [True, False])
def test_cond(jit, p):
    def make(lax, np_):
        def f(pred, x, y):
            return lax.cond(pred, lambda a, b: (a * b, {"s": np_.sum(a)}), lambda a, b: (a - b, {"s": a[0]}), x, y)
        return f
    check(make, np.bool_(p), f32(3), f32(3), jit=jit)


@modes
@pytest.mark.parametrize("pred", [np.int32(0), np.int32(-3), np.float32(0.5), np.float32(0.0)])
def test_cond_numeric_predicates(jit, pred):
    check(lambda lax, np_: lambda p, x: lax.cond(p, lambda v: v + 1, lambda v: v - 1, x), pred, f32(2), jit=jit)


@modes
def test_cond_old_five_argument_form_and_keyword_operand(jit):
    def make(lax, np_):
        def f(p, x):
            a = lax.cond(p, x, lambda v: v * 2, x + 1, lambda v: v * 3)
            b = lax.cond(p, lambda v: v[0], lambda v: v[1], operand=(x, x * 5))
            return a, b
        return f
    check(make, np.bool_(False), f32(2), jit=jit)


@modes
def test_cond_closures_over_tracers_and_arrays(jit):
    table = f32(3)

    def make(lax, np_):
        def f(p, x):
            y = x * 3
            return lax.cond(p > 0, lambda: y + table, lambda: x - table)
        return f
    check(make, np.float32(1.0), f32(3), jit=jit)
    check(make, np.float32(-1.0), f32(3), jit=jit)


@modes
@pytest.mark.parametrize("index", [-4, 0, 1, 2, 9])
def test_switch_clamps(jit, index):
    def make(lax, np_):
        return lambda i, x: lax.switch(i, [lambda v: v + 1, lambda v: v * 2, lambda v: np_.exp(v)], x)
    check(make, np.int32(index), f32(3), jit=jit)


@modes
def test_switch_one_branch_and_two(jit):
    def make(lax, np_):
        def f(i, x):
            return lax.switch(i, [lambda v: v + 1], x), lax.switch(i, [lambda v: v + 1, lambda v: -v], x)
        return f
    check(make, np.int32(1), f32(2), jit=jit)


# ---------------------------------------------------------------- nesting

@modes
def test_scan_in_cond_in_scan(jit):
    def make(lax, np_):
        def f(xs):
            def outer(c, x):
                def inner_scan(c):
                    return lax.scan(lambda a, y: (a + y * x, a), c, xs)[0]  # closes over xs and x
                c = lax.cond(x > 0, inner_scan, lambda c: c - x, c)
                return c, lax.fori_loop(0, 3, lambda i, v: v + c, x)
            return lax.scan(outer, np_.float32(0.0), xs)
        return f
    check(make, f32(4), jit=jit)


@modes
def test_while_in_switch_in_fori(jit):
    def make(lax, np_):
        def f(x):
            def body(i, v):
                branches = [lambda u: u + 1.0,
                            lambda u: lax.while_loop(lambda w: np_.sum(w) < 10.0 * (i + 1), lambda w: w * 2.0, u)]
                return lax.switch(i % 2, branches, v)
            return lax.fori_loop(0, 5, body, x)
        return f
    check(make, np.abs(f32(3)) + 0.5, jit=jit)


# Carries are written in place (one buffer per carry): these programs make a new carry read
# an old one after another carry was written, or start an inner loop from a carry the outer
# body still reads.
ALIASING = {
    "swap": lambda lax, np_: lambda a, b: lax.fori_loop(0, 3, lambda i, c: (c[1], c[0] + 1), (a, b)),
    "swap_while": lambda lax, np_: lambda a, b: lax.while_loop(lambda c: c[2] < 3,
                                                               lambda c: (c[1], c[0] * 2, c[2] + 1), (a, b, 0)),
    "duplicate": lambda lax, np_: lambda a, b: lax.fori_loop(0, 3, lambda i, c: (c[0] + 1, c[0] + 1), (a, b)),
    "rotate": lambda lax, np_: lambda a, b: lax.scan(lambda c, x: ((c[1], c[2], c[0] + x), c[0]), (a, b, a * 2),
                                                     np_.stack([a, b, a])),
    "outer_value": lambda lax, np_: lambda a, b: lax.fori_loop(0, 3, lambda i, c: (b, c[0] * 2), (a, b)),
    "reversed_rows": lambda lax, np_: lambda a, b: lax.fori_loop(0, 2, lambda i, c: c[::-1] + 1, np_.stack([a, b])),
    "inner_from_outer_carry": lambda lax, np_: lambda a, b: lax.scan(
        lambda c, x: (lax.fori_loop(0, 2, lambda i, v: v * 2 + x, c), c), a, np_.stack([a, b])),
    "inner_while_from_outer_carry": lambda lax, np_: lambda a, b: lax.scan(
        lambda c, x: (lax.while_loop(lambda v: v[1] < 2, lambda v: (v[0] + c, v[1] + 1), (c, 0))[0], (c, x)), a,
        np_.stack([a, b, b])),
    "cond_swaps": lambda lax, np_: lambda a, b: lax.fori_loop(
        0, 4, lambda i, c: lax.cond(i % 2 == 0, lambda: (c[1], c[0]), lambda: (c[0] + c[1], c[1])), (a, b)),
}


@modes
@pytest.mark.parametrize("name", sorted(ALIASING))
def test_carries_written_in_place(jit, name):
    check(ALIASING[name], f32(3), f32(3), jit=jit)


def test_effects_in_bodies_run_in_order(capsys):
    def body(i, x):
        pb.debug.print("step {i}", i=i)
        return x + 1
    assert float(pb.jit(lambda n: plax.fori_loop(0, n, body, 0.0))(3)) == 3.0
    assert capsys.readouterr().out.split("\n")[:3] == ["step 0", "step 1", "step 2"]


# ---------------------------------------------------------------- select_n, associative_scan

@modes
def test_select_n(jit):
    def make(lax, np_):
        def f(which, b, x, y, z):
            return (lax.select_n(which, x, y, z), lax.select_n(b, x, y), lax.select_n(np_.int32(1), x, y, z),
                    lax.select_n(b[0], x, y), lax.select_n(which, x))
        return f
    check(make, np.array([2, 0, 1, 2], np.int32), np.array([True, False, True, False]), f32(4), f32(4), f32(4),
          jit=jit)


@modes
@pytest.mark.parametrize("n", [1, 2, 5, 8])
def test_associative_scan(jit, n):
    def make(lax, np_):
        def f(xs, ys):
            return (lax.associative_scan(lambda a, b: a + b, xs),
                    lax.associative_scan(lambda a, b: a * b, xs, reverse=True),
                    lax.associative_scan(lambda a, b: (a[0] * b[0], a[1] * b[0] + b[1]), (xs, ys)),
                    lax.associative_scan(np_.maximum, ys, axis=-1))
        return f
    check(make, f32(n, 3), f32(n, 3), jit=jit)


def test_associative_scan_keeps_negative_zero():
    out = np.asarray(plax.associative_scan(pnp.minimum, pnp.array([0.0, -0.0, 1.0, -0.0])))
    assert list(np.signbit(out)) == [False, True, True, True]


# ---------------------------------------------------------------- the declaration's numpy semantics

@pytest.mark.parametrize("name", ["while", "scan", "switch", "nested"])
def test_compiled_matches_reference_semantics(name):
    """The compiled program agrees with the numpy meaning of its pb IR (control_reference.py).
    (Every input is an argument: values a jitted function closes over are extra arguments.)"""
    programs = {
        "while": (lambda x, i: plax.while_loop(lambda c: c[1] < 4, lambda c: (c[0] * 1.5 - 1, c[1] + 1), (x, i)),
                  [f32(3), np.int32(0)]),
        "scan": (lambda xs: plax.scan(lambda c, x: (c + x, c * x), pnp.zeros(2), xs, reverse=True, unroll=2),
                 [f32(5, 2)]),
        "switch": (lambda i, x: plax.switch(i, [pnp.sin, pnp.cos, pnp.exp], x), [np.int32(7), f32(3)]),
        "nested": (lambda xs, c0: plax.scan(lambda c, x: (plax.cond(x > 0, lambda: c + x, lambda: c * x), c), c0,
                                            xs), [f32(6), np.float32(1)]),
    }
    fun, args = programs[name]
    lowered = pb.jit(fun).lower(*args)
    want = run_reference(str(lowered), lowered.name, args)
    got = jax.tree_util.tree_leaves(pb.jit(fun)(*args))
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), w, rtol=1e-6)


def test_control_flow_is_one_declaration_call():
    text = str(pb.make_jaxpr(lambda x: plax.cond(x > 0, lambda: x, lambda: -x))(1.0))
    assert 'pb.control = {branches = [' in text and 'kind = "cond"' in text


# ---------------------------------------------------------------- errors

@modes
def test_while_carry_type_changes(jit):
    lines = []

    def f(x):
        lines.append(here()); return plax.while_loop(lambda c: c < 3, lambda c: c.astype(pnp.float32), x)  # noqa: E702
    with pytest.raises(TypeError) as e:
        (pb.jit(f) if jit else f)(np.int32(0))
    assert_names_line(e, lines[0], "carry input and carry output must have equal types", "int32[]", "float32[]")


@modes
def test_while_carry_structure_changes(jit):
    lines = []

    def f(x):
        lines.append(here()); return plax.while_loop(lambda c: True, lambda c: (c, c), x)  # noqa: E702
    with pytest.raises(TypeError) as e:
        (pb.jit(f) if jit else f)(np.float32(0))
    assert_names_line(e, lines[0], "same pytree structure")


@modes
def test_while_cond_must_be_boolean_scalar(jit):
    lines = []

    def f(x):
        lines.append(here()); return plax.while_loop(lambda c: c, lambda c: c, x)  # noqa: E702
    with pytest.raises(TypeError) as e:
        (pb.jit(f) if jit else f)(np.ones(2, np.float32))
    assert_names_line(e, lines[0], "cond_fun must return a boolean scalar", "float32[2]")


@modes
def test_python_if_on_a_carry_is_a_concretization_error(jit):
    lines = []

    def body(c):
        lines.append(here() + 1)
        if c > 0:
            return c - 1
        return c

    def f(x):
        return plax.while_loop(lambda c: c > 0, body, x)
    with pytest.raises(ConcretizationTypeError) as e:
        (pb.jit(f) if jit else f)(np.float32(3))
    assert isinstance(e.value, TypeError)
    assert_names_line(e, lines[0], "Abstract tracer value")


@modes
def test_cond_branch_types_differ(jit):
    lines = []

    def f(p, x):
        lines.append(here()); return plax.cond(p, lambda: x, lambda: x.astype(pnp.int32))  # noqa: E702
    with pytest.raises(TypeError) as e:
        (pb.jit(f) if jit else f)(True, f32(2))
    assert_names_line(e, lines[0], "branches must have equal output types", "float32[2]", "int32[2]")


@modes
def test_cond_branch_structures_differ(jit):
    lines = []

    def f(p, x):
        lines.append(here()); return plax.cond(p, lambda: (x, x), lambda: x)  # noqa: E702
    with pytest.raises(TypeError) as e:
        (pb.jit(f) if jit else f)(True, f32(2))
    assert_names_line(e, lines[0], "same pytree structure")


@modes
@pytest.mark.parametrize("pred, words", [(np.array([True, False]), ("Pred must be scalar", "(2,)")),
                                         (np.complex64(1j), ("Pred type must be either boolean or number",
                                                             "complex64"))])
def test_cond_bad_predicate(jit, pred, words):
    lines = []

    def f(p, x):
        lines.append(here()); return plax.cond(p, lambda: x, lambda: x)  # noqa: E702
    with pytest.raises(TypeError) as e:
        (pb.jit(f) if jit else f)(pred, f32(2))
    assert_names_line(e, lines[0], *words)


def test_switch_errors():
    with pytest.raises(ValueError) as e:
        line = here(); plax.switch(0, [], 1.0)  # noqa: E702
    assert_names_line(e, line, "Empty branch sequence")
    with pytest.raises(TypeError) as e:
        line = here(); plax.switch(1.0, [lambda x: x, lambda x: x], 1.0)  # noqa: E702
    assert_names_line(e, line, "Index type must be an integer")
    with pytest.raises(TypeError) as e:
        line = here(); plax.cond(True, 1.0, 2.0)  # noqa: E702
    assert_names_line(e, line, "should be callable")


@modes
def test_scan_inconsistent_lengths(jit):
    lines = []

    def f(a, b):
        lines.append(here()); return plax.scan(lambda c, x: (c, x[0] + x[1]), 0.0, (a, b))  # noqa: E702
    with pytest.raises(ValueError) as e:
        (pb.jit(f) if jit else f)(f32(3), f32(4))
    assert_names_line(e, lines[0], "different leading axis sizes: 3, 4")


def test_scan_length_errors():
    with pytest.raises(ValueError) as e:
        line = here(); plax.scan(lambda c, x: (c, x), 0.0)  # noqa: E702
    assert_names_line(e, line, "no values to scan over and `length` not provided")
    with pytest.raises(ValueError) as e:
        line = here(); plax.scan(lambda c, x: (c, x), 0.0, pnp.ones(3), length=4)  # noqa: E702
    assert_names_line(e, line, "disagrees with leading axis sizes [3]")
    with pytest.raises(ValueError) as e:
        line = here(); plax.scan(lambda c, x: (c, x), 0.0, pnp.ones(()))  # noqa: E702
    assert_names_line(e, line, "no leading axis")
    with pytest.raises(ValueError) as e:
        line = here(); plax.scan(lambda c, x: (c, x), 0.0, pnp.ones(3), unroll=0)  # noqa: E702
    assert_names_line(e, line, "`unroll` must be")


@modes
def test_scan_body_must_return_a_pair(jit):
    lines = []

    def f(xs):
        lines.append(here()); return plax.scan(lambda c, x: c + x, 0.0, xs)  # noqa: E702
    with pytest.raises(TypeError) as e:
        (pb.jit(f) if jit else f)(f32(3))
    assert_names_line(e, lines[0], "scan body output must be a pair")


@modes
def test_scan_carry_type_changes(jit):
    lines = []

    def f(xs):
        lines.append(here()); return plax.scan(lambda c, x: (pnp.stack([c, c]), x), pnp.float32(0), xs)  # noqa: E702
    with pytest.raises(TypeError) as e:
        (pb.jit(f) if jit else f)(f32(3))
    assert_names_line(e, lines[0], "carry input and carry output must have equal types", "float32[]",
                      "float32[2]", "shapes")


def test_fori_loop_unroll_needs_static_bounds():
    lines = []

    def f(n):
        lines.append(here()); return plax.fori_loop(0, n, lambda i, c: c + 1, 0, unroll=2)  # noqa: E702
    with pytest.raises(ValueError) as e:
        pb.jit(f)(3)
    assert_names_line(e, lines[0], "statically known")


def test_select_n_errors():
    with pytest.raises(TypeError) as e:
        line = here(); plax.select_n(True, pnp.ones(2), pnp.ones(2), pnp.ones(2))  # noqa: E702
    assert_names_line(e, line, "cannot have > 2 cases")
    with pytest.raises(TypeError) as e:
        line = here(); plax.select_n(pnp.int32(0), pnp.ones(2), pnp.ones(3))  # noqa: E702
    assert_names_line(e, line, "same shapes")
    with pytest.raises(ValueError) as e:
        line = here(); plax.select_n(0)  # noqa: E702
    assert_names_line(e, line, "no cases")


# ---------------------------------------------------------------- transformations (phase B)

def _loop(x):
    return plax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1] * 2.0), (0, x))[1]


@pytest.mark.parametrize("transform", ["grad", "jit_grad", "vjp", "hessian"])
def test_reverse_mode_of_while_loop_is_an_error(transform):
    """As in JAX: the number of iterations is unknown before the loop runs (passes/control_partial_eval.py)."""
    run = {"grad": lambda: pb.grad(_loop)(1.0), "jit_grad": lambda: pb.jit(pb.grad(_loop))(1.0),
           "vjp": lambda: pb.vjp(_loop, 1.0), "hessian": lambda: pb.hessian(_loop)(1.0)}[transform]
    with pytest.raises(ValueError) as e:
        run()
    assert "Reverse-mode differentiation does not work for lax.while_loop" in str(e.value)
    assert "Try using lax.scan" in str(e.value)
    assert f"{FILE}:{_loop.__code__.co_firstlineno + 1}" in str(e.value), str(e.value)
