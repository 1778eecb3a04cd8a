# make_jaxpr of indexing: static slices, reversed steps, integer-array gathers,
# traced scalar indices and out-of-place .at updates.
# RUN: %python %s | filecheck %s
import numpy as np

import pullback as jax
import pullback.numpy as jnp


def show(f, *args):
    print(f"// ----- {f.__name__}")
    print(jax.make_jaxpr(f)(*args))


# A negative step slices with a positive stride, then reverses that dimension.
# CHECK-LABEL: // ----- slicing
# CHECK: func.func @{{.*}}slicing(%[[X:.*]]: tensor<4x5xf32>) -> tensor<3x3xf32>
# CHECK-NEXT: %[[S:.*]] = "pb.slice"(%[[X]]) {limit_indices = array<i64: 4, 5>, start_indices = array<i64: 1, 0>, strides = array<i64: 1, 2>} : (tensor<4x5xf32>) -> tensor<3x3xf32>
# CHECK-NEXT: %[[R:.*]] = "pb.rev"(%[[S]]) {dimensions = array<i64: 1>}
# CHECK-NEXT: return %[[R]]
def slicing(x):
    return x[1:, ::-2]


show(slicing, jnp.ones((4, 5)))


# An integer index drops the dimension with a reshape; None adds one.
# CHECK-LABEL: // ----- int_and_none
# CHECK: "pb.slice"(%{{.*}}) {limit_indices = array<i64: 3, 5>, start_indices = array<i64: 2, 0>, strides = array<i64: 1, 1>} : (tensor<4x5xf32>) -> tensor<1x5xf32>
# CHECK-NEXT: "pb.reshape"(%{{.*}}) {new_sizes = array<i64: 5, 1>} : (tensor<1x5xf32>) -> tensor<5x1xf32>
def int_and_none(x):
    return x[-2, :, None]


show(int_and_none, jnp.ones((4, 5)))


# A numpy index array wraps its negative entries on the host and, like any array made
# while tracing, is an argument of the function; one gather does the indexing.
# CHECK-LABEL: // ----- gather
# CHECK: func.func @{{.*}}gather(%[[X:.*]]: tensor<4x5xf32>, %[[IDX:.*]]: tensor<2xi32>) -> tensor<2x5xf32>
# CHECK-NOT: pb.select
# CHECK: %[[I:.*]] = "pb.reshape"(%[[IDX]]) {new_sizes = array<i64: 2, 1>} : (tensor<2xi32>) -> tensor<2x1xi32>
# CHECK-NEXT: "pb.gather"(%[[X]], %[[I]]) {collapsed_slice_dims = array<i64: 0>, mode = "clip", offset_dims = array<i64: 1>, slice_sizes = array<i64: 1, 5>, start_index_map = array<i64: 0>} : (tensor<4x5xf32>, tensor<2x1xi32>) -> tensor<2x5xf32>
def gather(x):
    return x[np.array([0, -1])]


show(gather, jnp.ones((4, 5)))


# A traced scalar index wraps negative values at run time, then is a dynamic_slice.
# CHECK-LABEL: // ----- traced_index
# CHECK: func.func @{{.*}}traced_index(%[[X:.*]]: tensor<4x5xf32>, %[[I:.*]]: tensor<i32>) -> tensor<5xf32>
# CHECK: "pb.compare"(%[[I]], %{{.*}}) {direction = "LT"}
# CHECK: "pb.select"
# CHECK: %[[D:.*]] = "pb.dynamic_slice"(%[[X]], %{{.*}}, %{{.*}}) {slice_sizes = array<i64: 1, 5>} : (tensor<4x5xf32>, tensor<i32>, tensor<i32>) -> tensor<1x5xf32>
# CHECK-NEXT: "pb.reshape"(%[[D]]) {new_sizes = array<i64: 5>}
def traced_index(x, i):
    return x[i]


show(traced_index, jnp.ones((4, 5)), jnp.array(1, dtype=jnp.int32))


# x.at[...].add is a scatter_add on the flattened array; the input is not modified.
# CHECK-LABEL: // ----- at_add
# CHECK: func.func @{{.*}}at_add(%[[X:.*]]: tensor<2x3xf32>) -> tensor<2x3xf32>
# CHECK: "pb.constant"() {value = dense<1.000000e+00> : tensor<f32>}
# CHECK-NOT: "pb.constant"
# CHECK: "pb.scatter_add"({{.*}}) {{.*}} : (tensor<6xf32>, tensor<4x1xi32>, tensor<4xf32>) -> tensor<6xf32>
# CHECK: "pb.reshape"({{.*}}) {new_sizes = array<i64: 2, 3>} : (tensor<6xf32>) -> tensor<2x3xf32>
def at_add(x):
    return x.at[:, 1:].add(1.0)


show(at_add, jnp.ones((2, 3)))
