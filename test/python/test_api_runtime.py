"""The top-level runtime surface against JAX: devices, device_put, eval_shape and
ShapeDtypeStruct, typeof, custom_gradient, pure_callback, disable_jit, enable_x64,
named_call/checkpoint (values and derivatives unchanged) and config.update's errors."""
from __future__ import annotations

import numpy as np
import pytest

import pullback as pb
import pullback.numpy as pnp

jax = pytest.importorskip("jax")
jnp = jax.numpy


def test_devices():
    assert len(pb.devices()) == pb.device_count() == pb.local_device_count() == 1
    assert pb.local_devices() == pb.devices()
    d = pb.devices()[0]
    assert d.platform == jax.devices()[0].platform == "cpu" and d.id == 0
    assert repr(d) == repr(jax.devices("cpu")[0])
    assert pb.default_backend() == "cpu" and pb.process_index() == 0 and pb.process_count() == 1
    with pytest.raises(RuntimeError):
        pb.devices("tpu")


@pytest.mark.parametrize("x", [1.0, 3, np.arange(3, dtype=np.float32), {"a": np.ones(2), "b": (2.5,)}])
def test_device_put_matches_jax(x):
    got, want = pb.device_put(x), jax.device_put(x)
    for g, w in zip(pb.tree.leaves(got), jax.tree.leaves(want)):
        assert isinstance(g, pb.Array)
        assert g.aval.dtype == np.dtype(w.dtype).name and g.aval.weak == w.weak_type
        np.testing.assert_array_equal(np.asarray(g), np.asarray(w))
    assert isinstance(pb.device_put(pnp.ones(2), pb.devices()[0]), pb.Array)
    np.testing.assert_array_equal(pb.device_get(pb.device_put(np.ones(2))), np.ones(2))


def test_eval_shape_matches_jax():
    def f(x, y):
        return {"p": x @ y, "s": (x.sum(axis=0), y.astype("int32"))}
    pargs = (pb.ShapeDtypeStruct((3, 4), "float32"), pnp.ones((4, 2)))
    jargs = (jax.ShapeDtypeStruct((3, 4), jnp.float32), jnp.ones((4, 2)))
    got, want = pb.eval_shape(f, *pargs), jax.eval_shape(f, *jargs)
    g_leaves, w_leaves = pb.tree.leaves(got), jax.tree.leaves(want)
    assert [(g.shape, g.dtype) for g in g_leaves] == [(w.shape, w.dtype) for w in w_leaves]
    s = pb.ShapeDtypeStruct((2, 3), np.float32)
    assert repr(s) == repr(jax.ShapeDtypeStruct((2, 3), np.float32))
    assert s.ndim == 2 and s.size == 6 and len(s) == 2 and s == pb.ShapeDtypeStruct((2, 3), "float32")


def test_typeof_prints_as_jax():
    for x in (np.ones((2, 3), np.float32), np.int32(3)):
        assert str(pb.typeof(pnp.asarray(x))) == str(jax.typeof(jnp.asarray(x)))


def test_custom_gradient_matches_jax():
    def make(m):
        @m.custom_gradient
        def f(x, y):
            return m.numpy.sin(x) * y, lambda g: (g * 10.0, g * x)
        return f
    pf, jf = make(pb), make(jax)
    for argnums in (0, 1, (0, 1)):
        got = pb.grad(lambda a, b: pf(a, b).sum(), argnums)(pnp.asarray([0.5, 1.0]), pnp.asarray([2.0, 3.0]))
        want = jax.grad(lambda a, b: jf(a, b).sum(), argnums)(jnp.asarray([0.5, 1.0]), jnp.asarray([2.0, 3.0]))
        for g, w in zip(pb.tree.leaves(got), jax.tree.leaves(want)):
            np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(pf(pnp.asarray(0.5), 2.0)), np.sin(0.5) * 2.0, rtol=1e-6)


def test_pure_callback_eager_and_jit():
    def host(a, b):
        return np.sort(a) + b
    spec_p = pb.ShapeDtypeStruct((4,), "float32")
    x = np.array([3.0, 1.0, 2.0, 0.0], np.float32)
    want = jax.pure_callback(host, jax.ShapeDtypeStruct((4,), jnp.float32), x, np.float32(1.0))
    got_e = pb.pure_callback(host, spec_p, pnp.asarray(x), np.float32(1.0))
    got_j = pb.jit(lambda v: pb.pure_callback(host, spec_p, v, np.float32(1.0)) * 2)(pnp.asarray(x))
    np.testing.assert_array_equal(np.asarray(got_e), np.asarray(want))
    np.testing.assert_array_equal(np.asarray(got_j), 2 * np.asarray(want))


def test_disable_jit_runs_python_each_call():
    calls = []

    @pb.jit
    def f(x):
        calls.append(type(x).__name__)
        return x * 2
    f(pnp.ones(2))
    f(pnp.ones(2))
    assert len(calls) == 1  # traced once, then the compiled program runs
    with pb.disable_jit():
        np.testing.assert_array_equal(np.asarray(f(pnp.ones(2))), [2.0, 2.0])
        f(pnp.ones(2))
    assert len(calls) == 3 and calls[1] == "Array"
    pb.config.update("jax_disable_jit", True)
    try:
        f(pnp.ones(2))
        assert pb.config.jax_disable_jit and len(calls) == 4
    finally:
        pb.config.update("jax_disable_jit", False)
    f(pnp.ones(2))
    assert len(calls) == 4


def test_enable_x64_context():
    with pb.enable_x64():
        assert pnp.ones(2).dtype == np.float64 and pb.config.jax_enable_x64
    assert pnp.ones(2).dtype == np.float32 and not pb.config.jax_enable_x64


def test_config_update_errors_match_jax():
    with pytest.raises(AttributeError) as want:
        jax.config.update("jax_no_such_option", 1)
    with pytest.raises(want.type, match="Unrecognized config option"):
        pb.config.update("jax_no_such_option", 1)
    with pytest.raises(NotImplementedError):  # a JAX option pullback does not implement: never ignored
        pb.config.update("jax_numpy_dtype_promotion", "strict")
    with pytest.raises(ValueError):
        pb.config.update("jax_platform_name", "tpu")
    pb.config.update("jax_platform_name", "cpu")


def test_threefry_partitionable_option():
    before = pb.random.threefry_partitionable
    try:
        for flag in (False, True):
            pb.config.update("jax_threefry_partitionable", flag)
            jax.config.update("jax_threefry_partitionable", flag)
            got = pb.random.uniform(pb.random.key(3), (5,))
            want = jax.random.uniform(jax.random.key(3), (5,))
            np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    finally:
        pb.config.update("jax_threefry_partitionable", before)
        jax.config.update("jax_threefry_partitionable", True)


def test_identity_transforms_keep_values_and_derivatives():
    def f(x):
        return pnp.sum(pnp.sin(x) ** 2)
    x = pnp.asarray([0.3, 1.2])
    g = pb.grad(f)(x)
    for wrapped in (pb.named_call(f, name="f"), pb.checkpoint(f), pb.remat(f, policy=None)):
        np.testing.assert_allclose(np.asarray(pb.grad(wrapped)(x)), np.asarray(g), rtol=1e-6)
    with pb.named_scope("scope"), pb.ensure_compile_time_eval(), pb.default_device(pb.devices()[0]):
        np.testing.assert_allclose(np.asarray(pb.jit(f)(x)), np.asarray(f(x)), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(pb.jacobian(pnp.sin)(x)), np.diag(np.cos(np.asarray(x))), rtol=1e-6)
    assert pb.block_until_ready({"a": x})["a"] is x
    assert "pullback" in pb.print_environment_info(return_string=True)
    pb.effects_barrier()
    pb.clear_caches()


@pytest.mark.parametrize("fn", [
    lambda m: m.numpy.log(m.numpy.array(-1.0)),
    lambda m: m.jit(lambda x: m.numpy.sqrt(x) * 2)(m.numpy.array([-1.0, 4.0])),
    lambda m: m.lax.div(m.numpy.array(0.0), m.numpy.array(0.0)),
])
def test_debug_nans_raises_like_jax(fn):
    with jax.debug_nans(True):
        with pytest.raises(FloatingPointError):
            fn(jax)
    with pb.debug_nans(True):
        with pytest.raises(FloatingPointError, match="nan"):
            fn(pb)
    assert np.isnan(np.asarray(fn(pb))).any()  # off again after the context
    pb.config.update("jax_debug_nans", True)
    try:
        with pytest.raises(FloatingPointError):
            fn(pb)
    finally:
        pb.config.update("jax_debug_nans", False)


def test_debug_infs():
    with pb.debug_infs():
        with pytest.raises(FloatingPointError, match="inf"):
            pnp.array(1.0) / 0.0
        pnp.log(pnp.array(2.0))  # finite results pass
    assert np.isinf(np.asarray(pnp.array(1.0) / 0.0))


def test_numpy_rank_promotion_matches_jax():
    for mode in ("raise", "warn", "allow"):
        for m, ctx in ((jnp, jax.numpy_rank_promotion), (pnp, pb.numpy_rank_promotion)):
            with ctx(mode):
                if mode == "raise":
                    with pytest.raises(ValueError):
                        m.ones(3) + m.ones((2, 3))
                elif mode == "warn":
                    with pytest.warns(UserWarning):
                        m.ones(3) + m.ones((2, 3))
                else:
                    m.ones(3) + m.ones((2, 3))
                np.testing.assert_array_equal(np.asarray(m.ones(3) + 1.0), [2.0, 2.0, 2.0])  # scalars are exempt
    with pytest.raises(ValueError):
        pb.config.update("jax_numpy_rank_promotion", "sometimes")


def test_single_device_array_builders():
    data = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    got = pb.make_array_from_callback((2, 3), None, lambda idx: data[idx])
    np.testing.assert_array_equal(np.asarray(got), data)
    np.testing.assert_array_equal(np.asarray(pb.make_array_from_single_device_arrays((2, 3), None, [data])), data)
    np.testing.assert_array_equal(np.asarray(pb.make_array_from_process_local_data(None, data)), data)
    with pytest.raises(ValueError):
        pb.make_array_from_single_device_arrays((4, 3), None, [data])
    assert pb.copy_to_host_async(pnp.ones(2)) is None


def test_threefry_and_precision_contexts():
    for flag in (False, True):
        with pb.threefry_partitionable(flag), jax.threefry_partitionable(flag):
            np.testing.assert_array_equal(np.asarray(pb.random.normal(pb.random.key(1), (4,))),
                                          np.asarray(jax.random.normal(jax.random.key(1), (4,))))
    with pb.default_matmul_precision("highest"):
        np.testing.assert_allclose(np.asarray(pnp.ones((2, 3)) @ pnp.ones((3, 2))), 3 * np.ones((2, 2)))


def test_no_tracing_matches_jax():
    for m in (jax, pb):
        f = m.jit(lambda x: x * 2)
        f(1.0)
        with m.no_tracing():
            f(2.0)  # cached: no tracing
            with pytest.raises(RuntimeError, match="no_tracing"):
                m.jit(lambda x: x * 3)(1.0)


def test_softmax_custom_jvp_option_same_values_and_grads():
    x = np.array([1.0, 2.0, 30.0], np.float32)
    g = pb.grad(lambda v: pb.nn.softmax(v)[0])(pnp.asarray(x))
    for flag in (False, True):
        with pb.softmax_custom_jvp(flag), jax.softmax_custom_jvp(flag):
            got = pb.grad(lambda v: pb.nn.softmax(v)[0])(pnp.asarray(x))
            want = jax.grad(lambda v: jax.nn.softmax(v)[0])(x)
            np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(np.asarray(g), np.asarray(got), rtol=1e-6)
    pb.config.update("jax_softmax_custom_jvp", True)


def test_log_compiles(capfd):
    with pb.log_compiles():
        pb.jit(lambda x: x * 5 + 1)(1.0)
    assert "compiled" in capfd.readouterr().err
    pb.config.update("jax_log_compiles", False)
