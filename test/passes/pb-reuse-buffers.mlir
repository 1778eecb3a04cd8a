// RUN: pullback-opt %s -pb-reuse-buffers | filecheck %s

// pb-reuse-buffers: an allocation of the type of a buffer freed earlier in its block takes
// that buffer over; the dealloc that freed it goes, the later one frees it.

func.func private @use(memref<4xf32>)
func.func private @use8(memref<8xf32>)

// CHECK-LABEL: func.func @chain(
// CHECK: %[[A:.+]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT: call @use(%[[A]])
// CHECK-NEXT: call @use(%[[A]])
// CHECK-NEXT: call @use(%[[A]])
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NEXT: return
func.func @chain() {
  %a = memref.alloc() : memref<4xf32>
  call @use(%a) : (memref<4xf32>) -> ()
  memref.dealloc %a : memref<4xf32>
  %b = memref.alloc() : memref<4xf32>
  call @use(%b) : (memref<4xf32>) -> ()
  memref.dealloc %b : memref<4xf32>
  %c = memref.alloc() : memref<4xf32>
  call @use(%c) : (memref<4xf32>) -> ()
  memref.dealloc %c : memref<4xf32>
  return
}

// Live at once (no dealloc between), of another type, or another alignment: their own buffers
// (the 8-float allocation also ends the wait of the buffer freed before it).
// CHECK-LABEL: func.func @kept(
// CHECK: %[[A:.+]] = memref.alloc() : memref<4xf32>
// CHECK: %[[B:.+]] = memref.alloc() : memref<4xf32>
// CHECK: memref.dealloc %[[A]]
// CHECK: %[[C:.+]] = memref.alloc() : memref<8xf32>
// CHECK: %[[D:.+]] = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
// CHECK: call @use(%[[D]])
// CHECK: memref.dealloc %[[B]]
// CHECK: memref.dealloc %[[C]]
// CHECK: memref.dealloc %[[D]]
func.func @kept() {
  %a = memref.alloc() : memref<4xf32>
  %b = memref.alloc() : memref<4xf32>
  call @use(%a) : (memref<4xf32>) -> ()
  call @use(%b) : (memref<4xf32>) -> ()
  memref.dealloc %a : memref<4xf32>
  %c = memref.alloc() : memref<8xf32>
  call @use8(%c) : (memref<8xf32>) -> ()
  %d = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
  call @use(%d) : (memref<4xf32>) -> ()
  memref.dealloc %b : memref<4xf32>
  memref.dealloc %c : memref<8xf32>
  memref.dealloc %d : memref<4xf32>
  return
}

// A loop body reuses within its own block; the function's block keeps its own.
// CHECK-LABEL: func.func @in_loop(
// CHECK: scf.for
// CHECK: %[[A:.+]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT: call @use(%[[A]])
// CHECK-NEXT: call @use(%[[A]])
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NEXT: }
func.func @in_loop(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %a = memref.alloc() : memref<4xf32>
    func.call @use(%a) : (memref<4xf32>) -> ()
    memref.dealloc %a : memref<4xf32>
    %b = memref.alloc() : memref<4xf32>
    func.call @use(%b) : (memref<4xf32>) -> ()
    memref.dealloc %b : memref<4xf32>
  }
  return
}

// A call (it may allocate) between the free and the allocation: waiting would hold the freed
// buffer across it, above the program's peak, so it is freed and the allocation is its own.
// CHECK-LABEL: func.func @across_a_call(
// CHECK: %[[A:.+]] = memref.alloc() : memref<4xf32>
// CHECK: memref.dealloc %[[A]]
// CHECK-NEXT: call @use8
// CHECK-NEXT: %[[B:.+]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT: call @use(%[[B]])
func.func @across_a_call(%x: memref<8xf32>) {
  %a = memref.alloc() : memref<4xf32>
  call @use(%a) : (memref<4xf32>) -> ()
  memref.dealloc %a : memref<4xf32>
  call @use8(%x) : (memref<8xf32>) -> ()
  %b = memref.alloc() : memref<4xf32>
  call @use(%b) : (memref<4xf32>) -> ()
  memref.dealloc %b : memref<4xf32>
  return
}
