"""Scatter and gather against JAX: x.at[idx].<method>(mode=...), jnp.take/take_along_axis/put and
lax.scatter_* on the same inputs, eagerly, under jit, grad and vmap, with out-of-bounds and repeated
indices, and JAX's exception classes for bad input.

`.set` with repeated indices may write any of the values in JAX; here (and in JAX on CPU) the last
one wins, so the values are compared exactly, and a separate test checks that it is never a sum.
JAX only differentiates scatter_mul in the updates with unique_indices=True: with repeated indices
pullback's derivative is checked against finite differences instead.
"""
from __future__ import annotations

import numpy as np
import pytest

import pullback as pb
import pullback.numpy as pnp
from pullback import lax as plax
from pullback import test_util

jax = pytest.importorskip("jax")
jnp = jax.numpy
jlax = jax.lax

MODES = [None, "clip", "drop", "fill", "promise_in_bounds"]
METHODS = ["set", "add", "multiply", "min", "max", "divide", "power", "get", "apply"]
# index forms on a (5, 4) array: out of bounds both ways, repeated, static, mixed with slices
INDICES = {
    "dup_oob_array": (np.array([1, 7, 1, -1, -9, 3]),),
    "static_oob": (7,),
    "static_negative_oob": (-9,),
    "static_negative": (-2,),
    "slice_and_array": (slice(1, None), np.array([0, 5, 0])),
    "two_arrays": (np.array([[0, 4], [9, 0]]), np.array([[1, 1], [2, -7]])),
    "int_and_array": (2, np.array([3, 3, 8])),
    "reversed_slice_and_array": (slice(None, None, -1), np.array([3, -3, 8])),
}


def _run(method, mode, x, idx, values, extra=None):
    """x.at[idx].method(values, mode=...) on either library's arrays."""
    kw = {} if mode is None else {"mode": mode}
    kw.update(extra or {})
    ref = x.at[idx]
    if method == "get":
        return ref.get(**kw)
    if method == "apply":
        return ref.apply(lambda v: v * 2 + 1, **kw)
    return getattr(ref, method)(values, **kw)


def _values(method, shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    if method == "power":
        v = rng.integers(0, 3, shape)
    elif np.dtype(dtype).kind in "iu":
        v = rng.integers(-5, 6, shape)
    else:
        v = rng.uniform(-2, 2, shape)
    return np.asarray(v, dtype)


def _indexed_shape(idx):
    return jnp.zeros((5, 4))[idx].shape


def assert_same(ours, theirs, rtol=1e-6):
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype, (ours.dtype, theirs.dtype)
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=1e-6, equal_nan=True)


def _x(dtype):
    x = np.arange(1, 21).reshape(5, 4) % 7 - 2
    return np.asarray(x if np.dtype(dtype).kind in "iu" else x * 0.75 + 0.1, dtype)


@pytest.mark.parametrize("mode", MODES, ids=str)
@pytest.mark.parametrize("method", METHODS)
def test_at_methods_and_modes_match_jax(method, mode):
    x = _x("float32")
    for name, idx in INDICES.items():
        vals = _values(method, _indexed_shape(idx), "float32")
        assert_same(_run(method, mode, pnp.asarray(x), idx, vals), _run(method, mode, jnp.asarray(x), idx, vals))


@pytest.mark.parametrize("dtype", ["int32", "uint8", "int8", "complex64", "bool"])
@pytest.mark.parametrize("method", METHODS)
def test_at_methods_dtypes_match_jax(method, dtype):
    if dtype == "complex64" and method in ("min", "max"):
        pytest.skip("no ordering of complex numbers")
    if dtype == "bool" and method not in ("set", "get", "min", "max"):
        pytest.skip("JAX has no arithmetic scatter of bool either")
    if dtype == "uint8" and method == "power":
        pytest.skip("jnp.power of uint8 is outside this area (pb.pow has no unsigned integers)")
    x = _x(dtype) if dtype != "bool" else _x("int32") > 1
    idx = INDICES["dup_oob_array"]
    vals = _values(method, _indexed_shape(idx), dtype if dtype != "bool" else "int32")
    vals = vals > 0 if dtype == "bool" else vals
    for mode in (None, "clip"):
        assert_same(_run(method, mode, pnp.asarray(x), idx, vals), _run(method, mode, jnp.asarray(x), idx, vals))


def test_set_with_repeated_indices_writes_one_value_never_a_sum():
    x = np.zeros(4, np.float32)
    idx = np.array([2, 2, 2, 0])
    vals = np.array([1.0, 2.0, 4.0, 3.0], np.float32)
    out = np.asarray(pnp.asarray(x).at[idx].set(vals))
    assert out[2] in vals[:3] and out[0] == 3.0
    out = np.asarray(pb.jit(lambda a, i, v: a.at[i].set(v))(x, idx, vals))
    assert out[2] in vals[:3]


@pytest.mark.parametrize("method", METHODS)
def test_at_methods_under_jit_with_traced_indices(method):
    x = _x("float32")
    idx = np.array([3, -1, 12, 3, -6])
    vals = _values(method, idx.shape + (4,), "float32")
    for mode in (None, "clip", "fill"):
        ours = pb.jit(lambda a, i, v: _run(method, mode, a, (i,), v))(x, idx, vals)
        theirs = jax.jit(lambda a, i, v: _run(method, mode, a, (i,), v))(x, idx, vals)
        assert_same(ours, theirs)


def test_get_fill_value():
    x = _x("float32")
    for idx in [(7,), (np.array([1, 7, -9, -2]),), (slice(None), np.array([0, 4]))]:
        ours = pnp.asarray(x).at[idx].get(mode="fill", fill_value=9.0)
        assert_same(ours, jnp.asarray(x).at[idx].get(mode="fill", fill_value=9.0))
    ours = pb.jit(lambda a, i: a.at[i].get(mode="fill", fill_value=-1))(x, np.array([0, 5]))
    assert_same(ours, jnp.asarray(x).at[np.array([0, 5])].get(mode="fill", fill_value=-1))


# ---- derivatives: grad of x and of the values, with out-of-bounds and repeated indices -----------

GRAD_INDEX = np.array([1, 7, 1, -1, -9, 3])
UNIQUE_INDEX = np.array([1, 7, 0, -1, -9, 3])



# JAX's derivatives where an out-of-bounds index is clamped disagree with its own values: x[idx]'s
# gather clamps but its transpose drops (promise_in_bounds), and scatter_min/max's JVP gathers the
# result without clamping. There pullback's derivative is the clamped function's, checked against
# finite differences instead.
JAX_GRAD_DIFFERS = {("get", None), ("min", "clip"), ("max", "clip")}


@pytest.mark.parametrize("mode", [None, "clip"], ids=str)
@pytest.mark.parametrize("method", ["set", "add", "multiply", "min", "max", "get", "divide"])
def test_at_grads_match_jax(method, mode, both_x64):
    rng = np.random.default_rng(1)
    x = rng.uniform(0.5, 2.0, (5, 4))
    unique = method in ("multiply", "divide")
    idx = UNIQUE_INDEX if unique else GRAD_INDEX
    if unique and mode == "clip":
        idx = np.array([1, 0, 3])  # clipping would repeat indices
    vals = rng.uniform(0.5, 2.0, idx.shape + (4,))
    extra = {"unique_indices": True} if unique else {}

    def loss(lib):
        return lambda a, v: (_run(method, mode, lib.asarray(a), (idx,), v, extra) ** 2 * lib.arange(4.0)).sum()

    if (method, mode) in JAX_GRAD_DIFFERS:
        test_util.check_grads(loss(pnp), (x, vals), order=2, modes=("fwd", "rev"))
        return
    ours = pb.grad(loss(pnp), (0, 1))(x, vals)
    theirs = jax.grad(loss(jnp), (0, 1))(x, vals)
    for o, t in zip(ours, theirs):
        assert_same(o, t, rtol=1e-5)


def test_min_max_ties_share_the_tangent_as_jax():
    v, y = np.array([2.0, 2.0, 1.0], np.float32), np.array([0.0, 2.0, 0.0], np.float32)
    idx = np.array([1, 1, 1])
    for m in ("max", "min"):
        ours = pb.grad(lambda a, b: getattr(b.at[idx], m)(a).sum(), (0, 1))(v, y)
        theirs = jax.grad(lambda a, b: getattr(b.at[idx], m)(a).sum(), (0, 1))(v, y)
        for o, t in zip(ours, theirs):
            assert_same(o, t)


def test_multiply_with_repeated_indices_differentiates_in_the_updates(x64):
    """JAX raises NotImplementedError here; pullback's derivative is the product of the other
    updates times the operand, zeros included."""
    x = np.array([1.5, -2.0, 0.5, 3.0])
    idx = np.array([1, 1, 1, 3, 9, 0])
    for vals, order in ((np.array([0.5, 2.0, -1.5, 3.0, 7.0, 1.25]), 2),
                        (np.array([0.0, 2.0, -1.5, 0.0, 7.0, 1.25]), 2),
                        (np.array([0.0, 0.0, -1.5, 3.0, 7.0, 1.25]), 1)):  # two zeros at one position: order 1
        f = lambda a, v: (pnp.asarray(a).at[idx].multiply(v) * pnp.arange(1.0, 5.0)).sum()  # noqa: E731
        test_util.check_grads(f, (x, vals), order=order, modes=("fwd", "rev"))
        g = np.asarray(pb.grad(f, 1)(x, vals))
        others = [np.prod(np.delete(vals[idx == idx[k]], list(np.flatnonzero(idx == idx[k])).index(k)))
                  for k in range(len(idx))]
        expect = [x[i] * o * (i + 1) if i < 4 else 0.0 for i, o in zip(idx, others)]
        np.testing.assert_allclose(g, expect, rtol=1e-12)


def test_take_grads_match_jax():
    x = np.random.default_rng(2).uniform(-1, 1, (4, 3)).astype(np.float32)
    idx = np.array([[0, 5], [-1, 3], [2, 2]])
    for kw in ({"mode": "clip"}, {"mode": "wrap"}, {"fill_value": 0.0}):
        ours = pb.grad(lambda a: (pnp.take(a, idx, axis=0, **kw) ** 2).sum())(x)
        theirs = jax.grad(lambda a: (jnp.take(a, idx, axis=0, **kw) ** 2).sum())(x)
        assert_same(ours, theirs)
    tal = np.array([[0, 5, -1], [1, 1, 1], [2, -4, 0], [3, 0, 0]])
    for kw in ({"mode": "clip"}, {"fill_value": 0.0}):
        ours = pb.grad(lambda a: (pnp.take_along_axis(a, tal, axis=1, **kw) ** 3).sum())(x)
        theirs = jax.grad(lambda a: (jnp.take_along_axis(a, tal, axis=1, **kw) ** 3).sum())(x)
        assert_same(ours, theirs, rtol=1e-5)


# ---- vmap: batched operand, values and indices --------------------------------------------------

@pytest.mark.parametrize("method", ["set", "add", "multiply", "min", "max", "get", "apply"])
def test_at_methods_under_vmap_match_jax(method):
    rng = np.random.default_rng(3)
    xs = rng.uniform(-1, 1, (3, 5)).astype(np.float32)
    idx = np.array([[0, 7, 0], [-1, 4, -6], [2, 2, 2]])
    vals = rng.uniform(-1, 1, (3, 3)).astype(np.float32)
    for in_axes in [(0, 0, 0), (0, None, 0), (None, 0, None), (0, 0, None)]:
        args = [xs if in_axes[0] == 0 else xs[0], idx if in_axes[1] == 0 else idx[0],
                vals if in_axes[2] == 0 else vals[0]]
        for mode in (None, "clip"):
            ours = pb.vmap(lambda a, i, v: _run(method, mode, pnp.asarray(a), (i,), v), in_axes)(*args)
            theirs = jax.vmap(lambda a, i, v: _run(method, mode, jnp.asarray(a), (i,), v), in_axes)(*args)
            assert_same(ours, theirs)


def test_take_and_take_along_axis_under_vmap_match_jax():
    rng = np.random.default_rng(4)
    xs = rng.uniform(-1, 1, (2, 4, 3)).astype(np.float32)
    idx = np.array([[0, 9, -1], [3, -5, 1]])
    for mode in (None, "clip", "wrap"):
        ours = pb.vmap(lambda a, i: pnp.take(a, i, axis=1, mode=mode))(xs, idx)
        assert_same(ours, jax.vmap(lambda a, i: jnp.take(a, i, axis=1, mode=mode))(xs, idx))
    tal = np.stack([np.array([[0, 5, -1]] * 4), np.array([[1, 1, 2]] * 4)])
    ours = pb.vmap(lambda a, i: pnp.take_along_axis(a, i, axis=1))(xs, tal)
    assert_same(ours, jax.vmap(lambda a, i: jnp.take_along_axis(a, i, axis=1))(xs, tal))


# ---- take / take_along_axis / put ----------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "int32", "uint8", "complex64", "bool"])
def test_take_modes_match_jax(dtype):
    x = _x("int32") if dtype != "complex64" else _x("float32") * (1 + 1j)
    x = np.asarray(x, dtype)
    for idx_dtype in ("int32", "int8", "uint32"):
        idx = np.array([[1, 9, -2], [0, -7, 3]]) if idx_dtype != "uint32" else np.array([[1, 9, 2], [0, 70, 3]])
        idx = idx.astype(idx_dtype)
        for axis in (None, 0, 1, -1):
            for kw in ({}, {"mode": "fill"}, {"mode": "clip"}, {"mode": "wrap"}, {"fill_value": 3}):
                assert_same(pnp.take(x, idx, axis=axis, **kw), jnp.take(x, idx, axis=axis, **kw))


def test_take_along_axis_matches_jax():
    x = np.arange(24.0, dtype=np.float32).reshape(2, 3, 4)
    cases = [(np.array([[[0, 5, -1, -9]]]), 2), (np.array([[[1], [0], [2]]]), 0),
             (np.ones((2, 3, 1), np.int32), 2), (np.array([[[2]], [[-1]]]), 1), (np.array([5, -1, 30]), None)]
    for idx, axis in cases:
        for kw in ({}, {"mode": "clip"}, {"mode": "fill", "fill_value": -3.0}, {"mode": "promise_in_bounds"}):
            if kw.get("mode") == "promise_in_bounds":
                idx = np.clip(idx, 0, 1)
            assert_same(pnp.take_along_axis(x, idx, axis=axis, **kw), jnp.take_along_axis(x, idx, axis=axis, **kw))
    f = lambda m: lambda a, i: m.take_along_axis(a, i, axis=-1)  # noqa: E731
    assert_same(pb.jit(f(pnp))(x, cases[0][0]), jax.jit(f(jnp))(x, cases[0][0]))


def test_put_matches_jax():
    x = np.arange(10.0, dtype=np.float32).reshape(2, 5)
    cases = [(np.array([1, 17, -1]), np.array([10.0, 20.0, 30.0])), (np.array([[1], [4]]), 5.0),
             (np.array([1, 2, 3]), np.array([10.0, 20.0])), (np.array([1, 2]), np.array([1.0, 2.0, 3.0])),
             (np.array([3, -12, 3, 40]), np.array([[7.0, 8.0], [9.0, 6.0]]))]
    for ind, v in cases:
        for mode in (None, "clip", "wrap"):
            assert_same(pnp.put(x, ind, v, mode=mode, inplace=False), jnp.put(x, ind, v, mode=mode, inplace=False))
    assert_same(pb.jit(lambda a, i: pnp.put(a, i, 1.0, inplace=False))(x, np.array([0, 99])),
                jnp.put(x, np.array([0, 99]), 1.0, inplace=False))


# ---- lax.scatter_* with JAX's dimension numbers ------------------------------------------------------

@pytest.mark.parametrize("name", ["scatter", "scatter_add", "scatter_mul", "scatter_min", "scatter_max", "scatter_sub"])
def test_lax_scatters_match_jax(name):
    rng = np.random.default_rng(5)
    x = rng.uniform(-1, 1, (4, 5)).astype(np.float32)
    idx = np.array([[0], [3], [3], [2], [-1]])  # rows, one out of bounds
    upd = rng.uniform(-1, 1, (5, 3)).astype(np.float32)
    jdn = jlax.ScatterDimensionNumbers(update_window_dims=(1,), inserted_window_dims=(0,),
                                       scatter_dims_to_operand_dims=(0,))
    pdn = plax.ScatterDimensionNumbers(update_window_dims=(1,), inserted_window_dims=(0,),
                                       scatter_dims_to_operand_dims=(0,))
    for mode in (None, "clip", "fill", jlax.GatherScatterMode.CLIP):
        pmode = plax.GatherScatterMode.CLIP if isinstance(mode, jlax.GatherScatterMode) else mode
        ours = getattr(plax, name)(x, idx, upd, pdn, mode=pmode)
        theirs = getattr(jlax, name)(x, idx, upd, jdn, mode=mode)
        assert_same(ours, theirs)
        # in-bounds indices for the derivatives: JAX's scatter_min/max JVP divides by a zero count
        # for a dropped update (inf there), pullback's gives it no derivative (checked by the .at tests)
        inb = np.array([[0], [3], [3], [2], [1]])
        g = lambda lib, dn, md: lambda a, u: (getattr(lib, name)(a, inb, u, dn, mode=md) ** 2).sum()  # noqa
        if name != "scatter_mul":
            for o, t in zip(pb.grad(g(plax, pdn, pmode), (0, 1))(x, upd), jax.grad(g(jlax, jdn, mode), (0, 1))(x, upd)):
                assert_same(o, t, rtol=1e-5)


def test_lax_scatter_apply_matches_jax():
    x = np.arange(6.0, dtype=np.float32)
    idx = np.array([[1], [1], [4], [9]])
    dn = dict(update_window_dims=(), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,))
    for mode in (None, "clip"):
        ours = plax.scatter_apply(x, idx, lambda v: v * 3 - 1, plax.ScatterDimensionNumbers(**dn), update_shape=(4,),
                                  mode=mode)
        theirs = jlax.scatter_apply(x, idx, lambda v: v * 3 - 1, jlax.ScatterDimensionNumbers(**dn),
                                    update_shape=(4,), mode=mode)
        assert_same(ours, theirs)
    ours = pb.jit(lambda a, i: plax.scatter_apply(a, i, pnp.sin, plax.ScatterDimensionNumbers(**dn),
                                                  update_shape=(4,)))(x, idx)
    assert_same(ours, jlax.scatter_apply(x, idx, jnp.sin, jlax.ScatterDimensionNumbers(**dn), update_shape=(4,)))


# ---- errors: JAX's exception classes ------------------------------------------------------------------

def _raises_like_jax(f):
    with pytest.raises(Exception) as theirs:
        f(jnp, jlax)
    with pytest.raises(type(theirs.value)):
        f(pnp, plax)


@pytest.mark.parametrize("case", [
    lambda m, l: m.arange(5.0).at[1].set(2.0, mode="bogus"),
    lambda m, l: m.arange(5.0).at[1].get(mode="wrap"),
    lambda m, l: m.arange(5.0).at[np.array([0, 1])].set(m.ones(3)),
    lambda m, l: m.take(m.arange(5.0), np.array([1]), mode="raise"),
    lambda m, l: m.take(m.arange(5.0), np.array([1]), mode="bogus"),
    lambda m, l: m.take(m.arange(5.0), np.array([1.0])),
    lambda m, l: m.take(m.arange(5.0), np.array([1]), axis=2),
    lambda m, l: m.take(m.zeros((0, 2)), np.array([1]), axis=0),
    lambda m, l: m.take_along_axis(m.arange(5.0), np.array([1.0]), axis=0),
    lambda m, l: m.take_along_axis(m.ones((2, 3)), np.array([1]), axis=1),
    lambda m, l: m.take_along_axis(m.ones((2, 3)), np.ones((3, 1), np.int32), axis=1),
    lambda m, l: m.take_along_axis(m.ones((2, 3)), np.ones((1, 1), np.int32), axis=1, mode="bogus"),
    lambda m, l: m.put(m.arange(5.0), np.array([1]), 2.0),
    lambda m, l: m.put(m.arange(5.0), np.array([1]), 2.0, mode="raise", inplace=False),
    lambda m, l: m.put(m.arange(5.0), np.array([1]), 2.0, mode="bogus", inplace=False),
    lambda m, l: m.zeros((0, 3))[0],
    lambda m, l: m.zeros((2, 3))[0, 0, 0],
])
def test_errors_match_jax(case):
    _raises_like_jax(case)


@pytest.mark.parametrize("mode", [None, "clip", "fill", "promise_in_bounds"])
def test_lax_gather_with_dimension_numbers_matches_jax(mode):
    """JAX's signature: gather(operand, start_indices, GatherDimensionNumbers, slice_sizes, mode=...)."""
    x = np.arange(20.0, dtype=np.float32).reshape(4, 5)
    idx = np.array([[1], [3], [2]] if mode == "promise_in_bounds" else [[1], [3], [7]])
    ours = plax.gather(x, idx, plax.GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,),
                                                           start_index_map=(0,)), (1, 3), mode=mode)
    theirs = jlax.gather(x, idx, jlax.GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,),
                                                             start_index_map=(0,)), (1, 3), mode=mode)
    assert_same(ours, theirs)
    with pytest.raises(NotImplementedError, match="batching dims"):
        plax.gather(x, idx, plax.GatherDimensionNumbers((1,), (), (0,), (0,), (0,)), (1, 3))
