// RUN: pullback-opt %s -pb-to-linalg | filecheck %s
// RUN: pullback-opt %s -pb-to-linalg | filecheck %s --check-prefix=NOPB
// RUN: pullback-opt %s -pb-to-linalg --run=conv --arg='[[[1.0, 2.0, 3.0, 4.0, 5.0]]]' --arg='[[[1.0, 10.0]]]' \
// RUN:   | filecheck %s --check-prefix=NUM

// pb.conv_general_dilated lowers to XLA:CPU's canonical form: the lhs transposed to
// (N, spatial..., C) and padded, one parallel linalg.generic gathering its windows (im2col)
// with strided affine maps, and a linalg.matmul with the kernel as (window * I, O).
// pb.reduce_window_* pads with the identity (when there is padding) and reduces in one
// linalg.generic with the window taps outermost; an unread tensor of the window's shape
// gives the taps' bounds.

// CHECK-DAG: #[[IM2COL:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (0, d1, d2 * 2 + d3, 0, d4)>
// CHECK-DAG: #[[WIN:.+]] = affine_map<(d0, d1, d2, d3) -> (d0 + d2, d3 * 2 + d1)>
// CHECK-LABEL: func.func @conv(
// CHECK: tensor.insert_slice %{{.+}} into %{{.+}}[0, 1, 0] [1, 5, 1] [1, 1, 1]
// CHECK: linalg.generic {indexing_maps = [#[[IM2COL]], #{{.+}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]}
// CHECK: linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<3x2xf32>, tensor<2x1xf32>)
// CHECK-LABEL: func.func @pool(
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x2xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[WIN]], #{{.+}}, #{{.+}}], iterator_types = ["reduction", "reduction", "parallel", "parallel"]} ins(%{{.+}}, %{{.+}} : tensor<2x4xf32>, tensor<1x2xf32>) outs(%[[INIT]] : tensor<2x2xf32>)
// CHECK: arith.maximumf
// NOPB-NOT: "pb.

// Numbers: windows (0, 1), (2, 3), (4, 5) of the padded [0, 1, 2, 3, 4, 5] times (1, 10).
// NUM: result[0]: tensor<1x1x3xf32> = {{\[\[\[}}10.0, 32.0, 54.0]]]
func.func @conv(%x: tensor<1x1x5xf32>, %w: tensor<1x1x2xf32>) -> tensor<1x1x3xf32> {
  %0 = "pb.conv_general_dilated"(%x, %w) {window_strides = array<i64: 2>, padding_low = array<i64: 1>, padding_high = array<i64: 0>, lhs_dilation = array<i64: 1>, rhs_dilation = array<i64: 1>, lhs_spec = array<i64: 0, 1, 2>, rhs_spec = array<i64: 0, 1, 2>, out_spec = array<i64: 0, 1, 2>, feature_group_count = 1, batch_group_count = 1} : (tensor<1x1x5xf32>, tensor<1x1x2xf32>) -> tensor<1x1x3xf32>
  return %0 : tensor<1x1x3xf32>
}
func.func @pool(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %0 = "pb.reduce_window_max"(%x) {window_dimensions = array<i64: 1, 2>, window_strides = array<i64: 1, 2>, padding_low = array<i64: 0, 0>, padding_high = array<i64: 0, 0>, base_dilation = array<i64: 1, 1>, window_dilation = array<i64: 1, 1>} : (tensor<2x4xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
