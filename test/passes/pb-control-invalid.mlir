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

// Reverse mode through a while loop is JAX's ValueError, at the loop's call (scan and cond
// are differentiable in reverse: pb-linearize-control.mlir, pb-transpose-control.mlir).
func.func @f(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{Reverse-mode differentiation does not work for lax.while_loop}}
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
func.func private @f_vjp(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "vjp", callee = @f}}
func.func @main(%x: tensor<f32>, %t: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %r:2 = call @f_vjp(%x, %t) : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %r#0, %r#1 : tensor<f32>, tensor<f32>
}

