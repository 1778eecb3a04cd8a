"""General (non-symmetric) eigendecomposition: pb.eig, JAX's eig primitive.

  eig(x) {compute_left_eigenvectors, compute_right_eigenvectors} -> (w, [vl], [vr]): the
      eigenvalues w (..., n) of each trailing square matrix and, when asked for, its left and right
      eigenvectors (columns of vl, vr), all complex (complex64 for float32/complex64 operands,
      complex128 otherwise). LAPACK's ?geev through LAPACKE, as JAX's CPU backend (row-major, so
      LAPACKE transposes as XLA does and the eigenvalue order is the same): each eigenvector has
      unit 2-norm and a real largest component. The real routines return conjugate pairs packed
      as (re, im) columns, unpacked here into complex columns, and the eigenvalues as (wr, wi).
      Where geev fails every result of that member is NaN, as in JAX. The eigenvector results are
      variadic (one per flag set), as the primitive's results are in JAX.

JVP (jax/_src/lax/linalg.py eig_jvp_rule): only the eigenvalues have a derivative,
ẇ = diag(V⁻¹ Ȧ V). The rows of V⁻¹ are the left eigenvectors uᵢᴴ scaled by 1 / (uᵢᴴ vᵢ), so the
rule asks geev for both sets and forms ẇᵢ = uᵢᴴ Ȧ vᵢ / uᵢᴴ vᵢ: products and sums only, linear in
Ȧ (it transposes) and no solve. Derivatives of the eigenvectors raise NotImplementedError, as JAX's
default (its enable_eigvec_derivs is not offered here). Batching moves the batch dim to the front.
"""
from __future__ import annotations

import ctypes

import numpy as np
from mlir import ir
from mlir.dialects import arith, linalg as linalg_dialect, tensor
from mlir.dialects import complex as cplx

from ..ad import JVP
from ..batching import defbatch, to_front
from ..lapack import as_tensor, batched_call, char, fresh_buffer, i32, lapacke, library_path, ROW_MAJOR
from ..lowering import affine_map, identity_map
from ..pb import pb, spec
from ..registry import defop, I64
from ..types import COMPLEX, TensorSpec
from .common import numpy_ref, require
from .eigh import nan_where_failed
from .linalg import _flat, _matrix_operand, _unflat, FAMILY

COMPLEX_OF = {"float32": "complex64", "float64": "complex128", "complex64": "complex64",
              "complex128": "complex128"}
REAL = {"complex64": "float32", "complex128": "float64"}
FLAGS = ("compute_left_eigenvectors", "compute_right_eigenvectors")


def _infer(specs, attrs):
    (x,) = specs
    _matrix_operand("eig", x)
    require(x.shape[-1] == x.shape[-2], f"pb.eig operand must be square matrices, got shape {list(x.shape)}")
    for f in FLAGS:
        require(attrs[f] in (0, 1), f"pb.eig attribute '{f}' must be 0 or 1, got {attrs[f]}")
    c = COMPLEX_OF[x.dtype]
    count = attrs["compute_left_eigenvectors"] + attrs["compute_right_eigenvectors"]
    return [TensorSpec(x.shape[:-1], c)] + [TensorSpec(x.shape, c)] * count


def _unpack_pairs(wi: np.ndarray, v: np.ndarray) -> np.ndarray:
    """geev's packed real eigenvectors (one matrix) as complex columns."""
    out = v.astype(np.result_type(v.dtype, np.complex64))
    j = 0
    while j < len(wi):
        if wi[j] != 0 and j + 1 < len(wi):
            out[:, j] = v[:, j] + 1j * v[:, j + 1]
            out[:, j + 1] = v[:, j] - 1j * v[:, j + 1]
            j += 2
        else:
            j += 1
    return out


def _reference(x, *, compute_left_eigenvectors, compute_right_eigenvectors):
    """geev through ctypes on the library the lowering calls (its eigenvalue order and eigenvector
    phases, as JAX's CPU backend); numpy's eig (also geev) without the library."""
    x = np.asarray(x)
    n = x.shape[-1]
    cdt = np.dtype(COMPLEX_OF[x.dtype.name])
    flat = np.ascontiguousarray(x.reshape((int(np.prod(x.shape[:-2], dtype=np.int64)), n, n)))
    w = np.empty(flat.shape[:2], cdt)
    vl, vr = np.empty(flat.shape, cdt), np.empty(flat.shape, cdt)
    path = library_path()
    fn = getattr(ctypes.CDLL(path), lapacke("geev", x.dtype.name)) if path else None
    p = lambda a: a.ctypes.data_as(ctypes.c_void_p)  # noqa: E731
    for b in range(flat.shape[0]):
        a = flat[b].copy()
        if fn is None:
            wb, vb = np.linalg.eig(a)
            w[b], vr[b] = wb, vb
            vl[b] = np.linalg.eig(a.conj().T)[1]
            continue
        l, r = np.empty_like(a), np.empty_like(a)
        args = [ctypes.c_int(ROW_MAJOR), ctypes.c_char(b"V"), ctypes.c_char(b"V"), ctypes.c_int(n), p(a),
                ctypes.c_int(max(n, 1))]
        if x.dtype.kind == "c":
            info = fn(*args, p(w[b]), p(l), ctypes.c_int(max(n, 1)), p(r), ctypes.c_int(max(n, 1)))
            vl[b], vr[b] = l, r
        else:
            wr, wi = np.empty(n, x.dtype), np.empty(n, x.dtype)
            info = fn(*args, p(wr), p(wi), p(l), ctypes.c_int(max(n, 1)), p(r), ctypes.c_int(max(n, 1)))
            w[b] = wr + 1j * wi
            vl[b], vr[b] = _unpack_pairs(wi, l), _unpack_pairs(wi, r)
        if info != 0:
            w[b], vl[b], vr[b] = np.nan, np.nan, np.nan
    outs = [w.reshape(x.shape[:-1])]
    if compute_left_eigenvectors:
        outs.append(vl.reshape(x.shape))
    if compute_right_eigenvectors:
        outs.append(vr.reshape(x.shape))
    return tuple(outs)


def _complex_pairs(low, wr, wi, spec_: TensorSpec):
    """(wr, wi) -> wr + i wi, elementwise."""
    c = ir.ComplexType.get(low.scalar_type(REAL[spec_.dtype]))
    return low.map([wr, wi], spec_, lambda re, im: cplx.CreateOp(c, re, im).result)


def _unpack_vectors(low, v, wi, cspec: TensorSpec):
    """Packed real eigenvectors (B, n, n) as complex ones: column j with wi[j] > 0 starts a conjugate
    pair (v_j + i v_{j+1}, then v_j - i v_{j+1}); a real eigenvalue's column is real."""
    n = cspec.shape[-1]
    real = REAL[cspec.dtype]
    ctype = ir.ComplexType.get(low.scalar_type(real))
    index = ir.IndexType.get()
    zero, last = low.constant(0, real), arith.ConstantOp(index, max(n - 1, 0)).result
    one, first = arith.ConstantOp(index, 1).result, arith.ConstantOp(index, 0).result

    def body(vij, wij, _):
        b, i, j = (linalg_dialect.IndexOp(d).result for d in range(3))
        pos = arith.CmpFOp(arith.CmpFPredicate.OGT, wij, zero).result
        neg = arith.CmpFOp(arith.CmpFPredicate.OLT, wij, zero).result
        nxt = arith.MinUIOp(arith.AddIOp(j, one).result, last).result
        prv = arith.SelectOp(arith.CmpIOp(arith.CmpIPredicate.eq, j, first).result, first,
                             arith.SubIOp(j, one).result).result
        col = arith.SelectOp(pos, nxt, arith.SelectOp(neg, prv, j).result).result
        other = tensor.ExtractOp(v, [b, i, col]).result
        re = arith.SelectOp(neg, other, vij).result
        im = arith.SelectOp(pos, other, arith.SelectOp(neg, arith.NegFOp(vij).result, zero).result).result
        return cplx.CreateOp(ctype, re, im).result
    return low.generic([v, wi], [identity_map(3), affine_map(3, [0, 2])], [cspec], body)[0]


def _lower(low, operands, in_specs, out_specs, attrs):
    x = in_specs[0]
    n = x.shape[-1]
    left, right = attrs["compute_left_eigenvectors"], attrs["compute_right_eigenvectors"]
    flat, fs = _flat(operands[0], x)
    batch = fs.shape[0]
    cdt = out_specs[0].dtype
    is_complex = x.dtype in COMPLEX
    abuf = fresh_buffer(fs, flat)
    wspecs = [TensorSpec((batch, n), x.dtype)] * (1 if is_complex else 2)
    wbufs = [fresh_buffer(s) for s in wspecs]
    vspecs = [fs] * (int(left) + int(right))
    vbufs = [fresh_buffer(s) for s in vspecs]
    info_spec = TensorSpec((batch,), "int32")
    info = fresh_buffer(info_spec)
    lda = i32(max(n, 1))
    buffers = [(abuf, fs)] + list(zip(wbufs, wspecs)) + list(zip(vbufs, vspecs))

    def args(p):
        a, ws, vs = p[0], p[1:1 + len(wbufs)], p[1 + len(wbufs):]
        vl = vs[0] if left else a    # not referenced by geev when its job is 'N'
        vr = vs[-1] if right else a
        return ([i32(ROW_MAJOR), char("V" if left else "N"), char("V" if right else "N"), i32(n), a, lda]
                + list(ws) + [vl, lda, vr, lda])
    batched_call(lapacke("geev", x.dtype), buffers, args, info=info)
    status = as_tensor(info, info_spec)
    ws = [as_tensor(b, s) for b, s in zip(wbufs, wspecs)]
    wspec = TensorSpec((batch, n), cdt)
    w = ws[0] if is_complex else _complex_pairs(low, ws[0], ws[1], wspec)
    outs = [nan_where_failed(low, wspec, w, status)]
    cspec = TensorSpec(fs.shape, cdt)
    for buf in vbufs:
        v = as_tensor(buf, fs)
        if not is_complex:
            v = _unpack_vectors(low, v, ws[1], cspec)
        outs.append(nan_where_failed(low, cspec, v, status))
    return [_unflat(o, s_, want) for o, s_, want in
            zip(outs, [wspec] + [cspec] * len(vbufs), out_specs)]


defop("eig", ("x",), {f: I64 for f in FLAGS}, infer=_infer, reference=numpy_ref(_reference), lower=_lower,
      results=("w", "vectors*"), family=FAMILY,
      doc="lax.linalg.eig's primitive: complex eigenvalues and (per flag) left and right eigenvectors "
          "(columns) of each trailing square matrix (LAPACK geev).")


def _jvp(primals, tangents, **attrs):
    if attrs["compute_left_eigenvectors"] or attrs["compute_right_eigenvectors"]:
        raise NotImplementedError(
            "The derivatives of eigenvectors are not implemented, only eigenvalues. See "
            "https://github.com/jax-ml/jax/issues/2748 for discussion.")
    (x,), (dx,) = primals, tangents
    w, u, v = pb.eig(x, compute_left_eigenvectors=1, compute_right_eigenvectors=1)
    if spec(dx).dtype not in COMPLEX:
        dx = pb.complex(dx, pb.zeros_like(dx))
    nd = spec(v).ndim
    batch = tuple(range(nd - 2))
    # (Uᴴ Ȧ)[i, k] contracted with V[k, i] over k, column by column: uᵢᴴ Ȧ vᵢ
    uh_dx = pb.dot_general(pb.conj(u), dx, lhs_contracting=(nd - 2,), rhs_contracting=(nd - 2,),
                           lhs_batch=batch, rhs_batch=batch)               # (..., i, k)
    vt = pb.transpose(v, permutation=batch + (nd - 1, nd - 2))          # (..., i, k)
    numer = pb.reduce_sum(pb.mul(uh_dx, vt), axes=(nd - 1,))
    denom = pb.reduce_sum(pb.mul(pb.conj(u), v), axes=(nd - 2,))
    return [w], [pb.div(numer, denom)]


JVP["eig"] = _jvp


def _batch(args, dims, size, **attrs):
    out = pb.eig(to_front(args[0], dims[0], size), **attrs)
    out = list(out) if isinstance(out, (list, tuple)) else [out]
    return out, [0] * len(out)


defbatch("eig", _batch)
