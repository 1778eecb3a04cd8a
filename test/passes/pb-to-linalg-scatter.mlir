// RUN: pullback-opt %s -pb-to-linalg | filecheck %s
// RUN: pullback-opt %s -pb-to-linalg | filecheck %s --check-prefix=NOPB
// RUN: pullback-opt %s -pb-to-linalg | mlir-opt | filecheck %s --check-prefix=NOPB

// The combining scatters lower as scatter_add does: one scf.for per update
// dimension carrying the result tensor, a clamped extract of the old element, the
// combiner, and (mode "drop") a select that keeps the old value for an update whose
// window does not fit. No one-hot matrix, no linalg.generic over operand x updates.

// NOPB-NOT: "pb.

// CHECK-LABEL: func.func @scatter_mul_drop
// CHECK: scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %arg0) -> (tensor<5xf32>)
// CHECK:   %[[RAW:.*]] = arith.index_cast %{{.*}} : i32 to index
// CHECK:   %[[LO:.*]] = arith.maxsi %[[RAW]], %{{.*}} : index
// CHECK:   %[[AT:.*]] = arith.minsi %[[LO]], %{{.*}} : index
// CHECK:   %[[FITS:.*]] = arith.cmpi eq, %[[RAW]], %[[AT]] : index
// CHECK:   %[[OLD:.*]] = tensor.extract %[[ACC]][%[[AT]]] : tensor<5xf32>
// CHECK:   %[[U:.*]] = tensor.extract %arg2[%[[K]]] : tensor<3xf32>
// CHECK:   %[[NEW:.*]] = arith.mulf %[[OLD]], %[[U]] : f32
// CHECK:   %[[KEEP:.*]] = arith.select %[[FITS]], %[[NEW]], %[[OLD]] : f32
// CHECK:   tensor.insert %[[KEEP]] into %[[ACC]][%[[AT]]] : tensor<5xf32>
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @scatter_mul_drop(%x: tensor<5xf32>, %i: tensor<3x1xi32>, %u: tensor<3xf32>) -> tensor<5xf32> {
  %0 = "pb.scatter_mul"(%x, %i, %u) {update_window_dims = array<i64>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5xf32>, tensor<3x1xi32>, tensor<3xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// Clip mode: no select, the clamped index is used as is; complex multiply.
// CHECK-LABEL: func.func @scatter_mul_clip_complex
// CHECK: scf.for
// CHECK-NOT: arith.select
// CHECK: complex.mul
// CHECK-NOT: arith.select
// CHECK: tensor.insert
func.func @scatter_mul_clip_complex(%x: tensor<4xcomplex<f64>>, %i: tensor<2x1xi64>, %u: tensor<2xcomplex<f64>>) -> tensor<4xcomplex<f64>> {
  %0 = "pb.scatter_mul"(%x, %i, %u) {update_window_dims = array<i64>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "clip"} : (tensor<4xcomplex<f64>>, tensor<2x1xi64>, tensor<2xcomplex<f64>>) -> tensor<4xcomplex<f64>>
  return %0 : tensor<4xcomplex<f64>>
}

// Floats take the NaN-propagating minimum/maximum (XLA's), integers the signed or
// unsigned one. Windows: a nest of two loops (scatter dim, window dim).
// CHECK-LABEL: func.func @scatter_min_max
// CHECK: scf.for
// CHECK: scf.for
// CHECK: arith.minimumf %{{.*}}, %{{.*}} : f32
// CHECK: scf.for
// CHECK: arith.maxsi %{{.*}}, %{{.*}} : i32
// CHECK: scf.for
// CHECK: arith.minui %{{.*}}, %{{.*}} : i8
func.func @scatter_min_max(%x: tensor<5x3xf32>, %i: tensor<2x1xi32>, %u: tensor<2x3xf32>,
                           %y: tensor<5xi32>, %v: tensor<2xi32>, %z: tensor<5xui8>, %w: tensor<2xui8>)
    -> (tensor<5x3xf32>, tensor<5xi32>, tensor<5xui8>) {
  %0 = "pb.scatter_min"(%x, %i, %u) {update_window_dims = array<i64: 1>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5x3xf32>, tensor<2x1xi32>, tensor<2x3xf32>) -> tensor<5x3xf32>
  %1 = "pb.scatter_max"(%y, %i, %v) {update_window_dims = array<i64>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<5xi32>, tensor<2x1xi32>, tensor<2xi32>) -> tensor<5xi32>
  %2 = "pb.scatter_min"(%z, %i, %w) {update_window_dims = array<i64>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "clip"} : (tensor<5xui8>, tensor<2x1xi32>, tensor<2xui8>) -> tensor<5xui8>
  return %0, %1, %2 : tensor<5x3xf32>, tensor<5xi32>, tensor<5xui8>
}
