// RUN: pullback-opt %s | pullback-opt | filecheck %s

// Round trip of pb.sort: keys and values of different dtypes.

// CHECK-LABEL: func.func @sort
// CHECK: %{{.*}}:2 = "pb.sort"(%{{.*}}, %{{.*}}) {dimension = 0 : i64, is_stable = 1 : i64} : (tensor<4x2xui32>, tensor<4x2xcomplex<f64>>) -> (tensor<4x2xui32>, tensor<4x2xcomplex<f64>>)
func.func @sort(%k: tensor<4x2xui32>, %v: tensor<4x2xcomplex<f64>>) -> tensor<4x2xcomplex<f64>> {
  %0:2 = "pb.sort"(%k, %v) {dimension = 0 : i64, is_stable = 1 : i64} : (tensor<4x2xui32>, tensor<4x2xcomplex<f64>>) -> (tensor<4x2xui32>, tensor<4x2xcomplex<f64>>)
  return %0#1 : tensor<4x2xcomplex<f64>>
}

// CHECK-LABEL: func.func @top_k
// CHECK: %{{.*}}:2 = "pb.top_k"(%{{.*}}) {k = 2 : i64} : (tensor<3x5xf16>) -> (tensor<3x2xf16>, tensor<3x2xi32>)
func.func @top_k(%x: tensor<3x5xf16>) -> tensor<3x2xi32> {
  %0:2 = "pb.top_k"(%x) {k = 2 : i64} : (tensor<3x5xf16>) -> (tensor<3x2xf16>, tensor<3x2xi32>)
  return %0#1 : tensor<3x2xi32>
}
