// RUN: pullback-opt %s -pb-jvp | filecheck %s --check-prefix=JVP
// RUN: pullback-opt %s -pb-vmap | filecheck %s --check-prefix=VMAP
// RUN: pullback-opt %s -pb-linearize | filecheck %s --check-prefix=LIN
// RUN: pullback-opt %s -pb-to-linalg | filecheck %s --check-prefix=LOWER
// RUN: pullback-opt %s -pb-expand-transforms -pb-inline --run=grad --arg=0.5 | filecheck %s --check-prefix=GRAD
// RUN: pullback-opt %s -pb-expand-transforms -pb-inline --run=batched --arg='[0.5, 1.0]' | filecheck %s --check-prefix=BATCHED

// A remat call (jax.checkpoint) through every pass. @f(x) = sin(x) * x, so
// f'(0.5) = cos(0.5) * 0.5 + sin(0.5) = 0.91821.

func.func private @body(%x: tensor<f32>) -> tensor<f32> {
  %s = "pb.sin"(%x) : (tensor<f32>) -> tensor<f32>
  %m = "pb.mul"(%s, %x) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %m : tensor<f32>
}
func.func private @ck(tensor<f32>) -> tensor<f32> attributes {pb.control = {kind = "remat", body = @body}}
func.func private @f(%x: tensor<f32>) -> tensor<f32> {
  %r = call @ck(%x) : (tensor<f32>) -> tensor<f32>
  return %r : tensor<f32>
}
func.func private @f_jvp(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "jvp", callee = @f}}
func.func private @f_lin(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "linearize", callee = @f}}
func.func private @f_vjp(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "vjp", callee = @f}}
func.func private @f_vmap(tensor<2xf32>) -> tensor<2xf32>
    attributes {pb.transform = {kind = "vmap", callee = @f, in_axes = array<i64: 0>, out_axes = array<i64: 0>, axis_size = 2}}
func.func @grad(%x: tensor<f32>) -> tensor<f32> {
  %one = "pb.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %y, %g = call @f_vjp(%x, %one) : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %g : tensor<f32>
}
func.func @batched(%x: tensor<2xf32>) -> tensor<2xf32> {
  %y = call @f_vmap(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}
func.func @uses(%x: tensor<f32>, %t: tensor<f32>) -> (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) {
  %a, %b = call @f_jvp(%x, %t) : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  %c, %d = call @f_lin(%x, %t) : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %a, %b, %c, %d : tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>
}

// The JVP of a remat call is a remat call of the body's JVP.
// JVP-LABEL: func.func private @ck_jvp(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
// JVP-SAME: pb.control = {body = @body_jvp{{[_0-9]*}}, kind = "remat"}

// VMAP-LABEL: func.func private @ck_vmap(tensor<2xf32>) -> tensor<2xf32>
// VMAP-SAME: kind = "remat"

// Partial evaluation keeps the operand, not sin(x) and cos(x): the linear half is a remat
// call whose body recomputes them from x.
// LIN-LABEL: func.func private @body_jvp{{[_0-9]*}}_recompute(%arg0: tensor<f32>, %arg1: tensor<f32>) -> tensor<f32>
// LIN: call @body_jvp{{[_0-9]*}}_pe_known(%arg0)
// LIN: call @body_jvp{{[_0-9]*}}_pe_unknown(
// LIN-LABEL: func.func private @ck_jvp_unknown(tensor<f32>, tensor<f32>) -> tensor<f32>
// LIN-SAME: kind = "remat"
// LIN-LABEL: func.func private @f_primal(%arg0: tensor<f32>) -> (tensor<f32>, tensor<f32>)
// LIN-LABEL: func.func private @f_lin_{{[0-9]+}}(%arg0: tensor<f32>, %arg1: tensor<f32>) -> tensor<f32>
// LIN: call @ck_jvp_unknown(%arg0, %arg1)

// Lowered, a remat call is its body.
// LOWER-LABEL: func.func private @f(
// LOWER-NOT: call @ck
// LOWER: math.sin

// GRAD: result[0]: tensor<f32> = 0.91821
// BATCHED: result[0]: tensor<2xf32> = [0.2397{{[0-9]*}}, 0.8414{{[0-9]*}}]
