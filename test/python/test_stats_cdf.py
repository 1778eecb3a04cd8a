"""The cdfs and sfs of jax.scipy.stats over the incomplete gamma and beta functions (beta, chi2, gamma,
gennorm, poisson), the von Mises density and the beta density's nan at invalid shapes, against JAX on
the same inputs: random points and parameters with the support's edges, nan, inf and invalid
parameters mixed in, float32 and float64, eager and under jit; vmap against JAX's broadcast;
check_grads in both modes and jax.grad element for element, in the point and in every parameter JAX
differentiates (betainc has no derivative in a and b, igamma none of second order in a: there only
order 1, or an error as in JAX)."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import pullback as pj
import pullback.scipy.stats as pst
from pullback import test_util

from harness import assert_same_as_jax, draw_args, int_draws, normal_draws, uniform_draws, with_specials

jax = pytest.importorskip("jax")
jst = jax.scipy.stats

SHAPE = uniform_draws(0.3, 5.0)
LOC = uniform_draws(-0.5, 0.5)
SCALE = uniform_draws(0.5, 2.0)
TAILS = ["cdf", "sf", "logcdf", "logsf"]
# (dist, functions, generators of the arguments): points of shape (6, 8), parameters (8,). The first
# case of each distribution has loc 0 and scale 1 so that the support's edges are among the points.
CASES = [
    ("beta", TAILS, [with_specials(uniform_draws(-0.2, 1.2), 0.0, 1.0, np.nan, -np.inf), SHAPE,
                     with_specials(SHAPE, 0.0, -1.0)]),
    ("beta", TAILS, [uniform_draws(-1, 3), SHAPE, SHAPE, LOC, SCALE]),
    ("beta", ["logpdf", "pdf"], [uniform_draws(-1, 3), with_specials(SHAPE, 0.0, -1.0), SHAPE, LOC,
                                 with_specials(SCALE, 0.0, -1.0)]),
    ("gamma", TAILS, [with_specials(uniform_draws(-1, 8), 0.0, np.inf, np.nan, 1e-30), with_specials(SHAPE, 0.0)]),
    ("gamma", TAILS, [uniform_draws(-1, 12), SHAPE, LOC, SCALE]),
    ("chi2", TAILS, [with_specials(uniform_draws(-1, 12), 0.0, np.inf, np.nan), uniform_draws(0.5, 9)]),
    ("chi2", TAILS, [uniform_draws(-1, 20), uniform_draws(0.5, 9), LOC, SCALE]),
    ("gennorm", ["cdf"], [with_specials(normal_draws(2), 0.0, np.inf, -np.inf, np.nan), uniform_draws(0.4, 4)]),
    ("poisson", ["cdf"], [with_specials(int_draws(-2, 14), 0.5, 3.7, -0.5, np.inf), with_specials(SHAPE, 0.0),
                          int_draws(0, 1)]),
    ("vonmises", ["logpdf", "pdf"], [uniform_draws(-7, 7), with_specials(uniform_draws(0.1, 20), 0.0, -1.0, 800.0)]),
]
ROWS = [(d, f, gens, i) for i, (d, fs, gens) in enumerate(CASES) for f in fs]
IDS = [f"{d}.{f}-{i}" for d, f, _, i in ROWS]
# float32: a few ulps of the series' terms; float64: the loops stop at their own element's
# convergence where XLA runs a whole vector to the slowest one (a few ulps apart)
TOLERANCES = {np.float32: dict(rtol=2e-5, atol=2e-6), np.float64: dict(rtol=1e-12, atol=1e-14)}


def _fns(dist, fn):
    return getattr(getattr(pst, dist), fn), getattr(getattr(jst, dist), fn)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("dist,fn,gens,case", ROWS, ids=IDS)
def test_matches_jax(dist, fn, gens, case, dtype, both_x64):
    ours, theirs = _fns(dist, fn)
    args = draw_args(gens, dtype, case)
    want = theirs(*args)
    assert_same_as_jax(ours(*args), want, f"{dist}.{fn}", **TOLERANCES[dtype])
    assert_same_as_jax(pj.jit(ours)(*args), want, f"jit {dist}.{fn}", **TOLERANCES[dtype])


def test_python_scalars_and_ints():
    """Weakly typed scalars and integer arrays promote as JAX's promote_args_inexact."""
    for (dist, fn), args in [(("gamma", "sf"), (2, 3)), (("poisson", "cdf"), (np.arange(4), 2)),
                             (("beta", "logcdf"), (0.25, np.int32(2), 3.0)), (("vonmises", "pdf"), (1, 2)),
                             (("chi2", "cdf"), (np.float32(3.0), 4, 0.5, 2)), (("gennorm", "cdf"), (-1, 2))]:
        ours, theirs = _fns(dist, fn)
        assert_same_as_jax(ours(*args), theirs(*args), f"{dist}.{fn}")


@pytest.mark.parametrize("dist,fn,gens,case", ROWS[::2], ids=IDS[::2])
def test_vmap(dist, fn, gens, case):
    """vmap over the points and the first parameter gives JAX's broadcast values."""
    ours, theirs = _fns(dist, fn)
    x, first, *rest = draw_args(gens, np.float32, case + 50)
    firsts = np.broadcast_to(first, x.shape)
    got = pj.vmap(ours, in_axes=(0, 0) + (None,) * len(rest))(x, firsts, *rest)
    assert_same_as_jax(got, theirs(x, firsts, *rest), f"vmap {dist}.{fn}")


# interior points (float64) and the arguments in which JAX differentiates each function
GRADS = [
    ("beta", TAILS, (0.3, 1.7, 2.4, 0.1, 1.3), (0, 3, 4)),
    ("gamma", TAILS, (2.1, 1.7, 0.1, 1.3), (0, 1, 2, 3)),
    ("chi2", TAILS, (2.5, 3.5, 0.1, 1.3), (0, 1, 2, 3)),
    ("gennorm", ["cdf"], (-0.8, 1.7), (0, 1)),
    ("gennorm", ["cdf"], (1.3, 0.6), (0, 1)),
    ("poisson", ["cdf"], (3.5, 2.5, 1.0), (1,)),
    ("vonmises", ["logpdf", "pdf"], (1.1, 2.5), (0, 1)),
]
GRAD_ROWS = [(d, f, point, argnums) for d, fs, point, argnums in GRADS for f in fs]
GRAD_IDS = [f"{d}.{f}-{i}" for i, (d, f, _, _) in enumerate(GRAD_ROWS)]


def _in(f, args, argnums):
    """f as a function of args[argnums] alone, the others held at their values."""
    def g(*varied):
        full = list(args)
        for i, v in zip(argnums, varied):
            full[i] = v
        return f(*full)
    return g


@pytest.mark.parametrize("dist,fn,point,argnums", GRAD_ROWS, ids=GRAD_IDS)
def test_grads(dist, fn, point, argnums, both_x64):
    ours, theirs = _fns(dist, fn)
    args = tuple(np.float64(p) for p in point)
    varied = tuple(args[i] for i in argnums)
    test_util.check_grads(_in(ours, args, argnums), varied, order=1, modes=("fwd", "rev"), rtol=1e-4)
    if not fn.startswith("log"):  # (a log of these adds nothing) second order in the point alone,
        # the density's own derivatives: igamma has none of order 2 in a
        test_util.check_grads(_in(ours, args, (0,)), args[:1], order=2, modes=("fwd", "rev"), rtol=1e-4)
    got = pj.grad(ours, argnums=argnums)(*args)
    want = jax.grad(theirs, argnums=argnums)(*args)
    for a, b in itertools.zip_longest(got, want):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-9, atol=1e-12)


def test_grad_at_and_outside_the_support_is_jax_s():
    """Derivatives at the edges and outside the support: JAX's values (0 where a clamp or a select
    stops them, nan where JAX differentiates through an undefined branch)."""
    for dist, fn, point in [("beta", "cdf", (1.5, 1.7, 2.4)), ("beta", "sf", (-0.5, 1.7, 2.4)),
                            ("beta", "logcdf", (0.0, 1.7, 2.4)), ("beta", "logsf", (1.0, 1.7, 2.4)),
                            ("gamma", "cdf", (-1.0, 1.7)), ("gamma", "sf", (-1.0, 1.7)),
                            ("gamma", "logsf", (0.0, 1.7)), ("gamma", "logcdf", (0.0, 1.7)),
                            ("chi2", "sf", (-1.0, 3.0)), ("chi2", "logcdf", (0.0, 3.0)),
                            ("poisson", "cdf", (-1.0, 2.0)), ("gennorm", "cdf", (0.0, 1.5)),
                            ("vonmises", "logpdf", (0.5, -1.0))]:
        ours, theirs = _fns(dist, fn)
        args = tuple(np.float32(p) for p in point)
        argnums = (0,) if dist == "beta" else tuple(range(len(args)))
        for a, b in zip(pj.grad(ours, argnums=argnums)(*args), jax.grad(theirs, argnums=argnums)(*args)):
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), equal_nan=True, err_msg=f"{dist}.{fn}")


def test_beta_has_no_derivative_in_its_shapes():
    """JAX's betainc is not differentiable in a and b; neither is pullback's."""
    for grad, module in [(jax.grad, jst), (pj.grad, pst)]:
        with pytest.raises(Exception, match="(?i)betainc"):
            grad(module.beta.cdf, argnums=1)(0.3, 1.7, 2.4)
