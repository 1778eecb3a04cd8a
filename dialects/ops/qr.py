"""QR decomposition: pb.qr, JAX's qr primitive without pivoting.

  qr(a) {full_matrices} -> (q, r) for a of shape (..., m, n), k = min(m, n): q (..., m, m) and
      r (..., m, n) when full_matrices, else q (..., m, k) and r (..., k, n). LAPACK's
      Householder ?geqrf then ?orgqr / ?ungqr through LAPACKE (as JAX's CPU backend): geqrf
      works on a copy of a; r is the upper triangle of its first rows; q is formed in place in
      a second buffer holding the reflectors (a's first m columns, zero-padded to m when
      full_matrices and n < m).

JVP: JAX's qr_jvp_rule (valid for m >= n, and full_matrices only when m == n; other cases
raise NotImplementedError as in JAX): with X = Ȧ R⁻¹ and Qᴴ X, the skew-Hermitian
Ω = tril(QᴴX, -1) - tril(QᴴX, -1)ᴴ + i·Im(diag QᴴX); Q̇ = Q(Ω - QᴴX) + X, Ṙ = (QᴴX - Ω) R.
Batching moves the batch dimension to the front.
"""
from __future__ import annotations

import numpy as np

from ..ad import JVP, primal
from ..batching import defbatch, to_front
from ..lapack import as_tensor, batched_call, fresh_buffer, i32, lapacke, ROW_MAJOR
from ..pb import pb, spec
from ..registry import defop, I64, LOWER
from ..types import COMPLEX, TensorSpec
from .common import numpy_ref, require
from .linalg import _flat, _matmul, _matrix_constant, _matrix_operand, _swap, _tri, _unflat, FAMILY
from mlir.dialects import arith, linalg as linalg_dialect
from ..lowering import identity_map


def _shapes(shape, full: int):
    *lead, m, n = shape
    k = min(m, n)
    q_cols, r_rows = (m, m) if full else (k, k)
    return tuple(lead) + (m, q_cols), tuple(lead) + (r_rows, n)


def _infer(specs, attrs):
    (a,) = specs
    _matrix_operand("qr", a)
    require(attrs["full_matrices"] in (0, 1),
            f"pb.qr attribute 'full_matrices' must be 0 or 1, got {attrs['full_matrices']}")
    q, r = _shapes(a.shape, attrs["full_matrices"])
    return [TensorSpec(q, a.dtype), TensorSpec(r, a.dtype)]


def _reference(a, *, full_matrices):
    a = np.asarray(a)
    q_shape, r_shape = _shapes(a.shape, full_matrices)
    if a.size == 0:
        q = np.zeros(q_shape, a.dtype)
        if q.size:  # an empty a of m rows: q is the identity
            q[...] = np.eye(*q_shape[-2:], dtype=a.dtype)
        return q, np.zeros(r_shape, a.dtype)
    q, r = np.linalg.qr(a, mode="complete" if full_matrices else "reduced")
    return q.astype(a.dtype), r.astype(a.dtype)


def _slice_lower(low, x, s: TensorSpec, limits) -> tuple:
    out = TensorSpec(tuple(limits), s.dtype)
    if out.shape == s.shape:
        return x, out
    return LOWER["slice"](low, [x], [s], [out], {"start_indices": (0,) * s.ndim, "limit_indices": tuple(limits),
                                                   "strides": (1,) * s.ndim})[0], out


def _lower(low, operands, in_specs, out_specs, attrs):
    a = in_specs[0]
    q_spec, r_spec = out_specs
    m, n = a.shape[-2:]
    k = min(m, n)
    flat, fs = _flat(operands[0], a)
    batch = fs.shape[0]
    buf = fresh_buffer(fs, flat)
    tau_spec = TensorSpec((batch, k), a.dtype)
    tau = fresh_buffer(tau_spec)
    info = fresh_buffer(TensorSpec((batch,), "int32"))
    batched_call(lapacke("geqrf", a.dtype), [(buf, fs), (tau, tau_spec)],
                 lambda p: [i32(ROW_MAJOR), i32(m), i32(n), p[0], i32(max(n, 1)), p[1]], info=info)
    factored = as_tensor(buf, fs)
    # r: the upper triangle of the first rows
    rows, rs = _slice_lower(low, factored, fs, (batch, r_spec.shape[-2], n))
    zero = low.constant(0, a.dtype)

    def upper(v, _):
        i, j = linalg_dialect.IndexOp(1).result, linalg_dialect.IndexOp(2).result
        return arith.SelectOp(arith.CmpIOp(arith.CmpIPredicate.ule, i, j).result, v, zero).result
    (r,) = low.generic([rows], [identity_map(3)], [rs], upper)
    # q: the reflectors (first columns, zero-padded to q's width), expanded in place
    cols = q_spec.shape[-1]
    reflectors, qs = _slice_lower(low, factored, fs, (batch, m, min(cols, n)))
    if cols > n:
        qs = TensorSpec((batch, m, cols), a.dtype)
        reflectors = LOWER["pad"](low, [reflectors, low.full(TensorSpec((), a.dtype), 0)],
                                  [TensorSpec((batch, m, n), a.dtype), TensorSpec((), a.dtype)], [qs],
                                  {"low": (0, 0, 0), "high": (0, 0, cols - n), "interior": (0, 0, 0)})[0]
    qbuf = fresh_buffer(qs, reflectors)
    routine = "ungqr" if a.dtype in COMPLEX else "orgqr"
    info2 = fresh_buffer(TensorSpec((batch,), "int32"))
    batched_call(lapacke(routine, a.dtype), [(qbuf, qs), (tau, tau_spec)],
                 lambda p: [i32(ROW_MAJOR), i32(m), i32(cols), i32(k), p[0], i32(max(cols, 1)), p[1]], info=info2)
    q = as_tensor(qbuf, qs)
    return [_unflat(q, qs, q_spec), _unflat(r, rs, r_spec)]


defop("qr", ("a",), {"full_matrices": I64}, infer=_infer, reference=numpy_ref(_reference), lower=_lower,
      results=("q", "r"), family=FAMILY,
      doc="lax.linalg.qr's primitive (no pivoting): Householder QR of each trailing matrix, complete or reduced.")


def _jvp(primals, tangents, **attrs):
    q, r = primal("qr", primals, attrs)
    (dx,) = tangents
    m, n = spec(primals[0]).shape[-2:]
    if m < n or (attrs["full_matrices"] and m != n):
        raise NotImplementedError("Unimplemented case of QR decomposition derivative")
    dx_rinv = pb.triangular_solve(r, dx, left_side=0, lower=0, transpose_a=0, conjugate_a=0, unit_diagonal=0)
    complex_ = spec(q).dtype in COMPLEX
    qh = pb.conj(_swap(q)) if complex_ else _swap(q)
    qt_dx_rinv = _matmul(qh, dx_rinv)
    low = _tri(qt_dx_rinv, True, -1)
    do = pb.sub(low, pb.conj(_swap(low)) if complex_ else _swap(low))
    if complex_:  # i·Im(diag QᴴX): the part of the diagonal that keeps Ω skew-Hermitian
        imag = pb.sub(qt_dx_rinv, pb.complex(pb.real(qt_dx_rinv), pb.zeros_like(pb.real(qt_dx_rinv))))
        do = pb.add(do, pb.mul(_matrix_constant(np.eye(n), do), imag))
    dq = pb.add(_matmul(q, pb.sub(do, qt_dx_rinv)), dx_rinv)
    dr = _matmul(pb.sub(qt_dx_rinv, do), r)
    return [q, r], [dq, dr]


JVP["qr"] = _jvp
defbatch("qr", lambda args, dims, size, **a: (list(pb.qr(to_front(args[0], dims[0], size), **a)), [0, 0]))
