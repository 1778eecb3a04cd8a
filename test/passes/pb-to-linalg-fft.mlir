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
// the second group's spare lanes repeating the last row and storing nothing; each group's rows
// are found once, and the gather walks the lanes innermost (neighbouring columns share cache
// lines). Length 12 takes a radix-4 and a radix-3 stage: the radix-3 stage's twiddles (ns = 4)
// from a table laid out per stage, [(r - 1) * ns + k].

// CHECK: memref.global "private" constant @__pb_fft_stage_twiddle_im_f32_12 : memref<8xf32>
// CHECK-LABEL: func.func @fft2(
// CHECK: func.call @__pb_fft_f32_12(
// CHECK: %[[COLS:.+]] = bufferization.to_buffer %{{.+}} read_only : tensor<1x5x12xcomplex<f32>> to memref<1x5x12xcomplex<f32>>
// CHECK: %[[X:.+]] = memref.alloc() : memref<5x8xf32>
// CHECK: %[[LANE_O:.+]] = memref.alloc() : memref<8xindex>
// CHECK: %[[LANE_I:.+]] = memref.alloc() : memref<8xindex>
// CHECK: scf.for %{{.+}} = %{{.+}} to %c2
// CHECK: scf.for %{{.+}} = %{{.+}} to %c8
// CHECK: %[[ROW:.+]] = arith.minui %{{.+}}, %c11
// CHECK: arith.remui %[[ROW]], %c12
// CHECK: scf.for %[[K:.+]] = %{{.+}} to %c5
// CHECK: scf.for %[[V2:.+]] = %{{.+}} to %c8
// CHECK: %[[O:.+]] = memref.load %[[LANE_O]][%[[V2]]]
// CHECK: %[[I:.+]] = memref.load %[[LANE_I]][%[[V2]]]
// CHECK: memref.load %[[COLS]][%[[O]], %[[K]], %[[I]]]
// CHECK: memref.store %{{.+}}, %[[X]][%[[K]], %[[V2]]] : memref<5x8xf32>
// CHECK: func.call @__pb_fft_f32_5_x8(
// CHECK: %[[OWN:.+]] = arith.minui %c8
// CHECK: scf.for %{{.+}} = %{{.+}} to %[[OWN]]
// CHECK-NOT: linalg.generic
// CHECK-LABEL: func.func private @__pb_fft_f32_12(
// CHECK: memref.get_global @__pb_fft_stage_twiddle_re_f32_12
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

// -----

// One long row: its kernel runs the stages on vectors along the row (64 = 4 * 4 * 4). The first
// stages (ns = 1, 4, below the vector width 8) load a chunk of 8 consecutive inputs per leg,
// their twiddles constants (they depend on k = j mod ns only), and shuffle the butterflies'
// outputs into one contiguous block; the last (ns = 16) loads and stores 8 consecutive k's,
// twiddles read as vectors from the per-stage table. No lane loops around the row's gather.

// CHECK-LABEL: func.func @row(
// CHECK-NOT: memref<8xindex>
// CHECK: func.call @__pb_fft_f32_64(
// CHECK-LABEL: func.func private @__pb_fft_f32_64(
// CHECK: %[[TW:.+]] = memref.get_global @__pb_fft_stage_twiddle_re_f32_64 : memref<60xf32>
// CHECK: scf.for %{{.+}} = %{{.+}} to %c16{{[_0-9]*}} step %c8
// CHECK: vector.load %{{.+}} : memref<64xf32>, vector<8xf32>
// CHECK: vector.shuffle %{{.+}}, %{{.+}} [0, 8, 16, 24, 1, 9, 17, 25] : vector<32xf32>, vector<32xf32>
// CHECK: scf.for %{{.+}} = %{{.+}} to %c16{{[_0-9]*}} step %c8
// CHECK: arith.constant dense<
// CHECK: vector.shuffle %{{.+}}, %{{.+}} [0, 1, 2, 3, 8, 9, 10, 11] : vector<32xf32>, vector<32xf32>
// CHECK: scf.for
// CHECK: scf.for %{{.+}} = %{{.+}} to %c16{{[_0-9]*}} step %c8
// CHECK: vector.load %[[TW]][%{{.+}}] : memref<60xf32>, vector<8xf32>
// CHECK: vector.store %{{.+}} : memref<64xf32>, vector<8xf32>
func.func @row(%x: tensor<64xcomplex<f32>>) -> tensor<64xcomplex<f32>> {
  %0 = "pb.fft"(%x) {fft_type = "FFT", fft_lengths = array<i64: 64>} : (tensor<64xcomplex<f32>>) -> tensor<64xcomplex<f32>>
  return %0 : tensor<64xcomplex<f32>>
}
