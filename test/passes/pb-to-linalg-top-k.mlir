// RUN: pullback-opt %s -pb-to-linalg | filecheck %s
// RUN: pullback-opt %s -pb-to-linalg | filecheck %s --check-prefix=NOPB
// RUN: pullback-opt %s -pb-to-linalg --run=top_k --arg='[[3.0, -1.0, 0.0, -0.0, 2.0, 3.0], [5.0, 5.0, 1.0, 5.0, -7.5, 9.0]]' \
// RUN:   | filecheck %s --check-prefix=NUM

// pb.top_k: one pass over each row keeping the k best (total-order integer keys) and their
// indices in a small buffer; an entry enters only when it beats the buffer's last, shifting
// the ones it beats down; then the values are gathered by the indices.

// CHECK-LABEL: func.func @top_k(
// CHECK: bufferization.alloc_tensor() : tensor<2x3xi32>
// CHECK: bufferization.alloc_tensor() : tensor<3xi32>
// CHECK: scf.for %{{.+}} iter_args({{.+}}) -> (tensor<2x3xi32>, tensor<3xi32>, tensor<3xi32>)
// CHECK: scf.for
// CHECK: arith.bitcast %{{.+}} : f32 to i32
// CHECK: scf.if
// CHECK: scf.for
// CHECK: tensor.insert
// CHECK: linalg.generic {{.+}} ins(%{{.+}} : tensor<2x3xi32>) outs(%{{.+}} : tensor<2x3xf32>)
// NOPB-NOT: "pb.

// Ties keep the lower index first (the two 3.0s, the three 5.0s); 0.0 beats -0.0.
// NUM: result[0]: tensor<2x3xf32> = {{\[\[}}3.0, 3.0, 2.0], [9.0, 5.0, 5.0]]
// NUM: result[1]: tensor<2x3xi32> = {{\[\[}}0, 5, 4], [5, 0, 1]]
func.func @top_k(%x: tensor<2x6xf32>) -> (tensor<2x3xf32>, tensor<2x3xi32>) {
  %0:2 = "pb.top_k"(%x) {k = 3 : i64} : (tensor<2x6xf32>) -> (tensor<2x3xf32>, tensor<2x3xi32>)
  return %0#0, %0#1 : tensor<2x3xf32>, tensor<2x3xi32>
}
