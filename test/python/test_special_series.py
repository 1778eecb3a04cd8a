"""exp1, expi, expn, sici (frontend/scipy/_special_series.py) and wofz, erfcx, dawsn, fresnel
(_special_faddeeva.py) against JAX on grids in float32 and float64, eager, under jit and vmap; edge
values and JAX's imprecise regions against SciPy; derivatives by check_grads in both modes."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import pullback as pj
import pullback.scipy.special as ps
from pullback import test_util

jax = pytest.importorskip("jax")
sc = pytest.importorskip("scipy.special")
js = jax.scipy.special

# moderate arguments (JAX's exp1/expn never return at 0 or beyond ~700, so edges go to SciPy)
GRID = np.r_[np.linspace(0.05, 30, 41), 0.5, 1.0, 1.0001, 2.0, 4.0, 4.0001, 39.9, 40.1]
SIGNED = np.r_[-GRID[::3], GRID]
EDGES = np.array([0.0, -0.0, 1e-300, 1e-30, 3e-6, 700.0, 1e9, -1e9, np.inf, -np.inf, np.nan, -3.0])
UNARY = {"exp1": GRID, "expi": SIGNED, "erfcx": SIGNED, "dawsn": SIGNED}
PAIRS = {"sici": SIGNED, "fresnel": SIGNED}
RTOL = {"float32": 5e-6, "float64": 1e-12}


def _close(got, want, dtype, scale=None, condition=1.0):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    finite = np.isfinite(want)
    np.testing.assert_array_equal(got[~finite], want[~finite])
    condition = np.broadcast_to(condition, want.shape)[finite]
    tol = RTOL[dtype] * condition * (np.abs(want[finite]) if scale is None else scale)
    assert (np.abs(got[finite] - want[finite]) <= tol + 1e-300).all(), (got, want)


def _variants(f):
    return {"eager": f, "jit": pj.jit(f), "vmap": pj.vmap(f)}


def _check(name, x, want, dtype, condition=1.0):
    for mode, f in _variants(getattr(ps, name)).items():
        got = f(x)
        for g, w in zip(*((got, want) if name in PAIRS else ((got,), (want,)))):
            assert g.dtype == np.dtype(dtype), mode
            # sici/fresnel near their zeros: absolute in the size of the function
            _close(g, w, dtype, scale=1.0 if name in PAIRS else None, condition=condition)


@pytest.mark.parametrize("name", sorted(UNARY) + sorted(PAIRS))
def test_float64_against_jax(name, both_x64):
    x = (UNARY | PAIRS)[name]
    _check(name, x, getattr(js, name)(x), "float64")


@pytest.mark.parametrize("name", sorted(UNARY) + sorted(PAIRS))
def test_float32_against_scipy(name):
    """float32 in pullback's default mode; SciPy in float64 on the same points as the reference
    (JAX's own float32 erfcx(x < 0) loses x^2 ulps in exp(x^2), as float32 arithmetic must: the
    tolerance carries erfcx's condition number 2x^2 there)."""
    x = (UNARY | PAIRS)[name].astype(np.float32)
    condition = 1 + 2 * np.minimum(x, 0.0).astype(np.float64) ** 2 if name == "erfcx" else 1.0
    want = getattr(sc, name)(x.astype(np.float64))
    want = tuple(np.float32(w) for w in want) if name in PAIRS else np.float32(want)  # overflow as float32
    _check(name, x, want, "float32", condition)


@pytest.mark.parametrize("name", ["exp1", "expi", "erfcx", "dawsn", "sici", "fresnel"])
def test_edges_as_scipy(name, both_x64):
    """0, -0, tiny, huge, +-inf and nan as SciPy (JAX's expi is nan at 0 and inf; its exp1 hangs)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = getattr(sc, name)(EDGES)
    got = getattr(ps, name)(EDGES)
    for g, w in zip(*((got, want) if name in PAIRS else ((got,), (want,)))):
        # absolute for the pairs: SciPy's S(1e-30) underflows to 0 (it is pi/6 1e-90), and at 1e9
        # the phase pi x^2/2 of the 1/(pi x) oscillation carries no digits in either
        _close(g, w, "float64", scale=1e3 if name in PAIRS else None)


def test_expi_beyond_scipy_precision(both_x64):
    """SciPy's Ei loses ~2.6e-14 just above 40 (Cephes' rational); the asymptotic series here does not."""
    x = np.array([40.125, 40.5])
    got = np.asarray(ps.expi(x))
    np.testing.assert_allclose(got, np.asarray(js.expi(x)), rtol=1e-13)
    assert np.abs(got / sc.expi(x) - 1).max() < 5e-14


def test_expn(both_x64):
    n = np.repeat(np.arange(0, 7), 8)
    x = np.tile(np.r_[0.1, 0.5, 1.0, 1.5, 3.0, 8.0, 20.0, 0.9], 7)
    want = np.asarray(js.expn(n, x))
    for dtype in ("float32", "float64"):
        for f in _variants(ps.expn).values():
            _close(f(n, x.astype(dtype)), want, dtype)
    edge_n = np.array([0, 1, 2, 3, -1, 2, 1, 50, 2])
    edge_x = np.array([0.0, 0.0, 0.0, np.inf, 1.0, -1.0, np.nan, 0.5, 1e-300])
    _close(ps.expn(edge_n, edge_x), sc.expn(edge_n, edge_x), "float64")


def test_wofz(both_x64):
    rng = np.random.default_rng(7)
    z = np.r_[rng.uniform(-8, 8, 200) + 1j * rng.uniform(-6, 8, 200), np.linspace(-20, 20, 21) + 0j,
              1j * np.linspace(-3, 25, 15), 1e10 + 1e10j]
    for dtype, rtol in (("complex64", 2e-6), ("complex128", 1e-13)):
        zz = z.astype(dtype)
        # SciPy as the reference: JAX's 32-term rational is ~3e-13 (and 2e-3 in Re w for real z ~ 5)
        want = sc.wofz(zz.astype(np.complex128))
        for f in _variants(ps.wofz).values():
            got = np.asarray(f(zz))
            assert got.dtype == np.dtype(dtype)
            assert (np.abs(got - want) <= rtol * np.abs(want)).all()
        np.testing.assert_allclose(np.asarray(ps.wofz(zz)), np.asarray(js.wofz(zz)), rtol=max(rtol, 1e-11))
    np.testing.assert_array_equal(np.asarray(ps.wofz(np.array([0j, np.inf + 0j]))), [1, 0])
    np.testing.assert_allclose(np.asarray(ps.erfcx(z[:20])), np.asarray(js.erfcx(z[:20])), rtol=1e-11)


DIFF = {"exp1": (ps.exp1, np.array([0.3, 1.5, 5.0, 30.0])),
        "expi": (ps.expi, np.array([-3.0, 0.3, 1.5, 45.0])),
        "expn": (lambda x: ps.expn(3, x) + ps.expn(0, x), np.array([0.3, 1.5, 5.0])),
        "si": (lambda x: ps.sici(x)[0], np.array([-2.0, 0.3, 5.0])),
        "ci": (lambda x: ps.sici(x)[1], np.array([-2.0, 0.3, 5.0])),
        "erfcx": (ps.erfcx, np.array([-2.0, 0.3, 5.0])),
        "dawsn": (ps.dawsn, np.array([-2.0, 0.3, 5.0])),
        "fresnel_s": (lambda x: ps.fresnel(x)[0], np.array([-2.0, 0.3, 1.5])),
        "fresnel_c": (lambda x: ps.fresnel(x)[1], np.array([-2.0, 0.3, 1.5])),
        "wofz": (ps.wofz, np.array([1 + 2j, -1 - 0.5j, 0.3 + 0j]))}


@pytest.mark.parametrize("name", sorted(DIFF))
def test_derivatives(name, both_x64):
    f, x = DIFF[name]
    test_util.check_grads(f, (x,), order=1, modes=("fwd", "rev"))


def test_grad_matches_jax(both_x64):
    x = np.array([0.3, 1.5, 5.0])
    for name in ("exp1", "expi", "erfcx", "dawsn"):
        got = pj.vmap(pj.grad(getattr(ps, name)))(x)
        want = jax.vmap(jax.grad(getattr(js, name)))(x)
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-10)


def test_complex_inputs_rejected():
    for name in ("exp1", "expi", "dawsn", "sici", "fresnel"):
        with pytest.raises(ValueError, match="complex"):
            getattr(ps, name)(np.complex64(1 + 1j))


def test_bessel_jn(both_x64):
    """Against SciPy's jv and JAX in float64 (JAX is nan at z = 0 and overflows in float32, where
    the ratio recurrence here does not); shape (v + 1, *z.shape), jit, vmap and derivatives."""
    z = np.r_[np.linspace(-20, 20, 37), 0.0, 1e-3, 1e-20]
    want = sc.jv(np.arange(6)[:, None], z)
    for dtype, atol in (("float32", 1e-6), ("float64", 1e-12)):
        zz = z.astype(dtype)
        for f in (ps.bessel_jn, pj.jit(ps.bessel_jn, static_argnames=("v", "n_iter"))):
            got = f(zz, v=5)
            assert got.shape == (6, z.size) and got.dtype == np.dtype(dtype)
            np.testing.assert_allclose(np.asarray(got, np.float64), want, atol=atol, rtol=10 * atol)
    nonzero = np.abs(z) > 0.5  # JAX overflows to nan at small |z|
    np.testing.assert_allclose(np.asarray(ps.bessel_jn(z[nonzero], v=5)),
                               np.asarray(js.bessel_jn(z[nonzero], v=5)), atol=1e-12)
    lanes = pj.vmap(lambda x: ps.bessel_jn(x, v=2))(z)
    np.testing.assert_allclose(np.asarray(lanes).T, want[:3], atol=1e-12)
    test_util.check_grads(lambda x: ps.bessel_jn(x, v=3), (np.array([0.5, 2.0, -3.0]),), order=1,
                          modes=("fwd", "rev"))


def test_owens_t(both_x64):
    """Against SciPy (JAX's 13-point rule is ~1e-8 relative in places and nan at h = 0, a = -inf)
    and JAX to its accuracy, float32 and float64, jit/vmap, both derivatives."""
    rng = np.random.default_rng(3)
    h, a = rng.uniform(-8, 8, 300), rng.uniform(-6, 6, 300)
    want = sc.owens_t(h, a)
    for dtype, atol in (("float32", 1e-7), ("float64", 1e-15)):
        hh, aa = h.astype(dtype), a.astype(dtype)
        for f in _variants(ps.owens_t).values():
            got = f(hh, aa)
            assert got.dtype == np.dtype(dtype)
            np.testing.assert_allclose(np.asarray(got, np.float64), sc.owens_t(hh.astype(float), aa.astype(float)),
                                       atol=atol, rtol=0)
    np.testing.assert_allclose(np.asarray(ps.owens_t(h, a)), np.asarray(js.owens_t(h, a)), atol=1e-9)
    np.testing.assert_allclose(np.asarray(ps.owens_t(h, a)), want, atol=1e-15)
    edge_h = np.array([0.0, 1.0, -1.0, np.inf, 1.0, 10.0, np.nan, 0.0, 0.0])
    edge_a = np.array([1.0, 0.0, 2.0, 1.0, np.inf, 0.5, 1.0, -np.inf, np.inf])
    _close(ps.owens_t(edge_h, edge_a), sc.owens_t(edge_h, edge_a), "float64", scale=1.0)
    test_util.check_grads(ps.owens_t, (np.array([0.3, -1.0, 2.0]), np.array([0.5, 2.0, -3.0])), order=1,
                          modes=("fwd", "rev"))


def test_32bit_mode():
    """With x64 off the widening is a float32 computation; it stays within a few float32 ulps
    (wofz ~2e-6, as Weideman's polynomial rounds in complex64)."""
    rng = np.random.default_rng(7)
    z = (rng.uniform(-8, 8, 100) + 1j * rng.uniform(-6, 8, 100)).astype(np.complex64)
    want = sc.wofz(z.astype(np.complex128))
    got = np.asarray(ps.wofz(z))
    assert got.dtype == np.complex64 and (np.abs(got - want) <= 5e-6 * np.abs(want)).all()
    x = np.linspace(-20, 20, 41).astype(np.float32)
    np.testing.assert_allclose(np.asarray(ps.bessel_jn(x, v=5), np.float64),
                               sc.jv(np.arange(6)[:, None], x.astype(np.float64)), atol=1e-6)
    n = np.repeat(np.arange(7), 8)
    x = np.tile(np.r_[0.1, 0.5, 1.0, 1.5, 3.0, 8.0, 20.0, 0.9], 7).astype(np.float32)
    np.testing.assert_allclose(np.asarray(ps.expn(n, x), np.float64), sc.expn(n, x.astype(np.float64)), rtol=5e-6)
    h, a = rng.uniform(-8, 8, 100).astype(np.float32), rng.uniform(-6, 6, 100).astype(np.float32)
    np.testing.assert_allclose(np.asarray(ps.owens_t(h, a), np.float64),
                               sc.owens_t(h.astype(np.float64), a.astype(np.float64)), atol=1e-7)
