"""Hermitian eigendecomposition: pb.eigh, JAX's eigh primitive (without subset_by_index).

  eigh(x) {lower} -> (v, w): the eigenvectors (columns of v) and the eigenvalues w, ascending and
      real (float32/float64 for complex operands), of each trailing Hermitian matrix, of which only
      the lower (or upper) triangle is read. LAPACK's divide-and-conquer ?syevd / ?heevd through
      LAPACKE, as JAX's CPU backend; where it reports a failure both results are NaN, as in JAX.

JVP (jax/_src/lax/linalg.py _eigh_jvp_rule): with Vᴴ Ȧ V, ẇ is its real diagonal and
V̇ = V (F ∘ Vᴴ Ȧ V), F[i, j] = 1 / (w_j - w_i) off the diagonal and 0 on it (built as
(I + w_j - w_i)⁻¹ - I, so the diagonal never divides by zero; degenerate eigenvalues give
infinities there, as in JAX, whose eigenvectors are then not unique). The rule assumes a
Hermitian tangent, as JAX's (which symmetrizes the input first in jnp.linalg.eigh).
Batching moves the batch dimension to the front.
"""
from __future__ import annotations

import ctypes

import numpy as np
from mlir.dialects import arith

from ..ad import JVP, primal
from ..batching import defbatch, to_front
from ..lapack import as_tensor, batched_call, char, fresh_buffer, i32, lapacke, library_path, ROW_MAJOR
from ..lowering import affine_map, identity_map
from ..pb import pb, spec
from ..registry import defop, I64
from ..types import COMPLEX, REAL_OF_COMPLEX, TensorSpec
from .common import numpy_ref, require
from .linalg import _flat, _matmul, _matrix_constant, _matrix_operand, _swap, _unflat, FAMILY


def _infer(specs, attrs):
    (x,) = specs
    _matrix_operand("eigh", x)
    require(x.shape[-1] == x.shape[-2], f"pb.eigh operand must be square matrices, got shape {list(x.shape)}")
    require(attrs["lower"] in (0, 1), f"pb.eigh attribute 'lower' must be 0 or 1, got {attrs['lower']}")
    return [x, TensorSpec(x.shape[:-1], REAL_OF_COMPLEX.get(x.dtype, x.dtype))]


def _lapacke_eigh(x: np.ndarray, lower: int):
    """x's eigh by the LAPACKE routine the lowering calls (ctypes), or None without the library.

    Eigenvectors are unique only up to a phase per column, which LAPACK builds pick differently
    (numpy's differs from it on some inputs): the reference takes the library's choice, as JAX's
    CPU backend does; the decomposition itself is checked against numpy in test_linalg.py."""
    path = library_path()
    if path is None:
        return None
    fn = getattr(ctypes.CDLL(path), lapacke("heevd" if x.dtype.kind == "c" else "syevd", x.dtype.name))
    n = x.shape[-1]
    v = np.ascontiguousarray(x.reshape((-1, n, n))).copy()
    w = np.empty(v.shape[:2], np.float32 if x.dtype in (np.float32, np.complex64) else np.float64)
    for i in range(v.shape[0]):
        info = fn(ctypes.c_int(ROW_MAJOR), ctypes.c_char(b"V"), ctypes.c_char(b"L" if lower else b"U"),
                  ctypes.c_int(n), v[i].ctypes.data_as(ctypes.c_void_p), ctypes.c_int(max(n, 1)),
                  w[i].ctypes.data_as(ctypes.c_void_p))
        if info != 0:
            v[i], w[i] = np.nan, np.nan
    return v.reshape(x.shape), w.reshape(x.shape[:-1])


def _reference(x, *, lower):
    x = np.asarray(x)
    got = _lapacke_eigh(x, lower) if x.size else None
    if got is not None:
        return got
    w, v = np.linalg.eigh(x, UPLO="L" if lower else "U")
    return v.astype(x.dtype), w.astype(REAL_OF_COMPLEX.get(str(x.dtype), x.dtype))


def _lower(low, operands, in_specs, out_specs, attrs):
    x, (v_spec, w_spec) = in_specs[0], out_specs
    n = x.shape[-1]
    flat, fs = _flat(operands[0], x)
    batch = fs.shape[0]
    buf = fresh_buffer(fs, flat)
    fw = TensorSpec((batch, n), w_spec.dtype)
    w = fresh_buffer(fw)
    info_spec = TensorSpec((batch,), "int32")
    info = fresh_buffer(info_spec)
    routine = "heevd" if x.dtype in COMPLEX else "syevd"
    batched_call(lapacke(routine, x.dtype), [(buf, fs), (w, fw)],
                 lambda p: [i32(ROW_MAJOR), char("V"), char("L" if attrs["lower"] else "U"), i32(n), p[0],
                            i32(max(n, 1)), p[1]], info=info)
    status = as_tensor(info, info_spec)
    vectors = nan_where_failed(low, fs, as_tensor(buf, fs), status)
    values = nan_where_failed(low, fw, as_tensor(w, fw), status)
    return [_unflat(vectors, fs, v_spec), _unflat(values, fw, w_spec)]


def nan_where_failed(low, spec_: TensorSpec, value, status):
    """value (batch-major) with every member whose LAPACK info (status) is nonzero set to NaN."""
    ndim = spec_.ndim
    zero = low.constant(0, "int32")
    nan = low.constant(complex(np.nan, np.nan) if spec_.dtype in COMPLEX else np.nan, spec_.dtype)

    def body(v, ok, _):
        return arith.SelectOp(arith.CmpIOp(arith.CmpIPredicate.eq, ok, zero).result, v, nan).result
    return low.generic([value, status], [identity_map(ndim), affine_map(ndim, [0])], [spec_], body)[0]


defop("eigh", ("x",), {"lower": I64}, infer=_infer, reference=numpy_ref(_reference), lower=_lower,
      results=("v", "w"), family=FAMILY,
      doc="lax.linalg.eigh's primitive: eigenvectors (columns) and ascending real eigenvalues of each "
          "trailing Hermitian matrix (one triangle read).")


def _jvp(primals, tangents, **a):
    v, w_real = primal("eigh", primals, a)
    (a_dot,) = tangents
    s = spec(v)
    n = s.shape[-1]
    w = w_real if s.dtype not in COMPLEX else pb.complex(w_real, pb.zeros_like(w_real))
    rows = pb.broadcast_in_dim(w, shape=s.shape, broadcast_dimensions=tuple(range(s.ndim - 2)) + (s.ndim - 2,))
    cols = pb.broadcast_in_dim(w, shape=s.shape, broadcast_dimensions=tuple(range(s.ndim - 2)) + (s.ndim - 1,))
    eye = _matrix_constant(np.eye(n), v)
    # F[i, j] = 1 / (w_j - w_i) off the diagonal: (I + w_j - w_i)^-1 - I (rows hold w_i, cols w_j)
    fmat = pb.sub(pb.div(pb.ones_like(v), pb.add(eye, pb.sub(cols, rows))), eye)
    vh = pb.conj(_swap(v)) if s.dtype in COMPLEX else _swap(v)
    vdag_adot_v = _matmul(_matmul(vh, a_dot), v)
    dv = _matmul(v, pb.mul(fmat, vdag_adot_v))
    diag = pb.reduce_sum(pb.mul(vdag_adot_v, eye), axes=(s.ndim - 1,))
    dw = pb.real(diag) if s.dtype in COMPLEX else diag
    return [v, w_real], [dv, dw]


JVP["eigh"] = _jvp
defbatch("eigh", lambda args, dims, size, **a: (list(pb.eigh(to_front(args[0], dims[0], size), **a)), [0, 0]))
