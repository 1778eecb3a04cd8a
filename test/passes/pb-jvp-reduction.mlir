// RUN: pullback-opt %s -pb-jvp | filecheck %s

// reduce_sum is linear: its JVP applies the same reduction to the tangent.
// CHECK-LABEL: func.func @sum(
// The request's declaration gets a body calling the generated JVP function.
// CHECK-LABEL: func.func private @sum_jvp(
// CHECK-SAME: %[[X:.+]]: tensor<2x3xf32>, %[[T:.+]]: tensor<2x3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
// CHECK: %[[R:.+]]:2 = call @sum_jvp_{{[0-9]+}}(%[[X]], %[[T]])
// CHECK: return %[[R]]#0, %[[R]]#1
// CHECK-LABEL: func.func @call_sum(
// CHECK: call @sum_jvp(
func.func @sum(%x: tensor<2x3xf32>) -> tensor<3xf32> {
  %0 = "pb.reduce_sum"(%x) {axes = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func private @sum_jvp(tensor<2x3xf32>, tensor<2x3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "jvp", callee = @sum}}
func.func @call_sum(%x: tensor<2x3xf32>, %t: tensor<2x3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %0:2 = func.call @sum_jvp(%x, %t) : (tensor<2x3xf32>, tensor<2x3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return %0#0, %0#1 : tensor<3xf32>, tensor<3xf32>
}

// reduce_max: the tangent summed over the locations equal to the maximum, divided
// by how many there are (ties share the tangent, as in JAX).
// CHECK-LABEL: func.func @max(
// CHECK-LABEL: func.func private @max_jvp(
// CHECK: call @max_jvp_{{[0-9]+}}(
// CHECK-LABEL: func.func @call_max(
// CHECK: call @max_jvp(

// CHECK-LABEL: func.func private @sum_jvp_{{[0-9]+}}(
// CHECK-SAME: %[[X:.+]]: tensor<2x3xf32>, %[[T:.+]]: tensor<2x3xf32>)
// CHECK-DAG: %[[Y:.+]] = "pb.reduce_sum"(%[[X]]) {axes = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<3xf32>
// CHECK-DAG: %[[TY:.+]] = "pb.reduce_sum"(%[[T]]) {axes = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<3xf32>
// CHECK: return %[[Y]], %[[TY]] : tensor<3xf32>, tensor<3xf32>

// CHECK-LABEL: func.func private @max_jvp_{{[0-9]+}}(
// CHECK-SAME: %[[X:.+]]: tensor<2x3xf32>, %[[T:.+]]: tensor<2x3xf32>)
// CHECK: %[[Y:.+]] = "pb.reduce_max"(%[[X]]) {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2xf32>
// CHECK: %[[YB:.+]] = "pb.broadcast_in_dim"(%[[Y]]) {broadcast_dimensions = array<i64: 0>, shape = array<i64: 2, 3>} : (tensor<2xf32>) -> tensor<2x3xf32>
// CHECK: %[[EQ:.+]] = "pb.compare"(%[[X]], %[[YB]]) {direction = "EQ"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
// CHECK: %[[AT:.+]] = "pb.convert_element_type"(%[[EQ]]) {new_dtype = "float32"} : (tensor<2x3xi1>) -> tensor<2x3xf32>
// CHECK: %[[N:.+]] = "pb.reduce_sum"(%[[AT]]) {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2xf32>
// CHECK: %[[TM:.+]] = "pb.mul"(%[[T]], %[[AT]])
// CHECK: %[[TS:.+]] = "pb.reduce_sum"(%[[TM]]) {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2xf32>
// CHECK: %[[TY:.+]] = "pb.div"(%[[TS]], %[[N]]) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
// CHECK: return %[[Y]], %[[TY]] : tensor<2xf32>, tensor<2xf32>
func.func @max(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  %0 = "pb.reduce_max"(%x) {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
func.func private @max_jvp(tensor<2x3xf32>, tensor<2x3xf32>) -> (tensor<2xf32>, tensor<2xf32>)
    attributes {pb.transform = {kind = "jvp", callee = @max}}
func.func @call_max(%x: tensor<2x3xf32>, %t: tensor<2x3xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %0:2 = func.call @max_jvp(%x, %t) : (tensor<2x3xf32>, tensor<2x3xf32>) -> (tensor<2xf32>, tensor<2xf32>)
  return %0#0, %0#1 : tensor<2xf32>, tensor<2xf32>
}
