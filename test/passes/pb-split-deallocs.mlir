// RUN: pullback-opt %s -pb-split-deallocs | filecheck %s
// RUN: pullback-opt %s --pass-pipeline='builtin.module(pb-split-deallocs,buffer-deallocation-simplification,bufferization-lower-deallocations,canonicalize)' | filecheck %s --check-prefix=LOWERED

// pb-split-deallocs turns a bufferization.dealloc of distinct memref.allocs, with
// constant-true conditions and nothing retained, into one memref.dealloc per buffer; every
// other dealloc is left to buffer-deallocation-simplification.

// CHECK-LABEL: func.func @fresh(
// CHECK: %[[A:.+]] = memref.alloc() : memref<4xf32>
// CHECK: %[[B:.+]] = memref.alloc() : memref<8xf32>
// CHECK: call @use(%[[A]], %[[B]])
// CHECK-NOT: bufferization.dealloc
// CHECK: memref.dealloc %[[A]] : memref<4xf32>
// CHECK-NEXT: memref.dealloc %[[B]] : memref<8xf32>
// CHECK-NEXT: return
// LOWERED-LABEL: func.func @fresh(
// LOWERED-COUNT-2: memref.dealloc
// LOWERED-NEXT: return
func.func private @use(memref<4xf32>, memref<8xf32>)
func.func @fresh() {
  %true = arith.constant true
  %a = memref.alloc() : memref<4xf32>
  %b = memref.alloc() : memref<8xf32>
  call @use(%a, %b) : (memref<4xf32>, memref<8xf32>) -> ()
  bufferization.dealloc (%a, %b : memref<4xf32>, memref<8xf32>) if (%true, %true)
  return
}

// A condition known only at run time: left alone.
// CHECK-LABEL: func.func @conditional(
// CHECK: bufferization.dealloc (%{{.+}}, %{{.+}} : memref<4xf32>, memref<8xf32>) if (%{{.+}}, %{{.+}})
// CHECK-NOT: memref.dealloc
// CHECK: return
func.func @conditional(%c: i1) {
  %true = arith.constant true
  %a = memref.alloc() : memref<4xf32>
  %b = memref.alloc() : memref<8xf32>
  call @use(%a, %b) : (memref<4xf32>, memref<8xf32>) -> ()
  bufferization.dealloc (%a, %b : memref<4xf32>, memref<8xf32>) if (%true, %c)
  return
}

// A view may alias its allocation: the dealloc frees their base once, left to upstream.
// CHECK-LABEL: func.func @view(
// CHECK: bufferization.dealloc
// CHECK-NOT: memref.dealloc
// CHECK: return
func.func @view() {
  %true = arith.constant true
  %a = memref.alloc() : memref<8xf32>
  %v = memref.subview %a[0] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1]>>
  %c = memref.cast %v : memref<4xf32, strided<[1]>> to memref<4xf32>
  call @use(%c, %a) : (memref<4xf32>, memref<8xf32>) -> ()
  bufferization.dealloc (%a, %c : memref<8xf32>, memref<4xf32>) if (%true, %true)
  return
}

// Retained values (a result the caller receives) need the alias checks: left alone.
// CHECK-LABEL: func.func @retained(
// CHECK: bufferization.dealloc (%{{.+}} : memref<4xf32>) if (%{{.+}}) retain (%{{.+}} : memref<4xf32>)
// CHECK-NOT: memref.dealloc
func.func @retained(%r: memref<4xf32>) -> i1 {
  %true = arith.constant true
  %a = memref.alloc() : memref<4xf32>
  %k = bufferization.dealloc (%a : memref<4xf32>) if (%true) retain (%r : memref<4xf32>)
  return %k : i1
}

// Inside a loop the body's own few buffers are left to the simplification.
// CHECK-LABEL: func.func @in_loop(
// CHECK: scf.for
// CHECK: bufferization.dealloc
// CHECK-NOT: memref.dealloc
// CHECK: return
func.func @in_loop(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %true = arith.constant true
    %a = memref.alloc() : memref<4xf32>
    %b = memref.alloc() : memref<8xf32>
    func.call @use(%a, %b) : (memref<4xf32>, memref<8xf32>) -> ()
    bufferization.dealloc (%a, %b : memref<4xf32>, memref<8xf32>) if (%true, %true)
  }
  return
}
