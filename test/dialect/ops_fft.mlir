// RUN: pullback-opt %s | pullback-opt | filecheck %s

// Round trip of pb.fft: the four transform types, 1 to 3 trailing axes, batched.

// CHECK-LABEL: func.func @fft3
// CHECK: "pb.fft"(%{{.*}}) {fft_lengths = array<i64: 3, 4, 5>, fft_type = "FFT"} : (tensor<2x3x4x5xcomplex<f64>>) -> tensor<2x3x4x5xcomplex<f64>>
func.func @fft3(%x: tensor<2x3x4x5xcomplex<f64>>) -> tensor<2x3x4x5xcomplex<f64>> {
  %0 = "pb.fft"(%x) {fft_type = "FFT", fft_lengths = array<i64: 3, 4, 5>} : (tensor<2x3x4x5xcomplex<f64>>) -> tensor<2x3x4x5xcomplex<f64>>
  return %0 : tensor<2x3x4x5xcomplex<f64>>
}

// CHECK-LABEL: func.func @ifft
// CHECK: "pb.fft"(%{{.*}}) {fft_lengths = array<i64: 7>, fft_type = "IFFT"} : (tensor<7xcomplex<f32>>) -> tensor<7xcomplex<f32>>
func.func @ifft(%x: tensor<7xcomplex<f32>>) -> tensor<7xcomplex<f32>> {
  %0 = "pb.fft"(%x) {fft_type = "IFFT", fft_lengths = array<i64: 7>} : (tensor<7xcomplex<f32>>) -> tensor<7xcomplex<f32>>
  return %0 : tensor<7xcomplex<f32>>
}

// CHECK-LABEL: func.func @rfft2
// CHECK: "pb.fft"(%{{.*}}) {fft_lengths = array<i64: 6, 8>, fft_type = "RFFT"} : (tensor<3x6x8xf32>) -> tensor<3x6x5xcomplex<f32>>
func.func @rfft2(%x: tensor<3x6x8xf32>) -> tensor<3x6x5xcomplex<f32>> {
  %0 = "pb.fft"(%x) {fft_type = "RFFT", fft_lengths = array<i64: 6, 8>} : (tensor<3x6x8xf32>) -> tensor<3x6x5xcomplex<f32>>
  return %0 : tensor<3x6x5xcomplex<f32>>
}

// CHECK-LABEL: func.func @irfft
// CHECK: "pb.fft"(%{{.*}}) {fft_lengths = array<i64: 9>, fft_type = "IRFFT"} : (tensor<2x5xcomplex<f64>>) -> tensor<2x9xf64>
func.func @irfft(%x: tensor<2x5xcomplex<f64>>) -> tensor<2x9xf64> {
  %0 = "pb.fft"(%x) {fft_type = "IRFFT", fft_lengths = array<i64: 9>} : (tensor<2x5xcomplex<f64>>) -> tensor<2x9xf64>
  return %0 : tensor<2x9xf64>
}
