"""Linear algebra: pb.cholesky and pb.triangular_solve, JAX's primitives of the same names.

Both batch over every leading dimension and take float32/float64/complex64/complex128.
They lower to LAPACK / BLAS calls (dialects/lapack.py): the operands are flattened to a
batch of matrices, copied into fresh buffers (LAPACK works in place) and the routine is
called per member in an scf.for, as JAX's CPU backend calls LAPACK.

  cholesky(x): the lower factor L of a Hermitian positive-definite x (only x's lower
      triangle is read), upper triangle zero; where potrf reports a failure (x not positive
      definite) the member's lower triangle is NaN, as in JAX. JVP: L·Φ(L⁻¹ Ȧ L⁻ᴴ), Φ taking the lower
      triangle with the diagonal halved (jax/_src/lax/linalg.py, Murray 2016).
  triangular_solve(a, b): X with op(a) X = b (left_side) or X op(a) = b, op(a) being a,
      aᵀ, conj(a) or aᴴ; only the `lower` (or upper) triangle of a is read, its diagonal
      taken as ones when `unit_diagonal`. Linear in b (its transpose solves with
      transpose_a flipped); its derivative in a is JAX's (-A⁻¹ ∂A X, ordered by cost).

Batching moves the batch dimension to the front (the ops batch natively there).
"""
from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import arith, memref, scf
from mlir.dialects import complex as cplx

from ..ad import JVP, add_tangents, deftranspose, primal
from ..batching import defbatch, to_front
from ..lapack import (COL_MAJOR, ROW_MAJOR, as_tensor, batched_call, cblas, char, fresh_buffer, i32, lapacke,
                      read_buffer, scalar_pointer)
from ..lowering import for_each, index_constant
from ..pb import pb, spec
from ..registry import I64, LOWER, defop
from ..types import COMPLEX, REAL_OF_COMPLEX, TensorSpec
from .common import numpy_ref, require, require_dtypes

INEXACT = ("float32", "float64", "complex64", "complex128")
FAMILY = "linalg"


# ---- shared pieces ----------------------------------------------------------------------

def _matrix_operand(op: str, x: TensorSpec, what: str = "operand") -> None:
    require_dtypes(op, x, INEXACT, what)
    require(x.ndim >= 2, f"pb.{op} {what} must have rank >= 2 (a batch of matrices), got shape {list(x.shape)}")


def _flat(x: ir.Value, s: TensorSpec) -> tuple[ir.Value, TensorSpec]:
    """x as a batch of matrices (B, m, n): a view (reshape)."""
    b = int(np.prod(s.shape[:-2], dtype=np.int64))
    fs = TensorSpec((b,) + s.shape[-2:], s.dtype)
    return LOWER["reshape"](None, [x], [s], [fs], {"new_sizes": fs.shape})[0], fs


def _unflat(x: ir.Value, fs: TensorSpec, s: TensorSpec) -> ir.Value:
    return LOWER["reshape"](None, [x], [fs], [s], {"new_sizes": s.shape})[0]


def _swap(x: ir.Value) -> ir.Value:
    n = spec(x).ndim
    return pb.transpose(x, permutation=tuple(range(n - 2)) + (n - 1, n - 2))


def _matrix_constant(m: np.ndarray, like: ir.Value) -> ir.Value:
    """A real (n, n) matrix broadcast to like's shape and dtype."""
    s = spec(like)
    real = REAL_OF_COMPLEX.get(s.dtype, s.dtype)
    c = pb.constant(m.astype(real), TensorSpec(m.shape, real))
    c = pb.broadcast_in_dim(c, shape=s.shape, broadcast_dimensions=(s.ndim - 2, s.ndim - 1))
    if s.dtype in COMPLEX:
        c = pb.complex(c, pb.zeros_like(c))
    return c


def _tri(x: ir.Value, lower: bool, k: int = 0) -> ir.Value:
    """jnp.tril(x, k) / jnp.triu(x, k) of the trailing matrices."""
    m, n = spec(x).shape[-2:]
    mask = np.tril(np.ones((m, n)), k) if lower else np.triu(np.ones((m, n)), k)
    return pb.mul(x, _matrix_constant(mask, x))


def _matmul(a: ir.Value, b: ir.Value) -> ir.Value:
    nb = spec(a).ndim - 2
    batch = tuple(range(nb))
    return pb.dot_general(a, b, lhs_contracting=(nb + 1,), rhs_contracting=(nb,), lhs_batch=batch,
                          rhs_batch=batch)


def _front_batch(args, dims, size):
    return [to_front(a, d, size) for a, d in zip(args, dims)]


# ---- cholesky -----------------------------------------------------------------------------

def _cholesky_infer(specs, attrs):
    (x,) = specs
    _matrix_operand("cholesky", x)
    require(x.shape[-1] == x.shape[-2], f"pb.cholesky operand must be square matrices, got shape {list(x.shape)}")
    return [x]


def _cholesky_ref(x):
    x = np.asarray(x)
    out = np.empty_like(x)
    b = int(np.prod(x.shape[:-2], dtype=np.int64))
    flat, res = x.reshape((b,) + x.shape[-2:]), out.reshape((b,) + x.shape[-2:])
    for i, m in enumerate(flat):
        try:
            res[i] = np.linalg.cholesky(np.tril(m) + np.tril(m, -1).conj().T)
        except np.linalg.LinAlgError:
            res[i] = np.tril(np.full(m.shape, np.nan + (1j * np.nan if x.dtype.kind == "c" else 0)))
    return out


def _cholesky_lower(low, operands, in_specs, out_specs, attrs):
    x = in_specs[0]
    n = x.shape[-1]
    flat, fs = _flat(operands[0], x)
    buf = fresh_buffer(fs, flat)
    info_spec = TensorSpec((fs.shape[0],), "int32")
    info = fresh_buffer(info_spec)
    # The row-major buffer read column-major is xᵀ = conj(x) (x Hermitian): its upper factor U
    # (conj(x) = Uᴴ U), read back row-major, is L = Uᵀ with x = L Lᴴ, and potrf reads exactly
    # x's lower triangle. No transposing copies (LAPACKE's row-major path makes two).
    batched_call(lapacke("potrf", x.dtype), [(buf, fs)],
                 lambda p: [i32(COL_MAJOR), char("U"), i32(n), p[0], i32(max(n, 1))], info=info)
    _mask_factors(low, buf, info, fs)
    return [_unflat(as_tensor(buf, fs), fs, x)]


def _mask_factors(low, buf, info, fs: TensorSpec) -> None:
    """In place, per member: zero the strict upper triangle potrf leaves as it was; a failed
    member (info != 0) gets NaN on and below the diagonal. Only the upper triangle is written
    (a full masking pass would read and write the whole factor again)."""
    n, dtype = fs.shape[-1], fs.dtype
    zero = low.constant(0, dtype)
    nan = low.constant(complex(np.nan, np.nan) if dtype in COMPLEX else np.nan, dtype)
    size = index_constant(n)

    def member(b):
        ok = arith.CmpIOp(arith.CmpIPredicate.eq, memref.LoadOp(info, [b]).result, i32(0)).result
        branch = scf.IfOp(ok, has_else=True)
        with ir.InsertionPoint(branch.then_block):
            for_each(index_constant(0), size,
                     lambda i: for_each(arith.AddIOp(i, index_constant(1)).result, size,
                                        lambda j: memref.StoreOp(zero, buf, [b, i, j])))
            scf.YieldOp([])
        with ir.InsertionPoint(branch.else_block):
            def row(i):
                def element(j):
                    below = arith.CmpIOp(arith.CmpIPredicate.ule, j, i).result
                    memref.StoreOp(arith.SelectOp(below, nan, zero).result, buf, [b, i, j])
                for_each(index_constant(0), size, element)
            for_each(index_constant(0), size, row)
            scf.YieldOp([])

    for_each(index_constant(0), index_constant(fs.shape[0]), member)


defop("cholesky", ("x",), {}, infer=_cholesky_infer, reference=numpy_ref(_cholesky_ref), lower=_cholesky_lower,
      family=FAMILY, doc="lax.linalg.cholesky's primitive: the lower Cholesky factor of each trailing matrix "
                         "(lower triangle read), NaN (below the diagonal) where it is not positive definite.")


def _cholesky_jvp(primals, tangents, **a):
    (L,) = primal("cholesky", primals, a)
    (dx,) = tangents
    n = spec(L).shape[-1]
    tmp = pb.triangular_solve(L, dx, left_side=0, lower=1, transpose_a=1, conjugate_a=1, unit_diagonal=0)
    inner = pb.triangular_solve(L, tmp, left_side=1, lower=1, transpose_a=0, conjugate_a=0, unit_diagonal=0)
    phi = pb.mul(inner, _matrix_constant(np.tril(np.ones((n, n))) / (1 + np.eye(n)), inner))
    return [L], [_matmul(L, phi)]


JVP["cholesky"] = _cholesky_jvp
defbatch("cholesky", lambda args, dims, size: ([pb.cholesky(*_front_batch(args, dims, size))], [0]))


# ---- triangular_solve ---------------------------------------------------------------------

FLAGS = ("left_side", "lower", "transpose_a", "conjugate_a", "unit_diagonal")


def _ts_infer(specs, attrs):
    a, b = specs
    _matrix_operand("triangular_solve", a, "a")
    _matrix_operand("triangular_solve", b, "b")
    require(a.dtype == b.dtype, f"pb.triangular_solve operands must have equal dtypes, got {a.dtype} and {b.dtype}")
    require(a.shape[-1] == a.shape[-2], f"pb.triangular_solve a must be square matrices, got shape {list(a.shape)}")
    require(a.ndim == b.ndim and a.shape[:-2] == b.shape[:-2],
            f"pb.triangular_solve a and b must have equal batch dimensions, got shapes {list(a.shape)} and "
            f"{list(b.shape)}")
    k = b.shape[-2] if attrs["left_side"] else b.shape[-1]
    require(a.shape[-1] == k, f"pb.triangular_solve a of shape {list(a.shape)} does not fit b of shape "
                              f"{list(b.shape)} (left_side={attrs['left_side']})")
    for f in FLAGS:
        require(attrs[f] in (0, 1), f"pb.triangular_solve attribute '{f}' must be 0 or 1, got {attrs[f]}")
    return [b]


def _op_a(a, lower, transpose_a, conjugate_a, unit_diagonal):
    a = np.tril(a) if lower else np.triu(a)
    if unit_diagonal:
        a = a - a * np.eye(a.shape[-1]) + np.eye(a.shape[-1], dtype=a.dtype)
    if transpose_a:
        a = np.swapaxes(a, -1, -2)
    return np.conj(a) if conjugate_a else a


def _ts_ref(a, b, *, left_side, lower, transpose_a, conjugate_a, unit_diagonal):
    op = _op_a(np.asarray(a), lower, transpose_a, conjugate_a, unit_diagonal)
    if b.size == 0:
        return np.zeros_like(b)
    if left_side:
        return np.linalg.solve(op, b).astype(b.dtype)
    return np.swapaxes(np.linalg.solve(np.swapaxes(op, -1, -2), np.swapaxes(b, -1, -2)), -1, -2).astype(b.dtype)


# cblas enums (cblas.h)
_SIDE, _UPLO, _DIAG = {1: 141, 0: 142}, {0: 121, 1: 122}, {0: 131, 1: 132}
_TRANS = {(0, 0): 111, (1, 0): 112, (1, 1): 113}


def _ts_lower(low, operands, in_specs, out_specs, attrs):
    a_spec, b_spec = in_specs
    a_val = operands[0]
    transpose, conjugate = attrs["transpose_a"], attrs["conjugate_a"]
    if conjugate and a_spec.dtype in COMPLEX and not transpose:
        # cblas has no "conjugate, not transposed": solve with conj(a) itself
        a_val = low.map([a_val], a_spec, lambda v: cplx.conj(v))
    fa, fas = _flat(a_val, a_spec)
    fb, fbs = _flat(operands[1], b_spec)
    abuf, bbuf = read_buffer(fas, fa), fresh_buffer(fbs, fb)  # trsm overwrites b only
    m, n = fbs.shape[-2:]
    k = fas.shape[-1]
    dtype = a_spec.dtype
    conj_t = bool(conjugate and dtype in COMPLEX and transpose)
    alpha = scalar_pointer(1.0, dtype) if dtype in COMPLEX else low.constant(1.0, dtype)
    flags = [i32(ROW_MAJOR), i32(_SIDE[attrs["left_side"]]), i32(_UPLO[attrs["lower"]]),
             i32(_TRANS[(transpose, int(conj_t))]), i32(_DIAG[attrs["unit_diagonal"]]), i32(m), i32(n)]
    batched_call(cblas("trsm", dtype), [(abuf, fas), (bbuf, fbs)],
                 lambda p: flags + [alpha, p[0], i32(max(k, 1)), p[1], i32(max(n, 1))])
    return [_unflat(as_tensor(bbuf, fbs), fbs, b_spec)]


defop("triangular_solve", ("a", "b"), {f: I64 for f in FLAGS}, infer=_ts_infer, reference=numpy_ref(_ts_ref),
      lower=_ts_lower, family=FAMILY,
      doc="lax.linalg.triangular_solve's primitive: X with op(a) X = b (left_side) or X op(a) = b, a triangular.")


def _ts_jvp_a(ga, ans, a, *, left_side, lower, transpose_a, conjugate_a, unit_diagonal):
    """JAX's _triangular_solve_jvp_rule_a: -A⁻¹ ∂A X (or -X ∂A A⁻¹), in the cheaper order."""
    m, n = spec(ans).shape[-2:]
    flags = dict(left_side=left_side, lower=lower, transpose_a=transpose_a, conjugate_a=conjugate_a,
                 unit_diagonal=unit_diagonal)
    k = 1 if unit_diagonal else 0
    ga = pb.neg(_tri(ga, bool(lower), -k if lower else k))
    if transpose_a:
        ga = _swap(ga)
    if conjugate_a and spec(ga).dtype in COMPLEX:
        ga = pb.conj(ga)

    def solve(rhs):
        return pb.triangular_solve(a, rhs, **flags)
    if left_side:
        return solve(_matmul(ga, ans)) if m > n else _matmul(solve(ga), ans)
    return solve(_matmul(ans, ga)) if m < n else _matmul(ans, solve(ga))


def _ts_jvp(primals, tangents, **attrs):
    (ans,) = primal("triangular_solve", primals, attrs)
    a, _ = primals
    ga, gb = tangents
    out = None if gb is None else pb.triangular_solve(a, gb, **attrs)
    if ga is not None:
        out = add_tangents(out, _ts_jvp_a(ga, ans, a, **attrs))
    return [ans], [out]


def _ts_transpose(cts, operands, linear, **attrs):
    ct = cts[0]
    if ct is None:
        return [None, None]
    flipped = dict(attrs, transpose_a=1 - attrs["transpose_a"])
    return [None, pb.triangular_solve(operands[0], ct, **flipped)]


JVP["triangular_solve"] = _ts_jvp
deftranspose("triangular_solve", _ts_transpose, linear_in=(1,))
defbatch("triangular_solve",
         lambda args, dims, size, **attrs: ([pb.triangular_solve(*_front_batch(args, dims, size), **attrs)], [0]))
