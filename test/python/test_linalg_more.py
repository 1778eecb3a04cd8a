"""The rest of linear algebra against JAX: eig/eigvals (pb.eig), lstsq, roots, polyfit, expm.

Same inputs on both sides; values, dtypes and shapes must agree (eigenvalues and eigenvectors
exactly up to rounding: both call LAPACK's geev on the same data); derivatives are compared with
JAX's and checked against finite differences; errors raise JAX's exception class naming this
file's line.
"""
from __future__ import annotations

import numpy as np
import pytest

import pullback as pj
import pullback.numpy as pjnp
import pullback.scipy.linalg as psl
from pullback import test_util

jax = pytest.importorskip("jax")
import jax.numpy as jnp  # noqa: E402
import jax.scipy.linalg as jsl  # noqa: E402

from harness import random_array  # noqa: E402
from test_linalg import DTYPES, agree, both  # noqa: E402

pytestmark = pytest.mark.usefixtures("both_x64")  # conftest.py: 64 bits on both sides


def _sorted(w):
    w = np.asarray(w)
    return np.take_along_axis(w, np.argsort(w.real + 1e-3 * w.imag, axis=-1), axis=-1)


# ---- eig -----------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 3, 3), (0, 2, 2)])
def test_eig_matches_jax(dtype, shape):
    a = random_array(shape, dtype, 1)
    w, v = pjnp.linalg.eig(a)
    jw, jv = jnp.linalg.eig(a)
    agree((w, v), (jw, jv), dtype, 10)
    if a.size:  # a v = v diag(w)
        np.testing.assert_allclose(a @ np.asarray(v), np.asarray(v) * np.asarray(w)[..., None, :],
                                   atol=1e-3 if dtype in ("float32", "complex64") else 1e-10)
    agree(pjnp.linalg.eigvals(a), jnp.linalg.eigvals(a), dtype, 10)


@pytest.mark.parametrize("dtype", DTYPES)
def test_lax_eig_flags_and_jit(dtype):
    a = random_array((2, 4, 4), dtype, 2)
    for left in (False, True):
        for right in (False, True):
            f = lambda lax_, x: lax_.linalg.eig(x, compute_left_eigenvectors=left,  # noqa: E731
                                                compute_right_eigenvectors=right)
            got, want = pj.jit(lambda x: f(pj.lax, x))(a), f(jax.lax, a)
            assert len(got) == len(want) == 1 + left + right
            agree(tuple(got), tuple(want), dtype, 10)


def test_eig_of_symmetric_and_defective_matrices():
    sym = random_array((4, 4), "float64", 3)
    sym = sym + sym.T
    jordan = np.array([[2., 1.], [0., 2.]])
    rotation = np.array([[0., -1.], [1., 0.]])
    for a in (sym, jordan, rotation, np.zeros((3, 3))):
        both(lambda np_, sl, t: tuple(np_.linalg.eig(a)))
    assert np.all(np.abs(np.asarray(pjnp.linalg.eig(sym)[0]).imag) == 0)


def test_eig_nonfinite_input_gives_nan_as_jax():
    a = np.array([[1., np.nan], [0., 1.]])
    got, want = pjnp.linalg.eigvals(a), jnp.linalg.eigvals(a)
    assert np.all(np.isnan(np.asarray(got))) == np.all(np.isnan(np.asarray(want)))


@pytest.mark.parametrize("dtype", ["float64", "complex128"])
def test_eigvals_gradients(dtype):
    a = random_array((2, 3, 3), dtype, 4)
    test_util.check_grads(pjnp.linalg.eigvals, (a,), order=1, modes=("fwd", "rev"))
    both(lambda np_, sl, t: t.grad(lambda x: np_.sum(np_.abs(np_.linalg.eigvals(x)) ** 2))(a), dtype)
    ta = random_array((2, 3, 3), dtype, 5)
    both(lambda np_, sl, t: t.jvp(np_.linalg.eigvals, (a,), (ta,)), dtype)


def test_eigenvector_derivatives_raise_as_jax():
    a = random_array((3, 3), "float64", 6)
    with pytest.raises(NotImplementedError, match="derivatives of eigenvectors") as info:
        pj.jvp(lambda x: pjnp.linalg.eig(x)[1], (a,), (a,))
    with pytest.raises(NotImplementedError):
        jax.jvp(lambda x: jnp.linalg.eig(x)[1], (a,), (a,))
    assert "test_linalg_more.py" in str(info.value)


def test_eig_vmap():
    a = random_array((3, 4, 2, 4), "float64", 7)
    both(lambda np_, sl, t: tuple(t.vmap(np_.linalg.eig, in_axes=2)(a)))
    both(lambda np_, sl, t: t.vmap(t.vmap(np_.linalg.eigvals), in_axes=1)(a[:, :, 0, :, None] * a[:, None, :, 0]))


def test_eig_errors():
    for ns, err in ((pjnp, None), (jnp, None)):
        with pytest.raises(ValueError):
            ns.linalg.eig(np.ones((2, 3)))
    with pytest.raises(ValueError) as info:
        pjnp.linalg.eigvals(np.ones((3,)))
    assert "test_linalg_more.py" in str(info.value)


# ---- roots, lstsq, polyfit -----------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64", "complex128"])
def test_roots(dtype):
    for p in ([1., -3., 2.], [0., 0., 1., -3., 2., 5.], [2.], [0., 0., 0.], [0., 1., 0., 0.]):
        p = np.asarray(p, dtype)
        both(lambda np_, sl, t: np_.roots(p), dtype, 100)
        both(lambda np_, sl, t: t.jit(lambda q: np_.roots(q, strip_zeros=False))(p), dtype, 100)
    with pytest.raises(TypeError):
        pj.jit(pjnp.roots)(np.array([0., 1., 2.]))
    with pytest.raises(ValueError) as info:
        pjnp.roots(np.ones((2, 2)))
    assert "test_linalg_more.py" in str(info.value)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [((6, 3), (6,)), ((6, 3), (6, 2)), ((3, 5), (3, 2)), ((4, 4), (4,))])
def test_lstsq(dtype, shape):
    a, b = random_array(shape[0], dtype, 8), random_array(shape[1], dtype, 9)
    both(lambda np_, sl, t: np_.linalg.lstsq(a, b), dtype, 10)
    both(lambda np_, sl, t: t.jit(np_.linalg.lstsq)(a, b), dtype, 10)
    both(lambda np_, sl, t: np_.linalg.lstsq(a, b, rcond=0.5), dtype, 10)
    both(lambda np_, sl, t: np_.linalg.lstsq(a, b, numpy_resid=True), dtype, 10)


def test_lstsq_rank_deficient_empty_and_errors():
    a = np.array([[1., 2.], [2., 4.], [3., 6.]])
    b = np.array([1., 2., 4.])
    both(lambda np_, sl, t: np_.linalg.lstsq(a, b))
    both(lambda np_, sl, t: np_.linalg.lstsq(np.zeros((0, 3)), np.zeros((0,))))
    with pytest.raises(ValueError) as info:
        pjnp.linalg.lstsq(a, np.ones(4))
    assert "test_linalg_more.py" in str(info.value)
    with pytest.raises(TypeError):
        pjnp.linalg.lstsq(np.ones((2, 3, 3)), np.ones((2, 3)))


def test_lstsq_gradient():
    a, b = random_array((5, 3), "float64", 10), random_array((5,), "float64", 11)
    test_util.check_grads(lambda x, y: pjnp.linalg.lstsq(x, y)[0], (a, b), order=1, modes=("fwd", "rev"))
    both(lambda np_, sl, t: t.grad(lambda x, y: np_.sum(np_.linalg.lstsq(x, y)[0] ** 2), argnums=(0, 1))(a, b))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_polyfit(dtype):
    x = np.linspace(-1, 2, 12).astype(dtype)
    y = (np.cos(x)[:, None] * np.arange(1, 3)).astype(dtype)
    w = (1 + x ** 2).astype(dtype)
    for yy in (y[:, 0], y):
        both(lambda np_, sl, t: np_.polyfit(x, yy, 3), dtype, 100)
        both(lambda np_, sl, t: np_.polyfit(x, yy, 2, full=True), dtype, 100)
        both(lambda np_, sl, t: np_.polyfit(x, yy, 2, w=w, cov=True), dtype, 1000)
        both(lambda np_, sl, t: np_.polyfit(x, yy, 2, cov="unscaled"), dtype, 1000)
    for bad in (dict(deg=-1), dict(deg=20, cov=True)):
        for ns in (pjnp, jnp):
            with pytest.raises(ValueError):
                ns.polyfit(x[:4], y[:4, 0], **bad) if "cov" in bad else ns.polyfit(x, y[:, 0], **bad)
    with pytest.raises(TypeError) as info:
        pjnp.polyfit(x, y[:5, 0], 2)
    assert "test_linalg_more.py" in str(info.value)


# ---- expm ----------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_expm_every_pade_degree(dtype):
    a = random_array((4, 4), dtype, 12)
    for scale in (1e-3, 0.05, 0.3, 1.0, 3.0, 50.0):  # each Padé degree and some squarings
        both(lambda np_, sl, t: sl.expm(a * scale), dtype, 100)
    both(lambda np_, sl, t: sl.expm(np.triu(a), upper_triangular=True), dtype, 10)
    both(lambda np_, sl, t: sl.expm(random_array((2, 3, 3, 3), dtype, 13)), dtype, 10)


def test_expm_too_many_squarings_is_nan_and_errors():
    a = np.eye(2) * 1e6
    both(lambda np_, sl, t: sl.expm(a, max_squarings=4))
    with pytest.raises(ValueError) as info:
        psl.expm(np.ones((2, 3)))
    assert "test_linalg_more.py" in str(info.value)


@pytest.mark.parametrize("dtype", ["float64", "complex128"])
def test_expm_derivatives_and_frechet(dtype):
    a, e = random_array((3, 3), dtype, 14), random_array((3, 3), dtype, 15)
    both(lambda np_, sl, t: sl.expm_frechet(a, e), dtype, 10)
    both(lambda np_, sl, t: sl.expm_frechet(a[None], e[None], compute_expm=False), dtype, 10)
    test_util.check_grads(psl.expm, (a,), order=2, modes=("fwd", "rev"))
    both(lambda np_, sl, t: t.grad(lambda x: np_.sum(np_.abs(sl.expm(x)) ** 2))(a), dtype, 10)
    with pytest.raises(ValueError):
        psl.expm_frechet(a, e[:2, :2])


# ---- structured matrices and polar ---------------------------------------------------------

def test_structured_matrices():
    c, r = random_array((2, 4), "float64", 16), random_array((3,), "float64", 17)
    both(lambda np_, sl, t: sl.toeplitz(c, r))
    both(lambda np_, sl, t: sl.toeplitz(random_array((3,), "complex128", 18)), "complex128")
    both(lambda np_, sl, t: sl.hankel(c, r))
    both(lambda np_, sl, t: sl.hankel(c[0]))
    both(lambda np_, sl, t: sl.circulant(c))
    both(lambda np_, sl, t: sl.companion(c))
    both(lambda np_, sl, t: sl.leslie(c, random_array((2, 3), "float64", 19)))
    both(lambda np_, sl, t: sl.hilbert(4))
    both(lambda np_, sl, t: sl.helmert(5, full=True))
    both(lambda np_, sl, t: sl.hadamard(8, dtype=np.float32))
    for bad in (lambda sl: sl.hadamard(6), lambda sl: sl.companion(np.ones(1)), lambda sl: sl.hankel(1.0),
                lambda sl: sl.leslie(np.ones(3), np.ones(3))):
        with pytest.raises(ValueError):
            bad(jsl)
        with pytest.raises(ValueError) as info:
            bad(psl)
        assert "test_linalg_more.py" in str(info.value)


@pytest.mark.parametrize("dtype", ["float32", "complex128"])
def test_polar(dtype):
    for shape, side in (((4, 3), "right"), ((3, 4), "left"), ((2, 3, 3), "right")):
        a = random_array(shape, dtype, 20)
        both(lambda np_, sl, t: sl.polar(a, side=side), dtype, 20)
        both(lambda np_, sl, t: sl.polar(a, side=side, method="svd"), dtype, 20)
    with pytest.raises(NotImplementedError):
        psl.polar(random_array((3, 4), dtype), side="right")
