// RUN: pullback-opt %s -pb-inline --split-input-file --verify-diagnostics | filecheck %s
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - -pb-inline --run=main --arg='[1.0, 2.0, -1.0]' \
// RUN:   | filecheck %s --check-prefix=NUM

// pb-inline inlines every call (transitively) into the public functions, then drops the
// private functions: the lowering compiles one flat entry function. The inlining itself is
// passes/cloning.py's (inline_calls / inline_body), which pb-linearize and pb-transpose
// share: recursive and body-less callees are reported at the call.

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:[^:]+]]: tensor<3xf32>)
// CHECK-NOT: call
// CHECK-NEXT: %[[SQ:.+]] = "pb.mul"(%[[X]], %[[X]])
// CHECK-NEXT: %[[SQ2:.+]] = "pb.mul"(%[[SQ]], %[[SQ]])
// CHECK-NEXT: %[[E:.+]] = "pb.exp"(%[[SQ2]])
// CHECK-NEXT: return %[[SQ]], %[[E]] : tensor<3xf32>, tensor<3xf32>
// Public functions stay (inlined too), private ones are gone.
// CHECK-LABEL: func.func @pub(
// CHECK-NOT: call
// CHECK: "pb.exp"
// CHECK-NOT: func.func private
// CHECK: // -----

// NUM: result[0]: tensor<3xf32> = [1.0, 4.0, 1.0]
// NUM: result[1]: tensor<3xf32> = [2.71828{{[0-9]*}}, 8.88611{{[0-9]*}}e+06, 2.71828{{[0-9]*}}]
func.func @main(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %0 = call @sq(%x) : (tensor<3xf32>) -> tensor<3xf32>
  %1 = call @pub(%0) : (tensor<3xf32>) -> tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}
func.func private @sq(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = "pb.mul"(%x, %x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func @pub(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = call @sq(%x) : (tensor<3xf32>) -> tensor<3xf32>
  %1 = "pb.exp"(%0) : (tensor<3xf32>) -> tensor<3xf32>
  return %1 : tensor<3xf32>
}
func.func private @unused(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}

// -----

// Multiple results, and a callee returning its argument.
// CHECK-LABEL: func.func @multi(
// CHECK-SAME: %[[A:[^:]+]]: tensor<2xf32>, %[[B:[^:]+]]: tensor<2xf32>)
// CHECK-NEXT: %[[S:.+]] = "pb.add"(%[[A]], %[[B]])
// CHECK-NEXT: %[[D:.+]] = "pb.sub"(%[[S]], %[[A]])
// CHECK-NEXT: return %[[D]], %[[S]]
// CHECK: // -----
func.func @multi(%a: tensor<2xf32>, %b: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %0:2 = call @pair(%a, %b) : (tensor<2xf32>, tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>)
  %1 = "pb.sub"(%0#1, %0#0) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %1, %0#1 : tensor<2xf32>, tensor<2xf32>
}
func.func private @pair(%a: tensor<2xf32>, %b: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %0 = "pb.add"(%a, %b) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %a, %0 : tensor<2xf32>, tensor<2xf32>
}

// -----

// A call of a function without a body cannot be inlined: a diagnostic at the call.
func.func private @ext(tensor<3xf32>) -> tensor<3xf32>
func.func @calls_ext(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error-re @+1 {{{{.*}}@ext{{.*}}}}
  %0 = call @ext(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
