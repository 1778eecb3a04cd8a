"""Singular value decomposition: pb.svd, JAX's svd primitive with its singular vectors.

  svd(a) {full_matrices} -> (s, u, vh) for a of shape (..., m, n), k = min(m, n): s (..., k)
      real and descending, u (..., m, m or k) and vh (..., n or k, n), a = u diag(s) vh. LAPACK's
      divide-and-conquer ?gesdd through LAPACKE (jobz 'A' or 'S'), as JAX's CPU backend; on a
      copy of a, which it destroys. Where it fails all three results are NaN, as in JAX.
      (jnp.linalg.svd(compute_uv=False) takes s of this op.)

JVP: JAX's _svd_jvp_rule for real and complex a (reduced only: full_matrices raises
NotImplementedError, as in JAX): dS = Uᴴ Ȧ V, ṡ = Re diag dS,
U̇ = U (F ∘ (dS S + (dS S)ᴴ) + ½ (dS - dSᴴ) S⁻¹), V̇ = V (F ∘ (S dS + (S dS)ᴴ)), with
F[i, j] = 1 / (s_j² - s_i²) off the diagonal (0 on it), plus the corrections for m > n (or
n > m) that add the part of Ȧ V (or Ȧᴴ U) outside U's (V's) span, divided by s.
Batching moves the batch dimension to the front.
"""
from __future__ import annotations

import numpy as np

from ..ad import JVP, primal
from ..batching import defbatch, to_front
from ..lapack import as_tensor, batched_call, char, fresh_buffer, i32, lapacke, ROW_MAJOR
from ..pb import pb, spec
from ..registry import defop, I64
from ..types import COMPLEX, REAL_OF_COMPLEX, TensorSpec
from .common import numpy_ref, require
from .eigh import nan_where_failed
from .linalg import _flat, _matmul, _matrix_constant, _matrix_operand, _swap, _unflat, FAMILY
from mlir.dialects import arith, linalg as linalg_dialect


def _shapes(shape, full: int):
    *lead, m, n = shape
    k = min(m, n)
    lead = tuple(lead)
    return lead + (k,), lead + (m, m if full else k), lead + (n if full else k, n)


def _infer(specs, attrs):
    (a,) = specs
    _matrix_operand("svd", a)
    require(attrs["full_matrices"] in (0, 1),
            f"pb.svd attribute 'full_matrices' must be 0 or 1, got {attrs['full_matrices']}")
    s, u, vh = _shapes(a.shape, attrs["full_matrices"])
    return [TensorSpec(s, REAL_OF_COMPLEX.get(a.dtype, a.dtype)), TensorSpec(u, a.dtype), TensorSpec(vh, a.dtype)]


def _reference(a, *, full_matrices):
    """numpy's svd (gesdd too); singular vectors of repeated singular values are not unique, and
    the op-spec rows draw matrices with distinct ones."""
    a = np.asarray(a)
    s_shape, u_shape, vh_shape = _shapes(a.shape, full_matrices)
    real = REAL_OF_COMPLEX.get(str(a.dtype), str(a.dtype))
    if a.size == 0:
        eye = lambda shape: np.broadcast_to(np.eye(*shape[-2:], dtype=a.dtype), shape).copy()  # noqa: E731
        return np.zeros(s_shape, real), eye(u_shape), eye(vh_shape)
    u, s, vh = np.linalg.svd(a, full_matrices=bool(full_matrices))
    return s.astype(real), u.astype(a.dtype), vh.astype(a.dtype)


def _identity(low, s: TensorSpec):
    """Identity matrices of s's shape (linalg.generic on the indices)."""
    one, zero = low.constant(1, s.dtype), low.constant(0, s.dtype)

    def body(_):
        i, j = linalg_dialect.IndexOp(s.ndim - 2).result, linalg_dialect.IndexOp(s.ndim - 1).result
        return arith.SelectOp(arith.CmpIOp(arith.CmpIPredicate.eq, i, j).result, one, zero).result
    return low.generic([], [], [s], body)[0]


def _lower(low, operands, in_specs, out_specs, attrs):
    a = in_specs[0]
    s_spec, u_spec, vh_spec = out_specs
    m, n = a.shape[-2:]
    if a.size == 0:  # gesdd leaves an empty matrix's singular vectors unwritten: identities, as JAX
        return [low.full(s_spec, 0), _identity(low, u_spec), _identity(low, vh_spec)]
    flat, fs = _flat(operands[0], a)
    batch = fs.shape[0]
    buf = fresh_buffer(fs, flat)
    specs = [TensorSpec((batch,) + s.shape[len(s.shape) - nd:], s.dtype)
             for s, nd in ((s_spec, 1), (u_spec, 2), (vh_spec, 2))]
    sbuf, ubuf, vbuf = (fresh_buffer(s) for s in specs)
    info_spec = TensorSpec((batch,), "int32")
    info = fresh_buffer(info_spec)
    ucols = specs[1].shape[-1]
    batched_call(lapacke("gesdd", a.dtype), [(buf, fs), (sbuf, specs[0]), (ubuf, specs[1]), (vbuf, specs[2])],
                 lambda p: [i32(ROW_MAJOR), char("A" if attrs["full_matrices"] else "S"), i32(m), i32(n), p[0],
                            i32(max(n, 1)), p[1], p[2], i32(max(ucols, 1)), p[3], i32(max(n, 1))], info=info)
    status = as_tensor(info, info_spec)
    outs = [nan_where_failed(low, s, as_tensor(b, s), status) for s, b in zip(specs, (sbuf, ubuf, vbuf))]
    return [_unflat(v, fs_, s) for v, fs_, s in zip(outs, specs, out_specs)]


defop("svd", ("a",), {"full_matrices": I64}, infer=_infer, reference=numpy_ref(_reference), lower=_lower,
      results=("s", "u", "vh"), family=FAMILY,
      doc="lax.linalg.svd's primitive: singular values (descending) and vectors of each trailing matrix.")


def _H(x):
    return pb.conj(_swap(x)) if spec(x).dtype in COMPLEX else _swap(x)


def _as(x, like):
    """A real x in like's (complex) dtype."""
    return pb.complex(x, pb.zeros_like(x)) if spec(like).dtype in COMPLEX else x


def _jvp(primals, tangents, **attrs):
    if attrs["full_matrices"]:
        raise NotImplementedError("Singular value decomposition JVP not implemented for full matrices")
    s, u, vt = primal("svd", primals, attrs)
    (da,) = tangents
    a_spec = spec(primals[0])
    m, n = a_spec.shape[-2:]
    k = spec(s).shape[-1]
    shape = spec(s).shape + (k,)
    nd = len(shape)
    lead = tuple(range(nd - 2))
    s_row = pb.broadcast_in_dim(s, shape=shape, broadcast_dimensions=lead + (nd - 1,))   # [i, j] = s_j
    s_col = pb.broadcast_in_dim(s, shape=shape, broadcast_dimensions=lead + (nd - 2,))   # [i, j] = s_i
    v = _H(vt)
    ds_mat = _matmul(_matmul(_H(u), da), v)
    eye_real = _matrix_constant(np.eye(k), s_row)
    diag = pb.reduce_sum(pb.mul(ds_mat, _as(eye_real, ds_mat)), axes=(nd - 1,))
    ds = pb.real(diag) if a_spec.dtype in COMPLEX else diag
    s_diffs = pb.mul(pb.add(s_row, s_col), pb.sub(s_row, s_col))
    f = pb.sub(pb.div(pb.ones_like(s_diffs), pb.add(s_diffs, eye_real)), eye_real)
    dss = pb.mul(_as(s_row, ds_mat), ds_mat)
    sds = pb.mul(_as(s_col, ds_mat), ds_mat)
    zeros = pb.convert_element_type(pb.compare(s, pb.zeros_like(s), direction="EQ"), new_dtype=spec(s).dtype)
    s_inv = pb.sub(pb.div(pb.ones_like(s), pb.add(s, zeros)), zeros)
    s_inv_mat = pb.mul(eye_real, pb.broadcast_in_dim(s_inv, shape=shape, broadcast_dimensions=lead + (nd - 1,)))
    half = pb.full(spec(ds_mat), 0.5)
    dudv_diag = pb.mul(pb.mul(half, pb.sub(ds_mat, _H(ds_mat))), _as(s_inv_mat, ds_mat))
    fc = _as(f, ds_mat)
    du = _matmul(u, pb.add(pb.mul(fc, pb.add(dss, _H(dss))), dudv_diag))
    dv = _matmul(v, pb.mul(fc, pb.add(sds, _H(sds))))
    if m > n:
        dav = _matmul(da, v)
        proj = pb.sub(dav, _matmul(u, _matmul(_H(u), dav)))
        du = pb.add(du, pb.div(proj, _as(pb.broadcast_in_dim(s, shape=spec(proj).shape,
                                                              broadcast_dimensions=lead + (nd - 1,)), proj)))
    if n > m:
        dahu = _matmul(_H(da), u)
        proj = pb.sub(dahu, _matmul(v, _matmul(vt, dahu)))
        dv = pb.add(dv, pb.div(proj, _as(pb.broadcast_in_dim(s, shape=spec(proj).shape,
                                                              broadcast_dimensions=lead + (nd - 1,)), proj)))
    return [s, u, vt], [ds, du, _H(dv)]


JVP["svd"] = _jvp
defbatch("svd", lambda args, dims, size, **a: (list(pb.svd(to_front(args[0], dims[0], size), **a)), [0, 0, 0]))
