// RUN: pullback-opt %s -pb-linearize | filecheck %s
// RUN: pullback-opt %s -pb-expand-transforms -pb-inline --run=lin --arg=0.5 --arg='[1.0, 2.0, 3.0]' --arg=1.0 --arg='[0.0, 0.0, 0.0]' | filecheck %s --check-prefix=SCAN
// RUN: pullback-opt %s -pb-expand-transforms -pb-inline --run=lin_cond --arg=0 --arg=0.5 --arg=1.0 | filecheck %s --check-prefix=COND0
// RUN: pullback-opt %s -pb-expand-transforms -pb-inline --run=lin_cond --arg=1 --arg=0.5 --arg=1.0 | filecheck %s --check-prefix=COND1

// Partial evaluation of control flow calls (passes/control_partial_eval.py): the JVP of a
// scan reads primal (known) and tangent (unknown) values; it becomes a known scan (the
// primal carry and ys, and the residuals of each iteration stacked as extra ys) and an
// unknown scan reading them as xs. A cond becomes a known cond returning every branch's
// residuals and an unknown cond on the same index.

func.func private @body(%x: tensor<f32>, %c: tensor<f32>, %z: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %s = "pb.sin"(%c) : (tensor<f32>) -> tensor<f32>
  %m = "pb.mul"(%s, %z) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %n = "pb.add"(%m, %x) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %y = "pb.mul"(%c, %c) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %n, %y : tensor<f32>, tensor<f32>
}
func.func private @loop(tensor<f32>, tensor<f32>, tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)
    attributes {pb.control = {kind = "scan", body = @body, length = 3, reverse = 0, num_consts = 1, num_carry = 1, unroll = 1}}
func.func private @f(%x: tensor<f32>, %xs: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>) {
  %r:2 = call @loop(%x, %x, %xs) : (tensor<f32>, tensor<f32>, tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)
  return %r#0, %r#1 : tensor<f32>, tensor<3xf32>
}
func.func private @f_lin(tensor<f32>, tensor<3xf32>, tensor<f32>, tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>, tensor<f32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "linearize", callee = @f}}
func.func @lin(%x: tensor<f32>, %xs: tensor<3xf32>, %t: tensor<f32>, %ts: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>, tensor<f32>, tensor<3xf32>) {
  %r:4 = call @f_lin(%x, %xs, %t, %ts) : (tensor<f32>, tensor<3xf32>, tensor<f32>, tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>, tensor<f32>, tensor<3xf32>)
  return %r#0, %r#1, %r#2, %r#3 : tensor<f32>, tensor<3xf32>, tensor<f32>, tensor<3xf32>
}

func.func private @br0(%x: tensor<f32>) -> tensor<f32> {
  %s = "pb.sin"(%x) : (tensor<f32>) -> tensor<f32>
  %m = "pb.mul"(%s, %x) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %m : tensor<f32>
}
func.func private @br1(%x: tensor<f32>) -> tensor<f32> {
  %c = "pb.constant"() {value = dense<3.0> : tensor<f32>} : () -> tensor<f32>
  %m = "pb.mul"(%x, %c) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %m : tensor<f32>
}
func.func private @pick(tensor<i32>, tensor<f32>) -> tensor<f32> attributes {pb.control = {kind = "cond", branches = [@br0, @br1]}}
func.func private @g(%i: tensor<i32>, %x: tensor<f32>) -> tensor<f32> {
  %r = call @pick(%i, %x) : (tensor<i32>, tensor<f32>) -> tensor<f32>
  return %r : tensor<f32>
}
func.func private @g_lin(tensor<i32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "linearize", callee = @g, wrt = array<i64: 1>}}
func.func @lin_cond(%i: tensor<i32>, %x: tensor<f32>, %t: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %r:2 = call @g_lin(%i, %x, %t) : (tensor<i32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %r#0, %r#1 : tensor<f32>, tensor<f32>
}

// The primal half of the scan: primal carry, ys, then the stacked residuals (cos c, sin c, c).
// CHECK-LABEL: func.func private @loop_jvp_known(tensor<f32>, tensor<f32>, tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>)
// CHECK-SAME: kind = "scan", length = 3 : i64, num_carry = 1 : i64, num_consts = 1 : i64
// The tangent half: tangent const, tangent carry, the xs (read directly, not stacked), residuals, tangent xs.
// CHECK-LABEL: func.func private @loop_jvp_unknown(tensor<f32>, tensor<f32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)
// CHECK-SAME: kind = "scan", length = 3 : i64, num_carry = 1 : i64, num_consts = 1 : i64
// CHECK-LABEL: func.func private @f_primal(
// CHECK: call @loop_jvp_known(
// CHECK-LABEL: func.func private @f_lin_{{[0-9]+}}(
// CHECK-NOT: pb.sin
// CHECK: call @loop_jvp_unknown(
// The cond: the known one returns the output and both branches' residual slots (cos x, sin x
// for branch 0, zeros from branch 1, which has none), the unknown one takes the index, x (an
// operand both have at hand), the slots and the tangent.
// CHECK-LABEL: func.func private @pick_jvp_known(tensor<i32>, tensor<f32>) -> (tensor<f32>, tensor<f32>, tensor<f32>)
// CHECK-SAME: kind = "cond"
// CHECK-LABEL: func.func private @pick_jvp_unknown(tensor<i32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<f32>
// CHECK-SAME: kind = "cond"

// JAX: jvp of scan(lambda c, z: (sin(c) * z + x, c * c), x, xs) at (0.5, [1, 2, 3]) along (1, 0).
// SCAN: result[0]: tensor<f32> = 2.99355
// SCAN: result[1]: tensor<3xf32> = [0.25, 0.959274{{[0-9]*}}, 4.66713{{[0-9]*}}]
// SCAN: result[2]: tensor<f32> = -4.1599
// SCAN: result[3]: tensor<3xf32> = [1.0, 3.6779{{[0-9]*}}, 13.3661{{[0-9]*}}]
// COND0: result[0]: tensor<f32> = 0.239712
// COND0: result[1]: tensor<f32> = 0.918216
// COND1: result[0]: tensor<f32> = 1.5
// COND1: result[1]: tensor<f32> = 3.0
