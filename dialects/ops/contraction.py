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

from ..ad import defbilinear
from ..batching import defbatch, shift_dims
from ..lowering import PARALLEL, REDUCTION, affine_map
from ..pb import pb, spec
from ..registry import I64_ARRAY, LOWER, InferenceError, defop
from ..types import ALL, COMPLEX, FLOATS, TensorSpec
from .common import numpy_ref, require_dtypes

DIMS = ("lhs_contracting", "rhs_contracting", "lhs_batch", "rhs_batch")


def _free(rank: int, contracting, batch) -> list[int]:
    return [d for d in range(rank) if d not in contracting and d not in batch]


def _check_side(side: str, spec: TensorSpec, contracting, batch) -> None:
    # Messages are formatted only on failure: this runs for every dot_general emitted.
    for what, dims in (("contracting", contracting), ("batch", batch)):
        if not all(0 <= d < spec.ndim for d in dims):
            raise InferenceError(f"pb.dot_general {side}_{what} dimensions must lie in [0, {spec.ndim}) for a "
                                 f"{side} of rank {spec.ndim}, got {list(dims)}")
        if len(set(dims)) != len(dims):
            raise InferenceError(f"pb.dot_general {side}_{what} dimensions must be distinct, got {list(dims)}")
    if set(contracting) & set(batch):
        raise InferenceError(f"pb.dot_general {side}_batch {list(batch)} and {side}_contracting "
                             f"{list(contracting)} must be disjoint")


def _infer(specs, attrs):
    lhs, rhs = specs
    lc, rc, lb, rb = (attrs[k] for k in DIMS)
    if lhs.dtype != rhs.dtype:
        raise InferenceError(f"pb.dot_general operands must have equal dtypes, got {lhs.dtype} and {rhs.dtype}")
    require_dtypes("dot_general", lhs, ALL)
    _check_side("lhs", lhs, lc, lb)
    _check_side("rhs", rhs, rc, rb)
    for what, l, r in (("batch", lb, rb), ("contracting", lc, rc)):
        if len(l) != len(r):
            raise InferenceError(f"pb.dot_general needs as many lhs_{what} as rhs_{what} dimensions, got "
                                 f"{list(l)} and {list(r)}")
        ls, rs = [lhs.shape[d] for d in l], [rhs.shape[d] for d in r]
        if ls != rs:
            raise InferenceError(f"pb.dot_general {what} dimensions must have equal sizes, got {ls} and {rs}")
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
    linalg.MatmulOp: ((2, 2), ((1,), (0,)), ((), ())),
    linalg.BatchMatmulOp: ((3, 3), ((2,), (1,)), ((0,), (0,))),
}


def _lower(low, operands, in_specs, out_specs, attrs):
    lhs_spec, rhs_spec = in_specs
    lc, rc, lb, rb = (tuple(attrs[k]) for k in DIMS)
    for named, (ranks, contracting, batch) in NAMED.items():
        if (lhs_spec.ndim, rhs_spec.ndim) == ranks and (lc, rc) == contracting and (lb, rb) == batch:
            return [low.named(named, operands, low.full(out_specs[0], 0))]
    if lhs_spec.dtype != "bool":  # i1 matmuls would add with XOR: bool keeps the generic below
        return [_lower_as_batch_matmul(low, operands, in_specs, out_specs[0], lc, rc, lb, rb)]
    return _lower_generic(low, operands, in_specs, out_specs, lc, rc, lb, rb)


def _lower_as_batch_matmul(low, operands, in_specs, out_spec, lc, rc, lb, rb):
    """XLA's canonical form: transpose each operand to (batch, free, contracting) /
    (batch, contracting, free), collapse to rank 3 or 2 (views), run one linalg.batch_matmul
    or matmul (which the CPU codegen tiles and vectorizes), and expand back: every
    dot_general gets the matmul kernel, at the cost of at most one copy per operand."""
    lhs_spec, rhs_spec = in_specs
    lf, rf = _free(lhs_spec.ndim, lc, lb), _free(rhs_spec.ndim, rc, rb)

    def prod(spec, dims):
        return int(np.prod([spec.shape[d] for d in dims], dtype=np.int64))

    def to_canonical(v, spec, order, shape):
        if list(order) != list(range(spec.ndim)):
            t_spec = TensorSpec(tuple(spec.shape[d] for d in order), spec.dtype)
            (v,) = LOWER["transpose"](low, [v], [spec], [t_spec], {"permutation": tuple(order)})
            spec = t_spec
        (v,) = LOWER["reshape"](low, [v], [spec], [TensorSpec(shape, spec.dtype)], {"new_sizes": shape})
        return v

    batch = (prod(lhs_spec, lb),) if lb else ()  # no batch dimensions: a plain matmul
    m, k, n = prod(lhs_spec, lf), prod(lhs_spec, lc), prod(rhs_spec, rf)
    lhs = to_canonical(operands[0], lhs_spec, lb + tuple(lf) + lc, batch + (m, k))
    rhs = to_canonical(operands[1], rhs_spec, rb + rc + tuple(rf), batch + (k, n))
    canonical = TensorSpec(batch + (m, n), out_spec.dtype)
    named = linalg.BatchMatmulOp if batch else linalg.MatmulOp
    product = low.named(named, [lhs, rhs], low.full(canonical, 0))
    (out,) = LOWER["reshape"](low, [product], [canonical], [out_spec], {"new_sizes": out_spec.shape})
    return out


def _lower_generic(low, operands, in_specs, out_specs, lc, rc, lb, rb):
    """One linalg.generic over batch, free and contracting dimensions."""
    lhs_spec, rhs_spec = in_specs
    init = low.full(out_specs[0], 0)
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


# dot_general is bilinear; each transpose is another dot_general of the
# cotangent with the other operand, followed by a transpose back to the
# operand's dimension order (JAX's _dot_general_transpose_lhs/rhs).


def _transpose_side(ct, other, this_rank: int, this_c, other_c, this_b, other_b,
                    other_free_base: int, other_rank: int):
    """Cotangent of one operand: contract ct's free dims of `other` with other's free dims,
    batch ct's batch dims with other's, then permute into this operand's dim order."""
    this_f = _free(this_rank, this_c, this_b)
    other_f = _free(other_rank, other_c, other_b)
    nb = len(this_b)
    ct_other_free = tuple(range(other_free_base, other_free_base + len(other_f)))
    out = pb.dot_general(ct, other, lhs_contracting=ct_other_free, rhs_contracting=tuple(other_f),
                         lhs_batch=tuple(range(nb)), rhs_batch=tuple(other_b))
    # out dims: batch, this operand's free dims, then other's contracting dims in other's order.
    rest = sorted(other_c)
    where = {d: i for i, d in enumerate(this_b)}
    where.update({d: nb + i for i, d in enumerate(this_f)})
    where.update({d: nb + len(this_f) + rest.index(o) for d, o in zip(this_c, other_c)})
    perm = tuple(where[d] for d in range(this_rank))
    return out if perm == tuple(range(this_rank)) else pb.transpose(out, permutation=perm)


def _dot_general_transpose(cts, ops, lin, lhs_contracting, rhs_contracting, lhs_batch, rhs_batch):
    ct, (lhs, rhs) = cts[0], ops
    lr, rr = spec(lhs).ndim, spec(rhs).ndim
    nb = len(lhs_batch)
    nlf = len(_free(lr, lhs_contracting, lhs_batch))
    return [
        _transpose_side(ct, rhs, lr, lhs_contracting, rhs_contracting, lhs_batch, rhs_batch,
                        nb + nlf, rr) if lin[0] else None,
        _transpose_side(ct, lhs, rr, rhs_contracting, lhs_contracting, rhs_batch, lhs_batch,
                        nb, lr) if lin[1] else None,
    ]


defbilinear("dot_general", _dot_general_transpose)


# Batching, JAX's _dot_general_batch_rule: a batch dimension on both sides becomes one more
# dot_general batch dimension (the first, so the result is batched at 0); on one
# side only it is a free dimension of that side, so the other operand is never
# broadcast. Nothing is transposed either way.


def _dot_general_batch(args, dims, size, lhs_contracting, rhs_contracting, lhs_batch, rhs_batch):
    (lhs, rhs), (dl, dr) = args, dims
    lc, lb = shift_dims(lhs_contracting, dl), shift_dims(lhs_batch, dl)
    rc, rb = shift_dims(rhs_contracting, dr), shift_dims(rhs_batch, dr)
    if dl is not None and dr is not None:
        out = pb.dot_general(lhs, rhs, lhs_contracting=lc, rhs_contracting=rc, lhs_batch=(dl,) + lb,
                             rhs_batch=(dr,) + rb)
        return [out], [0]
    out = pb.dot_general(lhs, rhs, lhs_contracting=lc, rhs_contracting=rc, lhs_batch=lb, rhs_batch=rb)
    lhs_free = _free(spec(lhs).ndim, lc, lb)
    if dl is not None:
        return [out], [len(lb) + lhs_free.index(dl)]
    return [out], [len(lb) + len(lhs_free) + _free(spec(rhs).ndim, rc, rb).index(dr)]


defbatch("dot_general", _dot_general_batch)
