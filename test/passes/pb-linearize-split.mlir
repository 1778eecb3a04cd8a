// RUN: pullback-opt %s -pb-linearize -pb-transpose | filecheck %s
// RUN: pullback-opt %s -pb-expand-transforms -pb-inline --run=fwd --arg='[0.5, 2.0]' | filecheck %s --check-prefix=NUM

// A split `linearize` request is only the primal half: pb-linearize serves it with a
// function that returns the outputs and then the residuals, and names the linear half
// in `pb.linear`. A frontend keeps that handle to run (or transpose) the linear part
// later, as jax.linearize and jax.vjp do.

func.func private @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  %s = "pb.sin"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  %y = "pb.mul"(%s, %x) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}
func.func private @f_split(tensor<2xf32>) -> tensor<2xf32>
    attributes {pb.transform = {kind = "linearize", callee = @f, split = 1}}

func.func @fwd(%x: tensor<2xf32>) -> tensor<2xf32> {
  %y = call @f_split(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// The served request returns y and the residuals (sin x, cos x, x) and names @f_lin.
// CHECK-LABEL: func.func private @f_split(
// CHECK-SAME: -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>)
// CHECK-SAME: pb.linear = @[[LIN:[A-Za-z0-9_]+]]
// CHECK: %[[P:.+]]:4 = call @{{[A-Za-z0-9_]+}}(%{{.+}})
// CHECK: return %[[P]]#0, %[[P]]#1, %[[P]]#2, %[[P]]#3
// CHECK-LABEL: func.func @fwd(
// CHECK: call @f_split
// CHECK: func.func private @[[LIN]](%{{[^:]+}}: tensor<2xf32>, %{{[^:]+}}: tensor<2xf32>, %{{[^:]+}}: tensor<2xf32>, %{{[^:]+}}: tensor<2xf32>) -> tensor<2xf32>

// NUM: result[0]: tensor<2xf32> = [0.239712{{[0-9]*}}, 1.81859{{[0-9]*}}]
