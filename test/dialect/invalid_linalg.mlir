// RUN: pullback-opt %s --split-input-file --verify-diagnostics

// One case per constraint of pb.cholesky and pb.triangular_solve.

func.func @cholesky_rank(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{pb.cholesky operand must have rank >= 2 (a batch of matrices), got shape [3]}}
  %0 = "pb.cholesky"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @cholesky_square(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{pb.cholesky operand must be square matrices, got shape [2, 3]}}
  %0 = "pb.cholesky"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @cholesky_int(%x: tensor<3x3xi32>) -> tensor<3x3xi32> {
  // expected-error @+1 {{pb.cholesky does not accept operand of dtype int32 (allowed: complex128, complex64, float32, float64)}}
  %0 = "pb.cholesky"(%x) : (tensor<3x3xi32>) -> tensor<3x3xi32>
  return %0 : tensor<3x3xi32>
}

// -----

func.func @solve_dtypes(%a: tensor<3x3xf32>, %b: tensor<3x2xf64>) -> tensor<3x2xf64> {
  // expected-error @+1 {{pb.triangular_solve operands must have equal dtypes, got float32 and float64}}
  %0 = "pb.triangular_solve"(%a, %b) {left_side = 1, lower = 1, transpose_a = 0, conjugate_a = 0, unit_diagonal = 0} : (tensor<3x3xf32>, tensor<3x2xf64>) -> tensor<3x2xf64>
  return %0 : tensor<3x2xf64>
}

// -----

func.func @solve_batch(%a: tensor<2x3x3xf32>, %b: tensor<3x3x2xf32>) -> tensor<3x3x2xf32> {
  // expected-error @+1 {{pb.triangular_solve a and b must have equal batch dimensions, got shapes [2, 3, 3] and [3, 3, 2]}}
  %0 = "pb.triangular_solve"(%a, %b) {left_side = 1, lower = 1, transpose_a = 0, conjugate_a = 0, unit_diagonal = 0} : (tensor<2x3x3xf32>, tensor<3x3x2xf32>) -> tensor<3x3x2xf32>
  return %0 : tensor<3x3x2xf32>
}

// -----

func.func @solve_side(%a: tensor<3x3xf32>, %b: tensor<3x2xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{pb.triangular_solve a of shape [3, 3] does not fit b of shape [3, 2] (left_side=0)}}
  %0 = "pb.triangular_solve"(%a, %b) {left_side = 0, lower = 1, transpose_a = 0, conjugate_a = 0, unit_diagonal = 0} : (tensor<3x3xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @solve_flag(%a: tensor<3x3xf32>, %b: tensor<3x2xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{pb.triangular_solve attribute 'lower' must be 0 or 1, got 2}}
  %0 = "pb.triangular_solve"(%a, %b) {left_side = 1, lower = 2, transpose_a = 0, conjugate_a = 0, unit_diagonal = 0} : (tensor<3x3xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @solve_square(%a: tensor<3x2xf32>, %b: tensor<3x2xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{pb.triangular_solve a must be square matrices, got shape [3, 2]}}
  %0 = "pb.triangular_solve"(%a, %b) {left_side = 1, lower = 1, transpose_a = 0, conjugate_a = 0, unit_diagonal = 0} : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @lu_rank(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<1xi32>, tensor<3xi32>) {
  // expected-error @+1 {{pb.lu operand must have rank >= 2 (a batch of matrices), got shape [3]}}
  %0:3 = "pb.lu"(%x) : (tensor<3xf32>) -> (tensor<3xf32>, tensor<1xi32>, tensor<3xi32>)
  return %0#0, %0#1, %0#2 : tensor<3xf32>, tensor<1xi32>, tensor<3xi32>
}

// -----

func.func @pivots_dtype(%p: tensor<3xi64>) -> tensor<3xi32> {
  // expected-error @+1 {{pb.lu_pivots_to_permutation does not accept pivots of dtype int64 (allowed: int32)}}
  %0 = "pb.lu_pivots_to_permutation"(%p) {permutation_size = 3} : (tensor<3xi64>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @pivots_size(%p: tensor<3xi32>) -> tensor<2xi32> {
  // expected-error @+1 {{pb.lu_pivots_to_permutation permutation_size (2) must be at least the number of pivots (3)}}
  %0 = "pb.lu_pivots_to_permutation"(%p) {permutation_size = 2} : (tensor<3xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @eigh_square(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{pb.eigh operand must be square matrices, got shape [2, 3]}}
  %0:2 = "pb.eigh"(%x) {lower = 1} : (tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2xf32>)
  return %0#1 : tensor<2xf32>
}

// -----

func.func @eigh_lower(%x: tensor<2x2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{pb.eigh attribute 'lower' must be 0 or 1, got 3}}
  %0:2 = "pb.eigh"(%x) {lower = 3} : (tensor<2x2xf32>) -> (tensor<2x2xf32>, tensor<2xf32>)
  return %0#1 : tensor<2xf32>
}

// -----

func.func @qr_full(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{pb.qr attribute 'full_matrices' must be 0 or 1, got 2}}
  %0:2 = "pb.qr"(%x) {full_matrices = 2} : (tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<2x2xf32>)
  return %0#0 : tensor<3x2xf32>
}

// -----

func.func @qr_int(%x: tensor<3x2xi32>) -> tensor<3x2xi32> {
  // expected-error @+1 {{pb.qr does not accept operand of dtype int32 (allowed: complex128, complex64, float32, float64)}}
  %0:2 = "pb.qr"(%x) {full_matrices = 0} : (tensor<3x2xi32>) -> (tensor<3x2xi32>, tensor<2x2xi32>)
  return %0#0 : tensor<3x2xi32>
}

// -----

func.func @svd_full(%x: tensor<3x2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{pb.svd attribute 'full_matrices' must be 0 or 1, got 5}}
  %0:3 = "pb.svd"(%x) {full_matrices = 5} : (tensor<3x2xf32>) -> (tensor<2xf32>, tensor<3x2xf32>, tensor<2x2xf32>)
  return %0#0 : tensor<2xf32>
}

// -----

func.func @eig_square(%x: tensor<2x3xf32>) -> tensor<2xcomplex<f32>> {
  // expected-error @+1 {{pb.eig operand must be square matrices, got shape [2, 3]}}
  %0 = "pb.eig"(%x) {compute_left_eigenvectors = 0, compute_right_eigenvectors = 0} : (tensor<2x3xf32>) -> tensor<2xcomplex<f32>>
  return %0 : tensor<2xcomplex<f32>>
}

// -----

func.func @eig_flag(%x: tensor<2x2xf32>) -> tensor<2xcomplex<f32>> {
  // expected-error @+1 {{pb.eig attribute 'compute_right_eigenvectors' must be 0 or 1, got 2}}
  %0 = "pb.eig"(%x) {compute_left_eigenvectors = 0, compute_right_eigenvectors = 2} : (tensor<2x2xf32>) -> tensor<2xcomplex<f32>>
  return %0 : tensor<2xcomplex<f32>>
}

// -----

func.func @eig_result_count(%x: tensor<2x2xf64>) -> tensor<2xcomplex<f64>> {
  // expected-error @+1 {{inferred result type tensor<2xcomplex<f64>>, tensor<2x2xcomplex<f64>> does not match tensor<2xcomplex<f64>>}}
  %0 = "pb.eig"(%x) {compute_left_eigenvectors = 1, compute_right_eigenvectors = 0} : (tensor<2x2xf64>) -> tensor<2xcomplex<f64>>
  return %0 : tensor<2xcomplex<f64>>
}

// -----

func.func @eig_real_result(%x: tensor<2x2xf64>) -> tensor<2xf64> {
  // expected-error @+1 {{inferred result type tensor<2xcomplex<f64>> does not match tensor<2xf64>}}
  %0 = "pb.eig"(%x) {compute_left_eigenvectors = 0, compute_right_eigenvectors = 0} : (tensor<2x2xf64>) -> tensor<2xf64>
  return %0 : tensor<2xf64>
}

// -----

func.func @eig_int(%x: tensor<2x2xi32>) -> tensor<2xcomplex<f64>> {
  // expected-error @+1 {{pb.eig does not accept operand of dtype int32}}
  %0 = "pb.eig"(%x) {compute_left_eigenvectors = 0, compute_right_eigenvectors = 0} : (tensor<2x2xi32>) -> tensor<2xcomplex<f64>>
  return %0 : tensor<2xcomplex<f64>>
}
