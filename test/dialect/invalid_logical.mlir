// RUN: pullback-opt %s --split-input-file --verify-diagnostics

// One case per constraint of the logical family.

func.func @compare_complex_ordered(%a: tensor<2xcomplex<f32>>) -> tensor<2xi1> {
  // expected-error @+1 {{pb.compare direction LT is not defined for complex64 operands}}
  %0 = "pb.compare"(%a, %a) {direction = "LT"} : (tensor<2xcomplex<f32>>, tensor<2xcomplex<f32>>) -> tensor<2xi1>
  return %0 : tensor<2xi1>
}

// -----

func.func @compare_bad_direction(%a: tensor<2xf32>) -> tensor<2xi1> {
  // expected-error @+1 {{pb.compare attribute 'direction' must be one of ['EQ', 'GE', 'GT', 'LE', 'LT', 'NE'], got 'LTE'}}
  %0 = "pb.compare"(%a, %a) {direction = "LTE"} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xi1>
  return %0 : tensor<2xi1>
}

// -----

func.func @compare_missing_direction(%a: tensor<2xf32>) -> tensor<2xi1> {
  // expected-error @+1 {{attribute "direction" is expected but not provided}}
  %0 = "pb.compare"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xi1>
  return %0 : tensor<2xi1>
}

// -----

func.func @compare_direction_not_string(%a: tensor<2xf32>) -> tensor<2xi1> {
  // expected-error @+1 {{expected base attribute 'builtin.string' but got 'builtin.integer'}}
  %0 = "pb.compare"(%a, %a) {direction = 1 : i64} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xi1>
  return %0 : tensor<2xi1>
}

// -----

func.func @compare_mixed_dtypes(%a: tensor<2xf32>, %b: tensor<2xf64>) -> tensor<2xi1> {
  // expected-error @+1 {{expected 'tensor<2xf32>' but got 'tensor<2xf64>'}}
  %0 = "pb.compare"(%a, %b) {direction = "EQ"} : (tensor<2xf32>, tensor<2xf64>) -> tensor<2xi1>
  return %0 : tensor<2xi1>
}

// -----

func.func @compare_result_not_bool(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{inferred result type tensor<2xi1> does not match tensor<2xf32>}}
  %0 = "pb.compare"(%a, %a) {direction = "EQ"} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @select_pred_not_bool(%p: tensor<2xi32>, %a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{pb.select predicate must be bool, got int32}}
  %0 = "pb.select"(%p, %a, %a) : (tensor<2xi32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @select_pred_shape(%p: tensor<3xi1>, %a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{pb.select predicate shape [3] does not match the operand shape [2]}}
  %0 = "pb.select"(%p, %a, %a) : (tensor<3xi1>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @select_branches_differ(%p: tensor<2xi1>, %a: tensor<2xf32>, %b: tensor<2xi32>) -> tensor<2xf32> {
  // expected-error @+1 {{expected 'tensor<2xf32>' but got 'tensor<2xi32>'}}
  %0 = "pb.select"(%p, %a, %b) : (tensor<2xi1>, tensor<2xf32>, tensor<2xi32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @and_float(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{pb.and does not accept operand of dtype float32}}
  %0 = "pb.and"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @xor_complex(%a: tensor<2xcomplex<f32>>) -> tensor<2xcomplex<f32>> {
  // expected-error @+1 {{pb.xor does not accept operand of dtype complex64}}
  %0 = "pb.xor"(%a, %a) : (tensor<2xcomplex<f32>>, tensor<2xcomplex<f32>>) -> tensor<2xcomplex<f32>>
  return %0 : tensor<2xcomplex<f32>>
}

// -----

func.func @not_float(%a: tensor<2xf64>) -> tensor<2xf64> {
  // expected-error @+1 {{pb.not does not accept operand of dtype float64}}
  %0 = "pb.not"(%a) : (tensor<2xf64>) -> tensor<2xf64>
  return %0 : tensor<2xf64>
}

// -----

func.func @or_result_type(%a: tensor<2xi32>) -> tensor<2xi64> {
  // expected-error @+1 {{expected 'tensor<2xi32>' but got 'tensor<2xi64>'}}
  %0 = "pb.or"(%a, %a) : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @population_count_float(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{pb.population_count does not accept operand of dtype float32}}
  %0 = "pb.population_count"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @clz_bool(%a: tensor<2xi1>) -> tensor<2xi1> {
  // expected-error @+1 {{pb.clz does not accept operand of dtype bool}}
  %0 = "pb.clz"(%a) : (tensor<2xi1>) -> tensor<2xi1>
  return %0 : tensor<2xi1>
}

// -----

func.func @shift_left_bool(%a: tensor<2xi1>) -> tensor<2xi1> {
  // expected-error @+1 {{pb.shift_left does not accept operand of dtype bool}}
  %0 = "pb.shift_left"(%a, %a) : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  return %0 : tensor<2xi1>
}

// -----

func.func @shift_right_logical_float(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{pb.shift_right_logical does not accept operand of dtype float32}}
  %0 = "pb.shift_right_logical"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @shift_amount_dtype(%a: tensor<2xi32>, %b: tensor<2xi8>) -> tensor<2xi32> {
  // expected-error @+1 {{expected 'tensor<2xi32>' but got 'tensor<2xi8>'}}
  %0 = "pb.shift_right_arithmetic"(%a, %b) : (tensor<2xi32>, tensor<2xi8>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @convert_unknown_dtype(%a: tensor<2xf32>) -> tensor<2xi32> {
  // expected-error @+1 {{pb.convert_element_type attribute 'new_dtype' must be one of ['bfloat16', 'bool', 'complex128', 'complex64', 'float16', 'float32', 'float64', 'int16', 'int32', 'int64', 'int8', 'uint16', 'uint32', 'uint64', 'uint8'], got 'int4'}}
  %0 = "pb.convert_element_type"(%a) {new_dtype = "int4"} : (tensor<2xf32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @convert_result_mismatch(%a: tensor<2xf32>) -> tensor<2xi64> {
  // expected-error @+1 {{inferred result type tensor<2xi32> does not match tensor<2xi64>}}
  %0 = "pb.convert_element_type"(%a) {new_dtype = "int32"} : (tensor<2xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @convert_missing_dtype(%a: tensor<2xf32>) -> tensor<2xi32> {
  // expected-error @+1 {{attribute "new_dtype" is expected but not provided}}
  %0 = "pb.convert_element_type"(%a) : (tensor<2xf32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @bitcast_width(%a: tensor<2xi32>) -> tensor<2xf64> {
  // expected-error @+1 {{pb.bitcast needs equal bit widths, got int32 (32 bits) and float64 (64 bits)}}
  %0 = "pb.bitcast"(%a) {new_dtype = "float64"} : (tensor<2xi32>) -> tensor<2xf64>
  return %0 : tensor<2xf64>
}

// -----

func.func @bitcast_complex_operand(%a: tensor<2xcomplex<f32>>) -> tensor<2xi64> {
  // expected-error @+1 {{pb.bitcast does not accept operand of dtype complex64}}
  %0 = "pb.bitcast"(%a) {new_dtype = "int64"} : (tensor<2xcomplex<f32>>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @bitcast_to_bool(%a: tensor<2xi8>) -> tensor<2xi1> {
  // expected-error @+1 {{pb.bitcast cannot produce dtype bool}}
  %0 = "pb.bitcast"(%a) {new_dtype = "bool"} : (tensor<2xi8>) -> tensor<2xi1>
  return %0 : tensor<2xi1>
}

// -----

func.func @bitcast_shape(%a: tensor<2xf32>) -> tensor<4xui32> {
  // expected-error @+1 {{inferred result type tensor<2xui32> does not match tensor<4xui32>}}
  %0 = "pb.bitcast"(%a) {new_dtype = "uint32"} : (tensor<2xf32>) -> tensor<4xui32>
  return %0 : tensor<4xui32>
}
