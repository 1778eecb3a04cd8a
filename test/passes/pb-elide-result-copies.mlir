// RUN: pullback-opt %s -pb-elide-result-copies | filecheck %s

// A result written into a temporary and then copied into its out-parameter is written
// into the out-parameter directly.

// CHECK-LABEL: func.func @elided(
// CHECK-SAME: %[[X:[^:]+]]: memref<4xf32>, %[[OUT:[^:]+]]: memref<4xf32>)
// CHECK-NEXT: call @kernel(%[[X]], %[[OUT]])
// CHECK-NEXT: return
func.func private @kernel(memref<4xf32>, memref<4xf32>)
func.func @elided(%x: memref<4xf32>, %out: memref<4xf32>) {
  %tmp = memref.alloc() : memref<4xf32>
  call @kernel(%x, %tmp) : (memref<4xf32>, memref<4xf32>) -> ()
  memref.copy %tmp, %out : memref<4xf32> to memref<4xf32>
  memref.dealloc %tmp : memref<4xf32>
  return
}

// Kept: the temporary is read after the copy, or the out-parameter is also read, or the
// copy's target is not an argument of the function.
// CHECK-LABEL: func.func @kept(
// CHECK-COUNT-3: memref.copy
func.func @kept(%x: memref<4xf32>, %out: memref<4xf32>, %out2: memref<4xf32>, %out3: memref<4xf32>) {
  %tmp = memref.alloc() : memref<4xf32>
  call @kernel(%x, %tmp) : (memref<4xf32>, memref<4xf32>) -> ()
  memref.copy %tmp, %out : memref<4xf32> to memref<4xf32>
  call @kernel(%tmp, %out3) : (memref<4xf32>, memref<4xf32>) -> ()
  %tmp2 = memref.alloc() : memref<4xf32>
  call @kernel(%out2, %tmp2) : (memref<4xf32>, memref<4xf32>) -> ()
  memref.copy %tmp2, %out2 : memref<4xf32> to memref<4xf32>
  %local = memref.alloc() : memref<4xf32>
  memref.copy %tmp2, %local : memref<4xf32> to memref<4xf32>
  memref.dealloc %tmp : memref<4xf32>
  memref.dealloc %tmp2 : memref<4xf32>
  memref.dealloc %local : memref<4xf32>
  return
}
