// RUN: pullback-opt %s -pb-simplify | filecheck %s
// RUN: pullback-opt %s -pb-simplify -pb-to-linalg --run=dot_then_swap --arg='[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]' --arg='[[1.0, 0.0, 2.0], [0.0, 1.0, 3.0]]' | filecheck %s --check-prefix=EXEC

// pb-simplify folds transposes (passes/algebraic_folds.py): a transpose that swaps the free
// blocks of a dot_general's result is the dot with its operands swapped (reverse mode's
// cotangent of a matmul's right operand), and two transposes compose into one or none.

// CHECK-LABEL: func.func @dot_then_swap(
// CHECK-NEXT: %[[D:.+]] = "pb.dot_general"(%arg1, %arg0) {lhs_batch = array<i64>, lhs_contracting = array<i64: 0>, rhs_batch = array<i64>, rhs_contracting = array<i64: 1>}
// CHECK-SAME: (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<3x3xf32>
// CHECK-NEXT: return %[[D]]
// EXEC: result[0]: tensor<3x3xf32> = {{\[\[}}1.0, 3.0, 5.0], [2.0, 4.0, 6.0], [8.0, 18.0, 28.0]]
func.func @dot_then_swap(%a: tensor<3x2xf32>, %b: tensor<2x3xf32>) -> tensor<3x3xf32> {
  %d = "pb.dot_general"(%a, %b) {lhs_batch = array<i64>, lhs_contracting = array<i64: 1>, rhs_batch = array<i64>, rhs_contracting = array<i64: 0>} : (tensor<3x2xf32>, tensor<2x3xf32>) -> tensor<3x3xf32>
  %t = "pb.transpose"(%d) {permutation = array<i64: 1, 0>} : (tensor<3x3xf32>) -> tensor<3x3xf32>
  return %t : tensor<3x3xf32>
}

// With batch dimensions: (b, m, n) -> (b, n, m) is the swapped dot; the batch stays first.
// CHECK-LABEL: func.func @batched_dot_then_swap(
// CHECK-NEXT: "pb.dot_general"(%arg1, %arg0)
// CHECK-SAME: lhs_batch = array<i64: 0>, lhs_contracting = array<i64: 1>, rhs_batch = array<i64: 0>, rhs_contracting = array<i64: 2>
// CHECK-SAME: -> tensor<4x5x3xf32>
// CHECK-NOT: pb.transpose
func.func @batched_dot_then_swap(%a: tensor<4x3x2xf32>, %b: tensor<4x2x5xf32>) -> tensor<4x5x3xf32> {
  %d = "pb.dot_general"(%a, %b) {lhs_batch = array<i64: 0>, lhs_contracting = array<i64: 2>, rhs_batch = array<i64: 0>, rhs_contracting = array<i64: 1>} : (tensor<4x3x2xf32>, tensor<4x2x5xf32>) -> tensor<4x3x5xf32>
  %t = "pb.transpose"(%d) {permutation = array<i64: 0, 2, 1>} : (tensor<4x3x5xf32>) -> tensor<4x5x3xf32>
  return %t : tensor<4x5x3xf32>
}

// Not folded: the permutation moves the batch dimension.
// CHECK-LABEL: func.func @batch_moved(
// CHECK: "pb.dot_general"(%arg0, %arg1)
// CHECK: "pb.transpose"
func.func @batch_moved(%a: tensor<4x3x2xf32>, %b: tensor<4x2x5xf32>) -> tensor<3x4x5xf32> {
  %d = "pb.dot_general"(%a, %b) {lhs_batch = array<i64: 0>, lhs_contracting = array<i64: 2>, rhs_batch = array<i64: 0>, rhs_contracting = array<i64: 1>} : (tensor<4x3x2xf32>, tensor<4x2x5xf32>) -> tensor<4x3x5xf32>
  %t = "pb.transpose"(%d) {permutation = array<i64: 1, 0, 2>} : (tensor<4x3x5xf32>) -> tensor<3x4x5xf32>
  return %t : tensor<3x4x5xf32>
}

// Not folded: the dot has another user, which would then compute it twice.
// CHECK-LABEL: func.func @dot_used_twice(
// CHECK: %[[D:.+]] = "pb.dot_general"(%arg0, %arg1)
// CHECK: "pb.transpose"(%[[D]])
func.func @dot_used_twice(%a: tensor<3x2xf32>, %b: tensor<2x3xf32>) -> (tensor<3x3xf32>, tensor<3x3xf32>) {
  %d = "pb.dot_general"(%a, %b) {lhs_batch = array<i64>, lhs_contracting = array<i64: 1>, rhs_batch = array<i64>, rhs_contracting = array<i64: 0>} : (tensor<3x2xf32>, tensor<2x3xf32>) -> tensor<3x3xf32>
  %t = "pb.transpose"(%d) {permutation = array<i64: 1, 0>} : (tensor<3x3xf32>) -> tensor<3x3xf32>
  return %t, %d : tensor<3x3xf32>, tensor<3x3xf32>
}

// Two transposes compose into one.
// CHECK-LABEL: func.func @two_transposes(
// CHECK-NEXT: %[[T:.+]] = "pb.transpose"(%arg0) {permutation = array<i64: 2, 0, 1>}
// CHECK-NEXT: return %[[T]]
func.func @two_transposes(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %t = "pb.transpose"(%x) {permutation = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  %u = "pb.transpose"(%t) {permutation = array<i64: 2, 0, 1>} : (tensor<3x4x2xf32>) -> tensor<2x3x4xf32>
  %v = "pb.transpose"(%u) {permutation = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  return %v : tensor<4x2x3xf32>
}

// A transpose and its inverse cancel.
// CHECK-LABEL: func.func @inverse_transposes(
// CHECK-NEXT: return %arg0
func.func @inverse_transposes(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %t = "pb.transpose"(%x) {permutation = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %u = "pb.transpose"(%t) {permutation = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  return %u : tensor<2x3xf32>
}
