"""Scatters that combine: pb.scatter_mul, pb.scatter_min and pb.scatter_max (lax.scatter_mul/min/max).

They share pb.scatter_add's dimension numbers, modes ("clip", "drop"), shape
rule, numpy reference, batching and loop lowering (indexing.py's `_scatter_op`,
parametrised by the combiner: the lowering loops over the updates and never
builds a one-hot matrix). Where indices repeat, every update is combined in.

Derivatives:
- scatter_mul is linear in the operand (JAX's transpose: the cotangent
  scatter-multiplied by the same updates). In the updates, JAX only
  differentiates with unique indices (`x * scatter_add(0, i, dy)`,
  _scatter_mul_jvp_rhs) and raises otherwise; here repeated indices are
  differentiated too: the derivative of a position's product in one update is
  the product of the others, found without dividing by zero (see
  `_product_of_others`; its second derivative misses terms only where two
  updates of one position are exactly zero). With unique indices it is JAX's rule.
- scatter_min/max pass the tangent of the winner, as JAX's
  _scatter_extremal_jvp: where several values tie (updates, and the operand
  when it is kept), the tangent is their average.
Out-of-bounds updates ("drop") carry no derivative, as for scatter_add.
"""
from __future__ import annotations

import numpy as np
from mlir.dialects import arith
from mlir.dialects import complex as cplx

from ..ad import JVP, add_tangents, deftranspose, instantiate, primal
from ..pb import pb
from ..types import COMPLEX, FLOATS, INTEGERS, NUMERIC, SIGNED
from .indexing import _scatter_op, _window_gather


def _mul(dtype: str):
    if dtype in COMPLEX:
        return cplx.mul
    return arith.mulf if dtype in FLOATS else arith.muli


def _extremum(float_op, signed_op, unsigned_op):
    """Combiner of min/max: NaN-propagating for floats (XLA's min/max), signed or unsigned for integers."""
    def combine(dtype: str):
        if dtype in FLOATS:
            return float_op
        return signed_op if dtype in SIGNED else unsigned_op
    return combine


ORDERED = FLOATS | INTEGERS | {"bool"}

_scatter_op("scatter_mul", NUMERIC, lambda old, u: old * u, _mul,
            "XLA scatter with multiply (lax.scatter_mul); repeated indices multiply every update in")
_scatter_op("scatter_min", ORDERED, np.minimum, _extremum(arith.minimumf, arith.minsi, arith.minui),
            "XLA scatter with minimum (lax.scatter_min); NaN wins, as in XLA")
_scatter_op("scatter_max", ORDERED, np.maximum, _extremum(arith.maximumf, arith.maxsi, arith.maxui),
            "XLA scatter with maximum (lax.scatter_max); NaN wins, as in XLA")


# ---- scatter_mul: derivatives ---------------------------------------------------------

def _scatter_mul_jvp(primals, tangents, **attrs):
    (ans,) = primal("scatter_mul", primals, attrs)
    (operand, idx, updates), (t_op, _, t_up) = primals, tangents
    out = None
    if t_op is not None:  # linear in the operand
        out = pb.scatter_mul(t_op, idx, updates, **attrs)
    if t_up is not None:
        others = _product_of_others(operand, idx, updates, attrs)
        spread = pb.scatter_add(pb.zeros_like(operand), idx, pb.mul(t_up, others), **attrs)
        out = add_tangents(out, pb.mul(operand, spread))
    return [ans], [out]


def _product_of_others(operand, idx, updates, attrs):
    """Per update, the product of the other updates reaching the same operand element.

    From the product of a position's nonzero updates (nz), the product of its zero
    updates (z: 0 if there is one, else 1, whose derivative in a lone zero is 1) and
    their count: nz / u * z for a nonzero u; for a zero u, nz where it is the only
    zero there, else 0. Exact in value and first derivative everywhere, and in the
    second unless two updates of one position are exactly zero."""
    is_zero = pb.compare(updates, pb.zeros_like(updates), direction="EQ")
    ones_u, zeros_u = pb.ones_like(updates), pb.zeros_like(updates)
    safe = pb.select(is_zero, ones_u, updates)
    at = lambda v: _window_gather(v, idx, operand, updates, **attrs)  # noqa: E731
    nz = at(pb.scatter_mul(pb.ones_like(operand), idx, safe, **attrs))
    z = at(pb.scatter_mul(pb.ones_like(operand), idx, pb.select(is_zero, updates, ones_u), **attrs))
    count = at(pb.scatter_add(pb.zeros_like(operand), idx, pb.select(is_zero, ones_u, zeros_u), **attrs))
    one_zero = pb.compare(count, ones_u, direction="EQ")
    return pb.select(is_zero, pb.select(one_zero, nz, zeros_u), pb.mul(pb.div(nz, safe), z))


def _scatter_mul_transpose(cts, ops, lin, **attrs):
    ct, (_, idx, updates) = cts[0], ops
    return [pb.scatter_mul(ct, idx, updates, **attrs), None, None]


JVP["scatter_mul"] = _scatter_mul_jvp
deftranspose("scatter_mul", _scatter_mul_transpose, linear_in=(0,))


# ---- scatter_min / scatter_max: derivatives ----------------------------------------------

def _scatter_extremal_jvp(name: str):
    def rule(primals, tangents, **attrs):
        """The tangent of the winner; tied winners (operand included) share it equally."""
        (ans,) = primal(name, primals, attrs)
        (operand, idx, updates), (t_op, _, t_up) = primals, tangents
        if t_op is None and t_up is None:
            return [ans], [None]
        t_op, t_up = instantiate(t_op, operand), instantiate(t_up, updates)
        won = pb.compare(updates, _window_gather(ans, idx, operand, updates, **attrs), direction="EQ")
        kept = pb.compare(operand, ans, direction="EQ")
        zeros_op, ones_op = pb.zeros_like(operand), pb.ones_like(operand)
        count = pb.add(pb.scatter_add(zeros_op, idx, pb.select(won, pb.ones_like(updates),
                                                               pb.zeros_like(updates)), **attrs),
                       pb.select(kept, ones_op, zeros_op))
        count = pb.select(pb.compare(count, zeros_op, direction="EQ"), ones_op, count)  # NaN: no winner
        total = pb.scatter_add(pb.select(kept, t_op, pb.zeros_like(t_op)), idx,
                               pb.select(won, t_up, pb.zeros_like(t_up)), **attrs)
        return [ans], [pb.div(total, count)]
    return rule


JVP["scatter_min"] = _scatter_extremal_jvp("scatter_min")
JVP["scatter_max"] = _scatter_extremal_jvp("scatter_max")
