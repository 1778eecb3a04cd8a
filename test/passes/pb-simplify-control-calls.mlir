// RUN: pullback-opt %s -pb-simplify | filecheck %s
// RUN: pullback-opt %s -pb-simplify -pb-to-linalg --run=scan_main --arg=2.0 --arg='[1.0, 2.0, 3.0]' | filecheck %s --check-prefix=SCAN
// RUN: pullback-opt %s -pb-simplify -pb-to-linalg --run=while_main --arg=0.5 --arg=3.0 | filecheck %s --check-prefix=WHILE

// pb-simplify across control calls (passes/control_simplify.py): dead carries, ys and
// operands of a scan, dead carries of a while (one the predicate does not read), dead
// outputs and operands of a cond, and loop-invariant ops moved before the loop.

// A scan of (consts w, carry c, d, xs) -> (c, d, ys); only c is read. d's update reads
// nothing live, the ys are unread: both go, with w, which only they read.
func.func private @sbody(%k: tensor<f32>, %w: tensor<f32>, %c: tensor<f32>, %d: tensor<f32>, %x: tensor<f32>)
    -> (tensor<f32>, tensor<f32>, tensor<f32>) {
  %t = "pb.transpose"(%k) {permutation = array<i64>} : (tensor<f32>) -> tensor<f32>
  %e = "pb.exp"(%t) : (tensor<f32>) -> tensor<f32>
  %a = "pb.mul"(%c, %e) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %c2 = "pb.add"(%a, %x) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %d2 = "pb.mul"(%d, %w) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %y = "pb.sin"(%c) : (tensor<f32>) -> tensor<f32>
  return %c2, %d2, %y : tensor<f32>, tensor<f32>, tensor<f32>
}
func.func private @sloop(tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<3xf32>)
    -> (tensor<f32>, tensor<f32>, tensor<3xf32>)
    attributes {pb.control = {kind = "scan", body = @sbody, length = 3, reverse = 0, num_consts = 2, num_carry = 2, unroll = 1}}
// CHECK-LABEL: func.func @scan_main(
// The invariant exp(transpose(k)) is computed once, before the loop.
// (after which k itself is read by nothing in the body, and goes too)
// CHECK: %[[E:.+]] = call @sbody_live_invariant(%arg0)
// CHECK: %[[R:.+]] = call @sloop_live_hoisted_live(%[[E]], %arg0, %arg1) : (tensor<f32>, tensor<f32>, tensor<3xf32>) -> tensor<f32>
// CHECK: return %[[R]]
func.func @scan_main(%k: tensor<f32>, %xs: tensor<3xf32>) -> tensor<f32> {
  %r:3 = call @sloop(%k, %k, %k, %k, %xs) : (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<3xf32>)
      -> (tensor<f32>, tensor<f32>, tensor<3xf32>)
  return %r#0 : tensor<f32>
}
// c = 2, e = exp(2): ((2 e + 1) e + 2) e + 3 = 879.234
// SCAN: result[0]: tensor<f32> = 879.23

// A while over (i, x, junk): the predicate reads i; junk is never read and goes.
func.func private @wcond(%n: tensor<f32>, %i: tensor<f32>, %x: tensor<f32>, %j: tensor<f32>) -> tensor<i1> {
  %p = "pb.compare"(%i, %n) {direction = "LT"} : (tensor<f32>, tensor<f32>) -> tensor<i1>
  return %p : tensor<i1>
}
func.func private @wbody(%s: tensor<f32>, %i: tensor<f32>, %x: tensor<f32>, %j: tensor<f32>)
    -> (tensor<f32>, tensor<f32>, tensor<f32>) {
  %one = "pb.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %i2 = "pb.add"(%i, %one) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %ss = "pb.mul"(%s, %s) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %x2 = "pb.add"(%x, %ss) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %j2 = "pb.sin"(%j) : (tensor<f32>) -> tensor<f32>
  return %i2, %x2, %j2 : tensor<f32>, tensor<f32>, tensor<f32>
}
func.func private @wloop(tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>, tensor<f32>)
    attributes {pb.control = {kind = "while", cond = @wcond, body = @wbody, num_cond_consts = 1, num_body_consts = 1}}
// CHECK-LABEL: func.func @while_main(
// CHECK: %[[SS:.+]] = call @wbody_live_invariant(%arg0)
// CHECK: %[[W:.+]]:2 = call @wloop_live_hoisted_live(%arg1, %[[SS]], %{{.+}}, %arg0) : (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
// CHECK: return %[[W]]#1
func.func @while_main(%s: tensor<f32>, %n: tensor<f32>) -> tensor<f32> {
  %z = "pb.constant"() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %r:3 = call @wloop(%n, %s, %z, %s, %s) : (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>)
      -> (tensor<f32>, tensor<f32>, tensor<f32>)
  return %r#1 : tensor<f32>
}
// x = 0.5 + 3 * 0.25
// WHILE: result[0]: tensor<f32> = 1.25

// A cond whose second output is unread: it goes from both branches, with the operand only it read.
func.func private @b0(%a: tensor<f32>, %b: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %s = "pb.sin"(%a) : (tensor<f32>) -> tensor<f32>
  %c = "pb.cos"(%b) : (tensor<f32>) -> tensor<f32>
  return %s, %c : tensor<f32>, tensor<f32>
}
func.func private @b1(%a: tensor<f32>, %b: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %s = "pb.neg"(%a) : (tensor<f32>) -> tensor<f32>
  return %s, %b : tensor<f32>, tensor<f32>
}
func.func private @pick(tensor<i32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.control = {kind = "cond", branches = [@b0, @b1]}}
// CHECK-LABEL: func.func @cond_main(
// CHECK: call @pick_live(%arg0, %arg1) : (tensor<i32>, tensor<f32>) -> tensor<f32>
func.func @cond_main(%i: tensor<i32>, %a: tensor<f32>, %b: tensor<f32>) -> tensor<f32> {
  %r:2 = call @pick(%i, %a, %b) : (tensor<i32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %r#0 : tensor<f32>
}
// CHECK: return

// The new functions, in the order the rewrites made them.
// CHECK-LABEL: func.func private @b0_live(%arg0: tensor<f32>) -> tensor<f32>
// CHECK-NOT: pb.cos
// CHECK: return
// CHECK-LABEL: func.func private @sbody_live_invariant(%arg0: tensor<f32>) -> tensor<f32>
// CHECK: "pb.transpose"
// CHECK: "pb.exp"
// CHECK-LABEL: func.func private @sbody_live_hoisted_live(%arg0: tensor<f32>, %arg1: tensor<f32>, %arg2: tensor<f32>) -> tensor<f32>
// CHECK-NOT: pb.exp
// CHECK: "pb.mul"(%arg1, %arg0)
// CHECK-LABEL: func.func private @sloop_live_hoisted_live(tensor<f32>, tensor<f32>, tensor<3xf32>) -> tensor<f32>
// CHECK-SAME: num_carry = 1 : i64, num_consts = 1 : i64
// CHECK-LABEL: func.func private @wloop_live_hoisted_live(tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
// CHECK-SAME: num_body_consts = 1 : i64, num_cond_consts = 1 : i64
