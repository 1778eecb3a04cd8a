// RUN: pullback-opt %s --split-input-file --verify-diagnostics -pb-expand-transforms | filecheck %s --check-prefix=AD
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - -pb-simplify | filecheck %s --check-prefix=SIMP
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - -pb-expand-transforms -pb-inline -pb-simplify \
// RUN:   | filecheck %s --check-prefix=FLAT
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - -pb-expand-transforms -pb-inline -pb-to-linalg \
// RUN:   -pb-lower-host-callbacks | filecheck %s --check-prefix=LOW
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - -pb-expand-transforms -pb-inline -pb-to-linalg \
// RUN:   -pb-lower-host-callbacks -pb-readonly-args \
// RUN:   '-one-shot-bufferize=bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map' \
// RUN:   '-buffer-results-to-out-params=hoist-static-allocs modify-public-functions' | filecheck %s --check-prefix=BUF

// Host callbacks are declarations tagged pb.host_callback, called with func.call
// (dialects/callbacks.py); the runtime maps the id to a Python callable. The lowering is
// passes/lower_host_callbacks.py; the other passes' rules for callback calls are
// passes/host_callback_rules.py.

func.func private @cb_print(tensor<3xf32>, tensor<i32>) attributes {pb.host_callback = {id = 7 : i64, name = "print"}}
func.func private @cb_pure(tensor<3xf32>) -> tensor<3xf32> attributes {pb.host_callback = {id = 8 : i64}}

// A callback call is effectful: pb-simplify neither removes it (a print has no
// results; an unused result does not make it dead) nor merges equal calls.
// SIMP-LABEL: func.func @effects(
// SIMP:         "pb.sin"
// SIMP-NEXT:    call @cb_print(
// SIMP-NEXT:    call @cb_print(
// SIMP-NEXT:    call @cb_pure(
// SIMP-NOT:     "pb.cos"
// SIMP:         return
func.func @effects(%x: tensor<3xf32>, %n: tensor<i32>) -> tensor<3xf32> {
  %s = "pb.sin"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  call @cb_print(%s, %n) : (tensor<3xf32>, tensor<i32>) -> ()
  call @cb_print(%s, %n) : (tensor<3xf32>, tensor<i32>) -> ()
  %unused = call @cb_pure(%x) : (tensor<3xf32>) -> tensor<3xf32>
  %dead = "pb.cos"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %s : tensor<3xf32>
}

// pb-jvp calls the callback on primal values only: no tangent reaches it
// (generated functions follow at the end of the module: checked below).
func.func private @g(%x: tensor<3xf32>, %n: tensor<i32>) -> tensor<3xf32> {
  %s = "pb.sin"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  call @cb_print(%s, %n) : (tensor<3xf32>, tensor<i32>) -> ()
  return %s : tensor<3xf32>
}
func.func private @g_jvp(tensor<3xf32>, tensor<i32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "jvp", callee = @g, wrt = array<i64: 0>}}
func.func @jvp_main(%x: tensor<3xf32>, %n: tensor<i32>, %t: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %y, %ty = call @g_jvp(%x, %n, %t) : (tensor<3xf32>, tensor<i32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return %y, %ty : tensor<3xf32>, tensor<3xf32>
}

// pb-vjp (linearize, then transpose): the print reads primals, so it stays on the
// primal side and runs once; the transposed function has no callback.
// pb-inline keeps callback calls and their declarations (and drops other private functions).
// FLAT:         func.func private @cb_print(tensor<3xf32>, tensor<i32>) attributes {pb.host_callback
// FLAT-LABEL: func.func @vjp_main(
// FLAT-COUNT-1: call @cb_print(
// FLAT-NOT:     call @cb_print(
// FLAT:         return
// FLAT-NOT:     func.func private
func.func private @h(%x: tensor<3xf32>, %n: tensor<i32>) -> tensor<f32> {
  %s = "pb.sin"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  call @cb_print(%s, %n) : (tensor<3xf32>, tensor<i32>) -> ()
  %r = "pb.reduce_sum"(%s) {axes = array<i64: 0>} : (tensor<3xf32>) -> tensor<f32>
  return %r : tensor<f32>
}
func.func private @h_vjp(tensor<3xf32>, tensor<i32>, tensor<f32>) -> (tensor<f32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "vjp", callee = @h, wrt = array<i64: 0>}}
func.func @vjp_main(%x: tensor<3xf32>, %n: tensor<i32>, %ct: tensor<f32>) -> (tensor<f32>, tensor<3xf32>) {
  %y, %g = call @h_vjp(%x, %n, %ct) : (tensor<3xf32>, tensor<i32>, tensor<f32>) -> (tensor<f32>, tensor<3xf32>)
  return %y, %g : tensor<f32>, tensor<3xf32>
}

// pb-vmap calls the unbatched callback once per batch member and stacks its results.
// AD-LABEL: func.func @jvp_main(
// AD-LABEL: func.func @vmap_main(
// AD-LABEL: func.func private @k_vmap_2(
// AD-SAME:    %[[B:.+]]: tensor<2x3xf32>) -> tensor<2x3xf32>
// AD:         %[[S0:.+]] = "pb.slice"(%[[B]]) {limit_indices = array<i64: 1, 3>, start_indices = array<i64: 0, 0>
// AD:         %[[M0:.+]] = "pb.reshape"(%[[S0]])
// AD:         %[[R0:.+]] = call @cb_pure(%[[M0]])
// AD:         %[[S1:.+]] = "pb.slice"(%[[B]]) {limit_indices = array<i64: 2, 3>, start_indices = array<i64: 1, 0>
// AD:         %[[M1:.+]] = "pb.reshape"(%[[S1]])
// AD:         %[[R1:.+]] = call @cb_pure(%[[M1]])
// AD:         "pb.concatenate"({{.*}}) {dimension = 0 : i64} : (tensor<1x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
// AD-LABEL: func.func private @g_jvp_2(
// AD-SAME:    %[[X:.+]]: tensor<3xf32>, %[[N:.+]]: tensor<i32>, %[[T:.+]]: tensor<3xf32>)
// AD:         %[[S:.+]] = "pb.sin"(%[[X]])
// AD:         "pb.mul"(%[[T]],
// AD:         call @cb_print(%[[S]], %[[N]]) : (tensor<3xf32>, tensor<i32>) -> ()
// pb-linearize keeps it in the primal function, never in the linear one:
// AD-LABEL: func.func private @h_primal(
// AD:         call @cb_print(
// AD-LABEL: func.func private @h_lin(
// AD-NOT:     call
// AD-LABEL: func.func private @h_vjp_T(
// AD-NOT:     call
// AD:         return
func.func private @k(%x: tensor<3xf32>) -> tensor<3xf32> {
  %r = call @cb_pure(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}
func.func private @k_vmap(tensor<2x3xf32>) -> tensor<2x3xf32>
    attributes {pb.transform = {kind = "vmap", callee = @k, in_axes = array<i64: 0>, out_axes = array<i64: 0>, axis_size = 2 : i64}}
func.func @vmap_main(%b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = call @k_vmap(%b) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// Lowering: operands become read-only buffers, results caller-allocated out
// buffers of an external C function `_mlir_ciface_<declaration>` (the name
// ExecutionEngine.register_runtime defines).
// LOW-DAG:      func.func private @_mlir_ciface_cb_print(memref<3xf32>, memref<i32>)
// LOW-DAG:      func.func private @_mlir_ciface_cb_pure(memref<3xf32>, memref<3xf32>)
// LOW-NOT:      pb.host_callback
// LOW-LABEL:  func.func @effects(
// LOW:          bufferization.to_buffer %{{.+}} read_only : tensor<3xf32> to memref<3xf32>
// LOW:          bufferization.to_buffer %{{.+}} read_only : tensor<i32> to memref<i32>
// LOW:          call @_mlir_ciface_cb_print(
// LOW:          call @_mlir_ciface_cb_print(
// LOW:          %[[IN:.+]] = bufferization.to_buffer %arg0 read_only : tensor<3xf32> to memref<3xf32>
// LOW:          %[[OUT:.+]] = memref.alloc() : memref<3xf32>
// LOW:          call @_mlir_ciface_cb_pure(%[[IN]], %[[OUT]]) : (memref<3xf32>, memref<3xf32>) -> ()
// LOW:          bufferization.to_tensor %[[OUT]] restrict writable

// BUF-LABEL:  func.func @effects(
// BUF-SAME:     %[[X:arg[0-9]+]]: memref<3xf32>, %[[N:arg[0-9]+]]: memref<i32>
// BUF:          call @_mlir_ciface_cb_print(%[[S:.+]], %[[N]]) : (memref<3xf32>, memref<i32>) -> ()
// BUF:          call @_mlir_ciface_cb_print(%[[S]], %[[N]]) : (memref<3xf32>, memref<i32>) -> ()
// BUF:          %[[O:.+]] = memref.alloc() : memref<3xf32>
// BUF:          call @_mlir_ciface_cb_pure(%[[X]], %[[O]]) : (memref<3xf32>, memref<3xf32>) -> ()
// BUF-NOT:      tensor<
// BUF:          return

// -----

// expected-error @+1 {{malformed pb.host_callback attribute on @no_id: missing integer entry 'id'}}
func.func private @no_id(tensor<3xf32>) attributes {pb.host_callback = {name = "print"}}

// -----

// expected-error @+1 {{malformed pb.host_callback attribute on @not_dict: expected a dictionary}}
func.func private @not_dict(tensor<3xf32>) attributes {pb.host_callback = 7 : i64}

// -----

// expected-error @+1 {{@with_body carries pb.host_callback but has a body}}
func.func private @with_body(%x: tensor<3xf32>) attributes {pb.host_callback = {id = 1 : i64}} {
  return
}

// -----

// (upstream already rejects public declarations; pullback's verifier also checks
// modules built in Python)
// expected-error @+1 {{symbol declaration cannot have public visibility}}
func.func @public_cb(tensor<3xf32>) attributes {pb.host_callback = {id = 1 : i64}}

// -----

// expected-error @+1 {{host callback @dynamic: argument #0 must be a static tensor of a pb dtype}}
func.func private @dynamic(tensor<?xf32>) attributes {pb.host_callback = {id = 1 : i64}}

// -----

// A call must match the declared signature (the func dialect verifies every call).
func.func private @cb(tensor<3xf32>) -> tensor<3xf32> attributes {pb.host_callback = {id = 1 : i64}}
func.func @signature_mismatch(%x: tensor<2xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{operand type mismatch: expected operand type 'tensor<3xf32>', but provided 'tensor<2xf32>' for operand number 0}}
  %r = call @cb(%x) : (tensor<2xf32>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}

// -----

// A callback has no derivative: differentiating through a callback result is an error.
func.func private @cb(tensor<3xf32>) -> tensor<3xf32> attributes {pb.host_callback = {id = 1 : i64, name = "pure"}}
func.func private @f(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{pb-jvp: host callback 'pure' (@cb) has no derivative, but its result #0 depends on a differentiated value}}
  %r = call @cb(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}
func.func private @f_jvp(tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "jvp", callee = @f}}
func.func @jvp_of_result(%x: tensor<3xf32>, %t: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %y, %ty = call @f_jvp(%x, %t) : (tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return %y, %ty : tensor<3xf32>, tensor<3xf32>
}

// -----

// A callback applied to a linear value cannot be transposed (JAX: "Transpose doesn't
// support debugging callbacks"); differentiation never produces one.
func.func private @cb(tensor<3xf32>) attributes {pb.host_callback = {id = 1 : i64, name = "print"}}
func.func private @lin(%t: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{pb-transpose: host callback 'print' (@cb) reads a linear value (operand #0); callbacks cannot be transposed}}
  call @cb(%t) : (tensor<3xf32>) -> ()
  %r = "pb.neg"(%t) : (tensor<3xf32>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}
func.func private @lin_T(tensor<3xf32>) -> tensor<3xf32> attributes {pb.transform = {kind = "linear_transpose", callee = @lin}}
func.func @transpose_print(%c: tensor<3xf32>) -> tensor<3xf32> {
  %r = call @lin_T(%c) : (tensor<3xf32>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}
