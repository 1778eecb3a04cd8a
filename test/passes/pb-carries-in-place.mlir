// RUN: pullback-opt %s --pb-carries-in-place | filecheck %s

// pb-carries-in-place: the kernel computing a loop's new carry writes the carry argument
// itself, unless the kernel reads it or something after the kernel reads the old carry.

#id = affine_map<(d0) -> (d0)>

// The new carry (2 * x) is computed into the carry argument %c.
// CHECK-LABEL: func.func @in_place(
// CHECK: scf.for {{.+}} iter_args(%[[C:.+]] = %{{.+}})
// CHECK: %[[T:.+]] = linalg.generic {{.+}} ins(%[[X:[^ ]+]] : tensor<4xf32>) outs(%[[C]] : tensor<4xf32>)
// CHECK: bufferization.materialize_in_destination %[[T]] in %[[C]]
func.func @in_place(%init: tensor<4xf32>, %x: tensor<4xf32>) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %r = scf.for %i = %c0 to %c3 step %c1 iter_args(%c = %init) -> (tensor<4xf32>) {
    %e = tensor.empty() : tensor<4xf32>
    %t = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
    ^bb0(%in: f32, %out: f32):
      %d = arith.addf %in, %in : f32
      linalg.yield %d : f32
    } -> tensor<4xf32>
    %m = bufferization.materialize_in_destination %t in %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    scf.yield %m : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// Swapped carries (a, b) -> (b, a + 1): b's new value a + 1 is not written into b, which the
// materialize of b into a reads afterwards; a kernel reading its own carry is left alone too.
// CHECK-LABEL: func.func @swapped(
// CHECK: linalg.generic {{.+}} outs(%{{.+}} : tensor<4xf32>)
// CHECK-NOT: outs(%arg
// CHECK: return
func.func @swapped(%a0: tensor<4xf32>, %b0: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %r:2 = scf.for %i = %c0 to %c3 step %c1 iter_args(%a = %a0, %b = %b0) -> (tensor<4xf32>, tensor<4xf32>) {
    %e = tensor.empty() : tensor<4xf32>
    %t = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%a : tensor<4xf32>) outs(%e : tensor<4xf32>) {
    ^bb0(%in: f32, %out: f32):
      %one = arith.constant 1.0 : f32
      %d = arith.addf %in, %one : f32
      linalg.yield %d : f32
    } -> tensor<4xf32>
    %na = bufferization.materialize_in_destination %b in %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    %nb = bufferization.materialize_in_destination %t in %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    scf.yield %na, %nb : tensor<4xf32>, tensor<4xf32>
  }
  return %r#0, %r#1 : tensor<4xf32>, tensor<4xf32>
}

// The transposed swap (a, b) -> (b + 1, a), as the scf lowering writes it: b first (the old
// a, still unwritten), then a. b + 1 is not computed into a, which that first write reads.
// CHECK-LABEL: func.func @swapped_back(
// CHECK: scf.for {{.+}} iter_args(%[[A:[^ ]+]] = %{{[^ ]+}}, %[[B:[^ ]+]] = %{{[^ ]+}})
// CHECK: %[[E:.+]] = tensor.empty() : tensor<4xf32>
// CHECK: %[[T:.+]] = linalg.generic {{.+}} ins(%[[B]] : tensor<4xf32>) outs(%[[E]] : tensor<4xf32>)
// CHECK: bufferization.materialize_in_destination %[[A]] in %[[B]]
// CHECK: bufferization.materialize_in_destination %[[T]] in %[[A]]
func.func @swapped_back(%a0: tensor<4xf32>, %b0: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %r:2 = scf.for %i = %c0 to %c3 step %c1 iter_args(%a = %a0, %b = %b0) -> (tensor<4xf32>, tensor<4xf32>) {
    %e = tensor.empty() : tensor<4xf32>
    %t = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%b : tensor<4xf32>) outs(%e : tensor<4xf32>) {
    ^bb0(%in: f32, %out: f32):
      %one = arith.constant 1.0 : f32
      %d = arith.addf %in, %one : f32
      linalg.yield %d : f32
    } -> tensor<4xf32>
    %nb = bufferization.materialize_in_destination %a in %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    %na = bufferization.materialize_in_destination %t in %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    scf.yield %na, %nb : tensor<4xf32>, tensor<4xf32>
  }
  return %r#0, %r#1 : tensor<4xf32>, tensor<4xf32>
}
