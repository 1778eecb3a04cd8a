// RUN: pullback-opt %s -pb-vmap --split-input-file --verify-diagnostics | filecheck %s

// pb.fft batches natively over its leading dimensions: a batch dimension there stays where it
// is; one among the transformed (trailing) axes moves to the front.

// CHECK-LABEL: func.func private @fft_vmap_2(
// CHECK-SAME: %[[X:.+]]: tensor<5x2x8xcomplex<f32>>) -> tensor<5x2x8xcomplex<f32>>
// CHECK-NEXT: %[[Y:.+]] = "pb.fft"(%[[X]]) {fft_lengths = array<i64: 8>, fft_type = "FFT"} : (tensor<5x2x8xcomplex<f32>>) -> tensor<5x2x8xcomplex<f32>>
// CHECK-NEXT: return %[[Y]]
func.func @fft(%x: tensor<2x8xcomplex<f32>>) -> tensor<2x8xcomplex<f32>> {
  %0 = "pb.fft"(%x) {fft_type = "FFT", fft_lengths = array<i64: 8>} : (tensor<2x8xcomplex<f32>>) -> tensor<2x8xcomplex<f32>>
  return %0 : tensor<2x8xcomplex<f32>>
}
func.func private @fft_vmap(tensor<5x2x8xcomplex<f32>>) -> tensor<5x2x8xcomplex<f32>>
    attributes {pb.transform = {kind = "vmap", callee = @fft, in_axes = array<i64: 0>, out_axes = array<i64: 0>, axis_size = 5}}

// -----

// CHECK-LABEL: func.func private @rfft2_vmap_2(
// CHECK-SAME: %[[X:.+]]: tensor<4x6x3xf64>) -> tensor<3x4x4xcomplex<f64>>
// CHECK-NEXT: %[[T:.+]] = "pb.transpose"(%[[X]]) {permutation = array<i64: 2, 0, 1>}
// CHECK-NEXT: %[[Y:.+]] = "pb.fft"(%[[T]]) {fft_lengths = array<i64: 4, 6>, fft_type = "RFFT"} : (tensor<3x4x6xf64>) -> tensor<3x4x4xcomplex<f64>>
// CHECK-NEXT: return %[[Y]]
func.func @rfft2(%x: tensor<4x6xf64>) -> tensor<4x4xcomplex<f64>> {
  %0 = "pb.fft"(%x) {fft_type = "RFFT", fft_lengths = array<i64: 4, 6>} : (tensor<4x6xf64>) -> tensor<4x4xcomplex<f64>>
  return %0 : tensor<4x4xcomplex<f64>>
}
func.func private @rfft2_vmap(tensor<4x6x3xf64>) -> tensor<3x4x4xcomplex<f64>>
    attributes {pb.transform = {kind = "vmap", callee = @rfft2, in_axes = array<i64: 2>, out_axes = array<i64: 0>, axis_size = 3}}
