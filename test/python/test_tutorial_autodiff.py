"""The examples of JAX's "Advanced automatic differentiation" tutorial (and its "Forward-
and reverse-mode autodiff" twin), run as written with pullback in place of jax.

Printed values that do not depend on random draws are compared with the tutorial's
output. Values that do (W, b, v, u, X, V come from jax.random) are compared with JAX
itself running the same code, when JAX is installed: pullback.random reproduces
JAX's threefry bits, so both sides see the same numbers. (The tutorial's printed
Jacobians came from an older JAX whose random draws differ.)
"""
from __future__ import annotations

import types

import numpy as np
import pytest

import pullback
import pullback.numpy as pnp
from pullback import random as prandom

def pullback_api():
    return types.SimpleNamespace(jax=pullback, jnp=pnp, random=prandom)


def jax_api():
    jax = pytest.importorskip("jax")
    import jax.numpy as jnp
    from jax import random
    return types.SimpleNamespace(jax=jax, jnp=jnp, random=random)


def close(a, b, rtol=1e-5, atol=1e-6):
    pullback.tree_util.tree_map(
        lambda x, y: np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=rtol, atol=atol), a, b)


# ---- Taking gradients (part 2): higher-order derivatives ------------------------------

def test_hessian_of_dot_product_is_twice_identity():
    jax, jnp = pullback, pnp

    def hessian(f):
        return jax.jacfwd(jax.grad(f))

    def f(x):
        return jnp.dot(x, x)
    H = hessian(f)(jnp.array([1., 2., 3.]))
    assert H.dtype == np.float32
    np.testing.assert_array_equal(np.asarray(H), [[2., 0., 0.], [0., 2., 0.], [0., 0., 2.]])


# ---- Higher-order optimization: MAML ------------------------------------------------

def maml(api, lr=0.1):
    """The tutorial's meta-gradient, with a small concrete loss_fn, params and data."""
    jax, jnp = api.jax, api.jnp

    def loss_fn(params, data):
        inputs, targets = data
        preds = jnp.tanh(jnp.sum(inputs * params, axis=1))
        return jnp.mean((preds - targets) ** 2)

    def meta_loss_fn(params, data):
        """Computes the loss after one step of SGD."""
        grads = jax.grad(loss_fn)(params, data)
        return loss_fn(params - lr * grads, data)

    params = jnp.array([0.5, -0.3, 0.8])
    data = (jnp.array([[1.0, 2.0, -1.0], [0.5, -0.5, 2.0], [-1.5, 0.3, 0.7], [0.2, 0.9, -0.4]]),
            jnp.array([0.3, -0.2, 0.9, 0.1]))
    meta_grads = jax.grad(meta_loss_fn)(params, data)
    return meta_loss_fn(params, data), meta_grads


def test_maml_meta_gradient_matches_finite_differences():
    value, meta_grads = maml(pullback_api())
    assert meta_grads.shape == (3,) and meta_grads.dtype == np.float32
    # The meta-loss by central differences, in float64 numpy with the same formulas.
    x = np.array([[1.0, 2.0, -1.0], [0.5, -0.5, 2.0], [-1.5, 0.3, 0.7], [0.2, 0.9, -0.4]])
    y = np.array([0.3, -0.2, 0.9, 0.1])

    def loss(p):
        return np.mean((np.tanh(x @ p) - y) ** 2)

    def grad(p):
        r = np.tanh(x @ p)
        return x.T @ (2 * (r - y) * (1 - r ** 2)) / len(y)

    def meta(p):
        return loss(p - 0.1 * grad(p))
    p = np.array([0.5, -0.3, 0.8])
    eps = 1e-6
    fd = [(meta(p + eps * e) - meta(p - eps * e)) / (2 * eps) for e in np.eye(3)]
    close(value, meta(p))
    close(meta_grads, fd, rtol=1e-4, atol=1e-6)


def test_maml_meta_gradient_matches_jax():
    want = maml(jax_api())
    close(maml(pullback_api()), want, rtol=1e-5, atol=1e-7)


# ---- Stopping gradients: TD(0) -----------------------------------------------------

def td_setup(jnp):
    value_fn = lambda theta, state: jnp.dot(theta, state)  # noqa: E731
    theta = jnp.array([0.1, -0.1, 0.])
    s_tm1 = jnp.array([1., 2., -1.])
    r_t = jnp.array(1.)
    s_t = jnp.array([2., 1., 0.])
    return value_fn, theta, s_tm1, r_t, s_t


def td_loss_naive(value_fn):
    def td_loss(theta, s_tm1, r_t, s_t):
        v_tm1 = value_fn(theta, s_tm1)
        target = r_t + value_fn(theta, s_t)
        return -0.5 * ((target - v_tm1) ** 2)
    return td_loss


def td_loss_stopped(value_fn):
    def td_loss(theta, s_tm1, r_t, s_t):
        v_tm1 = value_fn(theta, s_tm1)
        target = r_t + value_fn(theta, s_t)
        return -0.5 * ((pullback.lax.stop_gradient(target) - v_tm1) ** 2)
    return td_loss


def test_td0_without_stop_gradient():
    value_fn, theta, s_tm1, r_t, s_t = td_setup(pnp)
    delta_theta = pullback.grad(td_loss_naive(value_fn))(theta, s_tm1, r_t, s_t)
    assert delta_theta.dtype == np.float32
    close(delta_theta, [-1.2, 1.2, -1.2])


def test_td0_with_stop_gradient():
    value_fn, theta, s_tm1, r_t, s_t = td_setup(pnp)
    td_update = pullback.grad(td_loss_stopped(value_fn))
    delta_theta = td_update(theta, s_tm1, r_t, s_t)
    close(delta_theta, [1.2, 2.4, -1.2])
    # the original TD(0) expression gives the same update
    s_grad = pullback.grad(value_fn)(theta, s_tm1)
    delta_theta_original_calculation = (r_t + value_fn(theta, s_t) - value_fn(theta, s_tm1)) * s_grad
    close(delta_theta_original_calculation, [1.2, 2.4, -1.2])


def test_td0_unbatched_per_example_gradient():
    value_fn, theta, s_tm1, r_t, s_t = td_setup(pnp)
    dtdloss_dtheta = pullback.grad(td_loss_stopped(value_fn))
    close(dtdloss_dtheta(theta, s_tm1, r_t, s_t), [1.2, 2.4, -1.2])


def test_td0_per_example_gradients_with_vmap():
    jax, jnp = pullback, pnp
    value_fn, theta, s_tm1, r_t, s_t = td_setup(jnp)
    perex_grads = jax.jit(jax.vmap(jax.grad(td_loss_stopped(value_fn)), in_axes=(None, 0, 0, 0)))
    batched = [jnp.stack([a, a]) for a in (s_tm1, r_t, s_t)]
    close(perex_grads(theta, *batched), [[1.2, 2.4, -1.2], [1.2, 2.4, -1.2]])


# ---- Straight-through estimator ----------------------------------------------------

def test_straight_through_estimator(capsys):
    jax, jnp = pullback, pnp

    def f(x):
        return jnp.round(x)  # non-differentiable

    def straight_through_f(x):
        # Create an exactly-zero expression with Sterbenz lemma that has
        # an exactly-one gradient.
        zero = x - jax.lax.stop_gradient(x)
        return zero + jax.lax.stop_gradient(f(x))
    print("f(x): ", f(3.2))
    print("straight_through_f(x):", straight_through_f(3.2))
    print("grad(f)(x):", jax.grad(f)(3.2))
    print("grad(straight_through_f)(x):", jax.grad(straight_through_f)(3.2))
    assert capsys.readouterr().out.split("\n") == [
        "f(x):  3.0", "straight_through_f(x): 3.0", "grad(f)(x): 0.0", "grad(straight_through_f)(x): 1.0", ""]


# ---- Jacobians and Hessians of predict ---------------------------------------------

INPUTS = [[0.52, 1.12, 0.77],
          [0.88, -1.08, 0.15],
          [0.52, 0.06, -1.30],
          [0.74, -2.49, 1.39]]


def predict_setup(api):
    jax, jnp, random = api.jax, api.jnp, api.random

    def sigmoid(x):
        return 0.5 * (jnp.tanh(x / 2) + 1)

    def predict(W, b, inputs):
        return sigmoid(jnp.dot(inputs, W) + b)
    inputs = jnp.array(INPUTS)
    key = random.key(0)
    key, W_key, b_key = random.split(key, 3)
    W = random.normal(W_key, (3,))
    b = random.normal(b_key, ())
    return jax, jnp, random, key, predict, inputs, W, b


def jacobians(api):
    jax, jnp, random, key, predict, inputs, W, b = predict_setup(api)
    f = lambda W: predict(W, b, inputs)  # noqa: E731

    def predict_dict(params, inputs):
        return predict(params['W'], params['b'], inputs)

    def hessian(f):
        return jax.jacfwd(jax.jacrev(f))
    return {"fwd": jax.jacfwd(f)(W), "rev": jax.jacrev(f)(W),
            "dict": jax.jacrev(predict_dict)({'W': W, 'b': b}, inputs), "hessian": hessian(f)(W)}


def test_jacobians_of_predict():
    got = jacobians(pullback_api())
    assert got["fwd"].shape == got["rev"].shape == (4, 3)
    assert got["hessian"].shape == (4, 3, 3)
    assert set(got["dict"]) == {"W", "b"} and got["dict"]["b"].shape == (4,)
    close(got["fwd"], got["rev"])
    close(got["dict"]["W"], got["rev"])
    H = np.asarray(got["hessian"])
    np.testing.assert_allclose(H, np.swapaxes(H, 1, 2), rtol=1e-5, atol=1e-7)


def test_jacobians_of_predict_match_jax():
    close(jacobians(pullback_api()), jacobians(jax_api()))


# ---- How it's made: jvp and vjp ----------------------------------------------------

def jvp_vjp(api):
    jax, jnp, random, key, predict, inputs, W, b = predict_setup(api)
    f = lambda W: predict(W, b, inputs)  # noqa: E731
    key, subkey = random.split(key)
    v = random.normal(subkey, W.shape)
    # Push forward the vector `v` along `f` evaluated at `W`
    y, u = jax.jvp(f, (W,), (v,))
    y2, vjp_fun = jax.vjp(f, W)
    key, subkey = random.split(key)
    u2 = random.normal(subkey, y2.shape)
    # Pull back the covector `u` along `f` evaluated at `W`
    v2 = vjp_fun(u2)
    return {"y": y, "u": u, "y2": y2, "v2": v2, "v": v, "u2": u2}


def test_jvp_and_vjp_of_predict_are_adjoint():
    r = jvp_vjp(pullback_api())
    assert r["u"].shape == (4,) and isinstance(r["v2"], tuple) and r["v2"][0].shape == (3,)
    close(r["y"], r["y2"])
    # <u2, J v> == <J^T u2, v>
    close(np.dot(np.asarray(r["u2"]), np.asarray(r["u"])), np.dot(np.asarray(r["v2"][0]), np.asarray(r["v"])))


def test_jvp_and_vjp_of_predict_match_jax():
    close(jvp_vjp(pullback_api()), jvp_vjp(jax_api()))


def test_vector_valued_gradients_with_vjp(capsys):
    jax, jnp = pullback, pnp

    def vgrad(f, x):
        y, vjp_fn = jax.vjp(f, x)
        return vjp_fn(jnp.ones(y.shape))[0]
    print(vgrad(lambda x: 3*x**2, jnp.ones((2, 2))))
    assert capsys.readouterr().out == "[[6. 6.]\n [6. 6.]]\n"


# ---- Hessian-vector products -------------------------------------------------------

def hvps(api, shape=(3, 4)):
    """The tutorial's three HVPs and the dense-Hessian product, on smaller X and V than its
    (30, 40): without vmap, jacfwd(jacrev(f)) takes one VJP per row and one JVP per column."""
    jax, jnp, random = api.jax, api.jnp, api.random

    def hvp(f, primals, tangents):  # forward-over-reverse
        return jax.jvp(jax.grad(f), primals, tangents)[1]

    def hvp_revfwd(f, primals, tangents):  # reverse-over-forward
        g = lambda primals: jax.jvp(f, primals, tangents)[1]  # noqa: E731
        return jax.grad(g)(primals)

    def hvp_revrev(f, primals, tangents):  # reverse-over-reverse, only works for single arguments
        x, = primals
        v, = tangents
        return jax.grad(lambda x: jnp.vdot(jax.grad(f)(x), v))(x)

    def f(X):
        return jnp.sum(jnp.tanh(X)**2)

    def hessian(f):
        return jax.jacfwd(jax.jacrev(f))
    key = random.key(0)
    key, subkey1, subkey2 = random.split(key, 3)
    X = random.normal(subkey1, shape)
    V = random.normal(subkey2, shape)
    ans1 = hvp(f, (X,), (V,))
    ans2 = jnp.tensordot(hessian(f)(X), V, 2)
    return {"allclose": bool(jnp.allclose(ans1, ans2, 1e-4, 1e-4)), "fwdrev": ans1, "dense": ans2,
            "revfwd": hvp_revfwd(f, (X,), (V,))[0], "revrev": hvp_revrev(f, (X,), (V,)), "X": X, "V": V}


def test_hvp_allclose(capsys):
    r = hvps(pullback_api())
    print(r["allclose"])
    assert capsys.readouterr().out == "True\n"
    close(r["revfwd"], r["fwdrev"])
    close(r["revrev"], r["fwdrev"])
    # and the Hessian of sum(tanh(X)**2) in closed form (it is diagonal)
    X, V = np.asarray(r["X"], np.float64), np.asarray(r["V"], np.float64)
    t, s2 = np.tanh(X), 1 / np.cosh(X) ** 2
    close(r["fwdrev"], (2 * s2 ** 2 - 4 * t ** 2 * s2) * V, rtol=1e-4, atol=1e-5)


def test_hvp_matches_jax():
    close(hvps(pullback_api()), hvps(jax_api()), rtol=1e-4, atol=1e-5)


# ---- Composing VJPs, JVPs and vmap ---------------------------------------------------

def loop_products(api):
    jax, jnp, random, key, predict, inputs, W, b = predict_setup(api)
    f = lambda W: predict(W, b, inputs)  # noqa: E731

    def loop_mjp(f, x, M):
        y, vjp_fun = jax.vjp(f, x)
        return jnp.vstack([vjp_fun(mi)[0] for mi in M])  # [0]: vstack of tuples is deprecated in JAX

    def loop_jmp(f, W, M):
        # jvp immediately returns the primal and tangent values as a tuple,
        # so we'll compute and select the tangents in a list comprehension
        return jnp.vstack([jax.jvp(f, (W,), (mi,))[1] for mi in M])
    key = random.key(0)
    U = random.normal(key, (4, 4))   # the tutorial uses 128 covectors; the loop makes 4 enough
    S = random.normal(key, (4, 3))
    return {"mjp": loop_mjp(f, W, U), "jmp": loop_jmp(f, W, S), "J": jax.jacrev(f)(W), "U": U, "S": S}


def test_loop_matrix_jacobian_products():
    r = loop_products(pullback_api())
    J, U, S = (np.asarray(r[k], np.float64) for k in ("J", "U", "S"))
    close(r["mjp"], U @ J)
    close(r["jmp"], S @ J.T)


def test_loop_matrix_jacobian_products_match_jax():
    close(loop_products(pullback_api()), loop_products(jax_api()))


def test_vmap_matrix_jacobian_products():
    jax, jnp, random, key, predict, inputs, W, b = predict_setup(pullback_api())
    f = lambda W: predict(W, b, inputs)  # noqa: E731
    y, vjp_fun = jax.vjp(f, W)
    U = random.normal(key, (128,) + y.shape)
    outs, = jax.vmap(vjp_fun)(U)
    close(outs, jnp.vstack([vjp_fun(mi)[0] for mi in U]))
    S = random.normal(key, (128,) + W.shape)
    close(jax.vmap(lambda s: jax.jvp(f, (W,), (s,))[1])(S), jnp.vstack([jax.jvp(f, (W,), (s,))[1] for s in S]))


def test_our_jacfwd_and_jacrev_with_vmap():
    jax, jnp, random, key, predict, inputs, W, b = predict_setup(pullback_api())
    f = lambda W: predict(W, b, inputs)  # noqa: E731

    def our_jacrev(f):
        def jacfun(x):
            y, vjp_fun = jax.vjp(f, x)
            J, = jax.vmap(vjp_fun, in_axes=0)(jnp.eye(len(y)))
            return J
        return jacfun

    def our_jacfwd(f):
        def jacfun(x):
            _jvp = lambda s: jax.jvp(f, (x,), (s,))[1]  # noqa: E731
            Jt = jax.vmap(_jvp, in_axes=1)(jnp.eye(len(x)))
            return jnp.transpose(Jt)
        return jacfun
    assert jnp.allclose(jax.jacrev(f)(W), our_jacrev(f)(W))
    assert jnp.allclose(jax.jacfwd(f)(W), our_jacfwd(f)(W))


# ---- jit of the linear part, whatever the Python control flow ----------------------

def test_jit_of_vjp_through_python_control_flow(capsys):
    jax, jnp = pullback, pnp

    def f(x):
        try:
            if x < 3:
                return 2 * x ** 3
            else:
                raise ValueError
        except ValueError:
            return jnp.pi * x

    y, f_vjp = jax.vjp(f, 4.)
    print(jax.jit(f_vjp)(1.))
    assert capsys.readouterr().out == "(Array(3.1415927, dtype=float32, weak_type=True),)\n"
    close(y, 4 * np.pi)
    # the other branch
    y, f_vjp = jax.vjp(f, 2.)
    close(jax.jit(f_vjp)(1.)[0], 24.0)


# ---- Complex numbers: differentiating through a Cholesky decomposition --------------------

def _complex_cholesky_grad(api):
    jax, jnp = api.jax, api.jnp
    A = jnp.array([[5., 2.+3j, 5j],
                   [2.-3j, 7., 1.+7j],
                   [-5j, 1.-7j, 12.]])

    def f(X):
        L = jnp.linalg.cholesky(X)
        return jnp.sum((L - jnp.sin(L))**2)
    return jax.grad(f, holomorphic=True)(A)


def test_grad_through_complex_cholesky():
    got = _complex_cholesky_grad(pullback_api())
    assert got.dtype == np.complex64
    want = np.array([[-0.7534186 + 0.j, -3.0509028 - 10.940544j, 5.9896846 + 3.5423026j],
                     [-3.0509028 + 10.940544j, -8.904491 + 0.j, -5.1351523 - 6.559373j],
                     [5.9896846 - 3.5423026j, -5.1351523 + 6.559373j, 0.01320427 + 0.j]], np.complex64)
    close(got, want, rtol=1e-5, atol=2e-6)


def test_grad_through_complex_cholesky_matches_jax():
    close(_complex_cholesky_grad(pullback_api()), _complex_cholesky_grad(jax_api()), rtol=1e-5, atol=2e-6)
