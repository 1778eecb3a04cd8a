"""Autodiff rules of every op: derivatives up to order 2 in forward and reverse mode.

Each differentiable row of the spec table (test/python/op_specs) gives the
shapes, dtypes, attributes and integer operands (indices, predicates) of a
few examples; the floating operands are redrawn at smooth points of the op
(away from kinks, poles and the edge values the forward rows need) and
promoted to 64 bits so central differences are accurate. `check_grads`
then compares jvp with finite differences and vjp with the inner-product
identity, and does the same for the derivative functions themselves.
Examples are derandomized and never shrunk: a failure names the same example
on every run, and one costs a handful of compiles, not hundreds.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, note, settings

import pullback as jax
from op_specs import all_cases
from pullback import test_util
from pullback.core import Array, bind
from pullback.dialects import ad, registry
from pullback.dialects.types import COMPLEX, TensorSpec, dtype_name, numpy_dtype

CASES = all_cases()
INEXACT = ("float32", "float64", "complex64", "complex128")
PROMOTE = {"float32": "float64", "complex64": "complex128"}
EXAMPLES = 2       # checked examples per row (draws without float operands do not count)
DRAWS = 40         # draws tried per row to find them

# Smooth domains per op and operand position (default: DEFAULT_DOMAIN for every float operand).
DEFAULT_DOMAIN = (-2.0, 2.0)
DOMAIN = {
    "log": [(0.5, 3.0)],
    "log1p": [(-0.5, 3.0)],
    "sqrt": [(0.5, 3.0)],
    "rsqrt": [(0.5, 3.0)],
    "tan": [(-1.2, 1.2)],
    "integer_pow": [(0.5, 2.0)],                      # negative exponents: keep away from 0
    "pow": [(0.5, 2.0), (-2.0, 2.0)],
    "div": [(-2.0, 2.0), (0.5, 2.0)],
    "rem": [(-3.0, 3.0), (0.7, 1.9)],
    "reduce_prod": [(0.5, 1.5)],
    "cumprod": [(0.5, 1.5)],
    # transcendental and special functions (op_specs/special.py): away from branch points and poles
    "asin": [(-0.8, 0.8)], "acos": [(-0.8, 0.8)], "atanh": [(-0.8, 0.8)], "erf_inv": [(-0.8, 0.8)],
    "acosh": [(1.2, 3.0)], "cbrt": [(0.5, 2.0)], "lgamma": [(0.3, 3.0)], "digamma": [(0.3, 3.0)],
    "zeta": [(0.5, 3.0)],  # q (s is not differentiated)
    # incomplete gamma/beta (op_specs/incomplete.py): x only; the Bessel functions off the kink at 0
    "igamma": [(0.5, 3.0)], "igammac": [(0.5, 3.0)], "igamma_grad_a": [(0.5, 3.0)],
    "random_gamma_grad": [(0.5, 3.0)], "betainc": [(0.1, 0.9)], "bessel_i0e": [(0.3, 3.0)],
    "bessel_i1e": [(0.3, 3.0)],
}
# Float operands an op is not differentiable in (JAX has no rule either): kept fixed, as integer ones.
NONDIFF_OPERANDS = {"zeta": (0,), "betainc": (0, 1), "igamma_grad_a": (0,), "random_gamma_grad": (0,),
                    # differentiable in a to first order only (JAX has no derivative of igamma_grad_a
                    # in a): test_special_more.py checks that order
                    "igamma": (0,), "igammac": (0,)}


def op_of(row: str) -> str:
    return CASES[row].extra.get("op", row)


def smooth_values(name: str, index: int, shape, dtype: str, rng) -> np.ndarray:
    domains = DOMAIN.get(name, [])
    low, high = domains[index] if index < len(domains) else DEFAULT_DOMAIN
    x = rng.uniform(low, high, shape)
    if dtype in COMPLEX:
        x = x + 1j * rng.uniform(low, high, shape)
    return np.asarray(x, numpy_dtype(dtype))


def prepare(name: str, drawn, seed: int):
    """(operands, diff positions, attrs) for one drawn example, or None when it has nothing
    differentiable: no float operand or output, or a half-precision one."""
    arrays, attrs, dtypes = drawn
    dtypes = list(dtypes or [dtype_name(np.asarray(a).dtype) for a in arrays])
    if any(d in ("float16", "bfloat16") for d in dtypes):
        return None
    diff = [i for i, d in enumerate(dtypes) if d in INEXACT and i not in NONDIFF_OPERANDS.get(name, ())]
    if not diff:
        return None
    # dtype attributes (convert_element_type's new_dtype) are promoted with the operands
    promoted = [PROMOTE.get(d, d) for d in dtypes]
    promoted_attrs = {k: PROMOTE.get(v, v) if isinstance(v, str) else v for k, v in attrs.items()}
    try:
        outs = registry.infer(name, [TensorSpec(np.shape(a), d) for a, d in zip(arrays, promoted)],
                              promoted_attrs)
        attrs = promoted_attrs
    except registry.InferenceError:  # an attribute ties a dtype: keep the drawn ones
        promoted = dtypes
        outs = registry.infer(name, [TensorSpec(np.shape(a), d) for a, d in zip(arrays, dtypes)], attrs)
    if not any(o.dtype in INEXACT for o in outs):
        return None
    rng = np.random.default_rng(seed)
    operands = []
    for i, (a, d) in enumerate(zip(arrays, promoted)):
        if i in diff:
            operands.append(smooth_values(name, diff.index(i), np.shape(a), d, rng))
        else:
            operands.append(Array(np.asarray(a, numpy_dtype(d)), d))
    return operands, diff, attrs


def op_function(name: str, operands, diff, attrs):
    """f(*float operands) -> the op's float results (the other operands are fixed)."""
    def f(*xs):
        args = list(operands)
        for i, x in zip(diff, xs):
            args[i] = x if hasattr(x, "aval") else Array(np.asarray(x))
        outs = [o for o in bind(name, args, attrs) if o.aval.dtype in INEXACT]
        return outs[0] if len(outs) == 1 else tuple(outs)
    return f


def drive(row: str, check) -> int:
    """Run `check(name, f, args)` on up to EXAMPLES prepared examples of `row`; returns how many ran."""
    name, case = op_of(row), CASES[row]
    done = [0]

    @settings(max_examples=DRAWS, deadline=None, derandomize=True, database=None,
              phases=[Phase.generate],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much])
    @given(case.strategy)
    def run(drawn):
        if done[0] >= EXAMPLES:
            return
        prepared = prepare(name, drawn, seed=done[0])
        if prepared is None:
            return
        operands, diff, attrs = prepared
        if "ad_inputs" in case.extra:  # matrices redrawn into the op's domain (op_specs/linalg.py)
            operands = case.extra["ad_inputs"](operands)
        note(f"pb.{name} on {operands!r} with {attrs}, differentiated in operands {diff}")
        args = [operands[i] for i in diff]
        f = op_function(name, operands, diff, attrs)
        if "ad_wrap" in case.extra:
            f = case.extra["ad_wrap"](f)
        outs = f(*args)
        if not all(np.all(np.isfinite(np.asarray(o))) for o in (outs if isinstance(outs, tuple) else [outs])):
            return  # e.g. gather's NaN fill: no finite differences there
        check(name, f, args)
        done[0] += 1

    run()
    return done[0]


DIFF_ROWS = sorted(r for r in CASES if op_of(r) not in registry.NON_DIFFERENTIABLE
                   and not CASES[r].extra.get("ad_skip"))
NONDIFF_ROWS = sorted(r for r in CASES if op_of(r) in registry.NON_DIFFERENTIABLE)


@pytest.mark.parametrize("row", DIFF_ROWS)
def test_op_grads(row, x64):
    def check(name, f, args):
        test_util.check_grads(f, args, order=CASES[row].extra.get("ad_order", 2), modes=("fwd", "rev"))

    if drive(row, check) == 0:
        pytest.skip(f"row {row} draws no differentiable example (no float operand or output)")


@pytest.mark.parametrize("row", NONDIFF_ROWS)
def test_nondifferentiable_op_has_zero_derivatives(row, x64):
    """Ops marked non-differentiable give zero tangents and zero cotangents, as in JAX."""
    def check(name, f, args):
        out, tout = jax.jvp(f, tuple(args), tuple(np.ones_like(a) for a in args))
        for t in (tout if isinstance(tout, tuple) else [tout]):
            np.testing.assert_array_equal(np.asarray(t), 0, err_msg=f"pb.{name} tangent")
        out, pullback = jax.vjp(f, *args)
        cts = pullback(jax.tree_util.tree_map(lambda o: np.ones(o.shape, o.dtype), out))
        for c in cts:
            np.testing.assert_array_equal(np.asarray(c), 0, err_msg=f"pb.{name} cotangent")

    if drive(row, check) == 0:
        pytest.skip(f"row {row} draws no float example")


def test_every_op_has_a_jvp_rule_or_is_nondifferentiable():
    missing = sorted(n for n in registry.OPS if n not in registry.JVP and n not in registry.NON_DIFFERENTIABLE)
    assert not missing, f"ops with neither a JVP rule nor a defnondiff mark: {', '.join(missing)}"


def test_bilinear_and_partly_linear_ops_have_transpose_rules():
    declared = sorted(set(ad.BILINEAR) | set(ad.LINEAR_IN))
    missing = [n for n in declared if n not in registry.TRANSPOSE]
    assert not missing, f"ops declared linear without a transpose rule: {', '.join(missing)}"


def test_nondifferentiable_marks_name_real_ops():
    unknown = sorted(n for n in registry.NON_DIFFERENTIABLE if n not in registry.OPS)
    assert not unknown, f"defnondiff names unknown ops: {', '.join(unknown)}"
