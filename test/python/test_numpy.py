"""pullback.numpy against numpy (values) and JAX (dtypes and weak types), eagerly and under jit.

Every case is a function `fn(m, *arrays)` written once against a numpy-like
module `m`: it runs with numpy for the expected values, with pullback.numpy
eagerly and under pullback.jit, and, when JAX is installed, with jax.numpy
for the expected dtype and weak type.
"""
from __future__ import annotations

import importlib

import numpy as np
import pytest

import pullback as pb
import pullback.numpy as jnp


def _jax_numpy():
    try:
        return importlib.import_module("jax.numpy")
    except ImportError:
        return None


JNP_REF = _jax_numpy()
rng = np.random.default_rng(0)


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def pos(*shape):
    return rng.uniform(0.5, 2.0, shape).astype(np.float32)


def i32(*shape, lo=-5, hi=6):
    return rng.integers(lo, hi, shape).astype(np.int32)


def c64(*shape):
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(np.complex64)


def _leaves(x):
    return list(x) if isinstance(x, (tuple, list)) else [x]


def _compare_values(got, want, rtol, atol):
    for g, w in zip(_leaves(got), _leaves(want), strict=True):
        g_np, w_np = np.asarray(g), np.asarray(w)
        assert g_np.shape == w_np.shape, f"shape {g_np.shape} != {w_np.shape}"
        if w_np.dtype == bool:
            assert g_np.dtype == bool, f"dtype {g_np.dtype}, expected bool"
            np.testing.assert_array_equal(g_np, w_np)
        else:
            np.testing.assert_allclose(g_np, w_np, rtol=rtol, atol=atol, equal_nan=True)


def _compare_types(got, ref):
    for g, r in zip(_leaves(got), _leaves(ref), strict=True):
        assert isinstance(g, pb.Array), f"result is a {type(g).__name__}, not a pullback Array"
        assert np.dtype(g.dtype) == np.dtype(r.dtype), f"dtype {g.dtype}, JAX gives {r.dtype}"
        assert g.weak_type == r.weak_type, f"weak_type {g.weak_type}, JAX gives {r.weak_type}"


def check(fn, *args, rtol=1e-5, atol=1e-5, use_jit=True):
    """fn(m, *args) with pullback (eager and jit) matches numpy's values and JAX's types."""
    want = fn(np, *[np.asarray(a) for a in args])
    ref = fn(JNP_REF, *[JNP_REF.asarray(a) for a in args]) if JNP_REF is not None else None
    results = {"eager": fn(jnp, *[jnp.asarray(a) for a in args])}
    if use_jit:
        results["jit"] = pb.jit(lambda *xs: fn(jnp, *xs))(*args)
    for mode, got in results.items():
        try:
            _compare_values(got, want, rtol, atol)
            if ref is not None:
                _compare_types(got, ref)
        except AssertionError as e:
            raise AssertionError(f"{mode}: {e}") from None


# Cases that fail because of bugs outside pullback.numpy (reported; strict, so a fix shows up).
KNOWN_BUGS = {
}


def cases(table):
    """pytest params from {id: (fn, args...)}."""
    return [pytest.param(v[0], v[1:], id=k, marks=[pytest.mark.xfail(reason=KNOWN_BUGS[k], strict=True)]
                         if k in KNOWN_BUGS else []) for k, v in table.items()]


# ---------------------------------------------------------------- creation

CREATION = {
    "array_int_list": (lambda m: m.array([1, 2, 3]),),
    "array_float_list": (lambda m: m.array([[1.0, 2.0], [3.0, 4.5]]),),
    "array_bool_list": (lambda m: m.array([True, False]),),
    "array_dtype": (lambda m: m.array([1, 2], dtype=m.float16),),
    "array_float64_numpy": (lambda m: m.array(np.arange(3, dtype=np.float64) / 3),),
    "array_int64_numpy": (lambda m: m.asarray(np.arange(4, dtype=np.int64)),),
    "array_scalar": (lambda m: m.array(2.5),),
    "asarray_list": (lambda m: m.asarray([1.5, 2.0]),),
    "zeros": (lambda m: m.zeros((2, 3)),),
    "zeros_int": (lambda m: m.zeros(4, dtype=m.int32),),
    "ones": (lambda m: m.ones((3,)),),
    "zeros_scalar": (lambda m: m.zeros(()) * 2,),
    "full_scalar": (lambda m: m.full((), 3) + 1,),
    "ones_bool": (lambda m: m.ones((2, 2), dtype=bool),),
    "full_float": (lambda m: m.full((2, 2), 3.5),),
    "full_int": (lambda m: m.full((3,), 7),),
    "full_dtype": (lambda m: m.full((2,), 1, dtype=m.float32),),
    "zeros_like": (lambda m, x: m.zeros_like(x), f32(2, 3)),
    "ones_like_int": (lambda m, x: m.ones_like(x), i32(4)),
    "full_like": (lambda m, x: m.full_like(x, 2.5), f32(3)),
    "full_like_dtype": (lambda m, x: m.full_like(x, 4, dtype=m.int32), f32(3)),
    "arange": (lambda m: m.arange(5),),
    "arange_start_stop_step": (lambda m: m.arange(1, 10, 3),),
    "arange_negative_step": (lambda m: m.arange(5, -3, -2),),
    "arange_float": (lambda m: m.arange(0.0, 1.0, 0.25),),
    "arange_dtype": (lambda m: m.arange(4, dtype=m.float32),),
    "linspace": (lambda m: m.linspace(0.0, 1.0, 5),),
    "linspace_no_endpoint": (lambda m: m.linspace(-1, 1, 4, endpoint=False),),
    "eye": (lambda m: m.eye(3),),
    "eye_rect_k": (lambda m: m.eye(3, 4, k=1),),
    "eye_negative_k": (lambda m: m.eye(4, k=-2, dtype=m.int32),),
}


@pytest.mark.parametrize("fn,args", cases(CREATION))
def test_creation(fn, args):
    check(fn, *args)


# ---------------------------------------------------------------- products

PRODUCTS = {
    "dot_vv": (lambda m, a, b: m.dot(a, b), f32(4), f32(4)),
    "dot_mv": (lambda m, a, b: m.dot(a, b), f32(3, 4), f32(4)),
    "dot_mm": (lambda m, a, b: m.dot(a, b), f32(3, 4), f32(4, 2)),
    "dot_nd": (lambda m, a, b: m.dot(a, b), f32(2, 3, 4), f32(5, 4, 2)),
    "dot_scalar": (lambda m, a: m.dot(a, 2.0), f32(3)),
    "dot_int": (lambda m, a, b: m.dot(a, b), i32(2, 3), i32(3, 2)),
    "dot_mixed": (lambda m, a, b: m.dot(a, b), i32(2, 3), f32(3)),
    "matmul_mm": (lambda m, a, b: m.matmul(a, b), f32(3, 4), f32(4, 5)),
    "matmul_vm": (lambda m, a, b: m.matmul(a, b), f32(4), f32(4, 5)),
    "matmul_mv": (lambda m, a, b: a @ b, f32(3, 4), f32(4)),
    "matmul_batch": (lambda m, a, b: a @ b, f32(2, 3, 4), f32(2, 4, 5)),
    "matmul_batch_broadcast": (lambda m, a, b: a @ b, f32(1, 3, 4), f32(2, 4, 5)),
    "matmul_batch_rank": (lambda m, a, b: a @ b, f32(2, 2, 3, 4), f32(4, 5)),
    "matmul_rmatmul": (lambda m, a: np.eye(3, dtype=np.float32) @ a, f32(3, 2)),
    "vdot": (lambda m, a, b: m.vdot(a, b), f32(2, 3), f32(2, 3)),
    "vdot_complex": (lambda m, a, b: m.vdot(a, b), c64(3), c64(3)),
    "inner": (lambda m, a, b: m.inner(a, b), f32(2, 3), f32(4, 3)),
    "outer": (lambda m, a, b: m.outer(a, b), f32(3), f32(4)),
    "tensordot_int": (lambda m, a, b: m.tensordot(a, b, 1), f32(2, 3), f32(3, 4)),
    "tensordot_default": (lambda m, a, b: m.tensordot(a, b), f32(2, 3, 4), f32(3, 4, 5)),
    "tensordot_axes": (lambda m, a, b: m.tensordot(a, b, axes=((0, 2), (2, 0))), f32(2, 3, 4), f32(4, 5, 2)),
    "einsum_matmul": (lambda m, a, b: m.einsum("ij,jk->ik", a, b), f32(2, 3), f32(3, 4)),
    "einsum_implicit": (lambda m, a, b: m.einsum("ij,jk", a, b), f32(2, 3), f32(3, 4)),
    "einsum_implicit_order": (lambda m, a, b: m.einsum("ba,ac", a, b), f32(2, 3), f32(3, 4)),
    "einsum_transpose": (lambda m, a: m.einsum("ijk->kij", a), f32(2, 3, 4)),
    "einsum_sum_all": (lambda m, a: m.einsum("ij->", a), f32(2, 3)),
    "einsum_sum_axis": (lambda m, a: m.einsum("ij->j", a), f32(2, 3)),
    "einsum_dot": (lambda m, a, b: m.einsum("i,i", a, b), f32(5), f32(5)),
    "einsum_outer": (lambda m, a, b: m.einsum("i,j->ij", a, b), f32(2), f32(3)),
    "einsum_batch": (lambda m, a, b: m.einsum("bij,bjk->bik", a, b), f32(2, 3, 4), f32(2, 4, 5)),
    "einsum_batch_transposed": (lambda m, a, b: m.einsum("bij,kjb->kbi", a, b), f32(2, 3, 4), f32(5, 4, 2)),
    "einsum_three": (lambda m, a, b, c: m.einsum("ij,jk,kl->il", a, b, c), f32(2, 3), f32(3, 4), f32(4, 5)),
    "einsum_three_shared": (lambda m, a, b, c: m.einsum("i,j,i->j", a, b, c), f32(3), f32(4), f32(3)),
    "einsum_four": (lambda m, a, b, c, d: m.einsum("ab,bc,cd,da->", a, b, c, d),
                    f32(2, 3), f32(3, 4), f32(4, 5), f32(5, 2)),
    "einsum_single_use": (lambda m, a, b: m.einsum("ij,kl->jk", a, b), f32(2, 3), f32(4, 5)),
    "einsum_broadcast_one": (lambda m, a, b: m.einsum("ij,ij->ij", a, b), f32(2, 3), f32(1, 3)),
    "einsum_ellipsis": (lambda m, a, b: m.einsum("...ij,...jk", a, b), f32(4, 2, 3), f32(3, 5)),
    "einsum_ellipsis_explicit": (lambda m, a, b: m.einsum("...ij,...jk->...ki", a, b), f32(4, 2, 3), f32(1, 3, 5)),
    "einsum_ellipsis_middle": (lambda m, a: m.einsum("i...j->j...i", a), f32(2, 3, 4, 5)),
    "einsum_spaces": (lambda m, a, b: m.einsum(" ij , jk -> ki ", a, b), f32(2, 3), f32(3, 4)),
    "einsum_int": (lambda m, a, b: m.einsum("ij,j->i", a, b), i32(2, 3), i32(3)),
    "einsum_promote": (lambda m, a, b: m.einsum("ij,j->i", a, b), i32(2, 3), f32(3)),
}


@pytest.mark.parametrize("fn,args", cases(PRODUCTS))
def test_products(fn, args):
    check(fn, *args, rtol=1e-4, atol=1e-4)


def test_einsum_diagonal():
    x = np.arange(9.0, dtype=np.float32).reshape(3, 3)
    np.testing.assert_array_equal(np.asarray(jnp.einsum("ii->i", jnp.asarray(x))), np.diag(x))


@pytest.mark.parametrize("subscripts,shapes", [
    ("ij,jk", [(2, 3), (4, 5)]),    # size mismatch on j
    ("ij,jk", [(2, 3)]),            # too few operands
    ("ijk", [(2, 3)]),              # rank mismatch
    ("ij->ik", [(2, 3)]),           # output letter in no input
    ("ij->ii", [(2, 3)]),           # repeated output letter
    ("i2", [(2, 3)]),               # bad character
])
def test_einsum_bad_subscripts(subscripts, shapes):
    with pytest.raises(ValueError, match="einsum"):
        jnp.einsum(subscripts, *[jnp.ones(s) for s in shapes])


# ---------------------------------------------------------------- reductions

X3 = f32(2, 3, 4)
REDUCTIONS = {}
for _name in ("sum", "mean", "prod", "max", "min"):
    for _axis in (None, 0, -1, (0, 2)):
        for _keep in (False, True):
            REDUCTIONS[f"{_name}_{_axis}_{_keep}"] = (
                (lambda n, ax, k: lambda m, x: getattr(m, n)(x, axis=ax, keepdims=k))(_name, _axis, _keep), X3)
for _name in ("argmax", "argmin"):
    for _axis in (None, 0, -1):
        REDUCTIONS[f"{_name}_{_axis}"] = ((lambda n, ax: lambda m, x: getattr(m, n)(x, axis=ax))(_name, _axis), X3)
REDUCTIONS.update({
    "argmax_keepdims": (lambda m, x: m.argmax(x, axis=1, keepdims=True), X3),
    "sum_int": (lambda m, x: m.sum(x, axis=1), i32(3, 4)),
    "sum_bool": (lambda m, x: m.sum(x > 0), f32(3, 4)),
    "sum_dtype": (lambda m, x: m.sum(x, dtype=m.float32), i32(3, 4)),
    "mean_int": (lambda m, x: m.mean(x, axis=0), i32(3, 4)),
    "prod_int": (lambda m, x: m.prod(x, axis=0), i32(3, 2, lo=-3, hi=4)),
    "max_int": (lambda m, x: m.max(x), i32(3, 4)),
    "cumsum_flat": (lambda m, x: m.cumsum(x), f32(3, 4)),
    "cumsum_axis": (lambda m, x: m.cumsum(x, axis=1), f32(3, 4)),
    "cumsum_negative_axis": (lambda m, x: m.cumsum(x, axis=-2), i32(3, 4)),
    "cumsum_bool": (lambda m, x: m.cumsum(x > 0, axis=0), f32(3, 4)),
    "all": (lambda m, x: m.all(x > -1.0), f32(3, 4)),
    "all_axis": (lambda m, x: m.all(x > 0, axis=0), f32(3, 4)),
    "any_axis_keepdims": (lambda m, x: m.any(x > 1.0, axis=1, keepdims=True), f32(3, 4)),
    "any_int": (lambda m, x: m.any(x), i32(3, 4)),
    "method_sum": (lambda m, x: x.sum(axis=0), f32(3, 4)),
    "method_mean_keepdims": (lambda m, x: x.mean(axis=-1, keepdims=True), f32(3, 4)),
    "method_max": (lambda m, x: x.max(), f32(3, 4)),
    "method_argmin": (lambda m, x: x.argmin(axis=1), f32(3, 4)),
    "method_cumsum": (lambda m, x: x.cumsum(axis=0), f32(3, 4)),
})


@pytest.mark.parametrize("fn,args", cases(REDUCTIONS))
def test_reductions(fn, args):
    check(fn, *args, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------- elementwise

ELEMENTWISE = {
    "exp": (lambda m, x: m.exp(x), f32(3, 4)),
    "exp_int": (lambda m, x: m.exp(x), i32(5)),
    "log": (lambda m, x: m.log(x), pos(3, 4)),
    "log1p": (lambda m, x: m.log1p(x), pos(3, 4)),
    "expm1": (lambda m, x: m.expm1(x), f32(3, 4)),
    "sin": (lambda m, x: m.sin(x), f32(3, 4)),
    "cos": (lambda m, x: m.cos(x), f32(3, 4)),
    "tan": (lambda m, x: m.tan(x), f32(3, 4)),
    "tanh": (lambda m, x: m.tanh(x), f32(3, 4)),
    "sqrt": (lambda m, x: m.sqrt(x), pos(3, 4)),
    "sqrt_int": (lambda m, x: m.sqrt(x), i32(4, lo=0)),
    "square": (lambda m, x: m.square(x), f32(3, 4)),
    "square_int": (lambda m, x: m.square(x), i32(4)),
    "abs": (lambda m, x: m.abs(x), f32(3, 4)),
    "abs_int": (lambda m, x: abs(x), i32(6)),
    "abs_complex": (lambda m, x: m.abs(x), c64(4)),
    "sign": (lambda m, x: m.sign(x), np.array([-2.0, 0.0, 3.0], np.float32)),
    "sign_int": (lambda m, x: m.sign(x), i32(6)),
    "negative": (lambda m, x: -x, f32(3)),
    "arctan2": (lambda m, y, x: m.arctan2(y, x), f32(3, 4), f32(3, 4)),
    "arctan2_broadcast": (lambda m, y, x: m.arctan2(y, x), f32(3, 1), f32(4)),
    "power": (lambda m, x, y: m.power(x, y), pos(3, 4), f32(3, 4)),
    "power_int_exponent": (lambda m, x: m.power(x, 3), f32(3, 4)),
    "power_operator": (lambda m, x: x ** 2, f32(3, 4)),
    "power_half": (lambda m, x: x ** 0.5, pos(3, 4)),
    "power_ints": (lambda m, x, y: m.power(x, y), i32(4), i32(4, lo=0, hi=4)),
    "rpow": (lambda m, x: 2.0 ** x, f32(4)),
    "maximum": (lambda m, x, y: m.maximum(x, y), f32(3, 4), f32(4)),
    "minimum": (lambda m, x, y: m.minimum(x, y), f32(3, 4), f32(3, 1)),
    "maximum_scalar": (lambda m, x: m.maximum(x, 0.0), f32(3, 4)),
    "minimum_int": (lambda m, x, y: m.minimum(x, y), i32(5), i32(5)),
    "where": (lambda m, c, x, y: m.where(c > 0, x, y), f32(3, 4), f32(3, 4), f32(4)),
    "where_scalars": (lambda m, x: m.where(x > 0, x, 0.0), f32(3, 4)),
    "where_int_cond": (lambda m, c, x: m.where(c, x, -x), i32(4, lo=0, hi=2), f32(4)),
    "clip": (lambda m, x: m.clip(x, -0.5, 0.5), f32(3, 4)),
    "clip_min_only": (lambda m, x: m.clip(x, -0.5, None), f32(3, 4)),
    "clip_max_only": (lambda m, x: m.clip(x, None, 0.5), f32(3, 4)),
    "clip_arrays": (lambda m, x, lo: m.clip(x, lo, 1.0), f32(3, 4), f32(4)),
    "clip_int": (lambda m, x: m.clip(x, -2, 2), i32(6)),
    "round": (lambda m, x: m.round(x), np.array([0.5, 1.5, 2.5, -0.5, -1.7, 2.2], np.float32)),
    "round_decimals": (lambda m, x: m.round(x, 2), np.array([1.234, -5.678, 0.125], np.float32)),
    "round_int": (lambda m, x: m.round(x), i32(4)),
    "floor": (lambda m, x: m.floor(x), f32(3, 4)),
    "floor_int": (lambda m, x: m.floor(x), i32(4)),
    "add": (lambda m, x, y: x + y, f32(3, 4), f32(4)),
    "sub_scalar": (lambda m, x: 1.0 - x, f32(3)),
    "mul_int": (lambda m, x, y: x * y, i32(3), i32(3)),
    "truediv": (lambda m, x, y: x / y, f32(3, 4), pos(3, 4)),
    "truediv_int": (lambda m, x, y: x / y, i32(4), i32(4, lo=1)),
    "floordiv": (lambda m, x, y: x // y, i32(8), np.array([3, -3, 2, -2, 5, -5, 1, 7], np.int32)),
    "floordiv_float": (lambda m, x, y: x // y, f32(6), pos(6)),
    "mod": (lambda m, x, y: x % y, i32(8), np.array([3, -3, 2, -2, 5, -5, 1, 7], np.int32)),
    "mod_float": (lambda m, x: x % 0.75, f32(6)),
    "compare": (lambda m, x, y: (x < y, x <= y, x > y, x >= y, x == y, x != y), i32(6), i32(6)),
    "logical": (lambda m, x, y: (m.logical_and(x > 0, y > 0), m.logical_or(x > 0, y > 0),
                                 m.logical_not(x > 0)), f32(6), f32(6)),
    "bitwise": (lambda m, x, y: (x & y, x | y, x ^ y, ~x), i32(6), i32(6)),
    "bool_add_mul": (lambda m, x, y: ((x > 0) + (y > 0), (x > 0) * (y > 0)), f32(6), f32(6)),
    "isfinite": (lambda m, x: m.isfinite(x), np.array([1.0, np.inf, -np.inf, np.nan, 0.0], np.float32)),
    "isfinite_int": (lambda m, x: m.isfinite(x), i32(3)),
    "isfinite_complex": (lambda m, x: m.isfinite(x),
                         np.array([1 + 1j, complex(np.inf, 0), complex(0, np.nan)], np.complex64)),
    "isnan_isinf": (lambda m, x: (m.isnan(x), m.isinf(x)), np.array([1.0, np.inf, -np.inf, np.nan], np.float32)),
    "real": (lambda m, x: m.real(x), c64(3, 2)),
    "imag": (lambda m, x: m.imag(x), c64(3, 2)),
    "imag_of_real": (lambda m, x: m.imag(x), f32(3)),
    "conjugate": (lambda m, x: m.conjugate(x), c64(3, 2)),
    "conj_method": (lambda m, x: (x.conj(), x.real, x.imag), c64(3)),
    "complex_arith": (lambda m, x, y: x * y + x / y - 1j, c64(4), c64(4)),
    "complex_exp": (lambda m, x: m.exp(x), c64(4)),
    "astype": (lambda m, x: (x.astype(m.int32), x.astype(m.float16), x.astype(bool)), f32(5)),
    "allclose": (lambda m, x: m.allclose(x, x + 1e-7), f32(5)),
    "allclose_false": (lambda m, x: m.allclose(x, x + 1.0), f32(5)),
    "allclose_tolerance": (lambda m, x: m.allclose(x, x + 0.01, atol=0.1), f32(5)),
    "array_equal": (lambda m, x: m.array_equal(x, x), i32(5)),
    "array_equal_false": (lambda m, x: m.array_equal(x, x + 1), i32(5)),
    "array_equal_shapes": (lambda m, x: m.array_equal(x, x[:2]), i32(5)),
}


@pytest.mark.parametrize("fn,args", cases(ELEMENTWISE))
def test_elementwise(fn, args):
    check(fn, *args, rtol=2e-5, atol=1e-5)


# ---------------------------------------------------------------- shapes

SHAPES = {
    "reshape": (lambda m, x: m.reshape(x, (4, 6)), f32(2, 3, 4)),
    "reshape_minus_one": (lambda m, x: m.reshape(x, (-1, 4)), f32(2, 3, 4)),
    "reshape_method_varargs": (lambda m, x: x.reshape(3, -1), f32(2, 3, 4)),
    "reshape_to_scalar": (lambda m, x: x.reshape(()), f32(1, 1)),
    "ravel": (lambda m, x: (m.ravel(x), x.ravel(), x.flatten()), f32(2, 3)),
    "transpose": (lambda m, x: m.transpose(x), f32(2, 3, 4)),
    "transpose_axes": (lambda m, x: m.transpose(x, (1, 0, 2)), f32(2, 3, 4)),
    "transpose_negative_axes": (lambda m, x: m.transpose(x, (-1, 0, 1)), f32(2, 3, 4)),
    "T": (lambda m, x: x.T, f32(2, 3)),
    "method_transpose": (lambda m, x: (x.transpose(), x.transpose(2, 0, 1), x.transpose((0, 2, 1))), f32(2, 3, 4)),
    "moveaxis_swapaxes": (lambda m, x: (m.moveaxis(x, 0, -1), m.swapaxes(x, 0, 2)), f32(2, 3, 4)),
    "squeeze": (lambda m, x: m.squeeze(x), f32(1, 3, 1)),
    "squeeze_axis": (lambda m, x: m.squeeze(x, axis=-1), f32(1, 3, 1)),
    "squeeze_axes": (lambda m, x: m.squeeze(x, axis=(0, 2)), f32(1, 3, 1)),
    "expand_dims": (lambda m, x: m.expand_dims(x, 1), f32(2, 3)),
    "expand_dims_negative": (lambda m, x: m.expand_dims(x, -1), f32(2, 3)),
    "expand_dims_tuple": (lambda m, x: m.expand_dims(x, (0, 3)), f32(2, 3)),
    "broadcast_to": (lambda m, x: m.broadcast_to(x, (2, 3, 4)), f32(3, 1)),
    "broadcast_to_scalar": (lambda m, x: m.broadcast_to(x, (2, 2)), np.float32(3.0)),
    "broadcast_arrays": (lambda m, x, y: m.broadcast_arrays(x, y), f32(3, 1), f32(4)),
    "stack": (lambda m, x, y: m.stack([x, y]), f32(2, 3), f32(2, 3)),
    "stack_axis": (lambda m, x, y: m.stack((x, y), axis=-1), f32(2, 3), f32(2, 3)),
    "stack_promote": (lambda m, x, y: m.stack([x, y], axis=1), i32(2, 3), f32(2, 3)),
    "vstack": (lambda m, x, y: m.vstack([x, y]), f32(3), f32(3)),
    "vstack_2d": (lambda m, x, y: m.vstack([x, y]), f32(2, 3), f32(1, 3)),
    "hstack": (lambda m, x, y: m.hstack([x, y]), f32(3), f32(2)),
    "hstack_2d": (lambda m, x, y: m.hstack((x, y)), f32(2, 3), f32(2, 1)),
    "concatenate": (lambda m, x, y: m.concatenate([x, y]), f32(2, 3), f32(4, 3)),
    "concatenate_axis": (lambda m, x, y, z: m.concatenate([x, y, z], axis=-1), f32(2, 1), f32(2, 3), f32(2, 2)),
    "concatenate_none": (lambda m, x, y: m.concatenate([x, y], axis=None), f32(2, 2), f32(3)),
    "atleast": (lambda m, x: (m.atleast_1d(x), m.atleast_2d(x)), np.float32(2.0)),
    "shape_queries": (lambda m, x: m.array([m.shape(x)[0], m.ndim(x), m.size(x)]), f32(2, 3)),
}


@pytest.mark.parametrize("fn,args", cases(SHAPES))
def test_shapes(fn, args):
    check(fn, *args)


# ---------------------------------------------------------------- indexing

XI = f32(4, 5, 6)
INDEXING = {
    "int": (lambda m, x: x[1], XI),
    "negative_int": (lambda m, x: x[-1], XI),
    "ints": (lambda m, x: x[1, 2], XI),
    "all_ints": (lambda m, x: x[1, -2, 3], XI),
    "slice": (lambda m, x: x[1:3], XI),
    "slice_step": (lambda m, x: x[::2], XI),
    "slice_negative_step": (lambda m, x: x[::-1], XI),
    "slice_negative_step_bounds": (lambda m, x: x[3:0:-2], XI),
    "slice_negative_bounds": (lambda m, x: x[-3:-1], XI),
    "slice_empty": (lambda m, x: x[3:1], XI),
    "slices_mixed": (lambda m, x: x[:, ::-2, 1:5:2], XI),
    "slice_out_of_range": (lambda m, x: x[2:100, -100:2], XI),
    "none": (lambda m, x: x[None], XI),
    "none_middle": (lambda m, x: x[:, None, 1], XI),
    "ellipsis": (lambda m, x: x[..., 0], XI),
    "ellipsis_none": (lambda m, x: x[1, ..., None], XI),
    "ellipsis_middle": (lambda m, x: x[0, ..., 2], XI),
    "int_and_slice": (lambda m, x: x[-2:, -3], XI),
    "gather_1d": (lambda m, x: x[np.array([0, 2, -1])], XI),
    "gather_list_in_tuple": (lambda m, x: x[:, [3, 0]], XI),
    "gather_2d": (lambda m, x: x[np.array([[0, 1], [2, 3]])], XI),
    "gather_second_axis": (lambda m, x: x[:, np.array([1, 3])], XI),
    "gather_adjacent": (lambda m, x: x[np.array([0, 1]), np.array([2, -1])], XI),
    "gather_separated": (lambda m, x: x[np.array([0, 1]), :, np.array([2, 3])], XI),
    "gather_broadcast": (lambda m, x: x[np.array([[0], [3]]), np.array([1, 2, 4])], XI),
    "gather_int_and_array": (lambda m, x: x[1, np.array([0, 4])], XI),
    "gather_with_slices": (lambda m, x: x[:, 1:3, np.array([0, 5])], XI),
    "gather_slice_reversed": (lambda m, x: x[np.array([0, 2]), 1:3, ::-1], XI),
    "gather_with_none": (lambda m, x: x[None, np.array([1, 2])], XI),
    "gather_array_index_arg": (lambda m, x, i: x[i], XI, np.array([3, 1, -4], np.int32)),
    "gather_array_index_2d_arg": (lambda m, x, i, j: x[i, :, j], XI,
                                  np.array([[0, 1]], np.int32), np.array([[2], [5]], np.int32)),
    "scalar_array_index": (lambda m, x, i: x[i], XI, np.array(2, np.int32)),
    "scalar_array_index_negative": (lambda m, x, i: x[1:, i], XI, np.array(-1, np.int32)),
    "scalar_array_index_mixed": (lambda m, x, i: x[i, 1:3, 0], XI, np.array(3, np.int32)),
    "index_1d": (lambda m, x: (x[0], x[-1], x[1:-1], x[::-1]), f32(5)),
    "index_0d_ellipsis": (lambda m, x: x[...], np.float32(4.0)),
    "index_int_dtype": (lambda m, x: x[1:, np.array([0, 0])], i32(3, 3)),
    # with an index array present, integers are advanced indices too: separated by a slice
    # or None from the arrays, the broadcast dimensions go first (x[3, 2:, [1, 3]] is (2, 2))
    "int_slice_list": (lambda m, x: x[3, 2:, [1, 3]], XI),
    "int_slice_array": (lambda m, x: x[-1, :, np.array([0, 4, 5])], XI),
    "array_slice_int": (lambda m, x: x[np.array([1, 2]), 1:4, 3], XI),
    "int_none_array": (lambda m, x: x[1, None, np.array([1, 3])], XI),
    "none_int_slice_array": (lambda m, x: x[None, 1, :, np.array([1, 3])], XI),
    "int_array_adjacent": (lambda m, x: x[:, 2, np.array([0, 1, 3])], XI),
    "reversed_slice_between": (lambda m, x: x[-1, ::-1, np.array([0])], XI),
    "traced_array_and_int": (lambda m, x, i: x[2, :, i], XI, np.array([[0, 1]], np.int32)),
    # boolean masks of known value: a k-d mask is its k nonzero index arrays
    "mask_1d": (lambda m, x: x[np.array([True, False, True, True])], XI),
    "mask_2d": (lambda m, x: x[np.arange(20).reshape(4, 5) % 3 == 0], XI),
    "mask_last_axis": (lambda m, x: x[..., np.array([1, 0, 0, 1, 1, 0], bool)], XI),
    "mask_list_with_int": (lambda m, x: x[[False, True, True, False], 1:3, 2], XI),
}


@pytest.mark.parametrize("fn,args", cases(INDEXING))
def test_indexing(fn, args):
    check(fn, *args)


def test_static_out_of_bounds_index_clamps_as_jax():
    """JAX clamps static integer indices (x[3] on 3 rows is the last row); too many indices raise."""
    jax_np = pytest.importorskip("jax.numpy")
    x = np.arange(12.0).reshape(3, 4)
    for f in (lambda a: a[3], lambda a: a[0, -5], lambda a: a[-4, 9], lambda a: a[:, 4],
              lambda a: a[7, [0, 1]]):
        np.testing.assert_array_equal(np.asarray(f(jnp.asarray(x))), np.asarray(f(jax_np.asarray(x))))
        np.testing.assert_array_equal(np.asarray(pb.jit(f)(x)), np.asarray(f(jax_np.asarray(x))))
    with pytest.raises(IndexError):
        jnp.asarray(x)[0, 0, 0]


def test_index_float_array_raises():
    x = jnp.ones((3, 4))
    with pytest.raises(IndexError):
        x[np.array([0.5])]


def test_boolean_masks():
    x = jnp.ones((3, 4))
    with pytest.raises(IndexError, match="does not match the indexed dimensions"):
        x[np.array([True, False])]
    with pytest.raises(IndexError, match="traced mask"):
        pb.jit(lambda a, mask: a[mask])(x, np.array([True, False, True]))
    got = jnp.arange(6.0).at[np.array([True, False, True, False, False, True])].set(-1.0)
    np.testing.assert_array_equal(np.asarray(got), [-1.0, 1.0, -1.0, 3.0, 4.0, -1.0])


def test_index_with_list_raises_like_jax():
    with pytest.raises(TypeError, match="non-tuple sequence"):
        jnp.ones((3, 4))[[0, 1]]


# .at: numpy has no .at, so each case states the numpy effect it must have.
def _np_update(x, idx, how, v):
    y = np.array(x)
    if how == "set":
        y[idx] = v
    elif how == "add":
        np.add.at(y, idx, v)
    else:
        np.multiply.at(y, idx, v)
    return y


XA = f32(4, 5)
AT = {
    "set_int": (1, "set", 0.0),
    "set_negative": (-1, "set", 7.0),
    "set_slice": ((slice(None), 1), "set", np.arange(4, dtype=np.float32)),
    "set_reversed_slice": ((slice(None, None, -2),), "set", 3.0),
    "set_array": ((np.array([0, 2]),), "set", 9.0),
    "set_2d_points": ((np.array([0, 3]), np.array([4, 1])), "set", np.array([1.0, 2.0], np.float32)),
    "set_ellipsis": ((Ellipsis, -1), "set", -1.0),
    "add_slice": ((slice(1, 3),), "add", 1.0),
    "add_array": ((slice(None), np.array([1, 3])), "add", f32(4, 2)),
    "add_duplicates": ((np.array([0, 0, 2]),), "add", 1.0),
    "mul_int": ((2, 3), "mul", 4.0),
    "mul_array": ((np.array([1, 1, 3]),), "mul", 2.0),
    "mul_slice": ((slice(None), slice(0, 2)), "mul", -1.5),
}


@pytest.mark.parametrize("idx,how,v", [pytest.param(*v, id=k) for k, v in AT.items()])
@pytest.mark.parametrize("use_jit", [False, True], ids=["eager", "jit"])
def test_at_update(idx, how, v, use_jit):
    def f(x):
        ref = x.at[idx]
        return {"set": ref.set, "add": ref.add, "mul": ref.multiply}[how](v)
    got = (pb.jit(f) if use_jit else f)(jnp.asarray(XA))
    want = _np_update(XA, idx, how, v)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)
    assert got.dtype == np.float32 and not got.weak_type


@pytest.mark.parametrize("use_jit", [False, True], ids=["eager", "jit"])
def test_at_get_and_int(use_jit):
    def f(x, n):
        return x.at[1:3, ::-1].get(), n.at[0].set(5), n.at[np.array([1, 2])].add(2.7), n.at[2].mul(3)
    maybe = pb.jit if use_jit else (lambda g: g)
    got, n_set, n_add, n_mul = maybe(f)(jnp.asarray(XA), jnp.array([1, 2, 3]))
    np.testing.assert_array_equal(np.asarray(got), XA[1:3, ::-1])
    np.testing.assert_array_equal(np.asarray(n_set), [5, 2, 3])
    np.testing.assert_array_equal(np.asarray(n_add), [1, 4, 5])  # 2.7 cast to int32 first, as JAX
    np.testing.assert_array_equal(np.asarray(n_mul), [1, 2, 9])
    assert n_add.dtype == np.int32


AT_JAX = {  # index arrays JAX and numpy disagree on (numpy raises): repeats and out-of-bounds entries
    "set_duplicates": (np.array([1, 1, 3]), "set", np.array([10.0, 20.0, 30.0], np.float32)),
    "set_duplicates_scalar": (np.array([2, 2, 2]), "set", 7.0),
    "set_out_of_bounds": (np.array([1, 7, -1, -9]), "set", 100.0),
    "add_out_of_bounds": (np.array([5, -6, 0, 0]), "add", np.array([1.0, 2.0, 3.0, 4.0], np.float32)),
    "mul_out_of_bounds": (np.array([4, 9, 4]), "mul", np.array([2.0, 3.0, 5.0], np.float32)),
    "set_2d_out_of_bounds": ((np.array([0, 3, 1]), np.array([5, 0, 1])), "set", -1.0),
}


@pytest.mark.parametrize("idx,how,v", [pytest.param(*v, id=k) for k, v in AT_JAX.items()])
@pytest.mark.parametrize("traced", [False, True], ids=["static_index", "traced_index"])
def test_at_update_matches_jax(idx, how, v, traced):
    """Repeated indices: set keeps the last update, add sums; out-of-bounds ones are dropped."""
    jax_np = pytest.importorskip("jax.numpy")
    idx = idx if isinstance(idx, tuple) else (idx,)
    x = np.arange(20, dtype=np.float32).reshape(4, 5)[:, 0] if len(idx) == 1 else np.arange(20, dtype=np.float32
                                                                                          ).reshape(4, 5)

    def f(m, a, *i):
        ref = a.at[i]
        return {"set": ref.set, "add": ref.add, "mul": ref.multiply}[how](v)
    want = f(jax_np, jax_np.asarray(x), *idx)
    got = (pb.jit(lambda a, *i: f(jnp, a, *i))(x, *idx) if traced
           else pb.jit(lambda a: f(jnp, a, *idx))(x))
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    np.testing.assert_array_equal(np.asarray(f(jnp, jnp.asarray(x), *idx)), np.asarray(want))


def test_at_update_with_traced_scalar_index_drops_out_of_bounds():
    jax_np = pytest.importorskip("jax.numpy")
    x = np.arange(5, dtype=np.float32)
    for i in (7, -7, -1):
        got = pb.jit(lambda a, j: a.at[j].set(100.0))(x, np.int32(i))
        np.testing.assert_array_equal(np.asarray(got), np.asarray(jax_np.asarray(x).at[i].set(100.0)))


def test_at_matches_jax():
    jax_np = pytest.importorskip("jax.numpy")
    x = np.arange(6, dtype=np.float16).reshape(2, 3)
    ours = jnp.asarray(x).at[:, 1].add(1.5)
    ref = jax_np.asarray(x).at[:, 1].add(1.5)
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(ref))
    assert ours.dtype == ref.dtype and ours.weak_type == ref.weak_type


# ---------------------------------------------------------------- promotion and weak types

def _typed(x):
    return np.dtype(x.dtype), x.weak_type


PROMOTION = {
    "f16_plus_python_float": (lambda m, x: x + 1.0, np.ones(3, np.float16)),
    "f32_times_python_int": (lambda m, x: x * 3, f32(3)),
    "int32_times_python_float": (lambda m, x: x * 2.5, i32(3)),
    "int8_plus_python_int": (lambda m, x: x + 1, np.arange(3, dtype=np.int8)),
    "int8_plus_int32": (lambda m, x, y: x + y, np.arange(3, dtype=np.int8), i32(3)),
    "uint32_plus_int32": (lambda m, x, y: x + y, np.arange(3, dtype=np.uint32), i32(3, lo=0)),
    "f16_plus_f32": (lambda m, x, y: x + y, np.ones(3, np.float16), f32(3)),
    "int32_plus_f16": (lambda m, x, y: x + y, i32(3), np.ones(3, np.float16)),
    "bool_plus_python_int": (lambda m, x: (x > 0) + 1, f32(3)),
    "bool_times_python_float": (lambda m, x: (x > 0) * 1.5, f32(3)),
    "f32_plus_complex": (lambda m, x: x + 1j, f32(3)),
    "int_true_divide": (lambda m, x: x / 2, i32(3)),
    "f16_sin": (lambda m, x: m.sin(x), np.ones(3, np.float16)),
    "f16_mean": (lambda m, x: m.mean(x), np.ones(3, np.float16)),
    "f16_where_python_scalars": (lambda m, x: m.where(x > 0, x, 0.5), np.ones(3, np.float16)),
    "f16_maximum_python": (lambda m, x: m.maximum(x, 0), np.ones(3, np.float16)),
    "f16_power_python": (lambda m, x: x ** 2.0, np.ones(3, np.float16)),
    "f16_clip": (lambda m, x: m.clip(x, 0.0, 1.0), np.ones(3, np.float16)),
    "int8_sum": (lambda m, x: m.sum(x), np.arange(3, dtype=np.int8)),
}


@pytest.mark.parametrize("fn,args", cases(PROMOTION))
def test_promotion_like_jax(fn, args):
    check(fn, *args, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("use_jit", [False, True], ids=["eager", "jit"])
def test_python_scalars_are_weak(use_jit):
    jax_np = pytest.importorskip("jax.numpy")
    import jax
    cases_ = [lambda m: m.asarray(1.0) * 2, lambda m: m.asarray(3) + 1, lambda m: m.add(1.0, 2.0)]
    for c in cases_:
        ours = pb.jit(lambda: c(jnp))() if use_jit else c(jnp)
        ref = jax.jit(lambda: c(jax_np))() if use_jit else c(jax_np)
        assert _typed(ours) == _typed(ref)


def test_weak_scalar_argument_under_jit():
    """Python scalars passed to jit are weakly typed arguments, as in JAX."""
    x16 = jnp.ones(2, dtype=jnp.float16)
    out = pb.jit(lambda x, s: x * s)(x16, 2.0)
    assert _typed(out) == (np.dtype(np.float16), False)
    out = pb.jit(lambda s: s + 1)(2.0)
    assert _typed(out) == (np.dtype(np.float32), True)


def test_default_dtypes():
    assert jnp.array([1, 2]).dtype == np.int32
    assert jnp.array([1.0, 2.0]).dtype == np.float32
    assert jnp.array(np.zeros(2, np.float64)).dtype == np.float32
    assert jnp.array(np.zeros(2, np.int64)).dtype == np.int32
    assert jnp.asarray(np.zeros(2, np.complex128)).dtype == np.complex64
    assert jnp.arange(3).dtype == np.int32
    assert jnp.zeros(3).dtype == np.float32
    assert jnp.array(np.zeros(2, np.float16)).dtype == np.float16
    assert not jnp.array([1.0]).weak_type
    assert pb.jit(lambda x: x)(np.zeros(2)).dtype == np.float32


# ---------------------------------------------------------------- Array interop

def test_immutable():
    x = jnp.array([1.0, 2.0])
    with pytest.raises(TypeError):
        x[0] = 1.0
    view = np.asarray(x)
    with pytest.raises(ValueError):
        view[0] = 5.0
    assert float(x[0]) == 1.0


def test_input_buffer_not_aliased():
    host = np.ones(3, np.float32)
    x = jnp.asarray(host)
    host[0] = 7.0
    assert np.asarray(x)[0] == 1.0


def test_array_interop():
    x = jnp.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert isinstance(np.asarray(x), np.ndarray)
    np.testing.assert_array_equal(np.asarray(x), [[1, 2, 3], [4, 5, 6]])
    assert x.shape == (2, 3) and x.dtype == np.float32 and x.ndim == 2 and x.size == 6 and len(x) == 2
    first, second = x  # unpacking iterates over the leading axis
    np.testing.assert_array_equal(np.asarray(second), [4, 5, 6])
    assert [float(v) for v in first] == [1.0, 2.0, 3.0]
    assert x[1, 2].item() == 6.0 and isinstance(x[1, 2].item(), float)
    assert x.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert x.block_until_ready() is x
    assert float(x[0, 0]) == 1.0 and int(x[1, 1]) == 5 and bool(x[0, 0])
    assert f"{x[0, 1]:.1f}" == "2.0"
    assert np.asarray(x, dtype=np.float64).dtype == np.float64
    with pytest.raises(TypeError):
        len(x[0, 0])
    with pytest.raises(TypeError):
        hash(x)


def test_array_interop_under_jit():
    def f(x):
        a, b = x  # iteration over a tracer
        return a * len(x) + b, x.shape[1] * x.ndim * x.size
    out, n = pb.jit(f)(jnp.ones((2, 3)))
    np.testing.assert_array_equal(np.asarray(out), [3.0, 3.0, 3.0])
    assert int(n) == 36


@pytest.mark.parametrize("make", [
    lambda m: m.array([1.0, 2.0]),
    lambda m: m.array([1, 2]),
    lambda m: m.array([[1.5, -2.0], [0.25, 3.0]]),
    lambda m: m.array([True, False]),
    lambda m: m.asarray(1.0) * 2,
    lambda m: m.ones(2, dtype=m.float16) + 1,
    lambda m: m.arange(3) * 1.5,
])
def test_repr_like_jax(make):
    jax_np = pytest.importorskip("jax.numpy")
    assert repr(make(jnp)) == repr(make(jax_np))


def test_repr_format():
    assert repr(jnp.array([1.0, 2.0])) == "Array([1., 2.], dtype=float32)"
    assert repr(jnp.array(1.0, dtype=jnp.float32) + 1.0) == "Array(2., dtype=float32)"
    assert repr(pb.jit(lambda s: s * 2)(1.0)) == "Array(2., dtype=float32, weak_type=True)"


@pytest.mark.parametrize("call,name", [
    (lambda: jnp.where(jnp.ones(3) > 0), "where with one argument"),
    (lambda: jnp.sum(jnp.ones(3), where=jnp.ones(3) > 0), "sum with out= or where="),
])
def test_unsupported_raise_not_implemented(call, name):
    with pytest.raises(NotImplementedError, match=name.replace(".", r"\.")):
        call()


def test_missing_numpy_names_are_absent():
    """No placeholders: a numpy name pullback lacks is an AttributeError, as any unknown name."""
    for name in ("fromfile", "fromiter"):
        with pytest.raises(AttributeError):
            getattr(jnp, name)


def test_unknown_attribute():
    with pytest.raises(AttributeError):
        jnp.definitely_not_a_numpy_function  # noqa: B018
