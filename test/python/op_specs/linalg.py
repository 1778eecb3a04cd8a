"""Spec rows of the linear-algebra family: well-conditioned batched matrices of the four inexact dtypes.

The rows carry two hooks for test_ad_ops (whose smooth redraws know nothing of matrices):
`ad_inputs` maps redrawn operands into the op's domain (positive definite, well conditioned),
and `ad_wrap` wraps the op's function, as JAX's own tests check Cholesky through a
symmetrization of its input (its JVP rule assumes a Hermitian tangent).
"""
import numpy as np
from hypothesis import strategies as st

from .base import COMPLEX_DTYPES, FLOAT_DTYPES, OpCase, random_array

INEXACT = FLOAT_DTYPES + COMPLEX_DTYPES
batch_shapes = st.lists(st.integers(1, 3), min_size=0, max_size=2).map(tuple)


def _hermitian_pd(a: np.ndarray) -> np.ndarray:
    n = a.shape[-1]
    h = a @ np.conj(np.swapaxes(a, -1, -2)) / max(n, 1) + np.eye(n)
    return h.astype(a.dtype)


def _well_conditioned(a: np.ndarray) -> np.ndarray:
    n = a.shape[-1]
    return (a / max(n, 1) + 3 * np.eye(n)).astype(a.dtype)


@st.composite
def cholesky_case(draw, failing: bool = False):
    dtype = draw(st.sampled_from(INEXACT))
    n = draw(st.integers(0, 5))
    shape = draw(batch_shapes) + (n, n)
    a = _hermitian_pd(random_array(draw(st.integers(0, 2**31)), shape, dtype))
    if failing and a.size:
        a = -a  # negative definite: potrf fails at the first pivot, every member is NaN
    return [a], {}, None


@st.composite
def triangular_solve_case(draw):
    dtype = draw(st.sampled_from(INEXACT))
    flags = {f: draw(st.integers(0, 1)) for f in ("left_side", "lower", "transpose_a", "conjugate_a",
                                                  "unit_diagonal")}
    m, n = draw(st.integers(0, 4)), draw(st.integers(0, 4))
    batch = draw(batch_shapes)
    k = m if flags["left_side"] else n
    seed = draw(st.integers(0, 2**31))
    a = _well_conditioned(random_array(seed, batch + (k, k), dtype))
    b = random_array(seed + 1, batch + (m, n), dtype)
    return [a, b], flags, None


@st.composite
def lu_case(draw):
    dtype = draw(st.sampled_from(INEXACT))
    shape = draw(batch_shapes) + (draw(st.integers(0, 5)), draw(st.integers(0, 5)))
    return [random_array(draw(st.integers(0, 2**31)), shape, dtype)], {}, None


@st.composite
def pivots_case(draw):
    k = draw(st.integers(0, 4))
    size = k + draw(st.integers(0, 2))
    shape = draw(batch_shapes) + (k,)
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    # getrf's pivots: row i swaps with a row at or below it
    pivots = np.broadcast_to(np.arange(k), shape) + rng.integers(0, size - np.arange(k), shape) if k else \
        np.zeros(shape, int)
    return [np.asarray(pivots, np.int32)], {"permutation_size": size}, None


@st.composite
def eigh_case(draw):
    dtype = draw(st.sampled_from(INEXACT))
    shape = draw(batch_shapes) + (draw(st.integers(0, 4)),) * 2
    a = random_array(draw(st.integers(0, 2**31)), shape, dtype)
    return [(a + np.conj(np.swapaxes(a, -1, -2))).astype(dtype)], {"lower": draw(st.integers(0, 1))}, None


@st.composite
def eig_case(draw, vectors: bool = False):
    dtype = draw(st.sampled_from(INEXACT))
    shape = draw(batch_shapes) + (draw(st.integers(0, 4)),) * 2
    flags = {"compute_left_eigenvectors": draw(st.integers(0, 1)) if vectors else 0,
             "compute_right_eigenvectors": draw(st.integers(0, 1)) if vectors else 0}
    return [random_array(draw(st.integers(0, 2**31)), shape, dtype)], flags, None


def _phase_free(f):
    """eigh through a symmetrized input, eigenvectors as v * conj(v): free of their arbitrary phases."""
    import pullback.numpy as jnp
    sym = _symmetrized(f)

    def g(x):
        v, w = sym(x)
        return v * jnp.conj(v), w
    return g


@st.composite
def qr_case(draw, any_shape: bool = False):
    """any_shape: wide matrices and complete Q of tall ones too (QR's derivative exists only for
    m >= n, complete only when square, as in JAX)."""
    dtype = draw(st.sampled_from(INEXACT))
    m, n = draw(st.integers(0, 5)), draw(st.integers(0, 5))
    if not any_shape:
        m = max(m, n)
    full = draw(st.integers(0, 1)) if any_shape or m == n else 0
    shape = draw(batch_shapes) + (m, n)
    return [random_array(draw(st.integers(0, 2**31)), shape, dtype)], {"full_matrices": full}, None


@st.composite
def svd_case(draw, full: bool = False):
    dtype = draw(st.sampled_from(INEXACT))
    shape = draw(batch_shapes) + (draw(st.integers(0, 4)), draw(st.integers(0, 4)))
    return [random_array(draw(st.integers(0, 2**31)), shape, dtype)], {"full_matrices": int(full)}, None


def _svd_phase_free(f):
    """svd's singular vectors as |u|², |vh|²: free of the phase each pair of them may take."""
    import pullback.numpy as jnp

    def g(x):
        s, u, vh = f(x)
        return s, jnp.real(u * jnp.conj(u)), jnp.real(vh * jnp.conj(vh))
    return g


def _symmetrized(f):
    import pullback.numpy as jnp

    def g(x):
        return f((x + jnp.conj(jnp.swapaxes(x, -1, -2))) / 2)
    return g


CASES = {
    "cholesky": OpCase(cholesky_case(), rtol=1e-4, atol=1e-4,
                       extra={"ad_inputs": lambda ops: [_hermitian_pd(ops[0])], "ad_wrap": _symmetrized}),
    "cholesky_not_positive_definite": OpCase(cholesky_case(failing=True), max_examples=4,
                                             extra={"op": "cholesky", "ad_skip": True}),
    "eigh": OpCase(eigh_case(), max_examples=12, rtol=1e-4, atol=1e-4, extra={"ad_wrap": _phase_free}),
    # only eigenvalues have derivatives, to order 1 (the second needs eigenvectors'), as in JAX
    "eig": OpCase(eig_case(), max_examples=12, rtol=1e-4, atol=1e-4, extra={"ad_order": 1}),
    "eig_vectors": OpCase(eig_case(vectors=True), max_examples=12, rtol=1e-4, atol=1e-4,
                          extra={"op": "eig", "ad_skip": True}),
    "qr": OpCase(qr_case(), max_examples=12, rtol=1e-4, atol=1e-4),
    "qr_any_shape": OpCase(qr_case(any_shape=True), max_examples=12, rtol=1e-4, atol=1e-4,
                           extra={"op": "qr", "ad_skip": True}),
    "svd": OpCase(svd_case(), max_examples=12, rtol=1e-4, atol=1e-4, extra={"ad_wrap": _svd_phase_free}),
    "svd_full_matrices": OpCase(svd_case(full=True), max_examples=8, rtol=1e-4, atol=1e-4,
                                extra={"op": "svd", "ad_skip": True}),
    "lu": OpCase(lu_case(), max_examples=12, rtol=1e-4, atol=1e-4),
    "lu_pivots_to_permutation": OpCase(pivots_case()),
    "triangular_solve": OpCase(triangular_solve_case(), max_examples=16, rtol=1e-4, atol=1e-4,
                               extra={"ad_inputs": lambda ops: [_well_conditioned(ops[0]), ops[1]]}),
}
