"""Gradient checks with jax.test_util's semantics: check_grads, check_jvp, check_vjp.

Derivatives are checked in one random direction (seeded, so a failure
reproduces): a JVP against central finite differences, a VJP through the
inner-product identity <t, vjp(c)> == <jvp(t), c> with the JVP side taken by
finite differences too, and recursively the derivatives of those
derivatives up to `order`. Tolerances default per dtype and scale with the
array size, as in JAX; the host arithmetic runs in numpy so the checks do
not depend on the code under test.
"""
from __future__ import annotations

import operator
from functools import partial

import numpy as np

from pullback.dialects.types import numpy_dtype

from . import dtypes
from .ad import jvp, linearize, vjp
from .tree_util import tree_map, tree_reduce

__all__ = ["check_grads", "check_jvp", "check_vjp"]

EPS = 1e-4

# Tolerances per canonical dtype name: values (primal) and derivatives (gradient).
_default_tolerance = {
    "bool": 0, "int8": 0, "int32": 0, "int64": 0, "uint32": 0,
    "bfloat16": 1e-2, "float16": 1e-3, "float32": 1e-6, "float64": 1e-15,
    "complex64": 1e-6, "complex128": 1e-15,
}
default_gradient_tolerance = {
    "bfloat16": 1e-1, "float16": 1e-2, "float32": 2e-3, "float64": 1e-5,
    "complex64": 1e-3, "complex128": 1e-5,
}


def _dtype_name(x) -> str:
    """pb dtype name of an array-like leaf (Python scalars get the default dtype)."""
    aval = getattr(x, "aval", None)
    if aval is not None:
        return aval.dtype
    if is_python_scalar(x):
        return dtypes.scalar_type(x)[0]
    return np.asarray(x).dtype.name


def _dtype(x) -> np.dtype:
    return np.dtype(numpy_dtype(_dtype_name(x)))


def is_python_scalar(val) -> bool:
    return not isinstance(val, np.generic) and isinstance(val, (bool, int, float, complex))


def _key(dt) -> str:
    """A dtype's name, not canonicalized: a tolerance given for float64 is not float32's."""
    return dt if isinstance(dt, str) and dt in _default_tolerance else np.dtype(dt).name


def tolerance(dtype, tol=None):
    """A number as is; otherwise the dict's (or the default) entry for the canonical dtype."""
    if tol is not None and not isinstance(tol, dict):
        return tol
    table = {_key(k): v for k, v in (tol or {}).items()}
    name = dtypes.canonicalize(_key(dtype))
    return table.get(name, _default_tolerance[name])


def _assert_numpy_close(a, b, atol=None, rtol=None, err_msg=""):
    da, db = _dtype_name(a), _dtype_name(b)
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, f"{err_msg}: shapes differ: {a.shape} vs {b.shape}"
    atol = max(tolerance(da, atol), tolerance(db, atol))
    rtol = max(tolerance(da, rtol), tolerance(db, rtol))
    # JAX scales the tolerances with the number of elements
    kw = {}
    if atol:
        kw["atol"] = atol * a.size
    if rtol:
        kw["rtol"] = rtol * b.size
    with np.errstate(invalid="ignore"):
        np.testing.assert_allclose(a, b, **kw, err_msg=err_msg)


def check_close(xs, ys, atol=None, rtol=None, err_msg=""):
    tree_map(partial(_assert_numpy_close, atol=atol, rtol=rtol, err_msg=err_msg), xs, ys)


def _check_dtypes_match(xs, ys):
    def match(x, y):
        dx, dy = _dtype_name(x), _dtype_name(y)
        if not dtypes.x64_enabled():
            dx, dy = dtypes.canonicalize(dx), dtypes.canonicalize(dy)
        assert dx == dy, f"dtypes differ: {dx} vs {dy}"
    tree_map(match, xs, ys)


def inner_prod(xs, ys):
    def contract(x, y):
        return np.real(np.dot(np.conj(np.asarray(x)).reshape(-1), np.asarray(y).reshape(-1)))
    return tree_reduce(np.add, tree_map(contract, xs, ys))


def _safe_subtract(x, y, *, dtype):
    """x - y with inf - inf == 0."""
    x, y = np.asarray(x), np.asarray(y)
    with np.errstate(invalid="ignore"):
        return np.where(np.equal(x, y), np.array(0, dtype), np.subtract(x, y, dtype=dtype))


def _preserve_input_types(f):
    def wrapped(*args):
        result = np.array(f(*[np.asarray(a) for a in args]), dtype=_dtype(args[0]))
        return result.item() if all(is_python_scalar(a) for a in args) else result
    return wrapped


add = partial(tree_map, _preserve_input_types(operator.add))
sub = partial(tree_map, _preserve_input_types(operator.sub))
safe_sub = partial(tree_map, lambda x, y: _safe_subtract(x, y, dtype=_dtype(x)))
conj = partial(tree_map, _preserve_input_types(np.conj))


def scalar_mul(xs, a):
    def mul(x):
        dtype = _dtype(x)
        result = np.multiply(np.asarray(x), np.array(a, dtype=dtype), dtype=dtype)
        return result.item() if is_python_scalar(x) else result
    return tree_map(mul, xs)


def rand_like(rng, x):
    shape, dtype = np.shape(x), _dtype(x)

    def randn():
        return np.asarray(rng.randn(*shape), dtype=dtype)
    result = randn() + dtype.type(1.0j) * randn() if np.issubdtype(dtype, np.complexfloating) else randn()
    return result.item() if is_python_scalar(x) else result


def numerical_jvp(f, primals, tangents, eps=EPS):
    """Central differences: (f(x + eps t) - f(x - eps t)) / (2 eps)."""
    delta = scalar_mul(tangents, eps)
    f_pos = f(*add(primals, delta))
    f_neg = f(*sub(primals, delta))
    return scalar_mul(safe_sub(f_pos, f_neg), 0.5 / eps)


def _merge_tolerance(tol, default):
    if tol is None:
        return default
    if not isinstance(tol, dict):
        return tol
    out = dict(default)
    out.update({_key(k): v for k, v in tol.items()})
    return out


def check_jvp(f, f_jvp, args, atol=None, rtol=None, eps=EPS, err_msg=""):
    """Check `f_jvp(args, tangents)` (usually `partial(jvp, f)`) against finite differences."""
    atol = _merge_tolerance(atol, default_gradient_tolerance)
    rtol = _merge_tolerance(rtol, default_gradient_tolerance)
    rng = np.random.RandomState(0)
    tangent = tree_map(partial(rand_like, rng), args)
    v_out, t_out = f_jvp(args, tangent)
    _check_dtypes_match(v_out, t_out)
    v_out_expected = f(*args)
    _check_dtypes_match(v_out, v_out_expected)
    t_out_expected = numerical_jvp(f, args, tangent, eps=eps)
    check_close(v_out, v_out_expected, atol=atol, rtol=rtol,
                err_msg=f"{err_msg} primal" if err_msg else "primal")
    check_close(t_out, t_out_expected, atol=atol, rtol=rtol,
                err_msg=f"{err_msg} tangent" if err_msg else "tangent")


def check_vjp(f, f_vjp, args, atol=None, rtol=None, eps=EPS, err_msg=""):
    """Check `f_vjp(*args) -> (out, pullback)` (usually `partial(vjp, f)`) by the inner-product
    identity against a finite-difference JVP."""
    atol = _merge_tolerance(atol, default_gradient_tolerance)
    rtol = _merge_tolerance(rtol, default_gradient_tolerance)
    _rand_like = partial(rand_like, np.random.RandomState(0))
    v_out, vjpfun = f_vjp(*args)
    v_out_expected = f(*args)
    check_close(v_out, v_out_expected, atol=atol, rtol=rtol,
                err_msg=f"{err_msg} primal" if err_msg else "primal")
    tangent = tree_map(_rand_like, args)
    tangent_out = numerical_jvp(f, args, tangent, eps=eps)
    cotangent = tree_map(_rand_like, v_out)
    cotangent_out = conj(vjpfun(conj(cotangent)))
    ip = inner_prod(tangent, cotangent_out)
    ip_expected = inner_prod(tangent_out, cotangent)
    check_close(ip, ip_expected, atol=atol, rtol=rtol,
                err_msg=f"{err_msg} cotangent projection" if err_msg else "cotangent projection")


def _jvp_from_lin(f, primals, tangents):
    primal_out, f_lin = linearize(f, *primals)
    return primal_out, f_lin(*tangents)


def check_grads(f, args, order, modes=("fwd", "rev"), atol=None, rtol=None, eps=None):
    """Check derivatives of `f` at `args` up to `order` in the given modes ('fwd', 'rev', 'lin').

    Order n > 1 checks the derivatives of the JVP function (fwd, lin) and of the
    pullback applied to the primal output (rev)."""
    args = tuple(args)
    eps = eps or EPS
    _check_jvp = partial(check_jvp, atol=atol, rtol=rtol, eps=eps)
    _check_vjp = partial(check_vjp, atol=atol, rtol=rtol, eps=eps)

    def _check_grads(f, args, order, err_msg=""):
        if "fwd" in modes:
            fwd_msg = f"JVP of {err_msg}" if err_msg else "JVP"
            _check_jvp(f, partial(jvp, f), args, err_msg=fwd_msg)
            if order > 1:
                _check_grads(partial(jvp, f), (args, args), order - 1, fwd_msg)
        if "rev" in modes:
            rev_msg = f"VJP of {err_msg}" if err_msg else "VJP"
            _check_vjp(f, partial(vjp, f), args, err_msg=rev_msg)
            if order > 1:
                def f_vjp(*args):
                    out_primal, vjp_fn = vjp(f, *args)
                    return vjp_fn(out_primal)
                _check_grads(f_vjp, args, order - 1, rev_msg)
        if "lin" in modes:
            lin_msg = f"LIN of {err_msg}" if err_msg else "LIN"
            _check_jvp(f, partial(_jvp_from_lin, f), args, err_msg=lin_msg)
            if order > 1:
                _check_grads(partial(_jvp_from_lin, f), (args, args), order - 1, lin_msg)

    _check_grads(f, args, order)
