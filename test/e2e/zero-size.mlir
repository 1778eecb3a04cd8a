// Zero-size arrays end to end: a (2, 0) input crosses the function boundary (see
// pb-empty-memref-args) and reduces to zeros, as in numpy and JAX.

// RUN: pullback-opt %s --run=row_sums --arg='[[], []]' | filecheck %s --check-prefix=ROWS
// ROWS: result[0]: tensor<2xf32> = [0.0, 0.0]
func.func @row_sums(%x: tensor<2x0xf32>) -> tensor<2xf32> {
  %0 = "pb.sin"(%x) : (tensor<2x0xf32>) -> tensor<2x0xf32>
  %1 = "pb.reduce_sum"(%0) {axes = array<i64: 1>} : (tensor<2x0xf32>) -> tensor<2xf32>
  return %1 : tensor<2xf32>
}

// RUN: pullback-opt %s --run=doubled --arg='dense<> : tensor<0x3xf32>' | filecheck %s --check-prefix=EMPTY
// EMPTY: result[0]: tensor<0x3xf32> = []
func.func @doubled(%x: tensor<0x3xf32>) -> tensor<0x3xf32> {
  %0 = "pb.add"(%x, %x) : (tensor<0x3xf32>, tensor<0x3xf32>) -> tensor<0x3xf32>
  return %0 : tensor<0x3xf32>
}

// Integer literals are accepted for float parameters (`--help` shows --arg=2).
// RUN: pullback-opt %s --run=scaled --arg='[1, -2, 3e1]' --arg=2 | filecheck %s --check-prefix=INTS
// INTS: result[0]: tensor<3xf32> = [2.0, -4.0, 60.0]
func.func @scaled(%x: tensor<3xf32>, %s: tensor<f32>) -> tensor<3xf32> {
  %b = "pb.broadcast_in_dim"(%s) {shape = array<i64: 3>, broadcast_dimensions = array<i64>} : (tensor<f32>) -> tensor<3xf32>
  %0 = "pb.mul"(%x, %b) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// An array whose byte size overflows 64 bits is a diagnostic, not an abort in MLIR.
// RUN: not pullback-opt %s --run=huge --arg=1.0 2>&1 | filecheck %s --check-prefix=HUGE
// HUGE: error: cannot run @huge: ValueError: result of type tensor<4294967296x4294967296xf32> holds 73786976294838206464 bytes
func.func @huge(%x: tensor<f32>) -> tensor<4294967296x4294967296xf32> {
  %b = "pb.broadcast_in_dim"(%x) {shape = array<i64: 4294967296, 4294967296>, broadcast_dimensions = array<i64>} : (tensor<f32>) -> tensor<4294967296x4294967296xf32>
  return %b : tensor<4294967296x4294967296xf32>
}
