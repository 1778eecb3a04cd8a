// RUN: pullback-opt %s -pb-early-dealloc | filecheck %s

// The buffer-deallocation pipeline frees a block's buffers at its end; pb-early-dealloc
// moves each deallocation to just after the buffer's last use, so a chain of temporaries
// holds one or two buffers at a time instead of all of them.

func.func private @kernel(memref<4xf32>, memref<4xf32>)

// CHECK-LABEL: func.func @chain(
// CHECK-SAME: %[[X:[^:]+]]: memref<4xf32>, %[[OUT:[^:]+]]: memref<4xf32>)
// CHECK-NEXT: %[[A:.+]] = memref.alloc()
// CHECK-NEXT: call @kernel(%[[X]], %[[A]])
// CHECK-NEXT: %[[B:.+]] = memref.alloc()
// CHECK-NEXT: call @kernel(%[[A]], %[[B]])
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NEXT: %[[C:.+]] = memref.alloc()
// CHECK-NEXT: call @kernel(%[[B]], %[[C]])
// CHECK-NEXT: memref.dealloc %[[B]]
// CHECK-NEXT: call @kernel(%[[C]], %[[OUT]])
// CHECK-NEXT: memref.dealloc %[[C]]
// CHECK-NEXT: %[[D:.+]] = memref.alloc()
// CHECK-NEXT: memref.dealloc %[[D]]
// CHECK-NEXT: return
func.func @chain(%x: memref<4xf32>, %out: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  call @kernel(%x, %a) : (memref<4xf32>, memref<4xf32>) -> ()
  %b = memref.alloc() : memref<4xf32>
  call @kernel(%a, %b) : (memref<4xf32>, memref<4xf32>) -> ()
  %c = memref.alloc() : memref<4xf32>
  call @kernel(%b, %c) : (memref<4xf32>, memref<4xf32>) -> ()
  call @kernel(%c, %out) : (memref<4xf32>, memref<4xf32>) -> ()
  %unused = memref.alloc() : memref<4xf32>
  memref.dealloc %a : memref<4xf32>
  memref.dealloc %b : memref<4xf32>
  memref.dealloc %c : memref<4xf32>
  memref.dealloc %unused : memref<4xf32>
  return
}

// Uses through aliases (a subview) and inside regions (a branch, a loop yielding a view of
// the buffer) count: the deallocation goes after the op of the block that holds them.
// CHECK-LABEL: func.func @aliases(
// CHECK: %[[V:.+]] = memref.alloc()
// CHECK: %[[W:.+]] = memref.alloc()
// CHECK: %[[S:.+]] = memref.subview %[[V]]
// CHECK: scf.if
// CHECK: memref.copy %[[S]]
// CHECK: }
// CHECK-NEXT: memref.dealloc %[[V]]
// CHECK: %[[L:.+]] = scf.for
// CHECK: scf.yield %[[W]]
// CHECK: }
// CHECK-NEXT: memref.copy %[[L]], %{{.+}}
// CHECK-NEXT: memref.dealloc %[[W]]
// CHECK-NEXT: return
func.func @aliases(%p: i1, %x: memref<4xf32>, %out: memref<2xf32>, %out2: memref<4xf32>) {
  %v = memref.alloc() : memref<4xf32>
  %w = memref.alloc() : memref<4xf32>
  call @kernel(%x, %v) : (memref<4xf32>, memref<4xf32>) -> ()
  %s = memref.subview %v[0] [2] [1] : memref<4xf32> to memref<2xf32, strided<[1]>>
  scf.if %p {
    memref.copy %s, %out : memref<2xf32, strided<[1]>> to memref<2xf32>
  }
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c1 = arith.constant 1 : index
  %l = scf.for %i = %c0 to %c2 step %c1 iter_args(%m = %x) -> (memref<4xf32>) {
    func.call @kernel(%m, %w) : (memref<4xf32>, memref<4xf32>) -> ()
    scf.yield %w : memref<4xf32>
  }
  memref.copy %l, %out2 : memref<4xf32> to memref<4xf32>
  memref.dealloc %v : memref<4xf32>
  memref.dealloc %w : memref<4xf32>
  return
}

// Kept at the end: an address that leaves the memref world, a buffer allocated in
// another block.
// CHECK-LABEL: func.func @kept(
// CHECK: memref.extract_aligned_pointer_as_index
// CHECK: call @kernel
// CHECK-NEXT: memref.dealloc
// CHECK-NEXT: return
func.func @kept(%x: memref<4xf32>) -> index {
  %v = memref.alloc() : memref<4xf32>
  %i = memref.extract_aligned_pointer_as_index %v : memref<4xf32> -> index
  call @kernel(%x, %x) : (memref<4xf32>, memref<4xf32>) -> ()
  memref.dealloc %v : memref<4xf32>
  return %i : index
}
