// RUN: pullback-opt %s -pb-jvp --split-input-file --verify-diagnostics | filecheck %s
// RUN: sed -n '/^\/\/ -----/,$p' %s | tail -n +2 | pullback-opt - -pb-jvp --run=main \
// RUN:   --arg='[[1.0, 3.0, 2.0, 2.0], [5.0, 4.0, 0.0, 7.0]]' --arg='[[10.0, 20.0, 30.0, 40.0], [50.0, 60.0, 70.0, 80.0]]' \
// RUN:   | filecheck %s --check-prefix=NUM

// JVP rules of pb.conv_general_dilated (bilinear: the op applied to each tangent with the
// other primal, summed) and pb.reduce_window_max (each window's tangent at its first
// maximum, XLA's select_and_gather_add: one strided slice of operand and tangent per
// window tap, and strict comparisons so that ties keep the earlier tap).

// CHECK-LABEL: func.func private @conv_jvp_2(
// CHECK-SAME: %[[X:.+]]: tensor<2x3x6xf32>, %[[W:.+]]: tensor<4x3x2xf32>, %[[TX:.+]]: tensor<2x3x6xf32>, %[[TW:.+]]: tensor<4x3x2xf32>)
// CHECK-NEXT: %[[Y:.+]] = "pb.conv_general_dilated"(%[[X]], %[[W]])
// CHECK-NEXT: %[[A:.+]] = "pb.conv_general_dilated"(%[[TX]], %[[W]])
// CHECK-NEXT: %[[B:.+]] = "pb.conv_general_dilated"(%[[X]], %[[TW]])
// CHECK-NEXT: %[[T:.+]] = "pb.add"(%[[A]], %[[B]])
// CHECK-NEXT: return %[[Y]], %[[T]]
// CHECK: // -----
func.func @conv(%x: tensor<2x3x6xf32>, %w: tensor<4x3x2xf32>) -> tensor<2x4x3xf32> {
  %0 = "pb.conv_general_dilated"(%x, %w) {window_strides = array<i64: 2>, padding_low = array<i64: 1>, padding_high = array<i64: 0>, lhs_dilation = array<i64: 1>, rhs_dilation = array<i64: 1>, lhs_spec = array<i64: 0, 1, 2>, rhs_spec = array<i64: 0, 1, 2>, out_spec = array<i64: 0, 1, 2>, feature_group_count = 1, batch_group_count = 1} : (tensor<2x3x6xf32>, tensor<4x3x2xf32>) -> tensor<2x4x3xf32>
  return %0 : tensor<2x4x3xf32>
}
func.func private @conv_jvp(tensor<2x3x6xf32>, tensor<4x3x2xf32>, tensor<2x3x6xf32>, tensor<4x3x2xf32>) -> (tensor<2x4x3xf32>, tensor<2x4x3xf32>)
    attributes {pb.transform = {kind = "jvp", callee = @conv}}
func.func @main(%x: tensor<2x3x6xf32>, %w: tensor<4x3x2xf32>, %tx: tensor<2x3x6xf32>, %tw: tensor<4x3x2xf32>) -> (tensor<2x4x3xf32>, tensor<2x4x3xf32>) {
  %0:2 = call @conv_jvp(%x, %w, %tx, %tw) : (tensor<2x3x6xf32>, tensor<4x3x2xf32>, tensor<2x3x6xf32>, tensor<4x3x2xf32>) -> (tensor<2x4x3xf32>, tensor<2x4x3xf32>)
  return %0#0, %0#1 : tensor<2x4x3xf32>, tensor<2x4x3xf32>
}

// -----

// CHECK-LABEL: func.func private @pool_jvp_2(
// CHECK-SAME: %[[X:.+]]: tensor<2x4xf32>, %[[T:.+]]: tensor<2x4xf32>)
// CHECK: %[[Y:.+]] = "pb.reduce_window_max"(%[[X]])
// CHECK-DAG: %[[X0:.+]] = "pb.slice"(%[[X]]) {limit_indices = array<i64: 2, 3>, start_indices = array<i64: 0, 0>, strides = array<i64: 1, 2>}
// CHECK-DAG: %[[T0:.+]] = "pb.slice"(%[[T]]) {limit_indices = array<i64: 2, 3>, start_indices = array<i64: 0, 0>, strides = array<i64: 1, 2>}
// CHECK-DAG: %[[X1:.+]] = "pb.slice"(%[[X]]) {limit_indices = array<i64: 2, 4>, start_indices = array<i64: 0, 1>, strides = array<i64: 1, 2>}
// CHECK-DAG: %[[T1:.+]] = "pb.slice"(%[[T]]) {limit_indices = array<i64: 2, 4>, start_indices = array<i64: 0, 1>, strides = array<i64: 1, 2>}
// CHECK: %[[GT:.+]] = "pb.compare"(%[[X1]], %[[X0]]) {direction = "GT"}
// CHECK: %[[TT:.+]] = "pb.select"(%[[GT]], %[[T1]], %[[T0]])
// CHECK: return %[[Y]], %[[TT]]

// Numbers: the window (2, 2) is a tie and takes the first tangent (30).
// NUM: result[0]: tensor<2x2xf32> = {{\[\[}}3.0, 2.0], [5.0, 7.0]]
// NUM: result[1]: tensor<2x2xf32> = {{\[\[}}20.0, 30.0], [50.0, 80.0]]

func.func @pool(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %0 = "pb.reduce_window_max"(%x) {window_dimensions = array<i64: 1, 2>, window_strides = array<i64: 1, 2>, padding_low = array<i64: 0, 0>, padding_high = array<i64: 0, 0>, base_dilation = array<i64: 1, 1>, window_dilation = array<i64: 1, 1>} : (tensor<2x4xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
func.func private @pool_jvp(tensor<2x4xf32>, tensor<2x4xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>)
    attributes {pb.transform = {kind = "jvp", callee = @pool}}
func.func @main(%x: tensor<2x4xf32>, %t: tensor<2x4xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %0:2 = call @pool_jvp(%x, %t) : (tensor<2x4xf32>, tensor<2x4xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>)
  return %0#0, %0#1 : tensor<2x2xf32>, tensor<2x2xf32>
}
