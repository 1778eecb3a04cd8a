"""custom_jvp and custom_vjp: the examples of JAX's "Advanced automatic differentiation"
tutorial (sections "Custom derivative rules for JAX-transformable Python functions" and
"More features and details"), run as written with pullback in place of jax and checked
against the tutorial's printed output; rules scaled by 10 to prove which rule each
transformation used, at every order; vmap and jit of custom functions; error messages.
"""
from __future__ import annotations

import inspect
import math
import sys
from collections import namedtuple
from functools import partial

import numpy as np
import pytest

import pullback as jax
import pullback.numpy as jnp
from pullback import custom_jvp, custom_vjp, grad, jit, jvp, vjp, vmap
from pullback.custom_derivatives import SymbolicZero, UnexpectedTracerError


def close(a, b, tol=1e-6):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def printed(x) -> str:
    return str(x)


# ---------------------------------------------------------------- TL;DR

def _tldr_jvp_f():
    @custom_jvp
    def f(x, y):
        return jnp.sin(x) * y

    @f.defjvp
    def f_jvp(primals, tangents):
        x, y = primals
        x_dot, y_dot = tangents
        primal_out = f(x, y)
        tangent_out = jnp.cos(x) * x_dot * y + jnp.sin(x) * y_dot
        return primal_out, tangent_out
    return f


def _tldr_jvps_f():
    @custom_jvp
    def f(x, y):
        return jnp.sin(x) * y
    f.defjvps(lambda x_dot, primal_out, x, y: jnp.cos(x) * x_dot * y,
              lambda y_dot, primal_out, x, y: jnp.sin(x) * y_dot)
    return f


@pytest.mark.parametrize("make", [_tldr_jvp_f, _tldr_jvps_f], ids=["defjvp", "defjvps"])
def test_tldr_custom_jvp(make):
    f = make()
    assert printed(f(2., 3.)) == "2.7278922"
    y, y_dot = jvp(f, (2., 3.), (1., 0.))
    assert printed(y) == "2.7278922"
    assert printed(y_dot) == "-1.2484405"
    assert printed(grad(f)(2., 3.)) == "-1.2484405"


def test_tldr_custom_vjp():
    @custom_vjp
    def f(x, y):
        return jnp.sin(x) * y

    def f_fwd(x, y):
        # Returns primal output and residuals to be used in backward pass by `f_bwd`.
        return f(x, y), (jnp.cos(x), jnp.sin(x), y)

    def f_bwd(res, g):
        cos_x, sin_x, y = res  # Gets residuals computed in `f_fwd`
        return (cos_x * g * y, sin_x * g)
    f.defvjp(f_fwd, f_bwd)
    assert printed(grad(f)(2., 3.)) == "-1.2484405"


# ---------------------------------------------------------------- numerical stability

def test_log1pexp_without_rule_is_nan():
    def log1pexp(x):
        return jnp.log(1. + jnp.exp(x))
    assert printed(jit(log1pexp)(3.)) == "3.0485873"
    assert printed(jit(grad(log1pexp))(3.)) == "0.95257413"
    assert printed(vmap(jit(grad(log1pexp)))(jnp.arange(3.))) == "[0.5       0.7310586 0.8807971]"
    assert printed(grad(log1pexp)(100.)) == "nan"


def _log1pexp_defjvp():
    @custom_jvp
    def log1pexp(x):
        return jnp.log(1. + jnp.exp(x))

    @log1pexp.defjvp
    def log1pexp_jvp(primals, tangents):
        x, = primals
        x_dot, = tangents
        ans = log1pexp(x)
        ans_dot = (1 - 1/(1 + jnp.exp(x))) * x_dot
        return ans, ans_dot
    return log1pexp


def _log1pexp_defjvps():
    @custom_jvp
    def log1pexp(x):
        return jnp.log(1. + jnp.exp(x))
    log1pexp.defjvps(lambda t, ans, x: (1 - 1/(1 + jnp.exp(x))) * t)
    return log1pexp


@pytest.mark.parametrize("make", [_log1pexp_defjvp, _log1pexp_defjvps], ids=["defjvp", "defjvps"])
def test_log1pexp_with_rule(make):
    log1pexp = make()
    assert printed(grad(log1pexp)(100.)) == "1.0"
    assert printed(jit(log1pexp)(3.)) == "3.0485873"
    assert printed(jit(grad(log1pexp))(3.)) == "0.95257413"
    assert printed(vmap(jit(grad(log1pexp)))(jnp.arange(3.))) == "[0.5       0.7310586 0.8807971]"


# ---------------------------------------------------------------- differentiation convention

def test_convention_at_zero():
    def f(x):
        return x / (1 + jnp.sqrt(x))
    assert printed(grad(f)(0.)) == "nan"

    @custom_jvp
    def f(x):
        return x / (1 + jnp.sqrt(x))

    @f.defjvp
    def f_jvp(primals, tangents):
        x, = primals
        x_dot, = tangents
        ans = f(x)
        ans_dot = ((jnp.sqrt(x) + 2) / (2 * (jnp.sqrt(x) + 1)**2)) * x_dot
        return ans, ans_dot
    assert printed(grad(f)(0.)) == "1.0"

    @custom_jvp
    def g(x):
        return x / (1 + jnp.sqrt(x))
    g.defjvps(lambda t, ans, x: ((jnp.sqrt(x) + 2) / (2 * (jnp.sqrt(x) + 1)**2)) * t)
    assert printed(grad(g)(0.)) == "1.0"


# ---------------------------------------------------------------- gradient clipping

def _clip_gradient():
    @custom_vjp
    def clip_gradient(lo, hi, x):
        return x  # identity function

    def clip_gradient_fwd(lo, hi, x):
        return x, (lo, hi)  # save bounds as residuals

    def clip_gradient_bwd(res, g):
        lo, hi = res
        return (None, None, jnp.clip(g, lo, hi))  # use None to indicate zero cotangents for lo and hi
    clip_gradient.defvjp(clip_gradient_fwd, clip_gradient_bwd)
    return clip_gradient


def test_gradient_clipping():
    clip_gradient = _clip_gradient()
    t = jnp.linspace(0, 10, 1000)
    close(jnp.sin(t), np.sin(np.linspace(0, 10, 1000, dtype=np.float32)), 1e-5)
    close(vmap(grad(jnp.sin))(t), np.cos(np.asarray(t)), 1e-5)

    def clip_sin(x):
        x = clip_gradient(-0.75, 0.75, x)
        return jnp.sin(x)
    close(clip_sin(t), np.sin(np.asarray(t)), 1e-5)
    close(vmap(grad(clip_sin))(t), np.clip(np.cos(np.asarray(t)), -0.75, 0.75), 1e-5)
    # outside vmap too (bwd as a host callback), and under jit (bwd traced)
    for x in (0.3, 2.0, 3.1):
        close(grad(clip_sin)(x), np.clip(np.cos(x), -0.75, 0.75))
        close(jit(grad(clip_sin))(x), np.clip(np.cos(x), -0.75, 0.75))


# ---------------------------------------------------------------- Python debugging

def test_python_debugging_bwd_sees_concrete_values():
    """The tutorial's pdb example with a recorder in place of pdb.set_trace()."""
    seen = []

    @custom_vjp
    def debug(x):
        return x  # acts like identity

    def debug_fwd(x):
        return x, x

    def debug_bwd(x, g):
        seen.append((x, g))  # import pdb; pdb.set_trace()
        return (g,)
    debug.defvjp(debug_fwd, debug_bwd)

    def foo(x):
        y = x ** 2
        y = debug(y)  # insert pdb in corresponding backward pass step
        return jnp.sin(y)

    out = jax.grad(foo)(3.)
    (x, g), = seen
    assert isinstance(x, jax.Array) and isinstance(g, jax.Array)  # concrete, not tracers
    assert repr(x) == "Array(9., dtype=float32)"
    assert repr(g) == "Array(-0.91113025, dtype=float32)"
    close(out, 6 * math.cos(9.0))
    # under jit the backward pass is compiled with the rest: bwd is traced
    seen.clear()
    close(jit(grad(foo))(3.), 6 * math.cos(9.0))
    assert "Traced" in repr(seen[0][0])


# ---------------------------------------------------------------- basic usage

def test_custom_jvp_basic_and_higher_order():
    @custom_jvp
    def f(x):
        return jnp.sin(x)

    def f_jvp(primals, tangents):
        x, = primals
        t, = tangents
        return f(x), jnp.cos(x) * t
    assert f.defjvp(f_jvp) is f_jvp
    assert printed(f(3.)) == "0.14112"
    y, y_dot = jvp(f, (3.,), (1.,))
    assert printed(y) == "0.14112"
    assert printed(y_dot) == "-0.9899925"
    assert printed(grad(f)(3.)) == "-0.9899925"
    assert printed(grad(grad(f))(3.)) == "-0.14112"


def test_custom_jvp_multiple_arguments_and_defjvps():
    @custom_jvp
    def f(x, y):
        return x ** 2 * y

    @f.defjvp
    def f_jvp(primals, tangents):
        x, y = primals
        x_dot, y_dot = tangents
        primal_out = f(x, y)
        tangent_out = 2 * x * y * x_dot + x ** 2 * y_dot
        return primal_out, tangent_out
    assert printed(grad(f)(2., 3.)) == "12.0"

    @custom_jvp
    def g(x):
        return jnp.sin(x)
    g.defjvps(lambda t, ans, x: jnp.cos(x) * t)
    assert printed(grad(g)(3.)) == "-0.9899925"

    @custom_jvp
    def h(x, y):
        return x ** 2 * y
    h.defjvps(lambda x_dot, primal_out, x, y: 2 * x * y * x_dot,
              lambda y_dot, primal_out, x, y: x ** 2 * y_dot)
    assert [printed(grad(h, a)(2., 3.)) for a in (0, 0, 1)] == ["12.0", "12.0", "4.0"]

    @custom_jvp
    def k(x, y):
        return x ** 2 * y
    k.defjvps(lambda x_dot, primal_out, x, y: 2 * x * y * x_dot, None)
    assert printed(grad(k)(2., 3.)) == "12.0"
    assert printed(grad(k, 0)(2., 3.)) == "12.0"
    assert printed(grad(k, 1)(2., 3.)) == "0.0"


def test_keyword_and_default_arguments():
    @custom_jvp
    def f(x, y=2.0):
        return x * y

    @f.defjvp
    def f_jvp(primals, tangents):
        (x, y), (tx, ty) = primals, tangents
        return f(x, y), 10 * (tx * y + x * ty)
    assert printed(f(3., y=4.)) == "12.0"
    close(grad(lambda x: f(x))(3.), 20.0)            # default y = 2
    close(grad(lambda x: f(x, y=4.))(3.), 40.0)      # keyword
    close(grad(lambda y: f(y=y, x=3.))(4.), 30.0)

    @custom_vjp
    def g(x, scale=3.0):
        return x * scale
    g.defvjp(lambda x, scale=3.0: (g(x, scale), scale), lambda s, ct: (10 * s * ct, None))
    close(grad(lambda x: g(x))(1.), 30.0)
    close(grad(lambda x: g(scale=5., x=x))(1.), 50.0)
    with pytest.raises(TypeError, match="could not be resolved to positional-only arguments"):
        f(3., z=1.)


def test_call_sequence_of_custom_jvp(capsys):
    @custom_jvp
    def f(x):
        print('called f!')  # a harmless side-effect
        return jnp.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        print('called f_jvp!')  # a harmless side-effect
        x, = primals
        t, = tangents
        return f(x), jnp.cos(x) * t

    def out(fn):
        capsys.readouterr()
        print(fn())
        return capsys.readouterr().out

    assert out(lambda: f(3.)) == "called f!\n0.14112\n"
    assert out(lambda: vmap(f)(jnp.arange(3.))) == "called f!\n[0.         0.84147096 0.9092974 ]\n"
    assert out(lambda: jit(f)(3.)) == "called f!\n0.14112\n"
    assert out(lambda: jvp(f, (3.,), (1.,))[1]) == "called f_jvp!\ncalled f!\n-0.9899925\n"
    assert out(lambda: grad(f)(3.)) == "called f_jvp!\ncalled f!\n-0.9899925\n"
    assert out(lambda: repr(grad(grad(f))(3.))) == (
        "called f_jvp!\ncalled f_jvp!\ncalled f!\nArray(-0.14112, dtype=float32, weak_type=True)\n")


def test_python_control_flow():
    @custom_jvp
    def f(x):
        if x > 0:
            return jnp.sin(x)
        else:
            return jnp.cos(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        x, = primals
        x_dot, = tangents
        ans = f(x)
        if x > 0:
            return ans, 2 * x_dot
        else:
            return ans, 3 * x_dot
    assert printed(grad(f)(1.)) == "2.0"
    assert printed(grad(f)(-1.)) == "3.0"


def test_custom_vjp_basic(capsys):
    @custom_vjp
    def f(x):
        return jnp.sin(x)

    def f_fwd(x):
        return f(x), jnp.cos(x)

    def f_bwd(cos_x, y_bar):
        return (cos_x * y_bar,)
    f.defvjp(f_fwd, f_bwd)
    assert printed(f(3.)) == "0.14112"
    assert printed(grad(f)(3.)) == "-0.9899925"

    @custom_vjp
    def g(x, y):
        return jnp.sin(x) * y

    def g_fwd(x, y):
        return g(x, y), (jnp.cos(x), jnp.sin(x), y)

    def g_bwd(res, g):
        cos_x, sin_x, y = res
        return (cos_x * g * y, sin_x * g)
    g.defvjp(g_fwd, g_bwd)
    assert printed(grad(g)(2., 3.)) == "-1.2484405"


def test_call_sequence_of_custom_vjp(capsys):
    @custom_vjp
    def f(x):
        print("called f!")
        return jnp.sin(x)

    def f_fwd(x):
        print("called f_fwd!")
        return f(x), jnp.cos(x)

    def f_bwd(cos_x, y_bar):
        print("called f_bwd!")
        return (cos_x * y_bar,)
    f.defvjp(f_fwd, f_bwd)

    capsys.readouterr()
    print(f(3.))
    assert capsys.readouterr().out == "called f!\n0.14112\n"
    print(grad(f)(3.))
    assert capsys.readouterr().out == "called f_fwd!\ncalled f!\ncalled f_bwd!\n-0.9899925\n"
    y, f_vjp = vjp(f, 3.)
    print(y)
    assert capsys.readouterr().out == "called f_fwd!\ncalled f!\n0.14112\n"  # bwd has not run yet
    print(f_vjp(1.))
    assert capsys.readouterr().out == "called f_bwd!\n(Array(-0.9899925, dtype=float32, weak_type=True),)\n"
    try:
        jvp(f, (3.,), (1.,))
    except TypeError as e:
        print('ERROR! {}'.format(e))
    out = capsys.readouterr().out
    assert out.startswith("called f_fwd!\ncalled f!\n"
                          "ERROR! can't apply forward-mode autodiff (jvp) to a custom_vjp function.")


def test_forward_mode_of_custom_vjp_names_the_line():
    @custom_vjp
    def f(x):
        return jnp.sin(x)
    f.defvjp(lambda x: (f(x), jnp.cos(x)), lambda c, g: (c * g,))
    with pytest.raises(TypeError, match="can't apply forward-mode autodiff") as e:
        jvp(f, (3.,), (1.,))  # THE LINE
    assert f"{__file__}:" in str(e.value) and "THE LINE" in str(e.value)
    with pytest.raises(TypeError, match="can't apply forward-mode autodiff"):
        jit(lambda x: jvp(f, (x,), (1.,))[1])(3.)
    with pytest.raises(TypeError, match="can't apply forward-mode autodiff"):
        jax.jacfwd(f)(3.)
    close(jax.jacrev(f)(3.), math.cos(3.))  # reverse mode is fine


# ---------------------------------------------------------------- pytrees

Point = namedtuple("Point", ["x", "y"])


def test_pytrees_custom_jvp():
    @custom_jvp
    def f(pt):
        x, y = pt.x, pt.y
        return {'a': x ** 2,
                'b': (jnp.sin(x), jnp.cos(y))}

    @f.defjvp
    def f_jvp(primals, tangents):
        pt, = primals
        pt_dot, = tangents
        ans = f(pt)
        ans_dot = {'a': 2 * pt.x * pt_dot.x,
                   'b': (jnp.cos(pt.x) * pt_dot.x, -jnp.sin(pt.y) * pt_dot.y)}
        return ans, ans_dot

    def fun(pt):
        dct = f(pt)
        return dct['a'] + dct['b'][0]

    pt = Point(1., 2.)
    assert printed(f(pt)) == ("{'a': 1.0, 'b': (Array(0.84147096, dtype=float32, weak_type=True), "
                              "Array(-0.41614684, dtype=float32, weak_type=True))}")
    assert printed(grad(fun)(pt)) == ("Point(x=Array(2.5403023, dtype=float32, weak_type=True), "
                                      "y=Array(0., dtype=float32, weak_type=True))")


def test_pytrees_custom_vjp():
    @custom_vjp
    def f(pt):
        x, y = pt.x, pt.y
        return {'a': x ** 2,
                'b': (jnp.sin(x), jnp.cos(y))}

    def f_fwd(pt):
        return f(pt), pt

    def f_bwd(pt, g):
        a_bar, (b0_bar, b1_bar) = g['a'], g['b']
        x_bar = 2 * pt.x * a_bar + jnp.cos(pt.x) * b0_bar
        y_bar = -jnp.sin(pt.y) * b1_bar
        return (Point(x_bar, y_bar),)
    f.defvjp(f_fwd, f_bwd)

    def fun(pt):
        dct = f(pt)
        return dct['a'] + dct['b'][0]

    pt = Point(1., 2.)
    assert printed(f(pt)) == ("{'a': 1.0, 'b': (Array(0.84147096, dtype=float32, weak_type=True), "
                              "Array(-0.41614684, dtype=float32, weak_type=True))}")
    assert printed(grad(fun)(pt)) == ("Point(x=Array(2.5403023, dtype=float32, weak_type=True), "
                                      "y=Array(-0., dtype=float32, weak_type=True))")
    g = jit(grad(fun))(pt)
    close(g.x, 2.5403023)
    close(g.y, 0.0)


# ---------------------------------------------------------------- non-differentiable arguments

def test_nondiff_argnums_custom_jvp():
    @partial(custom_jvp, nondiff_argnums=(0,))
    def app(f, x):
        return f(x)

    @app.defjvp
    def app_jvp(f, primals, tangents):
        x, = primals
        x_dot, = tangents
        return f(x), 2. * x_dot
    assert printed(app(lambda x: x ** 3, 3.)) == "27.0"
    assert printed(grad(app, 1)(lambda x: x ** 3, 3.)) == "2.0"

    @partial(custom_jvp, nondiff_argnums=(0, 2))
    def app2(f, x, g):
        return f(g((x)))

    @app2.defjvp
    def app2_jvp(f, g, primals, tangents):
        x, = primals
        x_dot, = tangents
        return f(g(x)), 3. * x_dot
    assert printed(app2(lambda x: x ** 3, 3., lambda y: 5 * y)) == "3375.0"
    assert printed(grad(app2, 1)(lambda x: x ** 3, 3., lambda y: 5 * y)) == "3.0"


def test_nondiff_argnums_custom_vjp():
    @partial(custom_vjp, nondiff_argnums=(0,))
    def app(f, x):
        return f(x)

    def app_fwd(f, x):
        return f(x), x

    def app_bwd(f, x, g):
        return (5 * g,)
    app.defvjp(app_fwd, app_bwd)
    assert printed(app(lambda x: x ** 2, 4.)) == "16.0"
    assert printed(grad(app, 1)(lambda x: x ** 2, 4.)) == "5.0"
    assert printed(jit(grad(app, 1), static_argnums=0)(lambda x: x ** 2, 4.)) == "5.0"


def test_tracer_in_nondiff_argnums_of_custom_vjp_is_an_error():
    @partial(custom_vjp, nondiff_argnums=(0,))
    def scale(s, x):
        return s * x
    scale.defvjp(lambda s, x: (s * x, None), lambda s, _, g: (s * g,))
    with pytest.raises(UnexpectedTracerError, match="nondiff_argnums") as e:
        grad(lambda s, x: scale(s, x))(2., 3.)  # THE LINE
    assert isinstance(e.value, TypeError) and "THE LINE" in str(e.value)


def test_tracer_in_nondiff_argnums_of_custom_jvp_acts_as_a_constant():
    # as JAX (which applies stop_gradient to it): the rule sees the value, no derivative flows to it
    @partial(custom_jvp, nondiff_argnums=(0,))
    def scale(s, x):
        return s * x

    @scale.defjvp
    def scale_jvp(s, primals, tangents):
        return scale(s, primals[0]), 10 * s * tangents[0]
    close(grad(lambda x: scale(2., x))(3.), 20.0)
    close(grad(lambda s: scale(s, 3.))(2.), 0.0)
    close(jit(grad(lambda s, x: scale(s, x), argnums=1))(2., 3.), 20.0)


# ---------------------------------------------------------------- which rule each mode uses

def _exp10_jvp():
    """exp with the rule t -> 10 exp(x) t, computed through f itself: order k gives 10^k exp(x)."""
    @custom_jvp
    def f(x):
        return jnp.exp(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        ans = f(primals[0])
        return ans, 10.0 * ans * tangents[0]
    return f


def _exp10_vjp():
    @custom_vjp
    def f(x):
        return jnp.exp(x)

    def f_fwd(x):
        ans = f(x)
        return ans, ans

    def f_bwd(ans, g):
        return (10.0 * ans * g,)
    f.defvjp(f_fwd, f_bwd)
    return f


X = 0.5
E = math.exp(X)


@pytest.mark.parametrize("make", [_exp10_jvp, _exp10_vjp], ids=["custom_jvp", "custom_vjp"])
def test_rule_is_used_in_every_reverse_mode_and_order(make):
    f = make()
    close(f(X), E)
    close(jit(f)(X), E)
    close(grad(f)(X), 10 * E, 1e-5)
    close(jit(grad(f))(X), 10 * E, 1e-5)
    close(grad(jit(f))(X), 10 * E, 1e-5)
    y, f_vjp = vjp(f, X)
    close(y, E)
    close(f_vjp(1.0)[0], 10 * E, 1e-5)
    close(jit(f_vjp)(1.0)[0], 10 * E, 1e-5)
    close(grad(grad(f))(X), 100 * E, 1e-5)
    close(jit(grad(grad(f)))(X), 100 * E, 1e-5)
    close(jax.value_and_grad(f)(X)[1], 10 * E, 1e-5)
    close(vmap(grad(f))(jnp.array([X, 0.0])), [10 * E, 10.0], 1e-5)
    close(grad(lambda x: jnp.sum(vmap(f)(x)))(jnp.array([X, 0.0])), [10 * E, 10.0], 1e-5)
    close(jax.jacrev(f)(X), 10 * E, 1e-5)
    close(jax.jacrev(jax.jacrev(f))(X), 100 * E, 1e-5)


def test_custom_jvp_rule_in_forward_modes_and_orders():
    f = _exp10_jvp()
    close(jvp(f, (X,), (1.0,))[1], 10 * E, 1e-5)
    close(jit(lambda x: jvp(f, (x,), (1.0,))[1])(X), 10 * E, 1e-5)
    close(jvp(grad(f), (X,), (1.0,))[1], 100 * E, 1e-5)                         # forward over reverse
    close(grad(lambda x: jvp(f, (x,), (1.0,))[1])(X), 100 * E, 1e-5)            # reverse over forward
    close(jvp(lambda x: jvp(f, (x,), (1.0,))[1], (X,), (1.0,))[1], 100 * E, 1e-5)  # forward over forward
    close(grad(grad(grad(f)))(X), 1000 * E, 1e-4)
    close(jax.hessian(f)(X), 100 * E, 1e-5)
    close(jax.jacfwd(f)(X), 10 * E, 1e-5)
    _, f_lin = jax.linearize(f, X)
    close(f_lin(1.0), 10 * E, 1e-5)
    close(vmap(lambda t: jvp(f, (X,), (t,))[1])(jnp.array([1.0, 2.0])), [10 * E, 20 * E], 1e-5)


def test_custom_vjp_forward_over_reverse_is_forward_mode():
    # fwd calls f, so the outer jvp meets the custom_vjp function again: an error, as in JAX
    f = _exp10_vjp()
    with pytest.raises(TypeError, match="can't apply forward-mode autodiff"):
        jvp(grad(f), (X,), (1.0,))
    with pytest.raises(TypeError, match="can't apply forward-mode autodiff"):
        jax.hessian(f)(X)
    close(jax.jacrev(jax.jacrev(f))(X), 100 * E, 1e-5)


# ---------------------------------------------------------------- vmap and jit

def test_vmap_and_jit_of_custom_functions():
    f = _exp10_jvp()
    g = _exp10_vjp()
    xs = jnp.array([0.0, 0.5, 1.0])
    for h in (f, g):
        close(vmap(h)(xs), np.exp(np.asarray(xs)))
        close(jit(vmap(h))(xs), np.exp(np.asarray(xs)))
        close(vmap(grad(h))(xs), 10 * np.exp(np.asarray(xs)), 1e-5)
        close(jit(vmap(grad(h)))(xs), 10 * np.exp(np.asarray(xs)), 1e-5)
        close(grad(lambda x: jnp.sum(vmap(h)(x)))(xs), 10 * np.exp(np.asarray(xs)), 1e-5)
        close(jit(grad(lambda x: jnp.sum(vmap(h)(x))))(xs), 10 * np.exp(np.asarray(xs)), 1e-5)
    # in_axes over a batch axis that is not the first, and an unbatched argument
    clip = _clip_gradient()
    m = jnp.array([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]])

    def loss(x, w):
        return jnp.sum(jnp.sin(clip(-0.5, 0.5, x)) * w)
    got = vmap(grad(loss), in_axes=(1, None))(m, jnp.array([1.0, 2.0]))
    want = np.clip(np.cos(np.asarray(m).T) * np.array([1.0, 2.0]), -0.5, 0.5)
    close(got, want, 1e-5)


def test_closed_over_values():
    w = jnp.array(3.0)

    @custom_jvp
    def f(x):
        return w * jnp.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        x, = primals
        return f(x), 10 * w * jnp.cos(x) * tangents[0]
    close(grad(f)(1.0), 30 * math.cos(1.0), 1e-5)
    close(jit(grad(f))(1.0), 30 * math.cos(1.0), 1e-5)

    @custom_vjp
    def g(x):
        return w * x
    g.defvjp(lambda x: (g(x), None), lambda _, ct: (10 * w * ct,))
    close(grad(g)(1.0), 30.0)
    close(jit(grad(g))(1.0), 30.0)

    def outer(v):  # a custom_vjp closing over a value being differentiated: as JAX, an error
        @custom_vjp
        def h(x):
            return v * x
        h.defvjp(lambda x: (h(x), None), lambda _, ct: (ct,))
        return h(2.0)
    with pytest.raises(TypeError, match="closed-over value"):
        grad(outer)(1.0)


def test_symbolic_zeros():
    seen = []

    @custom_jvp
    def f(x, y):
        return x * y

    def f_jvp(primals, tangents):
        x, y = primals
        tx, ty = tangents
        seen.append((type(tx).__name__, type(ty).__name__))
        out = 0.0
        if not isinstance(tx, SymbolicZero):
            out = out + 10 * tx * y
        if not isinstance(ty, SymbolicZero):
            out = out + 10 * x * ty
        return f(x, y), out
    f.defjvp(f_jvp, symbolic_zeros=True)
    close(grad(f, 0)(2.0, 3.0), 30.0)
    close(grad(f, 1)(2.0, 3.0), 20.0)
    close(jvp(f, (2.0, 3.0), (1.0, 1.0))[1], 50.0)
    kinds = set(seen)
    assert ("Tracer", "SymbolicZero") in kinds and ("SymbolicZero", "Tracer") in kinds
    assert ("Tracer", "Tracer") in kinds
    # a custom call batched by vmap keeps one rule per mask (pb-vmap batches each of them)
    xs = jnp.array([1.0, 2.0, 3.0])
    close(grad(lambda x: jnp.sum(vmap(f, in_axes=(0, None))(x, 3.0)))(xs), [30.0, 30.0, 30.0])
    close(jvp(lambda y: vmap(f, in_axes=(0, None))(xs, y), (3.0,), (1.0,))[1], [10.0, 20.0, 30.0])


def test_integer_inputs():
    @custom_jvp
    def f(x, n):
        return x * n

    @f.defjvp
    def f_jvp(primals, tangents):
        (x, n), (tx, _) = primals, tangents
        return f(x, n), 10 * tx * n
    close(grad(f)(2.0, 3), 30.0)
    close(jvp(f, (2.0, 3), (1.0, np.zeros((), jax.dtypes.float0)))[1], 30.0)  # as JAX: float0 tangent

    @custom_vjp
    def g(x, n):
        return x * n
    g.defvjp(lambda x, n: (g(x, n), n), lambda n, ct: (10 * ct * n, None))
    close(grad(g)(2.0, 3), 30.0)
    close(jit(grad(g))(2.0, 3), 30.0)


def test_linear_transpose_transposes_the_primal():
    @custom_jvp
    def f(x):
        return 2.0 * x
    f.defjvp(lambda p, t: (f(p[0]), 10.0 * t[0]))
    close(jax.linear_transpose(f, 1.0)(1.0)[0], 2.0)  # as JAX: the rule is not a transpose rule


# ---------------------------------------------------------------- errors naming the user's line

def test_rule_output_errors():
    @custom_jvp
    def f(x):
        return jnp.sin(x)

    f.defjvp(lambda p, t: jnp.sin(p[0]))
    with pytest.raises(TypeError, match="must produce a pair") as e:
        grad(f)(1.0)  # LINE A
    assert "LINE A" in str(e.value)

    f.defjvp(lambda p, t: (jnp.sin(p[0]), (t[0], t[0])))
    with pytest.raises(TypeError, match="equal container"):
        grad(f)(1.0)

    f.defjvp(lambda p, t: ((jnp.sin(p[0]),), (t[0],)))
    with pytest.raises(TypeError, match="container/pytree structure"):
        grad(f)(1.0)

    f.defjvp(lambda p, t: (jnp.sin(p[0]), jnp.stack([t[0], t[0]])))
    with pytest.raises(TypeError, match=r"Expected float32\[\] \(tangent type of float32\[\]\) but got "
                                        r"float32\[2\]") as e:
        jvp(f, (1.0,), (1.0,))  # LINE B
    assert "LINE B" in str(e.value)

    f.defjvp(lambda p, t: (jnp.sin(p[0]).astype(jnp.float16), t[0].astype(jnp.float16)))
    with pytest.raises(TypeError, match="shapes/dtypes"):
        grad(f)(1.0)


def test_bwd_output_errors():
    @custom_vjp
    def f(x, y):
        return x * y

    f.defvjp(lambda x, y: (f(x, y), (x, y)), lambda res, g: (g * res[1],))  # one cotangent for two inputs
    with pytest.raises(TypeError, match="tuple of length equal to the number of arguments"):
        jit(grad(f))(2.0, 3.0)  # traced bwd: raised while tracing
    with pytest.raises(TypeError, match="tuple of length equal to the number of arguments"):
        grad(f)(2.0, 3.0)  # bwd as a host callback: raised when the backward pass runs
    f.defvjp(lambda x, y: (f(x, y), (x, y)), lambda res, g: (g * res[1], jnp.ones(3)))
    with pytest.raises(ValueError, match="shape"):
        jit(grad(f, 1))(2.0, 3.0)
    f.defvjp(lambda x, y: ((f(x, y), x), (x, y)), lambda res, g: (g, g))
    with pytest.raises(TypeError, match="fwd rule"):
        jit(grad(f))(2.0, 3.0)


def test_nonlinear_jvp_rule_is_reported_at_the_rule():
    @custom_jvp
    def f(x):
        return jnp.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        x, = primals
        t, = tangents
        return f(x), jnp.cos(x) * jnp.sin(t)  # not linear in t
    close(jvp(f, (1.0,), (1.0,))[1], math.cos(1.0) * math.sin(1.0))  # forward mode is fine
    with pytest.raises(Exception, match="not linear") as e:
        grad(f)(1.0)
    lines, start = inspect.getsourcelines(f_jvp)
    line = start + next(i for i, text in enumerate(lines) if "not linear in t" in text)
    assert f"{__file__}\":{line}:" in str(e.value)  # the diagnostic's location: the rule's line


def test_missing_rules():
    f = custom_jvp(lambda x: x)
    with pytest.raises(AttributeError, match="No JVP defined"):
        f(1.0)
    g = custom_vjp(lambda x: x)
    with pytest.raises(AttributeError, match="No VJP defined"):
        g(1.0)
    with pytest.raises(TypeError, match="defjvps"):
        custom_jvp(lambda f, x: x, nondiff_argnums=(0,)).defjvps(None)


# ---------------------------------------------------------------- the same numbers as JAX

def test_matches_jax():
    real = pytest.importorskip("jax")
    import jax.numpy as rjnp

    def build(api, np_):
        @api.custom_jvp
        def f(x, y):
            return np_.sin(x) * y ** 2

        @f.defjvp
        def f_jvp(primals, tangents):
            (x, y), (tx, ty) = primals, tangents
            return f(x, y), 3 * np_.cos(x) * y * tx + 7 * x * ty

        @api.custom_vjp
        def g(x):
            return np_.tanh(x)
        g.defvjp(lambda x: (g(x), x), lambda x, ct: (5 * x * ct,))

        def loss(x, y):
            return np_.sum(f(g(x), y))
        return loss

    x = np.array([0.1, -0.4, 1.2], np.float32)
    y = np.array([1.5, 0.5, -2.0], np.float32)
    mine, theirs = build(jax, jnp), build(real, rjnp)
    for argnums in (0, 1, (0, 1)):
        close(grad(mine, argnums)(x, y), real.grad(theirs, argnums)(x, y), 1e-5)
    close(jax.hessian(mine, 1)(x, y), real.hessian(theirs, 1)(x, y), 1e-4)
    close(vmap(grad(mine), in_axes=(0, None))(np.stack([x, 2 * x]), y),
          real.vmap(real.grad(theirs), in_axes=(0, None))(np.stack([x, 2 * x]), y), 1e-5)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
