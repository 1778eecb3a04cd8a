// RUN: pullback-opt %s | filecheck %s
// RUN: pullback-opt %s | pullback-opt | filecheck %s
// RUN: pullback-opt %s --mlir-print-op-generic | pullback-opt | filecheck %s

// Round trip of every op of the elementwise family, over the dtypes each one accepts.

// CHECK-LABEL: func.func @unary_float
// CHECK: "pb.neg"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: "pb.abs"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: "pb.sign"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: "pb.floor"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: "pb.ceil"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: "pb.round"(%{{.*}}) {rounding_method = "TO_NEAREST_EVEN"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: "pb.round"(%{{.*}}) {rounding_method = "AWAY_FROM_ZERO"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: "pb.exp"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: "pb.log"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: "pb.log1p"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: "pb.expm1"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: "pb.sin"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: "pb.cos"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: "pb.tan"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: "pb.tanh"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: "pb.sqrt"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: "pb.rsqrt"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: "pb.logistic"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: "pb.integer_pow"(%{{.*}}) {y = -3 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: "pb.stop_gradient"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @unary_float(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "pb.neg"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = "pb.abs"(%0) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = "pb.sign"(%1) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = "pb.floor"(%2) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = "pb.ceil"(%3) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %5 = "pb.round"(%4) {rounding_method = "TO_NEAREST_EVEN"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %6 = "pb.round"(%5) {rounding_method = "AWAY_FROM_ZERO"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %7 = "pb.exp"(%6) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %8 = "pb.log"(%7) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %9 = "pb.log1p"(%8) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %10 = "pb.expm1"(%9) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %11 = "pb.sin"(%10) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %12 = "pb.cos"(%11) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %13 = "pb.tan"(%12) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %14 = "pb.tanh"(%13) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %15 = "pb.sqrt"(%14) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %16 = "pb.rsqrt"(%15) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %17 = "pb.logistic"(%16) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %18 = "pb.integer_pow"(%17) {y = -3 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %19 = "pb.stop_gradient"(%18) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %19 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @unary_other_dtypes
// CHECK: "pb.neg"(%{{.*}}) : (tensor<4xi8>) -> tensor<4xi8>
// CHECK: "pb.abs"(%{{.*}}) : (tensor<4xi32>) -> tensor<4xi32>
// CHECK: "pb.sign"(%{{.*}}) : (tensor<4xi64>) -> tensor<4xi64>
// CHECK: "pb.integer_pow"(%{{.*}}) {y = 3 : i64} : (tensor<4xui32>) -> tensor<4xui32>
// CHECK: "pb.exp"(%{{.*}}) : (tensor<f64>) -> tensor<f64>
// CHECK: "pb.sqrt"(%{{.*}}) : (tensor<2x1xf16>) -> tensor<2x1xf16>
// CHECK: "pb.tanh"(%{{.*}}) : (tensor<3xbf16>) -> tensor<3xbf16>
func.func @unary_other_dtypes(%i8: tensor<4xi8>, %i32: tensor<4xi32>, %i64: tensor<4xi64>, %u32: tensor<4xui32>,
                              %f64: tensor<f64>, %f16: tensor<2x1xf16>, %bf16: tensor<3xbf16>)
    -> (tensor<4xi8>, tensor<4xi32>, tensor<4xi64>, tensor<4xui32>, tensor<f64>, tensor<2x1xf16>, tensor<3xbf16>) {
  %0 = "pb.neg"(%i8) : (tensor<4xi8>) -> tensor<4xi8>
  %1 = "pb.abs"(%i32) : (tensor<4xi32>) -> tensor<4xi32>
  %2 = "pb.sign"(%i64) : (tensor<4xi64>) -> tensor<4xi64>
  %3 = "pb.integer_pow"(%u32) {y = 3 : i64} : (tensor<4xui32>) -> tensor<4xui32>
  %4 = "pb.exp"(%f64) : (tensor<f64>) -> tensor<f64>
  %5 = "pb.sqrt"(%f16) : (tensor<2x1xf16>) -> tensor<2x1xf16>
  %6 = "pb.tanh"(%bf16) : (tensor<3xbf16>) -> tensor<3xbf16>
  return %0, %1, %2, %3, %4, %5, %6
      : tensor<4xi8>, tensor<4xi32>, tensor<4xi64>, tensor<4xui32>, tensor<f64>, tensor<2x1xf16>, tensor<3xbf16>
}

// CHECK-LABEL: func.func @complex_ops
// CHECK: "pb.complex"(%{{.*}}, %{{.*}}) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xcomplex<f32>>
// CHECK: "pb.conj"(%{{.*}}) : (tensor<3xcomplex<f32>>) -> tensor<3xcomplex<f32>>
// CHECK: "pb.real"(%{{.*}}) : (tensor<3xcomplex<f32>>) -> tensor<3xf32>
// CHECK: "pb.imag"(%{{.*}}) : (tensor<3xcomplex<f32>>) -> tensor<3xf32>
// CHECK: "pb.abs"(%{{.*}}) : (tensor<3xcomplex<f32>>) -> tensor<3xf32>
// CHECK: "pb.sign"(%{{.*}}) : (tensor<3xcomplex<f32>>) -> tensor<3xcomplex<f32>>
// CHECK: "pb.exp"(%{{.*}}) : (tensor<3xcomplex<f32>>) -> tensor<3xcomplex<f32>>
// CHECK: "pb.complex"(%{{.*}}, %{{.*}}) : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xcomplex<f64>>
// CHECK: "pb.pow"(%{{.*}}, %{{.*}}) : (tensor<2xcomplex<f64>>, tensor<2xcomplex<f64>>) -> tensor<2xcomplex<f64>>
func.func @complex_ops(%re: tensor<3xf32>, %im: tensor<3xf32>, %d: tensor<2xf64>)
    -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xcomplex<f32>>, tensor<2xcomplex<f64>>) {
  %0 = "pb.complex"(%re, %im) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xcomplex<f32>>
  %1 = "pb.conj"(%0) : (tensor<3xcomplex<f32>>) -> tensor<3xcomplex<f32>>
  %2 = "pb.real"(%1) : (tensor<3xcomplex<f32>>) -> tensor<3xf32>
  %3 = "pb.imag"(%1) : (tensor<3xcomplex<f32>>) -> tensor<3xf32>
  %4 = "pb.abs"(%1) : (tensor<3xcomplex<f32>>) -> tensor<3xf32>
  %5 = "pb.sign"(%1) : (tensor<3xcomplex<f32>>) -> tensor<3xcomplex<f32>>
  %6 = "pb.exp"(%5) : (tensor<3xcomplex<f32>>) -> tensor<3xcomplex<f32>>
  %7 = "pb.complex"(%d, %d) : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xcomplex<f64>>
  %8 = "pb.pow"(%7, %7) : (tensor<2xcomplex<f64>>, tensor<2xcomplex<f64>>) -> tensor<2xcomplex<f64>>
  return %2, %3, %4, %6, %8 : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xcomplex<f32>>, tensor<2xcomplex<f64>>
}

// CHECK-LABEL: func.func @binary
// CHECK: "pb.add"(%{{.*}}, %{{.*}}) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
// CHECK: "pb.sub"(%{{.*}}, %{{.*}}) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
// CHECK: "pb.mul"(%{{.*}}, %{{.*}}) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
// CHECK: "pb.div"(%{{.*}}, %{{.*}}) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
// CHECK: "pb.rem"(%{{.*}}, %{{.*}}) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
// CHECK: "pb.max"(%{{.*}}, %{{.*}}) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
// CHECK: "pb.min"(%{{.*}}, %{{.*}}) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
// CHECK: "pb.pow"(%{{.*}}, %{{.*}}) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
// CHECK: "pb.atan2"(%{{.*}}, %{{.*}}) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
func.func @binary(%a: tensor<2x2xf32>, %b: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %0 = "pb.add"(%a, %b) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %1 = "pb.sub"(%0, %b) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %2 = "pb.mul"(%1, %b) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %3 = "pb.div"(%2, %b) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %4 = "pb.rem"(%3, %b) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %5 = "pb.max"(%4, %b) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %6 = "pb.min"(%5, %b) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %7 = "pb.pow"(%6, %b) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %8 = "pb.atan2"(%7, %b) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %8 : tensor<2x2xf32>
}

// CHECK-LABEL: func.func @binary_integers
// CHECK: "pb.div"(%{{.*}}, %{{.*}}) : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
// CHECK: "pb.rem"(%{{.*}}, %{{.*}}) : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
// CHECK: "pb.pow"(%{{.*}}, %{{.*}}) : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
// CHECK: "pb.div"(%{{.*}}, %{{.*}}) : (tensor<5xui32>, tensor<5xui32>) -> tensor<5xui32>
// CHECK: "pb.max"(%{{.*}}, %{{.*}}) : (tensor<5xui32>, tensor<5xui32>) -> tensor<5xui32>
// CHECK: "pb.min"(%{{.*}}, %{{.*}}) : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
// CHECK: "pb.add"(%{{.*}}, %{{.*}}) : (tensor<i64>, tensor<i64>) -> tensor<i64>
func.func @binary_integers(%a: tensor<5xi32>, %u: tensor<5xui32>, %p: tensor<2xi1>, %s: tensor<i64>)
    -> (tensor<5xi32>, tensor<5xui32>, tensor<2xi1>, tensor<i64>) {
  %0 = "pb.div"(%a, %a) : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
  %1 = "pb.rem"(%0, %a) : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
  %2 = "pb.pow"(%1, %a) : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
  %3 = "pb.div"(%u, %u) : (tensor<5xui32>, tensor<5xui32>) -> tensor<5xui32>
  %4 = "pb.max"(%3, %u) : (tensor<5xui32>, tensor<5xui32>) -> tensor<5xui32>
  %5 = "pb.min"(%p, %p) : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  %6 = "pb.add"(%s, %s) : (tensor<i64>, tensor<i64>) -> tensor<i64>
  return %2, %4, %5, %6 : tensor<5xi32>, tensor<5xui32>, tensor<2xi1>, tensor<i64>
}
