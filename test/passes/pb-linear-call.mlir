// RUN: sed '/^\/\/ ----- invalid/,$d' %s | pullback-opt - -pb-transpose | filecheck %s --check-prefix=T
// RUN: sed '/^\/\/ ----- invalid/,$d' %s | pullback-opt - -pb-jvp | filecheck %s --check-prefix=JVP
// RUN: sed '/^\/\/ ----- invalid/,$d' %s | pullback-opt - -pb-expand-transforms -pb-lower-custom-derivatives | filecheck %s --check-prefix=LOWER
// RUN: sed '/^\/\/ ----- invalid/,$d' %s | pullback-opt - -pb-expand-transforms -pb-lower-custom-derivatives -pb-inline --run=grad --arg=3.0 --arg=2.0 | filecheck %s --check-prefix=GRAD
// RUN: sed '/^\/\/ ----- invalid/,$d' %s | pullback-opt - -pb-expand-transforms -pb-lower-custom-derivatives -pb-inline --run=tangent --arg=3.0 --arg=2.0 | filecheck %s --check-prefix=TAN

// A linear_call (jax.custom_derivatives.linear_call): a custom_lin declaration with a
// callee. @scale(r, x) = x * r, linear in x; its transpose is the user's @scale_t(r, c) =
// c * r * 10 (deliberately not x * r's, to show whose rule runs).

func.func private @scale(%r: tensor<f32>, %x: tensor<f32>) -> tensor<f32> {
  %y = "pb.mul"(%x, %r) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %y : tensor<f32>
}
func.func private @scale_t(%r: tensor<f32>, %c: tensor<f32>) -> tensor<f32> {
  %ten = "pb.constant"() {value = dense<10.0> : tensor<f32>} : () -> tensor<f32>
  %a = "pb.mul"(%c, %r) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %b = "pb.mul"(%a, %ten) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %b : tensor<f32>
}
func.func private @lc(tensor<f32>, tensor<f32>) -> tensor<f32>
    attributes {pb.custom = {kind = "custom_lin", callee = @scale, bwd = @scale_t}}
func.func @f(%r: tensor<f32>, %x: tensor<f32>) -> tensor<f32> {
  %y = call @lc(%r, %x) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %y : tensor<f32>
}
func.func private @f_T(tensor<f32>, tensor<f32>) -> tensor<f32>
    attributes {pb.transform = {kind = "linear_transpose", callee = @f, num_nonlinear = 1}}
func.func @grad(%r: tensor<f32>, %x: tensor<f32>) -> tensor<f32> {
  %one = "pb.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %g = call @f_T(%r, %one) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %g : tensor<f32>
}
func.func private @f_jvp(tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "jvp", callee = @f}}
func.func @tangent(%r: tensor<f32>, %x: tensor<f32>) -> tensor<f32> {
  %one = "pb.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %y, %t = call @f_jvp(%r, %x, %one, %one) : (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %t : tensor<f32>
}

// The transpose is a call of the swapped pair, itself transposable back to @scale.
// T-LABEL: func.func private @f_T(
// T: call @lc_T(
// T-LABEL: func.func private @lc_T(tensor<f32>, tensor<f32>) -> tensor<f32>
// T-SAME: pb.custom = {bwd = @scale, callee = @scale_t, kind = "custom_lin"}

// A tangent on the residual: the callee's own JVP.
// JVP-LABEL: func.func private @f_jvp(
// JVP: call @scale_jvp(

// Left over after the transformations, it is a call of its callee.
// LOWER-LABEL: func.func @f(
// LOWER: call @scale(
// LOWER-NOT: pb.custom

// GRAD: result[0]: tensor<f32> = 30
// TAN: result[0]: tensor<f32> = 5

// The invalid cases: the callee of a linear_call has the declaration's type, its
// transpose maps (residuals, output cotangents) to the linear inputs' cotangents.
// RUN: sed '1,/^\/\/ ----- invalid/d' %s | pullback-opt - --split-input-file --verify-diagnostics

// ----- invalid

func.func private @sq(%r: tensor<2xf32>, %x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}
func.func private @sq_t(%r: tensor<f32>, %c: tensor<f32>) -> tensor<f32> {
  return %c : tensor<f32>
}
// expected-error @+1 {{@lc must have the type of its callee @sq, (tensor<2xf32>, tensor<f32>) -> (tensor<f32>), got (tensor<f32>, tensor<f32>) -> (tensor<f32>)}}
func.func private @lc(tensor<f32>, tensor<f32>) -> tensor<f32>
    attributes {pb.custom = {kind = "custom_lin", callee = @sq, bwd = @sq_t}}

// -----

func.func private @id(%r: tensor<f32>, %x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}
func.func private @id_t(%r: tensor<f32>, %c: tensor<3xf32>) -> tensor<f32> {
  return %r : tensor<f32>
}
// expected-error @+1 {{the bwd rule @id_t of the custom_lin @lc must have type (tensor<f32>, tensor<f32>) -> (tensor<f32>), got (tensor<f32>, tensor<3xf32>) -> (tensor<f32>)}}
func.func private @lc(tensor<f32>, tensor<f32>) -> tensor<f32>
    attributes {pb.custom = {kind = "custom_lin", callee = @id, bwd = @id_t}}
