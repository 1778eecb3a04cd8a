// RUN: pullback-opt %s | pullback-opt | filecheck %s

// Round trip of the transcendental family (real and, for sinh/cosh/exp2, complex).

// CHECK-LABEL: func.func @real
// CHECK: "pb.sinh"
// CHECK: "pb.cosh"
// CHECK: "pb.asin"
// CHECK: "pb.acos"
// CHECK: "pb.atan"
// CHECK: "pb.asinh"
// CHECK: "pb.acosh"
// CHECK: "pb.atanh"
// CHECK: "pb.cbrt"
// CHECK: "pb.exp2"(%{{.*}}) : (tensor<3xbf16>) -> tensor<3xbf16>
func.func @real(%x: tensor<3xbf16>) -> tensor<3xbf16> {
  %0 = "pb.sinh"(%x) : (tensor<3xbf16>) -> tensor<3xbf16>
  %1 = "pb.cosh"(%0) : (tensor<3xbf16>) -> tensor<3xbf16>
  %2 = "pb.asin"(%1) : (tensor<3xbf16>) -> tensor<3xbf16>
  %3 = "pb.acos"(%2) : (tensor<3xbf16>) -> tensor<3xbf16>
  %4 = "pb.atan"(%3) : (tensor<3xbf16>) -> tensor<3xbf16>
  %5 = "pb.asinh"(%4) : (tensor<3xbf16>) -> tensor<3xbf16>
  %6 = "pb.acosh"(%5) : (tensor<3xbf16>) -> tensor<3xbf16>
  %7 = "pb.atanh"(%6) : (tensor<3xbf16>) -> tensor<3xbf16>
  %8 = "pb.cbrt"(%7) : (tensor<3xbf16>) -> tensor<3xbf16>
  %9 = "pb.exp2"(%8) : (tensor<3xbf16>) -> tensor<3xbf16>
  return %9 : tensor<3xbf16>
}

// CHECK-LABEL: func.func @complex
// CHECK: "pb.cosh"(%{{.*}}) : (tensor<2xcomplex<f32>>) -> tensor<2xcomplex<f32>>
func.func @complex(%z: tensor<2xcomplex<f32>>) -> tensor<2xcomplex<f32>> {
  %0 = "pb.cosh"(%z) : (tensor<2xcomplex<f32>>) -> tensor<2xcomplex<f32>>
  %1 = "pb.exp2"(%0) : (tensor<2xcomplex<f32>>) -> tensor<2xcomplex<f32>>
  %2 = "pb.sinh"(%1) : (tensor<2xcomplex<f32>>) -> tensor<2xcomplex<f32>>
  return %2 : tensor<2xcomplex<f32>>
}
