// RUN: pullback-opt %s -pb-vmap --split-input-file --verify-diagnostics | filecheck %s

// Batching rules of pb.conv_general_dilated (JAX's _conv_general_dilated_batch_rule) and
// pb.reduce_window_*: both operands batched makes the batch more feature groups (one
// kernel per member); a batched lhs grows the conv's batch; the batch dimension of a
// windowed reduction gets a window of one and stays where it is.

// CHECK-LABEL: func.func private @conv_vmap_2(
// CHECK-SAME: %[[X:.+]]: tensor<6x2x3x5xf32>, %[[W:.+]]: tensor<6x4x3x2xf32>) -> tensor<2x6x4x4xf32>
// CHECK-NEXT: %[[XT:.+]] = "pb.transpose"(%[[X]]) {permutation = array<i64: 1, 0, 2, 3>}
// CHECK-NEXT: %[[XR:.+]] = "pb.reshape"(%[[XT]]) {new_sizes = array<i64: 2, 18, 5>}
// CHECK-NEXT: %[[WR:.+]] = "pb.reshape"(%[[W]]) {new_sizes = array<i64: 24, 3, 2>}
// CHECK-NEXT: %[[Y:.+]] = "pb.conv_general_dilated"(%[[XR]], %[[WR]]) {batch_group_count = 1 : i64, feature_group_count = 6 : i64,
// CHECK-SAME: -> tensor<2x24x4xf32>
// CHECK-NEXT: %[[YR:.+]] = "pb.reshape"(%[[Y]]) {new_sizes = array<i64: 2, 6, 4, 4>}
// CHECK-NEXT: return %[[YR]]
// CHECK: // -----
func.func @conv(%x: tensor<2x3x5xf32>, %w: tensor<4x3x2xf32>) -> tensor<2x4x4xf32> {
  %0 = "pb.conv_general_dilated"(%x, %w) {window_strides = array<i64: 1>, padding_low = array<i64: 0>, padding_high = array<i64: 0>, lhs_dilation = array<i64: 1>, rhs_dilation = array<i64: 1>, lhs_spec = array<i64: 0, 1, 2>, rhs_spec = array<i64: 0, 1, 2>, out_spec = array<i64: 0, 1, 2>, feature_group_count = 1, batch_group_count = 1} : (tensor<2x3x5xf32>, tensor<4x3x2xf32>) -> tensor<2x4x4xf32>
  return %0 : tensor<2x4x4xf32>
}
func.func private @conv_vmap(tensor<6x2x3x5xf32>, tensor<6x4x3x2xf32>) -> tensor<6x2x4x4xf32>
    attributes {pb.transform = {kind = "vmap", callee = @conv, in_axes = array<i64: 0, 0>, out_axes = array<i64: 0>, axis_size = 6}}
func.func @main(%x: tensor<6x2x3x5xf32>, %w: tensor<6x4x3x2xf32>) -> tensor<6x2x4x4xf32> {
  %0 = call @conv_vmap(%x, %w) : (tensor<6x2x3x5xf32>, tensor<6x4x3x2xf32>) -> tensor<6x2x4x4xf32>
  return %0 : tensor<6x2x4x4xf32>
}


// -----

// CHECK-LABEL: func.func private @conv_vmap_2(
// CHECK-SAME: %[[X:.+]]: tensor<2x6x3x5xf32>, %[[W:.+]]: tensor<4x3x2xf32>) -> tensor<6x2x4x4xf32>
// CHECK-NEXT: %[[XT:.+]] = "pb.transpose"(%[[X]]) {permutation = array<i64: 1, 0, 2, 3>}
// CHECK-NEXT: %[[XR:.+]] = "pb.reshape"(%[[XT]]) {new_sizes = array<i64: 12, 3, 5>}
// CHECK-NEXT: %[[Y:.+]] = "pb.conv_general_dilated"(%[[XR]], %[[W]]) {batch_group_count = 1 : i64, feature_group_count = 1 : i64,
// CHECK-SAME: -> tensor<12x4x4xf32>
// CHECK-NEXT: %[[YR:.+]] = "pb.reshape"(%[[Y]]) {new_sizes = array<i64: 6, 2, 4, 4>}
// CHECK-NEXT: return %[[YR]]
// CHECK: // -----

func.func @conv(%x: tensor<2x3x5xf32>, %w: tensor<4x3x2xf32>) -> tensor<2x4x4xf32> {
  %0 = "pb.conv_general_dilated"(%x, %w) {window_strides = array<i64: 1>, padding_low = array<i64: 0>, padding_high = array<i64: 0>, lhs_dilation = array<i64: 1>, rhs_dilation = array<i64: 1>, lhs_spec = array<i64: 0, 1, 2>, rhs_spec = array<i64: 0, 1, 2>, out_spec = array<i64: 0, 1, 2>, feature_group_count = 1, batch_group_count = 1} : (tensor<2x3x5xf32>, tensor<4x3x2xf32>) -> tensor<2x4x4xf32>
  return %0 : tensor<2x4x4xf32>
}
func.func private @conv_vmap(tensor<2x6x3x5xf32>, tensor<4x3x2xf32>) -> tensor<6x2x4x4xf32>
    attributes {pb.transform = {kind = "vmap", callee = @conv, in_axes = array<i64: 1, -1>, out_axes = array<i64: 0>, axis_size = 6}}
func.func @main(%x: tensor<2x6x3x5xf32>, %w: tensor<4x3x2xf32>) -> tensor<6x2x4x4xf32> {
  %0 = call @conv_vmap(%x, %w) : (tensor<2x6x3x5xf32>, tensor<4x3x2xf32>) -> tensor<6x2x4x4xf32>
  return %0 : tensor<6x2x4x4xf32>
}

// -----

// CHECK-LABEL: func.func private @pool_vmap_2(
// CHECK-NEXT: "pb.reduce_window_max"(%{{.+}}) {base_dilation = array<i64: 1, 1, 1>, padding_high = array<i64: 0, 0, 0>, padding_low = array<i64: 0, 0, 0>, window_dilation = array<i64: 1, 1, 1>, window_dimensions = array<i64: 1, 1, 2>, window_strides = array<i64: 1, 1, 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x2xf32>
func.func @pool(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %0 = "pb.reduce_window_max"(%x) {window_dimensions = array<i64: 1, 2>, window_strides = array<i64: 1, 2>, padding_low = array<i64: 0, 0>, padding_high = array<i64: 0, 0>, base_dilation = array<i64: 1, 1>, window_dilation = array<i64: 1, 1>} : (tensor<2x4xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
func.func private @pool_vmap(tensor<2x3x4xf32>) -> tensor<2x3x2xf32>
    attributes {pb.transform = {kind = "vmap", callee = @pool, in_axes = array<i64: 1>, out_axes = array<i64: 1>, axis_size = 3}}
func.func @main(%x: tensor<2x3x4xf32>) -> tensor<2x3x2xf32> {
  %0 = call @pool_vmap(%x) : (tensor<2x3x4xf32>) -> tensor<2x3x2xf32>
  return %0 : tensor<2x3x2xf32>
}
