// RUN: pullback-opt %s -pb-jvp --split-input-file --verify-diagnostics | filecheck %s
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - -pb-jvp --run=main --arg='[0.5, 1.0, -2.0]' --arg='[1.0, 2.0, 0.5]' \
// RUN:   | filecheck %s --check-prefix=NUM

// pb-jvp defines each `jvp` request (a declaration tagged pb.transform) as a call of a
// generated function @f_jvp(x, t) -> (f(x), df(x) t): each op is re-emitted on the
// primals and followed by its JVP rule applied to the tangents.

// The request becomes a call; the generated function holds the product and chain rules.
// CHECK-LABEL: func.func @sin_x(
// CHECK-LABEL: func.func private @sin_x_jvp(
// CHECK-SAME: %[[X0:.+]]: tensor<3xf32>, %[[T0:.+]]: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
// CHECK-NEXT: %[[R:.+]]:2 = call @[[GEN:[A-Za-z0-9_]+]](%[[X0]], %[[T0]])
// CHECK-NEXT: return %[[R]]#0, %[[R]]#1
// CHECK-LABEL: func.func @main(
// CHECK: call @sin_x_jvp(
// CHECK: func.func private @[[GEN]](
// CHECK-SAME: %[[X:.+]]: tensor<3xf32>, %[[T:.+]]: tensor<3xf32>)
// CHECK-DAG: %[[S:.+]] = "pb.sin"(%[[X]])
// CHECK-DAG: %[[C:.+]] = "pb.cos"(%[[X]])
// CHECK-DAG: %[[TC:.+]] = "pb.mul"(%[[T]], %[[C]])
// CHECK-DAG: %[[Y:.+]] = "pb.mul"(%[[S]], %[[X]])
// CHECK-DAG: %[[A:.+]] = "pb.mul"(%[[TC]], %[[X]])
// CHECK-DAG: %[[B:.+]] = "pb.mul"(%[[S]], %[[T]])
// CHECK: %[[TY:.+]] = "pb.add"(%[[A]], %[[B]])
// CHECK: return %[[Y]], %[[TY]] : tensor<3xf32>, tensor<3xf32>
// CHECK-NOT: pb.transform
// CHECK: // -----

// Numbers: y = sin(x) x, ty = (cos(x) x + sin(x)) t.
// NUM: result[0]: tensor<3xf32> = [0.23971{{[0-9]*}}, 0.84147{{[0-9]*}}, 1.81859{{[0-9]*}}]
// NUM: result[1]: tensor<3xf32> = [0.91821{{[0-9]*}}, 2.76354{{[0-9]*}}, -0.038501{{[0-9]*}}]
func.func @sin_x(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = "pb.sin"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  %1 = "pb.mul"(%0, %x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %1 : tensor<3xf32>
}
func.func private @sin_x_jvp(tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "jvp", callee = @sin_x}}
func.func @main(%x: tensor<3xf32>, %t: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %y, %ty = call @sin_x_jvp(%x, %t) : (tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return %y, %ty : tensor<3xf32>, tensor<3xf32>
}

// -----

// Calls are differentiated by calling the callee's JVP function, generated once
// however many calls there are.
// CHECK-LABEL: func.func private @twice_jvp(
// CHECK: call @[[TWICE:[A-Za-z0-9_]+]](
// CHECK: func.func private @[[TWICE]](
// CHECK-SAME: %[[X:[^:]+]]: tensor<3xf32>, %[[T:[^:]+]]: tensor<3xf32>)
// CHECK-NEXT: %[[A:.+]]:2 = call @[[EXPJ:[A-Za-z0-9_]+]](%[[X]], %[[T]])
// CHECK-NEXT: %[[B:.+]]:2 = call @[[EXPJ]](%[[A]]#0, %[[A]]#1)
// CHECK-NEXT: return %[[B]]#0, %[[B]]#1
// CHECK: func.func private @[[EXPJ]](
// CHECK-SAME: %[[X:[^:]+]]: tensor<3xf32>, %[[T:[^:]+]]: tensor<3xf32>)
// CHECK-NEXT: %[[E:.+]] = "pb.exp"(%[[X]])
// CHECK-NEXT: %[[TE:.+]] = "pb.mul"(%[[T]], %[[E]])
// CHECK-NEXT: return %[[E]], %[[TE]]
// CHECK-NOT: "pb.exp"
// CHECK: // -----
func.func @twice(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = call @exp(%x) : (tensor<3xf32>) -> tensor<3xf32>
  %1 = call @exp(%0) : (tensor<3xf32>) -> tensor<3xf32>
  return %1 : tensor<3xf32>
}
func.func private @exp(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = "pb.exp"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func private @twice_jvp(tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "jvp", callee = @twice}}

// -----

// Integer values carry no tangent: their tangent inputs are ignored, ops on them are
// copied without a rule, and their (and their float descendants') output tangents are
// zero constants.
// CHECK-LABEL: func.func private @mixed_jvp(
// CHECK: call @[[MIXED:[A-Za-z0-9_]+]](
// CHECK: func.func private @[[MIXED]](
// CHECK-SAME: %[[X:[^:]+]]: tensor<2xf32>, %[[N:[^:]+]]: tensor<2xi32>, %[[TX:[^:]+]]: tensor<2xf32>, %[[TN:[^:]+]]: tensor<2xi32>)
// CHECK-NOT: %[[TN]]
// CHECK-DAG: %[[F:.+]] = "pb.convert_element_type"(%[[N]])
// CHECK-DAG: %[[Y:.+]] = "pb.mul"(%[[X]], %[[F]])
// CHECK-DAG: %[[TY:.+]] = "pb.mul"(%[[TX]], %[[F]])
// CHECK-DAG: %[[M:.+]] = "pb.add"(%[[N]], %[[N]])
// CHECK-DAG: %[[E:.+]] = "pb.exp"(%[[F]])
// CHECK-DAG: %[[ZI:.+]] = "pb.constant"() {value = dense<0> : tensor<2xi32>}
// CHECK-DAG: %[[ZF:.+]] = "pb.constant"() {value = dense<0.000000e+00> : tensor<2xf32>}
// CHECK: return %[[Y]], %[[M]], %[[E]], %[[TY]], %[[ZI]], %[[ZF]]
func.func @mixed(%x: tensor<2xf32>, %n: tensor<2xi32>) -> (tensor<2xf32>, tensor<2xi32>, tensor<2xf32>) {
  %0 = "pb.convert_element_type"(%n) {new_dtype = "float32"} : (tensor<2xi32>) -> tensor<2xf32>
  %1 = "pb.mul"(%x, %0) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %2 = "pb.add"(%n, %n) : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  %3 = "pb.exp"(%0) : (tensor<2xf32>) -> tensor<2xf32>
  return %1, %2, %3 : tensor<2xf32>, tensor<2xi32>, tensor<2xf32>
}
func.func private @mixed_jvp(tensor<2xf32>, tensor<2xi32>, tensor<2xf32>, tensor<2xi32>)
    -> (tensor<2xf32>, tensor<2xi32>, tensor<2xf32>, tensor<2xf32>, tensor<2xi32>, tensor<2xf32>)
    attributes {pb.transform = {kind = "jvp", callee = @mixed}}

// -----

// A jvp of a jvp is served once the inner one has a body (second derivatives):
// d/dx (cos(x) t) along s is -sin(x) s t, plus cos(x) times the tangent of t.
// CHECK-LABEL: func.func private @s_jvp_jvp(
// CHECK: call @[[OUTER:[A-Za-z0-9_]+]](
// CHECK: func.func private @[[OUTER]](
// CHECK: call @[[INNER2:[A-Za-z0-9_]+]](
// CHECK: func.func private @[[INNER2]](
// CHECK-SAME: %[[X:[^:]+]]: tensor<f64>, %[[T:[^:]+]]: tensor<f64>, %[[S:[^:]+]]: tensor<f64>, %[[ST:[^:]+]]: tensor<f64>)
// CHECK-DAG: "pb.sin"(%[[X]])
// CHECK-DAG: "pb.cos"(%[[X]])
// CHECK-DAG: "pb.neg"
// CHECK-DAG: "pb.mul"(%[[ST]], %{{.+}})
// CHECK: "pb.add"
// CHECK: return %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} : tensor<f64>, tensor<f64>, tensor<f64>, tensor<f64>
// CHECK: // -----
func.func @s(%x: tensor<f64>) -> tensor<f64> {
  %0 = "pb.sin"(%x) : (tensor<f64>) -> tensor<f64>
  return %0 : tensor<f64>
}
func.func private @s_jvp(tensor<f64>, tensor<f64>) -> (tensor<f64>, tensor<f64>)
    attributes {pb.transform = {kind = "jvp", callee = @s}}
func.func private @s_jvp_jvp(tensor<f64>, tensor<f64>, tensor<f64>, tensor<f64>)
    -> (tensor<f64>, tensor<f64>, tensor<f64>, tensor<f64>)
    attributes {pb.transform = {kind = "jvp", callee = @s_jvp}}

// -----

// Only pb ops (and calls) can be differentiated.
func.func @upstream(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{pb-jvp cannot differentiate 'arith.addf'}}
  %0 = arith.addf %x, %x : tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func private @upstream_jvp(tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "jvp", callee = @upstream}}

// -----

// The declared signature must be the jvp of the callee's: (x, t) -> (y, ty).
func.func @id(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}
// expected-error @+1 {{@id_jvp must have type (tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) to be the jvp of @id, got (tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)}}
func.func private @id_jvp(tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "jvp", callee = @id}}

// -----

// The callee must be a function of the module.
// expected-error @+1 {{@missing_jvp is the jvp of @missing, which is not a function of the module}}
func.func private @missing_jvp(tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "jvp", callee = @missing}}

// -----

// A request is a declaration: the pass provides its body.
func.func @id2(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}
// expected-error @+1 {{@id2_jvp carries pb.transform but has a body}}
func.func private @id2_jvp(%x: tensor<3xf32>, %t: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "jvp", callee = @id2}} {
  return %x, %t : tensor<3xf32>, tensor<3xf32>
}
