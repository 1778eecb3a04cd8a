// RUN: pullback-opt %s --split-input-file --verify-diagnostics

// One case per constraint of the transcendental, special-function and sort ops.

func.func @integer_asin(%x: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{pb.asin does not accept operand of dtype int32 (allowed: bfloat16, float16, float32, float64)}}
  %0 = "pb.asin"(%x) : (tensor<3xi32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @complex_lgamma(%x: tensor<3xcomplex<f32>>) -> tensor<3xcomplex<f32>> {
  // expected-error @+1 {{pb.lgamma does not accept operand of dtype complex64}}
  %0 = "pb.lgamma"(%x) : (tensor<3xcomplex<f32>>) -> tensor<3xcomplex<f32>>
  return %0 : tensor<3xcomplex<f32>>
}

// -----

// IRDL binds one type to both operands and the result.
func.func @zeta_dtypes(%s: tensor<3xf32>, %q: tensor<3xf64>) -> tensor<3xf32> {
  // expected-error @+1 {{expected 'tensor<3xf32>' but got 'tensor<3xf64>'}}
  %0 = "pb.zeta"(%s, %q) : (tensor<3xf32>, tensor<3xf64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @sort_shapes(%k: tensor<3xf32>, %v: tensor<4xi32>) -> tensor<3xf32> {
  // expected-error @+1 {{pb.sort operands must have equal shapes, got [3] and [4]}}
  %0:2 = "pb.sort"(%k, %v) {dimension = 0 : i64, is_stable = 1 : i64} : (tensor<3xf32>, tensor<4xi32>) -> (tensor<3xf32>, tensor<4xi32>)
  return %0#0 : tensor<3xf32>
}

// -----

func.func @sort_dimension(%k: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{pb.sort dimension 1 is out of range for rank 1}}
  %0:2 = "pb.sort"(%k, %k) {dimension = 1 : i64, is_stable = 1 : i64} : (tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return %0#0 : tensor<3xf32>
}

// -----

func.func @sort_rank0(%k: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{pb.sort needs operands of rank >= 1}}
  %0:2 = "pb.sort"(%k, %k) {dimension = 0 : i64, is_stable = 1 : i64} : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %0#0 : tensor<f32>
}

// -----

func.func @sort_complex_keys(%k: tensor<3xcomplex<f32>>) -> tensor<3xcomplex<f32>> {
  // expected-error @+1 {{pb.sort does not accept keys of dtype complex64}}
  %0:2 = "pb.sort"(%k, %k) {dimension = 0 : i64, is_stable = 1 : i64} : (tensor<3xcomplex<f32>>, tensor<3xcomplex<f32>>) -> (tensor<3xcomplex<f32>>, tensor<3xcomplex<f32>>)
  return %0#0 : tensor<3xcomplex<f32>>
}

// -----

func.func @sort_stable_flag(%k: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{pb.sort is_stable must be 0 or 1, got 2}}
  %0:2 = "pb.sort"(%k, %k) {dimension = 0 : i64, is_stable = 2 : i64} : (tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return %0#0 : tensor<3xf32>
}

// -----

// The values result has the values operand's type (IRDL binds them).
func.func @sort_result_type(%k: tensor<3xf32>, %v: tensor<3xi32>) -> tensor<3xf32> {
  // expected-error @+1 {{expected 'tensor<3xi32>' but got 'tensor<3xf32>'}}
  %0:2 = "pb.sort"(%k, %v) {dimension = 0 : i64, is_stable = 1 : i64} : (tensor<3xf32>, tensor<3xi32>) -> (tensor<3xf32>, tensor<3xf32>)
  return %0#0 : tensor<3xf32>
}

// -----

func.func @top_k_too_many(%x: tensor<3xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{pb.top_k k = 4 must be between 0 and the last dimension 3}}
  %0:2 = "pb.top_k"(%x) {k = 4 : i64} : (tensor<3xf32>) -> (tensor<4xf32>, tensor<4xi32>)
  return %0#0 : tensor<4xf32>
}

// -----

func.func @top_k_complex(%x: tensor<3xcomplex<f32>>) -> tensor<1xcomplex<f32>> {
  // expected-error @+1 {{pb.top_k does not accept operand of dtype complex64}}
  %0:2 = "pb.top_k"(%x) {k = 1 : i64} : (tensor<3xcomplex<f32>>) -> (tensor<1xcomplex<f32>>, tensor<1xi32>)
  return %0#0 : tensor<1xcomplex<f32>>
}

// -----

func.func @top_k_index_type(%x: tensor<3xf32>) -> tensor<1xi64> {
  // expected-error @+1 {{inferred result type tensor<1xf32>, tensor<1xi32> does not match tensor<1xf32>, tensor<1xi64>}}
  %0:2 = "pb.top_k"(%x) {k = 1 : i64} : (tensor<3xf32>) -> (tensor<1xf32>, tensor<1xi64>)
  return %0#1 : tensor<1xi64>
}
