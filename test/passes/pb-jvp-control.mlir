// RUN: pullback-opt %s -pb-jvp | filecheck %s
// RUN: pullback-opt %s -pb-expand-transforms --run=main --arg=2.0 --arg=1.0 | filecheck %s --check-prefix=NUM

// (Control flow is registered as a call kind in passes/control_rules.py; the rule is
// passes/control_jvp.py.)
// The JVP of a while loop is a while loop over (primals, nonzero tangents): the carry @a
// starts as a constant and never gets a tangent, so only @b's tangent is carried (the
// fixed point of the carried tangents); the condition sees the primals only.
// b = k * a with a = 9 at the last step: b = 9x, db = 9t.

// CHECK-LABEL: func.func private @f_jvp_2(
// CHECK-SAME: %[[X:[^:]+]]: tensor<f32>, %[[T:[^:]+]]: tensor<f32>)
// CHECK: call @loop_jvp(%[[X]], %[[T]], %{{.+}}, %[[X]], %[[T]])
// CHECK-SAME: -> (tensor<f32>, tensor<f32>, tensor<f32>)
// CHECK-LABEL: func.func private @step_jvp(
// CHECK-SAME: -> (tensor<f32>, tensor<f32>, tensor<f32>)
// CHECK-LABEL: func.func private @small_jvp_cond(
// CHECK-NEXT: call @small(
// CHECK-LABEL: func.func private @step_jvp_loop(
// CHECK-LABEL: func.func private @loop_jvp(
// CHECK-SAME: pb.control = {body = @step_jvp_loop, cond = @small_jvp_cond, kind = "while", num_body_consts = 2 : i64, num_cond_consts = 0 : i64}
// NUM: result[0]: tensor<f32> = 18.0
// NUM: result[1]: tensor<f32> = 9.0
func.func @main(%x: tensor<f32>, %t: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %y, %ty = call @f_jvp(%x, %t) : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %y, %ty : tensor<f32>, tensor<f32>
}
func.func private @f(%x: tensor<f32>) -> tensor<f32> {
  %z = "pb.constant"() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %r:2 = call @loop(%x, %z, %x) : (tensor<f32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %r#1 : tensor<f32>
}
func.func private @loop(tensor<f32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.control = {kind = "while", cond = @small, body = @step, num_cond_consts = 0, num_body_consts = 1}}
func.func private @small(%a: tensor<f32>, %b: tensor<f32>) -> tensor<i1> {
  %ten = "pb.constant"() {value = dense<10.0> : tensor<f32>} : () -> tensor<f32>
  %p = "pb.compare"(%a, %ten) {direction = "LT"} : (tensor<f32>, tensor<f32>) -> tensor<i1>
  return %p : tensor<i1>
}
func.func private @step(%k: tensor<f32>, %a: tensor<f32>, %b: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %one = "pb.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %a2 = "pb.add"(%a, %one) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %b2 = "pb.mul"(%k, %a) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %a2, %b2 : tensor<f32>, tensor<f32>
}
func.func private @f_jvp(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "jvp", callee = @f}}
