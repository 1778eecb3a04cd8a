// RUN: pullback-opt %s -pb-to-linalg | filecheck %s
// RUN: pullback-opt %s -pb-to-linalg | filecheck %s --check-prefix=NOPB
// RUN: pullback-opt %s -pb-to-linalg --run=special --arg='[0.5, 3.0, -2.5, 0.25]' | filecheck %s --check-prefix=NUM
// RUN: pullback-opt %s -pb-to-linalg --run=hyperbolic --arg='[0.5, -3.0, 0.0, 89.4]' | filecheck %s --check-prefix=HYP
// RUN: pullback-opt %s -pb-to-linalg --run=trig --arg='[0.5, 3.0, -2.5, 1.0e+30]' | filecheck %s --check-prefix=TRIG
// RUN: pullback-opt %s -pb-to-linalg --run=tiny --arg='[1.0e-10, -3.0e-8, 0.0, 1.0]' | filecheck %s --check-prefix=TINY

// Ops with a math-dialect counterpart lower to it (libm after convert-math-to-libm); float32 erf
// is XLA's rational approximation on x clamped to +-3.74 (1 past it); erf_inv
// (Giles' float32 approximation), lgamma and digamma (Lanczos, g = 7, reflected below 1/2)
// and zeta (Euler-Maclaurin) lower to arithmetic. Real expm1/log1p are Kahan's forms on
// exp/log (MLIR lowers math.expm1 to exp(x) - 1, which is 0 at 1e-10).

// CHECK-LABEL: func.func @special(
// CHECK: math.asinh
// CHECK: arith.minimumf
// CHECK: math.fma
// CHECK: math.copysign
// CHECK: math.cbrt
// CHECK: math.log
// CHECK: math.fma
// CHECK: math.log1p
// CHECK: math.sin
// CHECK: math.cos
// CHECK: math.powf
// Real exp, log, expm1, log1p (and the exp that float32 sinh and cosh are built from) are
// one math op each, marked for pb-expand-math (test/passes/pb-expand-math.mlir); float64
// sinh and cosh keep libm's.
// CHECK-LABEL: func.func @tiny(
// CHECK: math.expm1 %{{.+}} {pb.fast_math} : f32
// CHECK: math.log1p %{{.+}} {pb.fast_math} : f32
// CHECK-LABEL: func.func @hyperbolic(
// CHECK-NOT: math.sinh
// CHECK: math.exp %{{.+}} {pb.fast_math} : f32
// CHECK-NOT: math.cosh
// CHECK: return
// NOPB-NOT: "pb.

// erf_inv(erf(x)) (x = 3 loses digits to erf's rounding near 1), lgamma, digamma, zeta(2, x),
// asinh, cbrt.
// NUM: result[0]: tensor<4xf32> = [0.5, 3.0002642, -2.4999866, 0.25]
// NUM: result[1]: tensor<4xf32> = [0.5723653, 0.69314766, -0.056243658, 1.2880225]
// NUM: result[2]: tensor<4xf32> = [-1.96351, 0.9227844, 1.1031564, -4.2274537]
// NUM: result[3]: tensor<4xf32> = [4.9348025, 0.39493403, 9.539247, 17.19733]
// NUM: result[4]: tensor<4xf32> = [0.48121184, 1.8184465, -1.6472312, 0.24746647]
// NUM: result[5]: tensor<4xf32> = [0.7937005, 1.4422495, -1.3572088, 0.62996054]
// TINY: result[0]: tensor<4xf32> = [1.0e-10, -3.0e-08, 0.0, 1.7182819]
// TINY: result[1]: tensor<4xf32> = [1.0e-10, -3.0e-08, 0.0, 0.6931472]
func.func @special(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %a = "pb.asinh"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %e = "pb.erf"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %c = "pb.cbrt"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %i = "pb.erf_inv"(%e) : (tensor<4xf32>) -> tensor<4xf32>
  %lg = "pb.lgamma"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %dg = "pb.digamma"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %two = "pb.constant"() {value = dense<2.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %z = "pb.zeta"(%two, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %i, %lg, %dg, %z, %a, %c : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

func.func @tiny(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = "pb.expm1"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = "pb.log1p"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// float32 sinh/cosh are built from exp (vectorizable), sinh below 1 from its Taylor series;
// float64 keeps libm's.
// HYP: result[0]: tensor<4xf32> = [0.5210953, -10.017875, 0.0, 3.3488627e+38]
// HYP: result[1]: tensor<4xf32> = [1.127626, 10.067662, 1.0, 3.3488627e+38]
func.func @hyperbolic(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = "pb.sinh"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = "pb.cosh"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// float32 sin and cos are marked for pb-expand-math (arithmetic in float64, correctly
// rounded even at 1e30: dialects/ops/fast_trig.py); tan keeps libm's tanf, as XLA (tanf(-2.5)
// is 1 ulp above).
// CHECK-LABEL: func.func @trig(
// CHECK: math.sin %{{.+}} {pb.fast_math} : f32
// CHECK: math.cos %{{.+}} {pb.fast_math} : f32
// CHECK: math.tan %{{.+}} : f32
// CHECK: return
// TRIG: result[0]: tensor<4xf32> = [0.47942555, 0.14112, -0.5984721, -0.79116344]
// TRIG: result[1]: tensor<4xf32> = [0.87758255, -0.9899925, -0.8011436, -0.6116048]
// TRIG: result[2]: tensor<4xf32> = [0.5463025, -0.14254655, 0.74702233, 1.2935861]
func.func @trig(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %s = "pb.sin"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %c = "pb.cos"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %t = "pb.tan"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %s, %c, %t : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
