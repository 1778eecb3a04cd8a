// RUN: pullback-opt %s --split-input-file --verify-diagnostics

// One case per constraint of pb.fft.

func.func @fft_type(%x: tensor<8xcomplex<f32>>) -> tensor<8xcomplex<f32>> {
  // expected-error @+1 {{pb.fft attribute 'fft_type' must be one of ['FFT', 'IFFT', 'IRFFT', 'RFFT'], got 'DCT'}}
  %0 = "pb.fft"(%x) {fft_type = "DCT", fft_lengths = array<i64: 8>} : (tensor<8xcomplex<f32>>) -> tensor<8xcomplex<f32>>
  return %0 : tensor<8xcomplex<f32>>
}

// -----

func.func @too_many_axes(%x: tensor<2x2x2x2xcomplex<f32>>) -> tensor<2x2x2x2xcomplex<f32>> {
  // expected-error @+1 {{pb.fft fft_lengths must have 1 to 3 entries, got [2, 2, 2, 2]}}
  %0 = "pb.fft"(%x) {fft_type = "FFT", fft_lengths = array<i64: 2, 2, 2, 2>} : (tensor<2x2x2x2xcomplex<f32>>) -> tensor<2x2x2x2xcomplex<f32>>
  return %0 : tensor<2x2x2x2xcomplex<f32>>
}

// -----

func.func @rank(%x: tensor<4xcomplex<f32>>) -> tensor<4xcomplex<f32>> {
  // expected-error @+1 {{pb.fft operand of shape [4] has fewer dimensions than fft_lengths [2, 4]}}
  %0 = "pb.fft"(%x) {fft_type = "FFT", fft_lengths = array<i64: 2, 4>} : (tensor<4xcomplex<f32>>) -> tensor<4xcomplex<f32>>
  return %0 : tensor<4xcomplex<f32>>
}

// -----

func.func @lengths(%x: tensor<4x8xcomplex<f32>>) -> tensor<4x8xcomplex<f32>> {
  // expected-error @+1 {{pb.fft FFT operand's trailing dimensions must equal fft_lengths [16], got [8]}}
  %0 = "pb.fft"(%x) {fft_type = "FFT", fft_lengths = array<i64: 16>} : (tensor<4x8xcomplex<f32>>) -> tensor<4x8xcomplex<f32>>
  return %0 : tensor<4x8xcomplex<f32>>
}

// -----

func.func @real_fft(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{pb.fft FFT takes a complex64 or complex128 operand, got float32}}
  %0 = "pb.fft"(%x) {fft_type = "FFT", fft_lengths = array<i64: 8>} : (tensor<8xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @complex_rfft(%x: tensor<8xcomplex<f32>>) -> tensor<5xcomplex<f32>> {
  // expected-error @+1 {{pb.fft RFFT takes a float32 or float64 operand, got complex64}}
  %0 = "pb.fft"(%x) {fft_type = "RFFT", fft_lengths = array<i64: 8>} : (tensor<8xcomplex<f32>>) -> tensor<5xcomplex<f32>>
  return %0 : tensor<5xcomplex<f32>>
}

// -----

func.func @irfft_half(%x: tensor<8xcomplex<f32>>) -> tensor<8xf32> {
  // expected-error @+1 {{pb.fft IRFFT operand's trailing dimensions must be [5] for fft_lengths [8], got [8]}}
  %0 = "pb.fft"(%x) {fft_type = "IRFFT", fft_lengths = array<i64: 8>} : (tensor<8xcomplex<f32>>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @zero_length(%x: tensor<0xcomplex<f32>>) -> tensor<0xcomplex<f32>> {
  // expected-error @+1 {{pb.fft fft_lengths must be positive, got [0]}}
  %0 = "pb.fft"(%x) {fft_type = "FFT", fft_lengths = array<i64: 0>} : (tensor<0xcomplex<f32>>) -> tensor<0xcomplex<f32>>
  return %0 : tensor<0xcomplex<f32>>
}

// -----

func.func @result_type(%x: tensor<8xf32>) -> tensor<8xcomplex<f32>> {
  // expected-error @+1 {{'pb.fft' op inferred result type tensor<5xcomplex<f32>> does not match tensor<8xcomplex<f32>>}}
  %0 = "pb.fft"(%x) {fft_type = "RFFT", fft_lengths = array<i64: 8>} : (tensor<8xf32>) -> tensor<8xcomplex<f32>>
  return %0 : tensor<8xcomplex<f32>>
}
