// RUN: pullback-opt %s -pb-outline-kernels | filecheck %s
// RUN: pullback-opt %s --pass-pipeline='builtin.module(pb-outline-kernels,one-shot-bufferize{bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map})' > /dev/null
// RUN: pullback-opt %s -pb-outline-kernels | filecheck %s --check-prefix=KERNEL

// pb-outline-kernels turns each top-level kernel (linalg op or loop nest) into a call of a
// private no_inline function, one per distinct kernel: the two identical bias-and-tanh
// kernels share @pb_kernel. Constants, empty tensors and init fills are rebuilt inside
// the function; the values a kernel reads are its arguments.

// CHECK-LABEL: func.func @layers(
// CHECK-SAME: %[[X:[^:]+]]: tensor<4x8xf32>, %[[B:[^:]+]]: tensor<8xf32>
// CHECK-NOT: linalg.generic
// CHECK: %[[H:.+]] = call @pb_kernel(%[[X]], %[[B]]) : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
// CHECK: %[[Y:.+]] = call @pb_kernel(%[[H]], %[[B]])
// CHECK: %[[S:.+]] = call @pb_kernel_1(%[[Y]]) : (tensor<4x8xf32>) -> tensor<8xf32>
// CHECK-NOT: linalg.fill
// CHECK: return %[[S]]
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @layers(%x: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<8xf32> {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %h = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<4x8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    %t = math.tanh %s : f32
    %u = arith.mulf %t, %one : f32
    linalg.yield %u : f32
  } -> tensor<4x8xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%h, %b : tensor<4x8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    %t = math.tanh %s : f32
    %u = arith.mulf %t, %one : f32
    linalg.yield %u : f32
  } -> tensor<4x8xf32>
  %zero = arith.constant 0.0 : f32
  %se = tensor.empty() : tensor<8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%se : tensor<8xf32>) -> tensor<8xf32>
  %sum = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["reduction", "parallel"]}
      ins(%y : tensor<4x8xf32>) outs(%init : tensor<8xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  } -> tensor<8xf32>
  return %sum : tensor<8xf32>
}

// CHECK-LABEL: func.func private @pb_kernel(
// CHECK-SAME: attributes {no_inline, pb.small_kernel}
// CHECK-DAG: arith.constant 1.000000e+00 : f32
// CHECK-DAG: tensor.empty() : tensor<4x8xf32>
// CHECK: linalg.generic
// CHECK: math.tanh
// CHECK-LABEL: func.func private @pb_kernel_1(
// CHECK: linalg.fill
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
// CHECK-NOT: func.func private @pb_kernel_2

// A function marked no_inline is a kernel already (pb-outline-blas-matmuls makes one per
// matmul signature): its matmul is not wrapped in yet another function.
// KERNEL-LABEL: func.func private @already_a_kernel(
// KERNEL-NEXT: arith.constant
// KERNEL-NEXT: tensor.empty
// KERNEL-NEXT: linalg.fill
// KERNEL-NEXT: linalg.matmul
func.func private @already_a_kernel(%a: tensor<4x8xf32>, %b: tensor<8x2xf32>) -> tensor<4x2xf32> attributes {no_inline} {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %c = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x2xf32>) outs(%init : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %c : tensor<4x2xf32>
}
