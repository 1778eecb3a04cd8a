"""Autodiff of the reduction family (reduce_*, argmax/argmin, cum*) through the frontend.

For every op, over seeded random shapes and axes, in float64:
  * jvp against central finite differences (and the primal against the op itself),
  * vjp against jvp: <u, jvp(v)> == <vjp(u), v>,
  * second order for the smooth ops: jvp of grad against finite differences of grad.
Plus the cases finite differences cannot see: zeros in products, ties in max/min
(JAX's tie rules), empty reductions, complex operands, and argmax/argmin being
non-differentiable.
"""
import itertools

import numpy as np
import pytest

import pullback as jax
import pullback.numpy as jnp
from conftest import x64_mode
from pullback import lax
from pullback.core import bind1
from pullback.dialects import registry

EPS = 1e-6


@pytest.fixture(autouse=True, scope="module")
def x64():
    with x64_mode():
        yield


def _cum(name):
    """lax.<name>(x, axis, reverse), or the bare primitive where the frontend lacks it."""
    if hasattr(lax, name):
        return lambda x, axis, reverse: getattr(lax, name)(x, axis=axis, reverse=reverse)
    return lambda x, axis, reverse: bind1(name, [jnp.asarray(x)], {"axis": axis, "reverse": int(reverse)})


CUM = {name: _cum(name) for name in ("cumsum", "cumprod", "cummax", "cummin")}
REDUCE = {"reduce_sum": lax.reduce_sum, "reduce_prod": lax.reduce_prod,
          "reduce_max": lax.reduce_max, "reduce_min": lax.reduce_min}
SMOOTH = {"reduce_sum", "reduce_prod", "cumsum", "cumprod"}


def _random_cases(seed, count):
    """(op, shape, params) rows: ranks 1-3, dims 1-5 (odd and even lengths for the scans)."""
    rng = np.random.default_rng(seed)
    rows = []
    for op in REDUCE:
        for _ in range(count):
            shape = tuple(int(d) for d in rng.integers(1, 6, size=rng.integers(1, 4)))
            axes = tuple(int(a) for a in rng.permutation(len(shape))[:rng.integers(0, len(shape) + 1)])
            rows.append((op, shape, {"axes": axes}))
    for op in CUM:
        for _ in range(count):
            shape = tuple(int(d) for d in rng.integers(1, 8, size=rng.integers(1, 4)))
            rows.append((op, shape, {"axis": int(rng.integers(len(shape))), "reverse": bool(rng.integers(2))}))
    return rows


CASES = _random_cases(0, 3)


def _fn(op, params):
    if op in REDUCE:
        return lambda x: REDUCE[op](x, params["axes"])
    return lambda x: CUM[op](x, params["axis"], params["reverse"])


def _id(case):
    op, shape, params = case
    return f"{op}-{'x'.join(map(str, shape))}-" + "-".join(f"{k}{v}" for k, v in params.items())


def _rand(rng, shape, dtype=np.float64):
    x = rng.standard_normal(shape)
    if np.issubdtype(dtype, np.complexfloating):
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


def _value(y):
    return np.asarray(y)


def _fd(f, x, v, eps=EPS):
    return (_value(f(x + eps * v)) - _value(f(x - eps * v))) / (2 * eps)


def _reference(op, x, params):
    """The op on numpy arrays, for checking primal outputs."""
    return np.asarray(registry.REFERENCE[op](x, **{k: int(v) if isinstance(v, bool) else v
                                                   for k, v in params.items()}))


def _inner(a, b):
    return np.sum(np.asarray(a) * np.asarray(b))


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_jvp_matches_finite_differences(case):
    op, shape, params = case
    rng = np.random.default_rng(1)
    f = _fn(op, params)
    x, t = _rand(rng, shape), _rand(rng, shape)
    y, ty = jax.jvp(f, (x,), (t,))
    np.testing.assert_allclose(_value(y), _reference(op, x, params), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(_value(ty), _fd(f, x, t), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_vjp_is_the_transpose_of_jvp(case):
    op, shape, params = case
    rng = np.random.default_rng(2)
    f = _fn(op, params)
    x, v = _rand(rng, shape), _rand(rng, shape)
    y, f_vjp = jax.vjp(f, x)
    u = _rand(rng, np.shape(y))
    (ct,) = f_vjp(u)
    assert np.shape(ct) == shape
    _, ty = jax.jvp(f, (x,), (v,))
    np.testing.assert_allclose(_inner(ct, v), _inner(u, ty), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("case", [c for c in CASES if c[0] in SMOOTH], ids=_id)
def test_second_order(case):
    op, shape, params = case
    rng = np.random.default_rng(3)
    f = _fn(op, params)
    x, v = _rand(rng, shape), _rand(rng, shape)
    w = _rand(rng, np.shape(_reference(op, x, params)))
    w_all = tuple(range(len(np.shape(w))))

    def scalar(x):
        return lax.reduce_sum(lax.mul(jnp.asarray(w), f(x)), w_all)

    g = jax.grad(scalar)
    _, hv = jax.jvp(g, (x,), (v,))
    np.testing.assert_allclose(_value(hv), _fd(g, x, v, eps=1e-5), rtol=1e-6, atol=1e-7)


# ---- cases finite differences cannot check -----------------------------------------------

def _prod_jvp_exact(x, t, axes):
    """sum_i t_i * prod_{j != i} x_j over the reduced axes, without dividing by x."""
    keep = [d for d in range(x.ndim) if d not in axes]
    xs = np.moveaxis(x, list(axes), list(range(len(axes)))).reshape((-1,) + tuple(x.shape[d] for d in keep))
    ts = np.moveaxis(t, list(axes), list(range(len(axes)))).reshape(xs.shape)
    out = np.zeros(xs.shape[1:])
    for i in range(xs.shape[0]):
        others = np.delete(xs, i, axis=0)
        out = out + ts[i] * np.prod(others, axis=0)
    return out


@pytest.mark.parametrize("zeros", [1, 2, 3])
@pytest.mark.parametrize("axes", [(0,), (1,), (0, 1)])
def test_reduce_prod_with_zeros(zeros, axes):
    rng = np.random.default_rng(4)
    x, t = _rand(rng, (3, 4)), _rand(rng, (3, 4))
    x.flat[rng.permutation(x.size)[:zeros]] = 0.0
    f = lambda x: lax.reduce_prod(x, axes)  # noqa: E731
    _, ty = jax.jvp(f, (x,), (t,))
    np.testing.assert_allclose(_value(ty), _prod_jvp_exact(x, t, axes), rtol=1e-12, atol=1e-12)
    # the gradient at zeros: d/dx_i is the product of the others (no 0/0)
    (g,) = jax.vjp(f, x)[1](np.ones(np.shape(_value(f(x)))))
    expected = np.stack([_prod_jvp_exact(x, np.eye(x.size)[k].reshape(x.shape), axes).sum()
                         for k in range(x.size)]).reshape(x.shape)
    np.testing.assert_allclose(_value(g), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("reverse", [False, True])
def test_cumprod_with_zeros(reverse):
    rng = np.random.default_rng(5)
    x = _rand(rng, (2, 7))
    x[0, [2, 5]] = 0.0  # two zeros in one row, one in the other
    x[1, 3] = 0.0
    f = lambda x: CUM["cumprod"](x, 1, reverse)  # noqa: E731
    jac = np.asarray(jax.jacfwd(f)(x))  # [out row, out k, in row, in i]
    for r in range(2):
        for k in range(7):
            for i in range(7):
                inside = i >= k if reverse else i <= k
                span = range(k, 7) if reverse else range(0, k + 1)
                want = np.prod([x[r, j] for j in span if j != i]) if inside else 0.0
                assert jac[r, k, r, i] == pytest.approx(want, abs=1e-12), (r, k, i)


@pytest.mark.parametrize("op", ["reduce_max", "reduce_min"])
def test_reduce_chooser_ties_share_the_tangent(op):
    # As JAX: the tangent averages over every location equal to the result.
    x = np.array([[1.0, 4.0, 4.0, 4.0], [2.0, -3.0, 2.0, -3.0]])
    t = np.array([[10.0, 1.0, 2.0, 6.0], [5.0, 7.0, 9.0, 11.0]])
    _, ty = jax.jvp(lambda x: REDUCE[op](x, (1,)), (x,), (t,))
    want = {"reduce_max": [3.0, 7.0], "reduce_min": [10.0, 9.0]}[op]
    np.testing.assert_allclose(_value(ty), want)
    g = jax.grad(lambda x: lax.reduce_sum(REDUCE[op](x, (0, 1)), ()))(x)
    at = x == (x.max() if op == "reduce_max" else x.min())
    np.testing.assert_allclose(_value(g), at / at.sum())


@pytest.mark.parametrize("op", ["cummax", "cummin"])
@pytest.mark.parametrize("reverse", [False, True])
def test_cumulative_chooser_ties(op, reverse):
    # The tangent at k is a convex combination of the tangents at the positions
    # (on the scanned side of k) that hold the running extremum: JAX splits ties
    # through lax.max/lax.min's JVP, so the exact weights follow its scan tree.
    x = np.array([1.0, 3.0, 3.0, 2.0, 3.0, 5.0, 5.0, 5.0, 5.0, -1.0, 5.0])
    if op == "cummin":
        x = -x
    f = lambda x: CUM[op](x, 0, reverse)  # noqa: E731
    y = _reference(op, x, {"axis": 0, "reverse": reverse})
    jac = np.asarray(jax.jacfwd(f)(x))
    n = len(x)
    for k in range(n):
        for i in range(n):
            inside = i >= k if reverse else i <= k
            if not (inside and x[i] == y[k]):
                assert jac[k, i] == 0.0, (k, i)
    assert (jac >= 0).all()
    np.testing.assert_allclose(jac.sum(axis=1), np.ones(n))
    # where the extremum is unique, the tangent is exactly that element's
    k_unique = [k for k in range(n) if np.sum((x == y[k]) & (np.arange(n) >= k if reverse else np.arange(n) <= k)) == 1]
    for k in k_unique:
        i = int(np.flatnonzero((x == y[k]) & (np.arange(n) >= k if reverse else np.arange(n) <= k))[0])
        assert jac[k, i] == 1.0


def test_cummax_tie_weights_match_jax_scan():
    # lax.associative_scan pairs (0,1), (2,3), ...: max(3, 3) at positions 1, 2 of
    # [1, 3, 3] is reached as max(max(1, 3), 3), splitting 1/2 - 1/2, as JAX's scan computes it.
    _, ty = jax.jvp(lambda x: CUM["cummax"](x, 0, False), (np.array([1.0, 3.0, 3.0]),),
                    (np.array([100.0, 10.0, 1.0]),))
    np.testing.assert_allclose(_value(ty), [100.0, 10.0, 5.5])


@pytest.mark.parametrize("op", ["reduce_prod", "reduce_sum", "reduce_max"])
def test_empty_reduction(op):
    x = np.zeros((0, 3))
    _, ty = jax.jvp(lambda x: REDUCE[op](x, (0,)), (x,), (np.zeros((0, 3)),))
    if op == "reduce_max":  # no location attains -inf: 0/0, as in JAX
        assert np.isnan(_value(ty)).all()
    else:
        np.testing.assert_array_equal(_value(ty), np.zeros(3))


@pytest.mark.parametrize("op,params", [("reduce_prod", {"axes": (1,)}), ("reduce_sum", {"axes": (0, 1)}),
                                       ("cumprod", {"axis": 1, "reverse": True}),
                                       ("cumsum", {"axis": 0, "reverse": False})])
def test_complex(op, params):
    # Holomorphic: the JVP is the complex derivative times t; transposes do not conjugate.
    rng = np.random.default_rng(6)
    f = _fn(op, params)
    x, t = _rand(rng, (3, 5), np.complex128), _rand(rng, (3, 5), np.complex128)
    _, ty = jax.jvp(f, (x,), (t,))
    np.testing.assert_allclose(_value(ty), _fd(f, x, t), rtol=1e-6, atol=1e-7)
    y, f_vjp = jax.vjp(f, x)
    u = _rand(rng, np.shape(y), np.complex128)
    (ct,) = f_vjp(u)
    np.testing.assert_allclose(_inner(ct, t), _inner(u, ty), rtol=1e-10)


def test_float32():
    rng = np.random.default_rng(7)
    x, t = _rand(rng, (4, 5), np.float32), _rand(rng, (4, 5), np.float32)
    for f in (lambda x: lax.reduce_prod(x, (1,)), lambda x: CUM["cumprod"](x, 1, False),
              lambda x: lax.reduce_max(x, (0,))):
        _, ty = jax.jvp(f, (x,), (t,))
        assert _value(ty).dtype == np.float32
        np.testing.assert_allclose(_value(ty), _fd(f, x.astype(np.float64), t.astype(np.float64)),
                                   rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("op", ["argmax", "argmin"])
def test_arg_reductions_are_not_differentiable(op):
    assert op in registry.NON_DIFFERENTIABLE
    rng = np.random.default_rng(8)
    x, t = _rand(rng, (3, 4)), _rand(rng, (3, 4))
    idx = getattr(np, op)(x, axis=1).astype(np.float64)

    def f(x):
        i = lax.convert_element_type(getattr(lax, op)(x, 1, np.int32), np.float64)
        return lax.mul(lax.reduce_sum(x, (1,)), i)

    y, ty = jax.jvp(f, (x,), (t,))
    np.testing.assert_allclose(_value(y), x.sum(1) * idx)
    np.testing.assert_allclose(_value(ty), t.sum(1) * idx)
    g = jax.grad(lambda x: lax.reduce_sum(f(x), (0,)))(x)
    np.testing.assert_allclose(_value(g), np.broadcast_to(idx[:, None], x.shape))


def test_every_reduction_op_has_rules():
    ops = [n for n, d in registry.OPS.items() if d.family == "reduction"]
    assert sorted(ops) == sorted(itertools.chain(REDUCE, CUM, ["argmax", "argmin"]))
    for n in ops:
        assert n in registry.JVP, n
    for n in ("reduce_sum", "cumsum"):
        assert n in registry.TRANSPOSE, n
