// RUN: pullback-opt %s --split-input-file --verify-diagnostics

// One case per constraint of pb.dot_general.

func.func @dtype_mismatch(%a0: tensor<2x3xf32>, %a1: tensor<3x4xf64>) -> tensor<2x4xf32> {
  // expected-error @+1 {{pb.dot_general operands must have equal dtypes, got float32 and float64}}
  %0 = "pb.dot_general"(%a0, %a1) {lhs_contracting = array<i64: 1>, rhs_contracting = array<i64: 0>, lhs_batch = array<i64>, rhs_batch = array<i64>} : (tensor<2x3xf32>, tensor<3x4xf64>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @lhs_contracting_out_of_range(%a0: tensor<2x3xf32>, %a1: tensor<3x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{pb.dot_general lhs_contracting dimensions must lie in [0, 2) for a lhs of rank 2, got [2]}}
  %0 = "pb.dot_general"(%a0, %a1) {lhs_contracting = array<i64: 2>, rhs_contracting = array<i64: 0>, lhs_batch = array<i64>, rhs_batch = array<i64>} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @rhs_contracting_negative(%a0: tensor<2x3xf32>, %a1: tensor<3x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{pb.dot_general rhs_contracting dimensions must lie in [0, 2) for a rhs of rank 2, got [-1]}}
  %0 = "pb.dot_general"(%a0, %a1) {lhs_contracting = array<i64: 1>, rhs_contracting = array<i64: -1>, lhs_batch = array<i64>, rhs_batch = array<i64>} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @lhs_batch_out_of_range(%a0: tensor<2x3x4xf32>, %a1: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> {
  // expected-error @+1 {{pb.dot_general lhs_batch dimensions must lie in [0, 3) for a lhs of rank 3, got [3]}}
  %0 = "pb.dot_general"(%a0, %a1) {lhs_contracting = array<i64: 2>, rhs_contracting = array<i64: 1>, lhs_batch = array<i64: 3>, rhs_batch = array<i64: 0>} : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

func.func @rhs_batch_out_of_range(%a0: tensor<2x3x4xf32>, %a1: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> {
  // expected-error @+1 {{pb.dot_general rhs_batch dimensions must lie in [0, 3) for a rhs of rank 3, got [5]}}
  %0 = "pb.dot_general"(%a0, %a1) {lhs_contracting = array<i64: 2>, rhs_contracting = array<i64: 1>, lhs_batch = array<i64: 0>, rhs_batch = array<i64: 5>} : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

func.func @lhs_contracting_repeated(%a0: tensor<3x3xf32>, %a1: tensor<3x3xf32>) -> tensor<f32> {
  // expected-error @+1 {{pb.dot_general lhs_contracting dimensions must be distinct, got [1, 1]}}
  %0 = "pb.dot_general"(%a0, %a1) {lhs_contracting = array<i64: 1, 1>, rhs_contracting = array<i64: 0, 1>, lhs_batch = array<i64>, rhs_batch = array<i64>} : (tensor<3x3xf32>, tensor<3x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @rhs_batch_repeated(%a0: tensor<2x2x3xf32>, %a1: tensor<2x2x3xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{pb.dot_general rhs_batch dimensions must be distinct, got [0, 0]}}
  %0 = "pb.dot_general"(%a0, %a1) {lhs_contracting = array<i64: 2>, rhs_contracting = array<i64: 2>, lhs_batch = array<i64: 0, 1>, rhs_batch = array<i64: 0, 0>} : (tensor<2x2x3xf32>, tensor<2x2x3xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @lhs_batch_is_contracting(%a0: tensor<3x3xf32>, %a1: tensor<3x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{pb.dot_general lhs_batch [0] and lhs_contracting [0] must be disjoint}}
  %0 = "pb.dot_general"(%a0, %a1) {lhs_contracting = array<i64: 0>, rhs_contracting = array<i64: 1>, lhs_batch = array<i64: 0>, rhs_batch = array<i64: 0>} : (tensor<3x3xf32>, tensor<3x3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @rhs_batch_is_contracting(%a0: tensor<3x3xf32>, %a1: tensor<3x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{pb.dot_general rhs_batch [0] and rhs_contracting [0] must be disjoint}}
  %0 = "pb.dot_general"(%a0, %a1) {lhs_contracting = array<i64: 1>, rhs_contracting = array<i64: 0>, lhs_batch = array<i64: 0>, rhs_batch = array<i64: 0>} : (tensor<3x3xf32>, tensor<3x3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @batch_count_mismatch(%a0: tensor<2x3x4xf32>, %a1: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> {
  // expected-error @+1 {{pb.dot_general needs as many lhs_batch as rhs_batch dimensions, got [0] and []}}
  %0 = "pb.dot_general"(%a0, %a1) {lhs_contracting = array<i64: 2>, rhs_contracting = array<i64: 1>, lhs_batch = array<i64: 0>, rhs_batch = array<i64>} : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

func.func @contracting_count_mismatch(%a0: tensor<2x3xf32>, %a1: tensor<3x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{pb.dot_general needs as many lhs_contracting as rhs_contracting dimensions, got [1] and []}}
  %0 = "pb.dot_general"(%a0, %a1) {lhs_contracting = array<i64: 1>, rhs_contracting = array<i64>, lhs_batch = array<i64>, rhs_batch = array<i64>} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @batch_size_mismatch(%a0: tensor<2x3x4xf32>, %a1: tensor<5x4x5xf32>) -> tensor<2x3x5xf32> {
  // expected-error @+1 {{pb.dot_general batch dimensions must have equal sizes, got [2] and [5]}}
  %0 = "pb.dot_general"(%a0, %a1) {lhs_contracting = array<i64: 2>, rhs_contracting = array<i64: 1>, lhs_batch = array<i64: 0>, rhs_batch = array<i64: 0>} : (tensor<2x3x4xf32>, tensor<5x4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

func.func @contracting_size_mismatch(%a0: tensor<2x3xf32>, %a1: tensor<4x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{pb.dot_general contracting dimensions must have equal sizes, got [3] and [4]}}
  %0 = "pb.dot_general"(%a0, %a1) {lhs_contracting = array<i64: 1>, rhs_contracting = array<i64: 0>, lhs_batch = array<i64>, rhs_batch = array<i64>} : (tensor<2x3xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @wrong_result_order(%a0: tensor<2x3x4xf32>, %a1: tensor<4x2x5xf32>) -> tensor<3x2x5xf32> {
  // expected-error @+1 {{inferred result type tensor<2x3x5xf32> does not match tensor<3x2x5xf32>}}
  %0 = "pb.dot_general"(%a0, %a1) {lhs_contracting = array<i64: 2>, rhs_contracting = array<i64: 0>, lhs_batch = array<i64: 0>, rhs_batch = array<i64: 1>} : (tensor<2x3x4xf32>, tensor<4x2x5xf32>) -> tensor<3x2x5xf32>
  return %0 : tensor<3x2x5xf32>
}

// -----

func.func @wrong_result_dtype(%a0: tensor<2x3xf32>, %a1: tensor<3x4xf32>) -> tensor<2x4xf64> {
  // expected-error @+1 {{inferred result type tensor<2x4xf32> does not match tensor<2x4xf64>}}
  %0 = "pb.dot_general"(%a0, %a1) {lhs_contracting = array<i64: 1>, rhs_contracting = array<i64: 0>, lhs_batch = array<i64>, rhs_batch = array<i64>} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf64>
  return %0 : tensor<2x4xf64>
}
