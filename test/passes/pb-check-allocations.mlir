// RUN: pullback-opt %s -pb-check-allocations --split-input-file --verify-diagnostics | filecheck %s

// pb-check-allocations (passes/check_allocations.py): after each malloc, a NULL result
// branches to the function's failure block, which stores the requested byte count in
// @_mlir_pb_oom_bytes and returns at once (a zero value for functions with a result); the
// runtime turns the flag into ResourceExhaustedError. Code after the allocation moves to
// its own block.

// CHECK: llvm.mlir.global external @_mlir_pb_oom_bytes(0 : i64)
// CHECK-LABEL: llvm.func @scalar_result(
// CHECK-SAME: %[[N:.*]]: i64)
// CHECK: %[[P:.*]] = llvm.call @malloc(%[[N]])
// CHECK: %[[NULL:.*]] = llvm.mlir.zero : !llvm.ptr
// CHECK: %[[FAILED:.*]] = llvm.icmp "eq" %[[P]], %[[NULL]]
// CHECK: llvm.cond_br %[[FAILED]], ^[[OOM:bb[0-9]+]](%[[N]] : i64), ^[[OK:bb[0-9]+]]
// CHECK: ^[[OK]]:
// CHECK: llvm.store %{{.*}}, %[[P]]
// CHECK: ^[[OOM]](%[[SIZE:.*]]: i64):
// CHECK: %[[FLAG:.*]] = llvm.mlir.addressof @_mlir_pb_oom_bytes
// CHECK: llvm.store %[[SIZE]], %[[FLAG]] : i64, !llvm.ptr
// CHECK: %[[ZERO:.*]] = llvm.mlir.zero : f32
// CHECK: llvm.return %[[ZERO]] : f32
llvm.func @malloc(i64) -> !llvm.ptr
llvm.func @scalar_result(%n: i64) -> f32 {
  %p = llvm.call @malloc(%n) : (i64) -> !llvm.ptr
  %c = llvm.mlir.constant(1.0 : f32) : f32
  llvm.store %c, %p : f32, !llvm.ptr
  %v = llvm.load %p : !llvm.ptr -> f32
  llvm.return %v : f32
}

// Two allocations in one block: each gets its own check, in order, both branching to
// the one failure block of the function.
// CHECK-LABEL: llvm.func @two(
// CHECK: llvm.call @malloc
// CHECK: llvm.cond_br %{{.*}}, ^[[FAIL:bb[0-9]+]](%{{.*}} : i64), ^[[NEXT:bb[0-9]+]]
// CHECK: ^[[NEXT]]:
// CHECK: llvm.call @malloc
// CHECK: llvm.cond_br %{{.*}}, ^[[FAIL]](%{{.*}} : i64), ^[[LAST:bb[0-9]+]]
// CHECK: ^[[LAST]]:
// CHECK: llvm.store
// CHECK: llvm.return
// CHECK: ^[[FAIL]](%{{.*}}: i64):
// CHECK: llvm.return
llvm.func @two(%n: i64) {
  %p = llvm.call @malloc(%n) : (i64) -> !llvm.ptr
  %q = llvm.call @malloc(%n) : (i64) -> !llvm.ptr
  %c = llvm.mlir.constant(1.0 : f32) : f32
  llvm.store %c, %q : f32, !llvm.ptr
  llvm.return
}

// -----

// A module without allocations is unchanged (no flag either).
// CHECK-NOT: pb_oom_bytes
// CHECK-LABEL: llvm.func @no_allocation(
llvm.func @no_allocation(%x: f32) -> f32 {
  llvm.return %x : f32
}

// -----

// The pass works on the LLVM dialect only: a func.func malloc-like call is not its input.
// expected-error @+1 {{pb-check-allocations runs on the LLVM dialect; found func.func @not_lowered}}
func.func @not_lowered() {
  return
}
