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


def transformations():
    section("Transformations")
    for name in ("grad", "jvp", "vjp", "vmap", "jacfwd", "jacrev", "hessian", "custom_jvp", "custom_vjp"):
        if not hasattr(jax, name):
            print(f"  jax.{name}: not yet available (issues 4-6 build it as MLIR passes)")


def main():
    key, W, b, inputs, predict = setup_cells()
    value_functions()
    hessian_inputs(key)
    transformations()


if __name__ == "__main__":
    main()
