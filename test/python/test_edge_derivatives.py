"""Derivatives at ties, kinks and support edges, against JAX, bit for bit (the sign of a zero
included): lax.clamp's (none at an edge, for each operand), jnp.clip's (maximum/minimum: half
at a tie), relu's, abs's, where's, the special functions' edge cases and the scipy.stats
densities' outside their support. Both modes: grad (reverse) and jvp (forward)."""
import numpy as np
import pytest

import pullback as pb
import pullback.lax as plax
import pullback.nn as pnn
import pullback.numpy as pnp
import pullback.scipy.special as psp
import pullback.scipy.stats as pstats
from pullback.test_util import check_grads

jax = pytest.importorskip("jax")
jnp, jlax, jnn, jsp, jstats = jax.numpy, jax.lax, jax.nn, jax.scipy.special, jax.scipy.stats

POINTS = [-1.0, -0.0, 0.0, 0.5, 1.0, 2.0, 6.0, np.inf, -np.inf, np.nan]


def _same_number(got, want, what):
    got, want = np.float32(got), np.float32(want)
    assert (np.isnan(got) and np.isnan(want)) or (got == want and np.signbit(got) == np.signbit(want)) or \
        (np.isfinite(want) and got != 0 and abs(got - want) <= 1e-5 * abs(want)), f"{what}: {got} vs JAX's {want}"


def _compare(make, x):
    """grad and jvp of make(lib...) at x, pullback against JAX."""
    pf, jf = make(pnp, plax, pnn, psp), make(jnp, jlax, jnn, jsp)
    x = np.float32(x)
    _same_number(pb.grad(pf)(x), jax.grad(jf)(x), f"grad at {x}")
    _same_number(pb.jvp(pf, (x,), (np.float32(1),))[1], jax.jvp(jf, (x,), (np.float32(1),))[1], f"jvp at {x}")


# ---- lax.clamp: each operand at, below and above the edges ----------------------------------------

CLAMP = {  # the operand varied, the other two fixed: ties at x in {0, 1}
    "operand": lambda m, l, n, s: lambda x: l.clamp(0.0, x, 1.0),
    "min": lambda m, l, n, s: lambda x: l.clamp(x, 0.0, 1.0),
    "min_above_max": lambda m, l, n, s: lambda x: l.clamp(x, 2.0, 1.0),
    "max": lambda m, l, n, s: lambda x: l.clamp(-1.0, 0.0, x),
    "max_at_min": lambda m, l, n, s: lambda x: l.clamp(0.0, 0.5, x - 0.5),
    "all": lambda m, l, n, s: lambda x: l.clamp(x - 1.0, 2.0 * x, x + 1.0),  # ties at -1 and 1
}


@pytest.mark.parametrize("x", POINTS)
@pytest.mark.parametrize("name", sorted(CLAMP))
def test_clamp_derivatives_match_jax(name, x):
    _compare(CLAMP[name], x)


def test_issue_example_clamp_edge_is_zero():
    assert float(pb.grad(lambda x: plax.clamp(0.0, x, 1.0))(0.0)) == float(
        jax.grad(lambda x: jlax.clamp(0.0, x, 1.0))(0.0)) == 0.0


@pytest.mark.parametrize("jit", [False, True])
def test_clamp_arrays_all_operands_rev_and_fwd(jit):
    lo = np.float32([0.0, 0.0, 1.0, 0.0, 2.0, -1.0])
    x = np.float32([0.0, 1.0, 1.0, -0.5, 1.5, 3.0])
    hi = np.float32([1.0, 1.0, 1.0, 0.5, 1.0, 3.0])

    def f(l):
        return lambda a, b, c: (l.clamp(a, b, c) * np.float32([1, 2, 3, 4, 5, 6])).sum()
    pg, jg = pb.grad(f(plax), argnums=(0, 1, 2)), jax.grad(f(jlax), argnums=(0, 1, 2))
    if jit:
        pg, jg = pb.jit(pg), jax.jit(jg)
    for got, want in zip(pg(lo, x, hi), jg(lo, x, hi)):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    tangents = (np.float32([1] * 6), np.float32([10] * 6), np.float32([100] * 6))
    got = pb.jvp(lambda *a: plax.clamp(*a), (lo, x, hi), tangents)[1]
    want = jax.jvp(lambda *a: jlax.clamp(*a), (lo, x, hi), tangents)[1]
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    # scalar bounds, and under vmap
    got = pb.vmap(pb.grad(lambda v: plax.clamp(0.0, v, 1.0)))(x)
    want = jax.vmap(jax.grad(lambda v: jlax.clamp(0.0, v, 1.0)))(x)
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


def test_clamp_check_grads_away_from_the_edges(x64):
    x = np.float64([-2.0, 0.3, 0.7, 3.0])
    lo, hi = np.float64([-1.0, 0.0, 0.5, 1.0]), np.float64([1.0, 1.0, 2.0, 2.5])
    check_grads(lambda a, b, c: plax.clamp(a, b, c) * b, (lo, x, hi), order=2, modes=("fwd", "rev"))


def test_clamp_values_and_integers_match_jax():
    lo, x, hi = np.float32([0, 2, 1, np.nan]), np.float32([np.nan, 1, 5, 0]), np.float32([1, 1, 0, 1])
    np.testing.assert_array_equal(np.asarray(plax.clamp(lo, x, hi)), np.asarray(jlax.clamp(lo, x, hi)))
    i = np.int32([-3, 0, 5, 9])
    got, want = plax.clamp(np.int32(0), i, np.int32(5)), jlax.clamp(np.int32(0), i, np.int32(5))
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


# ---- jnp.clip is maximum then minimum, as JAX's: half the derivative at a tie ----------------------

CLIP = {
    "operand": lambda m, l, n, s: lambda x: m.clip(x, 0.0, 1.0),
    "min": lambda m, l, n, s: lambda x: m.clip(0.5, x, 1.0),
    "max": lambda m, l, n, s: lambda x: m.clip(0.5, 0.0, x),
    "one_sided": lambda m, l, n, s: lambda x: m.clip(x, max=1.0),
}


@pytest.mark.parametrize("x", POINTS)
@pytest.mark.parametrize("name", sorted(CLIP))
def test_clip_derivatives_match_jax(name, x):
    _compare(CLIP[name], x)


# ---- other kinks and ties ----------------------------------------------------------------------

EDGES = {
    "maximum": lambda m, l, n, s: lambda x: m.maximum(x, 0.0),
    "minimum": lambda m, l, n, s: lambda x: m.minimum(x, 1.0),
    "maximum_self": lambda m, l, n, s: lambda x: m.maximum(x, x),
    "fmax": lambda m, l, n, s: lambda x: m.fmax(x, 0.0),
    "abs": lambda m, l, n, s: lambda x: m.abs(x),
    "sign": lambda m, l, n, s: lambda x: m.sign(x) * x,
    "where": lambda m, l, n, s: lambda x: m.where(x > 0, x, 2 * x),
    "relu": lambda m, l, n, s: lambda x: n.relu(x),
    "relu6": lambda m, l, n, s: lambda x: n.relu6(x),
    "hard_tanh": lambda m, l, n, s: lambda x: n.hard_tanh(x - 1.0),
    "leaky_relu": lambda m, l, n, s: lambda x: n.leaky_relu(x),
    "elu": lambda m, l, n, s: lambda x: n.elu(x),
    "max_ties": lambda m, l, n, s: lambda x: m.max(m.stack([x, x, 2 * x])),
    "sort_ties": lambda m, l, n, s: lambda x: m.sort(m.stack([x, 0.5 + 0 * x]))[0],
    "sqrt_abs": lambda m, l, n, s: lambda x: m.sqrt(m.abs(x)),
    "power_xx": lambda m, l, n, s: lambda x: m.power(x, x),
    "heaviside": lambda m, l, n, s: lambda x: m.heaviside(x, 0.5),
    "hypot": lambda m, l, n, s: lambda x: m.hypot(x, 0.0),
    "hypot_y": lambda m, l, n, s: lambda x: m.hypot(1.0, x),
    "xlogy": lambda m, l, n, s: lambda x: s.xlogy(x, x),
    "entr": lambda m, l, n, s: lambda x: s.entr(x),
    "entr_abs": lambda m, l, n, s: lambda x: s.entr(m.abs(x)),
    "logaddexp": lambda m, l, n, s: lambda x: m.logaddexp(x, x),
    "norm": lambda m, l, n, s: lambda x: m.linalg.norm(m.stack([x, 0.0 * x])),
}


@pytest.mark.parametrize("x", POINTS)
@pytest.mark.parametrize("name", sorted(EDGES))
def test_edge_derivatives_match_jax(name, x):
    _compare(EDGES[name], x)


def test_heaviside_and_hypot_values_match_jax():
    x1 = np.float32([-1, 0, 1, np.inf, -np.inf, np.nan])
    for got, want in ((pnp.heaviside(x1, 0.5), jnp.heaviside(x1, 0.5)),
                      (pnp.heaviside(x1, np.float32([[0.25], [2]])), jnp.heaviside(x1, np.float32([[0.25], [2]]))),
                      (pnp.hypot(x1, np.float32([2, 0, np.nan, np.nan, 1, np.inf])),
                       jnp.hypot(x1, np.float32([2, 0, np.nan, np.nan, 1, np.inf])))):
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


def test_numpy_scalars_keep_their_rank():
    # np.float64 with x64 off converts to float32: it stayed 0-d only through numpy's astype
    assert pnp.heaviside(np.float32(0), np.float64(0.25)).shape == ()
    assert pb.jit(lambda v: v)(np.float64(1.0)).shape == ()
    assert float(pb.grad(lambda v: v * 2)(np.float64(1.0))) == 2.0


# ---- scipy.stats outside the support -----------------------------------------------------------

STATS = [("gamma", "logpdf", (2.0,)), ("gamma", "pdf", (2.0,)), ("gamma", "cdf", (2.0,)),
         ("gamma", "logcdf", (2.0,)), ("gamma", "sf", (2.0,)), ("chi2", "logpdf", (3.0,)),
         ("chi2", "cdf", (3.0,)), ("expon", "logpdf", ()), ("expon", "cdf", ()), ("beta", "logpdf", (2.0, 3.0)),
         ("pareto", "logpdf", (2.0,)), ("uniform", "logpdf", ()), ("uniform", "cdf", ()),
         ("truncnorm", "logpdf", (-1.0, 1.0))]


@pytest.mark.parametrize("x", [-1.0, 0.0, 0.5, 1.0, 2.0])
@pytest.mark.parametrize("dist,fn,params", STATS, ids=[f"{d}.{f}" for d, f, _ in STATS])
def test_stats_derivatives_at_support_edges_match_jax(dist, fn, params, x):
    pf, jf = getattr(getattr(pstats, dist), fn), getattr(getattr(jstats, dist), fn)
    args = (np.float32(x),) + tuple(np.float32(p) for p in params)
    nondiff = {"beta": (1, 2)}.get(dist, ())  # betainc has no derivative in a, b (in JAX either)
    for i in range(len(args)):
        if i in nondiff and fn != "logpdf":
            continue
        _same_number(pb.grad(pf, i)(*args), jax.grad(jf, i)(*args), f"{dist}.{fn} d/darg{i} at x={x}")


def test_issue_example_gamma_logpdf_below_loc():
    got = pb.grad(pstats.gamma.logpdf, argnums=(0, 1))(np.float32(-1.0), np.float32(2.0))
    want = jax.grad(jstats.gamma.logpdf, argnums=(0, 1))(np.float32(-1.0), np.float32(2.0))
    for g, w in zip(got, want):
        assert float(g) == float(w) == 0.0 and not np.signbit(g)


def test_uniform_cdf_values_match_jax():
    x = np.float32([np.nan, -1, 0, 0.5, 1, 2])
    np.testing.assert_array_equal(np.asarray(pstats.uniform.cdf(x)), np.asarray(jstats.uniform.cdf(x)))
