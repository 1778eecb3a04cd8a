"""Host callbacks (frontend/callbacks.py) and pullback.debug: print, callback and
breakpoint under jit, under differentiation, under vmap; errors and caching."""
import os
import sys

import numpy as np
import pytest

import pullback as jax
import pullback.numpy as jnp
from pullback import debug
from pullback.callbacks import CallbackResultError, host_call
from pullback.core import AbstractValue
from pullback.runtime import cache_stats, flush_disk_cache

from harness import run_in_threads

F32 = "float32"


def lines(capsys):
    return capsys.readouterr().out.strip().splitlines()


# -- debug.print --------------------------------------------------------------------


def test_print_under_jit_prints_concrete_values_each_call(capsys):
    @jax.jit
    def f(x):
        y = x * x
        debug.print("y = {}", y)
        debug.print("sum = {s:.3f}", s=jnp.sum(y))
        return y * 2

    x = jnp.arange(3.0)
    np.testing.assert_array_equal(f(x), [0.0, 2.0, 8.0])
    assert lines(capsys) == ["y = [0. 1. 4.]", "sum = 5.000"]
    x1 = jnp.array([1.0, 2.0, 3.0])
    before = cache_stats()
    f(x1)  # new values, same compiled program
    assert cache_stats()["compiles"] == before["compiles"]
    assert lines(capsys) == ["y = [1. 4. 9.]", "sum = 14.000"]


def test_print_ir_is_a_tagged_declaration():
    text = str(jax.make_jaxpr(lambda x: (debug.print("{}", x), x + 1)[1])(jnp.ones(2)))
    assert "pb.host_callback = {id = " in text and 'name = "debug.print"' in text
    assert "call @pb_host_callback_" in text


def test_print_eager_runs_at_once(capsys):
    debug.print("x={x} n={n}", x=jnp.float32(1.5), n=3)
    assert lines(capsys) == ["x=1.5 n=3"]


def test_print_dtypes(capsys):
    jax.jit(lambda a, b, c, d: debug.print("{} {} {} {}", a, b, c, d))(
        jnp.array([True, False]), jnp.array([1, -2], jnp.int32), jnp.array([3], jnp.uint32),
        jnp.array(2.5, jnp.float32))
    assert lines(capsys) == ["[ True False] [ 1 -2] [3] 2.5"]


# -- under differentiation ----------------------------------------------------------


def f_print(x):
    y = x * x
    debug.print("primal {}", y)
    return jnp.sum(y * y)


X = np.array([0.0, 1.0, 2.0], np.float32)
PRIMAL = "primal [0. 1. 4.]"
GRAD = 4 * X ** 3


@pytest.mark.parametrize("transform", ["grad", "jit_grad", "grad_jit"])
def test_print_inside_grad_prints_primals_once(capsys, transform):
    g = {"grad": jax.grad(f_print), "jit_grad": jax.jit(jax.grad(f_print)),
         "grad_jit": jax.grad(jax.jit(f_print))}[transform]
    np.testing.assert_allclose(g(jnp.array(X)), GRAD, rtol=1e-5)
    assert lines(capsys) == [PRIMAL]
    g(jnp.array(X))  # once per evaluation
    assert lines(capsys) == [PRIMAL]


def test_print_inside_jvp_sees_primals_only(capsys):
    y, ty = jax.jvp(f_print, (jnp.array(X),), (jnp.ones(3),))
    np.testing.assert_allclose(ty, GRAD.sum(), rtol=1e-5)
    assert lines(capsys) == [PRIMAL]


def test_print_inside_vjp_runs_with_the_primal(capsys):
    y, f_vjp = jax.vjp(f_print, jnp.array(X))
    assert lines(capsys) == [PRIMAL]
    (g,) = f_vjp(jnp.float32(1.0))  # the backward pass has no callback
    np.testing.assert_allclose(g, GRAD, rtol=1e-5)
    assert lines(capsys) == []


def test_print_in_a_jitted_function_under_grad_of_grad(capsys):
    def f(s):
        debug.print("s={}", s)
        return jnp.sin(s)
    assert float(jax.grad(jax.grad(jax.jit(f)))(1.0)) == pytest.approx(-np.sin(1.0), rel=1e-6)
    assert lines(capsys) == ["s=1.0"]


def test_print_with_python_control_flow_outside_jit_runs_once(capsys):
    def f(x):
        debug.print("before {}", x)
        if jnp.sum(x) > 0:  # evaluates the program so far: without its prints
            debug.print("positive")
        return jnp.sum(x ** 2)
    np.testing.assert_allclose(jax.grad(f)(jnp.array(X)), 2 * X)
    assert lines(capsys) == [f"before {X}", "positive"]


def test_callback_result_without_tangent_is_fine():
    c = jnp.array(X)

    def f(x):  # the callback reads a value that carries no tangent
        (k,) = host_call(lambda a: np.cos(a), [c], [AbstractValue((3,), F32)])
        return jnp.sum(k * x)
    np.testing.assert_allclose(jax.grad(f)(jnp.ones(3)), np.cos(X), rtol=1e-6)
    np.testing.assert_allclose(jax.jit(jax.grad(f))(jnp.ones(3)), np.cos(X), rtol=1e-6)


def test_callback_result_has_no_derivative():
    def f(x):
        (k,) = host_call(lambda a: np.cos(a), [x], [AbstractValue((3,), F32)], name="my_cos")
        return jnp.sum(k)
    with pytest.raises(Exception, match="host callback 'my_cos' .*has no derivative"):
        jax.jit(jax.grad(f))(jnp.ones(3))


# -- debug.callback and breakpoint --------------------------------------------------


def test_debug_callback_pytrees_and_statics():
    got = []

    def record(tree, tag, *, scale):
        got.append((type(tree["a"]).__name__, np.asarray(tree["a"]).tolist(),
                    [np.asarray(v).tolist() for v in tree["bc"]], tag, float(scale)))

    @jax.jit
    def f(x):
        debug.callback(record, {"a": x, "bc": (x * 2, x[0])}, "tag", scale=0.5)
        return x

    f(jnp.arange(2.0))
    assert got == [("Array", [0.0, 1.0], [[0.0, 2.0], 0.0], "tag", 0.5)]
    debug.callback(record, {"a": jnp.ones(1), "bc": ()}, "eager", scale=1)
    assert got[-1] == ("Array", [1.0], [], "eager", 1.0)


def test_breakpoint_hook_sees_concrete_locals():
    seen = []
    previous = debug.set_breakpoint_hook(lambda ctx: seen.append(
        (ctx.function, {k: np.asarray(v).tolist() for k, v in ctx.locals.items()})))
    try:
        def body(a):
            b = a * 2
            debug.breakpoint()
            return b

        jax.jit(body)(jnp.arange(3.0))
        assert seen == [("body", {"a": [0.0, 1.0, 2.0], "b": [0.0, 2.0, 4.0]})]
        jax.grad(lambda a: jnp.sum(body(a)))(jnp.ones(2))  # inside grad: primal values
        assert seen[-1] == ("body", {"a": [1.0, 1.0], "b": [2.0, 2.0]})
    finally:
        debug.set_breakpoint_hook(previous)


def test_default_breakpoint_hook_opens_the_debugger_on_the_values(monkeypatch, capsys):
    frames = []
    monkeypatch.setattr("sys.breakpointhook", lambda *a, **k: frames.append(dict(sys._getframe(1).f_locals)))

    @jax.jit
    def body(a):
        b = a + 1
        debug.breakpoint()
        return b

    body(jnp.arange(2.0))
    assert [{k: np.asarray(v).tolist() for k, v in f.items()} for f in frames] == [{"a": [0.0, 1.0], "b": [1.0, 2.0]}]
    assert "pullback.debug.breakpoint at" in capsys.readouterr().out


# -- errors -------------------------------------------------------------------------


def test_exception_in_callback_is_raised_after_the_call():
    calls = []

    def bad(v):
        calls.append("bad")
        raise ZeroDivisionError("boom")

    @jax.jit
    def f(x):
        debug.callback(bad, x)
        debug.callback(lambda v: calls.append("later"), x)  # skipped after the error
        return x + 1

    with pytest.raises(ZeroDivisionError, match="boom") as info:
        f(jnp.ones(2))
    assert any("host callback 'bad'" in n for n in getattr(info.value, "__notes__", []))
    assert calls == ["bad"]
    ok = jax.jit(lambda x: (debug.callback(lambda v: calls.append("ok"), x), x * 3)[1])(jnp.ones(2))
    np.testing.assert_array_equal(ok, [3.0, 3.0])  # the process and runtime are fine
    assert calls[-1] == "ok"


@pytest.mark.parametrize("result, message", [
    (np.zeros(4, np.float32), r"result #0 has shape \(4,\), expected \(3,\)"),
    (np.zeros(3, np.float64), "result #0 has dtype float64, expected float32"),
    ((np.zeros(3, np.float32), np.zeros(3, np.float32)), "must return 1 arrays, got 2 results"),
])
def test_wrong_results_raise_a_clear_error(result, message):
    def f(x):
        return host_call(lambda a: result, [x], [AbstractValue((3,), F32)], name="shaper")[0]
    with pytest.raises(CallbackResultError, match="host callback 'shaper'.*" + message):
        jax.jit(f)(jnp.ones(3))
    with pytest.raises(CallbackResultError, match=message):
        f(jnp.ones(3))  # eager: the same check


def test_result_less_callback_must_return_none():
    with pytest.raises(CallbackResultError, match="must return None"):
        jax.jit(lambda x: (host_call(lambda a: a, [x], []), x)[1])(jnp.ones(2))


# -- host_call with results ---------------------------------------------------------


def test_host_call_results_and_dtypes_round_trip():
    def f(x, b, u):
        outs = host_call(lambda a, bb, uu: (np.cos(a), ~bb, uu + np.uint32(1)), [x, b, u],
                         [AbstractValue((3,), F32), AbstractValue((2,), "bool"), AbstractValue((), "uint32")])
        return outs[0] * 2, outs[1], outs[2]
    args = (jnp.array(X), jnp.array([True, False]), jnp.array(7, jnp.uint32))
    for fn in (f, jax.jit(f)):
        y, nb, u = fn(*args)
        np.testing.assert_allclose(y, 2 * np.cos(X), rtol=1e-6)
        assert np.asarray(nb).tolist() == [False, True] and np.asarray(nb).dtype == np.bool_
        assert int(u) == 8 and np.asarray(u).dtype == np.uint32


def test_callback_calling_compiled_code_reenters_safely():
    inner = jax.jit(lambda a: a * 10)

    def cb(a):
        return np.asarray(inner(jnp.array(a)))  # compiled code from inside a callback

    f = jax.jit(lambda x: host_call(cb, [x], [AbstractValue((3,), F32)])[0] + 1)
    np.testing.assert_allclose(f(jnp.array(X)), X * 10 + 1)


def test_callbacks_from_threads():
    # compiled (and inputs made) on this thread: the threads only run compiled code and callbacks
    f = jax.jit(lambda x: host_call(lambda a: a + np.float32(1), [x], [AbstractValue((4,), F32)])[0])
    inputs = [jnp.array(np.full(4, i, np.float32)) for i in range(4)]
    f(inputs[0])
    results = {}

    def run(i):
        for _ in range(20):
            results[i] = np.asarray(f(inputs[i]))
    run_in_threads(run, 4)
    for i in range(4):
        np.testing.assert_array_equal(results[i], np.full(4, i + 1.0))


# -- vmap ---------------------------------------------------------------------------

needs_vmap = pytest.mark.skipif(not hasattr(jax, "vmap"), reason="pullback.vmap is not available")


@needs_vmap
def test_vmap_print_calls_once_per_member(capsys):
    def f(v):
        debug.print("member {}", v)
        return v * 2
    xs = jnp.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(jax.vmap(f)(xs), np.arange(6.0).reshape(3, 2) * 2)
    assert lines(capsys) == ["member [0. 1.]", "member [2. 3.]", "member [4. 5.]"]


@needs_vmap
def test_vmap_host_call_stacks_results():
    def f(r, c):
        return host_call(lambda a, k: (a * k).astype(np.float32), [r, c], [AbstractValue((), F32)])[0]
    out = jax.jit(jax.vmap(f, in_axes=(0, None)))(jnp.array(X), jnp.float32(10.0))
    np.testing.assert_allclose(out, X * 10)


# -- caching ------------------------------------------------------------------------


def test_retracing_reuses_the_compiled_program(capsys):
    g = jax.grad(f_print)  # no jit: traced on every call
    g(jnp.array(X))
    before = cache_stats()
    g(jnp.array(X))
    assert cache_stats()["compiles"] == before["compiles"]
    assert lines(capsys) == [PRIMAL, PRIMAL]


def test_programs_with_callbacks_skip_the_disk_cache(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PULLBACK_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("PULLBACK_CACHE", raising=False)
    tag = float(np.random.default_rng().integers(1 << 20))  # a program no cache has seen

    def plain(x):
        return x * tag

    def printing(x):
        debug.print("value {}", x)
        return x * tag

    before = cache_stats()
    jax.jit(printing)(jnp.ones(2))
    flush_disk_cache()
    assert cache_stats()["compiles"] == before["compiles"] + 1
    assert [p for p in os.listdir(tmp_path) if p.endswith(".json")] == []
    jax.jit(plain)(jnp.ones(2))  # control: a program without callbacks is written
    flush_disk_cache()
    assert len([p for p in os.listdir(tmp_path) if p.endswith(".json")]) == 1
    assert lines(capsys) == ["value [1. 1.]"]
