// RUN: pullback-opt %s -pb-optnone-glue | filecheck %s

// Marked optnone (with noinline): a loop-free function of some size, and a function whose
// loops only call out (a gemm per block, a task launch, a spin on a flag with a yield).
// Not marked: loops that load or store floats (kernels), loops that load and store integers
// without calling (integer kernels), loops with vector values or float arithmetic, tiny
// loop-free functions, and functions that already carry passthrough attributes.

// CHECK-LABEL: llvm.func @glue(
// CHECK-SAME: passthrough = ["noinline", "optnone"]
// CHECK-LABEL: llvm.func @calls_in_loop(
// CHECK-SAME: passthrough = ["noinline", "optnone"]
// CHECK-LABEL: llvm.func @spin(
// CHECK-SAME: passthrough = ["noinline", "optnone"]
// CHECK-LABEL: llvm.func @float_kernel(
// CHECK-NOT: optnone
// CHECK-LABEL: llvm.func @integer_kernel(
// CHECK-NOT: optnone
// CHECK-LABEL: llvm.func @libm_loop(
// CHECK-NOT: optnone
// CHECK-LABEL: llvm.func @tiny(
// CHECK-NOT: optnone
// CHECK-LABEL: llvm.func @marked(
// CHECK-SAME: passthrough = ["noinline"]
// CHECK-NOT: optnone
// CHECK: llvm.return
llvm.func @callee(%p: !llvm.ptr)
llvm.func @gemm(%p: !llvm.ptr, %alpha: f32, %n: i32)
llvm.func @sched_yield() -> i32
llvm.func @exp(f64) -> f64
llvm.func @glue(%p: !llvm.ptr) {
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.return
}
llvm.func @calls_in_loop(%p: !llvm.ptr, %n: i64) {
  %zero = llvm.mlir.constant(0 : i64) : i64
  %one = llvm.mlir.constant(1 : i64) : i64
  %alpha = llvm.mlir.constant(1.0 : f32) : f32
  llvm.br ^head(%zero : i64)
^head(%i: i64):
  %c = llvm.icmp "slt" %i, %n : i64
  llvm.cond_br %c, ^body, ^exit
^body:
  %at = llvm.getelementptr %p[%i] : (!llvm.ptr, i64) -> !llvm.ptr, i64
  llvm.store %i, %at : i64, !llvm.ptr
  %rows = llvm.trunc %i : i64 to i32
  %m = llvm.intr.smin(%rows, %rows) : (i32, i32) -> i32
  llvm.call @gemm(%at, %alpha, %m) : (!llvm.ptr, f32, i32) -> ()
  %next = llvm.add %i, %one : i64
  llvm.br ^head(%next : i64)
^exit:
  llvm.return
}
llvm.func @spin(%flag: !llvm.ptr) {
  %done = llvm.mlir.constant(3 : i32) : i32
  llvm.br ^head
^head:
  %s = llvm.load %flag atomic acquire {alignment = 4 : i64} : !llvm.ptr -> i32
  %running = llvm.icmp "ne" %s, %done : i32
  llvm.cond_br %running, ^wait, ^exit
^wait:
  %r = llvm.call @sched_yield() : () -> i32
  llvm.br ^head
^exit:
  llvm.return
}
llvm.func @float_kernel(%p: !llvm.ptr, %n: i64) {
  %zero = llvm.mlir.constant(0 : i64) : i64
  %one = llvm.mlir.constant(1 : i64) : i64
  llvm.br ^head(%zero : i64)
^head(%i: i64):
  %c = llvm.icmp "slt" %i, %n : i64
  llvm.cond_br %c, ^body, ^exit
^body:
  %at = llvm.getelementptr %p[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %x = llvm.load %at : !llvm.ptr -> f32
  %y = llvm.fmul %x, %x : f32
  llvm.store %y, %at : f32, !llvm.ptr
  %next = llvm.add %i, %one : i64
  llvm.br ^head(%next : i64)
^exit:
  llvm.return
}
llvm.func @integer_kernel(%p: !llvm.ptr, %n: i64) {
  %zero = llvm.mlir.constant(0 : i64) : i64
  %one = llvm.mlir.constant(1 : i64) : i64
  llvm.br ^head(%zero : i64)
^head(%i: i64):
  %c = llvm.icmp "slt" %i, %n : i64
  llvm.cond_br %c, ^body, ^exit
^body:
  %at = llvm.getelementptr %p[%i] : (!llvm.ptr, i64) -> !llvm.ptr, i32
  %x = llvm.load %at : !llvm.ptr -> i32
  %y = llvm.mul %x, %x : i32
  llvm.store %y, %at : i32, !llvm.ptr
  %next = llvm.add %i, %one : i64
  llvm.br ^head(%next : i64)
^exit:
  llvm.return
}
llvm.func @libm_loop(%p: !llvm.ptr, %n: i64) {
  %zero = llvm.mlir.constant(0 : i64) : i64
  %one = llvm.mlir.constant(1 : i64) : i64
  llvm.br ^head(%zero : i64)
^head(%i: i64):
  %c = llvm.icmp "slt" %i, %n : i64
  llvm.cond_br %c, ^body, ^exit
^body:
  %at = llvm.getelementptr %p[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f64
  %x = llvm.load %at : !llvm.ptr -> f64
  %y = llvm.call @exp(%x) : (f64) -> f64
  llvm.store %y, %at : f64, !llvm.ptr
  %next = llvm.add %i, %one : i64
  llvm.br ^head(%next : i64)
^exit:
  llvm.return
}
llvm.func @tiny(%p: !llvm.ptr) {
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.return
}
llvm.func @marked(%p: !llvm.ptr) attributes {passthrough = ["noinline"]} {
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.call @callee(%p) : (!llvm.ptr) -> ()
  llvm.return
}
