// RUN: pullback-opt %s --pass-pipeline='builtin.module(pb-strided-copies{cores=2})' | filecheck %s
// RUN: pullback-opt %s --pass-pipeline='builtin.module(pb-strided-copies{cores=1})' | filecheck %s --check-prefix=ONE
// RUN: pullback-opt %s --run=pad_interior | filecheck %s --check-prefix=EXEC
// RUN: not pullback-opt %s --pass-pipeline='builtin.module(pb-strided-copies{cores=many})' 2>&1 | filecheck %s --check-prefix=BAD

// A copy into a strided view becomes one memcpy per contiguous run: here rows of 56 x 64
// floats (14336 bytes, contiguous on both sides), 32*56 of them; the view's offset (3776
// floats = 15104 bytes) and strides are folded into the addresses. 25 MB: the loop is an
// scf.parallel (serial scf.for with cores=1).
// BAD: cores must be an integer, got 'many'

// CHECK-LABEL: func.func @pad_copy(
// CHECK: memref.extract_aligned_pointer_as_index %subview
// CHECK: arith.constant 15104 : i64
// CHECK: %[[RUNS:.+]] = arith.constant 1792 : index
// CHECK: scf.parallel (%[[Q:.+]]) = (%{{.+}}) to (%[[RUNS]])
// CHECK: arith.remui %[[Q]]
// CHECK: arith.constant 861184 : i64
// CHECK: arith.constant 14848 : i64
// CHECK: arith.constant 14336 : i64
// CHECK: %[[BYTES:.+]] = arith.constant 14336 : i64
// CHECK-NEXT: "llvm.intr.memcpy"(%{{.+}}, %{{.+}}, %[[BYTES]]) <{isVolatile = false}>
// CHECK-NOT: memref.copy
// ONE-LABEL: func.func @pad_copy(
// ONE-NOT: scf.parallel
// ONE: scf.for
// ONE: "llvm.intr.memcpy"
func.func @pad_copy(%x: memref<32x56x56x64xf32>, %out: memref<32x58x58x64xf32>) {
  %view = memref.subview %out[0, 1, 1, 0] [32, 56, 56, 64] [1, 1, 1, 1] : memref<32x58x58x64xf32> to memref<32x56x56x64xf32, strided<[215296, 3712, 64, 1], offset: 3776>>
  memref.copy %x, %view : memref<32x56x56x64xf32> to memref<32x56x56x64xf32, strided<[215296, 3712, 64, 1], offset: 3776>>
  return
}

// Contiguous on both sides (upstream's one memcpy), runs under 32 bytes, and dynamic
// layouts stay memref.copy.
// CHECK-LABEL: func.func @left_alone(
// CHECK-COUNT-3: memref.copy
// CHECK-NOT: llvm.intr.memcpy
func.func @left_alone(%a: memref<8x16xf32>, %b: memref<8x16xf32>, %c: memref<8x10xf32>,
                      %d: memref<8x16xf32, strided<[?, 1], offset: ?>>) {
  memref.copy %a, %b : memref<8x16xf32> to memref<8x16xf32>
  %narrow = memref.subview %a[0, 0] [8, 4] [1, 1] : memref<8x16xf32> to memref<8x4xf32, strided<[16, 1]>>
  %narrow_c = memref.subview %c[0, 0] [8, 4] [1, 1] : memref<8x10xf32> to memref<8x4xf32, strided<[10, 1]>>
  memref.copy %narrow, %narrow_c : memref<8x4xf32, strided<[16, 1]>> to memref<8x4xf32, strided<[10, 1]>>
  memref.copy %b, %d : memref<8x16xf32> to memref<8x16xf32, strided<[?, 1], offset: ?>>
  return
}

// Through the whole CPU pipeline: a 3x40 block padded by one row/column of 7s, interior 1s.
// EXEC: result[0]: tensor<f32> = 428.0
func.func @pad_interior() -> tensor<f32> {
  %one = "pb.constant"() {value = dense<1.0> : tensor<3x40xf32>} : () -> tensor<3x40xf32>
  %seven = "pb.constant"() {value = dense<7.0> : tensor<f32>} : () -> tensor<f32>
  %p = "pb.pad"(%one, %seven) {low = array<i64: 1, 1>, high = array<i64: 0, 0>, interior = array<i64: 0, 0>} : (tensor<3x40xf32>, tensor<f32>) -> tensor<4x41xf32>
  %s = "pb.reduce_sum"(%p) {axes = array<i64: 0, 1>} : (tensor<4x41xf32>) -> tensor<f32>
  return %s : tensor<f32>
}
