// RUN: pullback-opt %s -pb-empty-memref-args --split-input-file --verify-diagnostics | filecheck %s

// pb-empty-memref-args (passes/empty_memref_args.py): a zero-size multi-dimensional memref
// parameter has no strides the bare-pointer calling convention accepts. It becomes
// memref<0xT>; uses inside read a local zero-size alloca of the old type, and callers pass
// a local memref<0xT>. Other parameters are untouched.

// CHECK-LABEL: func.func private @kernel(
// CHECK-SAME: %{{.*}}: memref<0xf32>, %[[OUT:.*]]: memref<3xf32>)
// CHECK: %[[LOCAL:.*]] = memref.alloca() : memref<2x0xf32>
// CHECK: linalg.reduce ins(%[[LOCAL]] : memref<2x0xf32>)
func.func private @kernel(%x: memref<2x0xf32>, %out: memref<3xf32>) {
  %c0 = arith.constant 0.0 : f32
  linalg.fill ins(%c0 : f32) outs(%out : memref<3xf32>)
  %acc = memref.alloca() : memref<2xf32>
  linalg.fill ins(%c0 : f32) outs(%acc : memref<2xf32>)
  linalg.reduce ins(%x : memref<2x0xf32>) outs(%acc : memref<2xf32>) dimensions = [1]
    (%a: f32, %b: f32) {
      %s = arith.addf %a, %b : f32
      linalg.yield %s : f32
    }
  return
}

// CHECK-LABEL: func.func @entry(
// CHECK-SAME: %[[OUT2:.*]]: memref<3xf32>)
// CHECK: %[[EMPTY:.*]] = memref.alloca() : memref<0xf32>
// CHECK: call @kernel(%[[EMPTY]], %[[OUT2]]) : (memref<0xf32>, memref<3xf32>) -> ()
func.func @entry(%out: memref<3xf32>) {
  %x = memref.alloca() : memref<2x0xf32>
  call @kernel(%x, %out) : (memref<2x0xf32>, memref<3xf32>) -> ()
  return
}

// -----

// A function that returns a zero-size memref is outside the pass's contract.
// expected-error @+1 {{@returns_empty returns a zero-size multi-dimensional memref; run buffer-results-to-out-params first}}
func.func private @returns_empty() -> memref<4x0xf32> {
  %x = memref.alloc() : memref<4x0xf32>
  return %x : memref<4x0xf32>
}
