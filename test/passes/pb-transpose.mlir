// RUN: pullback-opt %s -pb-transpose --split-input-file --verify-diagnostics | filecheck %s
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - -pb-transpose --run=main --arg='[0.0, 1.0, -1.0]' --arg='[1.0, 2.0, 3.0]' \
// RUN:   | filecheck %s --check-prefix=NUM

// pb-transpose defines a `linear_transpose` request of @f(nonlinear..., linear...) -> outs
// as @f_T(nonlinear..., cotangents of outs) -> cotangents of the linear inputs: ops on
// non-linear values only are recomputed first, then the linear ops are visited in
// reverse, each applying its transpose rule.

// CHECK-LABEL: func.func private @scale_T(
// CHECK-NEXT: %[[R:.+]] = call @[[GEN:[A-Za-z0-9_]+]](%arg0, %arg1)
// CHECK-NEXT: return %[[R]]
// CHECK: func.func private @[[GEN]](%[[A:[^:]+]]: tensor<3xf32>, %[[CT:[^:]+]]: tensor<3xf32>) -> tensor<3xf32>
// CHECK-NEXT: %[[E:.+]] = "pb.exp"(%[[A]])
// CHECK-NEXT: %[[N:.+]] = "pb.neg"(%[[CT]])
// CHECK-NEXT: %[[M:.+]] = "pb.mul"(%[[E]], %[[N]])
// CHECK-NEXT: return %[[M]] : tensor<3xf32>
// CHECK: // -----

// Numbers: the transpose of t -> -exp(a) t is c -> -exp(a) c.
// NUM: result[0]: tensor<3xf32> = [-1.0, -5.43656{{[0-9]*}}, -1.10363{{[0-9]*}}]
func.func @scale(%a: tensor<3xf32>, %t: tensor<3xf32>) -> tensor<3xf32> {
  %e = "pb.exp"(%a) : (tensor<3xf32>) -> tensor<3xf32>
  %0 = "pb.mul"(%e, %t) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %1 = "pb.neg"(%0) : (tensor<3xf32>) -> tensor<3xf32>
  return %1 : tensor<3xf32>
}
func.func private @scale_T(tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
    attributes {pb.transform = {kind = "linear_transpose", callee = @scale, num_nonlinear = 1}}
func.func @main(%a: tensor<3xf32>, %c: tensor<3xf32>) -> tensor<3xf32> {
  %0 = call @scale_T(%a, %c) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// A value used twice sums its cotangents (fan-out), one returned as is takes the output
// cotangent directly, and an unused linear input gets a zero cotangent.
// CHECK-LABEL: func.func private @fan_T(
// CHECK: func.func private @{{[A-Za-z0-9_]+}}(%[[C1:[^:]+]]: tensor<2xf32>, %[[C2:[^:]+]]: tensor<2xf32>)
// CHECK-SAME: -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>)
// CHECK-DAG: %[[CU:.+]] = "pb.neg"(%[[C1]])
// CHECK-DAG: %[[S1:.+]] = "pb.add"(%[[C2]], %[[C1]])
// CHECK-DAG: %[[CT:.+]] = "pb.add"(%[[S1]], %[[C1]])
// CHECK-DAG: %[[CV:.+]] = "pb.constant"() {value = dense<0.000000e+00> : tensor<2xf32>}
// CHECK: return %[[CT]], %[[CU]], %[[CV]]
// CHECK: // -----
func.func @fan(%t: tensor<2xf32>, %u: tensor<2xf32>, %v: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %0 = "pb.add"(%t, %t) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = "pb.sub"(%0, %u) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %1, %t : tensor<2xf32>, tensor<2xf32>
}
func.func private @fan_T(tensor<2xf32>, tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>)
    attributes {pb.transform = {kind = "linear_transpose", callee = @fan}}

// -----

// Ops linear in some operands only: select in its branches (not the predicate), div in
// its numerator; conversions transpose to the reverse conversion. Constants of the
// non-linear part are rebuilt.
// CHECK-LABEL: func.func private @sel_T(
// CHECK: func.func private @{{[A-Za-z0-9_]+}}(%[[P:[^:]+]]: tensor<2xi1>, %[[A:[^:]+]]: tensor<2xf32>, %[[C:[^:]+]]: tensor<2xf32>)
// CHECK-SAME: -> (tensor<2xf32>, tensor<2xf64>)
// CHECK-DAG: %[[CN:.+]] = "pb.convert_element_type"(%[[C]]) {new_dtype = "float64"} : (tensor<2xf32>) -> tensor<2xf64>
// CHECK-DAG: %[[D:.+]] = "pb.div"(%[[C]], %[[A]])
// CHECK-DAG: "pb.constant"() {value = dense<0.000000e+00> : tensor<2xf32>}
// CHECK: %[[CT:.+]] = "pb.select"(%[[P]], %[[D]], %{{.+}})
// CHECK: return %[[CT]], %[[CN]] : tensor<2xf32>, tensor<2xf64>
// CHECK: // -----
func.func @sel(%p: tensor<2xi1>, %a: tensor<2xf32>, %t: tensor<2xf32>, %n: tensor<2xf64>) -> tensor<2xf32> {
  %z = "pb.constant"() {value = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %0 = "pb.select"(%p, %t, %z) : (tensor<2xi1>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = "pb.div"(%0, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %2 = "pb.convert_element_type"(%n) {new_dtype = "float32"} : (tensor<2xf64>) -> tensor<2xf32>
  %3 = "pb.add"(%1, %2) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %3 : tensor<2xf32>
}
func.func private @sel_T(tensor<2xi1>, tensor<2xf32>, tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf64>)
    attributes {pb.transform = {kind = "linear_transpose", callee = @sel, num_nonlinear = 2}}

// -----

// Non-linear functions are diagnosed at the offending op.
func.func @square(%t: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{pb-transpose: the function is not linear: 'pb.mul' multiplies two linear values}}
  %0 = "pb.mul"(%t, %t) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func private @square_T(tensor<3xf32>) -> tensor<3xf32>
    attributes {pb.transform = {kind = "linear_transpose", callee = @square}}

// -----

func.func @sine(%t: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{pb-transpose: the function is not linear: 'pb.sin' is applied to a linear value and has no transpose rule}}
  %0 = "pb.sin"(%t) : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func private @sine_T(tensor<3xf32>) -> tensor<3xf32>
    attributes {pb.transform = {kind = "linear_transpose", callee = @sine}}

// -----

func.func @reciprocal(%a: tensor<3xf32>, %t: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{pb-transpose: the function is not linear: 'pb.div' is not linear in operand #1}}
  %0 = "pb.div"(%a, %t) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func private @reciprocal_T(tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
    attributes {pb.transform = {kind = "linear_transpose", callee = @reciprocal, num_nonlinear = 1}}

// -----

func.func @upstream(%t: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{pb-transpose: the function is not linear: 'arith.negf' is applied to a linear value and has no transpose rule}}
  %0 = arith.negf %t : tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func private @upstream_T(tensor<3xf32>) -> tensor<3xf32>
    attributes {pb.transform = {kind = "linear_transpose", callee = @upstream}}

// -----

// The request itself: num_nonlinear in range, the transposed signature, an existing callee.
func.func @id(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}
// expected-error @+1 {{num_nonlinear=2 is out of range for a function of 1 inputs}}
func.func private @id_T(tensor<3xf32>) -> tensor<3xf32>
    attributes {pb.transform = {kind = "linear_transpose", callee = @id, num_nonlinear = 2}}

// -----

func.func @id(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}
// expected-error @+1 {{@id_T must have type (tensor<3xf32>) -> (tensor<3xf32>) to be the linear_transpose of @id, got (tensor<3xf64>) -> (tensor<3xf32>)}}
func.func private @id_T(tensor<3xf64>) -> tensor<3xf32>
    attributes {pb.transform = {kind = "linear_transpose", callee = @id}}

// -----

// expected-error @+1 {{@missing_T is the linear_transpose of @missing, which is not a function of the module}}
func.func private @missing_T(tensor<3xf32>) -> tensor<3xf32>
    attributes {pb.transform = {kind = "linear_transpose", callee = @missing}}
