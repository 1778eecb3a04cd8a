// RUN: sed '/^\/\/ MEMREF/,$d' %s | pullback-opt - --pass-pipeline='builtin.module(pb-outline-blas-matmuls)' | filecheck %s --check-prefix=OUTLINE
// RUN: sed -n '/^\/\/ MEMREF/,$p' %s | pullback-opt - --pass-pipeline='builtin.module(pb-blas-calls{cores=2})' | filecheck %s
// RUN: sed -n '/^\/\/ MEMREF/,$p' %s | pullback-opt - --pass-pipeline='builtin.module(pb-blas-calls{cores=1})' | filecheck %s --check-prefix=ONE

// A convolution lowered as a sum of per-tap matmuls (a linalg.generic marked pb.conv_tap_sum,
// dialects/ops/convolution.py): pb-outline-blas-matmuls moves it into one private function
// per signature, marked pb.blas and accumulating into its own zero fill.

// OUTLINE-LABEL: func.func @conv(
// OUTLINE: %[[Y:.+]] = call @pb_blas_sconv_taps_4x506x32x3x3x32x32(%arg0, %arg1) : (tensor<4x506x32xf32>, tensor<3x3x32x32xf32>) -> tensor<4x440x32xf32>
// OUTLINE: return %[[Y]]
// OUTLINE-LABEL: func.func private @pb_blas_sconv_taps_4x506x32x3x3x32x32(
// OUTLINE-SAME: attributes {no_inline}
// OUTLINE: %[[ZERO:.+]] = linalg.fill
// OUTLINE: linalg.generic {{.+}} ins(%arg0, %arg1 : tensor<4x506x32xf32>, tensor<3x3x32x32xf32>) outs(%[[ZERO]] : tensor<4x440x32xf32>) attrs = {pb.blas, pb.conv_tap_sum}
#x = affine_map<(n, r, o, i, j, c) -> (n, r + i * 22 + j, c)>
#w = affine_map<(n, r, o, i, j, c) -> (i, j, c, o)>
#out = affine_map<(n, r, o, i, j, c) -> (n, r, o)>
func.func @conv(%x: tensor<4x506x32xf32>, %w: tensor<3x3x32x32xf32>) -> tensor<4x440x32xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x440x32xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4x440x32xf32>) -> tensor<4x440x32xf32>
  %y = linalg.generic {indexing_maps = [#x, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<4x506x32xf32>, tensor<3x3x32x32xf32>) outs(%f : tensor<4x440x32xf32>) attrs = {pb.conv_tap_sum} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x440x32xf32>
  return %y : tensor<4x440x32xf32>
}

// MEMREF: after bufferization, pb-blas-calls makes it one gemm per image and tap: the input
// pointer moves by (image * 506 + first row + 22 i + j) rows of 32 floats (tap (i, j) of the
// 3 x 3 window from t = 3 i + j), the kernel's by t * 32 * 32 floats, the output's by
// (image * 440 + first row) rows; beta is 0 at the first tap (the fill before it is dropped).
// Four images over two cores: an scf.parallel of two blocks of two images.
// CHECK-LABEL: func.func private @taps(
// CHECK-NOT: linalg.fill
// CHECK: scf.parallel
// CHECK: scf.for %[[IMAGE:.+]] = %{{.+}} to %{{.+}} step
// CHECK: scf.for %[[TAP:.+]] = %{{.+}} to %{{.+}} step
// CHECK: arith.muli %[[IMAGE]], %{{.+}} : index
// CHECK: arith.divui %[[TAP]]
// CHECK: arith.remui
// CHECK: %[[FIRST:.+]] = arith.cmpi eq, %[[TAP]]
// CHECK: %[[BETA:.+]] = arith.select %[[FIRST]]
// CHECK: call @scipy_cblas_sgemm(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[BETA]], %{{.+}}, %{{.+}})
// CHECK: scf.reduce
// CHECK-NOT: linalg.generic
// One image over two cores: blocks of rows.
// CHECK-LABEL: func.func private @rows(
// CHECK: scf.parallel
// CHECK: arith.minsi
// CHECK: call @scipy_cblas_sgemm(
// ONE-LABEL: func.func private @taps(
// ONE-NOT: scf.parallel
// ONE: call @scipy_cblas_sgemm(
// ONE-NOT: linalg.generic
#x = affine_map<(n, r, o, i, j, c) -> (n, r + i * 22 + j, c)>
#w = affine_map<(n, r, o, i, j, c) -> (i, j, c, o)>
#out = affine_map<(n, r, o, i, j, c) -> (n, r, o)>
func.func private @taps(%x: memref<4x506x32xf32>, %w: memref<3x3x32x32xf32>, %y: memref<4x440x32xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%y : memref<4x440x32xf32>)
  linalg.generic {indexing_maps = [#x, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<4x506x32xf32>, memref<3x3x32x32xf32>) outs(%y : memref<4x440x32xf32>) attrs = {pb.blas, pb.conv_tap_sum} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
func.func private @rows(%x: memref<1x506x32xf32>, %w: memref<3x3x32x64xf32>, %y: memref<1x440x64xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x506x32xf32>, memref<3x3x32x64xf32>) outs(%y : memref<1x440x64xf32>) attrs = {pb.blas, pb.conv_tap_sum} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
