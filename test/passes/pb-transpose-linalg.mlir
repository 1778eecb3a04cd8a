// RUN: pullback-opt %s -pb-transpose --split-input-file --verify-diagnostics | filecheck %s
// RUN: pullback-opt %s -pb-transpose --run=main --arg='[[2.0, 0.0], [1.0, 4.0]]' --arg='[[1.0], [2.0]]' \
// RUN:   | filecheck %s --check-prefix=NUM

// pb.triangular_solve is linear in b: its transpose solves the cotangent with transpose_a
// flipped, the other flags kept (JAX's _triangular_solve_transpose_rule).

// CHECK-LABEL: func.func private @solve_T(
// CHECK-SAME: %[[A:.+]]: tensor<2x2xf32>, %[[CT:.+]]: tensor<2x1xf32>)
// CHECK-NEXT: %[[R:.+]] = "pb.triangular_solve"(%[[A]], %[[CT]]) {conjugate_a = 0 : i64, left_side = 1 : i64, lower = 1 : i64, transpose_a = 1 : i64, unit_diagonal = 0 : i64}
// CHECK-NEXT: return %[[R]]

// Solve aᵀ x = ct with a = [[2, 0], [1, 4]]: x1 = 2 / 4, x0 = (1 - 1 * 0.5) / 2.
// NUM: result[0]: tensor<2x1xf32> = {{\[\[}}0.25], [0.5]]
func.func @solve(%a: tensor<2x2xf32>, %b: tensor<2x1xf32>) -> tensor<2x1xf32> {
  %0 = "pb.triangular_solve"(%a, %b) {left_side = 1, lower = 1, transpose_a = 0, conjugate_a = 0, unit_diagonal = 0} : (tensor<2x2xf32>, tensor<2x1xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}
func.func private @solve_t(tensor<2x2xf32>, tensor<2x1xf32>) -> tensor<2x1xf32>
    attributes {pb.transform = {kind = "linear_transpose", callee = @solve, num_nonlinear = 1}}
func.func @main(%a: tensor<2x2xf32>, %ct: tensor<2x1xf32>) -> tensor<2x1xf32> {
  %0 = call @solve_t(%a, %ct) : (tensor<2x2xf32>, tensor<2x1xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}
