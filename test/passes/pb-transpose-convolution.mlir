// RUN: pullback-opt %s -pb-transpose --split-input-file --verify-diagnostics | filecheck %s
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - -pb-transpose --run=main \
// RUN:   --arg='[[[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]]' \
// RUN:   --arg='[[[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]]' \
// RUN:   | filecheck %s --check-prefix=NUM

// Transposes of pb.conv_general_dilated and pb.reduce_window_sum (JAX's rules): the
// cotangent of the lhs is a convolution of the cotangent with the reversed kernel (lhs
// dilated by the strides, in/out features swapped); of the rhs, a convolution of the lhs
// with the cotangent as its kernel (rhs dilated by the strides, batch and features
// swapped); reduce_window_sum's pads the cotangent with holes and sums windows again.

// CHECK-LABEL: func.func private @conv_T(
// CHECK-SAME: %[[W:.+]]: tensor<4x3x2xf32>, %[[CT:.+]]: tensor<2x4x3xf32>) -> tensor<2x3x6xf32>
// CHECK-NEXT: %[[R:.+]] = "pb.rev"(%[[W]]) {dimensions = array<i64: 2>}
// CHECK-NEXT: %[[X:.+]] = "pb.conv_general_dilated"(%[[CT]], %[[R]]) {batch_group_count = 1 : i64, feature_group_count = 1 : i64, lhs_dilation = array<i64: 2>, lhs_spec = array<i64: 0, 1, 2>, out_spec = array<i64: 0, 1, 2>, padding_high = array<i64: 2>, padding_low = array<i64: 0>, rhs_dilation = array<i64: 1>, rhs_spec = array<i64: 1, 0, 2>, window_strides = array<i64: 1>}
// CHECK-NEXT: return %[[X]]
// CHECK: // -----

// Numbers: with one tap w[0,0,0] = 1 (at window offset 0, padding 1 and stride 2), output
// j reads x[2j - 1]: the cotangent 1, 2, 3 of outputs 0..2 lands on x 1 and 3 (output 0
// read padding).
// NUM: result[0]: tensor<2x3x6xf32> = {{\[\[\[}}0.0, 2.0, 0.0, 3.0, 0.0, 0.0]
func.func @conv(%w: tensor<4x3x2xf32>, %x: tensor<2x3x6xf32>) -> tensor<2x4x3xf32> {
  %0 = "pb.conv_general_dilated"(%x, %w) {window_strides = array<i64: 2>, padding_low = array<i64: 1>, padding_high = array<i64: 0>, lhs_dilation = array<i64: 1>, rhs_dilation = array<i64: 1>, lhs_spec = array<i64: 0, 1, 2>, rhs_spec = array<i64: 0, 1, 2>, out_spec = array<i64: 0, 1, 2>, feature_group_count = 1, batch_group_count = 1} : (tensor<2x3x6xf32>, tensor<4x3x2xf32>) -> tensor<2x4x3xf32>
  return %0 : tensor<2x4x3xf32>
}
func.func private @conv_t(tensor<4x3x2xf32>, tensor<2x4x3xf32>) -> tensor<2x3x6xf32>
    attributes {pb.transform = {kind = "linear_transpose", callee = @conv, num_nonlinear = 1}}
func.func @main(%w: tensor<4x3x2xf32>, %ct: tensor<2x4x3xf32>) -> tensor<2x3x6xf32> {
  %0 = call @conv_t(%w, %ct) : (tensor<4x3x2xf32>, tensor<2x4x3xf32>) -> tensor<2x3x6xf32>
  return %0 : tensor<2x3x6xf32>
}

// -----

// CHECK-LABEL: func.func private @conv_T(
// CHECK-SAME: %[[X:.+]]: tensor<2x3x6xf32>, %[[CT:.+]]: tensor<2x4x3xf32>) -> tensor<4x3x2xf32>
// CHECK-NEXT: %[[W:.+]] = "pb.conv_general_dilated"(%[[X]], %[[CT]]) {batch_group_count = 1 : i64, feature_group_count = 1 : i64, lhs_dilation = array<i64: 1>, lhs_spec = array<i64: 1, 0, 2>, out_spec = array<i64: 1, 0, 2>, padding_high = array<i64: -1>, padding_low = array<i64: 1>, rhs_dilation = array<i64: 2>, rhs_spec = array<i64: 1, 0, 2>, window_strides = array<i64: 1>}
// CHECK-NEXT: return %[[W]]
// CHECK: // -----

func.func @conv(%x: tensor<2x3x6xf32>, %w: tensor<4x3x2xf32>) -> tensor<2x4x3xf32> {
  %0 = "pb.conv_general_dilated"(%x, %w) {window_strides = array<i64: 2>, padding_low = array<i64: 1>, padding_high = array<i64: 0>, lhs_dilation = array<i64: 1>, rhs_dilation = array<i64: 1>, lhs_spec = array<i64: 0, 1, 2>, rhs_spec = array<i64: 0, 1, 2>, out_spec = array<i64: 0, 1, 2>, feature_group_count = 1, batch_group_count = 1} : (tensor<2x3x6xf32>, tensor<4x3x2xf32>) -> tensor<2x4x3xf32>
  return %0 : tensor<2x4x3xf32>
}
func.func private @conv_t(tensor<2x3x6xf32>, tensor<2x4x3xf32>) -> tensor<4x3x2xf32>
    attributes {pb.transform = {kind = "linear_transpose", callee = @conv, num_nonlinear = 1}}
func.func @main(%x: tensor<2x3x6xf32>, %ct: tensor<2x4x3xf32>) -> tensor<4x3x2xf32> {
  %0 = call @conv_t(%x, %ct) : (tensor<2x3x6xf32>, tensor<2x4x3xf32>) -> tensor<4x3x2xf32>
  return %0 : tensor<4x3x2xf32>
}

// -----

// CHECK-LABEL: func.func private @sum_T(
// CHECK-SAME: %[[CT:.+]]: tensor<3xf32>) -> tensor<5xf32>
// CHECK: %[[P:.+]] = "pb.pad"(%[[CT]], %{{.+}}) {high = array<i64: 1>, interior = array<i64: 1>, low = array<i64: 1>} : (tensor<3xf32>, tensor<f32>) -> tensor<7xf32>
// CHECK-NEXT: %[[S:.+]] = "pb.reduce_window_sum"(%[[P]]) {base_dilation = array<i64: 1>, padding_high = array<i64: 0>, padding_low = array<i64: 0>, window_dilation = array<i64: 1>, window_dimensions = array<i64: 3>, window_strides = array<i64: 1>} : (tensor<7xf32>) -> tensor<5xf32>
// CHECK-NEXT: return %[[S]]

func.func @sum(%x: tensor<5xf32>) -> tensor<3xf32> {
  %0 = "pb.reduce_window_sum"(%x) {window_dimensions = array<i64: 3>, window_strides = array<i64: 2>, padding_low = array<i64: 1>, padding_high = array<i64: 1>, base_dilation = array<i64: 1>, window_dilation = array<i64: 1>} : (tensor<5xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func private @sum_t(tensor<3xf32>) -> tensor<5xf32>
    attributes {pb.transform = {kind = "linear_transpose", callee = @sum}}
func.func @main(%ct: tensor<3xf32>) -> tensor<5xf32> {
  %0 = call @sum_t(%ct) : (tensor<3xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// A convolution of a linear value with itself is diagnosed at the op.
func.func @square(%x: tensor<2x2x3xf32>) -> tensor<2x2x1xf32> {
  // expected-error @+1 {{pb-transpose: the function is not linear: 'pb.conv_general_dilated' multiplies two linear values}}
  %0 = "pb.conv_general_dilated"(%x, %x) {window_strides = array<i64: 1>, padding_low = array<i64: 0>, padding_high = array<i64: 0>, lhs_dilation = array<i64: 1>, rhs_dilation = array<i64: 1>, lhs_spec = array<i64: 0, 1, 2>, rhs_spec = array<i64: 0, 1, 2>, out_spec = array<i64: 0, 1, 2>, feature_group_count = 1, batch_group_count = 1} : (tensor<2x2x3xf32>, tensor<2x2x3xf32>) -> tensor<2x2x1xf32>
  return %0 : tensor<2x2x1xf32>
}
func.func private @square_T(tensor<2x2x1xf32>) -> tensor<2x2x3xf32>
    attributes {pb.transform = {kind = "linear_transpose", callee = @square}}
