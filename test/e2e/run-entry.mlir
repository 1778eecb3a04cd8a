// `pullback-opt --run` picks any function with a body as the program's entry, private ones
// included; a bodiless declaration is a diagnostic (the execution engine would abort).

// RUN: pullback-opt %s --run=private_double --arg='[1.0, 2.0, 3.0]' | filecheck %s --check-prefix=PRIV
// PRIV: result[0]: tensor<3xf32> = [2.0, 4.0, 6.0]
func.func private @private_double(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = "pb.add"(%x, %x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// RUN: not pullback-opt %s --run=declared --arg='[1.0, 2.0, 3.0]' 2>&1 | filecheck %s --check-prefix=DECL
// DECL: error: --run=declared: @declared is a declaration without a body: there is nothing to run
func.func private @declared(%x: tensor<3xf32>) -> tensor<3xf32>

// RUN: env PULLBACK_CACHE=0 not pullback-opt %s --run=declared --arg='[1.0, 2.0, 3.0]' 2>&1 | filecheck %s --check-prefix=DECL
