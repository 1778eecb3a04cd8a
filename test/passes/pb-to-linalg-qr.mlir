// RUN: pullback-opt %s -pb-to-linalg | filecheck %s
// RUN: pullback-opt %s -pb-to-linalg | filecheck %s --check-prefix=NOPB
// RUN: pullback-opt %s -pb-to-linalg --run=qr_full --arg='[[3.0], [4.0]]' | filecheck %s --check-prefix=NUM

// pb.qr calls LAPACKE ?geqrf on a copy of the operand (reflector scales into a fresh buffer),
// takes r as the upper triangle of its first rows, copies the reflectors (zero-padded to
// q's width for a complete q) into a second buffer and expands q there with ?orgqr / ?ungqr.

// CHECK-LABEL: func.func @qr_full(
// CHECK: memref.alloc() : memref<1x2x1xf64>
// CHECK: %[[TAU:.+]] = memref.alloc() : memref<1x1xf64>
// CHECK: func.call @scipy_LAPACKE_dgeqrf({{.+}}) : (i32, i32, i32, !llvm.ptr, i32, !llvm.ptr) -> i32
// CHECK: arith.cmpi ule
// CHECK: tensor.insert_slice
// CHECK: memref.alloc() : memref<1x2x2xf64>
// CHECK: func.call @scipy_LAPACKE_dorgqr({{.+}}) : (i32, i32, i32, i32, !llvm.ptr, i32, !llvm.ptr) -> i32
// CHECK-LABEL: func.func @qr_c(
// CHECK: func.call @scipy_LAPACKE_cgeqrf
// CHECK: func.call @scipy_LAPACKE_cungqr
// NOPB-NOT: "pb.

// [3, 4]ᵀ = Q R with LAPACK's signs: R = [[-5]], Q's first column -[3, 4] / 5.
// NUM: result[0]: tensor<2x2xf64> = {{\[\[}}-0.60{{[0-9]*}}, -0.8], [-0.8, 0.6]]
// NUM: result[1]: tensor<2x1xf64> = {{\[\[}}-5.0], [0.0]]
func.func @qr_full(%a: tensor<2x1xf64>) -> (tensor<2x2xf64>, tensor<2x1xf64>) {
  %0:2 = "pb.qr"(%a) {full_matrices = 1} : (tensor<2x1xf64>) -> (tensor<2x2xf64>, tensor<2x1xf64>)
  return %0#0, %0#1 : tensor<2x2xf64>, tensor<2x1xf64>
}
func.func @qr_c(%a: tensor<3x2xcomplex<f32>>) -> (tensor<3x2xcomplex<f32>>, tensor<2x2xcomplex<f32>>) {
  %0:2 = "pb.qr"(%a) {full_matrices = 0} : (tensor<3x2xcomplex<f32>>) -> (tensor<3x2xcomplex<f32>>, tensor<2x2xcomplex<f32>>)
  return %0#0, %0#1 : tensor<3x2xcomplex<f32>>, tensor<2x2xcomplex<f32>>
}
