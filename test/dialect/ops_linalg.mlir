// RUN: pullback-opt %s | pullback-opt | filecheck %s

// Round trip of the linear-algebra family: batched, all four inexact dtypes.

// CHECK-LABEL: func.func @cholesky
// CHECK: "pb.cholesky"(%{{.*}}) : (tensor<4x2x3x3xcomplex<f64>>) -> tensor<4x2x3x3xcomplex<f64>>
func.func @cholesky(%x: tensor<4x2x3x3xcomplex<f64>>) -> tensor<4x2x3x3xcomplex<f64>> {
  %0 = "pb.cholesky"(%x) : (tensor<4x2x3x3xcomplex<f64>>) -> tensor<4x2x3x3xcomplex<f64>>
  return %0 : tensor<4x2x3x3xcomplex<f64>>
}

// CHECK-LABEL: func.func @triangular_solve_right
// CHECK: "pb.triangular_solve"(%{{.*}}, %{{.*}}) {conjugate_a = 0 : i64, left_side = 0 : i64, lower = 1 : i64, transpose_a = 1 : i64, unit_diagonal = 1 : i64} : (tensor<2x4x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
func.func @triangular_solve_right(%a: tensor<2x4x4xf32>, %b: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = "pb.triangular_solve"(%a, %b) {left_side = 0, lower = 1, transpose_a = 1, conjugate_a = 0, unit_diagonal = 1} : (tensor<2x4x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// CHECK-LABEL: func.func @lu_wide
// CHECK: "pb.lu"(%{{.*}}) : (tensor<2x3x5xcomplex<f32>>) -> (tensor<2x3x5xcomplex<f32>>, tensor<2x3xi32>, tensor<2x3xi32>)
// CHECK: "pb.lu_pivots_to_permutation"(%{{.*}}) {permutation_size = 3 : i64} : (tensor<2x3xi32>) -> tensor<2x3xi32>
func.func @lu_wide(%x: tensor<2x3x5xcomplex<f32>>) -> tensor<2x3xi32> {
  %0:3 = "pb.lu"(%x) : (tensor<2x3x5xcomplex<f32>>) -> (tensor<2x3x5xcomplex<f32>>, tensor<2x3xi32>, tensor<2x3xi32>)
  %1 = "pb.lu_pivots_to_permutation"(%0#1) {permutation_size = 3} : (tensor<2x3xi32>) -> tensor<2x3xi32>
  return %1 : tensor<2x3xi32>
}

// CHECK-LABEL: func.func @eigh
// CHECK: "pb.eigh"(%{{.*}}) {lower = 1 : i64} : (tensor<2x3x3xcomplex<f32>>) -> (tensor<2x3x3xcomplex<f32>>, tensor<2x3xf32>)
func.func @eigh(%x: tensor<2x3x3xcomplex<f32>>) -> tensor<2x3xf32> {
  %0:2 = "pb.eigh"(%x) {lower = 1} : (tensor<2x3x3xcomplex<f32>>) -> (tensor<2x3x3xcomplex<f32>>, tensor<2x3xf32>)
  return %0#1 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @qr
// CHECK: "pb.qr"(%{{.*}}) {full_matrices = 0 : i64} : (tensor<2x5x3xf64>) -> (tensor<2x5x3xf64>, tensor<2x3x3xf64>)
// CHECK: "pb.qr"(%{{.*}}) {full_matrices = 1 : i64} : (tensor<2x5x3xf64>) -> (tensor<2x5x5xf64>, tensor<2x5x3xf64>)
func.func @qr(%x: tensor<2x5x3xf64>) -> (tensor<2x3x3xf64>, tensor<2x5x5xf64>) {
  %0:2 = "pb.qr"(%x) {full_matrices = 0} : (tensor<2x5x3xf64>) -> (tensor<2x5x3xf64>, tensor<2x3x3xf64>)
  %1:2 = "pb.qr"(%x) {full_matrices = 1} : (tensor<2x5x3xf64>) -> (tensor<2x5x5xf64>, tensor<2x5x3xf64>)
  return %0#1, %1#0 : tensor<2x3x3xf64>, tensor<2x5x5xf64>
}

// CHECK-LABEL: func.func @svd
// CHECK: "pb.svd"(%{{.*}}) {full_matrices = 0 : i64} : (tensor<2x3x5xcomplex<f64>>) -> (tensor<2x3xf64>, tensor<2x3x3xcomplex<f64>>, tensor<2x3x5xcomplex<f64>>)
func.func @svd(%x: tensor<2x3x5xcomplex<f64>>) -> tensor<2x3xf64> {
  %0:3 = "pb.svd"(%x) {full_matrices = 0} : (tensor<2x3x5xcomplex<f64>>) -> (tensor<2x3xf64>, tensor<2x3x3xcomplex<f64>>, tensor<2x3x5xcomplex<f64>>)
  return %0#0 : tensor<2x3xf64>
}

// pb.eig: complex results, one eigenvector result per flag set (variadic).
// CHECK-LABEL: func.func @eig
// CHECK: "pb.eig"(%{{.*}}) {compute_left_eigenvectors = 0 : i64, compute_right_eigenvectors = 1 : i64} : (tensor<2x3x3xf32>) -> (tensor<2x3xcomplex<f32>>, tensor<2x3x3xcomplex<f32>>)
// CHECK: "pb.eig"(%{{.*}}) {compute_left_eigenvectors = 0 : i64, compute_right_eigenvectors = 0 : i64} : (tensor<2x3x3xf32>) -> tensor<2x3xcomplex<f32>>
func.func @eig(%x: tensor<2x3x3xf32>) -> (tensor<2x3xcomplex<f32>>, tensor<2x3xcomplex<f32>>) {
  %0:2 = "pb.eig"(%x) {compute_left_eigenvectors = 0, compute_right_eigenvectors = 1} : (tensor<2x3x3xf32>) -> (tensor<2x3xcomplex<f32>>, tensor<2x3x3xcomplex<f32>>)
  %1 = "pb.eig"(%x) {compute_left_eigenvectors = 0, compute_right_eigenvectors = 0} : (tensor<2x3x3xf32>) -> tensor<2x3xcomplex<f32>>
  return %0#0, %1 : tensor<2x3xcomplex<f32>>, tensor<2x3xcomplex<f32>>
}
