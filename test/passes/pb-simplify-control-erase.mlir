// RUN: pullback-opt %s -pb-simplify | filecheck %s

// pb-simplify rewrites a scan whose ys nobody reads into a new declaration with a new
// body, and erases the old ones once nothing live refers to them. A body that a private
// function still calls stays, even when that caller is unreachable: erasing it left the
// caller's call dangling (the verifier's "does not reference a valid function") until
// something removed the caller. Reverse mode through a checkpointed while loop under
// hessian made such a pair.

func.func private @dbody(%c: tensor<f32>, %x: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %c2 = "pb.add"(%c, %x) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %y = "pb.sin"(%c) : (tensor<f32>) -> tensor<f32>
  return %c2, %y : tensor<f32>, tensor<f32>
}
func.func private @dloop(tensor<f32>, tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)
    attributes {pb.control = {kind = "scan", body = @dbody, length = 3, reverse = 0, num_consts = 0, num_carry = 1, unroll = 1}}
// CHECK-LABEL: func.func private @dbody(
// CHECK-LABEL: func.func private @orphan(
// CHECK: call @dbody(
func.func private @orphan(%c: tensor<f32>) -> tensor<f32> {
  %r:2 = call @dbody(%c, %c) : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %r#0 : tensor<f32>
}
// CHECK-LABEL: func.func @main(
// CHECK-NOT: call @dloop(
// CHECK: return
func.func @main(%c: tensor<f32>, %xs: tensor<3xf32>) -> tensor<f32> {
  %r:2 = call @dloop(%c, %xs) : (tensor<f32>, tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)
  return %r#0 : tensor<f32>
}
