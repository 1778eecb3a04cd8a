// RUN: pullback-opt %s -pb-cpu-codegen --split-input-file --verify-diagnostics | filecheck %s
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - --pass-pipeline='builtin.module(pb-to-linalg,canonicalize,pb-cpu-codegen)' \
// RUN:   | filecheck %s --check-prefix=PIPE
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - --run=odd | filecheck %s --check-prefix=NUM
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - --run=batched | filecheck %s --check-prefix=NUMB
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - --run=large | filecheck %s --check-prefix=NUML

// pb-cpu-codegen tiles each static linalg.matmul / linalg.batch_matmul on tensors of
// f32, f64, i32 or i64 into register tiles (TM x TN accumulators, K innermost), splits M
// and N where the tile does not divide them into a main part and a remainder, keeps the
// accumulator in registers across the K loop and lowers the contraction to broadcast
// FMAs over vector rows; large products run their row tiles in an scf.forall.
//
// TM x TN follows the host's vector registers (8 x 2 vectors with AVX-512, 4 x 2 with
// AVX2, SSE or NEON), so the checks capture tile sizes instead of spelling them; every
// shape below splits (or does not) at the same place on every host.
//
// The pass never reports a diagnostic: inputs it does not handle are left unchanged, and
// a transform script that fails only logs a warning (every step keeps the IR correct).

// The first chunk is pb IR, which the pass does not touch: the matmuls only appear after
// pb-to-linalg. The PIPE run lowers it as the CPU pipeline does, and the NUM runs compile
// and call it end to end.
// CHECK-LABEL: func.func @odd()
// CHECK: "pb.dot_general"
// CHECK-NOT: scf.for
// CHECK-LABEL: func.func @batched()
// CHECK: "pb.dot_general"
// CHECK-LABEL: func.func @large()
// CHECK: "pb.dot_general"
// CHECK-NOT: scf.forall
// CHECK: // -----

// A 9x3 @ 3x17 f64 product, A[i][k] = i + k and B[k][j] = j - k, so C[i][j] =
// 3ij - 3i + 3j - 5. Rows split 8 + 1 and columns 16 + 1 on every host: the four parts
// are a full tile, a column remainder, a row remainder and a 1x1 corner, each with its own
// K loop of FMAs.
// PIPE-LABEL: func.func @odd()
// PIPE-NOT: linalg.matmul
// PIPE: scf.for {{.*}} -> (vector<[[TM:[0-9]+]]x[[TN:[0-9]+]]xf64>)
// PIPE: vector.fma {{.*}} : vector<[[TN]]xf64>
// PIPE: scf.for {{.*}} -> (vector<[[TM]]x1xf64>)
// PIPE: vector.fma {{.*}} : vector<1xf64>
// PIPE: scf.for {{.*}} -> (vector<1x[[TN]]xf64>)
// PIPE: vector.fma {{.*}} : vector<[[TN]]xf64>
// PIPE: scf.for {{.*}} -> (vector<1x1xf64>)
// PIPE: vector.fma {{.*}} : vector<1xf64>
// PIPE-NOT: vector.contract
// NUM: result[0]: tensor<9x17xf64> = [
// NUM-SAME: [-5.0, -2.0, 1.0, 4.0, 7.0, 10.0, 13.0, 16.0, 19.0, 22.0, 25.0, 28.0, 31.0, 34.0, 37.0, 40.0, 43.0],
// NUM-SAME: [-8.0, -2.0, 4.0, 10.0, 16.0, 22.0, 28.0, 34.0, 40.0, 46.0, 52.0, 58.0, 64.0, 70.0, 76.0, 82.0, 88.0],
// NUM-SAME: [-11.0, -2.0, 7.0, 16.0, 25.0, 34.0, 43.0, 52.0, 61.0, 70.0, 79.0, 88.0, 97.0, 106.0, 115.0, 124.0, 133.0],
// NUM-SAME: [-14.0, -2.0, 10.0, 22.0, 34.0, 46.0, 58.0, 70.0, 82.0, 94.0, 106.0, 118.0, 130.0, 142.0, 154.0, 166.0, 178.0],
// NUM-SAME: [-17.0, -2.0, 13.0, 28.0, 43.0, 58.0, 73.0, 88.0, 103.0, 118.0, 133.0, 148.0, 163.0, 178.0, 193.0, 208.0, 223.0],
// NUM-SAME: [-20.0, -2.0, 16.0, 34.0, 52.0, 70.0, 88.0, 106.0, 124.0, 142.0, 160.0, 178.0, 196.0, 214.0, 232.0, 250.0, 268.0],
// NUM-SAME: [-23.0, -2.0, 19.0, 40.0, 61.0, 82.0, 103.0, 124.0, 145.0, 166.0, 187.0, 208.0, 229.0, 250.0, 271.0, 292.0, 313.0],
// NUM-SAME: [-26.0, -2.0, 22.0, 46.0, 70.0, 94.0, 118.0, 142.0, 166.0, 190.0, 214.0, 238.0, 262.0, 286.0, 310.0, 334.0, 358.0],
// NUM-SAME: [-29.0, -2.0, 25.0, 52.0, 79.0, 106.0, 133.0, 160.0, 187.0, 214.0, 241.0, 268.0, 295.0, 322.0, 349.0, 376.0, 403.0]]
func.func @odd() -> tensor<9x17xf64> {
  %i = "pb.iota"() {dimension = 0 : i64, dtype = "float64", shape = array<i64: 9, 3>} : () -> tensor<9x3xf64>
  %k = "pb.iota"() {dimension = 1 : i64, dtype = "float64", shape = array<i64: 9, 3>} : () -> tensor<9x3xf64>
  %a = "pb.add"(%i, %k) : (tensor<9x3xf64>, tensor<9x3xf64>) -> tensor<9x3xf64>
  %k2 = "pb.iota"() {dimension = 0 : i64, dtype = "float64", shape = array<i64: 3, 17>} : () -> tensor<3x17xf64>
  %j = "pb.iota"() {dimension = 1 : i64, dtype = "float64", shape = array<i64: 3, 17>} : () -> tensor<3x17xf64>
  %b = "pb.sub"(%j, %k2) : (tensor<3x17xf64>, tensor<3x17xf64>) -> tensor<3x17xf64>
  %c = "pb.dot_general"(%a, %b) {lhs_batch = array<i64>, lhs_contracting = array<i64: 1>, rhs_batch = array<i64>, rhs_contracting = array<i64: 0>} : (tensor<9x3xf64>, tensor<3x17xf64>) -> tensor<9x17xf64>
  return %c : tensor<9x17xf64>
}

// A batched dot_general becomes a linalg.batch_matmul; 3x2 @ 2x5 is smaller than a tile
// in M and N, so each batch is one partial tile. A[b][i][k] = b + i + k,
// B[b][k][j] = j - k + 10b.
// PIPE-LABEL: func.func @batched()
// PIPE-NOT: linalg.batch_matmul
// PIPE: scf.for {{.*}} -> (vector<1x3x5xf32>)
// PIPE: vector.fma {{.*}} : vector<5xf32>
// PIPE-NOT: vector.contract
// NUMB: result[0]: tensor<2x3x5xf32> = [
// NUMB-SAME: {{\[\[}}-1.0, 0.0, 1.0, 2.0, 3.0], [-2.0, 1.0, 4.0, 7.0, 10.0], [-3.0, 2.0, 7.0, 12.0, 17.0]],
// NUMB-SAME: {{\[\[}}28.0, 31.0, 34.0, 37.0, 40.0], [47.0, 52.0, 57.0, 62.0, 67.0], [66.0, 73.0, 80.0, 87.0, 94.0]]]
func.func @batched() -> tensor<2x3x5xf32> {
  %b = "pb.iota"() {dimension = 0 : i64, dtype = "float32", shape = array<i64: 2, 3, 2>} : () -> tensor<2x3x2xf32>
  %i = "pb.iota"() {dimension = 1 : i64, dtype = "float32", shape = array<i64: 2, 3, 2>} : () -> tensor<2x3x2xf32>
  %k = "pb.iota"() {dimension = 2 : i64, dtype = "float32", shape = array<i64: 2, 3, 2>} : () -> tensor<2x3x2xf32>
  %bi = "pb.add"(%b, %i) : (tensor<2x3x2xf32>, tensor<2x3x2xf32>) -> tensor<2x3x2xf32>
  %lhs = "pb.add"(%bi, %k) : (tensor<2x3x2xf32>, tensor<2x3x2xf32>) -> tensor<2x3x2xf32>
  %b2 = "pb.iota"() {dimension = 0 : i64, dtype = "float32", shape = array<i64: 2, 2, 5>} : () -> tensor<2x2x5xf32>
  %k2 = "pb.iota"() {dimension = 1 : i64, dtype = "float32", shape = array<i64: 2, 2, 5>} : () -> tensor<2x2x5xf32>
  %j = "pb.iota"() {dimension = 2 : i64, dtype = "float32", shape = array<i64: 2, 2, 5>} : () -> tensor<2x2x5xf32>
  %ten = "pb.constant"() {value = dense<10.0> : tensor<2x2x5xf32>} : () -> tensor<2x2x5xf32>
  %tb = "pb.mul"(%ten, %b2) : (tensor<2x2x5xf32>, tensor<2x2x5xf32>) -> tensor<2x2x5xf32>
  %jk = "pb.sub"(%j, %k2) : (tensor<2x2x5xf32>, tensor<2x2x5xf32>) -> tensor<2x2x5xf32>
  %rhs = "pb.add"(%jk, %tb) : (tensor<2x2x5xf32>, tensor<2x2x5xf32>) -> tensor<2x2x5xf32>
  %c = "pb.dot_general"(%lhs, %rhs) {lhs_batch = array<i64: 0>, lhs_contracting = array<i64: 2>, rhs_batch = array<i64: 0>, rhs_contracting = array<i64: 1>} : (tensor<2x3x2xf32>, tensor<2x2x5xf32>) -> tensor<2x3x5xf32>
  return %c : tensor<2x3x5xf32>
}

// A 128x128x128 i32 product (2^21 multiply-adds) runs its row tiles in an scf.forall, and
// integer tiles multiply-add with muli/addi instead of FMAs. A[i][k] = i - k and
// B[k][j] = k + 2j; the result is compared with the same product computed as a broadcast
// multiply and a reduction (which the pass does not touch): the summed absolute
// difference must be 0. Its smallest and largest entries are C[0][127] and C[127][127].
// PIPE-LABEL: func.func @large()
// PIPE: scf.forall (%{{.+}}) in ({{[0-9]+}}) shared_outs(
// PIPE: scf.for {{.*}} -> (vector<{{[0-9]+}}x{{[0-9]+}}xi32>)
// PIPE: arith.muli {{.*}} : vector<{{[0-9]+}}xi32>
// PIPE: arith.addi {{.*}} : vector<{{[0-9]+}}xi32>
// PIPE: scf.forall.in_parallel
// PIPE: tensor.parallel_insert_slice
// PIPE-NOT: linalg.matmul
// NUML: result[0]: tensor<i32> = 0
// NUML: result[1]: tensor<i32> = -2755392
// NUML: result[2]: tensor<i32> = 2405888
func.func @large() -> (tensor<i32>, tensor<i32>, tensor<i32>) {
  %i = "pb.iota"() {dimension = 0 : i64, dtype = "int32", shape = array<i64: 128, 128>} : () -> tensor<128x128xi32>
  %j = "pb.iota"() {dimension = 1 : i64, dtype = "int32", shape = array<i64: 128, 128>} : () -> tensor<128x128xi32>
  %two = "pb.constant"() {value = dense<2> : tensor<128x128xi32>} : () -> tensor<128x128xi32>
  %a = "pb.sub"(%i, %j) : (tensor<128x128xi32>, tensor<128x128xi32>) -> tensor<128x128xi32>
  %j2 = "pb.mul"(%two, %j) : (tensor<128x128xi32>, tensor<128x128xi32>) -> tensor<128x128xi32>
  %b = "pb.add"(%i, %j2) : (tensor<128x128xi32>, tensor<128x128xi32>) -> tensor<128x128xi32>
  %c = "pb.dot_general"(%a, %b) {lhs_batch = array<i64>, lhs_contracting = array<i64: 1>, rhs_batch = array<i64>, rhs_contracting = array<i64: 0>} : (tensor<128x128xi32>, tensor<128x128xi32>) -> tensor<128x128xi32>
  %a3 = "pb.broadcast_in_dim"(%a) {broadcast_dimensions = array<i64: 0, 1>, shape = array<i64: 128, 128, 128>} : (tensor<128x128xi32>) -> tensor<128x128x128xi32>
  %b3 = "pb.broadcast_in_dim"(%b) {broadcast_dimensions = array<i64: 1, 2>, shape = array<i64: 128, 128, 128>} : (tensor<128x128xi32>) -> tensor<128x128x128xi32>
  %p = "pb.mul"(%a3, %b3) : (tensor<128x128x128xi32>, tensor<128x128x128xi32>) -> tensor<128x128x128xi32>
  %ref = "pb.reduce_sum"(%p) {axes = array<i64: 1>} : (tensor<128x128x128xi32>) -> tensor<128x128xi32>
  %d = "pb.sub"(%c, %ref) : (tensor<128x128xi32>, tensor<128x128xi32>) -> tensor<128x128xi32>
  %ad = "pb.abs"(%d) : (tensor<128x128xi32>) -> tensor<128x128xi32>
  %err = "pb.reduce_sum"(%ad) {axes = array<i64: 0, 1>} : (tensor<128x128xi32>) -> tensor<i32>
  %lo = "pb.reduce_min"(%c) {axes = array<i64: 0, 1>} : (tensor<128x128xi32>) -> tensor<i32>
  %hi = "pb.reduce_max"(%c) {axes = array<i64: 0, 1>} : (tensor<128x128xi32>) -> tensor<i32>
  return %err, %lo, %hi : tensor<i32>, tensor<i32>, tensor<i32>
}

// -----

// 10x3 @ 3x36 f32: M splits 8 + 2 and N 32 + 4 (on every host), giving four parts in
// row-major order, each tiled into TM x TN accumulators (or the remainder's own size) read
// once before its K loop, updated by one FMA per row per step, written once after it.
// CHECK-LABEL: func.func @split(
// CHECK-SAME: %[[A:[^:]+]]: tensor<10x3xf32>, %[[B:[^:]+]]: tensor<3x36xf32>, %[[C:[^:]+]]: tensor<10x36xf32>)
// CHECK-NOT: linalg.matmul
// CHECK: tensor.extract_slice %[[A]][0, 0] [8, 3] [1, 1]
// CHECK: tensor.extract_slice %[[B]][0, 0] [3, 32] [1, 1]
// CHECK: %[[INIT:.+]] = vector.transfer_read {{.*}} vector<[[TM:[0-9]+]]x[[TN:[0-9]+]]xf32>
// CHECK: %[[ACC:.+]] = scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[IT:.+]] = %[[INIT]]) -> (vector<[[TM]]x[[TN]]xf32>) {
// CHECK: vector.broadcast %{{.+}} : f32 to vector<[[TN]]xf32>
// CHECK: vector.extract %[[IT]][0] : vector<[[TN]]xf32> from vector<[[TM]]x[[TN]]xf32>
// CHECK: vector.fma %{{.+}}, %{{.+}}, %{{.+}} : vector<[[TN]]xf32>
// CHECK: scf.yield %{{.+}} : vector<[[TM]]x[[TN]]xf32>
// CHECK-NEXT: }
// CHECK-NEXT: vector.transfer_write %[[ACC]]
// Column remainder (rows 0..8, columns 32..36).
// CHECK: tensor.extract_slice %[[B]][0, 32] [3, 4] [1, 1]
// CHECK: scf.for {{.*}} -> (vector<[[TM]]x4xf32>)
// CHECK: vector.fma {{.*}} : vector<4xf32>
// Row remainder (rows 8..10), then the 2x4 corner.
// CHECK: tensor.extract_slice %[[A]][8, 0] [2, 3] [1, 1]
// CHECK: scf.for {{.*}} -> (vector<2x[[TN]]xf32>)
// CHECK: vector.fma {{.*}} : vector<[[TN]]xf32>
// CHECK: scf.for {{.*}} -> (vector<2x4xf32>)
// CHECK: vector.fma {{.*}} : vector<4xf32>
// CHECK-NOT: vector.contract
// CHECK: return
func.func @split(%a: tensor<10x3xf32>, %b: tensor<3x36xf32>, %c: tensor<10x36xf32>) -> tensor<10x36xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<10x3xf32>, tensor<3x36xf32>) outs(%c : tensor<10x36xf32>) -> tensor<10x36xf32>
  return %0 : tensor<10x36xf32>
}

// -----

// 64x64x64 divides into tiles on every host: no split and one K loop, inside scf.for
// loops over M and N tiles; 2^18 multiply-adds stay on one thread (no scf.forall).
// CHECK-LABEL: func.func @even(
// CHECK-NOT: scf.forall
// CHECK: scf.for {{.*}} -> (tensor<64x64xf32>)
// CHECK: scf.for {{.*}} -> (tensor<64x64xf32>)
// CHECK: scf.for %{{.+}} = %{{.+}} to %c64 step %c1 iter_args({{.*}}) -> (vector<{{[0-9]+}}x[[TN:[0-9]+]]xf32>)
// CHECK: vector.fma {{.*}} : vector<[[TN]]xf32>
// CHECK-NOT: scf.for
// CHECK-NOT: vector.contract
// CHECK: return
func.func @even(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>, %c: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<64x64xf32>, tensor<64x64xf32>) outs(%c : tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// -----

// 128x128x128 (2^21 multiply-adds): the row tiles become an scf.forall over slices of
// the result, each running the N loop and the K loop of FMAs.
// CHECK-LABEL: func.func @large(
// CHECK: scf.forall (%{{.+}}) in ({{[0-9]+}}) shared_outs(%{{.+}} = %{{.+}}) -> (tensor<128x128xf32>) {
// CHECK: scf.for {{.*}} -> (tensor<[[TM:[0-9]+]]x128xf32>)
// CHECK: scf.for {{.*}} -> (vector<[[TM]]x[[TN:[0-9]+]]xf32>)
// CHECK: vector.fma {{.*}} : vector<[[TN]]xf32>
// CHECK: scf.forall.in_parallel {
// CHECK-NEXT: tensor.parallel_insert_slice %{{.+}} into %{{.+}}[%{{.+}}, 0] {{\[}}[[TM]], 128] [1, 1] : tensor<[[TM]]x128xf32> into tensor<128x128xf32>
// CHECK-NOT: linalg.matmul
func.func @large(%a: tensor<128x128xf32>, %b: tensor<128x128xf32>, %c: tensor<128x128xf32>) -> tensor<128x128xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<128x128xf32>, tensor<128x128xf32>) outs(%c : tensor<128x128xf32>) -> tensor<128x128xf32>
  return %0 : tensor<128x128xf32>
}

// -----

// Inside a loop of the program (a scan body) the same product is not parallelized: the
// parallel body would capture the loop's subviews, whose dynamic offsets the bare-pointer
// calling convention cannot pass. The program's loop keeps its slices of different rank
// (hoisting accumulators applies to the tiling's own loops only).
// CHECK-LABEL: func.func @large_in_loop(
// CHECK: scf.for %{{.+}} = %c0 to %c4 step %c1 iter_args(%{{.+}} = %{{.+}}) -> (tensor<4x128x128xf32>) {
// CHECK-NOT: scf.forall
// CHECK: vector.fma
// CHECK: tensor.insert_slice %{{.+}} into %{{.+}}[%{{.+}}, 0, 0] [1, 128, 128] [1, 1, 1] : tensor<128x128xf32> into tensor<4x128x128xf32>
func.func @large_in_loop(%xs: tensor<4x128x128xf32>, %b: tensor<128x128xf32>, %c: tensor<128x128xf32>) -> tensor<4x128x128xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %init = tensor.empty() : tensor<4x128x128xf32>
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %init) -> (tensor<4x128x128xf32>) {
    %a = tensor.extract_slice %xs[%i, 0, 0] [1, 128, 128] [1, 1, 1] : tensor<4x128x128xf32> to tensor<128x128xf32>
    %m = linalg.matmul ins(%a, %b : tensor<128x128xf32>, tensor<128x128xf32>) outs(%c : tensor<128x128xf32>) -> tensor<128x128xf32>
    %next = tensor.insert_slice %m into %acc[%i, 0, 0] [1, 128, 128] [1, 1, 1] : tensor<128x128xf32> into tensor<4x128x128xf32>
    scf.yield %next : tensor<4x128x128xf32>
  }
  return %r : tensor<4x128x128xf32>
}

// -----

// batch_matmul tiles the batch dimension by 1 (an scf.for over the batch around each
// part) and M and N as for matmul: 10x36 splits into the same four parts.
// CHECK-LABEL: func.func @batch(
// CHECK-NOT: linalg.batch_matmul
// CHECK: scf.for %{{.+}} = %{{.+}} to %c2 step %c1 iter_args({{.*}}) -> (tensor<2x8x32xf32>)
// CHECK: scf.for {{.*}} -> (vector<1x[[TM:[0-9]+]]x[[TN:[0-9]+]]xf32>)
// CHECK: vector.fma {{.*}} : vector<[[TN]]xf32>
// CHECK: scf.for %{{.+}} = %{{.+}} to %c2 step %c1 iter_args({{.*}}) -> (tensor<2x8x4xf32>)
// CHECK: scf.for {{.*}} -> (vector<1x[[TM]]x4xf32>)
// CHECK: scf.for %{{.+}} = %{{.+}} to %c2 step %c1 iter_args({{.*}}) -> (tensor<2x2x32xf32>)
// CHECK: scf.for {{.*}} -> (vector<1x2x[[TN]]xf32>)
// CHECK: scf.for %{{.+}} = %{{.+}} to %c2 step %c1 iter_args({{.*}}) -> (tensor<2x2x4xf32>)
// CHECK: scf.for {{.*}} -> (vector<1x2x4xf32>)
// CHECK: vector.fma {{.*}} : vector<4xf32>
// CHECK-NOT: vector.contract
// CHECK: return
func.func @batch(%a: tensor<2x10x3xf32>, %b: tensor<2x3x36xf32>, %c: tensor<2x10x36xf32>) -> tensor<2x10x36xf32> {
  %0 = linalg.batch_matmul ins(%a, %b : tensor<2x10x3xf32>, tensor<2x3x36xf32>) outs(%c : tensor<2x10x36xf32>) -> tensor<2x10x36xf32>
  return %0 : tensor<2x10x36xf32>
}

// -----

// Loop bounds come from the indexing maps, not the operand shapes: a batch_matmul whose
// lhs is broadcast over the batch (rank 2) is scheduled like the one above. (Reading the
// bounds off the shapes made the pass crash with an IndexError here.)
// CHECK-LABEL: func.func @broadcast_lhs(
// CHECK-SAME: %[[A:[^:]+]]: tensor<10x3xf32>
// CHECK-NOT: linalg.batch_matmul
// CHECK: tensor.extract_slice %[[A]][0, 0] [8, 3] [1, 1]
// CHECK: scf.for {{.*}} -> (vector<1x[[TM:[0-9]+]]x[[TN:[0-9]+]]xf32>)
// CHECK: vector.fma {{.*}} : vector<[[TN]]xf32>
// CHECK: tensor.extract_slice %[[A]][8, 0] [2, 3] [1, 1]
// CHECK: scf.for {{.*}} -> (vector<1x2x4xf32>)
// CHECK-NOT: vector.contract
// CHECK: return
func.func @broadcast_lhs(%a: tensor<10x3xf32>, %b: tensor<2x3x36xf32>, %c: tensor<2x10x36xf32>) -> tensor<2x10x36xf32> {
  %0 = linalg.batch_matmul indexing_maps = [affine_map<(b, m, n, k) -> (m, k)>, affine_map<(b, m, n, k) -> (b, k, n)>, affine_map<(b, m, n, k) -> (b, m, n)>]
       ins(%a, %b : tensor<10x3xf32>, tensor<2x3x36xf32>) outs(%c : tensor<2x10x36xf32>) -> tensor<2x10x36xf32>
  return %0 : tensor<2x10x36xf32>
}

// -----

// An i64 product smaller than a tile in M and N is one partial tile of its own size; the
// integer outer products are muli + addi on vector rows.
// CHECK-LABEL: func.func @tiny_i64(
// CHECK: scf.for %{{.+}} = %{{.+}} to %c2 step %c1 iter_args({{.*}}) -> (vector<3x3xi64>)
// CHECK: arith.muli %{{.+}}, %{{.+}} : vector<3xi64>
// CHECK: arith.addi %{{.+}}, %{{.+}} : vector<3xi64>
// CHECK-NOT: vector.fma
// CHECK-NOT: linalg.matmul
// CHECK: return
func.func @tiny_i64(%a: tensor<3x2xi64>, %b: tensor<2x3xi64>, %c: tensor<3x3xi64>) -> tensor<3x3xi64> {
  %0 = linalg.matmul ins(%a, %b : tensor<3x2xi64>, tensor<2x3xi64>) outs(%c : tensor<3x3xi64>) -> tensor<3x3xi64>
  return %0 : tensor<3x3xi64>
}

// -----

// Left alone, exactly as written: matmuls of an unsupported element type (f16), of mixed
// types (i8 x i8 -> i32), with a dynamic or an empty dimension, on memrefs, and
// contractions that are not matmul or batch_matmul (matvec, a generic matmul). With
// nothing to schedule the pass runs no transform script (not even its clean-up).
// CHECK-LABEL: func.func @untouched(
// CHECK-NEXT: linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<4x3xf16>, tensor<3x4xf16>) outs(%{{.+}} : tensor<4x4xf16>) -> tensor<4x4xf16>
// CHECK-NEXT: linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<4x3xi8>, tensor<3x4xi8>) outs(%{{.+}} : tensor<4x4xi32>) -> tensor<4x4xi32>
// CHECK-NEXT: linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<?x3xf32>, tensor<3x4xf32>) outs(%{{.+}} : tensor<?x4xf32>) -> tensor<?x4xf32>
// CHECK-NEXT: linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<0x3xf32>, tensor<3x4xf32>) outs(%{{.+}} : tensor<0x4xf32>) -> tensor<0x4xf32>
// CHECK-NEXT: linalg.matmul ins(%{{.+}}, %{{.+}} : memref<4x3xf32>, memref<3x4xf32>) outs(%{{.+}} : memref<4x4xf32>)
// CHECK-NEXT: linalg.matvec ins(%{{.+}}, %{{.+}} : tensor<3x4xf32>, tensor<4xf32>) outs(%{{.+}} : tensor<3xf32>) -> tensor<3xf32>
// CHECK-NEXT: linalg.generic
// CHECK-NOT: vector.
// CHECK-NOT: scf.
// CHECK: return
func.func @untouched(%a: tensor<4x3xf16>, %b: tensor<3x4xf16>, %c: tensor<4x4xf16>,
                     %ai: tensor<4x3xi8>, %bi: tensor<3x4xi8>, %ci: tensor<4x4xi32>,
                     %ad: tensor<?x3xf32>, %bd: tensor<3x4xf32>, %cd: tensor<?x4xf32>,
                     %az: tensor<0x3xf32>, %cz: tensor<0x4xf32>,
                     %am: memref<4x3xf32>, %bm: memref<3x4xf32>, %cm: memref<4x4xf32>,
                     %v: tensor<3xf32>, %w: tensor<4xf32>)
    -> (tensor<4x4xf16>, tensor<4x4xi32>, tensor<?x4xf32>, tensor<0x4xf32>, tensor<3xf32>) {
  %0 = linalg.matmul ins(%a, %b : tensor<4x3xf16>, tensor<3x4xf16>) outs(%c : tensor<4x4xf16>) -> tensor<4x4xf16>
  %1 = linalg.matmul ins(%ai, %bi : tensor<4x3xi8>, tensor<3x4xi8>) outs(%ci : tensor<4x4xi32>) -> tensor<4x4xi32>
  %2 = linalg.matmul ins(%ad, %bd : tensor<?x3xf32>, tensor<3x4xf32>) outs(%cd : tensor<?x4xf32>) -> tensor<?x4xf32>
  %3 = linalg.matmul ins(%az, %bd : tensor<0x3xf32>, tensor<3x4xf32>) outs(%cz : tensor<0x4xf32>) -> tensor<0x4xf32>
  linalg.matmul ins(%am, %bm : memref<4x3xf32>, memref<3x4xf32>) outs(%cm : memref<4x4xf32>)
  %4 = linalg.matvec ins(%bd, %w : tensor<3x4xf32>, tensor<4xf32>) outs(%v : tensor<3xf32>) -> tensor<3xf32>
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%am, %bm : memref<4x3xf32>, memref<3x4xf32>) outs(%cm : memref<4x4xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return %0, %1, %2, %3, %4 : tensor<4x4xf16>, tensor<4x4xi32>, tensor<?x4xf32>, tensor<0x4xf32>, tensor<3xf32>
}
