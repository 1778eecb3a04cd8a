// RUN: pullback-opt %s -pb-to-linalg | filecheck %s
// RUN: pullback-opt %s -pb-to-linalg | filecheck %s --check-prefix=NOPB
// RUN: pullback-opt %s -pb-to-linalg --run=gamma --arg='[0.5, 2.0, 3.0, 0.0]' --arg='[0.25, 1.0, 7.5, 0.0]' | filecheck %s --check-prefix=GAMMA
// RUN: pullback-opt %s -pb-to-linalg --run=beta --arg='[0.5, 2.0, 3.0, 4.0]' --arg='[0.1, 0.5, 0.95, 1.0]' | filecheck %s --check-prefix=BETA

// igamma and its relatives lower to a per-element scf.while (the series below max(1, a), the
// continued fraction above) inside the elementwise linalg.generic; betainc to a Lentz loop;
// the scaled Bessel functions to straight-line Chebyshev sums.

// CHECK-LABEL: func.func @gamma(
// CHECK: linalg.generic
// CHECK: scf.while
// CHECK: scf.condition
// CHECK: scf.yield
// CHECK-LABEL: func.func @beta(
// CHECK: linalg.generic
// CHECK: scf.while
// CHECK: math.log1p
// CHECK: math.sqrt
// CHECK-NOT: scf.while
// CHECK: return
// NOPB-NOT: "pb.

// P(a, x), Q(a, x), dP/da and the gamma sample derivative, at (0.5, 0.25), (2, 1), (3, 7.5)
// (continued fraction) and the edge (0, 0) (nan, as JAX): JAX's float32 values to an ulp or two.
// GAMMA: result[0]: tensor<4xf32> = [0.52049965, 0.264241, 0.9797433, nan]
// GAMMA: result[1]: tensor<4xf32> = [0.47950035, 0.735759, 0.020256707, nan]
// GAMMA: result[2]: tensor<4xf32> = [-0.79794705, -0.27619594, -0.025092253, nan]
// GAMMA: result[3]: tensor<4xf32> = [0.9080145, 0.75077873, 1.6130799, nan]
// I_x(a, a) at (0.5, 0.1), (2, 0.5), (3, 0.95) (reflected) and (4, 1); i0e and i1e of a.
// BETA: result[0]: tensor<4xf32> = [0.20483275, 0.5, 0.9988419, 1.0]
// BETA: result[1]: tensor<4xf32> = [0.6450353, 0.3085083, 0.24300036, 0.20700191]
// BETA: result[2]: tensor<4xf32> = [0.15642083, 0.21526928, 0.19682673, 0.17875087]
func.func @gamma(%a: tensor<4xf32>, %x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %p = "pb.igamma"(%a, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %q = "pb.igammac"(%a, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %d = "pb.igamma_grad_a"(%a, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %s = "pb.random_gamma_grad"(%a, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %p, %q, %d, %s : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

func.func @beta(%a: tensor<4xf32>, %x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %i = "pb.betainc"(%a, %a, %x) : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %b0 = "pb.bessel_i0e"(%a) : (tensor<4xf32>) -> tensor<4xf32>
  %b1 = "pb.bessel_i1e"(%a) : (tensor<4xf32>) -> tensor<4xf32>
  return %i, %b0, %b1 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
