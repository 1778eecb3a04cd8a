// RUN: pullback-opt %s -pb-outline-blas-matmuls | filecheck %s

// pb-outline-blas-matmuls replaces each large f32/f64 matmul accumulating into a zero fill
// by a call of one private function per signature, holding the matmul marked pb.blas.
// A transpose feeding an operand is folded into the marked matmul's indexing maps.

// CHECK-LABEL: func.func @two_alike(
// CHECK: %[[X:.+]] = call @pb_blas_sgemm_nn_64x64x64(%arg0, %arg1)
// CHECK: %[[Y:.+]] = call @pb_blas_sgemm_nn_64x64x64(%[[X]], %arg1)
// CHECK-NOT: linalg.matmul
// CHECK: return %[[Y]]
func.func @two_alike(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x64xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
  %x = linalg.matmul ins(%a, %b : tensor<64x64xf32>, tensor<64x64xf32>) outs(%f : tensor<64x64xf32>) -> tensor<64x64xf32>
  %y = linalg.matmul ins(%x, %b : tensor<64x64xf32>, tensor<64x64xf32>) outs(%f : tensor<64x64xf32>) -> tensor<64x64xf32>
  return %y : tensor<64x64xf32>
}

// The transpose of %b is read in place: the callee takes %b itself.
// CHECK-LABEL: func.func @transposed_rhs(
// CHECK: call @pb_blas_dgemm_nt_32x48x40(%arg0, %arg1) : (tensor<32x40xf64>, tensor<48x40xf64>) -> tensor<32x48xf64>
#id = affine_map<(d0, d1) -> (d0, d1)>
#swap = affine_map<(d0, d1) -> (d1, d0)>
func.func @transposed_rhs(%a: tensor<32x40xf64>, %b: tensor<48x40xf64>) -> tensor<32x48xf64> {
  %te = tensor.empty() : tensor<40x48xf64>
  %bt = linalg.generic {indexing_maps = [#swap, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b : tensor<48x40xf64>) outs(%te : tensor<40x48xf64>) {
  ^bb0(%in: f64, %out: f64):
    linalg.yield %in : f64
  } -> tensor<40x48xf64>
  %z = arith.constant 0.0 : f64
  %e = tensor.empty() : tensor<32x48xf64>
  %f = linalg.fill ins(%z : f64) outs(%e : tensor<32x48xf64>) -> tensor<32x48xf64>
  %r = linalg.matmul ins(%a, %bt : tensor<32x40xf64>, tensor<40x48xf64>) outs(%f : tensor<32x48xf64>) -> tensor<32x48xf64>
  return %r : tensor<32x48xf64>
}

// Batched, the transposed operand on the left.
// CHECK-LABEL: func.func @batched(
// CHECK: call @pb_blas_sgemm_batch_tn_4x32x32x32(%arg0, %arg1)
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#swap3 = affine_map<(d0, d1, d2) -> (d0, d2, d1)>
func.func @batched(%a: tensor<4x32x32xf32>, %b: tensor<4x32x32xf32>) -> tensor<4x32x32xf32> {
  %te = tensor.empty() : tensor<4x32x32xf32>
  %at = linalg.generic {indexing_maps = [#swap3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a : tensor<4x32x32xf32>) outs(%te : tensor<4x32x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<4x32x32xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x32x32xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4x32x32xf32>) -> tensor<4x32x32xf32>
  %r = linalg.batch_matmul ins(%at, %b : tensor<4x32x32xf32>, tensor<4x32x32xf32>) outs(%f : tensor<4x32x32xf32>) -> tensor<4x32x32xf32>
  return %r : tensor<4x32x32xf32>
}

// Left alone: small products, integer matmuls, and accumulation into a nonzero init.
// CHECK-LABEL: func.func @left_alone(
// CHECK-NOT: call
// CHECK-COUNT-3: linalg.matmul
func.func @left_alone(%a: tensor<8x8xf32>, %i: tensor<64x64xi32>, %c: tensor<64x64xf32>) -> (tensor<8x8xf32>, tensor<64x64xi32>, tensor<64x64xf32>) {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x8xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  %s = linalg.matmul ins(%a, %a : tensor<8x8xf32>, tensor<8x8xf32>) outs(%f : tensor<8x8xf32>) -> tensor<8x8xf32>
  %zi = arith.constant 0 : i32
  %ei = tensor.empty() : tensor<64x64xi32>
  %fi = linalg.fill ins(%zi : i32) outs(%ei : tensor<64x64xi32>) -> tensor<64x64xi32>
  %n = linalg.matmul ins(%i, %i : tensor<64x64xi32>, tensor<64x64xi32>) outs(%fi : tensor<64x64xi32>) -> tensor<64x64xi32>
  %acc = linalg.matmul ins(%c, %c : tensor<64x64xf32>, tensor<64x64xf32>) outs(%c : tensor<64x64xf32>) -> tensor<64x64xf32>
  return %s, %n, %acc : tensor<8x8xf32>, tensor<64x64xi32>, tensor<64x64xf32>
}

// Inside a loop, a product of at most 32 rows keeps its generated kernel (the call's fixed
// costs dominate every step); one of more rows is still outlined.
// CHECK-LABEL: func.func @in_loop(
// CHECK: scf.for
// CHECK: linalg.matmul ins(%{{.+}}, %arg1 : tensor<32x64xf32>, tensor<64x64xf32>)
// CHECK: call @pb_blas_sgemm_nn_64x64x64(%{{.+}}, %arg1)
func.func @in_loop(%h: tensor<32x64xf32>, %w: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> (tensor<32x64xf32>, tensor<64x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %z = arith.constant 0.0 : f32
  %r:2 = scf.for %i = %c0 to %c8 step %c1 iter_args(%x = %h, %y = %b) -> (tensor<32x64xf32>, tensor<64x64xf32>) {
    %e = tensor.empty() : tensor<32x64xf32>
    %f = linalg.fill ins(%z : f32) outs(%e : tensor<32x64xf32>) -> tensor<32x64xf32>
    %m = linalg.matmul ins(%x, %w : tensor<32x64xf32>, tensor<64x64xf32>) outs(%f : tensor<32x64xf32>) -> tensor<32x64xf32>
    %e2 = tensor.empty() : tensor<64x64xf32>
    %f2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<64x64xf32>) -> tensor<64x64xf32>
    %m2 = linalg.matmul ins(%y, %w : tensor<64x64xf32>, tensor<64x64xf32>) outs(%f2 : tensor<64x64xf32>) -> tensor<64x64xf32>
    scf.yield %m, %m2 : tensor<32x64xf32>, tensor<64x64xf32>
  }
  return %r#0, %r#1 : tensor<32x64xf32>, tensor<64x64xf32>
}

// One function per signature, its matmul marked and reading the transposed operand in place.
// CHECK-LABEL: func.func private @pb_blas_sgemm_nn_64x64x64(
// CHECK: linalg.fill
// CHECK: linalg.matmul {pb.blas} ins(%arg0, %arg1
// CHECK-NOT: func.func private @pb_blas_sgemm_nn_64x64x64(
// CHECK-LABEL: func.func private @pb_blas_dgemm_nt_32x48x40(%arg0: tensor<32x40xf64>, %arg1: tensor<48x40xf64>) -> tensor<32x48xf64>
// CHECK: linalg.matmul indexing_maps = [#{{.+}}, #[[BT:.+]], #{{.+}}] {pb.blas}
// CHECK-LABEL: func.func private @pb_blas_sgemm_batch_tn_4x32x32x32(
// CHECK: linalg.batch_matmul {{.*}}{pb.blas}
