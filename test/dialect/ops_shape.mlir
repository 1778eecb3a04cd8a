// RUN: pullback-opt %s | pullback-opt | filecheck %s

// Round trip of the shape family (constant, iota and data movement), in
// generic form, over several dtypes and the edge cases the ops allow: 0-d and
// size-0 arrays, size-1 broadcasts, negative pad edges, unsigned start indices.

// CHECK-LABEL: func.func @constant
// CHECK: "pb.constant"() {value = dense<[[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
// CHECK: "pb.constant"() {value = dense<[0, 7, 4294967295]> : tensor<3xui32>} : () -> tensor<3xui32>
// CHECK: "pb.constant"() {value = dense<true> : tensor<i1>} : () -> tensor<i1>
// CHECK: "pb.constant"() {value = dense<1.500000e+00> : tensor<2xbf16>} : () -> tensor<2xbf16>
// CHECK: "pb.constant"() {value = dense<> : tensor<0x3xi8>} : () -> tensor<0x3xi8>
func.func @constant() -> (tensor<2x2xf32>, tensor<3xui32>, tensor<i1>, tensor<2xbf16>, tensor<0x3xi8>) {
  %0 = "pb.constant"() {value = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %1 = "pb.constant"() {value = dense<[0, 7, 4294967295]> : tensor<3xui32>} : () -> tensor<3xui32>
  %2 = "pb.constant"() {value = dense<true> : tensor<i1>} : () -> tensor<i1>
  %3 = "pb.constant"() {value = dense<1.5> : tensor<2xbf16>} : () -> tensor<2xbf16>
  %4 = "pb.constant"() {value = dense<> : tensor<0x3xi8>} : () -> tensor<0x3xi8>
  return %0, %1, %2, %3, %4 : tensor<2x2xf32>, tensor<3xui32>, tensor<i1>, tensor<2xbf16>, tensor<0x3xi8>
}

// CHECK-LABEL: func.func @iota
// CHECK: "pb.iota"() {dimension = 1 : i64, dtype = "int32", shape = array<i64: 2, 3>} : () -> tensor<2x3xi32>
// CHECK: "pb.iota"() {dimension = 0 : i64, dtype = "float16", shape = array<i64: 4>} : () -> tensor<4xf16>
// CHECK: "pb.iota"() {dimension = 0 : i64, dtype = "complex128", shape = array<i64: 2, 0>} : () -> tensor<2x0xcomplex<f64>>
func.func @iota() -> (tensor<2x3xi32>, tensor<4xf16>, tensor<2x0xcomplex<f64>>) {
  %0 = "pb.iota"() {dtype = "int32", shape = array<i64: 2, 3>, dimension = 1 : i64} : () -> tensor<2x3xi32>
  %1 = "pb.iota"() {dtype = "float16", shape = array<i64: 4>, dimension = 0 : i64} : () -> tensor<4xf16>
  %2 = "pb.iota"() {dtype = "complex128", shape = array<i64: 2, 0>, dimension = 0 : i64} : () -> tensor<2x0xcomplex<f64>>
  return %0, %1, %2 : tensor<2x3xi32>, tensor<4xf16>, tensor<2x0xcomplex<f64>>
}

// CHECK-LABEL: func.func @broadcast_in_dim
// CHECK: "pb.broadcast_in_dim"(%{{.*}}) {broadcast_dimensions = array<i64: 1, 2>, shape = array<i64: 2, 3, 4>} : (tensor<3x1xf32>) -> tensor<2x3x4xf32>
// CHECK: "pb.broadcast_in_dim"(%{{.*}}) {broadcast_dimensions = array<i64>, shape = array<i64: 5, 0>} : (tensor<i1>) -> tensor<5x0xi1>
// CHECK: "pb.broadcast_in_dim"(%{{.*}}) {broadcast_dimensions = array<i64: 0>, shape = array<i64: 2, 1>} : (tensor<2xcomplex<f32>>) -> tensor<2x1xcomplex<f32>>
func.func @broadcast_in_dim(%x: tensor<3x1xf32>, %s: tensor<i1>, %c: tensor<2xcomplex<f32>>) -> (tensor<2x3x4xf32>, tensor<5x0xi1>, tensor<2x1xcomplex<f32>>) {
  %0 = "pb.broadcast_in_dim"(%x) {shape = array<i64: 2, 3, 4>, broadcast_dimensions = array<i64: 1, 2>} : (tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %1 = "pb.broadcast_in_dim"(%s) {shape = array<i64: 5, 0>, broadcast_dimensions = array<i64>} : (tensor<i1>) -> tensor<5x0xi1>
  %2 = "pb.broadcast_in_dim"(%c) {shape = array<i64: 2, 1>, broadcast_dimensions = array<i64: 0>} : (tensor<2xcomplex<f32>>) -> tensor<2x1xcomplex<f32>>
  return %0, %1, %2 : tensor<2x3x4xf32>, tensor<5x0xi1>, tensor<2x1xcomplex<f32>>
}

// CHECK-LABEL: func.func @reshape
// CHECK: "pb.reshape"(%{{.*}}) {new_sizes = array<i64: 3, 1, 2>} : (tensor<2x3xi64>) -> tensor<3x1x2xi64>
// CHECK: "pb.reshape"(%{{.*}}) {new_sizes = array<i64: 1, 1>} : (tensor<bf16>) -> tensor<1x1xbf16>
// CHECK: "pb.reshape"(%{{.*}}) {new_sizes = array<i64>} : (tensor<1x1xui32>) -> tensor<ui32>
func.func @reshape(%x: tensor<2x3xi64>, %s: tensor<bf16>, %u: tensor<1x1xui32>) -> (tensor<3x1x2xi64>, tensor<1x1xbf16>, tensor<ui32>) {
  %0 = "pb.reshape"(%x) {new_sizes = array<i64: 3, 1, 2>} : (tensor<2x3xi64>) -> tensor<3x1x2xi64>
  %1 = "pb.reshape"(%s) {new_sizes = array<i64: 1, 1>} : (tensor<bf16>) -> tensor<1x1xbf16>
  %2 = "pb.reshape"(%u) {new_sizes = array<i64>} : (tensor<1x1xui32>) -> tensor<ui32>
  return %0, %1, %2 : tensor<3x1x2xi64>, tensor<1x1xbf16>, tensor<ui32>
}

// CHECK-LABEL: func.func @transpose
// CHECK: "pb.transpose"(%{{.*}}) {permutation = array<i64: 2, 0, 1>} : (tensor<2x3x4xf64>) -> tensor<4x2x3xf64>
// CHECK: "pb.transpose"(%{{.*}}) {permutation = array<i64>} : (tensor<i8>) -> tensor<i8>
func.func @transpose(%x: tensor<2x3x4xf64>, %s: tensor<i8>) -> (tensor<4x2x3xf64>, tensor<i8>) {
  %0 = "pb.transpose"(%x) {permutation = array<i64: 2, 0, 1>} : (tensor<2x3x4xf64>) -> tensor<4x2x3xf64>
  %1 = "pb.transpose"(%s) {permutation = array<i64>} : (tensor<i8>) -> tensor<i8>
  return %0, %1 : tensor<4x2x3xf64>, tensor<i8>
}

// CHECK-LABEL: func.func @rev
// CHECK: "pb.rev"(%{{.*}}) {dimensions = array<i64: 1, 0>} : (tensor<2x3xcomplex<f64>>) -> tensor<2x3xcomplex<f64>>
// CHECK: "pb.rev"(%{{.*}}) {dimensions = array<i64>} : (tensor<4xi1>) -> tensor<4xi1>
func.func @rev(%x: tensor<2x3xcomplex<f64>>, %b: tensor<4xi1>) -> (tensor<2x3xcomplex<f64>>, tensor<4xi1>) {
  %0 = "pb.rev"(%x) {dimensions = array<i64: 1, 0>} : (tensor<2x3xcomplex<f64>>) -> tensor<2x3xcomplex<f64>>
  %1 = "pb.rev"(%b) {dimensions = array<i64>} : (tensor<4xi1>) -> tensor<4xi1>
  return %0, %1 : tensor<2x3xcomplex<f64>>, tensor<4xi1>
}

// CHECK-LABEL: func.func @slice
// CHECK: "pb.slice"(%{{.*}}) {limit_indices = array<i64: 4, 5>, start_indices = array<i64: 1, 0>, strides = array<i64: 2, 3>} : (tensor<5x7xf32>) -> tensor<2x2xf32>
// CHECK: "pb.slice"(%{{.*}}) {limit_indices = array<i64: 3>, start_indices = array<i64: 3>, strides = array<i64: 1>} : (tensor<3xui32>) -> tensor<0xui32>
func.func @slice(%x: tensor<5x7xf32>, %u: tensor<3xui32>) -> (tensor<2x2xf32>, tensor<0xui32>) {
  %0 = "pb.slice"(%x) {start_indices = array<i64: 1, 0>, limit_indices = array<i64: 4, 5>, strides = array<i64: 2, 3>} : (tensor<5x7xf32>) -> tensor<2x2xf32>
  %1 = "pb.slice"(%u) {start_indices = array<i64: 3>, limit_indices = array<i64: 3>, strides = array<i64: 1>} : (tensor<3xui32>) -> tensor<0xui32>
  return %0, %1 : tensor<2x2xf32>, tensor<0xui32>
}

// CHECK-LABEL: func.func @dynamic_slice
// CHECK: "pb.dynamic_slice"(%{{.*}}, %{{.*}}, %{{.*}}) {slice_sizes = array<i64: 2, 5>} : (tensor<4x5xf16>, tensor<i32>, tensor<i32>) -> tensor<2x5xf16>
// CHECK: "pb.dynamic_slice"(%{{.*}}) {slice_sizes = array<i64>} : (tensor<i64>) -> tensor<i64>
func.func @dynamic_slice(%x: tensor<4x5xf16>, %i: tensor<i32>, %j: tensor<i32>, %u: tensor<ui32>, %s: tensor<i64>) -> (tensor<2x5xf16>, tensor<i64>) {
  %0 = "pb.dynamic_slice"(%x, %i, %j) {slice_sizes = array<i64: 2, 5>} : (tensor<4x5xf16>, tensor<i32>, tensor<i32>) -> tensor<2x5xf16>
  %1 = "pb.dynamic_slice"(%s) {slice_sizes = array<i64>} : (tensor<i64>) -> tensor<i64>
  return %0, %1 : tensor<2x5xf16>, tensor<i64>
}

// CHECK-LABEL: func.func @dynamic_update_slice
// CHECK: "pb.dynamic_update_slice"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (tensor<4x5xi8>, tensor<2x1xi8>, tensor<ui32>, tensor<ui32>) -> tensor<4x5xi8>
func.func @dynamic_update_slice(%x: tensor<4x5xi8>, %v: tensor<2x1xi8>, %i: tensor<ui32>, %j: tensor<ui32>) -> tensor<4x5xi8> {
  %0 = "pb.dynamic_update_slice"(%x, %v, %i, %j) : (tensor<4x5xi8>, tensor<2x1xi8>, tensor<ui32>, tensor<ui32>) -> tensor<4x5xi8>
  return %0 : tensor<4x5xi8>
}

// CHECK-LABEL: func.func @concatenate
// CHECK: "pb.concatenate"(%{{.*}}, %{{.*}}) {dimension = 1 : i64} : (tensor<2x3xf32>, tensor<2x6xf32>) -> tensor<2x9xf32>
// CHECK: "pb.concatenate"(%{{.*}}, %{{.*}}) {dimension = 0 : i64} : (tensor<2xcomplex<f32>>, tensor<2xcomplex<f32>>) -> tensor<4xcomplex<f32>>
func.func @concatenate(%a: tensor<2x3xf32>, %b: tensor<2x6xf32>, %c: tensor<2xcomplex<f32>>) -> (tensor<2x9xf32>, tensor<4xcomplex<f32>>) {
  %0 = "pb.concatenate"(%a, %b) {dimension = 1 : i64} : (tensor<2x3xf32>, tensor<2x6xf32>) -> tensor<2x9xf32>
  %1 = "pb.concatenate"(%c, %c) {dimension = 0 : i64} : (tensor<2xcomplex<f32>>, tensor<2xcomplex<f32>>) -> tensor<4xcomplex<f32>>
  return %0, %1 : tensor<2x9xf32>, tensor<4xcomplex<f32>>
}

// CHECK-LABEL: func.func @pad
// CHECK: "pb.pad"(%{{.*}}, %{{.*}}) {high = array<i64: -1, 2>, interior = array<i64: 1, 1>, low = array<i64: 1, -1>} : (tensor<2x3xf32>, tensor<f32>) -> tensor<3x6xf32>
// CHECK: "pb.pad"(%{{.*}}, %{{.*}}) {high = array<i64>, interior = array<i64>, low = array<i64>} : (tensor<bf16>, tensor<bf16>) -> tensor<bf16>
func.func @pad(%x: tensor<2x3xf32>, %p: tensor<f32>, %s: tensor<bf16>, %q: tensor<bf16>) -> (tensor<3x6xf32>, tensor<bf16>) {
  %0 = "pb.pad"(%x, %p) {low = array<i64: 1, -1>, high = array<i64: -1, 2>, interior = array<i64: 1, 1>} : (tensor<2x3xf32>, tensor<f32>) -> tensor<3x6xf32>
  %1 = "pb.pad"(%s, %q) {low = array<i64>, high = array<i64>, interior = array<i64>} : (tensor<bf16>, tensor<bf16>) -> tensor<bf16>
  return %0, %1 : tensor<3x6xf32>, tensor<bf16>
}
