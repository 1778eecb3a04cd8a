// RUN: pullback-opt %s | pullback-opt | filecheck %s

// Round trip of the incomplete gamma/beta and scaled Bessel ops.

// CHECK-LABEL: func.func @incomplete
// CHECK: "pb.igamma"(%{{.*}}, %{{.*}}) : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
// CHECK: "pb.igammac"
// CHECK: "pb.igamma_grad_a"
// CHECK: "pb.random_gamma_grad"
// CHECK: "pb.betainc"(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<3xf64>, tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
// CHECK: "pb.bessel_i0e"
// CHECK: "pb.bessel_i1e"
func.func @incomplete(%a: tensor<3xf64>, %x: tensor<3xf64>) -> tensor<3xf64> {
  %0 = "pb.igamma"(%a, %x) : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
  %1 = "pb.igammac"(%a, %0) : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
  %2 = "pb.igamma_grad_a"(%a, %1) : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
  %3 = "pb.random_gamma_grad"(%a, %2) : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
  %4 = "pb.betainc"(%a, %a, %3) : (tensor<3xf64>, tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
  %5 = "pb.bessel_i0e"(%4) : (tensor<3xf64>) -> tensor<3xf64>
  %6 = "pb.bessel_i1e"(%5) : (tensor<3xf64>) -> tensor<3xf64>
  return %6 : tensor<3xf64>
}
