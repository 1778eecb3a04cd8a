// End to end: pb IR -> native code -> numbers, through `pullback-opt --run`.

// RUN: pullback-opt %s --run=axpy --arg='dense<[1.0, -2.5, 0.5]> : tensor<3xf32>' --arg='[4.0, 3.0, -1.0]' --arg=2.0 \
// RUN:   | filecheck %s --check-prefix=AXPY
// AXPY: result[0]: tensor<3xf32> = [6.0, -2.0, 0.0]
// AXPY-NOT: result[1]
func.func @axpy(%x: tensor<3xf32>, %y: tensor<3xf32>, %a: tensor<3xf32>) -> tensor<3xf32> {
  %0 = "pb.mul"(%a, %x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %1 = "pb.add"(%0, %y) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %1 : tensor<3xf32>
}

// The same function after explicit passes: the runner compiles the transformed module.
// RUN: pullback-opt %s -pb-to-linalg -canonicalize --run=axpy --arg='[1.0, -2.5, 0.5]' --arg='[4.0, 3.0, -1.0]' \
// RUN:   --arg='dense<2.0> : tensor<3xf32>' | filecheck %s --check-prefix=AXPY

// RUN: pullback-opt %s --run=rounding --arg='[[-2.5, -0.5], [0.5, 1.5]]' | filecheck %s --check-prefix=ROUND
// ROUND: result[0]: tensor<2x2xf64> = {{\[}}[-2.0, -0.0], [0.0, 2.0]]
// ROUND: result[1]: tensor<2x2xf64> = {{\[}}[-3.0, -1.0], [1.0, 2.0]]
// ROUND: result[2]: tensor<2x2xf64> = {{\[}}[-3.0, -1.0], [0.0, 1.0]]
// ROUND: result[3]: tensor<2x2xf64> = {{\[}}[-2.0, -0.0], [1.0, 2.0]]
func.func @rounding(%x: tensor<2x2xf64>) -> (tensor<2x2xf64>, tensor<2x2xf64>, tensor<2x2xf64>, tensor<2x2xf64>) {
  %0 = "pb.round"(%x) {rounding_method = "TO_NEAREST_EVEN"} : (tensor<2x2xf64>) -> tensor<2x2xf64>
  %1 = "pb.round"(%x) {rounding_method = "AWAY_FROM_ZERO"} : (tensor<2x2xf64>) -> tensor<2x2xf64>
  %2 = "pb.floor"(%x) : (tensor<2x2xf64>) -> tensor<2x2xf64>
  %3 = "pb.ceil"(%x) : (tensor<2x2xf64>) -> tensor<2x2xf64>
  return %0, %1, %2, %3 : tensor<2x2xf64>, tensor<2x2xf64>, tensor<2x2xf64>, tensor<2x2xf64>
}

// Transcendentals, checked to the digits that any correct libm agrees on.
// RUN: pullback-opt %s --run=transcendental --arg='[0.0, 1.0, -1.0, 4.0]' | filecheck %s --check-prefix=TRANS
// TRANS: result[0]: tensor<4xf32> = [1.0, 2.71828{{[0-9]*}}, 0.36787{{[0-9]*}}, 54.5981{{[0-9]*}}]
// TRANS: result[1]: tensor<4xf32> = [0.0, 1.0, nan, 2.0]
// TRANS: result[2]: tensor<4xf32> = [0.5, 0.73105{{[0-9]*}}, 0.26894{{[0-9]*}}, 0.98201{{[0-9]*}}]
func.func @transcendental(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0 = "pb.exp"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = "pb.sqrt"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %2 = "pb.logistic"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// Integer division follows XLA: x/0 = -1, x%0 = x, INT_MIN/-1 = INT_MIN, INT_MIN%-1 = 0, no trap.
// RUN: pullback-opt %s --run=int_div --arg='[7, -7, 5, -2147483648, 9]' --arg='[2, 2, 0, -1, -4]' \
// RUN:   | filecheck %s --check-prefix=IDIV
// IDIV: result[0]: tensor<5xi32> = [3, -3, -1, -2147483648, -2]
// IDIV: result[1]: tensor<5xi32> = [1, -1, 5, 0, 1]
func.func @int_div(%a: tensor<5xi32>, %b: tensor<5xi32>) -> (tensor<5xi32>, tensor<5xi32>) {
  %0 = "pb.div"(%a, %b) : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
  %1 = "pb.rem"(%a, %b) : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
  return %0, %1 : tensor<5xi32>, tensor<5xi32>
}

// uint32 stays unsigned through the signless i32 storage.
// RUN: pullback-opt %s --run=unsigned --arg='[4000000000, 7, 9]' --arg='[3, 0, 4000000000]' \
// RUN:   | filecheck %s --check-prefix=UNSIGNED
// UNSIGNED: result[0]: tensor<3xui32> = [1333333333, 4294967295, 0]
// UNSIGNED: result[1]: tensor<3xui32> = [4000000000, 7, 4000000000]
func.func @unsigned(%a: tensor<3xui32>, %b: tensor<3xui32>) -> (tensor<3xui32>, tensor<3xui32>) {
  %0 = "pb.div"(%a, %b) : (tensor<3xui32>, tensor<3xui32>) -> tensor<3xui32>
  %1 = "pb.max"(%a, %b) : (tensor<3xui32>, tensor<3xui32>) -> tensor<3xui32>
  return %0, %1 : tensor<3xui32>, tensor<3xui32>
}

// RUN: pullback-opt %s --run=complex_ops --arg='[3.0, 0.0]' --arg='[4.0, 1.0]' | filecheck %s --check-prefix=COMPLEX
// COMPLEX: result[0]: tensor<2xcomplex<f32>> = [(-7.0, 24.0), (-1.0, 0.0)]
// COMPLEX: result[1]: tensor<2xf32> = [5.0, 1.0]
// COMPLEX: result[2]: tensor<2xcomplex<f32>> = [(3.0, -4.0), (0.0, -1.0)]
func.func @complex_ops(%re: tensor<2xf32>, %im: tensor<2xf32>)
    -> (tensor<2xcomplex<f32>>, tensor<2xf32>, tensor<2xcomplex<f32>>) {
  %z = "pb.complex"(%re, %im) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xcomplex<f32>>
  %0 = "pb.mul"(%z, %z) : (tensor<2xcomplex<f32>>, tensor<2xcomplex<f32>>) -> tensor<2xcomplex<f32>>
  %1 = "pb.abs"(%z) : (tensor<2xcomplex<f32>>) -> tensor<2xf32>
  %2 = "pb.conj"(%z) : (tensor<2xcomplex<f32>>) -> tensor<2xcomplex<f32>>
  return %0, %1, %2 : tensor<2xcomplex<f32>>, tensor<2xf32>, tensor<2xcomplex<f32>>
}

// Complex arguments are (re, im) pairs; a scalar literal is a splat.
// RUN: pullback-opt %s --run=complex_args --arg='[(1.0, 2.0), (0.0, 1.0)]' --arg='(0.0, 1.0)' \
// RUN:   | filecheck %s --check-prefix=CARGS
// CARGS: result[0]: tensor<2xcomplex<f64>> = [(-2.0, 1.0), (-1.0, 0.0)]
func.func @complex_args(%a: tensor<2xcomplex<f64>>, %b: tensor<2xcomplex<f64>>) -> tensor<2xcomplex<f64>> {
  %0 = "pb.mul"(%a, %b) : (tensor<2xcomplex<f64>>, tensor<2xcomplex<f64>>) -> tensor<2xcomplex<f64>>
  return %0 : tensor<2xcomplex<f64>>
}

// Half precision and rank 0: values print in the shortest form that round-trips at their own precision.
// RUN: pullback-opt %s --run=small_floats --arg='[0.1, 2.0]' --arg='[0.1, 2.0]' --arg=2.0 | filecheck %s --check-prefix=SMALL
// SMALL: result[0]: tensor<2xf16> = [0.2, 4.0]
// SMALL: result[1]: tensor<2xbf16> = [0.2, 4.0]
// SMALL: result[2]: tensor<f64> = 4.0
func.func @small_floats(%h: tensor<2xf16>, %b: tensor<2xbf16>, %s: tensor<f64>) -> (tensor<2xf16>, tensor<2xbf16>, tensor<f64>) {
  %0 = "pb.add"(%h, %h) : (tensor<2xf16>, tensor<2xf16>) -> tensor<2xf16>
  %1 = "pb.add"(%b, %b) : (tensor<2xbf16>, tensor<2xbf16>) -> tensor<2xbf16>
  %2 = "pb.integer_pow"(%s) {y = 2} : (tensor<f64>) -> tensor<f64>
  return %0, %1, %2 : tensor<2xf16>, tensor<2xbf16>, tensor<f64>
}

// A chain of ops, fused by the CPU pipeline: sign(x) * |x|**2 - x.
// RUN: pullback-opt %s --run=chain --arg='[[-3, 0, 2], [1, -1, 5]]' | filecheck %s --check-prefix=CHAIN
// CHAIN: result[0]: tensor<2x3xi64> = {{\[}}[-6, 0, 2], [0, 0, 20]]
func.func @chain(%x: tensor<2x3xi64>) -> tensor<2x3xi64> {
  %0 = "pb.sign"(%x) : (tensor<2x3xi64>) -> tensor<2x3xi64>
  %1 = "pb.abs"(%x) : (tensor<2x3xi64>) -> tensor<2x3xi64>
  %2 = "pb.integer_pow"(%1) {y = 2} : (tensor<2x3xi64>) -> tensor<2x3xi64>
  %3 = "pb.mul"(%0, %2) : (tensor<2x3xi64>, tensor<2x3xi64>) -> tensor<2x3xi64>
  %4 = "pb.sub"(%3, %x) : (tensor<2x3xi64>, tensor<2x3xi64>) -> tensor<2x3xi64>
  return %4 : tensor<2x3xi64>
}

// Booleans: max is "or", min is "and".
// RUN: pullback-opt %s --run=bools --arg='[true, false, true, false]' --arg='[true, true, false, false]' \
// RUN:   | filecheck %s --check-prefix=BOOL
// BOOL: result[0]: tensor<4xi1> = [true, true, true, false]
// BOOL: result[1]: tensor<4xi1> = [true, false, false, false]
func.func @bools(%a: tensor<4xi1>, %b: tensor<4xi1>) -> (tensor<4xi1>, tensor<4xi1>) {
  %0 = "pb.max"(%a, %b) : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %1 = "pb.min"(%a, %b) : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  return %0, %1 : tensor<4xi1>, tensor<4xi1>
}
