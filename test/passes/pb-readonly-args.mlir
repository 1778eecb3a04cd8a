// RUN: pullback-opt %s -pb-readonly-args --split-input-file --verify-diagnostics | filecheck %s
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - --pass-pipeline='builtin.module(pb-to-linalg,pb-readonly-args,one-shot-bufferize{bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map})' \
// RUN:   | filecheck %s --check-prefix=BUF
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - --pass-pipeline='builtin.module(pb-to-linalg,one-shot-bufferize{bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map})' \
// RUN:   | filecheck %s --check-prefix=INPLACE

// pb-readonly-args (passes/readonly_args.py) runs on tensors right before one-shot-bufferize:
// every argument of
// every public function with a body gets bufferization.writable = false, so that
// bufferization never writes into the caller's (immutable) arrays and copies instead.
// Private functions and declarations are not entry points and are left alone. The pass
// never reports a diagnostic.
//
// There is no end-to-end run here: `--run` passes fresh arrays, so a write into an input
// would not show in the printed results. The BUF and INPLACE runs show the effect at the
// buffer level instead.

// A dynamic_update_slice of an argument: one-shot bufferization would update the
// argument's buffer in place (INPLACE). Read-only arguments make it copy the argument
// into a new buffer and update that (BUF).
// CHECK-LABEL: func.func @update(
// CHECK-SAME: %{{[^:]+}}: tensor<4xf32> {bufferization.writable = false},
// CHECK-SAME: %{{[^:]+}}: tensor<2xf32> {bufferization.writable = false},
// CHECK-SAME: %{{[^:]+}}: tensor<i32> {bufferization.writable = false}) -> tensor<4xf32>
// CHECK: "pb.dynamic_update_slice"
// BUF-LABEL: func.func @update(
// BUF-SAME: %[[X:[^:]+]]: memref<4xf32>, %[[U:[^:]+]]: memref<2xf32>, %{{[^:]+}}: memref<i32>) -> memref<4xf32>
// BUF: %[[NEW:.+]] = memref.alloc() {{.*}}: memref<4xf32>
// BUF-NEXT: memref.copy %[[X]], %[[NEW]] : memref<4xf32> to memref<4xf32>
// BUF-NEXT: %[[VIEW:.+]] = memref.subview %[[NEW]][
// BUF-NEXT: memref.copy %[[U]], %[[VIEW]]
// BUF-NEXT: return %[[NEW]] : memref<4xf32>
// INPLACE-LABEL: func.func @update(
// INPLACE-SAME: %[[X:[^:]+]]: memref<4xf32>, %[[U:[^:]+]]: memref<2xf32>, %{{[^:]+}}: memref<i32>) -> memref<4xf32>
// INPLACE-NOT: memref.alloc
// INPLACE: %[[VIEW:.+]] = memref.subview %[[X]][
// INPLACE-NEXT: memref.copy %[[U]], %[[VIEW]]
// INPLACE-NEXT: return %[[X]] : memref<4xf32>
func.func @update(%x: tensor<4xf32>, %u: tensor<2xf32>, %i: tensor<i32>) -> tensor<4xf32> {
  %0 = "pb.dynamic_update_slice"(%x, %u, %i) : (tensor<4xf32>, tensor<2xf32>, tensor<i32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Every argument is marked, scalars included; attributes an argument already has are
// kept, and a writable = true is overridden.
// CHECK-LABEL: func.func @insert(
// CHECK-SAME: %[[X:[^:]+]]: tensor<4xf32> {bufferization.writable = false},
// CHECK-SAME: %[[I:[^:]+]]: index {bufferization.writable = false, foo.bar = 1 : i32},
// CHECK-SAME: %[[Y:[^:]+]]: tensor<4xf32> {bufferization.writable = false}) -> tensor<4xf32>
// CHECK: tensor.insert %{{.+}} into %[[X]][%[[I]]] : tensor<4xf32>
func.func @insert(%x: tensor<4xf32>, %i: index {foo.bar = 1 : i32}, %y: tensor<4xf32> {bufferization.writable = true}) -> tensor<4xf32> {
  %c = arith.constant 1.0 : f32
  %0 = tensor.insert %c into %x[%i] : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// Private functions are not entry points: left unchanged.
// CHECK-LABEL: func.func private @helper(
// CHECK-SAME: %{{[^:]+}}: tensor<4xf32>) -> tensor<4xf32> {
func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// Declarations have no arguments to mark: left unchanged.
// CHECK-LABEL: func.func private @external(tensor<4xf32>) -> tensor<4xf32>
// CHECK-NOT: bufferization.writable
func.func private @external(tensor<4xf32>) -> tensor<4xf32>

// -----

// A public function without arguments keeps its signature, and its private callee is
// left as it is.
// CHECK-LABEL: func.func @no_args() -> tensor<2xf32> {
// CHECK-LABEL: func.func private @callee(
// CHECK-SAME: %{{[^:]+}}: tensor<2xf32>) -> tensor<2xf32>
// CHECK-NOT: bufferization.writable
func.func @no_args() -> tensor<2xf32> {
  %0 = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %1 = func.call @callee(%0) : (tensor<2xf32>) -> tensor<2xf32>
  return %1 : tensor<2xf32>
}
func.func private @callee(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}
