// RUN: pullback-opt %s -pb-simplify | filecheck %s

// CHECK-LABEL: func.func @cse_and_dce
// CHECK-NEXT:    %[[S:.*]] = "pb.sin"(%arg0)
// CHECK-NEXT:    return %[[S]], %[[S]]
func.func @cse_and_dce(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %0 = "pb.sin"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  %1 = "pb.sin"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  %dead = "pb.cos"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// Zeros that flow through linear ops stay zeros; adding them folds away.
// CHECK-LABEL: func.func @fold_zero
// CHECK-NOT:     pb.broadcast_in_dim
// CHECK-NOT:     pb.add
// CHECK:         return %arg0
func.func @fold_zero(%x: tensor<3xf32>) -> tensor<3xf32> {
  %z = "pb.constant"() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %zb = "pb.broadcast_in_dim"(%z) {broadcast_dimensions = array<i64>, shape = array<i64: 3>} : (tensor<f32>) -> tensor<3xf32>
  %0 = "pb.add"(%x, %zb) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// A product with zero is kept: x * 0 is NaN for non-finite x.
// CHECK-LABEL: func.func @keep_mul_zero
// CHECK:         "pb.mul"
func.func @keep_mul_zero(%x: tensor<f32>) -> tensor<f32> {
  %z = "pb.constant"() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %0 = "pb.mul"(%x, %z) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// Attributes take part in CSE.
// CHECK-LABEL: func.func @cse_respects_attributes
// CHECK-COUNT-2: "pb.integer_pow"
func.func @cse_respects_attributes(%x: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %0 = "pb.integer_pow"(%x) {y = 2 : i64} : (tensor<f32>) -> tensor<f32>
  %1 = "pb.integer_pow"(%x) {y = 3 : i64} : (tensor<f32>) -> tensor<f32>
  return %0, %1 : tensor<f32>, tensor<f32>
}
