"""The main job: the tutorials' code on pullback, with timings.

  python bench/tutorial_demo.py

Runs the cells of "Advanced automatic differentiation" and "Forward- and
reverse-mode autodiff in JAX" (../shared/seeds/) that pullback supports so
far, with `import pullback as jax` and `import pullback.numpy as jnp`, and
prints their results and how long each step takes (first call = trace +
compile; later calls hit the compile cache). Sections whose transformations
have not landed yet say so instead of failing.
"""
from __future__ import annotations

import time

import pullback as jax
import pullback.numpy as jnp


def timed(label, fn, repeat=50):
    t0 = time.perf_counter()
    out = fn()
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(repeat):
        fn()
    again = (time.perf_counter() - t0) / repeat
    print(f"  [{label}: first call {first * 1e3:.1f} ms, then {again * 1e6:.1f} us/call]")
    return out


def section(title):
    print(f"\n== {title}")


def setup_cells():
    section("Setup: random keys, sigmoid, predict, a toy dataset")
    from pullback import random
    key = random.key(0)
    key, W_key, b_key = random.split(key, 3)
    W = random.normal(W_key, (3,))
    b = random.normal(b_key, ())
    print("W =", W)
    print("b =", b)

    def sigmoid(x):
        return 0.5 * (jnp.tanh(x / 2) + 1)

    def predict(W, b, inputs):
        return sigmoid(jnp.dot(inputs, W) + b)

    inputs = jnp.array([[0.52, 1.12, 0.77],
                        [0.88, -1.08, 0.15],
                        [0.52, 0.06, -1.30],
                        [0.74, -2.49, 1.39]])
    print("predict(W, b, inputs) =", predict(W, b, inputs))
    timed("eager predict", lambda: predict(W, b, inputs))
    jpredict = jax.jit(predict)
    print("jit(predict)(W, b, inputs) =", timed("jit predict", lambda: jpredict(W, b, inputs)))
    return key, W, b, inputs, predict


def value_functions():
    section("TD(0) value function (the forward pass)")
    value_fn = lambda theta, state: jnp.dot(theta, state)  # noqa: E731
    theta = jnp.array([0.1, -0.1, 0.])
    s_tm1 = jnp.array([1., 2., -1.])
    r_t = jnp.array(1.)
    s_t = jnp.array([2., 1., 0.])
    v_tm1 = value_fn(theta, s_tm1)
    target = r_t + value_fn(theta, s_t)
    print("td error =", target - v_tm1)


def hessian_inputs(key):
    section("sum(tanh(X)**2) on X of 30x40")
    from pullback import random
    key, subkey1, subkey2 = random.split(key, 3)
    X = random.normal(subkey1, (30, 40))

    def f(X):
        return jnp.sum(jnp.tanh(X) ** 2)

    jf = jax.jit(f)
    print("f(X) =", timed("jit f", lambda: jf(X)))
    print(jax.make_jaxpr(f)(X))


def gradients(W, b, inputs, predict):
    section("Taking gradients: TD(0) with and without stop_gradient")
    value_fn = lambda theta, state: jnp.dot(theta, state)  # noqa: E731
    theta = jnp.array([0.1, -0.1, 0.])
    s_tm1, r_t, s_t = jnp.array([1., 2., -1.]), jnp.array(1.), jnp.array([2., 1., 0.])

    def td_loss(theta, s_tm1, r_t, s_t):
        v_tm1 = value_fn(theta, s_tm1)
        target = r_t + value_fn(theta, s_t)
        return -0.5 * ((target - v_tm1) ** 2)

    print("naive grad:", jax.grad(td_loss)(theta, s_tm1, r_t, s_t))

    def td_loss_sg(theta, s_tm1, r_t, s_t):
        v_tm1 = value_fn(theta, s_tm1)
        target = r_t + value_fn(theta, s_t)
        return -0.5 * ((jax.lax.stop_gradient(target) - v_tm1) ** 2)

    td_update = jax.grad(td_loss_sg)
    print("TD(0) update:", timed("non-jit grad", lambda: td_update(theta, s_tm1, r_t, s_t)))
    jtd = jax.jit(td_update)
    print("jit TD(0) update:", timed("jit grad", lambda: jtd(theta, s_tm1, r_t, s_t)))

    section("Straight-through estimator")

    def f(x):
        return jnp.round(x)

    def straight_through_f(x):
        zero = x - jax.lax.stop_gradient(x)
        return zero + jax.lax.stop_gradient(f(x))

    print("f(x): ", f(3.2))
    print("straight_through_f(x):", straight_through_f(3.2))
    print("grad(f)(x):", jax.grad(f)(3.2))
    print("grad(straight_through_f)(x):", jax.grad(straight_through_f)(3.2))

    section("jvp and vjp of predict")
    from pullback import random
    key = random.key(1)
    v = random.normal(key, W.shape)
    fW = lambda W: predict(W, b, inputs)  # noqa: E731
    y, u = jax.jvp(fW, (W,), (v,))
    print("jvp:", y, u)
    y, vjp_fun = jax.vjp(fW, W)
    print("vjp:", vjp_fun(jnp.ones(y.shape)))

    def vgrad(f, x):
        y, vjp_fn = jax.vjp(f, x)
        return vjp_fn(jnp.ones(y.shape))[0]
    print("vgrad:\n", vgrad(lambda x: 3 * x ** 2, jnp.ones((2, 2))))

    section("Python control flow under vjp, and jit of the pullback")

    def g(x):
        try:
            if x < 3:
                return 2 * x ** 3
            else:
                raise ValueError
        except ValueError:
            return jnp.pi * x

    y, f_vjp = jax.vjp(g, 4.)
    print(jax.jit(f_vjp)(1.))

    section("Hessian-vector products of sum(tanh(X)**2)")
    X = random.normal(random.key(2), (30, 40))
    V = random.normal(random.key(3), (30, 40))

    def fX(X):
        return jnp.sum(jnp.tanh(X) ** 2)

    def hvp(f, primals, tangents):
        return jax.jvp(jax.grad(f), primals, tangents)[1]

    def hvp_revfwd(f, primals, tangents):
        g = lambda primals: jax.jvp(f, primals, tangents)[1]  # noqa: E731
        return jax.grad(g)(primals)

    def hvp_revrev(f, primals, tangents):
        x, = primals
        v, = tangents
        return jax.grad(lambda x: jnp.vdot(jax.grad(f)(x), v))(x)

    a = timed("forward-over-reverse", lambda: hvp(fX, (X,), (V,)), repeat=10)
    b2 = timed("reverse-over-forward", lambda: hvp_revfwd(fX, (X,), (V,)), repeat=10)
    c = timed("reverse-over-reverse", lambda: hvp_revrev(fX, (X,), (V,)), repeat=10)
    print("modes agree:", jnp.allclose(a, b2, 1e-4, 1e-4), jnp.allclose(a, c, 1e-4, 1e-4))

    section("Jacobians and Hessians")
    J = jax.jacfwd(fW)(W)
    print("jacfwd result, with shape", J.shape)
    print(J)
    J = jax.jacrev(fW)(W)
    print("jacrev result, with shape", J.shape)
    print(J)
    H = jax.hessian(fW)(W)
    print("hessian, with shape", H.shape)


def batching(W, b, inputs, predict):
    from pullback import random
    key = random.key(0)
    section("Per-example gradients: jit(vmap(grad(td_loss), in_axes=(None, 0, 0, 0)))")
    value_fn = lambda theta, state: jnp.dot(theta, state)  # noqa: E731
    theta = jnp.array([0.1, -0.1, 0.])

    def td_loss(theta, s_tm1, r_t, s_t):
        v_tm1 = value_fn(theta, s_tm1)
        target = r_t + value_fn(theta, s_t)
        return -0.5 * ((jax.lax.stop_gradient(target) - v_tm1) ** 2)

    s_tm1, r_t, s_t = jnp.array([1., 2., -1.]), jnp.array(1.), jnp.array([2., 1., 0.])
    batched = [jnp.stack([x, x]) for x in (s_tm1, r_t, s_t)]
    perex_grads = jax.jit(jax.vmap(jax.grad(td_loss), in_axes=(None, 0, 0, 0)))
    print(timed("per-example grads", lambda: perex_grads(theta, *batched)))

    section("Matrix-Jacobian and Jacobian-matrix products with vmap")
    f = lambda W: predict(W, b, inputs)  # noqa: E731
    y, vjp_fun = jax.vjp(f, W)
    U = random.normal(key, (128,) + y.shape)
    loop = timed("MJP, loop of 128 pullbacks", lambda: jnp.vstack([vjp_fun(mi) for mi in U]), repeat=3)
    vm = timed("MJP, vmap of the pullback", lambda: jax.vmap(vjp_fun)(U), repeat=10)
    print("  loop and vmap agree:", jnp.allclose(loop, vm[0]))
    S = random.normal(key, (128,) + W.shape)
    loop = timed("JMP, loop of 128 jvps", lambda: jnp.vstack([jax.jvp(f, (W,), (s,))[1] for s in S]), repeat=3)
    vm = timed("JMP, vmap of jvp", lambda: jax.vmap(lambda s: jax.jvp(f, (W,), (s,))[1])(S), repeat=10)
    print("  loop and vmap agree:", jnp.allclose(loop, vm))

    section("our_jacfwd / our_jacrev: vmap over the standard basis")

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

    print("jacrev matches our_jacrev:", jnp.allclose(jax.jacrev(f)(W), our_jacrev(f)(W)))
    print("jacfwd matches our_jacfwd:", jnp.allclose(jax.jacfwd(f)(W), our_jacfwd(f)(W)))


def custom_rules():
    section("custom_jvp: a numerically stable log1pexp")

    @jax.custom_jvp
    def log1pexp(x):
        return jnp.log(1. + jnp.exp(x))

    @log1pexp.defjvp
    def log1pexp_jvp(primals, tangents):
        x, = primals
        x_dot, = tangents
        ans = log1pexp(x)
        return ans, (1 - 1 / (1 + jnp.exp(x))) * x_dot

    print("grad(log1pexp)(100.) =", timed("jit(grad(log1pexp))", lambda: jax.jit(jax.grad(log1pexp))(100.)))
    print("vmap(jit(grad(log1pexp)))(jnp.arange(3.)) =", jax.vmap(jax.jit(jax.grad(log1pexp)))(jnp.arange(3.)))

    section("custom_jvp: f(x) = x / (1 + sqrt(x)) at 0")

    @jax.custom_jvp
    def f(x):
        return x / (1 + jnp.sqrt(x))

    @f.defjvp
    def f_jvp(primals, tangents):
        x, = primals
        x_dot, = tangents
        ans = f(x)
        return ans, ((jnp.sqrt(x) + 2) / (2 * (jnp.sqrt(x) + 1) ** 2)) * x_dot

    print("grad(f)(0.) =", jax.grad(f)(0.))

    section("custom_vjp: gradient clipping")
    from functools import partial

    @partial(jax.custom_vjp, nondiff_argnums=(0, 1))
    def clip_gradient(lo, hi, x):
        return x

    def clip_gradient_fwd(lo, hi, x):
        return x, None

    def clip_gradient_bwd(lo, hi, _, g):
        return (jnp.clip(g, lo, hi),)

    clip_gradient.defvjp(clip_gradient_fwd, clip_gradient_bwd)

    def clip_sin(x):
        x = clip_gradient(-0.75, 0.75, x)
        return jnp.sin(x)

    t = jnp.linspace(0, 10, 5)
    print("vmap(grad(clip_sin)) =", timed("vmap(grad(clip_sin))", lambda: jax.vmap(jax.grad(clip_sin))(t), repeat=5))


def main():
    key, W, b, inputs, predict = setup_cells()
    value_functions()
    hessian_inputs(key)
    gradients(W, b, inputs, predict)
    batching(W, b, inputs, predict)
    custom_rules()


if __name__ == "__main__":
    main()
