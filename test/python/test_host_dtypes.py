"""Host arrays of ml_dtypes' types against JAX: bfloat16 round-trips by value (never as
its uint16 bits) through every way an array enters or leaves pullback, and the ml_dtypes
pullback cannot compute in (float8, int4) raise a TypeError naming the user's line."""
import ml_dtypes
import numpy as np
import pytest

import pullback
import pullback.numpy as pnp
from pullback import lax as plax
from pullback.test_util import check_grads

jax = pytest.importorskip("jax")
jnp = jax.numpy

BF16 = ml_dtypes.bfloat16
X = np.array([1.5, 2.0, -0.3, 1e-3, 250.0], dtype=BF16)


def same(got, want):
    """Same dtype and the same bits (bfloat16 rounding included)."""
    assert np.asarray(got).dtype == np.asarray(want).dtype, (np.asarray(got).dtype, np.asarray(want).dtype)
    assert got.dtype == want.dtype
    g, w = np.asarray(got), np.asarray(want)
    assert g.shape == w.shape
    np.testing.assert_array_equal(g.view(np.uint16) if g.dtype == BF16 else g,
                                  w.view(np.uint16) if w.dtype == BF16 else w)


ENTRIES = {
    "asarray": lambda m, j: m.asarray(X),
    "array": lambda m, j: m.array(X),
    "array_dtype": lambda m, j: m.array([1.1, 2.3, -7.77], dtype=m.bfloat16),
    "asarray_of_f32": lambda m, j: m.asarray(np.float32([1.1, 2.3]), dtype=m.bfloat16),
    "scalar": lambda m, j: m.asarray(BF16(2.5)),
    "device_put": lambda m, j: j.device_put(X),
    "jit_argument": lambda m, j: j.jit(lambda v: v)(X),
    "eager_argument": lambda m, j: m.negative(X),
    "captured_constant": lambda m, j: j.jit(lambda v: v + m.asarray(X))(BF16(1)),
    "captured_numpy": lambda m, j: j.jit(lambda v: v * X)(BF16(3)),
    "full": lambda m, j: m.full((2,), 0.1, m.bfloat16),
    "zeros_like": lambda m, j: m.ones_like(X),
}


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_bfloat16_enters_by_value(name):
    same(ENTRIES[name](pnp, pullback), ENTRIES[name](jnp, jax))


def test_bfloat16_leaves_by_value():
    got, want = pnp.asarray(X), jnp.asarray(X)
    assert np.asarray(got).dtype == BF16 and got.dtype == BF16
    np.testing.assert_array_equal(np.asarray(got).view(np.uint16), np.asarray(want).view(np.uint16))
    assert got.tolist() == want.tolist()
    assert got[0].item() == want[0].item() == 1.5
    assert float(got[1]) == float(want[1]) == 2.0
    assert repr(got) == repr(want)
    assert str(got) == str(want)
    assert np.asarray(got, dtype=np.float32).tolist() == np.asarray(want, dtype=np.float32).tolist()
    same(pullback.device_get(got), jax.device_get(want))


ARITHMETIC = {
    "mul_weak": lambda m, v: v * 2.7 + 1,
    "sin": lambda m, v: m.sin(v),
    "exp_sum": lambda m, v: m.sum(m.exp(v / 100)),
    "div": lambda m, v: v / (v + 3),
    "mixed_f32": lambda m, v: v * m.float32(1.1),  # promotes to float32
    "astype_f32": lambda m, v: v.astype(m.float32) * 1.1,
    "astype_back": lambda m, v: (v.astype(m.float32) * 1.1).astype(m.bfloat16),
    "astype_int": lambda m, v: v.astype(m.int32),
    "from_int": lambda m, v: m.arange(5).astype(m.bfloat16) + v,
    "dot": lambda m, v: m.dot(v, v),
    "compare": lambda m, v: v > 1.5,
    "where": lambda m, v: m.where(v > 1, v, -v),
}


@pytest.mark.parametrize("jit", [False, True], ids=["eager", "jit"])
@pytest.mark.parametrize("name", sorted(ARITHMETIC))
def test_bfloat16_arithmetic_matches_jax(name, jit):
    f = ARITHMETIC[name]
    pf, jf = (lambda v: f(pnp, v)), (lambda v: f(jnp, v))
    if jit:
        pf, jf = pullback.jit(pf), jax.jit(jf)
    got, want = pf(X), jf(X)
    if name == "dot" or name == "exp_sum":  # the order of a sum's roundings is XLA's to choose
        assert got.dtype == want.dtype
        np.testing.assert_allclose(np.float32(got), np.float32(want), rtol=2e-2)
    else:
        same(got, want)


@pytest.mark.parametrize("jit", [False, True], ids=["eager", "jit"])
def test_bfloat16_grads_match_jax(jit):
    def f(m):
        return lambda v: m.sum(m.sin(v) * v)
    pg, jg = pullback.grad(f(pnp)), jax.grad(f(jnp))
    if jit:
        pg, jg = pullback.jit(pg), jax.jit(jg)
    same(pg(X), jg(X))
    # a bfloat16 scalar argument, and a float32 function of it
    h = lambda m: lambda v: (m.tanh(v.astype(m.float32)) * 3).astype(m.bfloat16)  # noqa: E731
    same(pullback.grad(h(pnp))(BF16(0.75)), jax.grad(h(jnp))(BF16(0.75)))


def test_bfloat16_check_grads():
    x = np.array([0.5, 1.25, -2.0], dtype=BF16)
    # a step bfloat16 can resolve (JAX's check_grads fails at its default eps too)
    check_grads(lambda v: pnp.sin(v) * v, (x,), order=1, modes=("fwd", "rev"), eps=2**-4)
    check_grads(lambda v: plax.clamp(BF16(-1), v, BF16(1)) * v, (x,), order=1, modes=("fwd", "rev"), eps=2**-4)


def test_bfloat16_callback_sees_values():
    seen = []

    def host(a):
        seen.append(a)
        return a * 2

    out = pullback.jit(lambda v: pullback.pure_callback(host, pullback.ShapeDtypeStruct(v.shape, v.dtype), v))(X)
    assert seen[0].dtype == BF16 and seen[0].tolist() == X.tolist()
    same(out, jnp.asarray(X) * 2)


@pytest.mark.parametrize("dtype", [ml_dtypes.float8_e4m3fn, ml_dtypes.float8_e5m2, ml_dtypes.int4,
                                   ml_dtypes.uint4])
def test_ml_dtypes_without_pb_type_raise_naming_the_line(dtype):
    a = np.array([1, 2], dtype=dtype)
    assert jnp.asarray(a).dtype == a.dtype  # JAX computes in them; pullback refuses, never reinterprets
    for make in (lambda: pnp.asarray(a), lambda: pullback.jit(lambda v: v * 2)(a),
                 lambda: pnp.asarray([1, 2]).astype(dtype)):
        with pytest.raises(TypeError, match=rf"dtype {np.dtype(dtype).name} is not supported.*\n.*test_host_dtypes.py"):
            make()
    # converted to a dtype pullback has, by value, as in JAX
    same(pnp.asarray(a, dtype=pnp.float32), jnp.asarray(a, dtype=jnp.float32))


def test_bfloat16_save_load(tmp_path):
    path = tmp_path / "x.npy"
    np.save(path, X)
    same(pnp.load(path), jnp.load(path))


def test_bfloat16_dtype_queries_match_jax():
    for m in (pnp, jnp):
        assert m.zeros(2, m.bfloat16).dtype == BF16
    kinds = [pnp.floating, pnp.inexact, pnp.number, pnp.generic, pnp.integer, pnp.complexfloating, pnp.float32]
    for a in (BF16, np.dtype(BF16)):
        assert [pnp.issubdtype(a, k) for k in kinds] == [jnp.issubdtype(a, k) for k in kinds]
    assert pnp.result_type(pnp.bfloat16) == jnp.result_type(jnp.bfloat16)
    assert pnp.promote_types(pnp.bfloat16, pnp.float16) == jnp.promote_types(jnp.bfloat16, jnp.float16)
    assert pnp.result_type(pnp.asarray(X), 1.0) == jnp.result_type(jnp.asarray(X), 1.0) == BF16


LISTS = [[BF16(1.5), 2.25], [np.float16(1.5), 2.25], [np.int8(1), 2], [1, 2.5], [True, 2], [1 + 2j, 1],
         [[1, 2], [3, 4.5]], [[np.float16(1)], [np.array(2, np.float16)]], (np.int32(1), np.uint32(2)),
         [np.array([1, 2], np.int8), [3, 4]], [np.float32(1), BF16(2)]]


@pytest.mark.parametrize("seq", LISTS, ids=range(len(LISTS)))
def test_lists_promote_their_elements_as_jax(seq):
    got, want = pnp.array(seq), jnp.array(seq)
    assert got.dtype == want.dtype and got.weak_type == want.weak_type
    np.testing.assert_array_equal(np.asarray(got, np.float64), np.asarray(want, np.float64))


def test_list_out_of_range_for_its_dtype_raises_as_jax():
    with pytest.raises(OverflowError):
        jnp.array([np.uint8(3), -1])
    with pytest.raises(OverflowError):
        pnp.array([np.uint8(3), -1])
