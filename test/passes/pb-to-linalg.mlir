// RUN: pullback-opt %s -pb-to-linalg | filecheck %s
// RUN: pullback-opt %s -pb-to-linalg | filecheck %s --check-prefix=NOPB
// RUN: pullback-opt %s --pass-pipeline='builtin.module(pb-to-linalg,canonicalize,cse)' | filecheck %s --check-prefix=NOPB
// RUN: pullback-opt %s -pb-to-linalg | mlir-opt | filecheck %s --check-prefix=NOPB

// pb-to-linalg turns each elementwise op into a linalg.generic whose body holds
// the scalar arith/math/complex op; no pb op survives.
// NOPB-NOT: "pb.
// NOPB: func.func @exp
// NOPB-NOT: "pb.

// CHECK-DAG: #[[MAP2:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[MAP1:.+]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[MAP0:.+]] = affine_map<() -> ()>

// CHECK-LABEL: func.func @exp(
// CHECK-SAME: %[[X:.+]]: tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: %[[INIT:.+]] = tensor.empty() : tensor<2x3xf32>
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#[[MAP2]], #[[MAP2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]] : tensor<2x3xf32>) outs(%[[INIT]] : tensor<2x3xf32>)
// Transcendental functions stay one math op, marked for pb-expand-math (which expands
// them after fusion and kernel outlining, test/passes/pb-expand-math.mlir).
// CHECK: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[E:.+]] = math.exp %[[IN]] {pb.fast_math} : f32
// CHECK-NEXT: linalg.yield %[[E]] : f32
// CHECK: return %[[R]] : tensor<2x3xf32>
func.func @exp(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "pb.exp"(%a) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// float64 keeps libm's exp.
// CHECK-LABEL: func.func @exp64(
// CHECK: math.exp %{{.+}} : f64
func.func @exp64(%a: tensor<3xf64>) -> tensor<3xf64> {
  %0 = "pb.exp"(%a) : (tensor<3xf64>) -> tensor<3xf64>
  return %0 : tensor<3xf64>
}

// CHECK-LABEL: func.func @add_i32
// CHECK: linalg.generic {indexing_maps = [#[[MAP1]], #[[MAP1]], #[[MAP1]]], iterator_types = ["parallel"]}
// CHECK: ^bb0(%[[A:.+]]: i32, %[[B:.+]]: i32, %{{.+}}: i32):
// CHECK: arith.addi %[[A]], %[[B]] : i32
func.func @add_i32(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = "pb.add"(%a, %b) : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// Signed division guards x/0 and INT_MIN/-1 with selects instead of trapping.
// CHECK-LABEL: func.func @div_i32
// CHECK: arith.cmpi eq
// CHECK: arith.constant -2147483648 : i32
// CHECK: arith.select
// CHECK: arith.divsi
// CHECK-NOT: arith.divui
// CHECK: linalg.yield
func.func @div_i32(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = "pb.div"(%a, %b) : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// uint32 values become signless i32 storage; the signedness lives in the ops chosen.
// CHECK-LABEL: func.func @div_u32(
// CHECK-SAME: %{{.+}}: tensor<4xi32>, %{{.+}}: tensor<4xi32>) -> tensor<4xi32>
// CHECK: arith.divui
// CHECK-NOT: arith.divsi
// CHECK: linalg.yield
// CHECK: func.func @max_u32
// CHECK: arith.maxui %{{.+}}, %{{.+}} : i32
func.func @div_u32(%a: tensor<4xui32>, %b: tensor<4xui32>) -> tensor<4xui32> {
  %0 = "pb.div"(%a, %b) : (tensor<4xui32>, tensor<4xui32>) -> tensor<4xui32>
  return %0 : tensor<4xui32>
}
func.func @max_u32(%a: tensor<4xui32>, %b: tensor<4xui32>) -> tensor<4xui32> {
  %0 = "pb.max"(%a, %b) : (tensor<4xui32>, tensor<4xui32>) -> tensor<4xui32>
  return %0 : tensor<4xui32>
}

// CHECK-LABEL: func.func @complex_ops
// CHECK: tensor.empty() : tensor<3xcomplex<f32>>
// CHECK: ^bb0(%[[RE:.+]]: f32, %[[IM:.+]]: f32, %{{.+}}: complex<f32>):
// CHECK: complex.create %[[RE]], %[[IM]] : complex<f32>
// CHECK: complex.mul %{{.+}}, %{{.+}} : complex<f32>
// CHECK: ^bb0(%[[Z:.+]]: complex<f32>, %{{.+}}: f32):
// CHECK: %[[ABS:.+]] = complex.abs %[[Z]] : complex<f32>
// CHECK: linalg.yield %[[ABS]] : f32
// CHECK: complex.re
// CHECK: complex.conj
// CHECK: return %{{.+}}, %{{.+}} : tensor<3xf32>, tensor<3xf32>
func.func @complex_ops(%re: tensor<3xf32>, %im: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %0 = "pb.complex"(%re, %im) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xcomplex<f32>>
  %1 = "pb.mul"(%0, %0) : (tensor<3xcomplex<f32>>, tensor<3xcomplex<f32>>) -> tensor<3xcomplex<f32>>
  %2 = "pb.abs"(%1) : (tensor<3xcomplex<f32>>) -> tensor<3xf32>
  %3 = "pb.real"(%1) : (tensor<3xcomplex<f32>>) -> tensor<3xf32>
  %4 = "pb.conj"(%1) : (tensor<3xcomplex<f32>>) -> tensor<3xcomplex<f32>>
  return %2, %3 : tensor<3xf32>, tensor<3xf32>
}

// Rank-0 tensors take a generic with no loops.
// CHECK-LABEL: func.func @round
// CHECK: linalg.generic {indexing_maps = [#[[MAP0]], #[[MAP0]]], iterator_types = []}
// CHECK: math.roundeven %{{.+}} : f64
// CHECK: math.round %{{.+}} : f64
func.func @round(%a: tensor<f64>) -> (tensor<f64>, tensor<f64>) {
  %0 = "pb.round"(%a) {rounding_method = "TO_NEAREST_EVEN"} : (tensor<f64>) -> tensor<f64>
  %1 = "pb.round"(%a) {rounding_method = "AWAY_FROM_ZERO"} : (tensor<f64>) -> tensor<f64>
  return %0, %1 : tensor<f64>, tensor<f64>
}

// x**3 unrolls into multiplications by repeated squaring.
// CHECK-LABEL: func.func @integer_pow
// CHECK: ^bb0(%[[X:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[SQ:.+]] = arith.mulf %[[X]], %[[X]] : f32
// CHECK: %[[CUBE:.+]] = arith.mulf %[[X]], %[[SQ]] : f32
// CHECK: linalg.yield %[[CUBE]] : f32
func.func @integer_pow(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "pb.integer_pow"(%a) {y = 3} : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// Ops of other dialects are left alone.
// CHECK-LABEL: func.func @mixed
// CHECK: math.sqrt %{{.+}} : f32
// CHECK: arith.addf %{{.+}}, %{{.+}} : tensor<2xf32>
func.func @mixed(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "pb.sqrt"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  %1 = arith.addf %a, %0 : tensor<2xf32>
  return %1 : tensor<2xf32>
}

// CHECK-LABEL: func.func @tanh
// CHECK: math.tanh %{{.+}} {pb.fast_math} : f32
// CHECK: math.tanh %{{.+}} {pb.fast_math} : f64
func.func @tanh(%a: tensor<2xf32>, %b: tensor<2xf64>) -> (tensor<2xf32>, tensor<2xf64>) {
  %0 = "pb.tanh"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  %1 = "pb.tanh"(%b) : (tensor<2xf64>) -> tensor<2xf64>
  return %0, %1 : tensor<2xf32>, tensor<2xf64>
}
