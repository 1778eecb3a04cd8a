"""Autodiff of the shape family (broadcast_in_dim, reshape, transpose, rev, slice,
dynamic_slice, dynamic_update_slice, concatenate, pad) through the frontend.

For every op, over seeded random shapes and attributes (strided and empty slices,
negative and interior padding, dynamic starts out of range so that they clamp),
in float64:
  * jvp against central finite differences (and the primal against the op's reference),
  * vjp against jvp: <u, jvp(v)> == sum_i <vjp(u)_i, v_i>,
  * second order: jvp of the gradient of sum(w * op(sin x) * op(x)) against finite
    differences of that gradient (the gradient itself runs the transpose rules, so
    this differentiates them).
Plus exact checks finite differences cannot make (cotangent placement, the padding
value's cotangent, clamping), integer start operands that are traced, complex
operands, and the non-differentiable iota/constant.
"""
import numpy as np
import pytest

import pullback as jax
import pullback.numpy as jnp
from conftest import x64_mode
from pullback import lax
from pullback.dialects import registry

EPS = 1e-6


@pytest.fixture(autouse=True, scope="module")
def x64():
    with x64_mode():
        yield


# ---- random cases: (op, operand shapes, params) -------------------------------------------

def _shape(rng, lo=1, hi=5, rank=None):
    rank = int(rng.integers(1, 4)) if rank is None else rank
    return tuple(int(d) for d in rng.integers(lo, hi + 1, size=rank))


def _broadcast(rng):
    x = tuple(1 if rng.random() < 0.3 else d for d in _shape(rng))
    out_rank = len(x) + int(rng.integers(0, 3))
    dims = tuple(sorted(int(d) for d in rng.choice(out_rank, size=len(x), replace=False)))
    shape = [int(rng.integers(1, 4)) for _ in range(out_rank)]
    for i, d in enumerate(dims):  # a size-1 operand dim may expand to anything
        shape[d] = x[i] if x[i] != 1 else int(rng.integers(1, 4))
    return [x], {"shape": tuple(shape), "broadcast_dimensions": dims}


def _reshape(rng):
    x = _shape(rng)
    size = int(np.prod(x))
    options = [(size,), x[::-1], (1,) + x + (1,)]
    if size % 2 == 0:
        options.append((2, size // 2))
    return [x], {"new_sizes": tuple(options[int(rng.integers(len(options)))])}


def _transpose(rng):
    x = _shape(rng)
    return [x], {"permutation": tuple(int(p) for p in rng.permutation(len(x)))}


def _rev(rng):
    x = _shape(rng)
    return [x], {"dimensions": tuple(int(d) for d in rng.permutation(len(x))[:rng.integers(0, len(x) + 1)])}


# Empty results only at rank 1: the CPU pipeline cannot yet return arrays with a zero
# in a later dimension (tensor<3x0xf32> results fail to translate to LLVM).
def _empty_ok(x):
    return 0 if len(x) == 1 else 1


def _slice(rng):
    x = _shape(rng, 1, 7)
    e = _empty_ok(x)
    start = [int(rng.integers(0, n + 1 - e)) for n in x]
    limit = [int(rng.integers(s + e, n + 1)) for s, n in zip(start, x)]
    strides = [int(rng.integers(1, 4)) for _ in x]
    return [x], {"start_indices": tuple(start), "limit_indices": tuple(limit), "strides": tuple(strides)}


def _dynamic_slice(rng):
    x = _shape(rng)
    sizes = tuple(int(rng.integers(_empty_ok(x), n + 1)) for n in x)
    # Starts from below 0 to past the end: XLA clamps them into [0, n - size].
    starts = tuple(int(rng.integers(-2, n + 3)) for n in x)
    return [x], {"start_indices": starts, "slice_sizes": sizes}


def _dynamic_update_slice(rng):
    x = _shape(rng)
    update = tuple(int(rng.integers(1, n + 1)) for n in x)
    starts = tuple(int(rng.integers(-2, n + 3)) for n in x)
    return [x, update], {"start_indices": starts}


def _concatenate(rng):
    x = _shape(rng)
    dim = int(rng.integers(len(x)))
    other = tuple(int(rng.integers(1, 4)) if d == dim else n for d, n in enumerate(x))
    return [x, other], {"dimension": dim}


def _pad(rng):
    x = _shape(rng)
    while True:
        config = [(int(rng.integers(-2, 4)), int(rng.integers(-2, 4)), int(rng.integers(0, 3))) for _ in x]
        if all(lo + hi + n + (n - 1) * i > 0 for n, (lo, hi, i) in zip(x, config)):
            return [x, ()], {"low": tuple(c[0] for c in config), "high": tuple(c[1] for c in config),
                             "interior": tuple(c[2] for c in config)}


GEN = {"broadcast_in_dim": _broadcast, "reshape": _reshape, "transpose": _transpose, "rev": _rev,
       "slice": _slice, "dynamic_slice": _dynamic_slice, "dynamic_update_slice": _dynamic_update_slice,
       "concatenate": _concatenate, "pad": _pad}


def _cases(seed, count):
    rng = np.random.default_rng(seed)
    return [(op, *GEN[op](rng)) for op in GEN for _ in range(count)]


CASES = _cases(0, 4) + [
    # fixed corners: a stride past the limit, a crop of everything but interior points,
    # a broadcast whose size-1 dim stays size 1, rank 0
    ("slice", [(7, 5)], {"start_indices": (1, 0), "limit_indices": (6, 5), "strides": (3, 5)}),
    ("pad", [(4, 3), ()], {"low": (-3, -1), "high": (-2, 2), "interior": (2, 1)}),
    ("broadcast_in_dim", [(1, 3)], {"shape": (1, 2, 3), "broadcast_dimensions": (0, 2)}),
    ("broadcast_in_dim", [()], {"shape": (2, 3), "broadcast_dimensions": ()}),
    ("reshape", [(1,)], {"new_sizes": ()}),
    ("dynamic_slice", [(5,)], {"start_indices": (-100,), "slice_sizes": (2,)}),
    ("dynamic_update_slice", [(5, 4), (2, 4)], {"start_indices": (100, -1)}),
    ("pad", [(5,), ()], {"low": (-4,), "high": (-3,), "interior": (1,)}),
    ("pad", [(3, 2), ()], {"low": (1, -1), "high": (-2, 0), "interior": (2, 0)}),
    # empty operands and results (rank 1, see _empty_ok)
    ("slice", [(4,)], {"start_indices": (2,), "limit_indices": (2,), "strides": (2,)}),
    ("dynamic_slice", [(4,)], {"start_indices": (3,), "slice_sizes": (0,)}),
    ("pad", [(0,), ()], {"low": (1,), "high": (2,), "interior": (3,)}),
    ("concatenate", [(0,), (3,)], {"dimension": 0}),
]


def _fn(op, params):
    """The op as a function of its float operands (starts are Python ints: int32 literals)."""
    p = dict(params)
    if op == "broadcast_in_dim":
        return lambda x: lax.broadcast_in_dim(x, p["shape"], p["broadcast_dimensions"])
    if op == "reshape":
        return lambda x: lax.reshape(x, p["new_sizes"])
    if op == "transpose":
        return lambda x: lax.transpose(x, p["permutation"])
    if op == "rev":
        return lambda x: lax.rev(x, p["dimensions"])
    if op == "slice":
        return lambda x: lax.slice(x, p["start_indices"], p["limit_indices"], p["strides"])
    if op == "dynamic_slice":
        return lambda x: lax.dynamic_slice(x, p["start_indices"], p["slice_sizes"])
    if op == "dynamic_update_slice":
        return lambda x, u: lax.dynamic_update_slice(x, u, p["start_indices"])
    if op == "concatenate":
        return lambda x, y: lax.concatenate([x, y], p["dimension"])
    if op == "pad":
        return lambda x, v: lax.pad(x, v, list(zip(p["low"], p["high"], p["interior"])))
    raise AssertionError(op)


def _reference(op, args, params):
    p = dict(params)
    starts = [np.int32(s) for s in p.pop("start_indices", ())] if op.startswith("dynamic") else []
    return np.asarray(registry.REFERENCE[op](*args, *starts, **p))


def _id(case):
    op, shapes, params = case
    return f"{op}-" + "-".join("x".join(map(str, s)) or "s" for s in shapes) + "-" + "-".join(
        f"{k}{list(v) if isinstance(v, tuple) else v}" for k, v in params.items())


def _rand(rng, shapes):
    return [rng.standard_normal(s) for s in shapes]


def _fd(f, xs, vs, eps=EPS):
    plus = f(*[x + eps * v for x, v in zip(xs, vs)])
    minus = f(*[x - eps * v for x, v in zip(xs, vs)])
    return (np.asarray(plus) - np.asarray(minus)) / (2 * eps)


def _inner(a, b):
    return np.sum(np.asarray(a) * np.asarray(b))


# ---- jvp, vjp, second order ----------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=_id)
def test_jvp_matches_finite_differences(case):
    op, shapes, params = case
    rng = np.random.default_rng(1)
    f = _fn(op, params)
    xs, ts = _rand(rng, shapes), _rand(rng, shapes)
    y, ty = jax.jvp(f, tuple(xs), tuple(ts))
    np.testing.assert_array_equal(np.asarray(y), _reference(op, xs, params))
    assert np.shape(ty) == np.shape(y)
    np.testing.assert_allclose(np.asarray(ty), _fd(f, xs, ts), rtol=1e-7, atol=1e-8)
    # linear: the tangent is the op applied to the tangents
    np.testing.assert_allclose(np.asarray(ty), _reference(op, ts, params), rtol=1e-14, atol=0)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_vjp_is_the_transpose_of_jvp(case):
    op, shapes, params = case
    rng = np.random.default_rng(2)
    f = _fn(op, params)
    xs, vs = _rand(rng, shapes), _rand(rng, shapes)
    y, f_vjp = jax.vjp(f, *xs)
    u = rng.standard_normal(np.shape(y))
    cts = f_vjp(u)
    assert [np.shape(c) for c in cts] == [tuple(s) for s in shapes]
    _, ty = jax.jvp(f, tuple(xs), tuple(vs))
    np.testing.assert_allclose(sum(_inner(c, v) for c, v in zip(cts, vs)), _inner(u, ty),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_second_order(case):
    op, shapes, params = case
    rng = np.random.default_rng(3)
    f = _fn(op, params)
    xs, vs = _rand(rng, shapes), _rand(rng, shapes)
    w = jnp.asarray(rng.standard_normal(_reference(op, xs, params).shape))
    axes = tuple(range(w.ndim))

    def scalar(*xs):
        return lax.reduce_sum(w * f(*[jnp.sin(x) for x in xs]) * f(*xs), axes)

    argnums = tuple(range(len(xs)))
    g = jax.grad(scalar, argnums=argnums)
    _, hv = jax.jvp(g, tuple(xs), tuple(vs))
    for h, fd in zip(hv, _fd_tuple(g, xs, vs)):
        np.testing.assert_allclose(np.asarray(h), fd, rtol=1e-6, atol=1e-7)


def _fd_tuple(g, xs, vs, eps=1e-5):
    """Central differences of a function returning a tuple of arrays."""
    plus = g(*[x + eps * v for x, v in zip(xs, vs)])
    minus = g(*[x - eps * v for x, v in zip(xs, vs)])
    return [(np.asarray(a) - np.asarray(b)) / (2 * eps) for a, b in zip(plus, minus)]


# ---- exact cotangents --------------------------------------------------------------------

def _grad(f, x, w, argnums=0):
    """The gradient of sum(w * f(...)) (the vjp of f at w)."""
    return jax.grad(lambda *a: lax.reduce_sum(jnp.asarray(w) * f(*a), tuple(range(np.ndim(w)))),
                    argnums=argnums)(*x)


def test_strided_slice_cotangent_lands_on_the_read_elements():
    x = np.random.default_rng(4).standard_normal((7, 8))
    w = np.arange(1.0, 1 + 2 * 3).reshape(2, 3)
    g = _grad(lambda x: lax.slice(x, (1, 2), (6, 8), (3, 2)), (x,), w)
    want = np.zeros((7, 8))
    want[1:6:3, 2:8:2] = w
    np.testing.assert_array_equal(np.asarray(g), want)


def test_pad_cotangents():
    # Dilated: [10, p, p, 20, p, p, 30]; low -1 crops x[0], high -1 crops x[2].
    x, v = np.array([10.0, 20.0, 30.0]), np.float64(0.5)
    f = lambda x, v: lax.pad(x, v, [(-1, -1, 2)])  # noqa: E731
    np.testing.assert_array_equal(np.asarray(f(x, v)), [0.5, 0.5, 20.0, 0.5, 0.5])
    w = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    gx, gv = _grad(f, (x, v), w, argnums=(0, 1))
    np.testing.assert_array_equal(np.asarray(gx), [0.0, 4.0, 0.0])  # cropped elements get nothing
    assert float(gv) == 1.0 + 2.0 + 8.0 + 16.0  # every padding position


def test_dynamic_slice_cotangent_at_clamped_start():
    x = np.zeros((6, 4))
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    for starts, at in [((9, -3), (4, 0)), ((-1, 2), (0, 2)), ((2, 1), (2, 1))]:
        g = _grad(lambda x: lax.dynamic_slice(x, starts, (2, 2)), (x,), w)
        want = np.zeros((6, 4))
        want[at[0]:at[0] + 2, at[1]:at[1] + 2] = w
        np.testing.assert_array_equal(np.asarray(g), want, err_msg=str(starts))


def test_dynamic_update_slice_cotangents_at_clamped_start():
    x, u = np.ones((5, 3)), np.ones((2, 3))
    w = np.arange(15.0).reshape(5, 3)
    gx, gu = _grad(lambda x, u: lax.dynamic_update_slice(x, u, (7, 0)), (x, u), w, argnums=(0, 1))
    want_x = w.copy()
    want_x[3:5] = 0.0  # start 7 clamps to 3: rows 3, 4 are overwritten
    np.testing.assert_array_equal(np.asarray(gx), want_x)
    np.testing.assert_array_equal(np.asarray(gu), w[3:5])


def test_broadcast_cotangent_sums_the_copies():
    x = np.ones((3, 1))
    w = np.random.default_rng(5).standard_normal((2, 3, 4))
    g = _grad(lambda x: lax.broadcast_in_dim(x, (2, 3, 4), (1, 2)), (x,), w)
    np.testing.assert_allclose(np.asarray(g), w.sum(axis=(0, 2))[:, None], rtol=1e-14)


def test_concatenate_of_three_splits_the_cotangent():
    xs = [np.ones((2, n)) for n in (1, 3, 2)]
    w = np.arange(12.0).reshape(2, 6)
    gs = _grad(lambda a, b, c: lax.concatenate([a, b, c], 1), xs, w, argnums=(0, 1, 2))
    for g, want in zip(gs, np.split(w, [1, 4], axis=1)):
        np.testing.assert_array_equal(np.asarray(g), want)


def test_traced_integer_starts():
    # Starts that are function arguments: no tangent, and the gradient follows their value.
    x = np.random.default_rng(6).standard_normal((5, 4))
    f = lambda x, i, j: lax.reduce_sum(lax.dynamic_slice(x, (i, j), (2, 3)) ** 2, (0, 1))  # noqa: E731
    for i, j in [(1, 0), (4, 3), (-2, 1)]:
        g = jax.grad(f)(x, jnp.asarray(i, jnp.int32), jnp.asarray(j, jnp.int32))
        a, b = min(max(i, 0), 3), min(max(j, 0), 1)
        want = np.zeros_like(x)
        want[a:a + 2, b:b + 3] = 2 * x[a:a + 2, b:b + 3]
        np.testing.assert_allclose(np.asarray(g), want, rtol=1e-14)
    u = np.ones((2, 2))
    h = lambda x, u, i: lax.reduce_sum(lax.dynamic_update_slice(x, u * u, (i, i)) ** 2, (0, 1))  # noqa: E731
    gx, gu = jax.grad(h, argnums=(0, 1))(x, u, jnp.asarray(3, jnp.int32))
    want_x = 2 * x
    want_x[3:5, 2:4] = 0.0
    np.testing.assert_allclose(np.asarray(gx), want_x, rtol=1e-14)
    np.testing.assert_allclose(np.asarray(gu), 4 * u ** 3, rtol=1e-14)


def test_linear_transpose_matches_the_matrix_transpose():
    # A chain of every linear shape op; its transpose against the transposed Jacobian.
    def f(x):
        y = lax.pad(x, 0.0, [(1, -1, 1), (-1, 2, 0)])               # (5, 4) -> (9, 5)
        y = lax.slice(y, (0, 1), (9, 5), (2, 1))                     # (5, 4)
        y = lax.rev(lax.transpose(y, (1, 0)), (0,))                  # (4, 5)
        y = lax.concatenate([y, lax.dynamic_slice(y, (1, 7), (4, 2))], 1)  # (4, 7)
        y = lax.dynamic_update_slice(y, lax.slice(y, (0, 0), (2, 2)), (2, 5))
        return lax.reshape(lax.broadcast_in_dim(y, (2, 4, 7), (1, 2)), (8, 7))
    x = np.random.default_rng(7).standard_normal((5, 4))
    jac = np.asarray(jax.jacfwd(f)(x)).reshape(56, 20)
    u = np.random.default_rng(8).standard_normal((8, 7))
    (ct,) = jax.linear_transpose(f, x)(u)
    np.testing.assert_allclose(np.asarray(ct).ravel(), jac.T @ u.ravel(), rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("case", [c for c in CASES if c[0] in ("pad", "dynamic_update_slice", "slice")][:6],
                         ids=_id)
def test_complex_vjp_is_the_transpose_of_jvp(case):
    # Linear ops transpose without conjugation: <u, f(v)> == <f^T(u), v> bilinearly.
    op, shapes, params = case
    rng = np.random.default_rng(9)
    f = _fn(op, params)
    cx = lambda: [rng.standard_normal(s) + 1j * rng.standard_normal(s) for s in shapes]  # noqa: E731
    xs, vs = cx(), cx()
    y, f_vjp = jax.vjp(f, *xs)
    u = rng.standard_normal(np.shape(y)) + 1j * rng.standard_normal(np.shape(y))
    _, ty = jax.jvp(f, tuple(xs), tuple(vs))
    np.testing.assert_allclose(np.asarray(ty), _reference(op, vs, params), rtol=1e-14)
    np.testing.assert_allclose(sum(_inner(c, v) for c, v in zip(f_vjp(u), vs)), _inner(u, ty), rtol=1e-12)


def test_iota_and_constant_are_not_differentiated():
    assert {"iota", "constant"} <= registry.NON_DIFFERENTIABLE
    x = np.random.default_rng(10).standard_normal((3, 4))
    idx = lambda: lax.convert_element_type(lax.broadcasted_iota(jnp.int32, (3, 4), 1), jnp.float64)  # noqa: E731
    g = jax.grad(lambda x: lax.reduce_sum(x * idx() * jnp.asarray(2.0), (0, 1)))(x)
    np.testing.assert_array_equal(np.asarray(g), np.broadcast_to(2.0 * np.arange(4.0), (3, 4)))


def test_every_shape_op_has_its_rules():
    for op in GEN:
        assert op in registry.JVP and op in registry.TRANSPOSE, op
