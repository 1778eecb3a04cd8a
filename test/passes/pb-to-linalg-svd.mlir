// RUN: pullback-opt %s -pb-to-linalg | filecheck %s
// RUN: pullback-opt %s -pb-to-linalg | filecheck %s --check-prefix=NOPB
// RUN: pullback-opt %s -pb-to-linalg --run=svd --arg='[[3.0, 0.0], [0.0, -4.0]]' | filecheck %s --check-prefix=NUM

// pb.svd calls LAPACKE ?gesdd per batch member on a copy of the operand (jobz 'S' reduced,
// 'A' full), with s, u and vh in fresh buffers; all three are NaN where info reports a failure.

// CHECK-LABEL: func.func @svd(
// CHECK: memref.alloc() : memref<1x2x2xf64>
// CHECK: memref.alloc() : memref<1x2xf64>
// CHECK: scf.for
// CHECK: func.call @scipy_LAPACKE_dgesdd({{.+}}) : (i32, i8, i32, i32, !llvm.ptr, i32, !llvm.ptr, !llvm.ptr, i32, !llvm.ptr, i32) -> i32
// CHECK: linalg.generic
// CHECK-LABEL: func.func @svd_full_c(
// CHECK: func.call @scipy_LAPACKE_zgesdd
// NOPB-NOT: "pb.

// Singular values descending; u, vh with LAPACK's signs.
// NUM: result[0]: tensor<2xf64> = [4.0, 3.0]
// NUM: result[1]: tensor<2x2xf64> = {{\[\[}}0.0, 1.0], [1.0, 0.0]]
// NUM: result[2]: tensor<2x2xf64> = {{\[\[}}-0.0, -1.0], [1.0, 0.0]]
func.func @svd(%a: tensor<2x2xf64>) -> (tensor<2xf64>, tensor<2x2xf64>, tensor<2x2xf64>) {
  %0:3 = "pb.svd"(%a) {full_matrices = 0} : (tensor<2x2xf64>) -> (tensor<2xf64>, tensor<2x2xf64>, tensor<2x2xf64>)
  return %0#0, %0#1, %0#2 : tensor<2xf64>, tensor<2x2xf64>, tensor<2x2xf64>
}
func.func @svd_full_c(%a: tensor<3x2xcomplex<f64>>) -> tensor<3x3xcomplex<f64>> {
  %0:3 = "pb.svd"(%a) {full_matrices = 1} : (tensor<3x2xcomplex<f64>>) -> (tensor<2xf64>, tensor<3x3xcomplex<f64>>, tensor<2x2xcomplex<f64>>)
  return %0#1 : tensor<3x3xcomplex<f64>>
}
