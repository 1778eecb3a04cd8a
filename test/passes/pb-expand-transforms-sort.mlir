// RUN: pullback-opt %s -pb-expand-transforms --split-input-file --verify-diagnostics | filecheck %s
// RUN: sed -n '1,/^\/\/ -----/p' %s | pullback-opt - -pb-jvp --run=main --arg='[[3.0, 1.0, 2.0], [0.0, -1.0, 5.0]]' \
// RUN:   --arg='[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]' --arg='[[10.0, 20.0, 30.0], [40.0, 50.0, 60.0]]' \
// RUN:   --arg='[[100.0, 200.0, 300.0], [400.0, 500.0, 600.0]]' | filecheck %s --check-prefix=NUM
// RUN: sed -n '/^\/\/ -----/,$p' %s | tail -n +2 | pullback-opt - -pb-vmap --run=main \
// RUN:   --arg='[[3.0, 1.0], [1.0, 2.0], [2.0, 0.0]]' --arg='[7, 8, 9]' | filecheck %s --check-prefix=VMAP

// JVP of pb.sort as JAX's: the keys sorted with an iota give the permutation; the values and
// every tangent are gathered by it (one index array: an iota per other dimension and the
// permutation), so reverse mode is gather's transpose.

// CHECK-LABEL: func.func private @s_jvp_2(
// CHECK-SAME: %[[K:[^:]+]]: tensor<2x3xf32>, %[[V:[^:]+]]: tensor<2x3xf32>, %[[TK:[^:]+]]: tensor<2x3xf32>, %[[TV:[^:]+]]: tensor<2x3xf32>)
// CHECK-NEXT: %[[IOTA:.+]] = "pb.iota"() {dimension = 1 : i64, dtype = "int32", shape = array<i64: 2, 3>}
// CHECK-NEXT: %[[S:.+]]:2 = "pb.sort"(%[[K]], %[[IOTA]]) {dimension = 1 : i64, is_stable = 1 : i64}
// CHECK-NEXT: %[[ROWS:.+]] = "pb.iota"() {dimension = 0 : i64, dtype = "int32", shape = array<i64: 2, 3, 1>}
// CHECK-NEXT: %[[P:.+]] = "pb.reshape"(%[[S]]#1) {new_sizes = array<i64: 2, 3, 1>}
// CHECK-NEXT: %[[IDX:.+]] = "pb.concatenate"(%[[ROWS]], %[[P]]) {dimension = 2 : i64}
// CHECK-NEXT: %[[SV:.+]] = "pb.gather"(%[[V]], %[[IDX]])
// CHECK-NEXT: %[[TSK:.+]] = "pb.gather"(%[[TK]], %[[IDX]])
// CHECK-NEXT: %[[TSV:.+]] = "pb.gather"(%[[TV]], %[[IDX]])
// CHECK-NEXT: return %[[S]]#0, %[[SV]], %[[TSK]], %[[TSV]]

// NUM: result[0]: tensor<2x3xf32> = {{\[\[}}1.0, 2.0, 3.0], [-1.0, 0.0, 5.0]]
// NUM: result[1]: tensor<2x3xf32> = {{\[\[}}2.0, 3.0, 1.0], [5.0, 4.0, 6.0]]
// NUM: result[2]: tensor<2x3xf32> = {{\[\[}}20.0, 30.0, 10.0], [50.0, 40.0, 60.0]]
// NUM: result[3]: tensor<2x3xf32> = {{\[\[}}200.0, 300.0, 100.0], [500.0, 400.0, 600.0]]
func.func @s(%k: tensor<2x3xf32>, %v: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %0:2 = "pb.sort"(%k, %v) {dimension = 1 : i64, is_stable = 1 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>)
  return %0#0, %0#1 : tensor<2x3xf32>, tensor<2x3xf32>
}
func.func private @s_jvp(tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>)
    attributes {pb.transform = {kind = "jvp", callee = @s}}
func.func @main(%k: tensor<2x3xf32>, %v: tensor<2x3xf32>, %tk: tensor<2x3xf32>, %tv: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %0:4 = call @s_jvp(%k, %v, %tk, %tv) : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>)
  return %0#0, %0#1, %0#2, %0#3 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// Batching: the batch dimension is one more dimension of the sort (the sorted dimension
// shifts past it when it comes first); an unbatched operand is broadcast to the batched one.

// CHECK-LABEL: func.func private @s_vmap_2(
// CHECK-SAME: %[[K:[^:]+]]: tensor<3x2xf32>, %[[V:[^:]+]]: tensor<3xi32>) -> (tensor<3x2xf32>, tensor<3x2xi32>)
// CHECK-NEXT: %[[VB:.+]] = "pb.broadcast_in_dim"(%[[V]]) {broadcast_dimensions = array<i64: 0>, shape = array<i64: 3, 2>}
// CHECK-NEXT: %[[S:.+]]:2 = "pb.sort"(%[[K]], %[[VB]]) {dimension = 0 : i64, is_stable = 1 : i64}
// CHECK-NEXT: return %[[S]]#0, %[[S]]#1

// VMAP: result[0]: tensor<2x3xf32> = {{\[\[}}1.0, 2.0, 3.0], [0.0, 1.0, 2.0]]
// VMAP: result[1]: tensor<2x3xi32> = {{\[\[}}8, 9, 7], [9, 7, 8]]
func.func @s(%k: tensor<3xf32>, %v: tensor<3xi32>) -> (tensor<3xf32>, tensor<3xi32>) {
  %0:2 = "pb.sort"(%k, %v) {dimension = 0 : i64, is_stable = 1 : i64} : (tensor<3xf32>, tensor<3xi32>) -> (tensor<3xf32>, tensor<3xi32>)
  return %0#0, %0#1 : tensor<3xf32>, tensor<3xi32>
}
func.func private @s_vmap(tensor<3x2xf32>, tensor<3xi32>) -> (tensor<2x3xf32>, tensor<2x3xi32>)
    attributes {pb.transform = {kind = "vmap", callee = @s, in_axes = array<i64: 1, -1>, out_axes = array<i64: 0, 0>, axis_size = 2}}
func.func @main(%k: tensor<3x2xf32>, %v: tensor<3xi32>) -> (tensor<2x3xf32>, tensor<2x3xi32>) {
  %0:2 = call @s_vmap(%k, %v) : (tensor<3x2xf32>, tensor<3xi32>) -> (tensor<2x3xf32>, tensor<2x3xi32>)
  return %0#0, %0#1 : tensor<2x3xf32>, tensor<2x3xi32>
}
