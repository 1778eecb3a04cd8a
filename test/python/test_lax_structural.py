"""lax's structural helpers and cumulative reductions composed in pullback.lax, against
jax.lax on the same inputs: values eagerly and under jit, order-2 derivatives, vmap, and
JAX's exception class for invalid arguments."""
from __future__ import annotations

import numpy as np
import pytest

import pullback as pb
import pullback.numpy as pnp
from pullback import lax as plax
from pullback.test_util import check_grads

jax = pytest.importorskip("jax")
jlax = jax.lax

rng = np.random.default_rng(2)
X = rng.standard_normal((2, 3, 4)).astype(np.float32)
M = rng.standard_normal((3, 4)).astype(np.float32)

CASES = [
    ("collapse", lambda l, x: l.collapse(x, 1), [X], True),
    ("collapse_range", lambda l, x: l.collapse(x, 0, 2), [X], False),
    ("slice_in_dim", lambda l, x: l.slice_in_dim(x, 1, 4, 2, axis=2), [X], True),
    ("slice_in_dim_neg", lambda l, x: l.slice_in_dim(x, -2, None, axis=1), [X], False),
    ("index_in_dim", lambda l, x: l.index_in_dim(x, -1, 1, keepdims=False), [X], True),
    ("dynamic_slice_in_dim", lambda l, x: l.dynamic_slice_in_dim(x, 1, 2, axis=2), [X], True),
    ("dynamic_index_in_dim", lambda l, x: l.dynamic_index_in_dim(x, 2, axis=1, keepdims=False), [X], True),
    ("dynamic_update_slice_in_dim", lambda l, x, u: l.dynamic_update_slice_in_dim(x, u, 1, axis=1),
     [X, X[:, :2] * 3], True),
    ("dynamic_update_index_in_dim", lambda l, x, u: l.dynamic_update_index_in_dim(x, u, 0, 2), [X, X[..., 0]], True),
    ("expand_squeeze", lambda l, x: l.squeeze(l.expand_dims(x, (0, 3)), (0,)), [X], True),
    ("broadcast_to_rank", lambda l, x: l.broadcast_to_rank(x, 5), [M], False),
    ("broadcast_like", lambda l, x, y: l.broadcast_like(x, y), [M[0], M], False),
    ("full_like", lambda l, x: l.full_like(x, 3, "int32"), [M], False),
    ("tile", lambda l, x: l.tile(x, (2, 1, 3)), [X], True),
    ("split", lambda l, x: l.split(x, [1, 0, 3], axis=2), [X], True),
    ("stack", lambda l, x, y: l.stack([x, y], axis=1), [M, M * 2], True),
    ("unstack", lambda l, x: l.unstack(x, axis=1), [X], True),
    ("dot_mv", lambda l, a, v: l.dot(a, v), [M, M[0]], True),
    ("dot_mm", lambda l, a, b: l.dot(a, b), [M, M.T.copy()], True),
    ("dot_preferred", lambda l, a, b: l.dot(a, b, preferred_element_type=np.float32), [M, M.T.copy()], False),
    ("batch_matmul", lambda l, a, b: l.batch_matmul(a, b), [X, X.transpose(0, 2, 1).copy()], True),
    ("reduce_sum", lambda l, x: l.reduce(x, np.float32(0), l.add, (0, 2)), [X], True),
    ("reduce_max", lambda l, x: l.reduce(x, np.float32(-np.inf), l.max, (1,)), [X], False),
    ("reduce_mul_int", lambda l, x: l.reduce((x > 0).astype(np.int32) + 1, np.int32(1), l.mul, (2,)), [X], False),
    ("reduce_bool", lambda l, x: (l.reduce_and(x > 0, (0,)), l.reduce_or(x > 0, (1,)), l.reduce_xor(x > 0, (2,))),
     [X], False),
    ("index_take", lambda l, x: l.index_take(x, (np.array([0, 2], np.int32), np.array([1, 3], np.int32)), (1, 2)),
     [X], False),
    ("barriers", lambda l, x: (l.optimization_barrier(x), l.optimization_barrier(x * 2)), [M], False),
]


def _leaves(x):
    return [leaf for item in x for leaf in _leaves(item)] if isinstance(x, (list, tuple)) else [x]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matches_jax(case):
    name, fn, args, diff = case
    want = _leaves(fn(jlax, *args))
    for got in (_leaves(fn(plax, *[pnp.asarray(a) for a in args])),
                _leaves(pb.jit(lambda *a: fn(plax, *a))(*[pnp.asarray(a) for a in args]))):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert np.asarray(g).dtype == np.asarray(w).dtype, name
            np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=2e-6, atol=1e-6, err_msg=name)
    if diff:
        check_grads(lambda *a: sum(pnp.sum(pnp.sin(v)) for v in _leaves(fn(plax, *a))),
                    [pnp.asarray(a) for a in args], order=2, modes=("fwd", "rev"), atol=2e-2, rtol=2e-2)
        batched = pb.vmap(lambda *a: _leaves(fn(plax, *a))[0])(*[pnp.asarray(np.stack([a, a * 2])) for a in args])
        np.testing.assert_allclose(np.asarray(batched)[1], np.asarray(_leaves(fn(jlax, *[a * 2 for a in args]))[0]),
                                   rtol=2e-6, atol=1e-6)


def test_precision_and_dtype():
    assert [p.name for p in plax.Precision] == [p.name for p in jlax.Precision]
    assert plax.dtype(1.0) == jlax.dtype(1.0) and plax.dtype(pnp.ones(2, "int8")) == jlax.dtype(np.ones(2, "int8"))
    assert plax.broadcast_shapes((2, 1), (1, 3)) == jlax.broadcast_shapes((2, 1), (1, 3))
    assert plax.empty((2, 3), "float32").shape == (2, 3)


@pytest.mark.parametrize("fn", [
    lambda l: l.split(np.ones((2, 3), np.float32), [1, 1], axis=1),
    lambda l: l.squeeze(np.ones((2, 3), np.float32), (0,)),
    lambda l: l.dot(np.ones((2, 3), np.float32), np.ones((2, 3), np.float32)),
    lambda l: l.dot(np.ones((2, 3, 4), np.float32), np.ones(4, np.float32)),
])
def test_errors_match_jax(fn):
    with pytest.raises(Exception) as want:
        fn(jlax)
    with pytest.raises(want.type):
        fn(plax)
