// RUN: pullback-opt %s -pb-to-linalg | filecheck %s
// RUN: pullback-opt %s -pb-to-linalg | filecheck %s --check-prefix=NOPB
// RUN: pullback-opt %s -pb-to-linalg --run=chol2 --arg='[[4.0, 0.0, 0.0], [2.0, 5.0, 0.0], [2.0, 1.0, 6.0]]' \
// RUN:   | filecheck %s --check-prefix=NUM
// RUN: pullback-opt %s -pb-to-linalg --run=chol2 --arg='[[-4.0, 0.0, 0.0], [2.0, 5.0, 0.0], [2.0, 1.0, 6.0]]' \
// RUN:   | filecheck %s --check-prefix=NAN
// RUN: pullback-opt %s -pb-to-linalg --run=solve_real --arg='[[2.0, 9.0], [1.0, 4.0]]' --arg='[[2.0], [5.0]]' \
// RUN:   | filecheck %s --check-prefix=SOLVE

// The linear-algebra ops lower to LAPACK calls (dialects/lapack.py): the operand is copied
// into a fresh buffer (LAPACK works in place), an scf.for over the batch calls the routine
// per member on pointers into it, row-major, and stores potrf's info; the result is the
// buffer as a tensor, post-processed by one linalg.generic (upper triangle zeroed, NaN where
// info reports a failure). triangular_solve calls cblas ?trsm (complex alpha by pointer).

// CHECK-LABEL: func.func @chol(
// CHECK: %[[BUF:.+]] = memref.alloc() : memref<2x3x3xf64>
// CHECK: bufferization.materialize_in_destination %{{.+}} in restrict writable %[[BUF]]
// CHECK: %[[INFO:.+]] = memref.alloc() : memref<2xi32>
// CHECK: scf.for %[[B:.+]] = %{{.+}} to %{{.+}} step
// CHECK: memref.extract_aligned_pointer_as_index %[[BUF]]
// CHECK: arith.constant 72 : index
// CHECK: %[[RC:.+]] = func.call @scipy_LAPACKE_dpotrf(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}) : (i32, i8, i32, !llvm.ptr, i32) -> i32
// CHECK: memref.store %[[RC]], %[[INFO]][%[[B]]]
// The factor is masked in place: the strict upper triangle zeroed, NaN below for a failure.
// CHECK: scf.for %[[M:.+]] = %{{.+}} to %{{.+}} step
// CHECK: %[[OK:.+]] = memref.load %[[INFO]][%[[M]]]
// CHECK: %[[GOOD:.+]] = arith.cmpi eq, %[[OK]]
// CHECK: scf.if %[[GOOD]] {
// CHECK: scf.for %[[I:.+]] = %{{.+}} to
// CHECK: %[[NEXT:.+]] = arith.addi %[[I]]
// CHECK: scf.for %[[J:.+]] = %[[NEXT]] to
// CHECK: memref.store %{{.+}}, %[[BUF]][%[[M]], %[[I]], %[[J]]]
// CHECK: } else {
// CHECK: arith.cmpi ule
// CHECK: arith.select
// CHECK-NOT: linalg.generic
// CHECK: bufferization.to_tensor %[[BUF]] restrict writable
// CHECK-LABEL: func.func @solve(
// trsm only reads the triangle: no copy of it.
// CHECK: bufferization.to_buffer %{{.+}} read_only
// CHECK: memref.alloca() : memref<1xcomplex<f32>>
// CHECK: scf.for
// CHECK: func.call @scipy_cblas_ctrsm(%{{.+}}) : (i32, i32, i32, i32, i32, i32, i32, !llvm.ptr, !llvm.ptr, i32, !llvm.ptr, i32) -> ()
// CHECK-LABEL: func.func @solve_real(
// CHECK: func.call @scipy_cblas_strsm({{.+}}) : (i32, i32, i32, i32, i32, i32, i32, f32, !llvm.ptr, i32, !llvm.ptr, i32) -> ()
// CHECK-DAG: func.func private @scipy_LAPACKE_dpotrf(i32, i8, i32, !llvm.ptr, i32) -> i32
// CHECK-DAG: func.func private @scipy_cblas_ctrsm(
// NOPB-NOT: "pb.

// NUM: result[0]: tensor<3x3xf64> = {{\[\[}}2.0, 0.0, 0.0], [1.0, 2.0, 0.0], [1.0, 0.0, 2.23606797749979]]
// NAN: result[0]: tensor<3x3xf64> = {{\[\[}}nan, 0.0, 0.0], [nan, nan, 0.0], [nan, nan, nan]]
// Upper triangle of a read (lower = 0), a[1][1] = 4: x = [(2 - 9 * 1.25) / 2, 5 / 4].
// SOLVE: result[0]: tensor<2x1xf32> = {{\[\[}}-4.625], [1.25]]
func.func @chol(%x: tensor<2x3x3xf64>) -> tensor<2x3x3xf64> {
  %0 = "pb.cholesky"(%x) : (tensor<2x3x3xf64>) -> tensor<2x3x3xf64>
  return %0 : tensor<2x3x3xf64>
}
func.func @chol2(%x: tensor<3x3xf64>) -> tensor<3x3xf64> {
  %0 = "pb.cholesky"(%x) : (tensor<3x3xf64>) -> tensor<3x3xf64>
  return %0 : tensor<3x3xf64>
}
func.func @solve(%a: tensor<3x3xcomplex<f32>>, %b: tensor<3x2xcomplex<f32>>) -> tensor<3x2xcomplex<f32>> {
  %0 = "pb.triangular_solve"(%a, %b) {left_side = 1, lower = 1, transpose_a = 1, conjugate_a = 1, unit_diagonal = 0} : (tensor<3x3xcomplex<f32>>, tensor<3x2xcomplex<f32>>) -> tensor<3x2xcomplex<f32>>
  return %0 : tensor<3x2xcomplex<f32>>
}
func.func @solve_real(%a: tensor<2x2xf32>, %b: tensor<2x1xf32>) -> tensor<2x1xf32> {
  %0 = "pb.triangular_solve"(%a, %b) {left_side = 1, lower = 0, transpose_a = 0, conjugate_a = 0, unit_diagonal = 0} : (tensor<2x2xf32>, tensor<2x1xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}
