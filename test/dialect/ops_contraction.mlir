// RUN: pullback-opt %s | pullback-opt | filecheck %s

// Round trip of the contraction family: dot_general with batch, contracting
// and free dimensions in every position, over every dtype kind.

// CHECK-LABEL: func.func @matmul
// CHECK: "pb.dot_general"(%{{.*}}, %{{.*}}) {lhs_batch = array<i64>, lhs_contracting = array<i64: 1>, rhs_batch = array<i64>, rhs_contracting = array<i64: 0>} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %0 = "pb.dot_general"(%a, %b) {lhs_contracting = array<i64: 1>, rhs_contracting = array<i64: 0>, lhs_batch = array<i64>, rhs_batch = array<i64>} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @batch_matmul
// CHECK: "pb.dot_general"(%{{.*}}, %{{.*}}) {lhs_batch = array<i64: 0>, lhs_contracting = array<i64: 2>, rhs_batch = array<i64: 0>, rhs_contracting = array<i64: 1>} : (tensor<5x2x3xf64>, tensor<5x3x4xf64>) -> tensor<5x2x4xf64>
func.func @batch_matmul(%a: tensor<5x2x3xf64>, %b: tensor<5x3x4xf64>) -> tensor<5x2x4xf64> {
  %0 = "pb.dot_general"(%a, %b) {lhs_contracting = array<i64: 2>, rhs_contracting = array<i64: 1>, lhs_batch = array<i64: 0>, rhs_batch = array<i64: 0>} : (tensor<5x2x3xf64>, tensor<5x3x4xf64>) -> tensor<5x2x4xf64>
  return %0 : tensor<5x2x4xf64>
}

// Batch dims lead the result (in lhs_batch order), then lhs free, then rhs free.
// CHECK-LABEL: func.func @general
// CHECK: "pb.dot_general"(%{{.*}}, %{{.*}}) {lhs_batch = array<i64: 1>, lhs_contracting = array<i64: 2, 0>, rhs_batch = array<i64: 2>, rhs_contracting = array<i64: 0, 3>} : (tensor<3x2x4x7xi32>, tensor<4x5x2x3xi32>) -> tensor<2x7x5xi32>
func.func @general(%a: tensor<3x2x4x7xi32>, %b: tensor<4x5x2x3xi32>) -> tensor<2x7x5xi32> {
  %0 = "pb.dot_general"(%a, %b) {lhs_contracting = array<i64: 2, 0>, rhs_contracting = array<i64: 0, 3>, lhs_batch = array<i64: 1>, rhs_batch = array<i64: 2>} : (tensor<3x2x4x7xi32>, tensor<4x5x2x3xi32>) -> tensor<2x7x5xi32>
  return %0 : tensor<2x7x5xi32>
}

// CHECK-LABEL: func.func @outer_and_inner
// CHECK: "pb.dot_general"(%{{.*}}, %{{.*}}) {lhs_batch = array<i64>, lhs_contracting = array<i64>, rhs_batch = array<i64>, rhs_contracting = array<i64>} : (tensor<3xcomplex<f32>>, tensor<2xcomplex<f32>>) -> tensor<3x2xcomplex<f32>>
// CHECK: "pb.dot_general"(%{{.*}}, %{{.*}}) {lhs_batch = array<i64>, lhs_contracting = array<i64: 0>, rhs_batch = array<i64>, rhs_contracting = array<i64: 0>} : (tensor<3xcomplex<f32>>, tensor<3xcomplex<f32>>) -> tensor<complex<f32>>
func.func @outer_and_inner(%a: tensor<3xcomplex<f32>>, %b: tensor<2xcomplex<f32>>) -> (tensor<3x2xcomplex<f32>>, tensor<complex<f32>>) {
  %0 = "pb.dot_general"(%a, %b) {lhs_contracting = array<i64>, rhs_contracting = array<i64>, lhs_batch = array<i64>, rhs_batch = array<i64>} : (tensor<3xcomplex<f32>>, tensor<2xcomplex<f32>>) -> tensor<3x2xcomplex<f32>>
  %1 = "pb.dot_general"(%a, %a) {lhs_contracting = array<i64: 0>, rhs_contracting = array<i64: 0>, lhs_batch = array<i64>, rhs_batch = array<i64>} : (tensor<3xcomplex<f32>>, tensor<3xcomplex<f32>>) -> tensor<complex<f32>>
  return %0, %1 : tensor<3x2xcomplex<f32>>, tensor<complex<f32>>
}

// CHECK-LABEL: func.func @small_dtypes
// CHECK: "pb.dot_general"(%{{.*}}, %{{.*}}) {lhs_batch = array<i64>, lhs_contracting = array<i64: 1>, rhs_batch = array<i64>, rhs_contracting = array<i64: 1>} : (tensor<2x3xi8>, tensor<4x3xi8>) -> tensor<2x4xi8>
// CHECK: "pb.dot_general"(%{{.*}}, %{{.*}}) {lhs_batch = array<i64>, lhs_contracting = array<i64: 0>, rhs_batch = array<i64>, rhs_contracting = array<i64: 0>} : (tensor<3xui32>, tensor<3xui32>) -> tensor<ui32>
// CHECK: "pb.dot_general"(%{{.*}}, %{{.*}}) {lhs_batch = array<i64>, lhs_contracting = array<i64: 1>, rhs_batch = array<i64>, rhs_contracting = array<i64: 0>} : (tensor<2x2xi1>, tensor<2x2xi1>) -> tensor<2x2xi1>
// CHECK: "pb.dot_general"(%{{.*}}, %{{.*}}) {lhs_batch = array<i64>, lhs_contracting = array<i64: 0>, rhs_batch = array<i64>, rhs_contracting = array<i64: 0>} : (tensor<4xbf16>, tensor<4xbf16>) -> tensor<bf16>
func.func @small_dtypes(%a: tensor<2x3xi8>, %b: tensor<4x3xi8>, %u: tensor<3xui32>, %p: tensor<2x2xi1>, %h: tensor<4xbf16>)
    -> (tensor<2x4xi8>, tensor<ui32>, tensor<2x2xi1>, tensor<bf16>) {
  %0 = "pb.dot_general"(%a, %b) {lhs_contracting = array<i64: 1>, rhs_contracting = array<i64: 1>, lhs_batch = array<i64>, rhs_batch = array<i64>} : (tensor<2x3xi8>, tensor<4x3xi8>) -> tensor<2x4xi8>
  %1 = "pb.dot_general"(%u, %u) {lhs_contracting = array<i64: 0>, rhs_contracting = array<i64: 0>, lhs_batch = array<i64>, rhs_batch = array<i64>} : (tensor<3xui32>, tensor<3xui32>) -> tensor<ui32>
  %2 = "pb.dot_general"(%p, %p) {lhs_contracting = array<i64: 1>, rhs_contracting = array<i64: 0>, lhs_batch = array<i64>, rhs_batch = array<i64>} : (tensor<2x2xi1>, tensor<2x2xi1>) -> tensor<2x2xi1>
  %3 = "pb.dot_general"(%h, %h) {lhs_contracting = array<i64: 0>, rhs_contracting = array<i64: 0>, lhs_batch = array<i64>, rhs_batch = array<i64>} : (tensor<4xbf16>, tensor<4xbf16>) -> tensor<bf16>
  return %0, %1, %2, %3 : tensor<2x4xi8>, tensor<ui32>, tensor<2x2xi1>, tensor<bf16>
}
