"""LU decomposition: pb.lu and pb.lu_pivots_to_permutation, JAX's primitives of the same names.

  lu(a) -> (lu, pivots, permutation) for a of shape (..., m, n): LAPACK's getrf (partial
      pivoting) through LAPACKE, as JAX's CPU backend: `lu` holds L (unit diagonal, below)
      and U (on and above the diagonal), `pivots` (..., min(m, n)) the 0-based row swapped
      with row i at step i, `permutation` (..., m) the rows of a in the order of L·U, i.e.
      a[..., permutation, :] = L·U. A singular matrix is factorized all the same (getrf's
      info > 0 is no failure), as in JAX.
  lu_pivots_to_permutation(pivots) -> permutation: applies the swaps to 0..m-1; its lowering
      (scf loops over memrefs) is also the last step of lu's.

lu's JVP is JAX's (_lu_jvp_rule): with x = P·ȧ, L⁻¹ x U⁻¹ split into its strict lower part
(for L̇ = L·tril(·, -1)) and its upper part (U̇ = triu(·)·U); the integer outputs carry no
tangent. P·ȧ is a matmul with the one-hot permutation matrix (pb ops only, so the rule
differentiates again). Both ops batch natively over leading dimensions.
"""
from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import arith, memref, scf

from ..ad import JVP, primal
from ..batching import defbatch, to_front
from ..lapack import ROW_MAJOR, as_tensor, batched_call, fresh_buffer, i32, lapacke
from ..lowering import identity_map
from ..pb import pb, spec
from ..registry import I64, LOWER, NON_DIFFERENTIABLE, defop
from ..types import COMPLEX, REAL_OF_COMPLEX, TensorSpec
from .common import numpy_ref, require, require_dtypes
from .linalg import FAMILY, _flat, _matmul, _matrix_constant, _matrix_operand, _tri, _unflat

INT = "int32"


# ---- lu_pivots_to_permutation -----------------------------------------------------------------

def _p2p_infer(specs, attrs):
    (p,) = specs
    require_dtypes("lu_pivots_to_permutation", p, (INT,), "pivots")
    require(p.ndim >= 1, f"pb.lu_pivots_to_permutation pivots must have rank >= 1, got shape {list(p.shape)}")
    size = attrs["permutation_size"]
    require(size >= p.shape[-1], f"pb.lu_pivots_to_permutation permutation_size ({size}) must be at least the "
                                 f"number of pivots ({p.shape[-1]})")
    return [TensorSpec(p.shape[:-1] + (size,), INT)]


def _p2p_ref(pivots, *, permutation_size):
    pivots = np.asarray(pivots)
    lead = pivots.shape[:-1]
    out = np.empty(lead + (permutation_size,), np.int32)
    for idx in np.ndindex(*lead):
        perm = np.arange(permutation_size, dtype=np.int32)
        for i, j in enumerate(pivots[idx]):
            if 0 <= j < permutation_size:
                perm[i], perm[j] = perm[j], perm[i]
        out[idx] = perm
    return out


def _index(v) -> ir.Value:
    return arith.IndexCastOp(ir.IndexType.get(), v).result


def _p2p_lower(low, operands, in_specs, out_specs, attrs):
    p, out = in_specs[0], out_specs[0]
    batch = int(np.prod(p.shape[:-1], dtype=np.int64))
    k, m = p.shape[-1], out.shape[-1]
    fp, fps = TensorSpec((batch, k), INT), TensorSpec((batch, m), INT)
    flat = LOWER["reshape"](None, operands, [p], [fp], {"new_sizes": fp.shape})[0]
    pivots, perm = fresh_buffer(fp, flat), fresh_buffer(fps)
    index = ir.IndexType.get()
    c = {v: arith.ConstantOp(index, v).result for v in (0, 1, batch, k, m)}
    i32_type = ir.IntegerType.get_signless(32)
    outer = scf.ForOp(c[0], c[batch], c[1])
    with ir.InsertionPoint(outer.body):
        b = outer.induction_variable
        init = scf.ForOp(c[0], c[m], c[1])
        with ir.InsertionPoint(init.body):
            i = init.induction_variable
            memref.StoreOp(arith.IndexCastOp(i32_type, i).result, perm, [b, i])
            scf.YieldOp([])
        swaps = scf.ForOp(c[0], c[k], c[1])
        with ir.InsertionPoint(swaps.body):
            i = swaps.induction_variable
            j = _index(memref.LoadOp(pivots, [b, i]).result)
            # an out-of-range pivot swaps nothing (never a wild store)
            valid = arith.AndIOp(arith.CmpIOp(arith.CmpIPredicate.sge, j, c[0]).result,
                                 arith.CmpIOp(arith.CmpIPredicate.slt, j, c[m]).result).result
            j = arith.SelectOp(valid, j, i).result
            pi, pj = memref.LoadOp(perm, [b, i]).result, memref.LoadOp(perm, [b, j]).result
            memref.StoreOp(pj, perm, [b, i])
            memref.StoreOp(pi, perm, [b, j])
            scf.YieldOp([])
        scf.YieldOp([])
    result = as_tensor(perm, fps)
    return [LOWER["reshape"](None, [result], [fps], [out], {"new_sizes": out.shape})[0]]


defop("lu_pivots_to_permutation", ("pivots",), {"permutation_size": I64}, infer=_p2p_infer,
      reference=_p2p_ref, lower=_p2p_lower, family=FAMILY,
      doc="lax.linalg.lu_pivots_to_permutation: the permutation of 0..permutation_size-1 made by swapping "
          "row i with row pivots[i], in order.")
NON_DIFFERENTIABLE.add("lu_pivots_to_permutation")
JVP["lu_pivots_to_permutation"] = lambda primals, tangents, **a: (primal("lu_pivots_to_permutation", primals, a),
                                                                  [None])
defbatch("lu_pivots_to_permutation", lambda args, dims, size, **a: (
    [pb.lu_pivots_to_permutation(to_front(args[0], dims[0], size), **a)], [0]))


# ---- lu ---------------------------------------------------------------------------------------

def _lu_infer(specs, attrs):
    (a,) = specs
    _matrix_operand("lu", a)
    m, n = a.shape[-2:]
    lead = a.shape[:-2]
    return [a, TensorSpec(lead + (min(m, n),), INT), TensorSpec(lead + (m,), INT)]


def _magnitude(v):
    """LAPACK's i?amax measure: |re| + |im| for complex numbers."""
    return np.abs(v.real) + np.abs(v.imag) if np.iscomplexobj(v) else np.abs(v)


def _lu_ref(a):
    a = np.asarray(a)
    m, n = a.shape[-2:]
    k = min(m, n)
    lu = a.copy()
    pivots = np.zeros(a.shape[:-2] + (k,), np.int32)
    for idx in np.ndindex(*a.shape[:-2]):
        x = lu[idx]
        for j in range(k):
            p = j + int(np.argmax(_magnitude(x[j:, j])))
            pivots[idx + (j,)] = p
            x[[j, p]] = x[[p, j]]
            if x[j, j] != 0:
                x[j + 1:, j] /= x[j, j]
            x[j + 1:, j + 1:] -= np.outer(x[j + 1:, j], x[j, j + 1:])
    return lu, pivots, _p2p_ref(pivots, permutation_size=m)


def _lu_lower(low, operands, in_specs, out_specs, attrs):
    a = in_specs[0]
    m, n = a.shape[-2:]
    flat, fs = _flat(operands[0], a)
    batch = fs.shape[0]
    buf = fresh_buffer(fs, flat)
    ipiv_spec = TensorSpec((batch, min(m, n)), INT)
    ipiv = fresh_buffer(ipiv_spec)
    info = fresh_buffer(TensorSpec((batch,), INT))  # > 0 for a singular U: not a failure (JAX)
    batched_call(lapacke("getrf", a.dtype), [(buf, fs), (ipiv, ipiv_spec)],
                 lambda p: [i32(ROW_MAJOR), i32(m), i32(n), p[0], i32(max(n, 1)), p[1]], info=info)
    one = low.constant(1, INT)
    (pivots,) = low.generic([as_tensor(ipiv, ipiv_spec)], [identity_map(2)], [ipiv_spec],
                            lambda v, _: arith.SubIOp(v, one).result)  # LAPACK's are 1-based
    lu = _unflat(as_tensor(buf, fs), fs, a)
    pivots = LOWER["reshape"](None, [pivots], [ipiv_spec], [out_specs[1]], {"new_sizes": out_specs[1].shape})[0]
    (perm,) = _p2p_lower(low, [pivots], [out_specs[1]], [out_specs[2]], {"permutation_size": m})
    return [lu, pivots, perm]


defop("lu", ("a",), {}, infer=_lu_infer, reference=numpy_ref(_lu_ref), lower=_lu_lower,
      results=("lu", "pivots", "permutation"), family=FAMILY,
      doc="lax.linalg.lu's primitive: LU decomposition with partial pivoting of each trailing matrix.")


def _eye(m: int, n: int, like) -> ir.Value:
    return pb.broadcast_in_dim(_real_to(pb.constant(np.eye(m, n), TensorSpec((m, n), _real(like))), like),
                               shape=spec(like).shape[:-2] + (m, n),
                               broadcast_dimensions=(spec(like).ndim - 2, spec(like).ndim - 1))


def _real(like) -> str:
    d = spec(like).dtype
    return REAL_OF_COMPLEX.get(d, d)


def _real_to(x, like):
    return pb.complex(x, pb.zeros_like(x)) if spec(like).dtype in COMPLEX else x


def _pad_last(x, dim: int, high: int):
    if high == 0:
        return x
    n = spec(x).ndim
    hi = tuple(high if d == n + dim else 0 for d in range(n))
    return pb.pad(x, pb.full(TensorSpec((), spec(x).dtype), 0), low=(0,) * n, high=hi, interior=(0,) * n)


def _slice_matrix(x, rows: int, cols: int):
    s = spec(x)
    return pb.slice(x, start_indices=(0,) * s.ndim, limit_indices=s.shape[:-2] + (rows, cols),
                    strides=(1,) * s.ndim)


def _permutation_matrix(perm, like):
    """P with P[i, j] = (perm[i] == j), so P·x = x[perm] (rows)."""
    s, m = spec(perm), spec(perm).shape[-1]
    rows = pb.broadcast_in_dim(perm, shape=s.shape + (m,), broadcast_dimensions=tuple(range(s.ndim)))
    cols = pb.iota(dtype=INT, shape=s.shape + (m,), dimension=s.ndim)
    onehot = pb.convert_element_type(pb.compare(rows, cols, direction="EQ"), new_dtype=_real(like))
    return _real_to(onehot, like)


def _lu_jvp(primals, tangents, **a):
    lu, pivots, perm = primal("lu", primals, a)
    (da,) = tangents
    m, n = spec(lu).shape[-2:]
    k = min(m, n)
    x = _matmul(_permutation_matrix(perm, lu), da)
    l = pb.add(_pad_last(_tri(_slice_matrix(lu, m, k), True, -1), -1, m - k), _eye(m, m, lu))
    u = _pad_last(_tri(_slice_matrix(lu, k, n), False), -2, n - k)
    if n > k:  # ones on the padded rows' diagonal keep U invertible (they meet zeros of L⁻¹ x)
        u = pb.add(u, pb.mul(_eye(n, n, lu), _matrix_constant(np.diag(np.arange(n) >= k).astype(float), u)))
    la = pb.triangular_solve(l, x, left_side=1, lower=1, transpose_a=0, conjugate_a=0, unit_diagonal=1)
    lau = pb.triangular_solve(u, la, left_side=0, lower=0, transpose_a=0, conjugate_a=0, unit_diagonal=0)
    dlu = pb.add(_matmul(l, _tri(lau, True, -1)), _matmul(_tri(lau, False), u))
    return [lu, pivots, perm], [dlu, None, None]


JVP["lu"] = _lu_jvp
defbatch("lu", lambda args, dims, size: (list(pb.lu(to_front(args[0], dims[0], size))), [0, 0, 0]))
