// RUN: pullback-opt %s -pb-vmap --split-input-file --verify-diagnostics | filecheck %s

// Batching rules of the linear-algebra ops: they batch natively over leading dimensions, so
// the batch dimension moves to the front (an unbatched operand of triangular_solve is
// broadcast there) and the op is applied once.

// CHECK-LABEL: func.func private @chol_vmap_2(
// CHECK-SAME: %[[X:.+]]: tensor<3x3x5xf32>) -> tensor<5x3x3xf32>
// CHECK-NEXT: %[[T:.+]] = "pb.transpose"(%[[X]]) {permutation = array<i64: 2, 0, 1>}
// CHECK-NEXT: %[[L:.+]] = "pb.cholesky"(%[[T]]) : (tensor<5x3x3xf32>) -> tensor<5x3x3xf32>
// CHECK-NEXT: return %[[L]]
func.func @chol(%x: tensor<3x3xf32>) -> tensor<3x3xf32> {
  %0 = "pb.cholesky"(%x) : (tensor<3x3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}
func.func private @chol_vmap(tensor<3x3x5xf32>) -> tensor<3x3x5xf32>
    attributes {pb.transform = {kind = "vmap", callee = @chol, in_axes = array<i64: 2>, out_axes = array<i64: 2>, axis_size = 5}}

// -----

// CHECK-LABEL: func.func private @solve_vmap_2(
// CHECK-SAME: %[[A:.+]]: tensor<3x3xf64>, %[[B:.+]]: tensor<4x3x2xf64>) -> tensor<4x3x2xf64>
// CHECK-NEXT: %[[AB:.+]] = "pb.broadcast_in_dim"(%[[A]]) {broadcast_dimensions = array<i64: 1, 2>, shape = array<i64: 4, 3, 3>}
// CHECK-NEXT: %[[X:.+]] = "pb.triangular_solve"(%[[AB]], %[[B]]) {{.*}} : (tensor<4x3x3xf64>, tensor<4x3x2xf64>) -> tensor<4x3x2xf64>
// CHECK-NEXT: return %[[X]]
func.func @solve(%a: tensor<3x3xf64>, %b: tensor<3x2xf64>) -> tensor<3x2xf64> {
  %0 = "pb.triangular_solve"(%a, %b) {left_side = 1, lower = 1, transpose_a = 0, conjugate_a = 0, unit_diagonal = 0} : (tensor<3x3xf64>, tensor<3x2xf64>) -> tensor<3x2xf64>
  return %0 : tensor<3x2xf64>
}
func.func private @solve_vmap(tensor<3x3xf64>, tensor<4x3x2xf64>) -> tensor<4x3x2xf64>
    attributes {pb.transform = {kind = "vmap", callee = @solve, in_axes = array<i64: -1, 0>, out_axes = array<i64: 0>, axis_size = 4}}

// -----

// CHECK-LABEL: func.func private @lu_vmap_2(
// CHECK-SAME: %[[X:.+]]: tensor<4x2x3xf32>)
// CHECK-NEXT: %[[LU:.+]]:3 = "pb.lu"(%[[X]]) : (tensor<4x2x3xf32>) -> (tensor<4x2x3xf32>, tensor<4x2xi32>, tensor<4x2xi32>)
// CHECK-NEXT: return %[[LU]]#0, %[[LU]]#1, %[[LU]]#2
func.func @lu(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2xi32>, tensor<2xi32>) {
  %0:3 = "pb.lu"(%x) : (tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2xi32>, tensor<2xi32>)
  return %0#0, %0#1, %0#2 : tensor<2x3xf32>, tensor<2xi32>, tensor<2xi32>
}
func.func private @lu_vmap(tensor<4x2x3xf32>) -> (tensor<4x2x3xf32>, tensor<4x2xi32>, tensor<4x2xi32>)
    attributes {pb.transform = {kind = "vmap", callee = @lu, in_axes = array<i64: 0>, out_axes = array<i64: 0, 0, 0>, axis_size = 4}}

// -----

// CHECK-LABEL: func.func private @eigh_vmap_2(
// CHECK-SAME: %[[X:.+]]: tensor<2x2x3xf64>)
// CHECK-NEXT: %[[T:.+]] = "pb.transpose"(%[[X]]) {permutation = array<i64: 2, 0, 1>}
// CHECK-NEXT: %[[E:.+]]:2 = "pb.eigh"(%[[T]]) {lower = 1 : i64} : (tensor<3x2x2xf64>) -> (tensor<3x2x2xf64>, tensor<3x2xf64>)
func.func @eigh(%x: tensor<2x2xf64>) -> (tensor<2x2xf64>, tensor<2xf64>) {
  %0:2 = "pb.eigh"(%x) {lower = 1} : (tensor<2x2xf64>) -> (tensor<2x2xf64>, tensor<2xf64>)
  return %0#0, %0#1 : tensor<2x2xf64>, tensor<2xf64>
}
func.func private @eigh_vmap(tensor<2x2x3xf64>) -> (tensor<3x2x2xf64>, tensor<3x2xf64>)
    attributes {pb.transform = {kind = "vmap", callee = @eigh, in_axes = array<i64: 2>, out_axes = array<i64: 0, 0>, axis_size = 3}}

// -----

// CHECK-LABEL: func.func private @qr_vmap_2(
// CHECK-SAME: %[[X:.+]]: tensor<4x3x2xf32>)
// CHECK-NEXT: %[[QR:.+]]:2 = "pb.qr"(%[[X]]) {full_matrices = 1 : i64} : (tensor<4x3x2xf32>) -> (tensor<4x3x3xf32>, tensor<4x3x2xf32>)
func.func @qr(%x: tensor<3x2xf32>) -> (tensor<3x3xf32>, tensor<3x2xf32>) {
  %0:2 = "pb.qr"(%x) {full_matrices = 1} : (tensor<3x2xf32>) -> (tensor<3x3xf32>, tensor<3x2xf32>)
  return %0#0, %0#1 : tensor<3x3xf32>, tensor<3x2xf32>
}
func.func private @qr_vmap(tensor<4x3x2xf32>) -> (tensor<4x3x3xf32>, tensor<4x3x2xf32>)
    attributes {pb.transform = {kind = "vmap", callee = @qr, in_axes = array<i64: 0>, out_axes = array<i64: 0, 0>, axis_size = 4}}

// -----

// CHECK-LABEL: func.func private @svd_vmap_2(
// CHECK-SAME: %[[X:.+]]: tensor<3x2x4xf32>)
// CHECK-NEXT: %[[T:.+]] = "pb.transpose"(%[[X]]) {permutation = array<i64: 1, 0, 2>}
// CHECK-NEXT: %[[S:.+]]:3 = "pb.svd"(%[[T]]) {full_matrices = 0 : i64} : (tensor<2x3x4xf32>) -> (tensor<2x3xf32>, tensor<2x3x3xf32>, tensor<2x3x4xf32>)
func.func @svd(%x: tensor<3x4xf32>) -> tensor<3xf32> {
  %0:3 = "pb.svd"(%x) {full_matrices = 0} : (tensor<3x4xf32>) -> (tensor<3xf32>, tensor<3x3xf32>, tensor<3x4xf32>)
  return %0#0 : tensor<3xf32>
}
func.func private @svd_vmap(tensor<3x2x4xf32>) -> tensor<2x3xf32>
    attributes {pb.transform = {kind = "vmap", callee = @svd, in_axes = array<i64: 1>, out_axes = array<i64: 0>, axis_size = 2}}

// -----

// pb.eig batches natively: the batch dimension moves to the front; every result carries it there.
// CHECK-LABEL: func.func private @eig_vmap_2(
// CHECK-SAME: %[[X:.+]]: tensor<2x2x3xf64>)
// CHECK-NEXT: %[[T:.+]] = "pb.transpose"(%[[X]]) {permutation = array<i64: 2, 0, 1>}
// CHECK-NEXT: %[[E:.+]]:2 = "pb.eig"(%[[T]]) {compute_left_eigenvectors = 1 : i64, compute_right_eigenvectors = 0 : i64} : (tensor<3x2x2xf64>) -> (tensor<3x2xcomplex<f64>>, tensor<3x2x2xcomplex<f64>>)
func.func @eig(%x: tensor<2x2xf64>) -> (tensor<2xcomplex<f64>>, tensor<2x2xcomplex<f64>>) {
  %0:2 = "pb.eig"(%x) {compute_left_eigenvectors = 1, compute_right_eigenvectors = 0} : (tensor<2x2xf64>) -> (tensor<2xcomplex<f64>>, tensor<2x2xcomplex<f64>>)
  return %0#0, %0#1 : tensor<2xcomplex<f64>>, tensor<2x2xcomplex<f64>>
}
func.func private @eig_vmap(tensor<2x2x3xf64>) -> (tensor<3x2xcomplex<f64>>, tensor<3x2x2xcomplex<f64>>)
    attributes {pb.transform = {kind = "vmap", callee = @eig, in_axes = array<i64: 2>, out_axes = array<i64: 0, 0>, axis_size = 3}}
