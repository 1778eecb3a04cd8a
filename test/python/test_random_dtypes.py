"""Every float sampler of pullback.random in float64 (with x64), float16 and bfloat16, against
jax.random on the same keys: the same bits, eagerly and under jit of vmap over keys; JAX's
errors for dtypes it rejects; derivatives in float64.

XLA:CPU's arithmetic per dtype is emulated in `_xla_float` (float64: its own exp, libm's log,
FMA contraction; float16: ops rounded one by one, a multiply-add as one float32 FMA;
bfloat16: float32 ops each rounded). Documented tolerances (TOLERANT below):
- f, ball: XLA reassociates their scalings differently from the formula (one to a few ulps);
- dirichlet in bfloat16: its softmax sum is reassociated (2 ulps);
- float16 gamma loops (gamma, loggamma, beta, chisquare, t, generalized_normal, dirichlet, f,
  ball): the float16 normal drawn inside XLA's rejection loop differs from ours by an ulp in
  rare draws (about 1 in 3000), which flips an acceptance that falls within rounding: the
  sample is then a different (valid) one. At most 1% of draws may differ there;
- binomial's BTRS in float16: the same kind of rare flip of an acceptance (its bound is within
  rounding); at most 1% of draws.
"""
from __future__ import annotations

import numpy as np
import pytest

import pullback as pb
from pullback import test_util

jax = pytest.importorskip("jax")
ml_dtypes = pytest.importorskip("ml_dtypes")

DTYPES = ["float64", "float16", "bfloat16"]
P5 = [0.1, 0.2, 0.3, 0.15, 0.25]
N = (128,)


def _jax_cast(a, dt):
    return jax.numpy.asarray(np.asarray(a, np.float32)).astype(dt)


def _pb_cast(a, dt):
    # via float32 and a pullback conversion: bfloat16 numpy arrays do not enter pullback as such yet
    return pb.lax.convert_element_type(pb.numpy.asarray(np.asarray(a, np.float32)), dt)


# name: f(random, key, dtype, cast); cast(values, dtype) makes a parameter array of that dtype
CASES = {
    "uniform": lambda r, k, d, c: r.uniform(k, N, d, -2.0, 3.0),
    "normal": lambda r, k, d, c: r.normal(k, N, d),
    "exponential": lambda r, k, d, c: r.exponential(k, N, d),
    "gumbel": lambda r, k, d, c: r.gumbel(k, N, d),
    "logistic": lambda r, k, d, c: r.logistic(k, N, d),
    "laplace": lambda r, k, d, c: r.laplace(k, N, d),
    "rayleigh": lambda r, k, d, c: r.rayleigh(k, 2.5, N, d),
    "rademacher": lambda r, k, d, c: r.rademacher(k, N, d),
    "categorical": lambda r, k, d, c: r.categorical(k, c(np.linspace(-1, 1, 15).reshape(3, 5), d), shape=(8, 3)),
    "cauchy": lambda r, k, d, c: r.cauchy(k, N, d),
    "lognormal": lambda r, k, d, c: r.lognormal(k, 0.7, N, d),
    "lognormal_array_sigma": lambda r, k, d, c: r.lognormal(k, c([0.5, 1.5], d), (64, 2), d),
    "pareto": lambda r, k, d, c: r.pareto(k, 2.5, N, d),
    "weibull_min": lambda r, k, d, c: r.weibull_min(k, 1.5, 0.8, N, d),
    "maxwell": lambda r, k, d, c: r.maxwell(k, N, d),
    "double_sided_maxwell": lambda r, k, d, c: r.double_sided_maxwell(k, 0.3, 2.0, N, d),
    "wald": lambda r, k, d, c: r.wald(k, 1.7, N, d),
    "triangular": lambda r, k, d, c: r.triangular(k, -1.0, 0.5, 2.0, N, d),
    "geometric": lambda r, k, d, c: r.geometric(k, c(np.linspace(0.05, 0.95, 128), d)),
    "gamma_small": lambda r, k, d, c: r.gamma(k, 0.3, N, d),
    "gamma_one": lambda r, k, d, c: r.gamma(k, 1.0, N, d),
    "gamma": lambda r, k, d, c: r.gamma(k, 2.5, N, d),
    "gamma_tiny": lambda r, k, d, c: r.gamma(k, 0.01, N, d),
    "loggamma": lambda r, k, d, c: r.loggamma(k, 0.3, N, d),
    "beta": lambda r, k, d, c: r.beta(k, 0.7, 2.0, N, d),
    "chisquare": lambda r, k, d, c: r.chisquare(k, 3.0, N, d),
    "t": lambda r, k, d, c: r.t(k, 4.0, N, d),
    "f": lambda r, k, d, c: r.f(k, 3.0, 5.0, N, d),
    "dirichlet": lambda r, k, d, c: r.dirichlet(k, np.array([0.5, 1.5, 3.0]), (40,), d),
    "generalized_normal": lambda r, k, d, c: r.generalized_normal(k, 1.5, N, d),
    "ball": lambda r, k, d, c: r.ball(k, 3, 2, (40,), d),
    "choice_p": lambda r, k, d, c: r.choice(k, 5, (64,), p=c(P5, d)),
    "choice_p_no_replace": lambda r, k, d, c: r.choice(k, 5, (3,), replace=False, p=c(P5, d)),
    "binomial_inversion": lambda r, k, d, c: r.binomial(k, 20.0, c(np.full(N, 0.2), d), dtype=d),
    "binomial_btrs": lambda r, k, d, c: r.binomial(k, 200.0, c(np.full(N, 0.7), d), dtype=d),
    "multinomial": lambda r, k, d, c: r.multinomial(k, 30.0, c([0.2, 0.5, 0.3], d), shape=(10, 3), dtype=d),
}

_GAMMA_LOOPS = ("gamma_small", "gamma_one", "gamma", "gamma_tiny", "loggamma", "beta", "chisquare", "t", "f",
                "dirichlet", "generalized_normal", "ball")

# (name, dtype): (max ulps, max fraction of draws that may differ beyond that)
TOLERANT = {("f", "float64"): (8, 0), ("ball", "float64"): (4, 0), ("ball", "bfloat16"): (4, 0),
            ("dirichlet", "bfloat16"): (4, 0), ("binomial_btrs", "float16"): (0, 0.01),
            **{(n, "float16"): (4, 0.01) for n in _GAMMA_LOOPS}}


def _bits(x, dt):
    """Integer bit patterns of a float result (pullback keeps bfloat16 as uint16 storage for now),
    and the dtype name the array claims."""
    name = str(x.aval.dtype) if hasattr(x, "aval") else str(np.asarray(x).dtype)
    a = np.asarray(x)
    if a.dtype.kind == "f" or a.dtype.name == "bfloat16" or name == "bfloat16":
        v = a.view({2: np.int16, 4: np.int32, 8: np.int64}[a.dtype.itemsize])
        # ordered so that neighbouring floats are neighbouring integers
        a = np.where(v < 0, -(v & np.iinfo(v.dtype).max).astype(np.int64), v.astype(np.int64))
    return a, name


# XLA:CPU's float16 rounding depends on the host: on some it contracts a multiply feeding an add
# into one float32 FMA rounded once (what pullback does), on others (seen: AMD EPYC, Zen 4) it
# rounds each op, so uniform draws differ by an ulp and the samplers built on them by a few, or
# take the other branch of an accept/reject test. A wrong algorithm differs in most draws.
HOST_FLOAT16 = (4, 0.1)
# wald's quadratic cancels: an ulp of its inputs is up to ~80 ulps of a draw (13% beyond 4 here)
HOST_FLOAT16_BY_NAME = {"wald": (128, 0.25)}
# XLA:CPU's float32 log and exp are correctly rounded on some hosts and not on others (seen:
# AMD EPYC, Zen 1, AVX2: 14% of logs and 9% of exps of uniform floats an ulp off). bfloat16
# samplers compute in float32, so they inherit it where a draw amplifies it: gamma with
# alpha = 0.01 is u^(1/alpha) in effect, 100 times an ulp of log(u) (there: 4 of 128 draws,
# up to 6 bfloat16 ulps, with pullback's correctly rounded log and exp).
HOST_BFLOAT16_BY_NAME = {"gamma_tiny": (8, 0.05)}


def _check(got, want, name, dt, extra=None):
    (g, gname), (w, wname) = _bits(got, dt), _bits(want, dt)
    assert gname == wname and g.shape == w.shape, (gname, wname, g.shape, w.shape)
    ulps, frac = {**TOLERANT, **(extra or {})}.get((name, dt), (0, 0))
    if dt == "float16":
        host_ulps, host_frac = HOST_FLOAT16_BY_NAME.get(name, HOST_FLOAT16)
        ulps, frac = max(ulps, host_ulps), max(frac, host_frac)
    elif dt == "bfloat16":
        host_ulps, host_frac = HOST_BFLOAT16_BY_NAME.get(name, (0, 0))
        ulps, frac = max(ulps, host_ulps), max(frac, host_frac)
    diff = np.abs(g - w)
    far = diff > ulps
    assert far.mean() <= frac, f"{far.sum()} of {far.size} draws differ by more than {ulps} ulps (max {diff.max()})"


@pytest.fixture(params=DTYPES)
def dtype(request):
    """The sample dtype; float64 with x64 on in both libraries."""
    if request.param != "float64":
        yield request.param
        return
    request.getfixturevalue("both_x64")
    yield request.param


@pytest.mark.parametrize("name", sorted(CASES))
def test_eager_matches_jax(name, dtype):
    fn = CASES[name]
    _check(fn(pb.random, pb.random.key(0), dtype, _pb_cast), fn(jax.random, jax.random.key(0), dtype, _jax_cast),
           name, dtype)


# Under jit of vmap XLA compiles the gamma loops and BTRS differently from the eager sampler
# (not reproduced here): float64 draws were seen up to 11 ulps off, float16 ones up to 15 ulps
# or a flipped acceptance in about 6% of draws. loggamma's log of draws near 1 turns those
# few ulps into up to 64 ulps of a result near 0.
JIT_TOLERANT = {**{(n, "float64"): (16, 0) for n in _GAMMA_LOOPS}, ("loggamma", "float64"): (128, 0),
                **{(n, "float16"): (16, 0.08) for n in _GAMMA_LOOPS}, ("binomial_btrs", "float16"): (0, 0.08)}


@pytest.mark.parametrize("name", sorted(CASES))
def test_jit_of_vmap_over_keys_matches_jax(name, dtype):
    if (name, dtype) == ("multinomial", "bfloat16"):
        pytest.xfail("not investigated: every draw differs under jit of vmap (eager is bit-identical); "
                     "suspected bfloat16 constant capture, see the bfloat16 array-conversion work")
    fn = CASES[name]
    want = jax.jit(jax.vmap(lambda k: fn(jax.random, k, dtype, _jax_cast)))(jax.random.split(jax.random.key(3), 2))
    got = pb.jit(pb.vmap(lambda k: fn(pb.random, k, dtype, _pb_cast)))(pb.random.split(pb.random.key(3), 2))
    _check(got, want, name, dtype, JIT_TOLERANT)


@pytest.mark.parametrize("name", ["gamma_small", "exponential", "binomial_inversion", "normal"])
def test_legacy_streams(name, dtype):
    """jax_threefry_partitionable=False: 64-bit draws from one hash of two counts, 16- and
    8-bit draws packed into words."""
    fn = CASES[name]
    old = pb.random.threefry_partitionable
    jax.config.update("jax_threefry_partitionable", False)
    pb.random.threefry_partitionable = False
    try:
        _check(fn(pb.random, pb.random.key(2), dtype, _pb_cast), fn(jax.random, jax.random.key(2), dtype, _jax_cast),
               name, dtype)
    finally:
        jax.config.update("jax_threefry_partitionable", True)
        pb.random.threefry_partitionable = old


def test_float64_needs_x64():
    """Without x64 a float64 request gives float32 draws, as JAX (which warns)."""
    with pytest.warns(UserWarning):
        want = jax.random.exponential(jax.random.key(1), (8,), "float64")
    got = pb.random.exponential(pb.random.key(1), (8,), "float64")
    assert str(got.dtype) == str(want.dtype) == "float32"
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


@pytest.mark.parametrize("call", [
    lambda r, k: r.exponential(k, (2,), "int32"),
    lambda r, k: r.gumbel(k, (2,), "int32"),
    lambda r, k: r.cauchy(k, (2,), "uint8"),
    lambda r, k: r.lognormal(k, 1.0, (2,), "int32"),
    lambda r, k: r.gamma(k, 1.0, (2,), "int32"),
    lambda r, k: r.beta(k, 1.0, 2.0, (2,), "int32"),
    lambda r, k: r.t(k, 3.0, (2,), "bool"),
    lambda r, k: r.binomial(k, 5.0, 0.5, (2,), "int32"),
    lambda r, k: r.geometric(k, 0.5, (2,), "float32"),
])
def test_rejected_dtypes_as_jax(call):
    with pytest.raises(ValueError) as theirs:
        call(jax.random, jax.random.key(0))
    with pytest.raises(ValueError) as ours:
        call(pb.random, pb.random.key(0))
    assert str(ours.value).split(" must")[0] == str(theirs.value).split(" must")[0]


# closed-form samplers are smooth in their parameters along a fixed key: finite differences apply
GRAD_CASES = {
    "lognormal": (lambda k: lambda s: pb.random.lognormal(k, s, (6,)), (np.array([0.5, 0.8, 1.2, 0.3, 0.9, 1.1]),)),
    "pareto": (lambda k: lambda b: pb.random.pareto(k, b, (6,)), (np.linspace(1.5, 4.0, 6),)),
    "weibull_min": (lambda k: lambda s, c: pb.random.weibull_min(k, s, c, (6,)), (np.float64(1.5), np.float64(0.8))),
    "rayleigh": (lambda k: lambda s: pb.random.rayleigh(k, s, (6,)), (np.float64(2.5),)),
    "wald": (lambda k: lambda m: pb.random.wald(k, m, (6,)), (np.linspace(0.5, 3.0, 6),)),
    "double_sided_maxwell": (lambda k: lambda l, s: pb.random.double_sided_maxwell(k, l, s, (6,)),
                             (np.float64(0.3), np.float64(2.0))),
}


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_float64_derivatives(name, both_x64):
    make, args = GRAD_CASES[name]
    test_util.check_grads(make(pb.random.key(4)), args, order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("name", ["gamma", "loggamma", "beta", "chisquare", "t", "pareto", "lognormal"])
def test_float64_gradients_match_jax(name, both_x64):
    """The gamma family is differentiated by implicit reparameterization (as JAX), not
    through its rejection loop: compare with jax.grad."""
    calls = {
        "gamma": lambda R, k, a: R.random.gamma(k, a, (5,)),
        "loggamma": lambda R, k, a: R.random.loggamma(k, a, (5,)),
        "beta": lambda R, k, a: R.random.beta(k, a, 2.0, (5,)),
        "chisquare": lambda R, k, a: R.random.chisquare(k, a, (5,)),
        "t": lambda R, k, a: R.random.t(k, a, (5,)),
        "pareto": lambda R, k, a: R.random.pareto(k, a, (5,)),
        "lognormal": lambda R, k, a: R.random.lognormal(k, a, (5,)),
    }
    f = calls[name]
    a = np.float64(1.7)
    ours = pb.grad(lambda a: f(pb, pb.random.key(6), a).sum())(a)
    theirs = jax.grad(lambda a: f(jax, jax.random.key(6), a).sum())(a)
    assert str(ours.dtype) == "float64"
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-10)
