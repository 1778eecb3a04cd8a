// RUN: sed '/^\/\/ ----- invalid/,$d' %s | pullback-opt - -pb-expand-transforms --split-input-file | filecheck %s
// RUN: pullback-opt %s -pb-expand-transforms -pb-lower-custom-derivatives --split-input-file --verify-diagnostics \
// RUN:   | filecheck %s --check-prefix=LOWER
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - --run=main --arg=3.0 | filecheck %s --check-prefix=NUM
// RUN: sed '1,/^\/\/ ----- vjp/d; /^\/\/ -----/,$d' %s \
// RUN:   | pullback-opt - --run=main --arg=2.0 --arg=3.0 --arg='[1.0, 2.0, 3.0]' | filecheck %s --check-prefix=VJP

// Custom derivative rules are declarations tagged `pb.custom` (dialects/custom.py), called
// with func.call. The transformation passes apply them (passes/custom_derivative_rules.py);
// pb-lower-custom-derivatives (passes/lower_custom_derivatives.py) turns what is left
// into calls of the primal. Every rule here is scaled by 10 against the true derivative, so each
// number below proves which rule a transformation used.

// ---- custom_jvp: f(x) = sin(x) with the rule t -> 10 cos(x) t. The rule calls @f_c, so it
// applies again at the next order, as in JAX.

// pb-vmap batches the primal and the rule into a new custom declaration, whose rule calls
// the batched custom function in turn:
// CHECK-LABEL: func.func private @g_vmap_2(
// CHECK-NEXT: call @f_c_vmap(%arg0)
// CHECK: func.func private @f_c_vmap(tensor<3xf32>) -> tensor<3xf32>
// CHECK-SAME: pb.custom = {callee = @f_vmap_w, jvp = @f_rule_vmap_w, kind = "custom_jvp"}
// CHECK-LABEL: func.func private @f_rule_vmap(
// CHECK-NEXT: call @f_c_vmap(%arg0)

// pb-jvp calls the rule where the custom call meets a tangent:
// CHECK-LABEL: func.func private @g_jvp_2(
// CHECK-NEXT: call @f_rule(%arg0, %arg1)
// The primal part of reverse mode keeps the custom call (so grad of grad uses the rule),
// and the transposed tangent part is the rule's, 10 cos(x) ct:
// CHECK-LABEL: func.func private @g_primal(
// CHECK-NEXT: call @f_c(%arg0)
// CHECK-NEXT: pb.cos
// CHECK-LABEL: func.func private @g_vjp_T(
// CHECK-NEXT: pb.mul

// After the transformations every custom call is a call of its primal, and the
// declarations are gone:
// LOWER-NOT: pb.custom
// LOWER-LABEL: func.func private @f_rule(
// LOWER-NEXT: call @f(%arg0)
// LOWER-NOT: pb.custom
// LOWER: // -----

// At x = 3: f = 0.14112, the jvp, grad and vmap'd grad give 10 cos(3) = -9.899925, grad of grad
// gives d/dx 10 cos(x) = -10 sin(3) = -1.4112 (the rule's own body differentiated).
// NUM: result[0]: tensor<f32> = 0.14112
// NUM-NEXT: result[1]: tensor<f32> = -9.899925
// NUM-NEXT: result[2]: tensor<f32> = -9.899925
// NUM-NEXT: result[3]: tensor<f32> = -1.4112
// NUM-NEXT: result[4]: tensor<3xf32> = [-9.899925, -9.899925, -9.899925]
// NUM-NEXT: result[5]: tensor<3xf32> = [-9.899925, -9.899925, -9.899925]
func.func private @f(%x: tensor<f32>) -> tensor<f32> {
  %0 = "pb.sin"(%x) : (tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}
func.func private @f_rule(%x: tensor<f32>, %t: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %y = call @f_c(%x) : (tensor<f32>) -> tensor<f32>
  %c = "pb.cos"(%x) : (tensor<f32>) -> tensor<f32>
  %ten = "pb.constant"() {value = dense<10.0> : tensor<f32>} : () -> tensor<f32>
  %s = "pb.mul"(%ten, %c) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %ty = "pb.mul"(%s, %t) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %y, %ty : tensor<f32>, tensor<f32>
}
func.func private @f_c(tensor<f32>) -> tensor<f32>
    attributes {pb.custom = {kind = "custom_jvp", callee = @f, jvp = @f_rule}}
func.func @g(%x: tensor<f32>) -> tensor<f32> {
  %0 = call @f_c(%x) : (tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}
func.func private @g_jvp(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "jvp", callee = @g}}
func.func private @g_vjp(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "vjp", callee = @g}}
// dg = grad(g)
func.func @dg(%x: tensor<f32>) -> tensor<f32> {
  %one = "pb.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %y, %d = call @g_vjp(%x, %one) : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %d : tensor<f32>
}
func.func private @dg_vjp(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "vjp", callee = @dg}}
// gradient of the sum of vmap(g): batches the custom call, then reverse mode through it
func.func private @g_vmap(tensor<3xf32>) -> tensor<3xf32>
    attributes {pb.transform = {kind = "vmap", callee = @g, in_axes = array<i64: 0>, out_axes = array<i64: 0>,
                                axis_size = 3}}
func.func @gv(%x: tensor<3xf32>) -> tensor<f32> {
  %0 = call @g_vmap(%x) : (tensor<3xf32>) -> tensor<3xf32>
  %1 = "pb.reduce_sum"(%0) {axes = array<i64: 0>} : (tensor<3xf32>) -> tensor<f32>
  return %1 : tensor<f32>
}
func.func private @gv_vjp(tensor<3xf32>, tensor<f32>) -> (tensor<f32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "vjp", callee = @gv}}
// vmap of the jvp: the jvp is served first (innermost), the rule call is batched
func.func @tg(%x: tensor<f32>, %t: tensor<f32>) -> tensor<f32> {
  %y, %ty = call @g_jvp(%x, %t) : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %ty : tensor<f32>
}
func.func private @tg_vmap(tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
    attributes {pb.transform = {kind = "vmap", callee = @tg, in_axes = array<i64: 0, 0>, out_axes = array<i64: 0>,
                                axis_size = 3}}
func.func @main(%x: tensor<f32>) -> (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<3xf32>,
                                     tensor<3xf32>) {
  %one = "pb.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %y, %t = call @g_jvp(%x, %one) : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  %y2, %d = call @g_vjp(%x, %one) : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  %d1, %dd = call @dg_vjp(%x, %one) : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  %xs = "pb.broadcast_in_dim"(%x) {shape = array<i64: 3>, broadcast_dimensions = array<i64>}
      : (tensor<f32>) -> tensor<3xf32>
  %ones = "pb.constant"() {value = dense<1.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %s, %dv = call @gv_vjp(%xs, %one) : (tensor<3xf32>, tensor<f32>) -> (tensor<f32>, tensor<3xf32>)
  %tv = call @tg_vmap(%xs, %ones) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %y, %t, %d, %dd, %dv, %tv : tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<3xf32>,
                                     tensor<3xf32>
}

// ----- vjp
// ---- custom_vjp: f(x, y) = sin(x) y, fwd saves (cos x, sin x, y), bwd scaled by 10.

// pb-vmap batches fwd and bwd; bwd's cotangent of the unbatched y is summed over the batch:
// CHECK: func.func private @f_c_vmap(tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
// CHECK-SAME: pb.custom = {bwd = @f_bwd_vmap_w, callee = @f_vmap_w, fwd = @f_fwd_vmap_w, kind = "custom_vjp"}
// CHECK-LABEL: func.func private @f_bwd_vmap_w(
// CHECK: call @f_bwd_vmap(
// CHECK-NEXT: pb.reduce_sum
// pb-jvp calls fwd, and for the tangents a custom_lin declaration naming bwd:
// CHECK-LABEL: func.func private @g_jvp_2(
// CHECK-NEXT: call @f_fwd(%arg0, %arg1)
// CHECK-NEXT: call @f_c_lin(
// CHECK: func.func private @f_c_lin({{.*}}) -> tensor<f32> attributes {pb.custom = {bwd = @f_bwd, kind = "custom_lin"}}
// Reverse mode: fwd's body in the primal part; pb-linearize keeps custom_lin on the linear side
// and pb-transpose replaces it by bwd's body (the constant 10 is bwd's).
// CHECK-LABEL: func.func private @g_primal(
// CHECK-NEXT: pb.sin
// CHECK-LABEL: func.func private @g_lin(
// CHECK-NEXT: call @f_c_lin(
// CHECK-LABEL: func.func private @g_vjp_T(
// CHECK-NEXT: pb.constant{{.*}}1.000000e+01

// At x = 2, y = 3: f = 2.7278922, d/dx = 10 cos(2) 3 = -12.484405, d/dy = 10 sin(2) = 9.092974;
// vmapped over x = [1, 2, 3]: d/dx = 30 cos(x), d/dy = 10 (sin 1 + sin 2 + sin 3).
// VJP: result[0]: tensor<f32> = 2.7278922
// VJP-NEXT: result[1]: tensor<f32> = -12.484405
// VJP-NEXT: result[2]: tensor<f32> = 9.092974
// VJP-NEXT: result[3]: tensor<3xf32> = [16.209068, -12.484405{{[0-9]*}}, -29.699774]
// VJP-NEXT: result[4]: tensor<f32> = 18.91888
func.func private @f(%x: tensor<f32>, %y: tensor<f32>) -> tensor<f32> {
  %0 = "pb.sin"(%x) : (tensor<f32>) -> tensor<f32>
  %1 = "pb.mul"(%0, %y) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %1 : tensor<f32>
}
func.func private @f_fwd(%x: tensor<f32>, %y: tensor<f32>) -> (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) {
  %0 = call @f(%x, %y) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %c = "pb.cos"(%x) : (tensor<f32>) -> tensor<f32>
  %s = "pb.sin"(%x) : (tensor<f32>) -> tensor<f32>
  return %0, %c, %s, %y : tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>
}
func.func private @f_bwd(%c: tensor<f32>, %s: tensor<f32>, %y: tensor<f32>, %g: tensor<f32>)
    -> (tensor<f32>, tensor<f32>) {
  %ten = "pb.constant"() {value = dense<10.0> : tensor<f32>} : () -> tensor<f32>
  %0 = "pb.mul"(%c, %g) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %1 = "pb.mul"(%0, %y) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %2 = "pb.mul"(%ten, %1) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %3 = "pb.mul"(%s, %g) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %4 = "pb.mul"(%ten, %3) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %2, %4 : tensor<f32>, tensor<f32>
}
func.func private @f_c(tensor<f32>, tensor<f32>) -> tensor<f32>
    attributes {pb.custom = {kind = "custom_vjp", callee = @f, fwd = @f_fwd, bwd = @f_bwd}}
func.func @g(%x: tensor<f32>, %y: tensor<f32>) -> tensor<f32> {
  %0 = call @f_c(%x, %y) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}
func.func private @g_vjp(tensor<f32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "vjp", callee = @g}}
func.func private @g_vmap(tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
    attributes {pb.transform = {kind = "vmap", callee = @g, in_axes = array<i64: 0, -1>, out_axes = array<i64: 0>,
                                axis_size = 3}}
func.func @gv(%x: tensor<3xf32>, %y: tensor<f32>) -> tensor<f32> {
  %0 = call @g_vmap(%x, %y) : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  %1 = "pb.reduce_sum"(%0) {axes = array<i64: 0>} : (tensor<3xf32>) -> tensor<f32>
  return %1 : tensor<f32>
}
func.func private @gv_vjp(tensor<3xf32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<3xf32>, tensor<f32>)
    attributes {pb.transform = {kind = "vjp", callee = @gv}}
// the jvp of a custom_vjp function is fine as long as its tangents are never evaluated
// (here it is not called at all)
func.func private @g_jvp(tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "jvp", callee = @g}}
func.func @main(%x: tensor<f32>, %y: tensor<f32>, %xs: tensor<3xf32>)
    -> (tensor<f32>, tensor<f32>, tensor<f32>, tensor<3xf32>, tensor<f32>) {
  %one = "pb.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %v, %dx, %dy = call @g_vjp(%x, %y, %one) : (tensor<f32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>, tensor<f32>)
  %w, %dxs, %dys = call @gv_vjp(%xs, %y, %one)
      : (tensor<3xf32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<3xf32>, tensor<f32>)
  return %v, %dx, %dy, %dxs, %dys : tensor<f32>, tensor<f32>, tensor<f32>, tensor<3xf32>, tensor<f32>
}

// -----
// ---- symbolic zeros: the rule for each mask of nonzero tangents takes only those tangents.
// h(x, y) = x y; with only x perturbed pb-jvp calls @h_jvp_10(x, y, tx), not the full rule.
// CHECK-LABEL: func.func private @k_jvp_2(
// CHECK-NEXT: call @h_jvp_10(%arg0, %arg1, %arg2)
// LOWER-LABEL: func.func private @k_jvp_2(
// LOWER-NEXT: call @h_jvp_10(
func.func private @h(%x: tensor<f32>, %y: tensor<f32>) -> tensor<f32> {
  %0 = "pb.mul"(%x, %y) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}
func.func private @h_jvp(%x: tensor<f32>, %y: tensor<f32>, %tx: tensor<f32>, %ty: tensor<f32>)
    -> (tensor<f32>, tensor<f32>) {
  %0 = "pb.mul"(%x, %y) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %1 = "pb.mul"(%tx, %y) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %2 = "pb.mul"(%x, %ty) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %3 = "pb.add"(%1, %2) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %0, %3 : tensor<f32>, tensor<f32>
}
func.func private @h_jvp_10(%x: tensor<f32>, %y: tensor<f32>, %tx: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %0 = "pb.mul"(%x, %y) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %1 = "pb.mul"(%tx, %y) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %0, %1 : tensor<f32>, tensor<f32>
}
func.func private @h_c(tensor<f32>, tensor<f32>) -> tensor<f32>
    attributes {pb.custom = {kind = "custom_jvp", callee = @h, jvp = @h_jvp, symbolic_zeros = {"10" = @h_jvp_10}}}
func.func @k(%x: tensor<f32>, %y: tensor<f32>) -> tensor<f32> {
  %0 = call @h_c(%x, %y) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}
func.func private @k_jvp(tensor<f32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "jvp", callee = @k, wrt = array<i64: 0>}}
func.func @main(%x: tensor<f32>, %y: tensor<f32>, %t: tensor<f32>) -> tensor<f32> {
  %0, %1 = call @k_jvp(%x, %y, %t) : (tensor<f32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %1 : tensor<f32>
}

// ----- invalid
// The rules' signatures are checked against the callee's.
func.func private @f(%x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}
func.func private @f_rule(%x: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  return %x, %x : tensor<f32>, tensor<f32>
}
// expected-error @+1 {{the jvp rule @f_rule of @f_c must have type (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>) (primals, tangents -> outputs, output tangents), got (tensor<f32>) -> (tensor<f32>, tensor<f32>)}}
func.func private @f_c(tensor<f32>) -> tensor<f32>
    attributes {pb.custom = {kind = "custom_jvp", callee = @f, jvp = @f_rule}}

// -----
func.func private @f(%x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}
func.func private @f_fwd(%x: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  return %x, %x : tensor<f32>, tensor<f32>
}
func.func private @f_bwd(%r: tensor<f32>, %g: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  return %g, %g : tensor<f32>, tensor<f32>
}
// expected-error @+1 {{the bwd rule @f_bwd of @f_c must have type (tensor<f32>, tensor<f32>) -> (tensor<f32>) (residuals, output cotangents -> input cotangents), got (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)}}
func.func private @f_c(tensor<f32>) -> tensor<f32>
    attributes {pb.custom = {kind = "custom_vjp", callee = @f, fwd = @f_fwd, bwd = @f_bwd}}

// -----
// expected-error @+1 {{@f_c (custom_jvp) refers to @nowhere, which is not a function of the module}}
func.func private @f_c(tensor<f32>) -> tensor<f32>
    attributes {pb.custom = {kind = "custom_jvp", callee = @nowhere, jvp = @nowhere}}

// -----
// Forward mode of a custom_vjp function: the custom_lin of its tangents survives to lowering.
func.func private @f(%x: tensor<f32>) -> tensor<f32> {
  %0 = "pb.sin"(%x) : (tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}
func.func private @f_fwd(%x: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %0 = "pb.sin"(%x) : (tensor<f32>) -> tensor<f32>
  %1 = "pb.cos"(%x) : (tensor<f32>) -> tensor<f32>
  return %0, %1 : tensor<f32>, tensor<f32>
}
func.func private @f_bwd(%c: tensor<f32>, %g: tensor<f32>) -> tensor<f32> {
  %0 = "pb.mul"(%c, %g) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}
func.func private @f_c(tensor<f32>) -> tensor<f32>
    attributes {pb.custom = {kind = "custom_vjp", callee = @f, fwd = @f_fwd, bwd = @f_bwd}}
func.func private @g(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{can't apply forward-mode autodiff (jvp) to a custom_vjp function.}}
  %0 = call @f_c(%x) : (tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}
func.func private @g_jvp(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "jvp", callee = @g}}
func.func @main(%x: tensor<f32>) -> tensor<f32> {
  %0, %1 = call @g_jvp(%x, %x) : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %1 : tensor<f32>
}

// -----
// A custom JVP rule that is not linear in its tangents cannot be transposed for reverse
// mode: pb-transpose names the rule's op.
func.func private @f(%x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}
func.func private @f_rule(%x: tensor<f32>, %t: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  // expected-error @+1 {{pb-transpose: the function is not linear: 'pb.sin' is applied to a linear value}}
  %0 = "pb.sin"(%t) : (tensor<f32>) -> tensor<f32>
  return %x, %0 : tensor<f32>, tensor<f32>
}
func.func private @f_c(tensor<f32>) -> tensor<f32>
    attributes {pb.custom = {kind = "custom_jvp", callee = @f, jvp = @f_rule}}
func.func @g(%x: tensor<f32>) -> tensor<f32> {
  %0 = call @f_c(%x) : (tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}
func.func private @g_vjp(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "vjp", callee = @g}}
