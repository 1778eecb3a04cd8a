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

// policy = 1 (dots_saveable): the dot's result is saved, tanh's derivative is recomputed
// from it; the recomputation takes the saved dot as an argument instead of redoing it.
func.func private @body2(%w: tensor<3xf32>, %x: tensor<3xf32>) -> tensor<f32> {
  %d = "pb.dot_general"(%w, %x) {lhs_contracting = array<i64: 0>, rhs_contracting = array<i64: 0>, lhs_batch = array<i64>, rhs_batch = array<i64>} : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  %t = "pb.tanh"(%d) : (tensor<f32>) -> tensor<f32>
  return %t : tensor<f32>
}
func.func private @ck2(tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
    attributes {pb.control = {kind = "remat", body = @body2, policy = 1}}
func.func private @g(%w: tensor<3xf32>, %x: tensor<3xf32>) -> tensor<f32> {
  %r = call @ck2(%w, %x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  return %r : tensor<f32>
}
func.func private @g_lin(tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "linearize", callee = @g, wrt = array<i64: 0>}}
func.func @uses2(%w: tensor<3xf32>, %x: tensor<3xf32>, %t: tensor<3xf32>) -> (tensor<f32>, tensor<f32>) {
  %a, %b = call @g_lin(%w, %x, %t) : (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<f32>, tensor<f32>)
  return %a, %b : tensor<f32>, tensor<f32>
}

// The JVP of a remat call is a remat call of the body's JVP.
// JVP-LABEL: func.func private @ck_jvp(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
// JVP-SAME: pb.control = {body = @body_jvp{{[_0-9]*}}, kind = "remat"}

// VMAP-LABEL: func.func private @ck_vmap(tensor<2xf32>) -> tensor<2xf32>
// VMAP-SAME: kind = "remat"

// Partial evaluation keeps the operand, not sin(x) and cos(x): the linear half is a remat
// call whose body recomputes them from x.
// LIN-LABEL: func.func private @body_jvp{{[_0-9]*}}_recompute(%arg0: tensor<f32>, %arg1: tensor<f32>) -> tensor<f32>
// LIN: call @body_jvp{{[_0-9]*}}_pe_known_residuals(%arg0)
// LIN: call @body_jvp{{[_0-9]*}}_pe_unknown(
// LIN-LABEL: func.func private @ck_jvp_unknown(tensor<f32>, tensor<f32>) -> tensor<f32>
// LIN-SAME: kind = "remat"
// LIN-LABEL: func.func private @f_primal(%arg0: tensor<f32>) -> (tensor<f32>, tensor<f32>)
// LIN-LABEL: func.func private @f_lin_{{[0-9]+}}(%arg0: tensor<f32>, %arg1: tensor<f32>) -> tensor<f32>
// LIN: call @ck_jvp_unknown(%arg0, %arg1)

// LIN-LABEL: func.func private @body2_jvp{{[_0-9]*}}_pe_known_outs(%arg0: tensor<3xf32>, %arg1: tensor<3xf32>) -> (tensor<f32>, tensor<f32>)
// LIN: "pb.dot_general"
// LIN-LABEL: func.func private @body2_jvp{{[_0-9]*}}_pe_known_residuals(%arg0: tensor<3xf32>, %arg1: tensor<3xf32>, %arg2: tensor<f32>)
// LIN-NOT: pb.dot_general
// LIN: "pb.tanh"(%arg2)
// LIN-LABEL: func.func private @ck2_jvp_unknown(tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<f32>) -> tensor<f32>
// LIN-SAME: kind = "remat"

// Lowered, a remat call is its body.
// LOWER-LABEL: func.func private @f(
// LOWER-NOT: call @ck
// LOWER: math.sin {{.+}} {pb.fast_math}

// GRAD: result[0]: tensor<f32> = 0.91821
// BATCHED: result[0]: tensor<2xf32> = [0.2397{{[0-9]*}}, 0.8414{{[0-9]*}}]
