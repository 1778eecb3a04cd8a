// RUN: pullback-opt %s -pb-expand-math --split-input-file --verify-diagnostics | filecheck %s
// RUN: pullback-opt %s -pb-to-linalg -pb-expand-math --split-input-file --verify-diagnostics | filecheck %s --check-prefix=LOWERED

// pb-expand-math replaces math ops marked pb.fast_math (pb-to-linalg's exp, log, sin, cos,
// tanh, log1p, expm1 of real floats) by branch-free arithmetic LLVM vectorizes
// (dialects/ops/expansions.py); unmarked math ops stay libm calls.

// float32 exp is arithmetic in float64, rounded once: x clamped, n = round(x / ln 2), a
// polynomial in x - n ln 2, times 2^n from exponent bits: n + 1023 is read off the significand
// of n + 2^52 + 1023 and shifted into the exponent field (no f64 -> i64 conversion, which AVX2
// does lane by lane).
// CHECK-LABEL: func.func @exp(
// CHECK-SAME: %[[IN:.+]]: f32)
// CHECK-NOT: math.exp
// CHECK: %[[LO:.+]] = arith.maximumf %[[IN]]
// CHECK: %[[C:.+]] = arith.minimumf %[[LO]]
// CHECK: arith.extf %[[C]] : f32 to f64
// CHECK: math.roundeven
// CHECK-NOT: arith.fptosi
// CHECK: %[[B:.+]] = arith.bitcast %{{.+}} : f64 to i64
// CHECK: %[[SH:.+]] = arith.shli %[[B]]
// CHECK: %[[S:.+]] = arith.bitcast %[[SH]] : i64 to f64
// CHECK: %[[W:.+]] = arith.mulf %{{.+}}, %[[S]] : f64
// CHECK: %[[E:.+]] = arith.truncf %[[W]] : f64 to f32
// CHECK-NEXT: return %[[E]] : f32
func.func @exp(%x: f32) -> f32 {
  %0 = math.exp %x {pb.fast_math} : f32
  return %0 : f32
}

// float16 is computed in float32 and rounded once, as XLA does; float64 keeps libm's exp,
// unmarked; an unmarked float32 exp stays as it is.
// CHECK-LABEL: func.func @exp_widths(
// CHECK: %[[W:.+]] = arith.extf %{{.+}} : f16 to f32
// CHECK: arith.truncf %{{.+}} : f32 to f16
// CHECK: math.exp %{{.+}} : f64
// CHECK-NOT: pb.fast_math
// CHECK: math.exp %{{.+}} : f32
// CHECK: return
func.func @exp_widths(%h: f16, %d: f64, %x: f32) -> (f16, f64, f32) {
  %0 = math.exp %h {pb.fast_math} : f16
  %1 = math.exp %d {pb.fast_math} : f64
  %2 = math.exp %x : f32
  return %0, %1, %2 : f16, f64, f32
}

// float32 tanh is XLA's rational approximation (bit-identical to JAX's): clamp, FMA Horner
// steps in x*x for both polynomials, a division, and x itself near 0; float64 keeps libm's.
// CHECK-LABEL: func.func @tanh(
// CHECK-SAME: %[[X:[^:]+]]: f32
// CHECK: %[[LO:.+]] = arith.minimumf %[[X]], %{{.+}} : f32
// CHECK: %[[C:.+]] = arith.maximumf %[[LO]], %{{.+}} : f32
// CHECK: %[[X2:.+]] = arith.mulf %[[C]], %[[C]] : f32
// CHECK-COUNT-6: math.fma
// CHECK: %[[NUM:.+]] = arith.mulf %[[C]], %{{.+}} : f32
// CHECK-COUNT-3: math.fma
// CHECK: %[[Q:.+]] = arith.divf %[[NUM]], %{{.+}} : f32
// CHECK: %[[TINY:.+]] = arith.cmpf olt, %{{.+}}, %{{.+}} : f32
// CHECK: arith.select %[[TINY]], %[[X]], %[[Q]] : f32
// CHECK: math.tanh %{{.+}} : f64
func.func @tanh(%x: f32, %d: f64) -> (f32, f64) {
  %0 = math.tanh %x {pb.fast_math} : f32
  %1 = math.tanh %d {pb.fast_math} : f64
  return %0, %1 : f32, f64
}

// Kahan's log1p and expm1 on the float32 log and exp: no libm call is left; exp's reduction
// rounds x / ln 2 to an integer, log reads the exponent bits.
// CHECK-LABEL: func.func @kahan(
// CHECK-NOT: math.{{exp|expm1|log|log1p}}
// CHECK: math.roundeven %{{.+}} : f64
// CHECK: arith.shrui %{{.+}} : i64
// CHECK-NOT: math.{{exp|expm1|log|log1p}}
// CHECK: return
func.func @kahan(%x: f32) -> (f32, f32) {
  %0 = math.expm1 %x {pb.fast_math} : f32
  %1 = math.log1p %x {pb.fast_math} : f32
  return %0, %1 : f32, f32
}

// float32 sin and cos: the reduction cuts a window of 2/pi's bits by the exponent (shifts of
// i64 words) and multiplies it by the significand, then float64 series. The fixed-point
// remainder becomes a float64 from its two 32-bit halves placed in significands (no i64 ->
// f64 conversion, which AVX2 does lane by lane).
// CHECK-LABEL: func.func @trig(
// CHECK-NOT: math.{{sin|cos}}
// CHECK: arith.shli %{{.+}} : i64
// CHECK: arith.muli %{{.+}} : i64
// CHECK-NOT: arith.sitofp
// CHECK: arith.shrsi %{{.+}} : i64
// CHECK: arith.ori %{{.+}} : i64
// CHECK: arith.bitcast %{{.+}} : i64 to f64
// CHECK: math.fma %{{.+}} : f64
// CHECK-NOT: math.{{sin|cos}}
// CHECK: return
func.func @trig(%x: f32) -> (f32, f32) {
  %0 = math.sin %x {pb.fast_math} : f32
  %1 = math.cos %x {pb.fast_math} : f32
  return %0, %1 : f32, f32
}

// Inside a kernel's body, as pb-to-linalg leaves it (the LOWERED run lowers this pb op).
// LOWERED-LABEL: func.func @in_generic(
// LOWERED: linalg.generic
// LOWERED-NOT: math.exp
// LOWERED: math.roundeven
// LOWERED-NOT: pb.fast_math
// LOWERED: linalg.yield
func.func @in_generic(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "pb.exp"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// The expansions are scalar: a marked op on a vector means the IR was vectorized first.
func.func @vector(%x: vector<4xf32>) -> vector<4xf32> {
  // expected-error @+1 {{'math.exp' marked pb.fast_math expects a real float scalar, got vector<4xf32> (run pb-expand-math before vectorization)}}
  %0 = math.exp %x {pb.fast_math} : vector<4xf32>
  return %0 : vector<4xf32>
}
