// RUN: pullback-opt %s -pb-simplify | filecheck %s

// pb-simplify works inside the bodies of control flow (dialects/control.py) as in any
// function, and removes a control flow call whose results are unused unless something its
// bodies reach calls a host callback (an effect: the loop must run).

// CHECK-LABEL: func.func @dead_loop(
// CHECK-NOT: call
// CHECK: return %arg0
func.func @dead_loop(%x: tensor<f32>) -> tensor<f32> {
  %r = call @loop(%x) : (tensor<f32>) -> tensor<f32>
  return %x : tensor<f32>
}

// CHECK-LABEL: func.func @used_loop(
// CHECK: %[[R:.+]] = call @loop(%arg0)
// CHECK: return %[[R]]
func.func @used_loop(%x: tensor<f32>) -> tensor<f32> {
  %r = call @loop(%x) : (tensor<f32>) -> tensor<f32>
  return %r : tensor<f32>
}

// CHECK-LABEL: func.func @printing_loop(
// CHECK: call @printing(%arg0)
// CHECK: return %arg0
func.func @printing_loop(%x: tensor<f32>) -> tensor<f32> {
  %r = call @printing(%x) : (tensor<f32>) -> tensor<f32>
  return %x : tensor<f32>
}

func.func private @loop(tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "while", cond = @positive, body = @halve, num_cond_consts = 0, num_body_consts = 0}}
func.func private @printing(tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "while", cond = @positive, body = @halve_loudly, num_cond_consts = 0, num_body_consts = 0}}

// Inside bodies: common subexpressions merge, dead ops go.
// CHECK-LABEL: func.func private @positive(
// CHECK-NEXT: %[[Z:.+]] = "pb.constant"
// CHECK-NEXT: %[[P:.+]] = "pb.compare"(%arg0, %[[Z]])
// CHECK-NEXT: return %[[P]]
func.func private @positive(%x: tensor<f32>) -> tensor<i1> {
  %z = "pb.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %dead = "pb.exp"(%x) : (tensor<f32>) -> tensor<f32>
  %p = "pb.compare"(%x, %z) {direction = "GT"} : (tensor<f32>, tensor<f32>) -> tensor<i1>
  return %p : tensor<i1>
}
// CHECK-LABEL: func.func private @halve(
// CHECK-NEXT: %[[H:.+]] = "pb.constant"
// CHECK-NEXT: %[[A:.+]] = "pb.mul"(%arg0, %[[H]])
// CHECK-NEXT: %[[C:.+]] = "pb.add"(%[[A]], %[[A]])
// CHECK-NEXT: %[[D:.+]] = "pb.mul"(%[[C]], %[[H]])
// CHECK-NEXT: return %[[D]]
func.func private @halve(%x: tensor<f32>) -> tensor<f32> {
  %h = "pb.constant"() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %a = "pb.mul"(%x, %h) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %b = "pb.mul"(%x, %h) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %c = "pb.add"(%a, %b) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %d = "pb.mul"(%c, %h) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %d : tensor<f32>
}
// The callback reached from the body keeps @printing's call alive.
// CHECK-LABEL: func.func private @halve_loudly(
// CHECK: call @cb_print(%arg0)
func.func private @halve_loudly(%x: tensor<f32>) -> tensor<f32> {
  call @cb_print(%x) : (tensor<f32>) -> ()
  %y = call @halve(%x) : (tensor<f32>) -> tensor<f32>
  return %y : tensor<f32>
}
func.func private @cb_print(tensor<f32>) attributes {pb.host_callback = {id = 7 : i64, name = "print"}}
