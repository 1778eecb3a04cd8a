// RUN: pullback-opt %s -pb-to-linalg | filecheck %s
// RUN: pullback-opt %s -pb-to-linalg | filecheck %s --check-prefix=NOPB
// RUN: pullback-opt %s -pb-to-linalg --run=eig --arg='[[0.0, -2.0], [2.0, 0.0]]' | filecheck %s --check-prefix=NUM
// RUN: pullback-opt %s -pb-to-linalg --run=eigvals_c --arg='[[(2.0, 1.0), (0.0, 0.0)], [(1.0, 0.0), (3.0, 0.0)]]' \
// RUN:   | filecheck %s --check-prefix=CNUM

// pb.eig calls LAPACKE ?geev per batch member on a copy of the operand. Real operands give the
// eigenvalues as (wr, wi) and conjugate pairs of eigenvectors packed as (re, im) columns: both are
// combined into complex results by linalg.generic ops; every result is NaN where info reports a failure.

// CHECK-LABEL: func.func @eig(
// CHECK: %[[A:.+]] = memref.alloc() : memref<1x2x2xf64>
// CHECK: %[[WR:.+]] = memref.alloc() : memref<1x2xf64>
// CHECK: %[[WI:.+]] = memref.alloc() : memref<1x2xf64>
// CHECK: %[[VL:.+]] = memref.alloc() : memref<1x2x2xf64>
// CHECK: %[[VR:.+]] = memref.alloc() : memref<1x2x2xf64>
// CHECK: %[[INFO:.+]] = memref.alloc() : memref<1xi32>
// CHECK: scf.for
// CHECK: %[[RC:.+]] = func.call @scipy_LAPACKE_dgeev({{.+}}) : (i32, i8, i8, i32, !llvm.ptr, i32, !llvm.ptr, !llvm.ptr, !llvm.ptr, i32, !llvm.ptr, i32) -> i32
// CHECK: memref.store %[[RC]], %[[INFO]]
// CHECK: complex.create
// CHECK: arith.cmpi eq
// CHECK: tensor.extract
// CHECK: complex.create
// CHECK-LABEL: func.func @eigvals_c(
// CHECK: func.call @scipy_LAPACKE_cgeev({{.+}}) : (i32, i8, i8, i32, !llvm.ptr, i32, !llvm.ptr, !llvm.ptr, i32, !llvm.ptr, i32) -> i32
// CHECK-NOT: complex.create
// NOPB-NOT: "pb.

// The rotation by 90 degrees scaled by 2: eigenvalues +-2i, complex conjugate eigenvectors (unit norm,
// largest component real).
// NUM: result[0]: tensor<2xcomplex<f64>> = [(0.0, 2.0{{[0-9]*}}), (0.0, -2.0{{[0-9]*}})]
// NUM: result[1]: tensor<2x2xcomplex<f64>> = {{\[\[}}(-0.707106781186547{{[0-9]}}, 0.0), (-0.707106781186547{{[0-9]}}, -0.0)], [(0.0, 0.707106781186547{{[0-9]}}), (0.0, -0.707106781186547{{[0-9]}})]]
// NUM: result[2]: tensor<2x2xcomplex<f64>> = {{\[\[}}(0.0, 0.707106781186547{{[0-9]}}), (0.0, -0.707106781186547{{[0-9]}})], [(0.707106781186547{{[0-9]}}, 0.0), (0.707106781186547{{[0-9]}}, -0.0)]]
// A triangular complex matrix: its diagonal.
// CNUM: result[0]: tensor<2xcomplex<f32>> = [(3.0, 0.0), (2.0, 1.0)]
func.func @eig(%a: tensor<2x2xf64>) -> (tensor<2xcomplex<f64>>, tensor<2x2xcomplex<f64>>, tensor<2x2xcomplex<f64>>) {
  %0:3 = "pb.eig"(%a) {compute_left_eigenvectors = 1, compute_right_eigenvectors = 1} : (tensor<2x2xf64>) -> (tensor<2xcomplex<f64>>, tensor<2x2xcomplex<f64>>, tensor<2x2xcomplex<f64>>)
  return %0#0, %0#1, %0#2 : tensor<2xcomplex<f64>>, tensor<2x2xcomplex<f64>>, tensor<2x2xcomplex<f64>>
}
func.func @eigvals_c(%a: tensor<2x2xcomplex<f32>>) -> tensor<2xcomplex<f32>> {
  %0 = "pb.eig"(%a) {compute_left_eigenvectors = 0, compute_right_eigenvectors = 0} : (tensor<2x2xcomplex<f32>>) -> tensor<2xcomplex<f32>>
  return %0 : tensor<2xcomplex<f32>>
}
