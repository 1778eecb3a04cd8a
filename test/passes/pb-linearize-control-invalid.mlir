// RUN: pullback-opt %s -pb-linearize -pb-transpose --split-input-file --verify-diagnostics

// Reverse mode through a while loop: the number of iterations is not known before it runs,
// so nothing can be stored for the reverse pass (JAX's ValueError).

func.func private @c(%x: tensor<f32>) -> tensor<i1> {
  %h = "pb.constant"() {value = dense<10.0> : tensor<f32>} : () -> tensor<f32>
  %p = "pb.compare"(%x, %h) {direction = "LT"} : (tensor<f32>, tensor<f32>) -> tensor<i1>
  return %p : tensor<i1>
}
func.func private @b(%x: tensor<f32>) -> tensor<f32> {
  %y = "pb.mul"(%x, %x) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %y : tensor<f32>
}
func.func private @loop(tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "while", cond = @c, body = @b, num_cond_consts = 0, num_body_consts = 0}}
func.func private @f(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{Reverse-mode differentiation does not work for lax.while_loop or lax.fori_loop with dynamic start/stop values}}
  %r = call @loop(%x) : (tensor<f32>) -> tensor<f32>
  return %r : tensor<f32>
}
func.func private @f_lin(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "linearize", callee = @f}}

// -----

// The branch index of a cond must be known (an integer has no tangent; here a linear
// function computes it from its linear input).

func.func private @br(%x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}
func.func private @pick(tensor<i32>, tensor<f32>) -> tensor<f32> attributes {pb.control = {kind = "cond", branches = [@br, @br]}}
func.func private @lin(%r: tensor<f32>, %t: tensor<f32>) -> tensor<f32> {
  %i = "pb.convert_element_type"(%t) {new_dtype = "int32"} : (tensor<f32>) -> tensor<i32>
  // expected-error @+1 {{the branch index of a cond depends on a linear (tangent) value}}
  %v = call @pick(%i, %r) : (tensor<i32>, tensor<f32>) -> tensor<f32>
  return %v : tensor<f32>
}
func.func private @lin_T(tensor<f32>, tensor<f32>) -> tensor<f32>
    attributes {pb.transform = {kind = "linear_transpose", callee = @lin, num_nonlinear = 1}}
