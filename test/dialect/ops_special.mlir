// RUN: pullback-opt %s | pullback-opt | filecheck %s

// Round trip of the special-function family.

// CHECK-LABEL: func.func @special
// CHECK: "pb.erf"
// CHECK: "pb.erfc"
// CHECK: "pb.erf_inv"
// CHECK: "pb.lgamma"
// CHECK: "pb.digamma"
// CHECK: "pb.zeta"(%{{.*}}, %{{.*}}) : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
func.func @special(%x: tensor<3xf64>) -> tensor<3xf64> {
  %0 = "pb.erf"(%x) : (tensor<3xf64>) -> tensor<3xf64>
  %1 = "pb.erfc"(%0) : (tensor<3xf64>) -> tensor<3xf64>
  %2 = "pb.erf_inv"(%1) : (tensor<3xf64>) -> tensor<3xf64>
  %3 = "pb.lgamma"(%2) : (tensor<3xf64>) -> tensor<3xf64>
  %4 = "pb.digamma"(%3) : (tensor<3xf64>) -> tensor<3xf64>
  %5 = "pb.zeta"(%4, %x) : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
  return %5 : tensor<3xf64>
}
