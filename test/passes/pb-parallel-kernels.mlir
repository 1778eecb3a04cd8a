// RUN: pullback-opt %s --pass-pipeline='builtin.module(pb-parallel-kernels{cores=2})' | filecheck %s
// RUN: pullback-opt %s --pass-pipeline='builtin.module(pb-parallel-kernels{cores=1})' | filecheck %s --check-prefix=ONE
// RUN: not pullback-opt %s --pass-pipeline='builtin.module(pb-parallel-kernels{cores=x})' 2>&1 | filecheck %s --check-prefix=BAD

// A generic of at least 2^17 iterations at the top level of its function is tiled with
// scf.forall along its outermost parallel loop, one block per core (1001 rows: blocks of 501).
// BAD: cores must be an integer, got 'x'
#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (i)>
#t = affine_map<(i, j) -> (j, i)>

// CHECK-LABEL: func.func private @elementwise(
// CHECK: scf.forall (%{{.+}}) in (2) shared_outs
// CHECK: %[[SIZE:.+]] = affine.min #{{.+}}(%{{.+}})
// CHECK: tensor.extract_slice %arg0[%{{.+}}, 0] [%[[SIZE]], 256] [1, 1]
// CHECK: linalg.generic
// CHECK: tensor.parallel_insert_slice
// ONE-LABEL: func.func private @elementwise(
// ONE-NOT: scf.forall
func.func private @elementwise(%x: tensor<1001x256xf32>) -> tensor<1001x256xf32> {
  %e = tensor.empty() : tensor<1001x256xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<1001x256xf32>) outs(%e : tensor<1001x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = math.sin %a : f32
    linalg.yield %s : f32
  } -> tensor<1001x256xf32>
  return %r : tensor<1001x256xf32>
}

// The outermost loop is a reduction: the parallel one is split; the reduction never is.
// CHECK-LABEL: func.func private @column_sums(
// CHECK: scf.forall (%{{.+}}) in (2) shared_outs
// CHECK: tensor.extract_slice %arg0[%{{.+}}, 0] [256, 512] [1, 1]
// CHECK: iterator_types = ["reduction", "parallel"]
func.func private @column_sums(%x: tensor<512x512xf32>) -> tensor<512xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<512xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<512xf32>) -> tensor<512xf32>
  %r = linalg.generic {indexing_maps = [#t, #row], iterator_types = ["reduction", "parallel"]}
      ins(%x : tensor<512x512xf32>) outs(%f : tensor<512xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<512xf32>
  return %r : tensor<512xf32>
}

// Small kernels and kernels inside a loop of the program stay serial.
// CHECK-LABEL: func.func private @small(
// CHECK-NOT: scf.forall
// CHECK-LABEL: func.func private @in_loop(
// CHECK: scf.for
// CHECK-NOT: scf.forall
// CHECK: return
func.func private @small(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %e = tensor.empty() : tensor<64x64xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<64x64xf32>) outs(%e : tensor<64x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = math.sin %a : f32
    linalg.yield %s : f32
  } -> tensor<64x64xf32>
  return %r : tensor<64x64xf32>
}
func.func private @in_loop(%x: tensor<1024x256xf32>) -> tensor<1024x256xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %x) -> tensor<1024x256xf32> {
    %e = tensor.empty() : tensor<1024x256xf32>
    %n = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%acc : tensor<1024x256xf32>) outs(%e : tensor<1024x256xf32>) {
    ^bb0(%a: f32, %o: f32):
      %s = math.sin %a : f32
      linalg.yield %s : f32
    } -> tensor<1024x256xf32>
    scf.yield %n : tensor<1024x256xf32>
  }
  return %r : tensor<1024x256xf32>
}

// A reversal (-d1 + 999) is left serial: upstream's tiling aborts on negative coefficients.
// CHECK-LABEL: func.func private @reversed(
// CHECK-NOT: scf.forall
// CHECK: return
#rev = affine_map<(i, j) -> (-i + 999, j)>
func.func private @reversed(%x: tensor<1000x256xf32>) -> tensor<1000x256xf32> {
  %e = tensor.empty() : tensor<1000x256xf32>
  %r = linalg.generic {indexing_maps = [#rev, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<1000x256xf32>) outs(%e : tensor<1000x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<1000x256xf32>
  return %r : tensor<1000x256xf32>
}

// A generic marked pb.blas (a convolution's tap sum) is left whole: pb-blas-calls splits it
// across cores itself, and only on the whole buffers.
// CHECK-LABEL: func.func private @blas_tap_sum(
// CHECK-NOT: scf.forall
// CHECK: linalg.generic
// CHECK-SAME: pb.blas
#tx = affine_map<(n, r, o, i, j, c) -> (n, r + i * 22 + j, c)>
#tw = affine_map<(n, r, o, i, j, c) -> (i, j, c, o)>
#tout = affine_map<(n, r, o, i, j, c) -> (n, r, o)>
func.func private @blas_tap_sum(%x: tensor<4x506x32xf32>, %w: tensor<3x3x32x32xf32>, %init: tensor<4x440x32xf32>) -> tensor<4x440x32xf32> {
  %y = linalg.generic {indexing_maps = [#tx, #tw, #tout], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<4x506x32xf32>, tensor<3x3x32x32xf32>) outs(%init : tensor<4x440x32xf32>) attrs = {pb.blas, pb.conv_tap_sum} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x440x32xf32>
  return %y : tensor<4x440x32xf32>
}
