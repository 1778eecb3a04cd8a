// RUN: pullback-opt %s -pb-to-linalg --split-input-file | filecheck %s
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - --run=main --arg='[[(1.0, 0.0), (2.0, 0.0), (3.0, 0.0), (4.0, 0.0)], [(1.0, 1.0), (1.0, 1.0), (1.0, 1.0), (1.0, 1.0)]]' \
// RUN:   | filecheck %s --check-prefix=NUM

// pb.fft lowers, per transformed axis, to loops over the rows along it (the operand viewed as
// (outer, length, inner), read in place) that copy each row into split real and imaginary buffers, calls the module's one kernel of that (float type, length), and writes
// the row back. Kernels are private functions on static memrefs: Stockham stages for lengths
// with small prime factors (twiddles in a constant memref.global), Bluestein through a
// power-of-two kernel for the others. The inverse calls the same kernel on swapped parts.

// CHECK-LABEL: func.func @main(
// CHECK: %[[IN:.+]] = bufferization.to_buffer %{{.+}} read_only : tensor<2x4x1xcomplex<f32>> to memref<2x4x1xcomplex<f32>>
// CHECK: scf.for %[[B:.+]] =
// CHECK: memref.load %[[IN]][
// CHECK: complex.re
// CHECK: func.call @__pb_fft_f32_4(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}) : (memref<4xf32>, memref<4xf32>, memref<4xf32>, memref<4xf32>) -> ()
// CHECK: complex.create
// CHECK: func.call @__pb_fft_f32_4(
// CHECK-LABEL: func.func private @__pb_fft_f32_4(
// CHECK-NOT: func.func
// CHECK: arith.subf
// CHECK: memref.store

// fft([1, 2, 3, 4]) = [10, -2 + 2i, -2, -2 - 2i]; a constant row transforms to an impulse;
// ifft undoes it.
// NUM: result[0]: tensor<2x4xcomplex<f32>> = {{\[\[}}(10.0, 0.0), (-2.0, 2.0), (-2.0, 0.0), (-2.0, -2.0)], {{\[}}(4.0, 4.0), (0.0, 0.0), (0.0, 0.0), (0.0, 0.0)]]
// NUM: result[1]: tensor<2x4xcomplex<f32>> = {{\[\[}}(1.0, 0.0), (2.0, 0.0), (3.0, 0.0), (4.0, 0.0)], {{\[}}(1.0, 1.0), (1.0, 1.0), (1.0, 1.0), (1.0, 1.0)]]
func.func @main(%x: tensor<2x4xcomplex<f32>>) -> (tensor<2x4xcomplex<f32>>, tensor<2x4xcomplex<f32>>) {
  %0 = "pb.fft"(%x) {fft_type = "FFT", fft_lengths = array<i64: 4>} : (tensor<2x4xcomplex<f32>>) -> tensor<2x4xcomplex<f32>>
  %1 = "pb.fft"(%0) {fft_type = "IFFT", fft_lengths = array<i64: 4>} : (tensor<2x4xcomplex<f32>>) -> tensor<2x4xcomplex<f32>>
  return %0, %1 : tensor<2x4xcomplex<f32>>, tensor<2x4xcomplex<f32>>
}

// -----

// A prime length: Bluestein's chirp-z through the power-of-two kernel of length 64 >= 2 * 17 - 1,
// the chirp and its transform as constants.

// CHECK-LABEL: func.func @prime(
// CHECK: func.call @__pb_fft_f64_17(
// CHECK-LABEL: func.func private @__pb_fft_f64_17(
// CHECK-DAG: memref.get_global @__pb_fft_chirp_re_f64_17 : memref<17xf64>
// CHECK-DAG: memref.get_global @__pb_fft_bluestein_im_f64_17 : memref<64xf64>
// CHECK: call @__pb_fft_f64_64(
// CHECK: call @__pb_fft_f64_64(
// CHECK-LABEL: func.func private @__pb_fft_f64_64(
func.func @prime(%x: tensor<17xf64>) -> tensor<9xcomplex<f64>> {
  %0 = "pb.fft"(%x) {fft_type = "RFFT", fft_lengths = array<i64: 17>} : (tensor<17xf64>) -> tensor<9xcomplex<f64>>
  return %0 : tensor<9xcomplex<f64>>
}

// -----

// Two axes, one after the other, no transposes: the first axis's rows are strided (inner = 12).
// Its 12 rows go 8 at a time through the kernel's vector form (buffers n x 8, a row per lane),
// the second group's spare lanes repeating the last row and storing nothing. Length 12 takes a
// radix-4 and a radix-3 stage: twiddles from a table of the 12th roots of unity.

// CHECK: memref.global "private" constant @__pb_fft_twiddle_im_f32_12 : memref<12xf32>
// CHECK-LABEL: func.func @fft2(
// CHECK: func.call @__pb_fft_f32_12(
// CHECK: %[[COLS:.+]] = bufferization.to_buffer %{{.+}} read_only : tensor<1x5x12xcomplex<f32>> to memref<1x5x12xcomplex<f32>>
// CHECK: %[[X:.+]] = memref.alloc() : memref<5x8xf32>
// CHECK: scf.for %{{.+}} = %{{.+}} to %c2
// CHECK: scf.for %[[V:.+]] = %{{.+}} to %c8
// CHECK: %[[ROW:.+]] = arith.minui %{{.+}}, %c11
// CHECK: %[[I:.+]] = arith.remui %[[ROW]], %c12
// CHECK: scf.for %[[K:.+]] = %{{.+}} to %c5
// CHECK: memref.load %[[COLS]][%{{.+}}, %[[K]], %[[I]]]
// CHECK: memref.store %{{.+}}, %[[X]][%[[K]], %[[V]]] : memref<5x8xf32>
// CHECK: func.call @__pb_fft_f32_5_x8(
// CHECK: scf.if
// CHECK-NOT: linalg.generic
// CHECK-LABEL: func.func private @__pb_fft_f32_12(
// CHECK: memref.get_global @__pb_fft_twiddle_re_f32_12
// CHECK-LABEL: func.func private @__pb_fft_f32_5_x8(
// CHECK: vector.load %{{.+}} : memref<5x8xf32>, vector<8xf32>
// CHECK: arith.mulf %{{.+}}, %{{.+}} : vector<8xf32>
// CHECK: vector.store
func.func @fft2(%x: tensor<5x12xcomplex<f32>>) -> tensor<5x12xcomplex<f32>> {
  %0 = "pb.fft"(%x) {fft_type = "FFT", fft_lengths = array<i64: 5, 12>} : (tensor<5x12xcomplex<f32>>) -> tensor<5x12xcomplex<f32>>
  return %0 : tensor<5x12xcomplex<f32>>
}

// -----

// RFFT of even length n: the row packed as x[2k] + i x[2k+1] through the n/2 kernel, untangled
// with a table of the n-th roots of unity (n/2 + 1 of them).

// CHECK: memref.global "private" constant @__pb_rfft_twiddle_real_f32_8 : memref<5xf32> = dense<[1.000000e+00, 0.707106769, 0.000000e+00, -0.707106769, -1.000000e+00]>
// CHECK-LABEL: func.func @rfft_even(
// CHECK: func.call @__pb_fft_f32_4(
// CHECK: memref.get_global @__pb_rfft_twiddle_imag_f32_8
// CHECK-NOT: func.call @__pb_fft_f32_8
func.func @rfft_even(%x: tensor<2x8xf32>) -> tensor<2x5xcomplex<f32>> {
  %0 = "pb.fft"(%x) {fft_type = "RFFT", fft_lengths = array<i64: 8>} : (tensor<2x8xf32>) -> tensor<2x5xcomplex<f32>>
  return %0 : tensor<2x5xcomplex<f32>>
}
