// RUN: sed '/^\/\/ ----- transforms/,$d' %s | pullback-opt - --verify-diagnostics -pb-to-linalg
// RUN: sed '1,/^\/\/ ----- transforms/d' %s | pullback-opt - --split-input-file --verify-diagnostics -pb-expand-transforms

// Control flow the passes cannot handle is a diagnostic, never a crash.

// A loop whose body runs the loop again cannot become loops (pb-to-linalg).
func.func @main(%x: tensor<f32>) -> tensor<f32> {
  %r = call @loop(%x) : (tensor<f32>) -> tensor<f32>
  return %r : tensor<f32>
}
func.func private @loop(tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "while", cond = @positive, body = @again, num_cond_consts = 0, num_body_consts = 0}}
func.func private @positive(%x: tensor<f32>) -> tensor<i1> {
  %z = "pb.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %p = "pb.compare"(%x, %z) {direction = "GT"} : (tensor<f32>, tensor<f32>) -> tensor<i1>
  return %p : tensor<i1>
}
// expected-error @+1 {{control flow calls itself recursively (@again -> @again); it cannot be lowered to loops}}
func.func private @again(%x: tensor<f32>) -> tensor<f32> {
  %h = "pb.constant"() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %y = "pb.mul"(%x, %h) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %r = call @loop(%y) : (tensor<f32>) -> tensor<f32>
  return %r : tensor<f32>
}

// ----- transforms

// Transformations of functions that reach control flow are not supported yet: the
// diagnostic names the transformation's pass and points at the control flow call.
func.func @f(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{pb-jvp: control flow (while_loop) is not supported yet under jvp (@f reaches it)}}
  %r = call @loop(%x) : (tensor<f32>) -> tensor<f32>
  return %r : tensor<f32>
}
func.func private @loop(tensor<f32>) -> tensor<f32>
    attributes {pb.control = {kind = "while", cond = @positive, body = @halve, num_cond_consts = 0, num_body_consts = 0}}
func.func private @positive(%x: tensor<f32>) -> tensor<i1> {
  %z = "pb.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %p = "pb.compare"(%x, %z) {direction = "GT"} : (tensor<f32>, tensor<f32>) -> tensor<i1>
  return %p : tensor<i1>
}
func.func private @halve(%x: tensor<f32>) -> tensor<f32> {
  %h = "pb.constant"() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %y = "pb.mul"(%x, %h) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %y : tensor<f32>
}
func.func private @f_jvp(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "jvp", callee = @f}}
func.func @main(%x: tensor<f32>, %t: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %r:2 = call @f_jvp(%x, %t) : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %r#0, %r#1 : tensor<f32>, tensor<f32>
}

// -----

// The same for a cond reached through a plain call, under vmap.
func.func @g(%i: tensor<i32>, %x: tensor<f32>) -> tensor<f32> {
  %r = call @h(%i, %x) : (tensor<i32>, tensor<f32>) -> tensor<f32>
  return %r : tensor<f32>
}
func.func private @h(%i: tensor<i32>, %x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{pb-vmap: control flow (cond/switch) is not supported yet under vmap (@g reaches it)}}
  %r = call @pick(%i, %x) : (tensor<i32>, tensor<f32>) -> tensor<f32>
  return %r : tensor<f32>
}
func.func private @pick(tensor<i32>, tensor<f32>) -> tensor<f32> attributes {pb.control = {kind = "cond", branches = [@id, @neg]}}
func.func private @id(%x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}
func.func private @neg(%x: tensor<f32>) -> tensor<f32> {
  %y = "pb.neg"(%x) : (tensor<f32>) -> tensor<f32>
  return %y : tensor<f32>
}
func.func private @g_vmap(tensor<i32>, tensor<4xf32>) -> tensor<4xf32>
    attributes {pb.transform = {kind = "vmap", callee = @g, in_axes = array<i64: -1, 0>, out_axes = array<i64: 0>, axis_size = 4}}
func.func @main(%i: tensor<i32>, %x: tensor<4xf32>) -> tensor<4xf32> {
  %r = call @g_vmap(%i, %x) : (tensor<i32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}
