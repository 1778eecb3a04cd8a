// RUN: pullback-opt %s --split-input-file --verify-diagnostics

// One case per constraint of the incomplete gamma/beta and scaled Bessel ops.

func.func @integer_igamma(%a: tensor<3xi32>, %x: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{pb.igamma does not accept operand of dtype int32 (allowed: bfloat16, float16, float32, float64)}}
  %0 = "pb.igamma"(%a, %x) : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @complex_i0e(%x: tensor<3xcomplex<f32>>) -> tensor<3xcomplex<f32>> {
  // expected-error @+1 {{pb.bessel_i0e does not accept operand of dtype complex64}}
  %0 = "pb.bessel_i0e"(%x) : (tensor<3xcomplex<f32>>) -> tensor<3xcomplex<f32>>
  return %0 : tensor<3xcomplex<f32>>
}

// -----

// IRDL binds one type to every operand and the result.
func.func @betainc_dtypes(%a: tensor<3xf32>, %b: tensor<3xf32>, %x: tensor<3xf64>) -> tensor<3xf32> {
  // expected-error @+1 {{expected 'tensor<3xf32>' but got 'tensor<3xf64>'}}
  %0 = "pb.betainc"(%a, %b, %x) : (tensor<3xf32>, tensor<3xf32>, tensor<3xf64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @igammac_shapes(%a: tensor<3xf32>, %x: tensor<4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{expected 'tensor<3xf32>' but got 'tensor<4xf32>'}}
  %0 = "pb.igammac"(%a, %x) : (tensor<3xf32>, tensor<4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @random_gamma_grad_arity(%a: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{op expects exactly 2 operands, but got 1}}
  %0 = "pb.random_gamma_grad"(%a) : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
