// RUN: pullback-opt %s --split-input-file --verify-diagnostics -pb-gpu-check-ops
// RUN: sed '1,/^\/\/ ----- fine/d' %s | pullback-opt - -pb-gpu-check-ops | filecheck %s

// The linear-algebra ops lower to host LAPACK calls and have no GPU lowering: the GPU
// pipeline rejects them (before pb-to-linalg) with a diagnostic that names the op.

func.func @chol(%x: tensor<3x3xf32>) -> tensor<3x3xf32> {
  // expected-error @+1 {{'pb.cholesky' has no GPU lowering yet (it calls LAPACK on the host): run it on the CPU target}}
  %0 = "pb.cholesky"(%x) : (tensor<3x3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @lu(%a: tensor<2x2xf64>) -> tensor<2xi32> {
  // expected-error @+1 {{'pb.lu' has no GPU lowering yet}}
  %0:3 = "pb.lu"(%a) : (tensor<2x2xf64>) -> (tensor<2x2xf64>, tensor<2xi32>, tensor<2xi32>)
  return %0#1 : tensor<2xi32>
}

// -----

func.func @solve(%a: tensor<2x2xf32>, %b: tensor<2x1xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{'pb.triangular_solve' has no GPU lowering yet}}
  %0 = "pb.triangular_solve"(%a, %b) {left_side = 1, lower = 1, transpose_a = 0, conjugate_a = 0, unit_diagonal = 0} : (tensor<2x2xf32>, tensor<2x1xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @eig(%a: tensor<2x2xf64>) -> tensor<2xcomplex<f64>> {
  // expected-error @+1 {{'pb.eig' has no GPU lowering yet}}
  %0 = "pb.eig"(%a) {compute_left_eigenvectors = 0, compute_right_eigenvectors = 0} : (tensor<2x2xf64>) -> tensor<2xcomplex<f64>>
  return %0 : tensor<2xcomplex<f64>>
}

// -----

func.func @fft(%x: tensor<4x8xcomplex<f32>>) -> tensor<4x8xcomplex<f32>> {
  // expected-error @+1 {{'pb.fft' has no GPU lowering yet (its kernels are generated for the host CPU): run it on the CPU target}}
  %0 = "pb.fft"(%x) {fft_type = "FFT", fft_lengths = array<i64: 8>} : (tensor<4x8xcomplex<f32>>) -> tensor<4x8xcomplex<f32>>
  return %0 : tensor<4x8xcomplex<f32>>
}

// ----- fine

// Other ops pass unchanged.
// CHECK-LABEL: func.func @fine(
// CHECK-NEXT: "pb.tanh"
func.func @fine(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = "pb.tanh"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
