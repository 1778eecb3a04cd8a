// RUN: pullback-opt %s | pullback-opt | filecheck %s

// Round trip of the transcendental, special-function and sort families.

// CHECK-LABEL: func.func @unary
// CHECK: "pb.sinh"
// CHECK: "pb.acosh"
// CHECK: "pb.erf_inv"
// CHECK: "pb.lgamma"
// CHECK: "pb.digamma"
// CHECK: "pb.zeta"(%{{.*}}, %{{.*}}) : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
func.func @unary(%x: tensor<3xf64>) -> tensor<3xf64> {
  %0 = "pb.sinh"(%x) : (tensor<3xf64>) -> tensor<3xf64>
  %1 = "pb.acosh"(%0) : (tensor<3xf64>) -> tensor<3xf64>
  %2 = "pb.erf_inv"(%1) : (tensor<3xf64>) -> tensor<3xf64>
  %3 = "pb.lgamma"(%2) : (tensor<3xf64>) -> tensor<3xf64>
  %4 = "pb.digamma"(%3) : (tensor<3xf64>) -> tensor<3xf64>
  %5 = "pb.zeta"(%4, %x) : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
  return %5 : tensor<3xf64>
}

// Complex sinh/cosh/exp2.
// CHECK-LABEL: func.func @complex
// CHECK: "pb.cosh"(%{{.*}}) : (tensor<2xcomplex<f32>>) -> tensor<2xcomplex<f32>>
func.func @complex(%z: tensor<2xcomplex<f32>>) -> tensor<2xcomplex<f32>> {
  %0 = "pb.cosh"(%z) : (tensor<2xcomplex<f32>>) -> tensor<2xcomplex<f32>>
  %1 = "pb.exp2"(%0) : (tensor<2xcomplex<f32>>) -> tensor<2xcomplex<f32>>
  return %1 : tensor<2xcomplex<f32>>
}

// Keys and values of different dtypes.
// CHECK-LABEL: func.func @sort
// CHECK: %{{.*}}:2 = "pb.sort"(%{{.*}}, %{{.*}}) {dimension = 0 : i64, is_stable = 1 : i64} : (tensor<4x2xui32>, tensor<4x2xcomplex<f64>>) -> (tensor<4x2xui32>, tensor<4x2xcomplex<f64>>)
func.func @sort(%k: tensor<4x2xui32>, %v: tensor<4x2xcomplex<f64>>) -> tensor<4x2xcomplex<f64>> {
  %0:2 = "pb.sort"(%k, %v) {dimension = 0 : i64, is_stable = 1 : i64} : (tensor<4x2xui32>, tensor<4x2xcomplex<f64>>) -> (tensor<4x2xui32>, tensor<4x2xcomplex<f64>>)
  return %0#1 : tensor<4x2xcomplex<f64>>
}
