// RUN: pullback-opt %s -pb-linearize | filecheck %s
// RUN: pullback-opt %s -pb-expand-transforms -pb-inline --run=lin --arg=1.5 --arg=1.0 | filecheck %s --check-prefix=VALUE
// RUN: pullback-opt %s -pb-expand-transforms -pb-inline --run=grad --arg=1.5 | filecheck %s --check-prefix=GRAD

// Reverse mode through a while loop bounded by max_steps: pb-linearize splits it as the
// scan of max_steps steps it equals, each step a cond (run the body while the predicate
// holds, keep the carry after).  x -> x * x while x < 10: from 1.5, 1.5^2 = 2.25,
// 5.0625, 25.6289 (three steps of the bound of 5), so the result is x^8 and its
// derivative 8 x^7 = 136.6875.

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
    attributes {pb.control = {kind = "while", cond = @c, body = @b, num_cond_consts = 0, num_body_consts = 0,
                              max_steps = 5}}
func.func private @f(%x: tensor<f32>) -> tensor<f32> {
  %r = call @loop(%x) : (tensor<f32>) -> tensor<f32>
  return %r : tensor<f32>
}
func.func private @f_lin(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "linearize", callee = @f}}
func.func @lin(%x: tensor<f32>, %t: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %y, %dy = call @f_lin(%x, %t) : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %y, %dy : tensor<f32>, tensor<f32>
}
func.func private @f_vjp(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "vjp", callee = @f}}
func.func @grad(%x: tensor<f32>) -> tensor<f32> {
  %one = "pb.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %y, %g = call @f_vjp(%x, %one) : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %g : tensor<f32>
}

// The step: the predicate picks the body (1) or the pass-through (0).
// CHECK-LABEL: func.func private @loop_jvp_done(
// CHECK-LABEL: func.func private @loop_jvp_step(tensor<i32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
// CHECK-SAME: branches = [@loop_jvp_done, @b_jvp_loop], kind = "cond"
// CHECK-LABEL: func.func private @loop_jvp_scan_body(
// CHECK: "pb.convert_element_type"
// CHECK: call @loop_jvp_step(
// The known scan stacks one residual row per step; the unknown one reads them.
// CHECK-LABEL: func.func private @loop_jvp_scan_known(tensor<f32>) -> (tensor<f32>, tensor<5xi32>, tensor<5xf32>)
// CHECK-SAME: kind = "scan", length = 5
// CHECK-LABEL: func.func private @loop_jvp_scan_unknown(

// VALUE: result[0]: tensor<f32> = 25.6289
// VALUE-NEXT: result[1]: tensor<f32> = 136.687

// GRAD: result[0]: tensor<f32> = 136.687
