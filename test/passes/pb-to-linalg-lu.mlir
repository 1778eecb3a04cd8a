// RUN: pullback-opt %s -pb-to-linalg | filecheck %s
// RUN: pullback-opt %s -pb-to-linalg | filecheck %s --check-prefix=NOPB
// RUN: pullback-opt %s -pb-to-linalg --run=lu --arg='[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 10.0]]' \
// RUN:   | filecheck %s --check-prefix=NUM
// RUN: pullback-opt %s -pb-to-linalg --run=perm --arg='[[2, 2, 3], [1, 1, 2]]' | filecheck %s --check-prefix=PERM

// pb.lu calls LAPACKE ?getrf per batch member on a copy of the operand (pivots into a fresh
// i32 buffer), makes the pivots 0-based and builds the permutation with
// pb.lu_pivots_to_permutation's lowering: scf loops over memrefs that start from 0..m-1 and
// swap row i with row pivots[i].

// CHECK-LABEL: func.func @lu(
// CHECK: %[[BUF:.+]] = memref.alloc() : memref<1x3x3xf64>
// CHECK: %[[PIV:.+]] = memref.alloc() : memref<1x3xi32>
// CHECK: scf.for
// CHECK: func.call @scipy_LAPACKE_dgetrf({{.+}}) : (i32, i32, i32, !llvm.ptr, i32, !llvm.ptr) -> i32
// CHECK: bufferization.to_tensor %[[PIV]] restrict writable
// CHECK: arith.subi
// CHECK: bufferization.to_tensor %[[BUF]] restrict writable
// CHECK: scf.for
// CHECK: scf.for
// CHECK: memref.store
// CHECK: scf.for
// CHECK: memref.load
// CHECK-LABEL: func.func @perm(
// CHECK: scf.for
// CHECK-NOT: func.call
// NOPB-NOT: "pb.

// The same as scipy.linalg.lu_factor: rows 2, 0, 1 of a in the order of L·U.
// NUM: result[0]: tensor<3x3xf64> = {{\[\[}}7.0, 8.0, 10.0], [0.14285714285714285, 0.8571428571428572, 1.5714285714285716], [0.5714285714285714, 0.5000000000000002, -0.5]]
// NUM: result[1]: tensor<3xi32> = [2, 2, 2]
// NUM: result[2]: tensor<3xi32> = [2, 0, 1]
// PERM: result[0]: tensor<2x4xi32> = {{\[\[}}2, 0, 3, 1], [1, 0, 2, 3]]
func.func @lu(%a: tensor<3x3xf64>) -> (tensor<3x3xf64>, tensor<3xi32>, tensor<3xi32>) {
  %0:3 = "pb.lu"(%a) : (tensor<3x3xf64>) -> (tensor<3x3xf64>, tensor<3xi32>, tensor<3xi32>)
  return %0#0, %0#1, %0#2 : tensor<3x3xf64>, tensor<3xi32>, tensor<3xi32>
}
func.func @perm(%p: tensor<2x3xi32>) -> tensor<2x4xi32> {
  %0 = "pb.lu_pivots_to_permutation"(%p) {permutation_size = 4} : (tensor<2x3xi32>) -> tensor<2x4xi32>
  return %0 : tensor<2x4xi32>
}
