"""pullback.jit: tracing cache, static arguments, closures, pytrees, nesting, make_jaxpr.

Traces are counted with a Python side effect in the traced function: it runs
once per trace and never when a cached program is called.
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np
import pytest

import pullback as pb
import pullback.numpy as jnp
from pullback.runtime import cache_stats

from harness import run_in_threads


def counted(fn):
    """fn with a list that grows by one each time fn is traced (or run eagerly)."""
    calls = []

    def wrapper(*args, **kwargs):
        calls.append(1)
        return fn(*args, **kwargs)
    wrapper.__name__ = fn.__name__
    return wrapper, calls


# ---------------------------------------------------------------- retracing

def test_cache_hit_on_same_signature():
    f, calls = counted(lambda x: jnp.sin(x) * 2.0)
    jf = pb.jit(f)
    for v in (1.0, 2.0, 3.0):
        out = jf(jnp.full((3,), v, dtype=jnp.float32))
        np.testing.assert_allclose(np.asarray(out), np.sin(np.full(3, v, np.float32)) * 2, rtol=1e-6)
    assert len(calls) == 1
    jf(np.ones(3, np.float32))  # a numpy argument of the same shape and dtype is the same signature
    assert len(calls) == 1


def test_retrace_on_new_shape_dtype_and_weak_type():
    f, calls = counted(lambda x: x + 1)
    jf = pb.jit(f)
    jf(jnp.ones(3))
    jf(jnp.ones(4))
    assert len(calls) == 2
    out = jf(jnp.ones(4, dtype=jnp.int32))
    assert len(calls) == 3 and out.dtype == np.int32
    jf(jnp.ones((2, 2)))
    assert len(calls) == 4
    out = jf(1.0)  # a Python float: float32 but weakly typed, another signature
    assert len(calls) == 5 and out.weak_type
    jf(jnp.ones(3))
    jf(jnp.ones(4, dtype=jnp.int32))
    jf(2.0)
    assert len(calls) == 5


def test_retrace_on_new_static_value():
    f, calls = counted(lambda x, n: x * n)
    jf = pb.jit(f, static_argnums=1)
    assert float(jf(jnp.ones(()), 2)) == 2.0
    assert float(jf(jnp.ones(()), 2)) == 2.0
    assert len(calls) == 1
    assert float(jf(jnp.ones(()), 3)) == 3.0
    assert len(calls) == 2
    assert float(jf(jnp.ones(()), 2)) == 2.0
    assert len(calls) == 2


# ---------------------------------------------------------------- static arguments

def _repeat(x, n, mode="sum"):
    # Python control flow on static values, and a static value as a shape
    out = jnp.stack([x] * n)
    return out.sum(0) if mode == "sum" else out


@pytest.mark.parametrize("kwargs,call", [
    ({"static_argnums": 1}, lambda jf, x: jf(x, 3)),
    ({"static_argnums": (1,)}, lambda jf, x: jf(x, n=3)),
    ({"static_argnames": "n"}, lambda jf, x: jf(x, n=3)),
    ({"static_argnames": ("n",)}, lambda jf, x: jf(x, 3)),
    ({"static_argnums": -1}, lambda jf, x: jf(x, 3)),
])
def test_static_argnums_and_argnames(kwargs, call):
    jf = pb.jit(_repeat, **kwargs)
    x = jnp.array([1.0, 2.0])
    np.testing.assert_array_equal(np.asarray(call(jf, x)), [3.0, 6.0])


def test_static_string_and_several_statics():
    f, calls = counted(_repeat)
    jf = pb.jit(f, static_argnums=(1,), static_argnames=("mode",))
    x = jnp.array([1.0, 2.0])
    assert jf(x, 2, mode="stack").shape == (2, 2)
    assert jf(x, 2, mode="sum").shape == (2,)
    assert jf(x, 2, mode="stack").shape == (2, 2)
    assert len(calls) == 2


def test_static_decorator_form():
    @pb.jit
    def plain(x):
        return x * 2

    from functools import partial

    @partial(pb.jit, static_argnames="k")
    def shifted(x, k):
        return x[k:]

    assert plain(jnp.ones(2)).tolist() == [2.0, 2.0]
    assert shifted(jnp.arange(5), k=2).tolist() == [2, 3, 4]


def test_unhashable_static_raises():
    jf = pb.jit(lambda x, shape: jnp.reshape(x, shape), static_argnums=1)
    assert jf(jnp.ones(4), (2, 2)).shape == (2, 2)
    with pytest.raises(ValueError, match="hashable"):
        jf(jnp.ones(4), [2, 2])


# ---------------------------------------------------------------- closures

def _closure(w):
    def f(x):
        return jnp.dot(w, x) + w.sum()
    return f


def test_closure_becomes_argument():
    w = jnp.asarray(np.arange(100, dtype=np.float32).reshape(10, 10))
    text = str(pb.jit(_closure(w)).lower(jnp.ones(10)))
    signature = next(line for line in text.splitlines() if "func.func" in line)
    assert "%arg1: tensor<10x10xf32>" in signature, text
    assert "tensor<10x10xf32>} : () ->" not in text and "9.900000e+01" not in text, text


def test_lower_as_text_shows_closure_argument():
    w = jnp.asarray(np.arange(100, dtype=np.float32).reshape(10, 10))
    text = pb.jit(_closure(w)).lower(jnp.ones(10)).as_text()
    assert "%arg1: tensor<10x10xf32>" in text and "9.900000e+01" not in text


def test_new_closure_value_reuses_compiled_program():
    x = jnp.ones(10)
    w1 = jnp.asarray(np.arange(100, dtype=np.float32).reshape(10, 10))
    w2 = jnp.asarray(np.full((10, 10), 0.5, np.float32))
    out1 = pb.jit(_closure(w1))(x)
    before = cache_stats()
    out2 = pb.jit(_closure(w2))(x)
    after = cache_stats()
    assert after["compiles"] == before["compiles"] and after["disk_hits"] == before["disk_hits"]
    assert after["memory_hits"] > before["memory_hits"]
    np.testing.assert_allclose(np.asarray(out1), np.arange(100).reshape(10, 10).sum(1) + 4950.0)
    np.testing.assert_allclose(np.asarray(out2), np.full(10, 5.0 + 50.0))


def test_closure_over_python_and_numpy_values():
    scale = 3.0
    table = np.arange(4, dtype=np.float32)
    f = pb.jit(lambda x: x * scale + table)
    np.testing.assert_allclose(np.asarray(f(jnp.ones(4))), 3.0 + np.arange(4))


# ---------------------------------------------------------------- pytrees

Point = namedtuple("Point", ["x", "y"])


def test_pytree_inputs_and_outputs():
    def f(tree):
        (a, b), d, p, nothing = tree
        assert nothing is None
        return {"sum": a + b, "scaled": d["w"] * d["k"], "point": Point(p.y, p.x), "none": None}

    tree = ((jnp.ones(2), jnp.arange(2.0)), {"w": jnp.ones(3), "k": 2.0}, Point(jnp.zeros(1), jnp.ones(1)), None)
    for fn in (f, pb.jit(f)):
        out = fn(tree)
        assert set(out) == {"sum", "scaled", "point", "none"} and out["none"] is None
        assert isinstance(out["point"], Point)
        np.testing.assert_array_equal(np.asarray(out["sum"]), [1.0, 2.0])
        np.testing.assert_array_equal(np.asarray(out["scaled"]), [2.0, 2.0, 2.0])
        np.testing.assert_array_equal(np.asarray(out["point"].x), [1.0])


def test_pytree_structure_is_part_of_signature():
    f, calls = counted(lambda t: t[0] + t[1])
    jf = pb.jit(f)
    jf((jnp.ones(2), jnp.ones(2)))
    jf([jnp.ones(2), jnp.ones(2)])
    jf((jnp.ones(2), jnp.ones(2)))
    assert len(calls) == 2


def test_kwargs():
    f, calls = counted(lambda x, y=None, scale=1.0: x * scale if y is None else (x + y) * scale)
    jf = pb.jit(f)
    assert jf(jnp.ones(2), y=jnp.ones(2)).tolist() == [2.0, 2.0]
    assert jf(jnp.ones(2), y=jnp.ones(2), scale=3.0).tolist() == [6.0, 6.0]
    assert jf(jnp.ones(2)).tolist() == [1.0, 1.0]
    assert jf(x=jnp.ones(2), y=jnp.ones(2)).tolist() == [2.0, 2.0]
    n = len(calls)
    assert jf(jnp.ones(2), y=jnp.zeros(2)).tolist() == [1.0, 1.0]
    assert len(calls) == n


def test_scalar_and_numpy_outputs():
    out = pb.jit(lambda x: (x.sum(), 2, np.float32(1.5)))(jnp.ones(3))
    assert float(out[0]) == 3.0 and int(out[1]) == 2 and float(out[2]) == 1.5
    assert all(isinstance(o, pb.Array) for o in out)


# ---------------------------------------------------------------- eager vs jit

AGREEMENT = [
    lambda x, y: jnp.tanh(x @ y).sum(axis=0),
    lambda x, y: jnp.where(x > 0, x, y[:2, 0:1] * 2.0),
    lambda x, y: jnp.concatenate([x, y.T[:1]], axis=0).mean(),
    lambda x, y: (x[::-1, 1:] ** 2, jnp.maximum(y, 0.0).cumsum(axis=1)),
    lambda x, y: jnp.einsum("ij,jk->ki", x, y),
    lambda x, y: x.at[0].set(y[0, :3]).argmax(axis=1),
    lambda x, y: jnp.exp(-jnp.abs(x)).reshape(-1)[jnp.array([0, 5, -1])],
    lambda x, y: (jnp.linspace(0.0, 1.0, 3) * x).astype(jnp.int32) + 1,
]


@pytest.mark.parametrize("fn", AGREEMENT, ids=[f"f{i}" for i in range(len(AGREEMENT))])
def test_eager_and_jit_agree(fn):
    rng = np.random.default_rng(1)
    x = jnp.asarray(rng.standard_normal((2, 3)).astype(np.float32))
    y = jnp.asarray(rng.standard_normal((3, 4)).astype(np.float32))
    eager, jitted = fn(x, y), pb.jit(fn)(x, y)
    eager, jitted = (eager, jitted) if isinstance(eager, tuple) else ((eager,), (jitted,))
    for e, j in zip(eager, jitted, strict=True):
        assert e.shape == j.shape and e.dtype == j.dtype and e.weak_type == j.weak_type
        np.testing.assert_allclose(np.asarray(e), np.asarray(j), rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- nesting and make_jaxpr

def test_nested_jit():
    inner, inner_calls = counted(lambda a: jnp.sin(a) * 2.0)
    inner_jit = pb.jit(inner)
    outer = pb.jit(lambda a: inner_jit(a) + inner_jit(a + 1.0))
    x = jnp.array([0.5, 1.0])
    want = np.sin(np.asarray(x)) * 2 + np.sin(np.asarray(x) + 1) * 2
    np.testing.assert_allclose(np.asarray(outer(x)), want, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(outer(x)), want, rtol=1e-6)
    text = str(pb.make_jaxpr(lambda a: inner_jit(a) + 1.0)(x))
    assert "call @" in text and "func.func private" in text and "pb.sin" in text


def test_nested_jit_with_closure_and_static():
    w = jnp.array([1.0, 2.0])
    inner = pb.jit(lambda a, n: a[:n] * w[:n], static_argnums=1)
    outer = pb.jit(lambda a: inner(a, 1).sum() + inner(a, 2).sum())
    assert float(outer(jnp.array([3.0, 4.0]))) == 3.0 + 3.0 + 8.0


def test_make_jaxpr_contains_pb_ops():
    text = str(pb.make_jaxpr(lambda x, y: jnp.sin(x) @ y + jnp.sum(y))(jnp.ones((2, 3)), jnp.ones((3, 4))))
    for op in ("pb.sin", "pb.dot_general", "pb.reduce_sum", "pb.add", "pb.broadcast_in_dim"):
        assert op in text, text
    assert "tensor<2x3xf32>" in text and "tensor<3x4xf32>" in text


def test_make_jaxpr_static_and_kwargs():
    text = str(pb.make_jaxpr(lambda x, n: x * n, static_argnums=1)(jnp.ones(3), 4))
    assert "pb.mul" in text and "tensor<3xf32>" in text
    assert "4.000000e+00" in text  # the static value is a constant
    text = str(pb.make_jaxpr(lambda x, y: x - y)(jnp.ones(2), y=jnp.ones(2)))
    assert "pb.sub" in text


def test_jit_of_method_and_callable():
    class Model:
        def __init__(self, k):
            self.k = k

        def __call__(self, x):
            return x * self.k

    m = Model(3.0)
    assert pb.jit(m)(jnp.ones(2)).tolist() == [3.0, 3.0]


@pytest.mark.parametrize("stage,marker", [("pb", '"pb.tanh"'), ("transformed", '"pb.tanh"'),
                                          ("linalg", "linalg.generic"), ("vectorized", "math.fma"),
                                          ("bufferized", "memref"), ("llvm", "llvm.func"),
                                          ("llvm-ir", "define ")])
def test_lower_as_text_every_stage(stage, marker):
    text = pb.jit(lambda x: jnp.sum(jnp.tanh(x) ** 2)).lower(jnp.ones((3, 4))).as_text(stage)
    assert marker in text, text


def test_unknown_stage_raises():
    with pytest.raises(ValueError, match="unknown stage"):
        pb.jit(lambda x: x).lower(1.0).as_text("ptx")


def test_dump_dir_gets_every_stage(tmp_path, monkeypatch):
    monkeypatch.setenv("PULLBACK_DUMP_DIR", str(tmp_path))
    monkeypatch.setenv("PULLBACK_CACHE", "0")  # a disk hit is not a compile: nothing to dump
    x = jnp.asarray(np.arange(5.0, dtype=np.float32))
    out = pb.jit(lambda x: jnp.cos(x) * 3.0 + 0.125)(x)  # a program no other test compiles
    np.testing.assert_allclose(np.asarray(out), np.cos(np.arange(5.0)) * 3.0 + 0.125, rtol=1e-6)
    names = sorted(p.name for p in tmp_path.iterdir())
    for stage in ("pb", "transformed", "linalg", "vectorized", "bufferized", "llvm", "llvm-ir"):
        assert any(n.endswith(f".{stage}.mlir") or n.endswith(f".{stage}.ll") for n in names), names


def test_tracing_and_compiling_from_threads_at_once():
    # Each thread traces in its own MLIR context: nothing context-bound (locations, types)
    # may be shared between them (a shared location cache once corrupted the IR and
    # aborted the process).
    def work(i):
        f = pb.jit(lambda x: jnp.sum(jnp.sin(x) * (i + 1)))
        for k in range(3):
            got = float(f(np.full((3 + k,), 0.5, np.float32)))
            assert abs(got - (3 + k) * np.sin(0.5) * (i + 1)) < 1e-4, got
        g = pb.grad(lambda x: jnp.sum(jnp.tanh(x) * i))(np.ones(4, np.float32))
        np.testing.assert_allclose(np.asarray(g), i * (1 - np.tanh(1.0) ** 2), rtol=1e-5)
        v = pb.vmap(lambda x: x * i)(np.ones((2, 3), np.float32))
        np.testing.assert_array_equal(np.asarray(v), np.full((2, 3), i, np.float32))
    run_in_threads(work, 6)


def test_python_scalar_operands_keep_value_sign_and_type():
    # Scalars become cached immutable arrays: equal-hashing values must stay apart.
    x = jnp.ones(2)
    assert np.all(np.signbit(np.asarray(x * -0.0))) and not np.any(np.signbit(np.asarray(x * 0.0)))
    assert (x + True).dtype == np.float32 and (jnp.int32(1) + 1).dtype == np.int32
    assert jnp.asarray(1.0).weak_type and not jnp.asarray(np.float32(1.0)).weak_type
    np.testing.assert_array_equal(np.asarray(jnp.arange(3) + 1), [1, 2, 3])
    np.testing.assert_array_equal(np.asarray(jnp.arange(3) + 1.0), [1.0, 2.0, 3.0])


def test_numpy_arguments_are_read_in_place_but_never_aliased():
    """Dispatch reads a C-contiguous numpy argument without copying it; results are fresh
    buffers, so writing into the argument afterwards changes nothing already returned."""
    f = pb.jit(lambda x: x * 2)
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    y = f(x)
    x[:] = -1
    np.testing.assert_array_equal(y, np.arange(6, dtype=np.float32).reshape(2, 3) * 2)
    np.testing.assert_array_equal(f(x), np.full((2, 3), -2, np.float32))
    readonly = np.ones(3, np.float32)
    readonly.flags.writeable = False
    np.testing.assert_array_equal(f(readonly), 2 * readonly)
    np.testing.assert_array_equal(f(x.T), -2 * np.ones((3, 2), np.float32))  # not contiguous: copied
    np.testing.assert_array_equal(f(np.arange(3.0)), np.arange(3.0, dtype=np.float32) * 2)  # float64 narrowed


def test_numpy_and_array_leaves_share_one_signature():
    """A cached call reads numpy leaves in place without wrapping them: a list mixing numpy
    arrays and pullback arrays is the same signature whichever leaf is which, and a leaf that
    needs converting (a Python scalar, a float64 array) still takes the general path."""
    f, calls = counted(lambda ps: ps[0] * ps[1] + ps[2])
    jf = pb.jit(f)
    a, b = np.arange(4, dtype=np.float32), np.full(4, 2, np.float32)
    want = a * b + b
    for args in ([a, b, b], [jnp.asarray(a), b, jnp.asarray(b)], [a, jnp.asarray(b), b]):
        np.testing.assert_array_equal(np.asarray(jf(args)), want)
    assert len(calls) == 1
    np.testing.assert_array_equal(np.asarray(jf([a, b, np.full(4, 2.0)])), want)  # float64: narrowed
    np.testing.assert_array_equal(np.asarray(jf([a, b, 2.0])), want)  # a weak scalar: a new trace
    assert len(calls) == 2
