// RUN: pullback-opt %s --split-input-file --verify-diagnostics

// One case per constraint of pb.conv_general_dilated and pb.reduce_window_*.

func.func @dtype_mismatch(%x: tensor<1x2x5xf32>, %w: tensor<3x2x2xf64>) -> tensor<1x3x4xf32> {
  // expected-error @+1 {{pb.conv_general_dilated operands must have equal dtypes, got float32 and float64}}
  %0 = "pb.conv_general_dilated"(%x, %w) {window_strides = array<i64: 1>, padding_low = array<i64: 0>, padding_high = array<i64: 0>, lhs_dilation = array<i64: 1>, rhs_dilation = array<i64: 1>, lhs_spec = array<i64: 0, 1, 2>, rhs_spec = array<i64: 0, 1, 2>, out_spec = array<i64: 0, 1, 2>, feature_group_count = 1, batch_group_count = 1} : (tensor<1x2x5xf32>, tensor<3x2x2xf64>) -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

func.func @rank(%x: tensor<1x2x5xf32>, %w: tensor<3x2xf32>) -> tensor<1x3x4xf32> {
  // expected-error @+1 {{pb.conv_general_dilated lhs and rhs must have the same rank (at least 2), got [1, 2, 5] and [3, 2]}}
  %0 = "pb.conv_general_dilated"(%x, %w) {window_strides = array<i64: 1>, padding_low = array<i64: 0>, padding_high = array<i64: 0>, lhs_dilation = array<i64: 1>, rhs_dilation = array<i64: 1>, lhs_spec = array<i64: 0, 1, 2>, rhs_spec = array<i64: 0, 1, 2>, out_spec = array<i64: 0, 1, 2>, feature_group_count = 1, batch_group_count = 1} : (tensor<1x2x5xf32>, tensor<3x2xf32>) -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

func.func @spec(%x: tensor<1x2x5xf32>, %w: tensor<3x2x2xf32>) -> tensor<1x3x4xf32> {
  // expected-error @+1 {{pb.conv_general_dilated lhs_spec must be a permutation of [0, 3), got [0, 0, 2]}}
  %0 = "pb.conv_general_dilated"(%x, %w) {window_strides = array<i64: 1>, padding_low = array<i64: 0>, padding_high = array<i64: 0>, lhs_dilation = array<i64: 1>, rhs_dilation = array<i64: 1>, lhs_spec = array<i64: 0, 0, 2>, rhs_spec = array<i64: 0, 1, 2>, out_spec = array<i64: 0, 1, 2>, feature_group_count = 1, batch_group_count = 1} : (tensor<1x2x5xf32>, tensor<3x2x2xf32>) -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

func.func @strides(%x: tensor<1x2x5xf32>, %w: tensor<3x2x2xf32>) -> tensor<1x3x4xf32> {
  // expected-error @+1 {{pb.conv_general_dilated window_strides must have one entry per spatial dimension (1), got [1, 1]}}
  %0 = "pb.conv_general_dilated"(%x, %w) {window_strides = array<i64: 1, 1>, padding_low = array<i64: 0>, padding_high = array<i64: 0>, lhs_dilation = array<i64: 1>, rhs_dilation = array<i64: 1>, lhs_spec = array<i64: 0, 1, 2>, rhs_spec = array<i64: 0, 1, 2>, out_spec = array<i64: 0, 1, 2>, feature_group_count = 1, batch_group_count = 1} : (tensor<1x2x5xf32>, tensor<3x2x2xf32>) -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

func.func @dilation(%x: tensor<1x2x5xf32>, %w: tensor<3x2x2xf32>) -> tensor<1x3x4xf32> {
  // expected-error @+1 {{pb.conv_general_dilated rhs_dilation must be positive, got [0]}}
  %0 = "pb.conv_general_dilated"(%x, %w) {window_strides = array<i64: 1>, padding_low = array<i64: 0>, padding_high = array<i64: 0>, lhs_dilation = array<i64: 1>, rhs_dilation = array<i64: 0>, lhs_spec = array<i64: 0, 1, 2>, rhs_spec = array<i64: 0, 1, 2>, out_spec = array<i64: 0, 1, 2>, feature_group_count = 1, batch_group_count = 1} : (tensor<1x2x5xf32>, tensor<3x2x2xf32>) -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

func.func @features(%x: tensor<1x2x5xf32>, %w: tensor<3x3x2xf32>) -> tensor<1x3x4xf32> {
  // expected-error @+1 {{pb.conv_general_dilated lhs feature dimension size divided by feature_group_count must equal the rhs input feature dimension size, but 2 // 1 != 3}}
  %0 = "pb.conv_general_dilated"(%x, %w) {window_strides = array<i64: 1>, padding_low = array<i64: 0>, padding_high = array<i64: 0>, lhs_dilation = array<i64: 1>, rhs_dilation = array<i64: 1>, lhs_spec = array<i64: 0, 1, 2>, rhs_spec = array<i64: 0, 1, 2>, out_spec = array<i64: 0, 1, 2>, feature_group_count = 1, batch_group_count = 1} : (tensor<1x2x5xf32>, tensor<3x3x2xf32>) -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

func.func @both_groups(%x: tensor<2x2x5xf32>, %w: tensor<4x1x2xf32>) -> tensor<1x4x4xf32> {
  // expected-error @+1 {{pb.conv_general_dilated: at most one of batch_group_count and feature_group_count may be > 1}}
  %0 = "pb.conv_general_dilated"(%x, %w) {window_strides = array<i64: 1>, padding_low = array<i64: 0>, padding_high = array<i64: 0>, lhs_dilation = array<i64: 1>, rhs_dilation = array<i64: 1>, lhs_spec = array<i64: 0, 1, 2>, rhs_spec = array<i64: 0, 1, 2>, out_spec = array<i64: 0, 1, 2>, feature_group_count = 2, batch_group_count = 2} : (tensor<2x2x5xf32>, tensor<4x1x2xf32>) -> tensor<1x4x4xf32>
  return %0 : tensor<1x4x4xf32>
}

// -----

func.func @batch_groups(%x: tensor<3x2x5xf32>, %w: tensor<4x2x2xf32>) -> tensor<1x4x4xf32> {
  // expected-error @+1 {{pb.conv_general_dilated batch_group_count must divide lhs batch dimension size, but 2 does not divide 3}}
  %0 = "pb.conv_general_dilated"(%x, %w) {window_strides = array<i64: 1>, padding_low = array<i64: 0>, padding_high = array<i64: 0>, lhs_dilation = array<i64: 1>, rhs_dilation = array<i64: 1>, lhs_spec = array<i64: 0, 1, 2>, rhs_spec = array<i64: 0, 1, 2>, out_spec = array<i64: 0, 1, 2>, feature_group_count = 1, batch_group_count = 2} : (tensor<3x2x5xf32>, tensor<4x2x2xf32>) -> tensor<1x4x4xf32>
  return %0 : tensor<1x4x4xf32>
}

// -----

func.func @negative_padding(%x: tensor<1x2x5xf32>, %w: tensor<3x2x2xf32>) -> tensor<1x3x0xf32> {
  // expected-error @+1 {{pb.conv_general_dilated negative padding is larger than spatial dimension 0 of the lhs}}
  %0 = "pb.conv_general_dilated"(%x, %w) {window_strides = array<i64: 1>, padding_low = array<i64: -6>, padding_high = array<i64: 0>, lhs_dilation = array<i64: 1>, rhs_dilation = array<i64: 1>, lhs_spec = array<i64: 0, 1, 2>, rhs_spec = array<i64: 0, 1, 2>, out_spec = array<i64: 0, 1, 2>, feature_group_count = 1, batch_group_count = 1} : (tensor<1x2x5xf32>, tensor<3x2x2xf32>) -> tensor<1x3x0xf32>
  return %0 : tensor<1x3x0xf32>
}

// -----

func.func @bool_conv(%x: tensor<1x2x5xi1>, %w: tensor<3x2x2xi1>) -> tensor<1x3x4xi1> {
  // expected-error @+1 {{pb.conv_general_dilated does not accept operand of dtype bool}}
  %0 = "pb.conv_general_dilated"(%x, %w) {window_strides = array<i64: 1>, padding_low = array<i64: 0>, padding_high = array<i64: 0>, lhs_dilation = array<i64: 1>, rhs_dilation = array<i64: 1>, lhs_spec = array<i64: 0, 1, 2>, rhs_spec = array<i64: 0, 1, 2>, out_spec = array<i64: 0, 1, 2>, feature_group_count = 1, batch_group_count = 1} : (tensor<1x2x5xi1>, tensor<3x2x2xi1>) -> tensor<1x3x4xi1>
  return %0 : tensor<1x3x4xi1>
}

// -----

func.func @window_rank(%x: tensor<4x4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{pb.reduce_window_max window_dimensions must have one entry per operand dimension (2), got [2]}}
  %0 = "pb.reduce_window_max"(%x) {window_dimensions = array<i64: 2>, window_strides = array<i64: 1, 1>, padding_low = array<i64: 0, 0>, padding_high = array<i64: 0, 0>, base_dilation = array<i64: 1, 1>, window_dilation = array<i64: 1, 1>} : (tensor<4x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @window_zero(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{pb.reduce_window_sum window_strides must be positive, got [0]}}
  %0 = "pb.reduce_window_sum"(%x) {window_dimensions = array<i64: 1>, window_strides = array<i64: 0>, padding_low = array<i64: 0>, padding_high = array<i64: 0>, base_dilation = array<i64: 1>, window_dilation = array<i64: 1>} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @window_bool_sum(%x: tensor<4xi1>) -> tensor<4xi1> {
  // expected-error @+1 {{pb.reduce_window_sum does not accept operand of dtype bool}}
  %0 = "pb.reduce_window_sum"(%x) {window_strides = array<i64: 1>, padding_low = array<i64: 0>, padding_high = array<i64: 0>, base_dilation = array<i64: 1>, window_dilation = array<i64: 1>, window_dimensions = array<i64: 1>} : (tensor<4xi1>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @window_result(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'pb.reduce_window_min' op inferred result type tensor<3xf32> does not match tensor<4xf32>}}
  %0 = "pb.reduce_window_min"(%x) {window_strides = array<i64: 1>, padding_low = array<i64: 0>, padding_high = array<i64: 0>, base_dilation = array<i64: 1>, window_dilation = array<i64: 1>, window_dimensions = array<i64: 2>} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
