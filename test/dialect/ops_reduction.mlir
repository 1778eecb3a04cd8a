// RUN: pullback-opt %s | pullback-opt | filecheck %s

// Round trip of the reduction family: reduce_*, argmax/argmin, cum*.

// CHECK-LABEL: func.func @reduce_sum
// CHECK: "pb.reduce_sum"(%{{.*}}) {axes = array<i64: 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3xf32>
// CHECK: "pb.reduce_sum"(%{{.*}}) {axes = array<i64>} : (tensor<f64>) -> tensor<f64>
// CHECK: "pb.reduce_sum"(%{{.*}}) {axes = array<i64: 1>} : (tensor<2x3xcomplex<f32>>) -> tensor<2xcomplex<f32>>
// CHECK: "pb.reduce_sum"(%{{.*}}) {axes = array<i64: 0, 1>} : (tensor<2x3xui32>) -> tensor<ui32>
func.func @reduce_sum(%x: tensor<2x3x4xf32>, %s: tensor<f64>, %c: tensor<2x3xcomplex<f32>>,
                      %u: tensor<2x3xui32>) -> (tensor<3xf32>, tensor<f64>, tensor<2xcomplex<f32>>, tensor<ui32>) {
  %0 = "pb.reduce_sum"(%x) {axes = array<i64: 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3xf32>
  %1 = "pb.reduce_sum"(%s) {axes = array<i64>} : (tensor<f64>) -> tensor<f64>
  %2 = "pb.reduce_sum"(%c) {axes = array<i64: 1>} : (tensor<2x3xcomplex<f32>>) -> tensor<2xcomplex<f32>>
  %3 = "pb.reduce_sum"(%u) {axes = array<i64: 0, 1>} : (tensor<2x3xui32>) -> tensor<ui32>
  return %0, %1, %2, %3 : tensor<3xf32>, tensor<f64>, tensor<2xcomplex<f32>>, tensor<ui32>
}

// CHECK-LABEL: func.func @reduce_prod
// CHECK: "pb.reduce_prod"(%{{.*}}) {axes = array<i64: 0>} : (tensor<4x1xi8>) -> tensor<1xi8>
// CHECK: "pb.reduce_prod"(%{{.*}}) {axes = array<i64: 1>} : (tensor<2x3xcomplex<f64>>) -> tensor<2xcomplex<f64>>
func.func @reduce_prod(%x: tensor<4x1xi8>, %c: tensor<2x3xcomplex<f64>>) -> (tensor<1xi8>, tensor<2xcomplex<f64>>) {
  %0 = "pb.reduce_prod"(%x) {axes = array<i64: 0>} : (tensor<4x1xi8>) -> tensor<1xi8>
  %1 = "pb.reduce_prod"(%c) {axes = array<i64: 1>} : (tensor<2x3xcomplex<f64>>) -> tensor<2xcomplex<f64>>
  return %0, %1 : tensor<1xi8>, tensor<2xcomplex<f64>>
}

// CHECK-LABEL: func.func @reduce_max
// CHECK: "pb.reduce_max"(%{{.*}}) {axes = array<i64: 1>} : (tensor<2x3xf16>) -> tensor<2xf16>
// CHECK: "pb.reduce_max"(%{{.*}}) {axes = array<i64: 0, 1>} : (tensor<2x3xi1>) -> tensor<i1>
func.func @reduce_max(%x: tensor<2x3xf16>, %b: tensor<2x3xi1>) -> (tensor<2xf16>, tensor<i1>) {
  %0 = "pb.reduce_max"(%x) {axes = array<i64: 1>} : (tensor<2x3xf16>) -> tensor<2xf16>
  %1 = "pb.reduce_max"(%b) {axes = array<i64: 0, 1>} : (tensor<2x3xi1>) -> tensor<i1>
  return %0, %1 : tensor<2xf16>, tensor<i1>
}

// CHECK-LABEL: func.func @reduce_min
// CHECK: "pb.reduce_min"(%{{.*}}) {axes = array<i64: 2, 1>} : (tensor<5x2x3xui32>) -> tensor<5xui32>
// CHECK: "pb.reduce_min"(%{{.*}}) {axes = array<i64>} : (tensor<2xi64>) -> tensor<2xi64>
func.func @reduce_min(%x: tensor<5x2x3xui32>, %i: tensor<2xi64>) -> (tensor<5xui32>, tensor<2xi64>) {
  %0 = "pb.reduce_min"(%x) {axes = array<i64: 2, 1>} : (tensor<5x2x3xui32>) -> tensor<5xui32>
  %1 = "pb.reduce_min"(%i) {axes = array<i64>} : (tensor<2xi64>) -> tensor<2xi64>
  return %0, %1 : tensor<5xui32>, tensor<2xi64>
}

// CHECK-LABEL: func.func @argmax
// CHECK: "pb.argmax"(%{{.*}}) {axis = 1 : i64, index_dtype = "int32"} : (tensor<2x3x4xf32>) -> tensor<2x4xi32>
// CHECK: "pb.argmax"(%{{.*}}) {axis = 0 : i64, index_dtype = "int64"} : (tensor<7xui32>) -> tensor<i64>
func.func @argmax(%x: tensor<2x3x4xf32>, %u: tensor<7xui32>) -> (tensor<2x4xi32>, tensor<i64>) {
  %0 = "pb.argmax"(%x) {axis = 1 : i64, index_dtype = "int32"} : (tensor<2x3x4xf32>) -> tensor<2x4xi32>
  %1 = "pb.argmax"(%u) {axis = 0 : i64, index_dtype = "int64"} : (tensor<7xui32>) -> tensor<i64>
  return %0, %1 : tensor<2x4xi32>, tensor<i64>
}

// CHECK-LABEL: func.func @argmin
// CHECK: "pb.argmin"(%{{.*}}) {axis = 0 : i64, index_dtype = "int32"} : (tensor<3x2xi1>) -> tensor<2xi32>
func.func @argmin(%b: tensor<3x2xi1>) -> tensor<2xi32> {
  %0 = "pb.argmin"(%b) {axis = 0 : i64, index_dtype = "int32"} : (tensor<3x2xi1>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// CHECK-LABEL: func.func @cumsum
// CHECK: "pb.cumsum"(%{{.*}}) {axis = 1 : i64, reverse = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: "pb.cumsum"(%{{.*}}) {axis = 0 : i64, reverse = 1 : i64} : (tensor<4xcomplex<f64>>) -> tensor<4xcomplex<f64>>
func.func @cumsum(%x: tensor<2x3xf32>, %c: tensor<4xcomplex<f64>>) -> (tensor<2x3xf32>, tensor<4xcomplex<f64>>) {
  %0 = "pb.cumsum"(%x) {axis = 1 : i64, reverse = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = "pb.cumsum"(%c) {axis = 0 : i64, reverse = 1 : i64} : (tensor<4xcomplex<f64>>) -> tensor<4xcomplex<f64>>
  return %0, %1 : tensor<2x3xf32>, tensor<4xcomplex<f64>>
}

// CHECK-LABEL: func.func @cumprod
// CHECK: "pb.cumprod"(%{{.*}}) {axis = 0 : i64, reverse = 0 : i64} : (tensor<3x1xi32>) -> tensor<3x1xi32>
func.func @cumprod(%x: tensor<3x1xi32>) -> tensor<3x1xi32> {
  %0 = "pb.cumprod"(%x) {axis = 0 : i64, reverse = 0 : i64} : (tensor<3x1xi32>) -> tensor<3x1xi32>
  return %0 : tensor<3x1xi32>
}

// CHECK-LABEL: func.func @cummax
// CHECK: "pb.cummax"(%{{.*}}) {axis = 2 : i64, reverse = 1 : i64} : (tensor<1x2x3xf64>) -> tensor<1x2x3xf64>
func.func @cummax(%x: tensor<1x2x3xf64>) -> tensor<1x2x3xf64> {
  %0 = "pb.cummax"(%x) {axis = 2 : i64, reverse = 1 : i64} : (tensor<1x2x3xf64>) -> tensor<1x2x3xf64>
  return %0 : tensor<1x2x3xf64>
}

// CHECK-LABEL: func.func @cummin
// CHECK: "pb.cummin"(%{{.*}}) {axis = 0 : i64, reverse = 0 : i64} : (tensor<5xui32>) -> tensor<5xui32>
func.func @cummin(%x: tensor<5xui32>) -> tensor<5xui32> {
  %0 = "pb.cummin"(%x) {axis = 0 : i64, reverse = 0 : i64} : (tensor<5xui32>) -> tensor<5xui32>
  return %0 : tensor<5xui32>
}
