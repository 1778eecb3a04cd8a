"""pullback.numpy.linalg, pullback.scipy.linalg and pullback.lax.linalg against JAX.

Every function runs on the same inputs in pullback and JAX (batched shapes, the four inexact
dtypes where JAX takes them) and must agree in values, dtypes and shapes; derivatives are
compared with JAX's and checked against finite differences; errors raise JAX's exception
class with a message that names this file's line.
"""
from __future__ import annotations

import numpy as np
import pytest

import pullback as pj
import pullback.numpy as pjnp
import pullback.scipy.linalg as psl
from pullback import test_util
from harness import random_array

jax = pytest.importorskip("jax")
import jax.numpy as jnp  # noqa: E402
import jax.scipy.linalg as jsl  # noqa: E402

DTYPES = ["float32", "float64", "complex64", "complex128"]
TOL = {"float32": 2e-4, "complex64": 2e-4, "float64": 1e-9, "complex128": 1e-9}


pytestmark = pytest.mark.usefixtures("both_x64")  # conftest.py: 64 bits on both sides


def well(shape, dtype, seed=0):
    """A well-conditioned random matrix (diagonally dominant)."""
    return (random_array(shape, dtype, seed) + 3 * np.eye(shape[-1])).astype(dtype)


def spd(shape, dtype, seed=0):
    a = random_array(shape, dtype, seed)
    n = shape[-1]
    return (a @ np.conj(np.swapaxes(a, -1, -2)) / n + np.eye(n)).astype(dtype)


def agree(got, want, dtype="float64", scale=1.0):
    got, want = jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, g.dtype, w.shape, w.dtype)
        tol = TOL.get(dtype, 1e-9) * scale
        np.testing.assert_allclose(g, w, rtol=tol, atol=tol, equal_nan=True)


def both(f, dtype="float64", scale=1.0):
    """f(jnp-like namespace with .linalg, scipy.linalg, transformations) on both sides."""
    agree(f(pjnp, psl, pj), f(jnp, jsl, jax), dtype, scale)


# ---- the tutorial's example ----------------------------------------------------------------

def test_tutorial_complex_cholesky_gradient():
    A = np.array([[5., 2. + 3j, 5j], [2. - 3j, 7., 1. + 7j], [-5j, 1. - 7j, 12.]], np.complex64)

    def f(np_):
        def loss(X):
            L = np_.linalg.cholesky(X)
            return np_.sum((L - np_.sin(L)) ** 2)
        return loss
    agree(pj.grad(f(pjnp), holomorphic=True)(A), jax.grad(f(jnp), holomorphic=True)(A), "complex64")


# ---- numpy.linalg --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 5, 5), (0, 3, 3), (1, 1)])
def test_cholesky(dtype, shape):
    a = spd(shape, dtype)
    both(lambda np_, sl, t: np_.linalg.cholesky(a), dtype)
    both(lambda np_, sl, t: np_.linalg.cholesky(a, upper=True), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_cholesky_not_positive_definite_is_nan(dtype):
    a = np.stack([spd((3, 3), dtype), -np.eye(3, dtype=dtype)])
    got = np.asarray(pjnp.linalg.cholesky(a))
    assert np.all(np.isfinite(got[0])) and np.all(np.isnan(got[1][np.tril_indices(3)]))
    both(lambda np_, sl, t: np_.linalg.cholesky(a), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("a_shape,b_shape", [((4, 4), (4,)), ((3, 4, 4), (4,)), ((3, 4, 4), (3, 4, 2)),
                                             ((3, 4, 4), (4, 2)), ((1, 4, 4), (2, 4, 3))])
def test_solve(dtype, a_shape, b_shape):
    a, b = random_array(a_shape, dtype, 1) + 3 * np.eye(a_shape[-1], dtype=dtype), random_array(b_shape, dtype, 2)
    both(lambda np_, sl, t: np_.linalg.solve(a, b), dtype)
    both(lambda np_, sl, t: t.jit(np_.linalg.solve)(a, b), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_inv_det_slogdet(dtype):
    a = random_array((2, 5, 5), dtype, 3)
    both(lambda np_, sl, t: np_.linalg.inv(a), dtype, 10)
    both(lambda np_, sl, t: np_.linalg.det(a), dtype, 10)
    both(lambda np_, sl, t: tuple(np_.linalg.slogdet(a)), dtype, 10)


def test_det_slogdet_of_singular_and_permuted_matrices():
    singular = np.array([[1., 2.], [2., 4.]])
    swapped = np.array([[0., 1.], [1., 0.]])
    for a in (singular, swapped, np.zeros((3, 3))):
        both(lambda np_, sl, t: np_.linalg.det(a))
        both(lambda np_, sl, t: tuple(np_.linalg.slogdet(a)))


def test_solve_singular_gives_nonfinite_values_as_jax():
    a, b = np.array([[1., 2.], [2., 4.]]), np.array([1., 1.])
    got, want = np.asarray(pjnp.linalg.solve(a, b)), np.asarray(jnp.linalg.solve(a, b))
    assert not np.all(np.isfinite(got)) and not np.all(np.isfinite(want))


def test_matrix_power_multi_dot_trace():
    a = random_array((3, 4, 4), "float64", 4) / 2
    for n in (0, 1, 2, 5, -1, -3):
        both(lambda np_, sl, t: np_.linalg.matrix_power(a, n), scale=100)
    v = random_array((4,), "float64", 5)
    both(lambda np_, sl, t: np_.linalg.multi_dot([v, a[0], a[1], a[2]]))
    both(lambda np_, sl, t: np_.linalg.multi_dot([a[0], a[1], v]))
    for k in (-1, 0, 2):
        both(lambda np_, sl, t: np_.linalg.trace(a, offset=k))


@pytest.mark.parametrize("dtype", ["float32", "complex128"])
def test_norm(dtype):
    x = random_array((3, 4, 5), dtype, 6)
    both(lambda np_, sl, t: np_.linalg.norm(x), dtype)
    both(lambda np_, sl, t: np_.linalg.norm(x[0], keepdims=True), dtype)
    for ord in (None, 0, 1, 2, 3, np.inf, -np.inf, -1.5):
        both(lambda np_, sl, t: np_.linalg.norm(x, ord=ord, axis=1), dtype)
        both(lambda np_, sl, t: np_.linalg.norm(x, ord=ord, axis=-1, keepdims=True), dtype)
    for ord in (None, "fro", 1, -1, np.inf, -np.inf):
        both(lambda np_, sl, t: np_.linalg.norm(x, ord=ord, axis=(2, 0)), dtype)
        both(lambda np_, sl, t: np_.linalg.norm(x[0], ord=ord, keepdims=True), dtype)


def test_tensorsolve_tensorinv():
    a = random_array((6, 2, 3), "float64", 7) + np.eye(6).reshape(6, 2, 3) * 3
    b = random_array((6,), "float64", 8)
    both(lambda np_, sl, t: np_.linalg.tensorsolve(a, b))
    both(lambda np_, sl, t: np_.linalg.tensorinv(a, ind=1))


# ---- derivatives ---------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float64", "complex128"])
def test_gradients_match_jax(dtype):
    a, b = well((2, 4, 4), dtype, 9), random_array((2, 4, 3), dtype, 10)
    s = spd((4, 4), dtype, 11)

    def real_loss(f):
        return lambda np_, sl, t: t.grad(lambda *xs: np_.sum(np_.abs(f(np_, sl, *xs)) ** 2),
                                         argnums=tuple(range(2)))(a, b)
    both(real_loss(lambda np_, sl, x, y: np_.linalg.solve(x, y)), dtype)
    both(real_loss(lambda np_, sl, x, y: np_.linalg.inv(x) @ y), dtype)
    both(real_loss(lambda np_, sl, x, y: np_.linalg.det(x)[:, None, None] * y), dtype)
    both(lambda np_, sl, t: t.grad(lambda x: np_.sum(np_.linalg.slogdet(x)[1]))(a), dtype)
    both(lambda np_, sl, t: t.grad(lambda x: np_.sum(np_.abs(np_.linalg.cholesky(x))))(s), dtype)
    ta = random_array((4, 4), dtype, 31)
    both(lambda np_, sl, t: t.jvp(lambda x: sl.solve_triangular(x, b[0], lower=True), (a[0],), (ta,)), dtype)


@pytest.mark.parametrize("fn", ["cholesky", "solve", "slogdet", "det", "solve_triangular", "lu", "cho_solve"])
def test_check_grads_order_2(fn):
    a, b = well((3, 3), "float64", 12), random_array((3, 2), "float64", 13)
    s = spd((3, 3), "float64", 14)
    f = {"cholesky": (lambda x: pjnp.linalg.cholesky(x), (s,)),
         "solve": (lambda x, y: pjnp.linalg.solve(x, y), (a, b)),
         "slogdet": (lambda x: pjnp.linalg.slogdet(x)[1], (a,)),
         "det": (lambda x: pjnp.linalg.det(x), (a,)),
         "solve_triangular": (lambda x, y: psl.solve_triangular(x, y, trans=1, lower=True), (a, b)),
         "lu": (lambda x: pj.lax.linalg.lu(x)[0], (a,)),
         # Cholesky reads one triangle: perturbations are symmetrized, as in JAX's own tests
         "cho_solve": (lambda x, y: psl.solve((x + x.T) / 2, y, assume_a="pos"), (s, b))}[fn]
    test_util.check_grads(f[0], f[1], order=2, modes=("fwd", "rev"))


def test_vmap_matches_batched():
    a, b = well((5, 4, 4), "float64", 15), random_array((5, 4), "float64", 16)
    both(lambda np_, sl, t: t.vmap(np_.linalg.solve)(a, b))
    both(lambda np_, sl, t: t.vmap(np_.linalg.slogdet)(a))
    both(lambda np_, sl, t: t.vmap(lambda x: np_.linalg.cholesky(x @ x.T + np_.eye(4)), in_axes=2)(
        np.moveaxis(a, 0, 2)))
    both(lambda np_, sl, t: t.vmap(lambda y: sl.solve_triangular(a[0], y, lower=True), in_axes=1)(b.T))


# ---- scipy.linalg --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lower", [False, True])
def test_scipy_cholesky_family(dtype, lower):
    s, b, v = spd((2, 4, 4), dtype, 17), random_array((2, 4, 3), dtype, 18), random_array((4,), dtype, 19)
    both(lambda np_, sl, t: sl.cholesky(s, lower=lower), dtype)
    both(lambda np_, sl, t: sl.cho_factor(s, lower=lower), dtype)
    both(lambda np_, sl, t: sl.cho_solve(sl.cho_factor(s, lower=lower), b), dtype)
    both(lambda np_, sl, t: sl.cho_solve(sl.cho_factor(s[0], lower=lower), v), dtype)
    both(lambda np_, sl, t: sl.solve(s, b, assume_a="pos", lower=lower), dtype)
    if dtype.startswith("float"):
        both(lambda np_, sl, t: t.grad(lambda x, y: np_.sum(np_.abs(sl.solve(x, y, assume_a="pos", lower=lower))),
                                       argnums=(0, 1))(s, b), dtype)
    else:  # JAX's custom_linear_solve(symmetric=True) takes Aᵀ for A there, wrong for a Hermitian A:
        # pullback's gradient is checked against finite differences instead
        x = s[0] + 0.1 * random_array((4, 4), dtype, 30)
        x = (x + np.conj(x.T)) / 2
        test_util.check_grads(lambda a, y: psl.solve((a + pjnp.conj(a.T)) / 2, y, assume_a="pos", lower=lower),
                              (x, b[0]), order=1, modes=("fwd", "rev"))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("trans", [0, 1, 2, "N", "T", "C"])
def test_solve_triangular(dtype, trans):
    a, b, v = well((2, 4, 4), dtype, 20), random_array((2, 4, 3), dtype, 21), random_array((4,), dtype, 22)
    for lower in (False, True):
        for unit in (False, True):
            both(lambda np_, sl, t: sl.solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit), dtype)
            both(lambda np_, sl, t: sl.solve_triangular(a[1], v, trans=trans, lower=lower, unit_diagonal=unit),
                 dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (5, 3)])
def test_scipy_lu(dtype, shape):
    a = random_array(shape, dtype, 23)
    both(lambda np_, sl, t: sl.lu(a), dtype)
    both(lambda np_, sl, t: sl.lu(a, permute_l=True), dtype)
    both(lambda np_, sl, t: sl.lu_factor(a), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_lu_solve_solve_inv_det(dtype):
    a, b, v = random_array((4, 4), dtype, 24), random_array((4, 2), dtype, 25), random_array((4,), dtype, 26)
    for trans in (0, 1, 2):
        both(lambda np_, sl, t: sl.lu_solve(sl.lu_factor(a), b, trans=trans), dtype, 10)
        both(lambda np_, sl, t: sl.lu_solve(sl.lu_factor(a), v, trans=trans), dtype, 10)
    for assume_a in ("gen", "sym", "her"):
        both(lambda np_, sl, t: sl.solve(a, b, assume_a=assume_a), dtype, 10)
    both(lambda np_, sl, t: sl.inv(a), dtype, 10)
    both(lambda np_, sl, t: sl.det(a), dtype, 10)


def test_block_diag():
    both(lambda np_, sl, t: sl.block_diag(np.ones((2, 2)), np.arange(3.0), np.ones((1, 3), np.int32), 5.0))
    both(lambda np_, sl, t: sl.block_diag(np.ones((2, 3), np.float32)), "float32")


# ---- lax.linalg ----------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_lax_linalg(dtype):
    a, b = well((2, 4, 4), dtype, 27), random_array((2, 3, 4), dtype, 28)
    s = spd((2, 4, 4), dtype, 29)
    lax = {"p": pj.lax.linalg, "j": jax.lax.linalg}
    agree(lax["p"].cholesky(s), lax["j"].cholesky(s), dtype)
    agree(lax["p"].cholesky(s, symmetrize_input=False), lax["j"].cholesky(s, symmetrize_input=False), dtype)
    for flags in [dict(left_side=False, lower=True, transpose_a=True, conjugate_a=True),
                  dict(left_side=False, lower=False, unit_diagonal=True),
                  dict(left_side=False, conjugate_a=True)]:
        agree(lax["p"].triangular_solve(a, b, **flags), lax["j"].triangular_solve(a, b, **flags), dtype)
    agree(lax["p"].triangular_solve(a, b[:, 0], left_side=False),
          lax["j"].triangular_solve(a, b[:, 0], left_side=False), dtype)
    agree(lax["p"].lu(a), lax["j"].lu(a), dtype)
    pivots = np.array([[2, 2, 3], [1, 2, 2]], np.int32)
    agree(lax["p"].lu_pivots_to_permutation(pivots, 5), lax["j"].lu_pivots_to_permutation(pivots, 5))


# ---- errors --------------------------------------------------------------------------------

def same_error(f, *args):
    with pytest.raises(Exception) as want:
        f(jnp, jsl, jax)(*args)
    with pytest.raises(want.type, match=r"test_linalg.py"):
        f(pjnp, psl, pj)(*args)


def test_errors_match_jax_and_name_the_user_line():
    same_error(lambda np_, sl, t: np_.linalg.cholesky, np.ones((2, 3)))
    same_error(lambda np_, sl, t: np_.linalg.solve, np.ones((3, 3)), np.ones((2,)))
    same_error(lambda np_, sl, t: np_.linalg.solve, np.ones((2, 3, 3)), np.ones((2, 3)))
    same_error(lambda np_, sl, t: np_.linalg.inv, np.ones((2, 3)))
    same_error(lambda np_, sl, t: np_.linalg.det, np.ones((2, 3)))
    same_error(lambda np_, sl, t: np_.linalg.slogdet, np.ones((3,)))
    same_error(lambda np_, sl, t: lambda a, b: sl.solve_triangular(a, b, trans=3), np.eye(2), np.ones(2))
    same_error(lambda np_, sl, t: lambda a, b: t.lax.linalg.triangular_solve(a, b, left_side=True),
               np.ones((3, 3)), np.ones((2, 3)))
    same_error(lambda np_, sl, t: sl.lu, np.ones((2, 3, 3)))
    same_error(lambda np_, sl, t: lambda a, b: sl.solve(a, b, assume_a="banana"), np.eye(2), np.ones(2))


def test_absent_names_are_attribute_errors():
    with pytest.raises(AttributeError, match="schur"):
        pjnp.linalg.schur(np.eye(2))


# ---- the GPU path --------------------------------------------------------------------------

def test_gpu_pipeline_names_the_linear_algebra_op():
    """No GPU lowering yet: the GPU pipeline stops at pb-gpu-check-ops with NotImplementedError
    naming the op (runs the pipeline only: no GPU needed; lowered text carries no file locations)."""
    from pullback.passes import run_pipeline
    from pullback.passes.gpu_pipeline import GPU_STAGES
    lowered = pj.jit(lambda x: pj.grad(lambda y: pjnp.linalg.slogdet(y)[1])(x)).lower(np.eye(3, dtype=np.float32))
    module = lowered._module()
    with pytest.raises(NotImplementedError, match=r"'pb\.lu' has no GPU lowering yet"):
        with module.context:
            run_pipeline(module, GPU_STAGES["transformed"])


# ---- eigh ----------------------------------------------------------------------------------

def hermitian(shape, dtype, seed=0):
    a = random_array(shape, dtype, seed)
    return ((a + np.conj(np.swapaxes(a, -1, -2))) / 2).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 5, 5), (1, 1)])
def test_eigh(dtype, shape):
    a = hermitian(shape, dtype, 32)
    for UPLO in (None, "L", "U"):
        both(lambda np_, sl, t: tuple(np_.linalg.eigh(a, UPLO=UPLO)), dtype, 10)
        both(lambda np_, sl, t: np_.linalg.eigvalsh(a, UPLO=UPLO or "L"), dtype, 10)
    both(lambda np_, sl, t: sl.eigh(a, lower=False), dtype, 10)
    both(lambda np_, sl, t: sl.eigh(a, eigvals_only=True), dtype, 10)
    both(lambda np_, sl, t: t.lax.linalg.eigh(a, symmetrize_input=False), dtype, 10)
    # the decomposition itself, against numpy: a v = v diag(w), v unitary
    w, v = (np.asarray(r) for r in pjnp.linalg.eigh(a))
    np.testing.assert_allclose(w, np.linalg.eigvalsh(a), rtol=TOL[dtype] * 10, atol=TOL[dtype] * 10)
    np.testing.assert_allclose(a @ v, v * w[..., None, :], rtol=TOL[dtype] * 10, atol=TOL[dtype] * 10)


@pytest.mark.parametrize("dtype", ["float64", "complex128"])
def test_eigh_gradients(dtype):
    a = hermitian((3, 3), dtype, 33)
    both(lambda np_, sl, t: t.grad(lambda x: np_.sum(np_.linalg.eigvalsh(x) * np_.arange(3.0)))(a), dtype, 10)
    both(lambda np_, sl, t: t.grad(lambda x: np_.sum(np_.abs(np_.linalg.eigh(x)[1]) ** 4))(a), dtype, 10)
    both(lambda np_, sl, t: t.vmap(np_.linalg.eigvalsh)(np.stack([a, 2 * a])), dtype, 10)
    test_util.check_grads(lambda x: pjnp.linalg.eigvalsh(x), (a,), order=2, modes=("fwd", "rev"))


# ---- qr ------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(4, 4), (2, 5, 3), (3, 5), (1, 0, 2)])
def test_qr(dtype, shape):
    a = random_array(shape, dtype, 34)
    for mode in ("reduced", "complete", "r"):
        both(lambda np_, sl, t: np_.linalg.qr(a, mode=mode), dtype, 10)
    for full in (False, True):
        both(lambda np_, sl, t: t.lax.linalg.qr(a, full_matrices=full), dtype, 10)
    if len(shape) == 2:
        for mode in ("full", "economic", "r"):
            both(lambda np_, sl, t: sl.qr(a, mode=mode), dtype, 10)


@pytest.mark.parametrize("dtype", ["float64", "complex128"])
def test_qr_gradients(dtype):
    a = random_array((2, 4, 3), dtype, 35)
    both(lambda np_, sl, t: t.grad(lambda x: np_.sum(np_.abs(np_.linalg.qr(x)[0] * np_.arange(3.0)) ** 2)
                                   + np_.sum(np_.abs(np_.linalg.qr(x)[1]) ** 3))(a), dtype, 10)
    both(lambda np_, sl, t: t.vmap(lambda x: np_.linalg.qr(x, mode="r"))(a), dtype, 10)
    test_util.check_grads(lambda x: pjnp.linalg.qr(x), (a.real if dtype == "float64" else a,), order=2,
                          modes=("fwd", "rev"))
    with pytest.raises(NotImplementedError, match="QR decomposition derivative"):
        pj.jvp(lambda x: pjnp.linalg.qr(x, mode="complete"), (a,), (a,))


# ---- the on-disk cache -----------------------------------------------------------------------

def test_disk_cache_round_trip_of_a_lapack_call(tmp_path):
    """An entry calling LAPACK is linked against the library and loads in a new process."""
    from test_disk_cache import child, needs_cc
    if needs_cc.args[0]:
        pytest.skip("no C compiler")
    first = child(tmp_path, "lu", (4, 4), 1)
    second = child(tmp_path, "lu", (4, 4), 1)
    assert first["stats"]["compiles"] == 1
    assert second["stats"] == {"memory_hits": 0, "disk_hits": 1, "compiles": 0} and second["entry"] == "CDLL"
    assert second["out"] == first["out"]
    a = np.random.default_rng(0).standard_normal((4, 4)).astype(np.float32)
    lu, pivots, perm = (np.asarray(r) for r in pj.lax.linalg.lu(a))
    np.testing.assert_allclose(np.array(second["out"], np.float32), lu, rtol=1e-6, atol=1e-6)


# ---- svd and what builds on it -----------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(4, 4), (2, 5, 3), (3, 5)])
def test_svd(dtype, shape):
    a = random_array(shape, dtype, 36)
    for full in (False, True):
        both(lambda np_, sl, t: tuple(np_.linalg.svd(a, full_matrices=full)), dtype, 10)
        both(lambda np_, sl, t: t.lax.linalg.svd(a, full_matrices=full), dtype, 10)
    both(lambda np_, sl, t: np_.linalg.svd(a, compute_uv=False), dtype, 10)
    both(lambda np_, sl, t: sl.svd(a, full_matrices=False), dtype, 10)
    both(lambda np_, sl, t: sl.svd(a, compute_uv=False), dtype, 10)
    both(lambda np_, sl, t: np_.linalg.pinv(a), dtype, 100)
    both(lambda np_, sl, t: np_.linalg.matrix_rank(a), dtype)
    both(lambda np_, sl, t: np_.linalg.cond(a), dtype, 100)
    for ord in (2, -2, "nuc"):
        both(lambda np_, sl, t: np_.linalg.norm(a, ord=ord, axis=(-1, -2)), dtype, 10)
        both(lambda np_, sl, t: np_.linalg.norm(a, ord=ord, axis=(-2, -1), keepdims=True), dtype, 10)


def test_cond_and_matrix_rank_of_special_matrices():
    singular = np.array([[1., 2.], [2., 4.]])
    both(lambda np_, sl, t: np_.linalg.matrix_rank(singular))
    both(lambda np_, sl, t: np_.linalg.matrix_rank(np.arange(3.0)))
    for p in (None, 2, -2, 1, np.inf, "fro"):
        both(lambda np_, sl, t: np_.linalg.cond(np.array([[2., 1.], [1., 3.]]), p), scale=100)
    both(lambda np_, sl, t: np_.linalg.pinv(singular), scale=100)


@pytest.mark.parametrize("dtype", ["float64", "complex128"])
def test_svd_gradients(dtype):
    a = random_array((2, 4, 3), dtype, 37)
    both(lambda np_, sl, t: t.grad(lambda x: np_.sum(np_.linalg.svd(x, compute_uv=False) ** 3))(a), dtype, 10)
    both(lambda np_, sl, t: t.grad(lambda x: np_.sum(np_.abs(np_.linalg.svd(x, full_matrices=False)[0]) ** 4))(a),
         dtype, 10)
    both(lambda np_, sl, t: t.grad(lambda x: np_.sum(np_.abs(np_.linalg.pinv(x)) ** 2))(a), dtype, 100)
    both(lambda np_, sl, t: t.vmap(lambda x: np_.linalg.norm(x, ord="nuc"))(a), dtype, 10)
    test_util.check_grads(lambda x: pjnp.linalg.svd(x, compute_uv=False), (a,), order=2, modes=("fwd", "rev"))
    with pytest.raises(NotImplementedError, match="full matrices"):
        pj.jvp(lambda x: pjnp.linalg.svd(x)[0], (a,), (a,))
