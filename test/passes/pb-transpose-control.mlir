// RUN: pullback-opt %s -pb-transpose | filecheck %s
// RUN: pullback-opt %s -pb-expand-transforms -pb-inline --run=tr --arg='[1.0, 2.0, 3.0]' --arg=1.0 --arg='[1.0, 0.0, 2.0]' | filecheck %s --check-prefix=SCAN
// RUN: pullback-opt %s -pb-expand-transforms -pb-inline --run=tr_cond --arg=0 --arg=2.0 --arg=1.5 | filecheck %s --check-prefix=COND0
// RUN: pullback-opt %s -pb-expand-transforms -pb-inline --run=tr_cond --arg=1 --arg=2.0 --arg=1.5 | filecheck %s --check-prefix=COND1

// Transposing linear control flow (passes/control_transpose.py). A linear scan (in its
// const t and carry c, not in the residual xs r) transposes to a scan in the other direction
// over the transposed body, carrying the const's cotangent sum and the carry's cotangent; a
// cond transposes branch-wise on the same index.

// c' = c * r + t, y = 2 c
func.func private @body(%t: tensor<f32>, %c: tensor<f32>, %r: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %m = "pb.mul"(%c, %r) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %n = "pb.add"(%m, %t) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %y = "pb.add"(%c, %c) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %n, %y : tensor<f32>, tensor<f32>
}
func.func private @loop(tensor<f32>, tensor<f32>, tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)
    attributes {pb.control = {kind = "scan", body = @body, length = 3, reverse = 0, num_consts = 1, num_carry = 1, unroll = 1}}
func.func private @lin(%rs: tensor<3xf32>, %t: tensor<f32>) -> (tensor<f32>, tensor<3xf32>) {
  %r:2 = call @loop(%t, %t, %rs) : (tensor<f32>, tensor<f32>, tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)
  return %r#0, %r#1 : tensor<f32>, tensor<3xf32>
}
func.func private @lin_T(tensor<3xf32>, tensor<f32>, tensor<3xf32>) -> tensor<f32>
    attributes {pb.transform = {kind = "linear_transpose", callee = @lin, num_nonlinear = 1}}
func.func @tr(%rs: tensor<3xf32>, %ct: tensor<f32>, %cts: tensor<3xf32>) -> tensor<f32> {
  %r = call @lin_T(%rs, %ct, %cts) : (tensor<3xf32>, tensor<f32>, tensor<3xf32>) -> tensor<f32>
  return %r : tensor<f32>
}

// branch 0: r * t; branch 1: -t
func.func private @br0(%r: tensor<f32>, %t: tensor<f32>) -> tensor<f32> {
  %m = "pb.mul"(%r, %t) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %m : tensor<f32>
}
func.func private @br1(%r: tensor<f32>, %t: tensor<f32>) -> tensor<f32> {
  %m = "pb.neg"(%t) : (tensor<f32>) -> tensor<f32>
  return %m : tensor<f32>
}
func.func private @pick(tensor<i32>, tensor<f32>, tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "cond", branches = [@br0, @br1]}}
func.func private @lin_cond(%i: tensor<i32>, %r: tensor<f32>, %t: tensor<f32>) -> tensor<f32> {
  %v = call @pick(%i, %r, %t) : (tensor<i32>, tensor<f32>, tensor<f32>) -> tensor<f32>
  return %v : tensor<f32>
}
func.func private @lin_cond_T(tensor<i32>, tensor<f32>, tensor<f32>) -> tensor<f32>
    attributes {pb.transform = {kind = "linear_transpose", callee = @lin_cond, num_nonlinear = 2}}
func.func @tr_cond(%i: tensor<i32>, %r: tensor<f32>, %ct: tensor<f32>) -> tensor<f32> {
  %v = call @lin_cond_T(%i, %r, %ct) : (tensor<i32>, tensor<f32>, tensor<f32>) -> tensor<f32>
  return %v : tensor<f32>
}

// The scan, split by partial evaluation (nothing known to compute: r is read as it is), then
// transposed: reversed, carrying (cotangent sum of t, cotangent of c), reading r and the ys' cotangents.
// CHECK-LABEL: func.func private @loop_unknown(tensor<f32>, tensor<f32>, tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)
// CHECK-LABEL: func.func private @lin_T_2(
// CHECK: %[[Z:.+]] = "pb.constant"() {value = dense<0.000000e+00> : tensor<f32>}
// CHECK: %[[T:.+]]:2 = call @loop_unknown_T(%[[Z]], %arg1, %arg0, %arg2)
// CHECK: "pb.add"(%[[T]]#0, %[[T]]#1)
// CHECK-LABEL: func.func private @loop_unknown_T(tensor<f32>, tensor<f32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<f32>, tensor<f32>)
// CHECK-SAME: kind = "scan", length = 3 : i64, num_carry = 2 : i64, num_consts = 0 : i64, reverse = 1 : i64
// CHECK-LABEL: func.func private @pick_unknown_T(tensor<i32>, tensor<f32>, tensor<f32>) -> tensor<f32>
// CHECK-SAME: branches = [@br0_pe_unknown_branch_nl_first_T, @br1_pe_unknown_branch_nl_first_T], kind = "cond"

// JAX: vjp of t -> scan(lambda c, r: (c * r + t, 2 c), t, [1, 2, 3]) with cotangents (1, [1, 0, 2]):
// SCAN: result[0]: tensor<f32> = 38.0
// COND0: result[0]: tensor<f32> = 3.0
// COND1: result[0]: tensor<f32> = -1.5
