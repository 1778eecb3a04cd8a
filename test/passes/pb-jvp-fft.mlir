// RUN: pullback-opt %s -pb-jvp --split-input-file --verify-diagnostics | filecheck %s
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - -pb-jvp --run=main \
// RUN:   --arg='[1.0, 2.0, 3.0, 4.0]' --arg='[1.0, 0.0, 0.0, 0.0]' | filecheck %s --check-prefix=NUM

// pb.fft is linear: its JVP is the same transform of the tangent.

// CHECK-LABEL: func.func private @rfft_jvp_2(
// CHECK-SAME: %[[X:.+]]: tensor<4xf32>, %[[T:.+]]: tensor<4xf32>)
// CHECK-NEXT: %[[Y:.+]] = "pb.fft"(%[[X]]) {fft_lengths = array<i64: 4>, fft_type = "RFFT"}
// CHECK-NEXT: %[[DY:.+]] = "pb.fft"(%[[T]]) {fft_lengths = array<i64: 4>, fft_type = "RFFT"}
// CHECK-NEXT: return %[[Y]], %[[DY]]

// rfft([1, 2, 3, 4]) = [10, -2 + 2i, -2]; the tangent, an impulse, has a flat spectrum.
// NUM: result[0]: tensor<3xcomplex<f32>> = [(10.0, 0.0), (-2.0, 2.0), (-2.0, 0.0)]
// NUM: result[1]: tensor<3xcomplex<f32>> = [(1.0, 0.0), (1.0, 0.0), (1.0, 0.0)]
func.func @rfft(%x: tensor<4xf32>) -> tensor<3xcomplex<f32>> {
  %0 = "pb.fft"(%x) {fft_type = "RFFT", fft_lengths = array<i64: 4>} : (tensor<4xf32>) -> tensor<3xcomplex<f32>>
  return %0 : tensor<3xcomplex<f32>>
}
func.func private @rfft_jvp(tensor<4xf32>, tensor<4xf32>) -> (tensor<3xcomplex<f32>>, tensor<3xcomplex<f32>>)
    attributes {pb.transform = {kind = "jvp", callee = @rfft}}
func.func @main(%x: tensor<4xf32>, %t: tensor<4xf32>) -> (tensor<3xcomplex<f32>>, tensor<3xcomplex<f32>>) {
  %0:2 = call @rfft_jvp(%x, %t) : (tensor<4xf32>, tensor<4xf32>) -> (tensor<3xcomplex<f32>>, tensor<3xcomplex<f32>>)
  return %0#0, %0#1 : tensor<3xcomplex<f32>>, tensor<3xcomplex<f32>>
}

// -----

// CHECK-LABEL: func.func private @fft2_jvp_2(
// CHECK-SAME: %[[X:.+]]: tensor<3x5xcomplex<f64>>, %[[T:.+]]: tensor<3x5xcomplex<f64>>)
// CHECK-NEXT: %[[Y:.+]] = "pb.fft"(%[[X]]) {fft_lengths = array<i64: 3, 5>, fft_type = "FFT"}
// CHECK-NEXT: %[[DY:.+]] = "pb.fft"(%[[T]]) {fft_lengths = array<i64: 3, 5>, fft_type = "FFT"}
// CHECK-NEXT: return %[[Y]], %[[DY]]
func.func @fft2(%x: tensor<3x5xcomplex<f64>>) -> tensor<3x5xcomplex<f64>> {
  %0 = "pb.fft"(%x) {fft_type = "FFT", fft_lengths = array<i64: 3, 5>} : (tensor<3x5xcomplex<f64>>) -> tensor<3x5xcomplex<f64>>
  return %0 : tensor<3x5xcomplex<f64>>
}
func.func private @fft2_jvp(tensor<3x5xcomplex<f64>>, tensor<3x5xcomplex<f64>>) -> (tensor<3x5xcomplex<f64>>, tensor<3x5xcomplex<f64>>)
    attributes {pb.transform = {kind = "jvp", callee = @fft2}}
