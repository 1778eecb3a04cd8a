// RUN: pullback-opt %s --split-input-file --verify-diagnostics

// One case per constraint of the elementwise family. Operand counts, operand
// and result kinds, attribute presence and same-type groups are checked by the
// generated IRDL; dtypes, enums and inferred result types by pullback's verifier.

func.func @wrong_operand_count(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{expects exactly 2 operands, but got 1}}
  %0 = "pb.add"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @too_many_operands(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{expects exactly 1 operands, but got 2}}
  %0 = "pb.exp"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @wrong_result_count(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{expects exactly 1 results, but got 2}}
  %0, %1 = "pb.exp"(%a) : (tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>)
  return %0 : tensor<2xf32>
}

// -----

func.func @mismatched_shapes(%a: tensor<2xf32>, %b: tensor<3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{expected 'tensor<2xf32>' but got 'tensor<3xf32>'}}
  %0 = "pb.add"(%a, %b) : (tensor<2xf32>, tensor<3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @mismatched_dtypes(%a: tensor<2xf32>, %b: tensor<2xf64>) -> tensor<2xf32> {
  // expected-error @+1 {{expected 'tensor<2xf32>' but got 'tensor<2xf64>'}}
  %0 = "pb.mul"(%a, %b) : (tensor<2xf32>, tensor<2xf64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @disallowed_dtype(%a: tensor<2xi32>) -> tensor<2xi32> {
  // expected-error @+1 {{pb.floor does not accept operand of dtype int32}}
  %0 = "pb.floor"(%a) : (tensor<2xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @disallowed_dtype_bool(%a: tensor<2xi1>) -> tensor<2xi1> {
  // expected-error @+1 {{pb.add does not accept operand of dtype bool}}
  %0 = "pb.add"(%a, %a) : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  return %0 : tensor<2xi1>
}

// -----

func.func @disallowed_dtype_unsigned(%a: tensor<2xui32>) -> tensor<2xui32> {
  // expected-error @+1 {{pb.abs does not accept operand of dtype uint32}}
  %0 = "pb.abs"(%a) : (tensor<2xui32>) -> tensor<2xui32>
  return %0 : tensor<2xui32>
}

// -----

func.func @complex_of_half(%a: tensor<2xf16>) -> tensor<2xcomplex<f32>> {
  // expected-error @+1 {{pb.complex does not accept operand of dtype float16}}
  %0 = "pb.complex"(%a, %a) : (tensor<2xf16>, tensor<2xf16>) -> tensor<2xcomplex<f32>>
  return %0 : tensor<2xcomplex<f32>>
}

// -----

func.func @unsupported_element_type(%a: tensor<2xi4>) -> tensor<2xi4> {
  // expected-error @+1 {{element type i4 is not supported by the pb dialect}}
  %0 = "pb.exp"(%a) : (tensor<2xi4>) -> tensor<2xi4>
  return %0 : tensor<2xi4>
}

// -----

func.func @encoded(%a: tensor<2xf32, "sparse">) -> tensor<2xf32, "sparse"> {
  // expected-error @+1 {{expected a tensor without an encoding, got tensor<2xf32, "sparse">}}
  %0 = "pb.exp"(%a) : (tensor<2xf32, "sparse">) -> tensor<2xf32, "sparse">
  return %0 : tensor<2xf32, "sparse">
}

// -----

func.func @dynamic_shape(%a: tensor<?xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{expected a static shape}}
  %0 = "pb.exp"(%a) : (tensor<?xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @not_a_tensor(%a: f32) -> f32 {
  // expected-error @+1 {{expected base type 'builtin.tensor' but got 'builtin.f32'}}
  %0 = "pb.exp"(%a) : (f32) -> f32
  return %0 : f32
}

// -----

func.func @bad_enum(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{pb.round attribute 'rounding_method' must be one of ['AWAY_FROM_ZERO', 'TO_NEAREST_EVEN'], got 'UP'}}
  %0 = "pb.round"(%a) {rounding_method = "UP"} : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @missing_attribute(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{attribute "y" is expected but not provided}}
  %0 = "pb.integer_pow"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @attribute_of_wrong_kind(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{expected base attribute 'builtin.integer' but got 'builtin.string'}}
  %0 = "pb.integer_pow"(%a) {y = "two"} : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @negative_integer_power(%a: tensor<2xi32>) -> tensor<2xi32> {
  // expected-error @+1 {{pb.integer_pow of an integer needs a non-negative exponent}}
  %0 = "pb.integer_pow"(%a) {y = -1} : (tensor<2xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @wrong_result_type_same_group(%a: tensor<2xf32>) -> tensor<2xf64> {
  // expected-error @+1 {{expected 'tensor<2xf32>' but got 'tensor<2xf64>'}}
  %0 = "pb.exp"(%a) : (tensor<2xf32>) -> tensor<2xf64>
  return %0 : tensor<2xf64>
}

// -----

func.func @wrong_result_type_inferred(%a: tensor<2xcomplex<f32>>) -> tensor<2xcomplex<f32>> {
  // expected-error @+1 {{inferred result type tensor<2xf32> does not match tensor<2xcomplex<f32>>}}
  %0 = "pb.abs"(%a) : (tensor<2xcomplex<f32>>) -> tensor<2xcomplex<f32>>
  return %0 : tensor<2xcomplex<f32>>
}

// -----

func.func @wrong_result_shape(%re: tensor<2xf32>) -> tensor<3xcomplex<f32>> {
  // expected-error @+1 {{inferred result type tensor<2xcomplex<f32>> does not match tensor<3xcomplex<f32>>}}
  %0 = "pb.complex"(%re, %re) : (tensor<2xf32>, tensor<2xf32>) -> tensor<3xcomplex<f32>>
  return %0 : tensor<3xcomplex<f32>>
}

// -----

func.func @unknown_op(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{unregistered operation 'pb.frobnicate' found in dialect ('pb')}}
  %0 = "pb.frobnicate"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @custom_syntax(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{custom assembly format is not supported for 'pb.add'}}
  %0 = pb.add %a, %a : tensor<2xf32>
  return %0 : tensor<2xf32>
}
