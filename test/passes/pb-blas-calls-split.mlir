// RUN: pullback-opt %s --pass-pipeline='builtin.module(pb-blas-calls{cores=3})' --split-input-file | filecheck %s
// RUN: pullback-opt %s --pass-pipeline='builtin.module(pb-blas-calls{cores=1})' --split-input-file | filecheck %s --check-prefix=ONE
// RUN: not pullback-opt %s --pass-pipeline='builtin.module(pb-blas-calls{cores=two})' 2>&1 | filecheck %s --check-prefix=BAD

// A product of at least 2^22 multiply-adds becomes one call per core in an scf.parallel:
// each call gets a block of rows (here 1000 rows in blocks of 334: the last has 332) and
// pointers moved to its block (A by rows of 256 floats = 1024 bytes, C by rows of 64 floats).
// BAD: cores must be an integer, got 'two'

// CHECK-LABEL: func.func private @rows(
// CHECK-DAG: %[[BLOCKS:.+]] = arith.constant 3 : index
// CHECK: scf.parallel (%[[I:.+]]) = (%{{.+}}) to (%[[BLOCKS]])
// CHECK: %[[START:.+]] = arith.muli %[[I]], %{{.+}} : index
// CHECK: %[[LEFT:.+]] = arith.subi %{{.+}}, %[[START]] : index
// CHECK: %[[SIZE:.+]] = arith.minsi %[[LEFT]], %{{.+}} : index
// CHECK: %[[ROWS:.+]] = arith.index_cast %[[SIZE]] : index to i32
// CHECK: arith.constant 1024 : i64
// CHECK: arith.constant 256 : i64
// CHECK: call @scipy_cblas_sgemm(%{{.+}}, %{{.+}}, %{{.+}}, %[[ROWS]],
// CHECK: scf.reduce
// ONE-LABEL: func.func private @rows(
// ONE-NOT: scf.parallel
// ONE: call @scipy_cblas_sgemm(
func.func private @rows(%a: memref<1000x256xf32>, %b: memref<256x64xf32>, %c: memref<1000x64xf32>) {
  linalg.matmul {pb.blas} ins(%a, %b : memref<1000x256xf32>, memref<256x64xf32>) outs(%c : memref<1000x64xf32>)
  return
}

// -----

// Too few rows for a block per core: the columns are split; B read transposed (n, k) moves
// by rows of k = 4096 doubles, C by one column (8 bytes).
// CHECK-LABEL: func.func private @columns(
// CHECK: scf.parallel
// CHECK: arith.constant 32768 : i64
// CHECK: arith.constant 8 : i64
// CHECK: call @scipy_cblas_dgemm(
// ONE-LABEL: func.func private @columns(
// ONE-NOT: scf.parallel
#a = affine_map<(m, n, k) -> (m, k)>
#bt = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func private @columns(%a: memref<8x4096xf64>, %b: memref<512x4096xf64>, %c: memref<8x512xf64>) {
  linalg.matmul indexing_maps = [#a, #bt, #c] {pb.blas} ins(%a, %b : memref<8x4096xf64>, memref<512x4096xf64>) outs(%c : memref<8x512xf64>)
  return
}

// -----

// A batch with a block per core is split by batch: every operand moves by its batch stride.
// CHECK-LABEL: func.func private @batch(
// CHECK: scf.parallel
// CHECK: call @scipy_cblas_sgemm_batch_strided(
// A small product stays one call.
// CHECK-LABEL: func.func private @small(
// CHECK-NOT: scf.parallel
// CHECK: call @scipy_cblas_sgemm(
func.func private @batch(%a: memref<6x256x128xf32>, %b: memref<6x128x64xf32>, %c: memref<6x256x64xf32>) {
  linalg.batch_matmul {pb.blas} ins(%a, %b : memref<6x256x128xf32>, memref<6x128x64xf32>) outs(%c : memref<6x256x64xf32>)
  return
}
func.func private @small(%a: memref<64x64xf32>, %b: memref<64x64xf32>, %c: memref<64x64xf32>) {
  linalg.matmul {pb.blas} ins(%a, %b : memref<64x64xf32>, memref<64x64xf32>) outs(%c : memref<64x64xf32>)
  return
}
