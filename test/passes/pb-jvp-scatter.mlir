// RUN: pullback-opt %s -pb-jvp --split-input-file --verify-diagnostics | filecheck %s
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - -pb-jvp --run=main --arg='[0.0, 2.0, 0.0, 5.0]' \
// RUN:   --arg='[2.0, 1.0, 7.0]' --arg='[1.0, 2.0, 3.0, 4.0]' --arg='[10.0, 20.0, 30.0]' \
// RUN:   | filecheck %s --check-prefix=NUM

// JVPs of the combining scatters (JAX's rules). scatter_max passes the tangent of the
// winner; where the operand and updates tie, their average. Element 1: the operand (2)
// ties with update 0 (2); update 1 (1) loses; update 2 (index 9) is dropped. So the
// tangent there is (2 + 10) / 2 and elsewhere the operand's.
// CHECK-LABEL: func.func private @smax_jvp(
// CHECK: "pb.scatter_max"
// CHECK: "pb.compare"
// CHECK: "pb.scatter_add"
// CHECK: "pb.div"
// NUM: result[0]: tensor<4xf32> = [0.0, 2.0, 0.0, 5.0]
// NUM: result[1]: tensor<4xf32> = [1.0, 6.0, 3.0, 4.0]
func.func @smax(%x: tensor<4xf32>, %u: tensor<3xf32>) -> tensor<4xf32> {
  %i = "pb.constant"() {value = dense<[[1], [1], [9]]> : tensor<3x1xi32>} : () -> tensor<3x1xi32>
  %0 = "pb.scatter_max"(%x, %i, %u) {update_window_dims = array<i64>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<4xf32>, tensor<3x1xi32>, tensor<3xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func private @smax_jvp(tensor<4xf32>, tensor<3xf32>, tensor<4xf32>, tensor<3xf32>) -> (tensor<4xf32>, tensor<4xf32>)
    attributes {pb.transform = {kind = "jvp", callee = @smax}}
func.func @main(%x: tensor<4xf32>, %u: tensor<3xf32>, %tx: tensor<4xf32>, %tu: tensor<3xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %y, %ty = call @smax_jvp(%x, %u, %tx, %tu) : (tensor<4xf32>, tensor<3xf32>, tensor<4xf32>, tensor<3xf32>) -> (tensor<4xf32>, tensor<4xf32>)
  return %y, %ty : tensor<4xf32>, tensor<4xf32>
}

// -----

// scatter_mul is linear in the operand: its tangent is scatter-multiplied by the same updates.
// CHECK-LABEL: func.func private @smul_jvp(
// CHECK: "pb.scatter_mul"(%[[X:[^,]+]], %[[I:[^,]+]], %[[U:[^)]+]])
// CHECK-NEXT: "pb.scatter_mul"(%{{[^,]+}}, %[[I]], %[[U]])
// CHECK-NOT: pb.scatter_add
// CHECK: return
func.func @smul(%x: tensor<4xf32>) -> tensor<4xf32> {
  %i = "pb.constant"() {value = dense<[[1], [1], [3]]> : tensor<3x1xi32>} : () -> tensor<3x1xi32>
  %u = "pb.constant"() {value = dense<[2.0, 3.0, 4.0]> : tensor<3xf32>} : () -> tensor<3xf32>
  %0 = "pb.scatter_mul"(%x, %i, %u) {update_window_dims = array<i64>, inserted_window_dims = array<i64: 0>, scatter_dims_to_operand_dims = array<i64: 0>, mode = "drop"} : (tensor<4xf32>, tensor<3x1xi32>, tensor<3xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func private @smul_jvp(tensor<4xf32>, tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
    attributes {pb.transform = {kind = "jvp", callee = @smul}}
