// RUN: pullback-opt %s -pb-linearize --split-input-file --verify-diagnostics | filecheck %s
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - -pb-linearize --run=main --arg='[0.5, 1.0, -2.0]' --arg='[1.0, 2.0, 0.5]' \
// RUN:   | filecheck %s --check-prefix=NUM

// pb-linearize splits the JVP of @f by partial evaluation: @f_primal(x) -> (y, residuals)
// holds everything that does not depend on the tangent, @f_lin(residuals, t) -> ty the
// rest, which is linear in t. A `linearize` request calls one then the other. The split
// is passes/autodiff/partial_eval.py's, which pb-transpose shares.

// CHECK-LABEL: func.func private @f_lin(
// CHECK-SAME: %[[X0:[^:]+]]: tensor<3xf32>, %[[T0:[^:]+]]: tensor<3xf32>)
// CHECK-NEXT: %[[P:.+]]:4 = call @[[PRIMAL:[A-Za-z0-9_]+]](%[[X0]]) : (tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>)
// CHECK-NEXT: %[[L:.+]] = call @[[LIN:[A-Za-z0-9_]+]](%[[P]]#1, %[[P]]#2, %[[P]]#3, %[[T0]])
// CHECK-NEXT: return %[[P]]#0, %[[L]]

// The primal function computes y and the residuals (cos x, x, 2 sin x), never a tangent.
// CHECK: func.func private @[[PRIMAL]](%[[X:[^:]+]]: tensor<3xf32>)
// CHECK-DAG: %[[C:.+]] = "pb.constant"() {value = dense<2.000000e+00> : tensor<3xf32>}
// CHECK-DAG: %[[SIN:.+]] = "pb.sin"(%[[X]])
// CHECK-DAG: %[[COS:.+]] = "pb.cos"(%[[X]])
// CHECK-DAG: %[[S2:.+]] = "pb.mul"(%[[SIN]], %[[C]])
// CHECK-DAG: %[[Y:.+]] = "pb.mul"(%[[S2]], %[[X]])
// CHECK: return %[[Y]], %[[COS]], %[[X]], %[[S2]]

// The linear function: residuals first, then the tangent; the constant is rebuilt
// here rather than passed, and no transcendental is left.
// CHECK: func.func private @[[LIN]](%[[RCOS:[^:]+]]: tensor<3xf32>, %[[RX:[^:]+]]: tensor<3xf32>, %[[RS2:[^:]+]]: tensor<3xf32>, %[[T:[^:]+]]: tensor<3xf32>) -> tensor<3xf32>
// CHECK-NOT: pb.sin
// CHECK-NOT: pb.cos
// CHECK-DAG: %[[A:.+]] = "pb.mul"(%[[T]], %[[RCOS]])
// CHECK-DAG: %[[C2:.+]] = "pb.constant"() {value = dense<2.000000e+00> : tensor<3xf32>}
// CHECK-DAG: %[[B:.+]] = "pb.mul"(%[[A]], %[[C2]])
// CHECK-DAG: %[[D:.+]] = "pb.mul"(%[[B]], %[[RX]])
// CHECK-DAG: %[[E:.+]] = "pb.mul"(%[[RS2]], %[[T]])
// CHECK: %[[TY:.+]] = "pb.add"(%[[D]], %[[E]])
// CHECK-NEXT: return %[[TY]] : tensor<3xf32>
// CHECK: // -----

// Numbers: y = 2 sin(x) x, ty = 2 (cos(x) x + sin(x)) t.
// NUM: result[0]: tensor<3xf32> = [0.47942{{[0-9]*}}, 1.68294{{[0-9]*}}, 3.63718{{[0-9]*}}]
// NUM: result[1]: tensor<3xf32> = [1.83643{{[0-9]*}}, 5.52709{{[0-9]*}}, -0.077003{{[0-9]*}}]
func.func @f(%x: tensor<3xf32>) -> tensor<3xf32> {
  %c = "pb.constant"() {value = dense<2.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %0 = "pb.sin"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  %1 = "pb.mul"(%0, %c) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %2 = "pb.mul"(%1, %x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %2 : tensor<3xf32>
}
func.func private @f_lin(tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "linearize", callee = @f}}
func.func @main(%x: tensor<3xf32>, %t: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %y, %ty = call @f_lin(%x, %t) : (tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return %y, %ty : tensor<3xf32>, tensor<3xf32>
}

// -----

// Several inputs and outputs; an output that does not depend on the inputs gets a zero
// tangent built in the linear function, and calls are inlined before the split.
// CHECK-LABEL: func.func private @g_lin(
// CHECK: %[[P:.+]]:{{[0-9]+}} = call @[[PRIMAL:[A-Za-z0-9_]+]](%arg0, %arg1)
// CHECK: %[[L:.+]]:2 = call @[[LIN:[A-Za-z0-9_]+]](
// CHECK-NEXT: return %[[P]]#0, %[[P]]#1, %[[L]]#0, %[[L]]#1
// CHECK: func.func private @[[PRIMAL]](
// CHECK-NOT: call
// CHECK: return
// CHECK: func.func private @[[LIN]](
// CHECK-NOT: call
// CHECK-NOT: "pb.exp"
// CHECK: %[[Z:.+]] = "pb.constant"() {value = dense<0.000000e+00> : tensor<2xf32>}
// CHECK: return %{{.+}}, %[[Z]] : tensor<2xf32>, tensor<2xf32>
// CHECK: // -----
func.func @g(%x: tensor<2xf32>, %y: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %0 = call @h(%x, %y) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %c = "pb.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  return %0, %c : tensor<2xf32>, tensor<2xf32>
}
func.func private @h(%x: tensor<2xf32>, %y: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "pb.exp"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  %1 = "pb.mul"(%0, %y) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %1 : tensor<2xf32>
}
func.func private @g_lin(tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>)
    -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>)
    attributes {pb.transform = {kind = "linearize", callee = @g}}

// -----

// The declared signature must be the linearization of the callee's: (x, t) -> (y, ty).
func.func @id(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}
// expected-error @+1 {{@id_lin must have type (tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) to be the linearize of @id, got (tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>)}}
func.func private @id_lin(tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
    attributes {pb.transform = {kind = "linearize", callee = @id}}

// -----

// expected-error @+1 {{@missing_lin is the linearize of @missing, which is not a function of the module}}
func.func private @missing_lin(tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "linearize", callee = @missing}}

// -----

// Linearizing goes through the JVP: an op without one is reported where it is.
func.func @upstream(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{pb-jvp cannot differentiate 'math.exp'}}
  %0 = math.exp %x : tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func private @upstream_lin(tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "linearize", callee = @upstream}}
