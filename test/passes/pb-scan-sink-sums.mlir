// RUN: pullback-opt %s --pb-scan-sink-sums | filecheck %s

// pb-scan-sink-sums: a scan carry that is only added to, by a dot_general or reduce_sum of
// per-step values, becomes ys (the increment's operands) and one contraction after the loop.

// The weight cotangent dW += h^T g: h is a row of an xs (read from that xs), g is stacked
// as a new y; after the loop one dot_general over the steps and the batch (merged into one
// dimension); the zero initial value is not added.
// CHECK-LABEL: func.func @weight_grad(
// CHECK-SAME: %[[W0:[^:]+]]: tensor<4x4xf32>, %[[HS:[^:]+]]: tensor<5x2x4xf32>)
// CHECK: %[[R:.+]]:2 = call @loop_sunk(%{{.+}}, %[[HS]]) : (tensor<2x4xf32>, tensor<5x2x4xf32>) -> (tensor<2x4xf32>, tensor<5x2x4xf32>)
// CHECK: %[[H:.+]] = "pb.reshape"(%[[HS]]) {new_sizes = array<i64: 10, 4>}
// CHECK: %[[G:.+]] = "pb.reshape"(%[[R]]#1) {new_sizes = array<i64: 10, 4>}
// CHECK: %[[DW:.+]] = "pb.dot_general"(%[[H]], %[[G]]) {lhs_batch = array<i64>, lhs_contracting = array<i64: 0>, rhs_batch = array<i64>, rhs_contracting = array<i64: 0>}
// CHECK: return %[[DW]], %[[R]]#0
func.func @weight_grad(%w0: tensor<4x4xf32>, %hs: tensor<5x2x4xf32>) -> (tensor<4x4xf32>, tensor<2x4xf32>) {
  %z = "pb.constant"() {value = dense<0.0> : tensor<4x4xf32>} : () -> tensor<4x4xf32>
  %g0 = "pb.constant"() {value = dense<1.0> : tensor<2x4xf32>} : () -> tensor<2x4xf32>
  %r:2 = call @loop(%z, %g0, %hs) : (tensor<4x4xf32>, tensor<2x4xf32>, tensor<5x2x4xf32>) -> (tensor<4x4xf32>, tensor<2x4xf32>)
  return %r#0, %r#1 : tensor<4x4xf32>, tensor<2x4xf32>
}
func.func private @loop(tensor<4x4xf32>, tensor<2x4xf32>, tensor<5x2x4xf32>) -> (tensor<4x4xf32>, tensor<2x4xf32>)
    attributes {pb.control = {kind = "scan", body = @body, length = 5, reverse = 1, num_consts = 0, num_carry = 2, unroll = 1}}
func.func private @body(%dw: tensor<4x4xf32>, %g: tensor<2x4xf32>, %h: tensor<2x4xf32>) -> (tensor<4x4xf32>, tensor<2x4xf32>) {
  %g2 = "pb.mul"(%g, %h) : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %t = "pb.dot_general"(%h, %g2) {lhs_batch = array<i64>, lhs_contracting = array<i64: 0>, rhs_batch = array<i64>, rhs_contracting = array<i64: 0>} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<4x4xf32>
  %new = "pb.add"(%dw, %t) : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %new, %g2 : tensor<4x4xf32>, tensor<2x4xf32>
}

// A bias cotangent db += sum(g, axis 0) with a nonzero initial value: one reduce_sum over
// the steps and axis 0, added to the initial value.
// CHECK-LABEL: func.func @bias_grad(
// CHECK-SAME: %[[B0:[^:]+]]: tensor<4xf32>, %[[GS:[^:]+]]: tensor<3x2x4xf32>)
// CHECK-NOT: call
// CHECK: %[[S:.+]] = "pb.reduce_sum"(%[[GS]]) {axes = array<i64: 0, 1>}
// CHECK-NOT: call
// CHECK: %[[B:.+]] = "pb.add"(%[[B0]], %[[S]])
// CHECK: return %[[B]]
func.func @bias_grad(%b0: tensor<4xf32>, %gs: tensor<3x2x4xf32>) -> tensor<4xf32> {
  %r = call @bias_loop(%b0, %gs) : (tensor<4xf32>, tensor<3x2x4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}
func.func private @bias_loop(tensor<4xf32>, tensor<3x2x4xf32>) -> tensor<4xf32>
    attributes {pb.control = {kind = "scan", body = @bias_body, length = 3, reverse = 0, num_consts = 0, num_carry = 1, unroll = 1}}
func.func private @bias_body(%db: tensor<4xf32>, %g: tensor<2x4xf32>) -> tensor<4xf32> {
  %t = "pb.reduce_sum"(%g) {axes = array<i64: 0>} : (tensor<2x4xf32>) -> tensor<4xf32>
  %new = "pb.add"(%t, %db) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %new : tensor<4xf32>
}

// Left alone: the carry is also read by the body (a running sum the step needs), the
// increment's operand is a loop constant, and an integer sum.
// CHECK-LABEL: func.func @left_alone(
// CHECK: call @read_loop(
// CHECK: call @const_loop(
// CHECK: call @int_loop(
// CHECK-NOT: _sunk
// The new body keeps the per-step value the sum needed (as a y), not the product itself.
// CHECK-LABEL: func.func private @body_sunk(
// CHECK-SAME: -> (tensor<2x4xf32>, tensor<2x4xf32>)
// CHECK-NOT: pb.dot_general
// CHECK: return
// CHECK: func.func private @loop_sunk({{.+}} attributes {pb.control = {body = @body_sunk, kind = "scan", length = 5 : i64, num_carry = 1 : i64, num_consts = 0 : i64, reverse = 1 : i64, unroll = 1 : i64}}
func.func @left_alone(%c: tensor<4xf32>, %gs: tensor<3x2x4xf32>, %w: tensor<2x4xf32>, %is: tensor<3x2x4xi32>, %i0: tensor<4xi32>)
    -> (tensor<4xf32>, tensor<2x4xf32>, tensor<4xf32>, tensor<4xi32>) {
  %r:2 = call @read_loop(%c, %gs) : (tensor<4xf32>, tensor<3x2x4xf32>) -> (tensor<4xf32>, tensor<3x4xf32>)
  %k = call @const_loop(%w, %w, %gs) : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<3x2x4xf32>) -> tensor<2x4xf32>
  %s = call @int_loop(%i0, %is) : (tensor<4xi32>, tensor<3x2x4xi32>) -> tensor<4xi32>
  return %r#0, %k, %c, %s : tensor<4xf32>, tensor<2x4xf32>, tensor<4xf32>, tensor<4xi32>
}
func.func private @read_loop(tensor<4xf32>, tensor<3x2x4xf32>) -> (tensor<4xf32>, tensor<3x4xf32>)
    attributes {pb.control = {kind = "scan", body = @read_body, length = 3, reverse = 0, num_consts = 0, num_carry = 1, unroll = 1}}
func.func private @read_body(%acc: tensor<4xf32>, %g: tensor<2x4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %t = "pb.reduce_sum"(%g) {axes = array<i64: 0>} : (tensor<2x4xf32>) -> tensor<4xf32>
  %new = "pb.add"(%acc, %t) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %new, %new : tensor<4xf32>, tensor<4xf32>
}
func.func private @const_loop(tensor<2x4xf32>, tensor<2x4xf32>, tensor<3x2x4xf32>) -> tensor<2x4xf32>
    attributes {pb.control = {kind = "scan", body = @const_body, length = 3, reverse = 0, num_consts = 1, num_carry = 1, unroll = 1}}
func.func private @const_body(%w: tensor<2x4xf32>, %acc: tensor<2x4xf32>, %g: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %t = "pb.dot_general"(%w, %g) {lhs_batch = array<i64: 0>, lhs_contracting = array<i64: 1>, rhs_batch = array<i64: 0>, rhs_contracting = array<i64: 1>} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2xf32>
  %b = "pb.broadcast_in_dim"(%t) {broadcast_dimensions = array<i64: 0>, shape = array<i64: 2, 4>} : (tensor<2xf32>) -> tensor<2x4xf32>
  %new = "pb.add"(%acc, %b) : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %new : tensor<2x4xf32>
}
func.func private @int_loop(tensor<4xi32>, tensor<3x2x4xi32>) -> tensor<4xi32>
    attributes {pb.control = {kind = "scan", body = @int_body, length = 3, reverse = 0, num_consts = 0, num_carry = 1, unroll = 1}}
func.func private @int_body(%acc: tensor<4xi32>, %g: tensor<2x4xi32>) -> tensor<4xi32> {
  %t = "pb.reduce_sum"(%g) {axes = array<i64: 0>} : (tensor<2x4xi32>) -> tensor<4xi32>
  %new = "pb.add"(%acc, %t) : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %new : tensor<4xi32>
}
