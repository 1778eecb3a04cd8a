# make_jaxpr and jit structure: closures become arguments, nested jit becomes a call
# of a private function, static arguments are constants, pytrees flatten.
# RUN: %python %s | filecheck %s
import pullback as jax
import pullback.numpy as jnp


def show(f, *args, **kwargs):
    print(f"// ----- {f.__name__}")
    print(jax.make_jaxpr(f, **kwargs)(*args))


# A captured array is an extra argument after the explicit ones, never a constant.
# CHECK-LABEL: // ----- closure
# CHECK: func.func @{{.*}}closure(%[[X:.*]]: tensor<3xf32>, %[[W:.*]]: tensor<3x3xf32>) -> tensor<3xf32>
# CHECK-NOT: pb.constant
# CHECK: "pb.dot_general"(%[[W]], %[[X]])
w = jnp.ones((3, 3))


def closure(x):
    return w @ x


show(closure, jnp.ones(3))


# An inner jit is a func.call of a private function in the same module.
# CHECK-LABEL: // ----- nested
# CHECK: func.func @{{.*}}nested(%[[X:.*]]: tensor<3xf32>) -> tensor<3xf32>
# CHECK-NEXT: %[[C:.*]] = call @[[INNER:.*]](%[[X]]) : (tensor<3xf32>) -> tensor<3xf32>
# CHECK: "pb.add"(%[[C]], %{{.*}})
# CHECK: func.func private @[[INNER]](%[[A:.*]]: tensor<3xf32>) -> tensor<3xf32>
# CHECK-NEXT: "pb.sin"(%[[A]])
@jax.jit
def inner(a):
    return jnp.sin(a)


def nested(x):
    return inner(x) + 1.0


show(nested, jnp.ones(3))


# A static argument is a Python value at trace time: x ** 3 is integer_pow.
# CHECK-LABEL: // ----- static_power
# CHECK: func.func @{{.*}}static_power(%[[X:.*]]: tensor<3xf32>) -> tensor<3xf32>
# CHECK-NEXT: "pb.integer_pow"(%[[X]]) {y = 3 : i64}
def static_power(x, n):
    return x ** n


show(static_power, jnp.ones(3), 3, static_argnums=1)


# Pytree arguments and results flatten in order: dict keys sorted, tuples in order.
# CHECK-LABEL: // ----- pytrees
# CHECK: func.func @{{.*}}pytrees(%[[A:.*]]: tensor<2xf32>, %[[B:.*]]: tensor<3xi32>, %[[C:.*]]: tensor<f32>) -> (tensor<3xi32>, tensor<2xf32>)
# CHECK: return %[[B]], %{{.*}} : tensor<3xi32>, tensor<2xf32>
def pytrees(tree):
    d, c = tree
    return {"ints": d["b"], "scaled": d["a"] * c}


show(pytrees, ({"a": jnp.ones(2), "b": jnp.arange(3)}, jnp.ones(())))
