// RUN: pullback-opt %s -pb-blas-calls --split-input-file | filecheck %s
// RUN: sed -n '/^\/\/ NUMERIC/,$p' %s | pullback-opt - --run=weighted_nt | filecheck %s --check-prefix=NT
// RUN: sed -n '/^\/\/ NUMERIC/,$p' %s | pullback-opt - --run=weighted_batch_tn | filecheck %s --check-prefix=TN
// RUN: sed -n '/^\/\/ NUMERIC/,$p' %s | env PULLBACK_BLAS=0 pullback-opt - --run=weighted_nt | filecheck %s --check-prefix=NT
// RUN: sed -n '/^\/\/ NUMERIC/,$p' %s | env PULLBACK_BLAS=0 pullback-opt - --run=weighted_batch_tn | filecheck %s --check-prefix=TN

// pb-blas-calls turns each matmul marked pb.blas (by pb-outline-blas-matmuls) on memrefs
// into one OpenBLAS call on the buffers' pointers: row major (101), trans flags from the
// indexing maps (111 = no, 112 = transposed), leading dimensions from the strides, beta = 0,
// so the zero fill right before it is dropped.

// CHECK-LABEL: func.func private @gemm_nt(
// CHECK-NOT: linalg.fill
// CHECK-DAG: %[[ROW:.+]] = arith.constant 101 : i32
// CHECK-DAG: %[[N:.+]] = arith.constant 111 : i32
// CHECK-DAG: %[[T:.+]] = arith.constant 112 : i32
// CHECK-DAG: memref.extract_aligned_pointer_as_index %arg0
// CHECK-DAG: llvm.inttoptr
// CHECK: call @scipy_cblas_dgemm(%[[ROW]], %[[N]], %[[T]], %{{.+}}) : (i32, i32, i32, i32, i32, i32, f64, !llvm.ptr, i32, !llvm.ptr, i32, f64, !llvm.ptr, i32) -> ()
// CHECK-NOT: linalg.matmul
// CHECK: func.func private @scipy_cblas_dgemm(i32, i32, i32, i32, i32, i32, f64, !llvm.ptr, i32, !llvm.ptr, i32, f64, !llvm.ptr, i32)
#a = affine_map<(m, n, k) -> (m, k)>
#bt = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func private @gemm_nt(%a: memref<32x40xf64>, %b: memref<48x40xf64>, %c: memref<32x48xf64>) {
  %z = arith.constant 0.0 : f64
  linalg.fill ins(%z : f64) outs(%c : memref<32x48xf64>)
  linalg.matmul indexing_maps = [#a, #bt, #c] {pb.blas} ins(%a, %b : memref<32x40xf64>, memref<48x40xf64>) outs(%c : memref<32x48xf64>)
  return
}

// -----

// A batch is one strided call; a view with an offset passes its first element's address.
// CHECK-LABEL: func.func private @batch_tn(
// CHECK: arith.addi
// CHECK: call @scipy_cblas_sgemm_batch_strided(
// CHECK-NOT: linalg.batch_matmul
// CHECK-LABEL: func.func private @unmarked(
// CHECK: linalg.matmul
#at = affine_map<(b, m, n, k) -> (b, k, m)>
#bb = affine_map<(b, m, n, k) -> (b, k, n)>
#cb = affine_map<(b, m, n, k) -> (b, m, n)>
func.func private @batch_tn(%a: memref<4x32x16xf32, strided<[512, 16, 1], offset: 8>>, %b: memref<4x32x24xf32>, %c: memref<4x16x24xf32>) {
  linalg.batch_matmul indexing_maps = [#at, #bb, #cb] {pb.blas} ins(%a, %b : memref<4x32x16xf32, strided<[512, 16, 1], offset: 8>>, memref<4x32x24xf32>) outs(%c : memref<4x16x24xf32>)
  return
}
func.func private @unmarked(%a: memref<4x4xf32>, %c: memref<4x4xf32>) {
  linalg.matmul ins(%a, %a : memref<4x4xf32>, memref<4x4xf32>) outs(%c : memref<4x4xf32>)
  return
}

// NUMERIC: pb IR through the whole CPU pipeline, with and without the library. With
// A[i][k] = i + k, B[j][k] = j - k (read transposed) and weights 100 i + j, the weighted sum
// of C = A B^T is exact in f64.
// NT: result[0]: tensor<f64> = -66391185600.0
func.func @weighted_nt() -> tensor<f64> {
  %i = "pb.iota"() {dimension = 0 : i64, dtype = "float64", shape = array<i64: 40, 48>} : () -> tensor<40x48xf64>
  %k = "pb.iota"() {dimension = 1 : i64, dtype = "float64", shape = array<i64: 40, 48>} : () -> tensor<40x48xf64>
  %a = "pb.add"(%i, %k) : (tensor<40x48xf64>, tensor<40x48xf64>) -> tensor<40x48xf64>
  %j = "pb.iota"() {dimension = 0 : i64, dtype = "float64", shape = array<i64: 36, 48>} : () -> tensor<36x48xf64>
  %k2 = "pb.iota"() {dimension = 1 : i64, dtype = "float64", shape = array<i64: 36, 48>} : () -> tensor<36x48xf64>
  %b = "pb.sub"(%j, %k2) : (tensor<36x48xf64>, tensor<36x48xf64>) -> tensor<36x48xf64>
  %c = "pb.dot_general"(%a, %b) {lhs_batch = array<i64>, lhs_contracting = array<i64: 1>, rhs_batch = array<i64>, rhs_contracting = array<i64: 1>} : (tensor<40x48xf64>, tensor<36x48xf64>) -> tensor<40x36xf64>
  %wi = "pb.iota"() {dimension = 0 : i64, dtype = "float64", shape = array<i64: 40, 36>} : () -> tensor<40x36xf64>
  %wj = "pb.iota"() {dimension = 1 : i64, dtype = "float64", shape = array<i64: 40, 36>} : () -> tensor<40x36xf64>
  %h = "pb.constant"() {value = dense<100.0> : tensor<40x36xf64>} : () -> tensor<40x36xf64>
  %wi100 = "pb.mul"(%wi, %h) : (tensor<40x36xf64>, tensor<40x36xf64>) -> tensor<40x36xf64>
  %w = "pb.add"(%wi100, %wj) : (tensor<40x36xf64>, tensor<40x36xf64>) -> tensor<40x36xf64>
  %p = "pb.mul"(%c, %w) : (tensor<40x36xf64>, tensor<40x36xf64>) -> tensor<40x36xf64>
  %s = "pb.reduce_sum"(%p) {axes = array<i64: 0, 1>} : (tensor<40x36xf64>) -> tensor<f64>
  return %s : tensor<f64>
}

// Batched with the lhs contracted on its first axis (read transposed): A[b][k][i] = b + i + k,
// B[b][k][j] = j - k + 10 b, weights 100 i + j + 10000 b.
// TN: result[0]: tensor<f32> = 5.0978{{[0-9]*}}e+11
func.func @weighted_batch_tn() -> tensor<f32> {
  %ab = "pb.iota"() {dimension = 0 : i64, dtype = "float32", shape = array<i64: 3, 32, 24>} : () -> tensor<3x32x24xf32>
  %ak = "pb.iota"() {dimension = 1 : i64, dtype = "float32", shape = array<i64: 3, 32, 24>} : () -> tensor<3x32x24xf32>
  %ai = "pb.iota"() {dimension = 2 : i64, dtype = "float32", shape = array<i64: 3, 32, 24>} : () -> tensor<3x32x24xf32>
  %a0 = "pb.add"(%ab, %ak) : (tensor<3x32x24xf32>, tensor<3x32x24xf32>) -> tensor<3x32x24xf32>
  %a = "pb.add"(%a0, %ai) : (tensor<3x32x24xf32>, tensor<3x32x24xf32>) -> tensor<3x32x24xf32>
  %bb = "pb.iota"() {dimension = 0 : i64, dtype = "float32", shape = array<i64: 3, 32, 40>} : () -> tensor<3x32x40xf32>
  %bk = "pb.iota"() {dimension = 1 : i64, dtype = "float32", shape = array<i64: 3, 32, 40>} : () -> tensor<3x32x40xf32>
  %bj = "pb.iota"() {dimension = 2 : i64, dtype = "float32", shape = array<i64: 3, 32, 40>} : () -> tensor<3x32x40xf32>
  %ten = "pb.constant"() {value = dense<10.0> : tensor<3x32x40xf32>} : () -> tensor<3x32x40xf32>
  %b10 = "pb.mul"(%bb, %ten) : (tensor<3x32x40xf32>, tensor<3x32x40xf32>) -> tensor<3x32x40xf32>
  %b0 = "pb.sub"(%bj, %bk) : (tensor<3x32x40xf32>, tensor<3x32x40xf32>) -> tensor<3x32x40xf32>
  %b = "pb.add"(%b0, %b10) : (tensor<3x32x40xf32>, tensor<3x32x40xf32>) -> tensor<3x32x40xf32>
  %c = "pb.dot_general"(%a, %b) {lhs_batch = array<i64: 0>, lhs_contracting = array<i64: 1>, rhs_batch = array<i64: 0>, rhs_contracting = array<i64: 1>} : (tensor<3x32x24xf32>, tensor<3x32x40xf32>) -> tensor<3x24x40xf32>
  %wb = "pb.iota"() {dimension = 0 : i64, dtype = "float32", shape = array<i64: 3, 24, 40>} : () -> tensor<3x24x40xf32>
  %wi = "pb.iota"() {dimension = 1 : i64, dtype = "float32", shape = array<i64: 3, 24, 40>} : () -> tensor<3x24x40xf32>
  %wj = "pb.iota"() {dimension = 2 : i64, dtype = "float32", shape = array<i64: 3, 24, 40>} : () -> tensor<3x24x40xf32>
  %h = "pb.constant"() {value = dense<100.0> : tensor<3x24x40xf32>} : () -> tensor<3x24x40xf32>
  %t = "pb.constant"() {value = dense<10000.0> : tensor<3x24x40xf32>} : () -> tensor<3x24x40xf32>
  %wi100 = "pb.mul"(%wi, %h) : (tensor<3x24x40xf32>, tensor<3x24x40xf32>) -> tensor<3x24x40xf32>
  %wb1e4 = "pb.mul"(%wb, %t) : (tensor<3x24x40xf32>, tensor<3x24x40xf32>) -> tensor<3x24x40xf32>
  %w0 = "pb.add"(%wi100, %wj) : (tensor<3x24x40xf32>, tensor<3x24x40xf32>) -> tensor<3x24x40xf32>
  %w = "pb.add"(%w0, %wb1e4) : (tensor<3x24x40xf32>, tensor<3x24x40xf32>) -> tensor<3x24x40xf32>
  %p = "pb.mul"(%c, %w) : (tensor<3x24x40xf32>, tensor<3x24x40xf32>) -> tensor<3x24x40xf32>
  %s = "pb.reduce_sum"(%p) {axes = array<i64: 0, 1, 2>} : (tensor<3x24x40xf32>) -> tensor<f32>
  return %s : tensor<f32>
}
