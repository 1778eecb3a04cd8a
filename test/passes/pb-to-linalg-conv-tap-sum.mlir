// RUN: pullback-opt %s -pb-to-linalg | filecheck %s
// RUN: env PULLBACK_BLAS=0 pullback-opt %s -pb-to-linalg | filecheck %s --check-prefix=IM2COL
// RUN: pullback-opt %s --run=weighted_conv | filecheck %s --check-prefix=NUM
// RUN: env PULLBACK_BLAS=0 pullback-opt %s --run=weighted_conv | filecheck %s --check-prefix=NUM

// A stride-1 ungrouped float convolution with OpenBLAS lowers as a sum of per-tap matmuls:
// the input padded (with one more zero row at the end of the first spatial dimension) and
// flattened per image to (rows, C); one generic marked pb.conv_tap_sum reads row
// r + 18 * i + j for tap (i, j) (18: the padded width) against the kernel's (i, j) slice,
// on a grid of 16 x 18 output rows per image, cropped to 16 x 16. Without the library the
// convolution keeps im2col and a matmul; both give the same exact f64 sum.

// CHECK-DAG: #[[X:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 + d3 * 18 + d4, d5)>
// CHECK-DAG: #[[W:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4, d5, d2)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @weighted_conv(
// CHECK: tensor.insert_slice %{{.+}} into %{{.+}}[0, 1, 2, 0] [2, 16, 16, 32] [1, 1, 1, 1] : tensor<2x16x16x32xf64> into tensor<2x19x18x32xf64>
// CHECK: tensor.expand_shape %{{.+}} : tensor<21888xf64> into tensor<2x342x32xf64>
// CHECK: linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%{{.+}}, %{{.+}} : tensor<2x342x32xf64>, tensor<3x3x32x32xf64>) outs(%{{.+}} : tensor<2x288x32xf64>) attrs = {pb.conv_tap_sum}
// CHECK: tensor.extract_slice %{{.+}}[0, 0, 0, 0] [2, 16, 16, 32] [1, 1, 1, 1] : tensor<2x16x18x32xf64> to tensor<2x16x16x32xf64>
// IM2COL-LABEL: func.func @weighted_conv(
// IM2COL-NOT: pb.conv_tap_sum
// IM2COL: linalg.matmul

// NUM: result[0]: tensor<f64> = -345473382912.0
func.func @weighted_conv() -> tensor<f64> {
  %0 = "pb.iota"() {dimension = 1 : i64, dtype = "float64", shape = array<i64: 2, 16, 16, 32>} : () -> tensor<2x16x16x32xf64>
  %1 = "pb.iota"() {dimension = 3 : i64, dtype = "float64", shape = array<i64: 2, 16, 16, 32>} : () -> tensor<2x16x16x32xf64>
  %2 = "pb.add"(%0, %1) : (tensor<2x16x16x32xf64>, tensor<2x16x16x32xf64>) -> tensor<2x16x16x32xf64>
  %3 = "pb.iota"() {dimension = 2 : i64, dtype = "float64", shape = array<i64: 2, 16, 16, 32>} : () -> tensor<2x16x16x32xf64>
  %4 = "pb.sub"(%2, %3) : (tensor<2x16x16x32xf64>, tensor<2x16x16x32xf64>) -> tensor<2x16x16x32xf64>
  %5 = "pb.iota"() {dimension = 0 : i64, dtype = "float64", shape = array<i64: 2, 16, 16, 32>} : () -> tensor<2x16x16x32xf64>
  %6 = "pb.add"(%4, %5) : (tensor<2x16x16x32xf64>, tensor<2x16x16x32xf64>) -> tensor<2x16x16x32xf64>
  %7 = "pb.iota"() {dimension = 0 : i64, dtype = "float64", shape = array<i64: 3, 3, 32, 32>} : () -> tensor<3x3x32x32xf64>
  %8 = "pb.iota"() {dimension = 1 : i64, dtype = "float64", shape = array<i64: 3, 3, 32, 32>} : () -> tensor<3x3x32x32xf64>
  %9 = "pb.constant"() {value = dense<2.000000e+00> : tensor<f64>} : () -> tensor<f64>
  %10 = "pb.broadcast_in_dim"(%9) {broadcast_dimensions = array<i64>, shape = array<i64: 3, 3, 32, 32>} : (tensor<f64>) -> tensor<3x3x32x32xf64>
  %11 = "pb.mul"(%8, %10) : (tensor<3x3x32x32xf64>, tensor<3x3x32x32xf64>) -> tensor<3x3x32x32xf64>
  %12 = "pb.sub"(%7, %11) : (tensor<3x3x32x32xf64>, tensor<3x3x32x32xf64>) -> tensor<3x3x32x32xf64>
  %13 = "pb.iota"() {dimension = 3 : i64, dtype = "float64", shape = array<i64: 3, 3, 32, 32>} : () -> tensor<3x3x32x32xf64>
  %14 = "pb.add"(%12, %13) : (tensor<3x3x32x32xf64>, tensor<3x3x32x32xf64>) -> tensor<3x3x32x32xf64>
  %15 = "pb.iota"() {dimension = 2 : i64, dtype = "float64", shape = array<i64: 3, 3, 32, 32>} : () -> tensor<3x3x32x32xf64>
  %16 = "pb.sub"(%14, %15) : (tensor<3x3x32x32xf64>, tensor<3x3x32x32xf64>) -> tensor<3x3x32x32xf64>
  %17 = "pb.conv_general_dilated"(%6, %16) {batch_group_count = 1 : i64, feature_group_count = 1 : i64, lhs_dilation = array<i64: 1, 1>, lhs_spec = array<i64: 0, 3, 1, 2>, out_spec = array<i64: 0, 3, 1, 2>, padding_high = array<i64: 1, 0>, padding_low = array<i64: 1, 2>, rhs_dilation = array<i64: 1, 1>, rhs_spec = array<i64: 3, 2, 0, 1>, window_strides = array<i64: 1, 1>} : (tensor<2x16x16x32xf64>, tensor<3x3x32x32xf64>) -> tensor<2x16x16x32xf64>
  %18 = "pb.iota"() {dimension = 1 : i64, dtype = "float64", shape = array<i64: 2, 16, 16, 32>} : () -> tensor<2x16x16x32xf64>
  %19 = "pb.constant"() {value = dense<1.000000e+02> : tensor<f64>} : () -> tensor<f64>
  %20 = "pb.broadcast_in_dim"(%19) {broadcast_dimensions = array<i64>, shape = array<i64: 2, 16, 16, 32>} : (tensor<f64>) -> tensor<2x16x16x32xf64>
  %21 = "pb.mul"(%18, %20) : (tensor<2x16x16x32xf64>, tensor<2x16x16x32xf64>) -> tensor<2x16x16x32xf64>
  %22 = "pb.iota"() {dimension = 2 : i64, dtype = "float64", shape = array<i64: 2, 16, 16, 32>} : () -> tensor<2x16x16x32xf64>
  %23 = "pb.add"(%21, %22) : (tensor<2x16x16x32xf64>, tensor<2x16x16x32xf64>) -> tensor<2x16x16x32xf64>
  %24 = "pb.iota"() {dimension = 3 : i64, dtype = "float64", shape = array<i64: 2, 16, 16, 32>} : () -> tensor<2x16x16x32xf64>
  %25 = "pb.constant"() {value = dense<7.000000e+00> : tensor<f64>} : () -> tensor<f64>
  %26 = "pb.broadcast_in_dim"(%25) {broadcast_dimensions = array<i64>, shape = array<i64: 2, 16, 16, 32>} : (tensor<f64>) -> tensor<2x16x16x32xf64>
  %27 = "pb.mul"(%24, %26) : (tensor<2x16x16x32xf64>, tensor<2x16x16x32xf64>) -> tensor<2x16x16x32xf64>
  %28 = "pb.add"(%23, %27) : (tensor<2x16x16x32xf64>, tensor<2x16x16x32xf64>) -> tensor<2x16x16x32xf64>
  %29 = "pb.iota"() {dimension = 0 : i64, dtype = "float64", shape = array<i64: 2, 16, 16, 32>} : () -> tensor<2x16x16x32xf64>
  %30 = "pb.constant"() {value = dense<3.000000e+00> : tensor<f64>} : () -> tensor<f64>
  %31 = "pb.broadcast_in_dim"(%30) {broadcast_dimensions = array<i64>, shape = array<i64: 2, 16, 16, 32>} : (tensor<f64>) -> tensor<2x16x16x32xf64>
  %32 = "pb.mul"(%29, %31) : (tensor<2x16x16x32xf64>, tensor<2x16x16x32xf64>) -> tensor<2x16x16x32xf64>
  %33 = "pb.add"(%28, %32) : (tensor<2x16x16x32xf64>, tensor<2x16x16x32xf64>) -> tensor<2x16x16x32xf64>
  %34 = "pb.mul"(%17, %33) : (tensor<2x16x16x32xf64>, tensor<2x16x16x32xf64>) -> tensor<2x16x16x32xf64>
  %35 = "pb.reduce_sum"(%34) {axes = array<i64: 0, 1, 2, 3>} : (tensor<2x16x16x32xf64>) -> tensor<f64>
  return %35 : tensor<f64>
}
