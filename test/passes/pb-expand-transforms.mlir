// RUN: pullback-opt %s -pb-expand-transforms --split-input-file --verify-diagnostics | filecheck %s
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - -pb-expand-transforms --run=main --arg=0.5 --arg=2.0 \
// RUN:   | filecheck %s --check-prefix=NUM
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - -pb-expand-transforms -pb-inline | filecheck %s --check-prefix=FLAT

// pb-expand-transforms serves every request, innermost first: a request is served once
// its callee, and everything the callee calls, has a body, so transformations of
// functions that themselves call transformations (grad of grad, jvp of grad, grad of
// jvp, the transpose of a jvp) need no special case (passes/expand_transforms.py; when a
// request is ready: passes/requests.py). Every transformation pass is a function
// transform (passes/function_transform.py): one classifier of ops, rules per kind.

// Every request of the first chunk gets a body; no request is left anywhere.
// CHECK-NOT: pb.transform
// CHECK-LABEL: func.func private @f_vjp(
// CHECK-NEXT: call
// CHECK-LABEL: func.func private @df_vjp(
// CHECK-NEXT: call @{{[A-Za-z0-9_]+}}(%arg0)
// CHECK-NEXT: call
// CHECK-LABEL: func.func private @df_jvp(
// CHECK-NEXT: call
// CHECK-LABEL: func.func private @tf_vjp(
// CHECK-NEXT: call
// CHECK-LABEL: func.func private @tf_T(
// CHECK-NEXT: call
// CHECK-NOT: pb.transform
// CHECK: // -----

// After inlining, @main is one flat function of pb ops.
// FLAT-LABEL: func.func @main(
// FLAT-NOT: call
// FLAT: return
// FLAT-NOT: func.func private

// f(x) = sin(x) x: f'(x) = cos(x) x + sin(x), f''(x) = 2 cos(x) - sin(x) x.
// At x = 0.5 with v = 2: f'(x) = 0.918217, f''(x) v = 3.030905, f'(x) v = 1.836434.
// NUM: result[0]: tensor<f32> = 0.91821{{[0-9]*}}
// reverse over reverse, forward over reverse, reverse over forward: f''(x) v
// NUM-NEXT: result[1]: tensor<f32> = 3.03090{{[0-9]*}}
// NUM-NEXT: result[2]: tensor<f32> = 3.03090{{[0-9]*}}
// NUM-NEXT: result[3]: tensor<f32> = 3.03090{{[0-9]*}}
// the transpose of t -> f'(x) t, at v: f'(x) v
// NUM-NEXT: result[4]: tensor<f32> = 1.83643{{[0-9]*}}
func.func @f(%x: tensor<f32>) -> tensor<f32> {
  %0 = "pb.sin"(%x) : (tensor<f32>) -> tensor<f32>
  %1 = "pb.mul"(%0, %x) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %1 : tensor<f32>
}
func.func private @f_vjp(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "vjp", callee = @f}}
func.func private @f_jvp(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "jvp", callee = @f}}
// df = grad(f)
func.func @df(%x: tensor<f32>) -> tensor<f32> {
  %one = "pb.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %y, %g = call @f_vjp(%x, %one) : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %g : tensor<f32>
}
func.func private @df_vjp(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "vjp", callee = @df}}
func.func private @df_jvp(tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "jvp", callee = @df}}
// tf(x, t) = df(x) t, by forward mode: linear in t
func.func @tf(%x: tensor<f32>, %t: tensor<f32>) -> tensor<f32> {
  %y, %ty = call @f_jvp(%x, %t) : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %ty : tensor<f32>
}
func.func private @tf_vjp(tensor<f32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>, tensor<f32>)
    attributes {pb.transform = {kind = "vjp", callee = @tf}}
func.func private @tf_T(tensor<f32>, tensor<f32>) -> tensor<f32>
    attributes {pb.transform = {kind = "linear_transpose", callee = @tf, num_nonlinear = 1}}
func.func @main(%x: tensor<f32>, %v: tensor<f32>)
    -> (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) {
  %one = "pb.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %d, %rr = call @df_vjp(%x, %v) : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  %d2, %fr = call @df_jvp(%x, %v) : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  %tv, %rf, %unused = call @tf_vjp(%x, %v, %one)
      : (tensor<f32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>, tensor<f32>)
  %ct = call @tf_T(%x, %v) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %d, %rr, %fr, %rf, %ct : tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>
}

// -----

// A request whose callee has no body can never be served.
func.func private @ext(tensor<3xf32>) -> tensor<3xf32>
func.func @uses_ext(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = call @ext(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
// expected-error @+1 {{transformation request could not be served}}
func.func private @uses_ext_jvp(tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "jvp", callee = @uses_ext}}

// -----

// Reverse mode needs a call-free function; a recursive one is reported, not a crash.
// expected-error @+1 {{recursive function @rec}}
func.func @rec(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = call @rec(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func private @rec_vjp(tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "vjp", callee = @rec}}

// -----

func.func @id(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}
// expected-error @+1 {{unknown transformation kind 'hessian' (known: jvp, linear_transpose, linearize, vjp, vmap)}}
func.func private @id_h(tensor<3xf32>) -> tensor<3xf32>
    attributes {pb.transform = {kind = "hessian", callee = @id}}
