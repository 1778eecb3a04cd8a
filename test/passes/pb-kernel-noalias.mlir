// RUN: pullback-opt %s -pb-kernel-noalias | filecheck %s
// RUN: pullback-opt %s --pass-pipeline='builtin.module(pb-kernel-noalias,finalize-memref-to-llvm,convert-func-to-llvm{use-bare-ptr-memref-call-conv=1},reconcile-unrealized-casts)' \
// RUN:   | filecheck %s --check-prefix=LLVM

// pb-kernel-noalias (passes/kernel_noalias.py) runs on memrefs after bufferization. An
// argument of an outlined kernel (private, `no_inline`) becomes `llvm.noalias` when, at
// every call, its buffer is rooted (through view ops) in an allocation of the caller that
// no other operand of the call is rooted in. The caller's arguments count as one root.
// Globals, loop-carried buffers and anything else keep their argument unmarked. The pass
// never reports a diagnostic.

// CHECK-LABEL: func.func private @kernel(
// CHECK-SAME: %{{[^:]+}}: memref<4xf32> {llvm.noalias},
// CHECK-SAME: %{{[^:]+}}: memref<4xf32> {llvm.noalias},
// CHECK-SAME: %{{[^:]+}}: memref<4xf32> {llvm.noalias})
// LLVM-LABEL: llvm.func @kernel(
// LLVM-SAME: %{{[^:]+}}: !llvm.ptr {llvm.noalias}, %{{[^:]+}}: !llvm.ptr {llvm.noalias}, %{{[^:]+}}: !llvm.ptr {llvm.noalias})
func.func private @kernel(%a: memref<4xf32>, %b: memref<4xf32>, %c: memref<4xf32>) attributes {no_inline} {
  memref.copy %a, %c : memref<4xf32> to memref<4xf32>
  return
}

// One argument of the caller (the others are its own allocations, one seen through a
// cast): every buffer has a root of its own.
// CHECK-LABEL: func.func @distinct(
func.func @distinct(%x: memref<4xf32>, %out: memref<4xf32>) {
  %t = memref.alloc() : memref<4xf32>
  %s = memref.alloca() : memref<4xf32>
  %v = memref.cast %s : memref<4xf32> to memref<4xf32>
  call @kernel(%x, %t, %v) : (memref<4xf32>, memref<4xf32>, memref<4xf32>) -> ()
  return
}

// The same allocation twice (once through a subview): those two stay unmarked; the
// caller's two arguments may be one array of the user's: both stay unmarked.
// CHECK-LABEL: func.func private @same_root(
// CHECK-SAME: %{{[^:]+}}: memref<4xf32>, %{{[^:]+}}: memref<4xf32>, %{{[^:]+}}: memref<4xf32> {llvm.noalias})
// CHECK-LABEL: func.func private @two_args(
// CHECK-SAME: %{{[^:]+}}: memref<4xf32>, %{{[^:]+}}: memref<4xf32>, %{{[^:]+}}: memref<4xf32> {llvm.noalias})
func.func private @same_root(%a: memref<4xf32>, %b: memref<4xf32>, %c: memref<4xf32>) attributes {no_inline} {
  return
}
func.func private @two_args(%a: memref<4xf32>, %b: memref<4xf32>, %c: memref<4xf32>) attributes {no_inline} {
  return
}
// CHECK-LABEL: func.func @aliasing(
func.func @aliasing(%x: memref<4xf32>, %y: memref<4xf32>) {
  %t = memref.alloc() : memref<8xf32>
  %lo = memref.subview %t[0] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1]>>
  %lo2 = memref.cast %lo : memref<4xf32, strided<[1]>> to memref<4xf32>
  %hi = memref.alloc() : memref<4xf32>
  %t4 = memref.reinterpret_cast %t to offset: [0], sizes: [4], strides: [1] : memref<8xf32> to memref<4xf32>
  call @same_root(%lo2, %t4, %hi) : (memref<4xf32>, memref<4xf32>, memref<4xf32>) -> ()
  %u = memref.alloc() : memref<4xf32>
  call @two_args(%x, %y, %u) : (memref<4xf32>, memref<4xf32>, memref<4xf32>) -> ()
  return
}

// Every call counts: distinct buffers at one call, one buffer twice at the other.
// CHECK-LABEL: func.func private @twice(
// CHECK-SAME: %{{[^:]+}}: memref<4xf32>, %{{[^:]+}}: memref<4xf32>, %{{[^:]+}}: memref<4xf32> {llvm.noalias})
func.func private @twice(%a: memref<4xf32>, %b: memref<4xf32>, %c: memref<4xf32>) attributes {no_inline} {
  return
}
// CHECK-LABEL: func.func @calls(
func.func @calls(%x: memref<4xf32>) {
  %t = memref.alloc() : memref<4xf32>
  %u = memref.alloc() : memref<4xf32>
  %w = memref.alloc() : memref<4xf32>
  call @twice(%t, %u, %w) : (memref<4xf32>, memref<4xf32>, memref<4xf32>) -> ()
  %z = memref.alloc() : memref<4xf32>
  call @twice(%x, %x, %z) : (memref<4xf32>, memref<4xf32>, memref<4xf32>) -> ()
  return
}

// A global and a loop-carried buffer have no known root; scalars are never marked.
// CHECK-LABEL: func.func private @unknown(
// CHECK-SAME: %{{[^:]+}}: memref<4xf32>, %{{[^:]+}}: memref<4xf32>, %{{[^:]+}}: f32, %{{[^:]+}}: memref<4xf32> {llvm.noalias})
func.func private @unknown(%a: memref<4xf32>, %b: memref<4xf32>, %s: f32, %c: memref<4xf32>) attributes {no_inline} {
  return
}
memref.global "private" constant @table : memref<4xf32> = dense<1.0>
// CHECK-LABEL: func.func @roots_unknown(
func.func @roots_unknown(%n: index) {
  %g = memref.get_global @table : memref<4xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %f = arith.constant 2.0 : f32
  %init = memref.alloc() : memref<4xf32>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%carried = %init) -> (memref<4xf32>) {
    %out = memref.alloc() : memref<4xf32>
    func.call @unknown(%g, %carried, %f, %out) : (memref<4xf32>, memref<4xf32>, f32, memref<4xf32>) -> ()
    scf.yield %out : memref<4xf32>
  }
  return
}

// Functions that are not kernels (no `no_inline`, or public) are left alone.
// CHECK-LABEL: func.func private @not_kernel(
// CHECK-NOT: llvm.noalias
// CHECK-LABEL: func.func @public_kernel(
// CHECK-NOT: llvm.noalias
// CHECK: return
func.func private @not_kernel(%a: memref<4xf32>, %b: memref<4xf32>) {
  return
}
func.func @public_kernel(%a: memref<4xf32>, %b: memref<4xf32>) attributes {no_inline} {
  %t = memref.alloc() : memref<4xf32>
  %u = memref.alloc() : memref<4xf32>
  call @not_kernel(%t, %u) : (memref<4xf32>, memref<4xf32>) -> ()
  return
}
