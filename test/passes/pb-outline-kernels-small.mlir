// RUN: pullback-opt %s -pb-outline-kernels | filecheck %s
// RUN: pullback-opt %s --pass-pipeline='builtin.module(pb-outline-kernels,one-shot-bufferize{bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map},convert-linalg-to-loops,convert-scf-to-cf,finalize-memref-to-llvm,convert-arith-to-llvm,convert-cf-to-llvm,convert-func-to-llvm{use-bare-ptr-memref-call-conv=1},reconcile-unrealized-casts,pb-optnone-glue)' | filecheck %s --check-prefix=LLVM

// A kernel whose tensors all have at most 2048 elements, called from a public (entry)
// function, is marked pb.small_kernel: LLVM's optimizer costs it more than it saves
// (pb-optnone-glue makes it optnone). Larger kernels, and kernels of private functions
// (which may run in a loop), keep the optimizer.

// CHECK-LABEL: func.func @entry(
// CHECK: call @pb_kernel(
// CHECK: call @pb_kernel_1(
// CHECK-LABEL: func.func private @helper(
// CHECK: call @pb_kernel_2(
// CHECK-LABEL: func.func private @pb_kernel(
// CHECK-SAME: tensor<16x128xf32>
// CHECK-SAME: attributes {no_inline, pb.small_kernel}
// CHECK-LABEL: func.func private @pb_kernel_1(
// CHECK-SAME: tensor<64x64xf32>
// CHECK-SAME: attributes {no_inline} {
// CHECK-LABEL: func.func private @pb_kernel_2(
// CHECK-SAME: tensor<2x2xf32>
// CHECK-SAME: attributes {no_inline} {

// LLVM-LABEL: llvm.func @pb_kernel(
// LLVM-SAME: passthrough = ["noinline", "optnone"]
// LLVM-LABEL: llvm.func @pb_kernel_1(
// LLVM-NOT: optnone
// LLVM: llvm.return

#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @entry(%x: tensor<16x128xf32>, %y: tensor<64x64xf32>) -> (tensor<16x128xf32>, tensor<64x64xf32>) {
  %e = tensor.empty() : tensor<16x128xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<16x128xf32>) outs(%e : tensor<16x128xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.mulf %in, %in : f32
    linalg.yield %s : f32
  } -> tensor<16x128xf32>
  %f = tensor.empty() : tensor<64x64xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y : tensor<64x64xf32>) outs(%f : tensor<64x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.mulf %in, %in : f32
    linalg.yield %s : f32
  } -> tensor<64x64xf32>
  return %a, %b : tensor<16x128xf32>, tensor<64x64xf32>
}
func.func private @helper(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %e = tensor.empty() : tensor<2x2xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %in : f32
    linalg.yield %s : f32
  } -> tensor<2x2xf32>
  return %a : tensor<2x2xf32>
}
