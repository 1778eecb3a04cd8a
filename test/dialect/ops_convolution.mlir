// RUN: pullback-opt %s | pullback-opt | filecheck %s

// Round trip of the convolution and windowed-reduction families.

// CHECK-LABEL: func.func @conv_nhwc
// CHECK: "pb.conv_general_dilated"(%{{.*}}, %{{.*}}) {batch_group_count = 1 : i64, feature_group_count = 1 : i64, lhs_dilation = array<i64: 1, 1>, lhs_spec = array<i64: 0, 3, 1, 2>, out_spec = array<i64: 0, 3, 1, 2>, padding_high = array<i64: 1, 1>, padding_low = array<i64: 1, 1>, rhs_dilation = array<i64: 1, 1>, rhs_spec = array<i64: 3, 2, 0, 1>, window_strides = array<i64: 1, 1>} : (tensor<2x5x5x3xf32>, tensor<3x3x3x8xf32>) -> tensor<2x5x5x8xf32>
func.func @conv_nhwc(%x: tensor<2x5x5x3xf32>, %w: tensor<3x3x3x8xf32>) -> tensor<2x5x5x8xf32> {
  %0 = "pb.conv_general_dilated"(%x, %w) {window_strides = array<i64: 1, 1>, padding_low = array<i64: 1, 1>, padding_high = array<i64: 1, 1>, lhs_dilation = array<i64: 1, 1>, rhs_dilation = array<i64: 1, 1>, lhs_spec = array<i64: 0, 3, 1, 2>, rhs_spec = array<i64: 3, 2, 0, 1>, out_spec = array<i64: 0, 3, 1, 2>, feature_group_count = 1, batch_group_count = 1} : (tensor<2x5x5x3xf32>, tensor<3x3x3x8xf32>) -> tensor<2x5x5x8xf32>
  return %0 : tensor<2x5x5x8xf32>
}

// Depthwise (3 feature groups), integers.
// CHECK-LABEL: func.func @conv_depthwise
// CHECK: "pb.conv_general_dilated"{{.*}}feature_group_count = 3 : i64{{.*}} : (tensor<1x4x4x3xi32>, tensor<3x3x1x3xi32>) -> tensor<1x4x4x3xi32>
func.func @conv_depthwise(%x: tensor<1x4x4x3xi32>, %w: tensor<3x3x1x3xi32>) -> tensor<1x4x4x3xi32> {
  %0 = "pb.conv_general_dilated"(%x, %w) {window_strides = array<i64: 1, 1>, padding_low = array<i64: 1, 1>, padding_high = array<i64: 1, 1>, lhs_dilation = array<i64: 1, 1>, rhs_dilation = array<i64: 1, 1>, lhs_spec = array<i64: 0, 3, 1, 2>, rhs_spec = array<i64: 3, 2, 0, 1>, out_spec = array<i64: 0, 3, 1, 2>, feature_group_count = 3, batch_group_count = 1} : (tensor<1x4x4x3xi32>, tensor<3x3x1x3xi32>) -> tensor<1x4x4x3xi32>
  return %0 : tensor<1x4x4x3xi32>
}

// Transposed (lhs dilation 2), atrous (rhs dilation 2), strided, 1-D.
// CHECK-LABEL: func.func @conv_dilated
// CHECK: "pb.conv_general_dilated"{{.*}} : (tensor<1x2x5xf64>, tensor<3x2x2xf64>) -> tensor<1x3x4xf64>
func.func @conv_dilated(%x: tensor<1x2x5xf64>, %w: tensor<3x2x2xf64>) -> tensor<1x3x4xf64> {
  %0 = "pb.conv_general_dilated"(%x, %w) {window_strides = array<i64: 2>, padding_low = array<i64: 0>, padding_high = array<i64: 0>, lhs_dilation = array<i64: 2>, rhs_dilation = array<i64: 2>, lhs_spec = array<i64: 0, 1, 2>, rhs_spec = array<i64: 0, 1, 2>, out_spec = array<i64: 0, 1, 2>, feature_group_count = 1, batch_group_count = 1} : (tensor<1x2x5xf64>, tensor<3x2x2xf64>) -> tensor<1x3x4xf64>
  return %0 : tensor<1x3x4xf64>
}

// CHECK-LABEL: func.func @pools
// CHECK: "pb.reduce_window_max"{{.*}} : (tensor<2x6x6x3xf32>) -> tensor<2x3x3x3xf32>
// CHECK: "pb.reduce_window_min"{{.*}} : (tensor<2x6x6x3xf32>) -> tensor<2x3x3x3xf32>
// CHECK: "pb.reduce_window_sum"{{.*}} : (tensor<7xi32>) -> tensor<6xi32>
func.func @pools(%x: tensor<2x6x6x3xf32>, %y: tensor<7xi32>) -> (tensor<2x3x3x3xf32>, tensor<2x3x3x3xf32>, tensor<6xi32>) {
  %0 = "pb.reduce_window_max"(%x) {window_dimensions = array<i64: 1, 2, 2, 1>, window_strides = array<i64: 1, 2, 2, 1>, padding_low = array<i64: 0, 0, 0, 0>, padding_high = array<i64: 0, 0, 0, 0>, base_dilation = array<i64: 1, 1, 1, 1>, window_dilation = array<i64: 1, 1, 1, 1>} : (tensor<2x6x6x3xf32>) -> tensor<2x3x3x3xf32>
  %1 = "pb.reduce_window_min"(%x) {window_dimensions = array<i64: 1, 2, 2, 1>, window_strides = array<i64: 1, 2, 2, 1>, padding_low = array<i64: 0, 0, 0, 0>, padding_high = array<i64: 0, 0, 0, 0>, base_dilation = array<i64: 1, 1, 1, 1>, window_dilation = array<i64: 1, 1, 1, 1>} : (tensor<2x6x6x3xf32>) -> tensor<2x3x3x3xf32>
  %2 = "pb.reduce_window_sum"(%y) {window_dimensions = array<i64: 3>, window_strides = array<i64: 1>, padding_low = array<i64: 1>, padding_high = array<i64: 0>, base_dilation = array<i64: 1>, window_dilation = array<i64: 1>} : (tensor<7xi32>) -> tensor<6xi32>
  return %0, %1, %2 : tensor<2x3x3x3xf32>, tensor<2x3x3x3xf32>, tensor<6xi32>
}
