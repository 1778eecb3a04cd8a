// RUN: pullback-opt %s --split-input-file --verify-diagnostics

// One case per constraint of the reduction family.

func.func @reduce_axes_duplicate(%x: tensor<2x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{pb.reduce_sum axes [0, 0] contain duplicates}}
  %0 = "pb.reduce_sum"(%x) {axes = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @reduce_axis_out_of_range(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{pb.reduce_max axes [2] are out of range for an operand of rank 2}}
  %0 = "pb.reduce_max"(%x) {axes = array<i64: 2>} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @reduce_axis_negative(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{pb.reduce_min axes [-1] are out of range for an operand of rank 2}}
  %0 = "pb.reduce_min"(%x) {axes = array<i64: -1>} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @reduce_scalar_axis(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{pb.reduce_prod axes [0] are out of range for an operand of rank 0}}
  %0 = "pb.reduce_prod"(%x) {axes = array<i64: 0>} : (tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @reduce_sum_bool(%x: tensor<2xi1>) -> tensor<i1> {
  // expected-error @+1 {{pb.reduce_sum does not accept operand of dtype bool}}
  %0 = "pb.reduce_sum"(%x) {axes = array<i64: 0>} : (tensor<2xi1>) -> tensor<i1>
  return %0 : tensor<i1>
}

// -----

func.func @reduce_max_complex(%x: tensor<2xcomplex<f32>>) -> tensor<complex<f32>> {
  // expected-error @+1 {{pb.reduce_max does not accept operand of dtype complex64}}
  %0 = "pb.reduce_max"(%x) {axes = array<i64: 0>} : (tensor<2xcomplex<f32>>) -> tensor<complex<f32>>
  return %0 : tensor<complex<f32>>
}

// -----

func.func @reduce_wrong_result(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{inferred result type tensor<3xf32> does not match tensor<2xf32>}}
  %0 = "pb.reduce_sum"(%x) {axes = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @reduce_missing_axes(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{attribute "axes" is expected but not provided}}
  %0 = "pb.reduce_sum"(%x) : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @reduce_axes_not_array(%x: tensor<2x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{expected base attribute 'builtin.dense_array' but got 'builtin.integer'}}
  %0 = "pb.reduce_sum"(%x) {axes = 0 : i64} : (tensor<2x3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @argmax_axis_out_of_range(%x: tensor<2x3xf32>) -> tensor<2xi32> {
  // expected-error @+1 {{pb.argmax axis 2 is out of range for an operand of rank 2}}
  %0 = "pb.argmax"(%x) {axis = 2 : i64, index_dtype = "int32"} : (tensor<2x3xf32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @argmin_empty_axis(%x: tensor<2x0xf32>) -> tensor<2xi32> {
  // expected-error @+1 {{pb.argmin needs a non-empty axis 1, got shape [2, 0]}}
  %0 = "pb.argmin"(%x) {axis = 1 : i64, index_dtype = "int32"} : (tensor<2x0xf32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @argmax_index_dtype(%x: tensor<2x3xf32>) -> tensor<2xi8> {
  // expected-error @+1 {{pb.argmax attribute 'index_dtype' must be one of ['int32', 'int64'], got 'int8'}}
  %0 = "pb.argmax"(%x) {axis = 1 : i64, index_dtype = "int8"} : (tensor<2x3xf32>) -> tensor<2xi8>
  return %0 : tensor<2xi8>
}

// -----

func.func @argmax_complex(%x: tensor<3xcomplex<f64>>) -> tensor<i32> {
  // expected-error @+1 {{pb.argmax does not accept operand of dtype complex128}}
  %0 = "pb.argmax"(%x) {axis = 0 : i64, index_dtype = "int32"} : (tensor<3xcomplex<f64>>) -> tensor<i32>
  return %0 : tensor<i32>
}

// -----

func.func @argmax_wrong_index_type(%x: tensor<2x3xf32>) -> tensor<2xi64> {
  // expected-error @+1 {{inferred result type tensor<2xi32> does not match tensor<2xi64>}}
  %0 = "pb.argmax"(%x) {axis = 1 : i64, index_dtype = "int32"} : (tensor<2x3xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @cumsum_axis_out_of_range(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{pb.cumsum axis 2 is out of range for an operand of rank 2}}
  %0 = "pb.cumsum"(%x) {axis = 2 : i64, reverse = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @cumsum_scalar(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{pb.cumprod axis 0 is out of range for an operand of rank 0}}
  %0 = "pb.cumprod"(%x) {axis = 0 : i64, reverse = 0 : i64} : (tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @cumsum_reverse(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{pb.cumsum attribute 'reverse' must be 0 or 1, got 2}}
  %0 = "pb.cumsum"(%x) {axis = 0 : i64, reverse = 2 : i64} : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @cummax_complex(%x: tensor<3xcomplex<f32>>) -> tensor<3xcomplex<f32>> {
  // expected-error @+1 {{pb.cummax does not accept operand of dtype complex64}}
  %0 = "pb.cummax"(%x) {axis = 0 : i64, reverse = 0 : i64} : (tensor<3xcomplex<f32>>) -> tensor<3xcomplex<f32>>
  return %0 : tensor<3xcomplex<f32>>
}

// -----

func.func @cummin_result_type(%x: tensor<3xf32>) -> tensor<3xf64> {
  // expected-error @+1 {{expected 'tensor<3xf32>' but got 'tensor<3xf64>'}}
  %0 = "pb.cummin"(%x) {axis = 0 : i64, reverse = 0 : i64} : (tensor<3xf32>) -> tensor<3xf64>
  return %0 : tensor<3xf64>
}
