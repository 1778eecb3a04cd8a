// RUN: pullback-opt %s -pb-inline --split-input-file --verify-diagnostics | filecheck %s
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - -pb-inline -pb-to-linalg --run=main --arg='[1.0, 2.0, 3.0]' \
// RUN:   | filecheck %s --check-prefix=NUM

// pb-inline keeps calls of control flow declarations (dialects/control.py) as calls, inlines
// the plain calls inside their bodies too (transitively), and keeps the declarations and
// the bodies they name; every other private function goes.

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:[^:]+]]: tensor<3xf32>)
// CHECK-NEXT: %[[SQ:.+]] = "pb.mul"(%[[X]], %[[X]])
// CHECK-NEXT: %[[R:.+]] = call @loop(%[[SQ]], %[[X]])
// CHECK-NEXT: return %[[R]]
// CHECK-LABEL: func.func private @loop(
// CHECK-SAME: pb.control = {body = @body, cond = @cond, kind = "while"
// The bodies stay, their plain calls inlined (@sq twice deep, through @sq_plus).
// CHECK-LABEL: func.func private @cond(
// CHECK-NOT: call
// CHECK: "pb.reduce_sum"
// CHECK-LABEL: func.func private @body(
// CHECK-SAME: %[[K:[^:]+]]: tensor<3xf32>, %[[V:[^:]+]]: tensor<3xf32>)
// CHECK-NOT: call
// CHECK: %[[M:.+]] = "pb.mul"(%[[V]], %[[V]])
// CHECK: "pb.add"(%[[M]], %[[K]])
// CHECK-NOT: func.func private @sq(
// CHECK-NOT: func.func private @sq_plus(
// CHECK-NOT: func.func private @unused(
// CHECK: // -----
// NUM: result[0]: tensor<3xf32> = [5.0, 68.0, 333.0]
func.func @main(%x: tensor<3xf32>) -> tensor<3xf32> {
  %sq = call @sq(%x) : (tensor<3xf32>) -> tensor<3xf32>
  %r = call @loop(%sq, %x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}
func.func private @loop(tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
    attributes {pb.control = {kind = "while", cond = @cond, body = @body, num_cond_consts = 0, num_body_consts = 1}}
// while sum(v * v) < 1000: v = v * v + x * x
func.func private @cond(%v: tensor<3xf32>) -> tensor<i1> {
  %sq = call @sq(%v) : (tensor<3xf32>) -> tensor<3xf32>
  %s = "pb.reduce_sum"(%sq) {axes = array<i64: 0>} : (tensor<3xf32>) -> tensor<f32>
  %ten = "pb.constant"() {value = dense<1000.0> : tensor<f32>} : () -> tensor<f32>
  %p = "pb.compare"(%s, %ten) {direction = "LT"} : (tensor<f32>, tensor<f32>) -> tensor<i1>
  return %p : tensor<i1>
}
func.func private @body(%k: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<3xf32> {
  %r = call @sq_plus(%v, %k) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}
func.func private @sq_plus(%v: tensor<3xf32>, %k: tensor<3xf32>) -> tensor<3xf32> {
  %m = call @sq(%v) : (tensor<3xf32>) -> tensor<3xf32>
  %a = "pb.add"(%m, %k) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %a : tensor<3xf32>
}
func.func private @sq(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = "pb.mul"(%x, %x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func private @unused(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}

// -----

// Control flow that nothing calls goes, with its bodies; a body shared with a live call stays.
// CHECK-LABEL: func.func @pick(
// CHECK: call @live(
// CHECK-DAG: func.func private @live(
// CHECK-DAG: func.func private @neg(
// CHECK-DAG: func.func private @id(
// CHECK-NOT: @dead
// CHECK-NOT: @only_dead
// CHECK: // -----
func.func @pick(%i: tensor<i32>, %x: tensor<f32>) -> tensor<f32> {
  %r = call @live(%i, %x) : (tensor<i32>, tensor<f32>) -> tensor<f32>
  return %r : tensor<f32>
}
func.func private @live(tensor<i32>, tensor<f32>) -> tensor<f32> attributes {pb.control = {kind = "cond", branches = [@id, @neg]}}
func.func private @dead(tensor<i32>, tensor<f32>) -> tensor<f32> attributes {pb.control = {kind = "cond", branches = [@id, @only_dead]}}
func.func private @id(%x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}
func.func private @neg(%x: tensor<f32>) -> tensor<f32> {
  %y = "pb.neg"(%x) : (tensor<f32>) -> tensor<f32>
  return %y : tensor<f32>
}
func.func private @only_dead(%x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}

// -----

// A body calling a function without a body: the diagnostic is at that call.
func.func private @ext(tensor<f32>) -> tensor<f32>
func.func private @calls_ext(%x: tensor<f32>) -> tensor<f32> {
  // expected-error-re @+1 {{{{.*}}@ext{{.*}}}}
  %0 = call @ext(%x) : (tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}
func.func private @one(tensor<i32>, tensor<f32>) -> tensor<f32> attributes {pb.control = {kind = "cond", branches = [@calls_ext]}}
func.func @main(%i: tensor<i32>, %x: tensor<f32>) -> tensor<f32> {
  %r = call @one(%i, %x) : (tensor<i32>, tensor<f32>) -> tensor<f32>
  return %r : tensor<f32>
}
