// RUN: pullback-opt %s -pb-transpose | filecheck %s

// Transposes of the shape family's linear ops (dialects/ops/shape.py), as JAX's:
// each request's declaration gets a body calling the generated @<callee>_T.

// broadcast_in_dim^T sums over the new dims (0, 2) and the expanded size-1 dim
// (operand dim 1 went to output dim 2), then reshapes back to the operand.
// CHECK-LABEL: func.func @bcast(
// CHECK-LABEL: func.func private @bcast_T(
// CHECK-SAME: %[[CT:.+]]: tensor<2x3x4xf32>) -> tensor<3x1xf32>
// CHECK: %[[R:.+]] = call @bcast_T_{{[0-9]+}}(%[[CT]])
// CHECK: return %[[R]] : tensor<3x1xf32>
// CHECK-LABEL: func.func @call_bcast(
// CHECK: call @bcast_T(
func.func @bcast(%t: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %0 = "pb.broadcast_in_dim"(%t) {shape = array<i64: 2, 3, 4>, broadcast_dimensions = array<i64: 1, 2>} : (tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}
func.func private @bcast_T(tensor<2x3x4xf32>) -> tensor<3x1xf32>
    attributes {pb.transform = {kind = "linear_transpose", callee = @bcast, num_nonlinear = 0 : i64}}
func.func @call_bcast(%ct: tensor<2x3x4xf32>) -> tensor<3x1xf32> {
  %0 = func.call @bcast_T(%ct) : (tensor<2x3x4xf32>) -> tensor<3x1xf32>
  return %0 : tensor<3x1xf32>
}

// slice^T pads the cotangent with zeros: low = start, interior = stride - 1, and
// high up to the operand size past the last element read (here 7 - 5 = 2 and
// 8 - 7 = 1; the limit 8 itself is never read).
// CHECK-LABEL: func.func @strided(
// CHECK-LABEL: func.func private @strided_T(
// CHECK: call @strided_T_{{[0-9]+}}(
// CHECK-LABEL: func.func @call_strided(
// CHECK: call @strided_T(
func.func @strided(%t: tensor<7x8xf32>) -> tensor<2x3xf32> {
  %0 = "pb.slice"(%t) {start_indices = array<i64: 1, 2>, limit_indices = array<i64: 6, 8>, strides = array<i64: 3, 2>} : (tensor<7x8xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
func.func private @strided_T(tensor<2x3xf32>) -> tensor<7x8xf32>
    attributes {pb.transform = {kind = "linear_transpose", callee = @strided, num_nonlinear = 0 : i64}}
func.func @call_strided(%ct: tensor<2x3xf32>) -> tensor<7x8xf32> {
  %0 = func.call @strided_T(%ct) : (tensor<2x3xf32>) -> tensor<7x8xf32>
  return %0 : tensor<7x8xf32>
}

// pad^T (JAX's _pad_transpose): for x, undo the edges (negative low/high become
// zero padding where x was cropped), then take every (interior + 1)-th element;
// for the padding value, the sum of the cotangent minus the part x received.
// CHECK-LABEL: func.func @padded(
// CHECK-LABEL: func.func private @padded_T(
// CHECK-SAME: %[[CT:.+]]: tensor<5xf32>) -> (tensor<3xf32>, tensor<f32>)
// CHECK: %[[R:.+]]:2 = call @padded_T_{{[0-9]+}}(%[[CT]])
// CHECK: return %[[R]]#0, %[[R]]#1 : tensor<3xf32>, tensor<f32>
// CHECK-LABEL: func.func @call_padded(
// CHECK: call @padded_T(
func.func @padded(%x: tensor<3xf32>, %v: tensor<f32>) -> tensor<5xf32> {
  %0 = "pb.pad"(%x, %v) {low = array<i64: -1>, high = array<i64: -1>, interior = array<i64: 2>} : (tensor<3xf32>, tensor<f32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}
func.func private @padded_T(tensor<5xf32>) -> (tensor<3xf32>, tensor<f32>)
    attributes {pb.transform = {kind = "linear_transpose", callee = @padded, num_nonlinear = 0 : i64}}
func.func @call_padded(%ct: tensor<5xf32>) -> (tensor<3xf32>, tensor<f32>) {
  %0:2 = func.call @padded_T(%ct) : (tensor<5xf32>) -> (tensor<3xf32>, tensor<f32>)
  return %0#0, %0#1 : tensor<3xf32>, tensor<f32>
}

// dynamic_slice^T with its start index a non-linear input: the cotangent is
// written into zeros at the same (clamped) start.
// CHECK-LABEL: func.func @window(
// CHECK-LABEL: func.func private @window_T(
// CHECK: call @window_T_{{[0-9]+}}(
// CHECK-LABEL: func.func @call_window(
// CHECK: call @window_T(
func.func @window(%i: tensor<i32>, %t: tensor<5xf32>) -> tensor<2xf32> {
  %0 = "pb.dynamic_slice"(%t, %i) {slice_sizes = array<i64: 2>} : (tensor<5xf32>, tensor<i32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
func.func private @window_T(tensor<i32>, tensor<2xf32>) -> tensor<5xf32>
    attributes {pb.transform = {kind = "linear_transpose", callee = @window, num_nonlinear = 1 : i64}}
func.func @call_window(%i: tensor<i32>, %ct: tensor<2xf32>) -> tensor<5xf32> {
  %0 = func.call @window_T(%i, %ct) : (tensor<i32>, tensor<2xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// The generated transposes follow the module's functions, in request order.
// CHECK-LABEL: func.func private @bcast_T_{{[0-9]+}}(
// CHECK-SAME: %[[CT:.+]]: tensor<2x3x4xf32>) -> tensor<3x1xf32>
// CHECK: %[[S:.+]] = "pb.reduce_sum"(%[[CT]]) {axes = array<i64: 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3xf32>
// CHECK: %[[R:.+]] = "pb.reshape"(%[[S]]) {new_sizes = array<i64: 3, 1>} : (tensor<3xf32>) -> tensor<3x1xf32>
// CHECK: return %[[R]] : tensor<3x1xf32>

// CHECK-LABEL: func.func private @strided_T_{{[0-9]+}}(
// CHECK-SAME: %[[CT:.+]]: tensor<2x3xf32>) -> tensor<7x8xf32>
// CHECK: %[[Z:.+]] = "pb.constant"() {value = dense<0.000000e+00> : tensor<f32>} : () -> tensor<f32>
// CHECK: %[[P:.+]] = "pb.pad"(%[[CT]], %[[Z]]) {high = array<i64: 2, 1>, interior = array<i64: 2, 1>, low = array<i64: 1, 2>} : (tensor<2x3xf32>, tensor<f32>) -> tensor<7x8xf32>
// CHECK: return %[[P]] : tensor<7x8xf32>

// CHECK-LABEL: func.func private @padded_T_{{[0-9]+}}(
// CHECK-SAME: %[[CT:.+]]: tensor<5xf32>) -> (tensor<3xf32>, tensor<f32>)
// CHECK: %[[Z:.+]] = "pb.constant"() {value = dense<0.000000e+00> : tensor<f32>} : () -> tensor<f32>
// CHECK: %[[U:.+]] = "pb.pad"(%[[CT]], %[[Z]]) {high = array<i64: 1>, interior = array<i64: 0>, low = array<i64: 1>} : (tensor<5xf32>, tensor<f32>) -> tensor<7xf32>
// CHECK: %[[TX:.+]] = "pb.slice"(%[[U]]) {limit_indices = array<i64: 7>, start_indices = array<i64: 0>, strides = array<i64: 3>} : (tensor<7xf32>) -> tensor<3xf32>
// CHECK: %[[ALL:.+]] = "pb.reduce_sum"(%[[CT]]) {axes = array<i64: 0>} : (tensor<5xf32>) -> tensor<f32>
// CHECK: %[[XS:.+]] = "pb.reduce_sum"(%[[TX]]) {axes = array<i64: 0>} : (tensor<3xf32>) -> tensor<f32>
// CHECK: %[[TV:.+]] = "pb.sub"(%[[ALL]], %[[XS]]) : (tensor<f32>, tensor<f32>) -> tensor<f32>
// CHECK: return %[[TX]], %[[TV]] : tensor<3xf32>, tensor<f32>

// CHECK-LABEL: func.func private @window_T_{{[0-9]+}}(
// CHECK-SAME: %[[I:.+]]: tensor<i32>, %[[CT:.+]]: tensor<2xf32>) -> tensor<5xf32>
// CHECK: %[[Z:.+]] = "pb.constant"() {value = dense<0.000000e+00> : tensor<5xf32>} : () -> tensor<5xf32>
// CHECK: %[[R:.+]] = "pb.dynamic_update_slice"(%[[Z]], %[[CT]], %[[I]]) : (tensor<5xf32>, tensor<2xf32>, tensor<i32>) -> tensor<5xf32>
// CHECK: return %[[R]] : tensor<5xf32>
