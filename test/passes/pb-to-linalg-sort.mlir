// RUN: pullback-opt %s -pb-to-linalg | filecheck %s
// RUN: pullback-opt %s -pb-to-linalg | filecheck %s --check-prefix=NOPB
// RUN: pullback-opt %s -pb-to-linalg --run=sort --arg='[[3.0, -1.0, 0.0, -0.0, 2.0], [5.0, 5.0, 1.0, 5.0, -7.5]]' \
// RUN:   --arg='[[0, 1, 2, 3, 4], [0, 1, 2, 3, 4]]' | filecheck %s --check-prefix=NUM
// RUN: pullback-opt %s -pb-to-linalg --run=columns --arg='[[3, 1], [1, 2], [2, 0]]' | filecheck %s --check-prefix=COLS

// pb.sort: float keys become integers in JAX's order (-0.0 -> 0.0, NaN -> +NaN, negative
// bit patterns flipped); a permutation (an iota along the dimension) and those keys are merge
// sorted together per row in scf.for loops over tensors, two passes per step (A -> B, B -> A)
// so that each loop writes its carries in place; then one parallel linalg.generic per operand
// gathers it by the permutation.

// CHECK-LABEL: func.func @sort(
// CHECK: arith.cmpf oeq
// CHECK: arith.cmpf uno
// CHECK: arith.bitcast %{{.+}} : f32 to i32
// CHECK: bufferization.alloc_tensor() copy(%{{.+}}) : tensor<2x5xi32>
// CHECK: linalg.index 1 : index
// CHECK: bufferization.alloc_tensor() : tensor<2x5xi32>
// CHECK: scf.for %[[ROW:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args({{.+}}) -> (tensor<2x5xi32>, tensor<2x5xi32>, tensor<2x5xi32>, tensor<2x5xi32>)
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for {{.+}} -> (index, index, tensor<2x5xi32>, tensor<2x5xi32>)
// CHECK: arith.cmpi slt, %{{.+}}, %{{.+}} : i32
// CHECK: tensor.insert
// CHECK: tensor.insert
// CHECK: linalg.generic {{.+}} ins(%{{.+}} : tensor<2x5xi32>) outs(%{{.+}} : tensor<2x5xf32>)
// CHECK: tensor.extract %arg0
// CHECK: linalg.generic {{.+}} ins(%{{.+}} : tensor<2x5xi32>) outs(%{{.+}} : tensor<2x5xi32>)
// CHECK: tensor.extract %arg1
// CHECK-LABEL: func.func @columns(
// CHECK: arith.cmpi slt
// NOPB-NOT: "pb.

// Stable: the signed zeros tie (indices 2, 3 keep their order), as do the three 5.0s.
// NUM: result[0]: tensor<2x5xf32> = {{\[\[}}-1.0, 0.0, -0.0, 2.0, 3.0], [-7.5, 1.0, 5.0, 5.0, 5.0]]
// NUM: result[1]: tensor<2x5xi32> = {{\[\[}}1, 2, 3, 4, 0], [4, 2, 0, 1, 3]]
// COLS: result[0]: tensor<3x2xi32> = {{\[\[}}1, 0], [2, 1], [3, 2]]
func.func @sort(%k: tensor<2x5xf32>, %v: tensor<2x5xi32>) -> (tensor<2x5xf32>, tensor<2x5xi32>) {
  %0:2 = "pb.sort"(%k, %v) {dimension = 1 : i64, is_stable = 1 : i64} : (tensor<2x5xf32>, tensor<2x5xi32>) -> (tensor<2x5xf32>, tensor<2x5xi32>)
  return %0#0, %0#1 : tensor<2x5xf32>, tensor<2x5xi32>
}

// Along dimension 0 of integer keys, the keys themselves as values.
func.func @columns(%k: tensor<3x2xi32>) -> tensor<3x2xi32> {
  %0:2 = "pb.sort"(%k, %k) {dimension = 0 : i64, is_stable = 0 : i64} : (tensor<3x2xi32>, tensor<3x2xi32>) -> (tensor<3x2xi32>, tensor<3x2xi32>)
  return %0#0 : tensor<3x2xi32>
}
