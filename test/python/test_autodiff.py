"""The autodiff API with JAX's semantics: jvp, grad, value_and_grad, vjp, linearize,
linear_transpose, jacfwd, jacrev, hessian, stop_gradient; nesting, jit, compile counts
and error messages.

Expected values are closed forms or central differences computed in numpy, never
pullback's own results.
"""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest

import pullback as jax
import pullback.numpy as jnp
from pullback import test_util
from pullback.runtime import compiler
from pullback.tools.opt import main as opt_main


def close(a, b, tol=1e-5):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def numerical_jacobian(f, x, eps=1e-6):
    """d f(x) / d x by central differences in float64: shape f(x).shape + x.shape."""
    x = np.asarray(x, np.float64)
    y = np.asarray(f(x))
    jac = np.zeros(y.shape + x.shape)
    for i in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[i] = eps
        jac[(...,) + i] = (np.asarray(f(x + d), np.float64) - np.asarray(f(x - d), np.float64)) / (2 * eps)
    return jac


def misses() -> int:
    """Programs compiled (or loaded from disk) so far: each one adds an entry to the
    in-memory cache, and a call that finds its program there adds none."""
    return len(compiler._memory_cache)


def sin_x(x):
    return jnp.sin(x) * x


def poly(x):
    return x ** 3 + 2 * x ** 2 - 3 * x + 1


# ---- jvp ---------------------------------------------------------------------------

def test_jvp_scalar_and_weak_type():
    y, t = jax.jvp(sin_x, (1.0,), (2.0,))
    close(y, np.sin(1.0))
    close(t, 2.0 * (np.cos(1.0) + np.sin(1.0)))
    assert y.dtype == np.float32 and y.weak_type and t.weak_type


def test_jvp_several_arguments_is_linear_in_tangents():
    f = lambda x, y: jnp.sin(x) * y  # noqa: E731
    x, y = np.array([0.3, -1.2], np.float32), np.array([2.0, 0.5], np.float32)
    tx, ty = np.array([1.0, 2.0], np.float32), np.array([-1.0, 3.0], np.float32)
    _, t = jax.jvp(f, (x, y), (tx, ty))
    close(t, np.cos(x) * tx * y + np.sin(x) * ty)
    _, t_only_x = jax.jvp(f, (x, y), (tx, np.zeros(2, np.float32)))
    close(t_only_x, np.cos(x) * tx * y)


def test_jvp_pytrees_in_and_out():
    def f(p):
        return {"s": p["a"] * 2.0, "t": (p["a"] * p["b"], jnp.sum(p["b"]))}
    p = {"a": np.float32(3.0), "b": np.array([1.0, 2.0], np.float32)}
    tp = {"a": np.float32(1.0), "b": np.array([0.5, -1.0], np.float32)}
    out, tout = jax.jvp(f, (p,), (tp,))
    assert set(out) == {"s", "t"} and isinstance(out["t"], tuple)
    close(out["t"][0], [3.0, 6.0])
    close(tout["s"], 2.0)
    close(tout["t"][0], [1.0 * 1.0 + 3.0 * 0.5, 1.0 * 2.0 + 3.0 * -1.0])
    close(tout["t"][1], -0.5)


def test_jvp_has_aux():
    y, t, aux = jax.jvp(lambda x: (x * x, {"x": x}), (3.0,), (1.0,), has_aux=True)
    close(y, 9.0)
    close(t, 6.0)
    close(aux["x"], 3.0)


def test_jvp_argument_errors():
    with pytest.raises(TypeError, match="same tree structure"):
        jax.jvp(lambda x, y: x, (1.0, 2.0), (1.0,))
    with pytest.raises(ValueError, match="shape"):
        jax.jvp(lambda x: x, (jnp.ones(2),), (jnp.ones(3),))
    with pytest.raises(TypeError, match="dtype"):
        jax.jvp(lambda x: x, (jnp.ones(2),), (jnp.ones(2, jnp.int32),))
    with pytest.raises(TypeError, match="tuples or lists"):
        jax.jvp(lambda x: x, 1.0, 1.0)


# ---- grad and value_and_grad -------------------------------------------------------

def test_grad_scalar_keeps_dtype_and_weak_type():
    g = jax.grad(sin_x)(1.0)
    close(g, np.cos(1.0) + np.sin(1.0))
    # JAX: the cotangent has the input's type, including weak typing
    assert g.dtype == np.float32 and g.weak_type
    g32 = jax.grad(lambda x: jnp.sum(x * x))(np.ones(2, np.float32))
    assert g32.dtype == np.float32 and not g32.weak_type


def test_grad_float64_in_x64_mode(x64):
    g = jax.grad(lambda x: jnp.sum(jnp.sin(x)))(np.array([0.1, 0.2]))
    assert g.dtype == np.float64
    np.testing.assert_allclose(np.asarray(g), np.cos([0.1, 0.2]), rtol=1e-14)


def test_grad_argnums_int_and_tuple():
    f = lambda x, y, z: x * y * z ** 2  # noqa: E731
    close(jax.grad(f)(2.0, 3.0, 4.0), 48.0)
    close(jax.grad(f, argnums=1)(2.0, 3.0, 4.0), 32.0)
    gx, gz = jax.grad(f, argnums=(0, 2))(2.0, 3.0, 4.0)
    close(gx, 48.0)
    close(gz, 48.0)
    (g1,) = jax.grad(f, argnums=(1,))(2.0, 3.0, 4.0)
    close(g1, 32.0)


def test_grad_pytree_inputs():
    def loss(params, x):
        return jnp.sum((params["w"] * x + params["b"][0]) ** 2) + params["b"][1]
    params = {"w": np.array([1.0, -2.0], np.float32), "b": (np.float32(0.5), np.float32(3.0))}
    x = np.array([2.0, 1.0], np.float32)
    g = jax.grad(loss)(params, x)
    assert set(g) == {"w", "b"} and isinstance(g["b"], tuple) and len(g["b"]) == 2
    r = params["w"] * x + params["b"][0]
    close(g["w"], 2 * r * x)
    close(g["b"][0], np.sum(2 * r))
    close(g["b"][1], 1.0)


def test_value_and_grad_and_has_aux():
    v, g = jax.value_and_grad(lambda x, y: x * y, argnums=1)(2.0, 5.0)
    close(v, 10.0)
    close(g, 2.0)
    (v, aux), g = jax.value_and_grad(lambda x: (x * x, {"half": x / 2}), has_aux=True)(3.0)
    close(v, 9.0)
    close(aux["half"], 1.5)
    close(g, 6.0)
    g, aux = jax.grad(lambda x: (jnp.sin(x), x * 10), has_aux=True)(0.0)
    close(g, 1.0)
    close(aux, 0.0)


def test_grad_of_grad():
    close(jax.grad(poly)(1.0), 4.0)
    close(jax.grad(jax.grad(poly))(1.0), 10.0)
    close(jax.grad(jax.grad(jax.grad(poly)))(1.0), 6.0)


def test_nested_grads_do_not_confuse_perturbations():
    # d/dx [x * d/dy (x + y)] = d/dx [x] = 1 (a confused implementation gives 2)
    close(jax.grad(lambda x: x * jax.grad(lambda y: x + y)(1.0))(2.0), 1.0)


def test_grad_through_python_control_flow_on_values():
    def f(x):
        return 2 * x ** 3 if x < 3 else jnp.pi * x
    close(jax.grad(f)(1.0), 6.0)
    close(jax.grad(f)(4.0), np.pi)


def here(offset: int) -> str:
    """'test_autodiff.py:N' for the line `offset` lines below the caller's."""
    return f"{os.path.basename(__file__)}:{sys._getframe(1).f_lineno + offset}"


def test_grad_of_non_scalar_output_names_the_line():
    where = here(3)
    with pytest.raises(TypeError, match=r"Gradient only defined for scalar-output functions. "
                                        r"Output had shape: \(3,\)") as info:
        jax.grad(lambda x: x * 2.0)(jnp.ones(3))
    assert where in str(info.value)


@pytest.mark.parametrize("out", [lambda x: (x, x), lambda x: None, lambda x: [x]],
                         ids=["tuple", "none", "list"])
def test_grad_of_non_array_output_raises(out):
    with pytest.raises(TypeError, match="Gradient only defined for scalar-output functions"):
        jax.grad(out)(1.0)


def test_grad_of_integer_input_raises_without_allow_int():
    where = here(2)
    with pytest.raises(TypeError, match="grad requires real- or complex-valued inputs") as info:
        jax.grad(lambda x: x * 2.0)(3)
    assert where in str(info.value)


def test_grad_allow_int_gives_zero_cotangent_for_integers():
    gx, gn = jax.grad(lambda x, n: x * n, argnums=(0, 1), allow_int=True)(2.0, 3)
    close(gx, 3.0)
    assert np.asarray(gn).shape == () and not np.any(np.asarray(gn))


def test_grad_of_complex_output_requires_holomorphic():
    where = here(2)
    with pytest.raises(TypeError, match="holomorphic=True") as info:
        jax.grad(lambda x: x * (1 + 1j))(1.0)
    assert where in str(info.value)
    close(jax.grad(lambda z: z * z, holomorphic=True)(jnp.array(1 + 1j)), 2 + 2j)
    with pytest.raises(TypeError, match="holomorphic=True requires inputs with complex dtype"):
        jax.grad(lambda x: x * x, holomorphic=True)(1.0)


def test_grad_of_real_function_of_complex_input_is_conjugate():
    # JAX's convention: the gradient of a real function of z is the conjugate of df/dz*2
    close(jax.grad(lambda z: jnp.abs(z) ** 2)(jnp.array(3 + 4j)), 6 - 8j)
    close(jax.grad(lambda z: jnp.real(z * z))(jnp.array(3 + 4j)), 6 + 8j)


def test_grad_argnums_out_of_range():
    with pytest.raises(TypeError, match="argnums=2 requires at least 3 positional arguments"):
        jax.grad(lambda x: x, argnums=2)(1.0)


# ---- vjp, linearize, linear_transpose ------------------------------------------------

def test_vjp_matches_closed_form_and_jvp():
    x = np.array([0.5, -1.0, 2.0], np.float32)
    y, pullback = jax.vjp(sin_x, x)
    close(y, np.sin(x) * x)
    ct = np.array([1.0, 2.0, -1.0], np.float32)
    (g,) = pullback(ct)
    close(g, ct * (np.cos(x) * x + np.sin(x)))
    t = np.array([0.3, 0.1, -2.0], np.float32)
    _, jt = jax.jvp(sin_x, (x,), (t,))
    close(np.dot(np.asarray(g), t), np.dot(ct, np.asarray(jt)))


def test_vjp_pytrees_and_has_aux():
    def f(p, s):
        return {"u": p["a"] * s, "v": jnp.sum(p["b"]) * s}, s * 10
    p = {"a": np.array([1.0, 2.0], np.float32), "b": np.array([3.0, 4.0], np.float32)}
    out, pullback, aux = jax.vjp(f, p, np.float32(2.0), has_aux=True)
    close(aux, 20.0)
    cts = {"u": np.array([1.0, 1.0], np.float32), "v": np.float32(1.0)}
    gp, gs = pullback(cts)
    close(gp["a"], [2.0, 2.0])
    close(gp["b"], [2.0, 2.0])
    close(gs, 1.0 + 2.0 + 7.0)
    with pytest.raises(TypeError, match="[Tt]ree structure"):
        pullback(np.ones(2, np.float32))
    with pytest.raises(ValueError, match="[Ss]hape"):
        pullback({"u": np.ones(3, np.float32), "v": np.float32(1.0)})


def test_vjp_of_scalar_output_accepts_zero_dim_cotangents():
    y, pullback = jax.vjp(lambda x: jnp.sum(x), jnp.ones(2))
    close(pullback(jnp.zeros_like(y))[0], [0.0, 0.0])
    close(pullback(jnp.ones(()))[0], [1.0, 1.0])


def test_linearize_matches_jvp():
    x = np.array([0.2, 1.5], np.float32)
    y, f_lin = jax.linearize(sin_x, x)
    close(y, np.sin(x) * x)
    for t in (np.array([1.0, 0.0], np.float32), np.array([-2.0, 3.0], np.float32)):
        close(f_lin(t), jax.jvp(sin_x, (x,), (t,))[1])


def test_linear_transpose():
    f = lambda x, y: 2.0 * x + jnp.sum(y)  # noqa: E731
    x, y = np.ones(3, np.float32), np.ones(2, np.float32)
    ct_x, ct_y = jax.linear_transpose(f, x, y)(np.array([1.0, 2.0, 3.0], np.float32))
    close(ct_x, [2.0, 4.0, 6.0])
    close(ct_y, [6.0, 6.0])


def test_linear_transpose_of_nonlinear_function_names_the_op():
    with pytest.raises(Exception, match="sin"):
        jax.linear_transpose(jnp.sin, 1.0)(1.0)


NONLINEAR = """\
func.func @f(%t: tensor<3xf32>) -> tensor<3xf32> {
  %0 = "pb.sin"(%t) : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func private @f_T(tensor<3xf32>) -> tensor<3xf32>
    attributes {pb.transform = {kind = "linear_transpose", callee = @f}}
"""


def test_pb_transpose_of_nonlinear_function_is_a_diagnostic_at_the_op(tmp_path, capsys):
    path = tmp_path / "nonlinear.mlir"
    path.write_text(NONLINEAR)
    assert opt_main([str(path), "-pb-transpose"]) == 1
    err = capsys.readouterr().err
    assert f"{path}:2:8: error:" in err and "not linear" in err and "'pb.sin'" in err
    assert "Traceback" not in err


# ---- Jacobians and Hessians ----------------------------------------------------------

def vec_fn(x):
    """R^3 -> R^2 without contractions: products, sums, slices."""
    return jnp.stack([jnp.sum(jnp.sin(x) * x[::-1]), x[0] * jnp.exp(x[1]) - x[2] ** 2])


def test_jacfwd_and_jacrev_match_finite_differences(x64):
    x = np.array([0.3, -0.7, 1.1])
    want = numerical_jacobian(vec_fn, x)
    jf, jr = jax.jacfwd(vec_fn)(x), jax.jacrev(vec_fn)(x)
    assert jf.shape == jr.shape == (2, 3)
    np.testing.assert_allclose(np.asarray(jf), want, rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(np.asarray(jr), want, rtol=1e-7, atol=1e-8)


def test_jacobians_of_pytrees(x64):
    def f(x, y):
        return {"a": x * y, "b": jnp.sum(x) * y[0]}
    x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    for jac in (jax.jacfwd, jax.jacrev):
        j = jac(f, argnums=(0, 1))(x, y)  # JAX's layout: output structure outside, inputs inside
        assert set(j) == {"a", "b"} and isinstance(j["a"], tuple)
        close(j["a"][0], np.diag(y))
        close(j["a"][1], np.diag(x))
        close(j["b"][0], [3.0, 3.0])
        close(j["b"][1], [3.0, 0.0])
        close(jac(f)(x, y)["a"], np.diag(y))


def tanh_sq(X):
    return jnp.sum(jnp.tanh(X) ** 2)


def tanh_sq_hessian(X):
    """Dense Hessian of sum(tanh(X)**2): diagonal, d2/dx2 tanh^2 = 2 sech^4 - 4 tanh^2 sech^2."""
    t, s2 = np.tanh(X), 1 / np.cosh(X) ** 2
    return np.diag((2 * s2 ** 2 - 4 * t ** 2 * s2).ravel()).reshape(X.shape + X.shape)


@pytest.fixture
def hvp_point():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3, 4))
    V = rng.normal(size=(3, 4))
    H = tanh_sq_hessian(X)
    return X, V, np.tensordot(H, V, 2), H


def test_dense_hessian(hvp_point, x64):
    X, V, HV, H = hvp_point
    np.testing.assert_allclose(np.asarray(jax.hessian(tanh_sq)(X)), H, rtol=1e-10, atol=1e-12)


def test_hvp_forward_over_reverse(hvp_point, x64):
    X, V, HV, _ = hvp_point
    np.testing.assert_allclose(np.asarray(jax.jvp(jax.grad(tanh_sq), (X,), (V,))[1]), HV, rtol=1e-10, atol=1e-12)


def test_hvp_reverse_over_forward(hvp_point, x64):
    X, V, HV, _ = hvp_point
    g = jax.grad(lambda X: jax.jvp(tanh_sq, (X,), (V,))[1])(X)
    np.testing.assert_allclose(np.asarray(g), HV, rtol=1e-10, atol=1e-12)


def test_hvp_reverse_over_reverse(hvp_point, x64):
    X, V, HV, _ = hvp_point
    g = jax.grad(lambda X: jnp.sum(jax.grad(tanh_sq)(X) * V))(X)
    np.testing.assert_allclose(np.asarray(g), HV, rtol=1e-10, atol=1e-12)


def test_hessian_of_non_separable_function(x64):
    f = lambda x: jnp.sum(jnp.exp(x[:-1]) * x[1:] ** 2)  # noqa: E731
    x = np.array([0.1, -0.4, 0.8, 0.3])
    want = numerical_jacobian(lambda x: jax.grad(f)(x), x)
    H = np.asarray(jax.hessian(f)(x))
    np.testing.assert_allclose(H, want, rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(H, H.T, rtol=1e-12, atol=1e-14)


def test_zero_tangents_stay_symbolic_through_jitted_calls():
    # b has no tangent: JAX never forms inf * 0 for it (materialized zeros would give NaN)
    h = jax.jit(lambda a, b: a + b * b)
    _, t = jax.jvp(lambda x: h(x, jnp.inf), (1.0,), (1.0,))
    close(t, 1.0)
    close(jax.grad(lambda x: h(x, jnp.inf))(1.0), 1.0)


# ---- jit and compile counts ------------------------------------------------------------

def test_jit_of_grad_and_grad_of_jit():
    x = np.array([0.1, 0.7], np.float32)
    f = lambda x: jnp.sum(jnp.tanh(x) * x)  # noqa: E731
    want = np.tanh(x) + x / np.cosh(x) ** 2
    close(jax.jit(jax.grad(f))(x), want)
    close(jax.grad(jax.jit(f))(x), want)
    close(jax.jit(jax.grad(jax.jit(f)))(x), want)


def test_jitted_grad_compiles_once():
    g = jax.jit(jax.grad(lambda x: jnp.sum(jnp.sin(x) * x)))
    xs = [np.full(3, i, np.float32) for i in range(4)]
    g(xs[0])
    before = misses()
    for x in xs[1:]:
        close(g(x), np.cos(x) * x + np.sin(x))
    assert misses() == before


def test_grad_in_a_loop_compiles_once():
    f = lambda x: jnp.sum(jnp.cos(x) * x)  # noqa: E731
    xs = [np.full(3, i / 4, np.float32) for i in range(5)]
    jax.grad(f)(xs[0])
    before = misses()
    for x in xs[1:]:
        close(jax.grad(f)(x), -np.sin(x) * x + np.cos(x))
    assert misses() == before, "grad of the same function on same-typed inputs recompiled"


def test_vjp_pullback_called_twice_does_not_recompile():
    x = np.array([0.5, 1.5], np.float32)
    _, pullback = jax.vjp(sin_x, x)
    cts = [np.array([1.0, 0.0], np.float32), np.array([0.0, 2.0], np.float32)]
    pullback(cts[0])
    before = misses()
    (g,) = pullback(cts[1])
    assert misses() == before
    close(g, cts[1] * (np.cos(x) * x + np.sin(x)))


def test_jit_of_vjp_pullback():
    x = np.array([0.5, 1.5], np.float32)
    _, pullback = jax.vjp(sin_x, x)
    jitted = jax.jit(pullback)
    ct = np.array([1.0, -2.0], np.float32)
    (g,) = jitted(ct)
    close(g, ct * (np.cos(x) * x + np.sin(x)))
    before = misses()
    (g2,) = jitted(ct * 3)
    assert misses() == before
    close(g2, 3 * ct * (np.cos(x) * x + np.sin(x)))


# ---- stop_gradient -------------------------------------------------------------------

def test_stop_gradient():
    sg = jax.lax.stop_gradient
    close(jax.grad(lambda x: x * sg(x))(3.0), 3.0)
    close(jax.jvp(lambda x: sg(x) ** 2 + x, (2.0,), (1.0,))[1], 1.0)
    close(jax.grad(lambda x: sg({"a": x, "b": (x, x)})["b"][1] * x)(3.0), 3.0)
    # the value passes through unchanged
    close(sg(jnp.array([1.0, -2.0])), [1.0, -2.0])
    y, pullback = jax.vjp(lambda x: sg(x) * x, np.float32(2.0))
    close(pullback(np.float32(1.0))[0], 2.0)


# ---- pullback.test_util ---------------------------------------------------------------

def wrong_derivative(x):
    """Values of x**2, derivative of x: stop_gradient hides the x**2 - x part."""
    return x + jax.lax.stop_gradient(x * x - x)


def test_check_grads_accepts_correct_derivatives():
    x = np.array([0.3, 1.2, -0.7], np.float32)
    test_util.check_grads(sin_x, (x,), order=2)
    test_util.check_grads(lambda p: p["a"] * jnp.exp(p["b"]), ({"a": 1.5, "b": np.float32(0.2)},), order=2,
                          modes=("fwd", "rev", "lin"))


def test_check_grads_catches_wrong_derivatives():
    x = np.array([0.3, 1.2], np.float32)
    with pytest.raises(AssertionError, match="JVP tangent"):
        test_util.check_grads(wrong_derivative, (x,), order=1, modes=("fwd",))
    with pytest.raises(AssertionError, match="VJP cotangent projection"):
        test_util.check_grads(wrong_derivative, (x,), order=1, modes=("rev",))
    with pytest.raises(AssertionError, match="LIN tangent"):
        test_util.check_grads(wrong_derivative, (x,), order=1, modes=("lin",))
    # right first derivative, wrong second: caught at order 2 only
    def cube(x):
        c = jax.lax.stop_gradient(x * x)
        return jax.lax.stop_gradient(x ** 3 - 3 * c * x) + 3 * c * x
    test_util.check_grads(cube, (x,), order=1)
    with pytest.raises(AssertionError, match=" of (JVP|VJP)"):
        test_util.check_grads(cube, (x,), order=2)


def test_check_jvp_and_check_vjp_take_derivative_functions():
    x = np.array([0.5, -1.0], np.float32)
    test_util.check_jvp(jnp.sin, lambda p, t: (jnp.sin(p[0]), jnp.cos(p[0]) * t[0]), (x,))
    with pytest.raises(AssertionError, match="tangent"):
        test_util.check_jvp(jnp.sin, lambda p, t: (jnp.sin(p[0]), jnp.sin(p[0]) * t[0]), (x,))
    test_util.check_vjp(jnp.sin, lambda x: (jnp.sin(x), lambda c: (jnp.cos(x) * c,)), (x,))
    with pytest.raises(AssertionError, match="cotangent projection"):
        test_util.check_vjp(jnp.sin, lambda x: (jnp.sin(x), lambda c: (2 * jnp.cos(x) * c,)), (x,))
