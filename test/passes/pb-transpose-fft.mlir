// RUN: pullback-opt %s -pb-transpose --split-input-file --verify-diagnostics | filecheck %s

// pb.fft is linear. The DFT matrix is symmetric, so FFT and IFFT transpose to themselves;
// RFFT's transpose is real(FFT(cotangent zero-padded to n)); IRFFT's is conj(RFFT(ct) * mask / n),
// the mask doubling the terms that stand for two conjugate ones (jax/_src/lax/fft.py).

// CHECK-LABEL: func.func private @fft_T(
// CHECK-SAME: %[[CT:.+]]: tensor<2x8xcomplex<f32>>)
// CHECK-NEXT: %[[R:.+]] = "pb.fft"(%[[CT]]) {fft_lengths = array<i64: 8>, fft_type = "IFFT"}
// CHECK-NEXT: return %[[R]]
func.func @fft(%x: tensor<2x8xcomplex<f32>>) -> tensor<2x8xcomplex<f32>> {
  %0 = "pb.fft"(%x) {fft_type = "IFFT", fft_lengths = array<i64: 8>} : (tensor<2x8xcomplex<f32>>) -> tensor<2x8xcomplex<f32>>
  return %0 : tensor<2x8xcomplex<f32>>
}
func.func private @fft_t(tensor<2x8xcomplex<f32>>) -> tensor<2x8xcomplex<f32>>
    attributes {pb.transform = {kind = "linear_transpose", callee = @fft, num_nonlinear = 0}}

// -----

// CHECK-LABEL: func.func private @rfft_T(
// CHECK-SAME: %[[CT:.+]]: tensor<6x4xcomplex<f64>>) -> tensor<6x6xf64>
// CHECK: %[[P:.+]] = "pb.pad"(%[[CT]], %{{.+}}) {high = array<i64: 0, 2>, interior = array<i64: 0, 0>, low = array<i64: 0, 0>}
// CHECK-NEXT: %[[F:.+]] = "pb.fft"(%[[P]]) {fft_lengths = array<i64: 6, 6>, fft_type = "FFT"}
// CHECK-NEXT: %[[R:.+]] = "pb.real"(%[[F]])
// CHECK-NEXT: return %[[R]]
func.func @rfft(%x: tensor<6x6xf64>) -> tensor<6x4xcomplex<f64>> {
  %0 = "pb.fft"(%x) {fft_type = "RFFT", fft_lengths = array<i64: 6, 6>} : (tensor<6x6xf64>) -> tensor<6x4xcomplex<f64>>
  return %0 : tensor<6x4xcomplex<f64>>
}
func.func private @rfft_t(tensor<6x4xcomplex<f64>>) -> tensor<6x6xf64>
    attributes {pb.transform = {kind = "linear_transpose", callee = @rfft, num_nonlinear = 0}}

// -----

// CHECK-LABEL: func.func private @irfft_T(
// CHECK-SAME: %[[CT:.+]]: tensor<7xf32>) -> tensor<4xcomplex<f32>>
// CHECK-NEXT: %[[F:.+]] = "pb.fft"(%[[CT]]) {fft_lengths = array<i64: 7>, fft_type = "RFFT"}
// CHECK-NEXT: "pb.constant"() {value = dense<[0.142857149, 0.285714298, 0.285714298, 0.285714298]>
// CHECK: %[[M:.+]] = "pb.mul"(%[[F]],
// CHECK-NEXT: %[[R:.+]] = "pb.conj"(%[[M]])
// CHECK-NEXT: return %[[R]]
func.func @irfft(%x: tensor<4xcomplex<f32>>) -> tensor<7xf32> {
  %0 = "pb.fft"(%x) {fft_type = "IRFFT", fft_lengths = array<i64: 7>} : (tensor<4xcomplex<f32>>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}
func.func private @irfft_t(tensor<7xf32>) -> tensor<4xcomplex<f32>>
    attributes {pb.transform = {kind = "linear_transpose", callee = @irfft, num_nonlinear = 0}}
