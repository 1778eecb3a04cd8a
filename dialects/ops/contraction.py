"""Contractions: pb.dot_general, JAX's lax.dot_general.

Result dimensions are the batch dimensions (in lhs_batch order), then the
lhs free dimensions, then the rhs free dimensions, each in operand order.
Accumulation is in the operand dtype (no preferred_element_type); bool
contracts as OR of ANDs, as XLA's PRED dot does. No complex conjugation:
vdot's conj is the frontend's business.
"""
from __future__ import annotations

import numpy as np
from mlir.dialects import arith, linalg
from mlir.dialects import complex as cplx

from ..lowering import PARALLEL, REDUCTION, affine_map
from ..registry import I64_ARRAY, defop
from ..types import ALL, COMPLEX, FLOATS, TensorSpec
from .common import numpy_ref, require, require_dtypes

DIMS = ("lhs_contracting", "rhs_contracting", "lhs_batch", "rhs_batch")


def _free(rank: int, contracting, batch) -> list[int]:
    return [d for d in range(rank) if d not in contracting and d not in batch]


def _check_side(side: str, spec: TensorSpec, contracting, batch) -> None:
    for what, dims in (("contracting", contracting), ("batch", batch)):
        require(all(0 <= d < spec.ndim for d in dims),
                f"pb.dot_general {side}_{what} dimensions must lie in [0, {spec.ndim}) for a {side} "
                f"of rank {spec.ndim}, got {list(dims)}")
        require(len(set(dims)) == len(dims),
                f"pb.dot_general {side}_{what} dimensions must be distinct, got {list(dims)}")
    require(not set(contracting) & set(batch),
            f"pb.dot_general {side}_batch {list(batch)} and {side}_contracting {list(contracting)} "
            "must be disjoint")


def _infer(specs, attrs):
    lhs, rhs = specs
    lc, rc, lb, rb = (attrs[k] for k in DIMS)
    require(lhs.dtype == rhs.dtype,
            f"pb.dot_general operands must have equal dtypes, got {lhs.dtype} and {rhs.dtype}")
    require_dtypes("dot_general", lhs, ALL)
    _check_side("lhs", lhs, lc, lb)
    _check_side("rhs", rhs, rc, rb)
    for what, l, r in (("batch", lb, rb), ("contracting", lc, rc)):
        require(len(l) == len(r),
                f"pb.dot_general needs as many lhs_{what} as rhs_{what} dimensions, got {list(l)} and {list(r)}")
        ls, rs = [lhs.shape[d] for d in l], [rhs.shape[d] for d in r]
        require(ls == rs, f"pb.dot_general {what} dimensions must have equal sizes, got {ls} and {rs}")
    shape = ([lhs.shape[d] for d in lb] + [lhs.shape[d] for d in _free(lhs.ndim, lc, lb)]
             + [rhs.shape[d] for d in _free(rhs.ndim, rc, rb)])
    return [TensorSpec(tuple(shape), lhs.dtype)]


def _reference(lhs, rhs, *, lhs_contracting, rhs_contracting, lhs_batch, rhs_batch):
    """einsum with shared letters for batch and contracting pairs, in a wide dtype."""
    letters = iter("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    ls = [next(letters) for _ in range(lhs.ndim)]
    rs = [next(letters) for _ in range(rhs.ndim)]
    for l, r in list(zip(lhs_contracting, rhs_contracting)) + list(zip(lhs_batch, rhs_batch)):
        rs[r] = ls[l]
    out = ([ls[d] for d in lhs_batch] + [ls[d] for d in _free(lhs.ndim, lhs_contracting, lhs_batch)]
           + [rs[d] for d in _free(rhs.ndim, rhs_contracting, rhs_batch)])
    kind = lhs.dtype.kind
    wide = {"b": np.int64, "i": np.int64, "u": np.uint64, "f": np.float64, "c": np.complex128}[kind]
    res = np.einsum(f"{''.join(ls)},{''.join(rs)}->{''.join(out)}", lhs.astype(wide), rhs.astype(wide))
    return res != 0 if kind == "b" else res.astype(lhs.dtype)  # integers wrap like XLA's


def _mul_add(dtype: str):
    """acc + a * b for a pb dtype."""
    if dtype in COMPLEX:
        return lambda a, b, acc: cplx.add(acc, cplx.mul(a, b))
    if dtype in FLOATS:
        return lambda a, b, acc: arith.addf(acc, arith.mulf(a, b))
    if dtype == "bool":
        return lambda a, b, acc: arith.ori(acc, arith.andi(a, b))
    return lambda a, b, acc: arith.addi(acc, arith.muli(a, b))  # two's complement: any signedness


# Dimension numbers that are exactly a named linalg op, so that tiling and
# vectorization recognise matmuls: ((ranks), contracting, batch).
NAMED = {
    linalg.matmul: ((2, 2), ((1,), (0,)), ((), ())),
    linalg.batch_matmul: ((3, 3), ((2,), (1,)), ((0,), (0,))),
}


def _lower(low, operands, in_specs, out_specs, attrs):
    lhs_spec, rhs_spec = in_specs
    lc, rc, lb, rb = (tuple(attrs[k]) for k in DIMS)
    init = low.full(out_specs[0], 0)
    for named, (ranks, contracting, batch) in NAMED.items():
        if (lhs_spec.ndim, rhs_spec.ndim) == ranks and (lc, rc) == contracting and (lb, rb) == batch:
            return [named(*operands, outs=[init])]
    # Iteration space: batch, lhs free, rhs free (= the result), then contracting.
    lf, rf = _free(lhs_spec.ndim, lc, lb), _free(rhs_spec.ndim, rc, rb)
    nb, nout = len(lb), len(lb) + len(lf) + len(rf)

    def operand_map(rank, contracting, batch, free, free_base):
        where = {d: i for i, d in enumerate(batch)}
        where.update({d: free_base + i for i, d in enumerate(free)})
        where.update({d: nout + i for i, d in enumerate(contracting)})
        return affine_map(nout + len(contracting), [where[d] for d in range(rank)])

    num_dims = nout + len(lc)
    maps = [operand_map(lhs_spec.ndim, lc, lb, lf, nb), operand_map(rhs_spec.ndim, rc, rb, rf, nb + len(lf))]
    return low.generic(list(operands), maps, out_specs, _mul_add(lhs_spec.dtype), num_dims=num_dims,
                       out_maps=[affine_map(num_dims, list(range(nout)))],
                       iterators=[PARALLEL] * nout + [REDUCTION] * len(lc), inits=[init])


defop("dot_general", ("lhs", "rhs"), {k: I64_ARRAY for k in DIMS},
      infer=_infer, reference=numpy_ref(_reference), lower=_lower, family="contraction",
      doc="jax.lax.dot_general: sum over contracting dims, batch dims first in the result")
