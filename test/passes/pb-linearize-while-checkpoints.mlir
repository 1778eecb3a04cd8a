// RUN: pullback-opt %s -pb-linearize | filecheck %s
// RUN: pullback-opt %s -pb-expand-transforms -pb-inline --run=lin --arg=1.5 --arg=1.0 | filecheck %s --check-prefix=VALUE
// RUN: pullback-opt %s -pb-expand-transforms -pb-inline --run=grad --arg=1.5 | filecheck %s --check-prefix=GRAD
// RUN: pullback-opt %s -pb-expand-transforms -pb-inline --run=grad --arg=3.5 | filecheck %s --check-prefix=EARLY
// RUN: pullback-opt %s -pb-expand-transforms -pb-inline --run=grad4 --arg=1.5 | filecheck %s --check-prefix=GRAD4

// Reverse mode through a while loop with max_steps = 5 and checkpoints = 2: pb-linearize
// splits it as one step of the binomial schedule segment(5, 2) (checkpoint_schedule.py):
// the first 2 steps remat'ed (reversed again with 2 snapshots), the last 3 reversed with
// 1 snapshot (2 remat'ed steps, then one stored). Each segment is a function named by its
// (steps, snapshots), shared by every use. x -> x * x while x < 10: from 1.5 three steps
// run (x^8, derivative 8 x^7 = 136.6875); from 3.5 one (derivative 7), the other four
// guarded steps pass the carry through. @loop4 (max_steps = 4, checkpoints = 3) has a
// snapshot for all but one step: three remat'ed steps, one scan, then the last step stored.

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
                              max_steps = 5, checkpoints = 2}}
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
func.func private @loop4(tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "while", cond = @c, body = @b, num_cond_consts = 0, num_body_consts = 0,
                              max_steps = 4, checkpoints = 3}}
func.func private @f4(%x: tensor<f32>) -> tensor<f32> {
  %r = call @loop4(%x) : (tensor<f32>) -> tensor<f32>
  return %r : tensor<f32>
}
func.func private @f4_lin(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "linearize", callee = @f4}}
func.func @lin4(%x: tensor<f32>, %t: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %y, %dy = call @f4_lin(%x, %t) : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %y, %dy : tensor<f32>, tensor<f32>
}
func.func private @f4_vjp(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "vjp", callee = @f4}}
func.func @grad4(%x: tensor<f32>) -> tensor<f32> {
  %one = "pb.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %y, %g = call @f4_vjp(%x, %one) : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %g : tensor<f32>
}

// One guarded step, as without checkpoints.
// CHECK-LABEL: func.func private @loop_jvp_step(
// CHECK-SAME: branches = [@loop_jvp_done, @b_jvp_loop], kind = "cond"
// CHECK-LABEL: func.func private @loop_jvp_scan_body(
// CHECK: call @loop_jvp_step(
// segment(2, 2): one remat'ed step (one declaration for every k), then one stored.
// CHECK-LABEL: func.func private @loop_jvp_remat_step(
// CHECK-SAME: body = @loop_jvp_scan_body, kind = "remat"
// CHECK-LABEL: func.func private @loop_jvp_steps_2_2(
// CHECK-NEXT: call @loop_jvp_remat_step(
// CHECK-NEXT: call @loop_jvp_scan_body(
// CHECK-LABEL: func.func private @loop_jvp_remat_2_2(
// CHECK-SAME: body = @loop_jvp_steps_2_2, kind = "remat"
// segment(3, 1) = remat(segment(2, 1)), then one step.
// CHECK-LABEL: func.func private @loop_jvp_steps_2_1(
// CHECK-NEXT: call @loop_jvp_remat_step(
// CHECK-NEXT: call @loop_jvp_scan_body(
// CHECK-LABEL: func.func private @loop_jvp_remat_2_1(
// CHECK-SAME: body = @loop_jvp_steps_2_1, kind = "remat"
// CHECK-LABEL: func.func private @loop_jvp_steps_3_1(
// CHECK-NEXT: call @loop_jvp_remat_2_1(
// CHECK-NEXT: call @loop_jvp_scan_body(
// CHECK-LABEL: func.func private @loop_jvp_steps_5_2(
// CHECK-NEXT: call @loop_jvp_remat_2_2(
// CHECK-NEXT: call @loop_jvp_steps_3_1(
// CHECK-LABEL: func.func private @loop_jvp_scan(
// CHECK-SAME: body = @loop_jvp_steps_5_2, kind = "scan", length = 1
// The forward pass stores the 2 snapshots (the inputs of remat_2_2 and remat_2_1) and one
// step's residuals (its branch index and x), not five steps' worth.
// CHECK-LABEL: func.func private @loop_jvp_scan_known(tensor<f32>) -> (tensor<f32>, tensor<1xf32>, tensor<1xf32>, tensor<1xi32>, tensor<1xf32>)
// CHECK-LABEL: func.func private @loop_jvp_scan_unknown(

// segment(4, 3): a scan of 3 remat'ed steps (3 snapshots stacked), then the stored step.
// CHECK-LABEL: func.func private @loop4_jvp_remat_step(
// CHECK-SAME: body = @loop4_jvp_scan_body, kind = "remat"
// CHECK-LABEL: func.func private @loop4_jvp_remat_steps_body(
// CHECK-NEXT: call @loop4_jvp_remat_step(
// CHECK-LABEL: func.func private @loop4_jvp_remat_steps_3(
// CHECK-SAME: body = @loop4_jvp_remat_steps_body, kind = "scan", length = 3
// CHECK-LABEL: func.func private @loop4_jvp_steps_4_3(
// CHECK-NEXT: call @loop4_jvp_remat_steps_3(
// CHECK-NEXT: call @loop4_jvp_scan_body(
// CHECK-LABEL: func.func private @loop4_jvp_scan(
// CHECK-SAME: body = @loop4_jvp_steps_4_3, kind = "scan", length = 1
// The known scan of the remat'ed steps stacks their 3 inputs; the loop's, those and the last step's residuals.
// CHECK-LABEL: func.func private @loop4_jvp_remat_steps_3_known(tensor<f32>) -> (tensor<f32>, tensor<3xf32>)
// CHECK-LABEL: func.func private @loop4_jvp_scan_known(tensor<f32>) -> (tensor<f32>, tensor<1x3xf32>, tensor<1xi32>, tensor<1xf32>)

// VALUE: result[0]: tensor<f32> = 25.6289
// VALUE-NEXT: result[1]: tensor<f32> = 136.687

// GRAD: result[0]: tensor<f32> = 136.687

// EARLY: result[0]: tensor<f32> = 7.0

// GRAD4: result[0]: tensor<f32> = 136.687
