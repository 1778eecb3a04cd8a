# make_jaxpr of jnp programs: promotion with weak types, broadcasting, products, reductions.
# RUN: %python %s | filecheck %s
import pullback as jax
import pullback.numpy as jnp


def show(f, *args):
    print(f"// ----- {f.__name__}")
    print(jax.make_jaxpr(f)(*args))


# Python scalars are weak: they become constants of the array's dtype, broadcast explicitly.
# CHECK-LABEL: // ----- elementwise
# CHECK: func.func @{{.*}}elementwise(%[[X:.*]]: tensor<2x3xf32>) -> tensor<2x3xf32>
# CHECK-NEXT: %[[T:.*]] = "pb.tanh"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
# CHECK-NEXT: %[[C:.*]] = "pb.constant"() {value = dense<2.000000e+00> : tensor<f32>}
# CHECK-NEXT: %[[B:.*]] = "pb.broadcast_in_dim"(%[[C]]) {broadcast_dimensions = array<i64>, shape = array<i64: 2, 3>}
# CHECK-NEXT: %[[M:.*]] = "pb.mul"(%[[T]], %[[B]])
# CHECK: %[[A:.*]] = "pb.add"(%[[M]], %{{.*}}) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
# CHECK-NEXT: return %[[A]]
def elementwise(x):
    return jnp.tanh(x) * 2.0 + 1


show(elementwise, jnp.ones((2, 3)))


# float16 + 1.0 stays float16: no conversion of the array, an f16 constant.
# CHECK-LABEL: // ----- half_plus_scalar
# CHECK: func.func @{{.*}}half_plus_scalar(%[[X:.*]]: tensor<3xf16>) -> tensor<3xf16>
# CHECK-NOT: convert_element_type
# CHECK: "pb.constant"() {value = dense<1.000000e+00> : tensor<f16>}
# CHECK: "pb.add"(%[[X]], %{{.*}}) : (tensor<3xf16>, tensor<3xf16>) -> tensor<3xf16>
def half_plus_scalar(x):
    return x + 1.0


show(half_plus_scalar, jnp.ones(3, dtype=jnp.float16))


# int32 * 2.5 promotes the array to float32.
# CHECK-LABEL: // ----- int_times_float
# CHECK: func.func @{{.*}}int_times_float(%[[X:.*]]: tensor<3xi32>) -> tensor<3xf32>
# CHECK-NEXT: %[[F:.*]] = "pb.convert_element_type"(%[[X]]) {new_dtype = "float32"} : (tensor<3xi32>) -> tensor<3xf32>
# CHECK: "pb.mul"(%[[F]], %{{.*}}) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
def int_times_float(x):
    return x * 2.5


show(int_times_float, jnp.ones(3, dtype=jnp.int32))


# Two arrays of different shapes broadcast with broadcast_in_dim along the trailing dims.
# CHECK-LABEL: // ----- broadcasting
# CHECK: func.func @{{.*}}broadcasting(%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<3xf32>) -> tensor<2x3xf32>
# CHECK-NEXT: %[[BB:.*]] = "pb.broadcast_in_dim"(%[[B]]) {broadcast_dimensions = array<i64: 1>, shape = array<i64: 2, 3>}
# CHECK-NEXT: "pb.sub"(%[[A]], %[[BB]])
def broadcasting(a, b):
    return a - b


show(broadcasting, jnp.ones((2, 3)), jnp.ones(3))


# CHECK-LABEL: // ----- matmul
# CHECK: func.func @{{.*}}matmul(%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<3x4xf32>) -> tensor<2x4xf32>
# CHECK-NEXT: "pb.dot_general"(%[[A]], %[[B]]) {lhs_batch = array<i64>, lhs_contracting = array<i64: 1>, rhs_batch = array<i64>, rhs_contracting = array<i64: 0>} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
def matmul(a, b):
    return a @ b


show(matmul, jnp.ones((2, 3)), jnp.ones((3, 4)))


# A batched matmul broadcasts the batch dims, then contracts with batch dimensions.
# CHECK-LABEL: // ----- batched_matmul
# CHECK: %[[BA:.*]] = "pb.broadcast_in_dim"(%{{.*}}) {{.*}} : (tensor<1x3x4xf32>) -> tensor<2x3x4xf32>
# CHECK: "pb.dot_general"(%[[BA]], %{{.*}}) {lhs_batch = array<i64: 0>, lhs_contracting = array<i64: 2>, rhs_batch = array<i64: 0>, rhs_contracting = array<i64: 1>} : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
def batched_matmul(a, b):
    return jnp.matmul(a, b)


show(batched_matmul, jnp.ones((1, 3, 4)), jnp.ones((2, 4, 5)))


# einsum: one dot_general with a batch dimension, then a transpose to the output order.
# CHECK-LABEL: // ----- einsum_batch
# CHECK: func.func @{{.*}}einsum_batch(%[[A:.*]]: tensor<2x3x4xf32>, %[[B:.*]]: tensor<2x4x5xf32>) -> tensor<5x2x3xf32>
# CHECK-NEXT: %[[D:.*]] = "pb.dot_general"(%[[A]], %[[B]]) {lhs_batch = array<i64: 0>, lhs_contracting = array<i64: 2>, rhs_batch = array<i64: 0>, rhs_contracting = array<i64: 1>} : {{.*}} -> tensor<2x3x5xf32>
# CHECK-NEXT: "pb.transpose"(%[[D]]) {permutation = array<i64: 2, 0, 1>} : (tensor<2x3x5xf32>) -> tensor<5x2x3xf32>
def einsum_batch(a, b):
    return jnp.einsum("bij,bjk->kbi", a, b)


show(einsum_batch, jnp.ones((2, 3, 4)), jnp.ones((2, 4, 5)))


# einsum sums a letter used by one operand only before contracting.
# CHECK-LABEL: // ----- einsum_sum_first
# CHECK: %[[S:.*]] = "pb.reduce_sum"(%{{.*}}) {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2xf32>
# CHECK-NEXT: "pb.dot_general"(%[[S]], %{{.*}}) {lhs_batch = array<i64>, lhs_contracting = array<i64: 0>, rhs_batch = array<i64>, rhs_contracting = array<i64: 0>} : (tensor<2xf32>, tensor<2x4xf32>) -> tensor<4xf32>
def einsum_sum_first(a, b):
    return jnp.einsum("ij,ik->k", a, b)


show(einsum_sum_first, jnp.ones((2, 3)), jnp.ones((2, 4)))


# mean with keepdims: a sum, a reshape and a division by the count.
# CHECK-LABEL: // ----- mean_keepdims
# CHECK: %[[S:.*]] = "pb.reduce_sum"(%{{.*}}) {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2xf32>
# CHECK-NEXT: %[[R:.*]] = "pb.reshape"(%[[S]]) {new_sizes = array<i64: 2, 1>} : (tensor<2xf32>) -> tensor<2x1xf32>
# CHECK: "pb.constant"() {value = dense<3.000000e+00> : tensor<f32>}
# CHECK: "pb.div"(%[[R]], %{{.*}}) : (tensor<2x1xf32>, tensor<2x1xf32>) -> tensor<2x1xf32>
def mean_keepdims(x):
    return jnp.mean(x, axis=1, keepdims=True)


show(mean_keepdims, jnp.ones((2, 3)))


# CHECK-LABEL: // ----- argmax_int
# CHECK: "pb.argmax"(%{{.*}}) {axis = 0 : i64, index_dtype = "int32"} : (tensor<4xi32>) -> tensor<i32>
def argmax_int(x):
    return jnp.argmax(x)


show(argmax_int, jnp.arange(4))
