"""The C fast path of cached jit calls (runtime/_dispatch.c): same results as the Python path,
and every case it does not serve falls back to it."""
import gc
import importlib
import os
import subprocess
import sys
import threading
import warnings

import numpy as np
import pytest

import pullback as pb
import pullback.numpy as pnp
from pullback.errors import ResourceExhaustedError

from conftest import x64_mode
from harness import run_in_threads

_dispatch = pytest.importorskip("pullback.runtime._dispatch")
jit_module = importlib.import_module("pullback.jit")
if jit_module._dispatch is None:
    pytest.skip("the fast path is turned off (PULLBACK_DISPATCH=python)", allow_module_level=True)

F0 = pb.dtypes.float0


def same(fast, slow):
    """Equal trees of equal Arrays: values, dtypes, weak types and container types."""
    assert type(fast) is type(slow)
    if isinstance(slow, (list, tuple)):
        assert len(fast) == len(slow)
        for a, b in zip(fast, slow):
            same(a, b)
    elif isinstance(slow, dict):
        assert fast.keys() == slow.keys()
        for k in slow:
            same(fast[k], slow[k])
    elif slow is None:
        assert fast is None
    else:
        assert type(fast) is pb.Array
        assert fast.dtype == slow.dtype and fast.shape == slow.shape and fast.weak_type == slow.weak_type
        np.testing.assert_array_equal(np.asarray(fast), np.asarray(slow))


def check(f, *args):
    """f(*args) through the fast path (once warm) and through the Python path agree; the
    number of calls the fast path served."""
    f(*args)  # compiles (Python path) and registers the signature
    before = f._fast_hits
    fast = f(*args)
    same(fast, f._call_python(*args))
    return f._fast_hits - before


def rng_array(shape, dtype=np.float32, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# -- served in C ------------------------------------------------------------------------

def test_array_argument():
    assert check(pb.jit(lambda x: x + 1), pnp.asarray(rng_array((8,)))) == 1


def test_numpy_argument():
    assert check(pb.jit(lambda x: x * 2 - 1), rng_array((3, 4))) == 1


def test_numpy_and_array_share_the_entry():
    f = pb.jit(lambda x: x + 1)
    x = rng_array((5,))
    f(x)
    hits = f._fast_hits
    same(f(pnp.asarray(x)), f._call_python(x))
    assert f._fast_hits == hits + 1 and len(f._cache) == 1


@pytest.mark.parametrize("container", [list, tuple])
def test_six_arrays_in_six_out(container):
    f = pb.jit(lambda ps: container(p * 2 for p in ps))
    params = [rng_array((4, 4), seed=i) for i in range(6)]
    assert check(f, container(params)) == 1
    assert check(f, container(pnp.asarray(p) for p in params)) == 1


def test_mixed_arguments_and_dtypes():
    f = pb.jit(lambda a, bs, c: (a * 2, [b + 1 for b in bs], c.astype(np.float32) * a[0]))
    a = pnp.asarray(rng_array((2,)))
    bs = (np.arange(3, dtype=np.int32), np.ones((2, 2), np.float16), pnp.asarray(np.array([True, False])))
    assert check(f, a, bs, np.arange(4, dtype=np.uint8)) == 1


@pytest.mark.parametrize("scalar", [2, -7, 0.5, True, False])
def test_python_scalars_are_weak(scalar):
    f = pb.jit(lambda x, s: x * s)
    assert check(f, pnp.asarray(rng_array((3,))), scalar) == 1
    assert f(pnp.ones(3), scalar).weak_type is False
    assert check(pb.jit(lambda s: s), scalar) == 1


def test_weak_array_argument_and_output():
    f = pb.jit(lambda x: (x * 2, x + 1.0))
    weak = pb.jit(lambda: 3.0)()
    assert weak.weak_type
    assert check(f, weak) == 1
    assert f(weak)[0].weak_type and f(weak)[1].weak_type


def test_scalar_out_of_range_falls_back_as_python_does():
    f = pb.jit(lambda s: s + 1)
    f(1)
    hits = f._fast_hits
    with pytest.raises(OverflowError):
        f(2 ** 40)  # numpy's error, from the Python path
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        g = pb.jit(lambda s: s * 1)
        g(1.0)
        assert np.isinf(np.asarray(g(1e300)))  # numpy's overflow to inf (with its warning)
    assert f._fast_hits == hits


def test_x64_mode():
    f = pb.jit(lambda x, s: x * s)
    x32, x64 = rng_array((4,)), rng_array((4,), np.float64)
    assert check(f, x32, 3) == 1
    with x64_mode():
        assert check(f, x64, 3) == 1
        assert f(x64, 3).dtype == np.float64 and f(x64, 2.5).dtype == np.float64
        assert check(f, x32, 2.5) == 1
    # x64 off again: float64 numpy arrays are narrowed (converted, never read as float64 in place)
    out = f(x64, 3)
    assert out.dtype == np.float32
    same(out, f._call_python(x64, 3))
    np.testing.assert_allclose(np.asarray(out), x64.astype(np.float32) * 3)


def test_x64_entry_never_takes_x32_numpy_in_place():
    f = pb.jit(lambda x: x + 1)
    x = np.arange(3, dtype=np.int64)
    with x64_mode():
        assert f(x).dtype == np.int64
        assert f(x).dtype == np.int64
    hits = f._fast_hits
    assert f(x).dtype == np.int32  # the Python path: a new int32 signature
    assert f._fast_hits == hits



@pytest.mark.parametrize("path", ["fast", "python"])
def test_x64_mode_is_part_of_the_signature(path):
    """The program's own constants depend on x64 (arange is int64 with it on): an Array of the
    same type retraces when the mode changes, as JAX does, on both paths."""
    f = pb.jit(lambda x: x + pnp.arange(3))
    call = f if path == "fast" else f._call_python
    x = pnp.asarray(np.arange(3, dtype=np.int32))
    assert call(x).dtype == np.int32 and call(x).dtype == np.int32
    with x64_mode():
        assert call(x).dtype == np.int64 and call(x).dtype == np.int64
    assert call(x).dtype == np.int32

def test_captured_constants():
    c = pnp.asarray(rng_array((4,), seed=3))
    d = pnp.arange(4.0)
    f = pb.jit(lambda x: x * c + d)
    x = rng_array((4,))
    assert check(f, x) == 1
    assert len(next(iter(f._cache.values())).captured) >= 1
    np.testing.assert_allclose(np.asarray(f(x)), x * np.asarray(c) + np.arange(4.0), rtol=1e-6)


@pytest.mark.parametrize("out", [
    lambda x: {"a": x, "b": (x * 2, [x + 1])},
    lambda x: None,
    lambda x: (),
    lambda x: (x, None),
    lambda x: [[x]],
])
def test_output_trees(out):
    f = pb.jit(out)
    assert check(f, rng_array((2,))) == 1


def test_no_arguments():
    assert check(pb.jit(lambda: pnp.arange(3)), ) == 1


def test_empty_containers_and_zero_size_arrays():
    f = pb.jit(lambda xs, y: (len(xs), y * 2))
    assert check(f, [], pnp.zeros((0, 3))) == 1
    g = pb.jit(lambda y: y + 1)
    y = np.zeros((0,), np.float32)
    same(g(y), g._call_python(y))  # numpy of no elements: converted, as the Python path does


def test_concurrent_calls_from_threads():
    f = pb.jit(lambda x, y: [x * y + 1, x - y])
    f(np.ones(64, np.float32), np.ones(64, np.float32))

    def work(seed):
        for i in range(200):
            x, y = rng_array((64,), seed=seed * 1000 + i), rng_array((64,), seed=seed)
            out = f(x, pnp.asarray(y))
            np.testing.assert_allclose(np.asarray(out[0]), x * y + 1, rtol=1e-6)
            np.testing.assert_allclose(np.asarray(out[1]), x - y, rtol=1e-6)
    run_in_threads(work, 4)
    assert f._fast_hits >= 800


def test_out_of_memory_flag_raises_and_resets():
    f = pb.jit(lambda x: pnp.sum(pnp.outer(x, x) @ x))
    x = np.ones(16, np.float32)
    expected = float(f(x))
    flag = next(iter(f._cache.values())).exe.entry._oom
    assert flag is not None
    flag.value = 12345  # as a failed malloc of the compiled code leaves it
    hits = f._fast_hits
    with pytest.raises(ResourceExhaustedError, match="RESOURCE_EXHAUSTED: out of memory while trying to "
                                                     "allocate 12345 bytes"):
        f(x)
    assert flag.value == 0 and f._fast_hits == hits
    assert float(f(x)) == expected and f._fast_hits == hits + 1


# -- taken by Python ------------------------------------------------------------------

def hits_of(f, *args, **kwargs):
    before = f._fast_hits
    out = f(*args, **kwargs)
    return out, f._fast_hits - before


def test_new_shapes_retrace():
    traces = []

    def fun(x):
        traces.append(x.shape)
        return x * 2

    f = pb.jit(fun)
    for n in (3, 3, 4, 4, 3):
        np.testing.assert_array_equal(np.asarray(f(np.arange(n, dtype=np.float32))), np.arange(n) * 2)
    assert traces == [(3,), (4,)]
    assert f._fast_hits == 3
    np.testing.assert_array_equal(np.asarray(f(np.ones((2, 2), np.float32))), np.full((2, 2), 2.0))
    assert traces[-1] == (2, 2)


def test_many_signatures_beyond_the_fast_table():
    f = pb.jit(lambda x: x + 1)
    for _ in range(2):
        for n in range(1, _dispatch.MAX_ENTRIES + 4):
            np.testing.assert_array_equal(np.asarray(f(np.zeros(n, np.float32))), np.ones(n))
    assert f._fast_entries == _dispatch.MAX_ENTRIES


def test_structure_changes_are_not_served_by_a_stale_entry():
    f = pb.jit(lambda xs: [x * 2 for x in xs])
    a = np.ones(2, np.float32)
    f([a, a])
    for args in ([a, a, a], (a, a), [a], [[a], a]):
        out, hits = hits_of(f, args)
        assert hits == 0 and type(out) is list and len(out) == len(args)


def test_dtype_and_weak_type_changes_retrace():
    f = pb.jit(lambda x: x)
    f(pnp.ones(3))
    for x, dtype in ((np.ones(3, np.int32), np.int32), (pnp.ones(3, pnp.float16), np.float16)):
        out, hits = hits_of(f, x)
        assert hits == 0 and out.dtype == dtype
    s = f(2.0)
    assert s.weak_type and f(pnp.asarray(np.float32(2.0))).weak_type is False


def test_non_contiguous_and_read_only_numpy():
    f = pb.jit(lambda x: x * 3)
    base = rng_array((4, 4))
    f(base[0])
    strided = base[:, 1]
    ro = base[1].copy()
    ro.flags.writeable = False
    for x in (strided, ro):
        out, hits = hits_of(f, x)
        assert hits == 0
        np.testing.assert_array_equal(np.asarray(out), np.asarray(x) * 3)
    fortran = np.asfortranarray(rng_array((3, 2)))
    g = pb.jit(lambda x: x + 1)
    g(np.ascontiguousarray(fortran))
    out, hits = hits_of(g, fortran)
    assert hits == 0
    np.testing.assert_array_equal(np.asarray(out), fortran + 1)


def test_other_leaf_types_fall_back():
    f = pb.jit(lambda x: x + 1)
    f(np.float32(1.0).reshape(()))
    for x in (np.float32(2.0), np.ma.masked_array(np.ones((), np.float32)), 1 + 2j):
        out, hits = hits_of(f, x)
        assert hits == 0
        np.testing.assert_array_equal(np.asarray(out), np.asarray(x) + 1)


def test_big_endian_numpy_is_converted():
    f = pb.jit(lambda x: x + 1)
    f(np.ones(3, np.float32))
    x = np.arange(3, dtype=">f4")
    out, hits = hits_of(f, x)
    assert hits == 0
    np.testing.assert_array_equal(np.asarray(out), [1, 2, 3])


def test_float0_argument_falls_back():
    f = pb.jit(lambda x, t: (x * 2, t))
    x = np.ones(2, np.float32)
    for _ in range(2):
        out, hits = hits_of(f, x, np.zeros((2,), F0))
        assert hits == 0 and out[1].dtype == F0 and out[1].shape == (2,)
        np.testing.assert_array_equal(np.asarray(out[0]), [2, 2])


def test_keyword_and_static_arguments_take_python():
    f = pb.jit(lambda x, n: x * n, static_argnums=1)
    x = np.ones(2, np.float32)
    for n in (2, 2, 3):
        out, hits = hits_of(f, x, n)
        assert hits == 0
        np.testing.assert_array_equal(np.asarray(out), [n, n])
    g = pb.jit(lambda x, y: x - y)
    g(x, y=x)
    out, hits = hits_of(g, x, y=x * 3)
    assert hits == 0
    np.testing.assert_array_equal(np.asarray(out), [-2, -2])
    g(x, x)
    assert hits_of(g, x, x)[1] == 1


def test_inside_a_trace_the_call_is_traced():
    inner = pb.jit(lambda x: x * 3)
    c = pnp.asarray(np.float32(2.0))
    inner(c)
    hits = inner._fast_hits
    outer = pb.jit(lambda y: inner(c) + y)  # a concrete argument, called while tracing
    assert float(outer(1.0)) == 7.0 and float(outer(1.0)) == 7.0
    assert float(pb.grad(lambda y: inner(y) + inner(c))(1.0)) == 3.0
    assert inner._fast_hits == hits


def test_disable_jit_runs_python():
    calls = []

    def fun(x):
        calls.append(1)
        return x + 1

    f = pb.jit(fun)
    x = np.ones(2, np.float32)
    f(x)
    f(x)
    with pb.disable_jit():
        f(x)
        f(x)
    assert len(calls) == 3 and f._fast_hits == 1


def test_debug_nans_checked_on_cached_calls():
    f = pb.jit(lambda x: pnp.sqrt(x))
    x = np.array([-1.0, 4.0], np.float32)
    f(x)
    f(x)
    with pb.debug_nans(True):
        with pytest.raises(FloatingPointError):
            f(x)
    with pb.debug_infs(True):
        with pytest.raises(FloatingPointError):
            pb.jit(lambda x: 1 / x)(np.zeros(1, np.float32))
    assert np.isnan(np.asarray(f(x))[0])


def test_host_callbacks_take_python():
    seen = []
    f = pb.jit(lambda x: pb.pure_callback(lambda v: (seen.append(1), np.asarray(v) * 2)[1],
                                          pb.ShapeDtypeStruct((2,), np.float32), x))
    x = np.ones(2, np.float32)
    for _ in range(3):
        out, hits = hits_of(f, x)
        assert hits == 0
        np.testing.assert_array_equal(np.asarray(out), [2, 2])
    assert len(seen) == 3


def test_donation_warns_at_the_first_call_only():
    f = pb.jit(lambda x: x + 1, donate_argnums=0)
    x = np.ones(2, np.float32)
    with pytest.warns(UserWarning, match="donated"):
        f(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert hits_of(f, x)[1] == 1


# -- the extension itself -------------------------------------------------------------

def test_python_switch_in_a_subprocess():
    code = ("import importlib, pullback as pb, numpy as np\njit = importlib.import_module('pullback.jit')\n"
            "f = pb.jit(lambda x: x + 1)\nf(np.ones(2, np.float32))\n"
            "print(jit._dispatch is None, type(f).__mro__[1].__name__, hasattr(f, '_fast_hits'),"
            " float(f(np.ones(2, np.float32))[0]))")
    env = {**os.environ, "PULLBACK_DISPATCH": "python"}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["True", "object", "False", "2.0"]


def test_references_are_released():
    f = pb.jit(lambda ps, x: ([p + x for p in ps], x))
    ps = [np.ones(3, np.float32) for _ in range(3)]
    x = pnp.ones(3)
    f(ps, x)
    f(ps, x)
    counts = [sys.getrefcount(o) for o in (*ps, ps, x)]
    for _ in range(1000):
        out = f(ps, x)
    del out
    gc.collect()
    assert [sys.getrefcount(o) for o in (*ps, ps, x)] == counts
    assert sys.getrefcount(f(ps, x)[0][0]) == 2  # the list's, getrefcount's argument's


@pytest.mark.parametrize("args", [
    (),
    (0, 0, None, (), (), (), (), 0),
    (1, 0, None, ((0, 1),), (("float32", np.float32, (2,), False),), (), (), 0),  # no accept bits
    (1, 0, None, ((3, 1),), (("float32", np.float32, (2,), False, 0),), (), (), 0),
    (1, 0, None, ((0, 2),), (("float32", np.float32, (2,), False, 0),), (), (), 0),
    (1, 0, None, (), (), (), (), 0),  # a leaf out_tree without a leaf
    (1, 0, None, (), (), (0,), (), 1),  # a captured constant at address 0
    (1, 0, None, (), (("float32", np.float32, (-1,), False, 0),), (), (), 1),
    (1, 0, None, (), (), (), (("float32", "no such dtype", (1,), False),), 1),
    (1, 0, None, (), ((1, np.float32, (1,), False, 0),), (), (), 1),
    (1, 0, None, (), (), (), (("f", np.float32, (1,) * 100, False),), 1),
])
def test_bad_entries_are_errors(args):
    with pytest.raises((TypeError, ValueError)):
        _dispatch.Entry(*args)


def test_bad_uses_are_errors():
    with pytest.raises(TypeError):
        pb.jit(lambda x: x)._fast_add(object())
    with pytest.raises(TypeError):
        _dispatch.configure(1, 2, 3, 4, 5, 6)
    with pytest.raises(RuntimeError, match="configured already"):  # its state is read without locks
        _dispatch.configure(pb.Array, [False], [False, False], threading.local(), {}, MemoryError)
    d = _dispatch.Dispatcher()
    with pytest.raises(AttributeError):  # no _call_python: nothing to fall back to
        d(1)


# -- Executable calls (the IR-level API): a raw Entry, numpy arrays in and out ---------------

def _add_executable(shape, dtype="float32"):
    from harness import op_module
    from pullback.dialects.types import TensorSpec
    from pullback.runtime import compile_module
    return compile_module(op_module("add", [TensorSpec(shape, dtype)] * 2, {}), "f")


def test_executable_call_runs_in_c_with_numpy_outputs():
    exe = _add_executable((2, 3))
    assert exe._fast is not None
    x = rng_array((2, 3))
    y = rng_array((2, 3), seed=1)
    out = exe(x, y)
    assert type(out) is list and len(out) == 1 and type(out[0]) is np.ndarray
    np.testing.assert_array_equal(out[0], x + y)
    assert _dispatch.call(exe._fast, (x, y)) is not None  # the call C serves
    slow = exe.call_pointers([x.ctypes.data, y.ctypes.data])
    np.testing.assert_array_equal(out[0], slow[0])


def test_executable_call_falls_back_to_the_checked_path():
    from pullback.runtime import SignatureError
    exe = _add_executable((2, 3))
    x = rng_array((2, 3))
    # what C does not take is still served (views, read-only, Arrays), checked in Python
    readonly = x.copy()
    readonly.flags.writeable = False
    view = rng_array((3, 2)).T
    for a in (readonly, view, pnp.asarray(x)):
        np.testing.assert_allclose(exe(a, x)[0], np.asarray(a, np.float32) + x)
    assert _dispatch.call(exe._fast, (readonly, x)) is None and _dispatch.call(exe._fast, (view, x)) is None
    # and a mismatch is explained by the Python check, before any native code runs
    with pytest.raises(SignatureError, match="takes 2 arguments, got 1"):
        exe(x)
    with pytest.raises(SignatureError, match="argument 0 .* got float64"):
        exe(np.ones((2, 3)), x)
    with pytest.raises(SignatureError, match=r"argument 1 must be .*\(2, 3\)"):
        exe(x, rng_array((3, 2)))


def test_executable_zero_size_and_scalar_arrays():
    empty = _add_executable((0, 4))
    assert empty(np.zeros((0, 4), np.float32), np.zeros((0, 4), np.float32))[0].shape == (0, 4)
    scalar = _add_executable(())
    out = scalar(np.array(2.0, np.float32), np.array(3.0, np.float32))[0]
    assert out.shape == () and out == 5.0


def test_clear_caches_forgets_every_signature_as_jax_does():
    from pullback.runtime import cache_stats
    f = pb.jit(lambda x: x * 3)
    x = rng_array((7,))
    f(x)
    f(x)
    assert f._fast_entries == 1 and len(f._cache) == 1
    pb.clear_caches()
    assert f._fast_entries == 0 and not f._cache and not f._traces
    before = cache_stats()["compiles"] + cache_stats()["disk_hits"]
    np.testing.assert_allclose(np.asarray(f(x)), x * 3)  # traced and compiled (or loaded) again
    assert cache_stats()["compiles"] + cache_stats()["disk_hits"] == before + 1
    assert f._fast_entries == 1
