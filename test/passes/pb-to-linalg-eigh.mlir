// RUN: pullback-opt %s -pb-to-linalg | filecheck %s
// RUN: pullback-opt %s -pb-to-linalg | filecheck %s --check-prefix=NOPB
// RUN: pullback-opt %s -pb-to-linalg --run=eigh --arg='[[2.0, 1.0], [1.0, 2.0]]' | filecheck %s --check-prefix=NUM
// RUN: pullback-opt %s -pb-to-linalg --run=eigh_c --arg='[[(2.0, 0.0), (0.0, 1.0)], [(0.0, -1.0), (2.0, 0.0)]]' \
// RUN:   | filecheck %s --check-prefix=CNUM

// pb.eigh calls LAPACKE ?syevd (?heevd for complex) per batch member on a copy of the operand,
// eigenvalues into a fresh real buffer; both results are NaN where info reports a failure.

// CHECK-LABEL: func.func @eigh(
// CHECK: %[[V:.+]] = memref.alloc() : memref<1x2x2xf64>
// CHECK: %[[W:.+]] = memref.alloc() : memref<1x2xf64>
// CHECK: %[[INFO:.+]] = memref.alloc() : memref<1xi32>
// CHECK: scf.for
// CHECK: %[[RC:.+]] = func.call @scipy_LAPACKE_dsyevd({{.+}}) : (i32, i8, i8, i32, !llvm.ptr, i32, !llvm.ptr) -> i32
// CHECK: memref.store %[[RC]], %[[INFO]]
// CHECK: linalg.generic
// CHECK: arith.cmpi eq
// CHECK: linalg.generic
// CHECK-LABEL: func.func @eigh_c(
// CHECK: func.call @scipy_LAPACKE_cheevd({{.+}}) : (i32, i8, i8, i32, !llvm.ptr, i32, !llvm.ptr) -> i32
// NOPB-NOT: "pb.

// Ascending eigenvalues, eigenvectors in the columns (LAPACK's signs).
// NUM: result[0]: tensor<2x2xf64> = {{\[\[}}-0.7071067811865475, 0.7071067811865475], [0.7071067811865475, 0.7071067811865475]]
// NUM: result[1]: tensor<2xf64> = [1.0, 3.0]
// CNUM: result[1]: tensor<2xf32> = [1.0, 3.0]
func.func @eigh(%a: tensor<2x2xf64>) -> (tensor<2x2xf64>, tensor<2xf64>) {
  %0:2 = "pb.eigh"(%a) {lower = 1} : (tensor<2x2xf64>) -> (tensor<2x2xf64>, tensor<2xf64>)
  return %0#0, %0#1 : tensor<2x2xf64>, tensor<2xf64>
}
func.func @eigh_c(%a: tensor<2x2xcomplex<f32>>) -> (tensor<2x2xcomplex<f32>>, tensor<2xf32>) {
  %0:2 = "pb.eigh"(%a) {lower = 0} : (tensor<2x2xcomplex<f32>>) -> (tensor<2x2xcomplex<f32>>, tensor<2xf32>)
  return %0#0, %0#1 : tensor<2x2xcomplex<f32>>, tensor<2xf32>
}
