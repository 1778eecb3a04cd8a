// RUN: pullback-opt %s | pullback-opt | filecheck %s

// Round trip of the logical family: compare, select, bitwise ops, shifts,
// convert_element_type and bitcast.

// CHECK-LABEL: func.func @compare
// CHECK: "pb.compare"(%{{.*}}, %{{.*}}) {direction = "LT"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
// CHECK: "pb.compare"(%{{.*}}, %{{.*}}) {direction = "GE"} : (tensor<4xui32>, tensor<4xui32>) -> tensor<4xi1>
// CHECK: "pb.compare"(%{{.*}}, %{{.*}}) {direction = "NE"} : (tensor<complex<f64>>, tensor<complex<f64>>) -> tensor<i1>
// CHECK: "pb.compare"(%{{.*}}, %{{.*}}) {direction = "EQ"} : (tensor<2xbf16>, tensor<2xbf16>) -> tensor<2xi1>
func.func @compare(%a: tensor<2x3xf32>, %u: tensor<4xui32>, %c: tensor<complex<f64>>, %h: tensor<2xbf16>)
    -> (tensor<2x3xi1>, tensor<4xi1>, tensor<i1>, tensor<2xi1>) {
  %0 = "pb.compare"(%a, %a) {direction = "LT"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  %1 = "pb.compare"(%u, %u) {direction = "GE"} : (tensor<4xui32>, tensor<4xui32>) -> tensor<4xi1>
  %2 = "pb.compare"(%c, %c) {direction = "NE"} : (tensor<complex<f64>>, tensor<complex<f64>>) -> tensor<i1>
  %3 = "pb.compare"(%h, %h) {direction = "EQ"} : (tensor<2xbf16>, tensor<2xbf16>) -> tensor<2xi1>
  return %0, %1, %2, %3 : tensor<2x3xi1>, tensor<4xi1>, tensor<i1>, tensor<2xi1>
}

// CHECK-LABEL: func.func @select
// CHECK: "pb.select"(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: "pb.select"(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<i1>, tensor<complex<f32>>, tensor<complex<f32>>) -> tensor<complex<f32>>
func.func @select(%p: tensor<2x3xi1>, %x: tensor<2x3xf32>, %q: tensor<i1>, %c: tensor<complex<f32>>)
    -> (tensor<2x3xf32>, tensor<complex<f32>>) {
  %0 = "pb.select"(%p, %x, %x) : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = "pb.select"(%q, %c, %c) : (tensor<i1>, tensor<complex<f32>>, tensor<complex<f32>>) -> tensor<complex<f32>>
  return %0, %1 : tensor<2x3xf32>, tensor<complex<f32>>
}

// CHECK-LABEL: func.func @bitwise
// CHECK: "pb.and"(%{{.*}}, %{{.*}}) : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
// CHECK: "pb.or"(%{{.*}}, %{{.*}}) : (tensor<2x2xi32>, tensor<2x2xi32>) -> tensor<2x2xi32>
// CHECK: "pb.xor"(%{{.*}}, %{{.*}}) : (tensor<5xui32>, tensor<5xui32>) -> tensor<5xui32>
// CHECK: "pb.not"(%{{.*}}) : (tensor<3xi1>) -> tensor<3xi1>
// CHECK: "pb.not"(%{{.*}}) : (tensor<i8>) -> tensor<i8>
func.func @bitwise(%b: tensor<3xi1>, %i: tensor<2x2xi32>, %u: tensor<5xui32>, %s: tensor<i8>)
    -> (tensor<3xi1>, tensor<2x2xi32>, tensor<5xui32>, tensor<3xi1>, tensor<i8>) {
  %0 = "pb.and"(%b, %b) : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  %1 = "pb.or"(%i, %i) : (tensor<2x2xi32>, tensor<2x2xi32>) -> tensor<2x2xi32>
  %2 = "pb.xor"(%u, %u) : (tensor<5xui32>, tensor<5xui32>) -> tensor<5xui32>
  %3 = "pb.not"(%b) : (tensor<3xi1>) -> tensor<3xi1>
  %4 = "pb.not"(%s) : (tensor<i8>) -> tensor<i8>
  return %0, %1, %2, %3, %4 : tensor<3xi1>, tensor<2x2xi32>, tensor<5xui32>, tensor<3xi1>, tensor<i8>
}

// CHECK-LABEL: func.func @shifts
// CHECK: "pb.shift_left"(%{{.*}}, %{{.*}}) : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
// CHECK: "pb.shift_right_arithmetic"(%{{.*}}, %{{.*}}) : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
// CHECK: "pb.shift_right_logical"(%{{.*}}, %{{.*}}) : (tensor<2xui32>, tensor<2xui32>) -> tensor<2xui32>
func.func @shifts(%x: tensor<4xi64>, %u: tensor<2xui32>) -> (tensor<4xi64>, tensor<4xi64>, tensor<2xui32>) {
  %0 = "pb.shift_left"(%x, %x) : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %1 = "pb.shift_right_arithmetic"(%x, %x) : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %2 = "pb.shift_right_logical"(%u, %u) : (tensor<2xui32>, tensor<2xui32>) -> tensor<2xui32>
  return %0, %1, %2 : tensor<4xi64>, tensor<4xi64>, tensor<2xui32>
}

// CHECK-LABEL: func.func @bit_counts
// CHECK: "pb.population_count"(%{{.*}}) : (tensor<4xi32>) -> tensor<4xi32>
// CHECK: "pb.clz"(%{{.*}}) : (tensor<2xui8>) -> tensor<2xui8>
func.func @bit_counts(%x: tensor<4xi32>, %u: tensor<2xui8>) -> (tensor<4xi32>, tensor<2xui8>) {
  %0 = "pb.population_count"(%x) : (tensor<4xi32>) -> tensor<4xi32>
  %1 = "pb.clz"(%u) : (tensor<2xui8>) -> tensor<2xui8>
  return %0, %1 : tensor<4xi32>, tensor<2xui8>
}

// CHECK-LABEL: func.func @convert_element_type
// CHECK: "pb.convert_element_type"(%{{.*}}) {new_dtype = "int32"} : (tensor<2x3xf32>) -> tensor<2x3xi32>
// CHECK: "pb.convert_element_type"(%{{.*}}) {new_dtype = "bfloat16"} : (tensor<2x3xf32>) -> tensor<2x3xbf16>
// CHECK: "pb.convert_element_type"(%{{.*}}) {new_dtype = "complex128"} : (tensor<i1>) -> tensor<complex<f64>>
// CHECK: "pb.convert_element_type"(%{{.*}}) {new_dtype = "float16"} : (tensor<3xcomplex<f32>>) -> tensor<3xf16>
// CHECK: "pb.convert_element_type"(%{{.*}}) {new_dtype = "bool"} : (tensor<3xui32>) -> tensor<3xi1>
func.func @convert_element_type(%x: tensor<2x3xf32>, %b: tensor<i1>, %c: tensor<3xcomplex<f32>>, %u: tensor<3xui32>)
    -> (tensor<2x3xi32>, tensor<2x3xbf16>, tensor<complex<f64>>, tensor<3xf16>, tensor<3xi1>) {
  %0 = "pb.convert_element_type"(%x) {new_dtype = "int32"} : (tensor<2x3xf32>) -> tensor<2x3xi32>
  %1 = "pb.convert_element_type"(%x) {new_dtype = "bfloat16"} : (tensor<2x3xf32>) -> tensor<2x3xbf16>
  %2 = "pb.convert_element_type"(%b) {new_dtype = "complex128"} : (tensor<i1>) -> tensor<complex<f64>>
  %3 = "pb.convert_element_type"(%c) {new_dtype = "float16"} : (tensor<3xcomplex<f32>>) -> tensor<3xf16>
  %4 = "pb.convert_element_type"(%u) {new_dtype = "bool"} : (tensor<3xui32>) -> tensor<3xi1>
  return %0, %1, %2, %3, %4 : tensor<2x3xi32>, tensor<2x3xbf16>, tensor<complex<f64>>, tensor<3xf16>, tensor<3xi1>
}

// CHECK-LABEL: func.func @bitcast
// CHECK: "pb.bitcast"(%{{.*}}) {new_dtype = "uint32"} : (tensor<2xf32>) -> tensor<2xui32>
// CHECK: "pb.bitcast"(%{{.*}}) {new_dtype = "float64"} : (tensor<i64>) -> tensor<f64>
// CHECK: "pb.bitcast"(%{{.*}}) {new_dtype = "bfloat16"} : (tensor<4xf16>) -> tensor<4xbf16>
func.func @bitcast(%x: tensor<2xf32>, %i: tensor<i64>, %h: tensor<4xf16>)
    -> (tensor<2xui32>, tensor<f64>, tensor<4xbf16>) {
  %0 = "pb.bitcast"(%x) {new_dtype = "uint32"} : (tensor<2xf32>) -> tensor<2xui32>
  %1 = "pb.bitcast"(%i) {new_dtype = "float64"} : (tensor<i64>) -> tensor<f64>
  %2 = "pb.bitcast"(%h) {new_dtype = "bfloat16"} : (tensor<4xf16>) -> tensor<4xbf16>
  return %0, %1, %2 : tensor<2xui32>, tensor<f64>, tensor<4xbf16>
}
