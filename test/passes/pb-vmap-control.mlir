// RUN: pullback-opt %s -pb-vmap | filecheck %s
// RUN: pullback-opt %s -pb-expand-transforms --run=main --arg='[0, 1, 5]' --arg='[1.0, 2.0, 3.0]' \
// RUN:   | filecheck %s --check-prefix=NUM

// A cond whose index is batched runs every branch on the whole batch and picks per lane
// with select (JAX's semantics); the index is clamped as lax.switch's (5 picks @neg).

// CHECK-LABEL: func.func private @g_vmap_2(
// CHECK-SAME: %[[I:[^:]+]]: tensor<3xi32>, %[[X:[^:]+]]: tensor<3xf32>)
// CHECK-DAG: %[[ID:.+]] = call @id_vmap(%[[X]])
// CHECK-DAG: %[[NEG:.+]] = call @neg_vmap(%[[X]])
// CHECK: "pb.max"(%[[I]]
// CHECK: %[[IS0:.+]] = "pb.compare"
// CHECK: %[[R:.+]] = "pb.select"(%[[IS0]], %[[ID]], %[[NEG]])
// CHECK: return %[[R]]
// CHECK-NOT: call @pick
// NUM: result[0]: tensor<3xf32> = [1.0, -2.0, -3.0]
func.func @main(%i: tensor<3xi32>, %x: tensor<3xf32>) -> tensor<3xf32> {
  %r = call @g_vmap(%i, %x) : (tensor<3xi32>, tensor<3xf32>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}
func.func private @g(%i: tensor<i32>, %x: tensor<f32>) -> tensor<f32> {
  %r = call @pick(%i, %x) : (tensor<i32>, tensor<f32>) -> tensor<f32>
  return %r : tensor<f32>
}
func.func private @pick(tensor<i32>, tensor<f32>) -> tensor<f32> attributes {pb.control = {kind = "cond", branches = [@id, @neg]}}
func.func private @id(%x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}
func.func private @neg(%x: tensor<f32>) -> tensor<f32> {
  %y = "pb.neg"(%x) : (tensor<f32>) -> tensor<f32>
  return %y : tensor<f32>
}
func.func private @g_vmap(tensor<3xi32>, tensor<3xf32>) -> tensor<3xf32>
    attributes {pb.transform = {kind = "vmap", callee = @g, in_axes = array<i64: 0, 0>, out_axes = array<i64: 0>, axis_size = 3}}
