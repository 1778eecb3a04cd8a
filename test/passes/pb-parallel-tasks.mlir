// RUN: pullback-opt %s --pass-pipeline='builtin.module(pb-parallel-tasks{cores=3})' --split-input-file | filecheck %s
// RUN: pullback-opt %s --pass-pipeline='builtin.module(pb-parallel-tasks{cores=1})' --split-input-file | filecheck %s --check-prefix=ONE
// RUN: not pullback-opt %s --pass-pipeline='builtin.module(pb-parallel-tasks{cores=many})' 2>&1 | filecheck %s --check-prefix=BAD

// An scf.parallel becomes a body function over linear iterations [begin, end) and, in its
// place, the captures stored once and one call of the module's launch function with the
// body's address, the ctx, the trip count (5 x 7) and the most chunks (3). The launch
// function makes a heap record per chunk after the first (all allocated before any is handed
// to the pool), runs the first chunk on the calling thread, then steals each other chunk by
// compare-and-swap (PENDING 0 -> STOLEN 2) and runs it, or waits (yielding) until its pool
// thread stores DONE (3) and frees it. Static bounds are constants in the body (not loaded);
// the 2-D index is delinearized by the trip count 7. The capture struct holds the f32 and the
// memref's descriptor; constants are cloned.
// BAD: cores must be an integer, got 'many'

// CHECK-LABEL: func.func @fill(
// CHECK: %[[CTX:.+]] = llvm.alloca %{{.+}} x !llvm.struct<(f32, struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>)>
// CHECK: %[[DESC:.+]] = builtin.unrealized_conversion_cast %arg0 : memref<5x7xf32> to !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// CHECK: llvm.store %{{.+}}, %[[CTX]]
// CHECK: %[[BODY:.+]] = constant @pb_parallel_body : (!llvm.ptr, i64, i64) -> ()
// CHECK: %[[BODY_PTR:.+]] = builtin.unrealized_conversion_cast %[[BODY]]
// CHECK: %[[TOTAL:.+]] = arith.index_cast %{{.+}} : index to i64
// CHECK: %[[PARTS:.+]] = llvm.mlir.constant(3 : i64) : i64
// CHECK: llvm.call @pb_parallel_launch(%[[BODY_PTR]], %[[CTX]], %[[TOTAL]], %[[PARTS]]) : (!llvm.ptr, !llvm.ptr, i64, i64) -> ()
// CHECK-NOT: scf.parallel
// CHECK: return
// CHECK-LABEL: func.func private @pb_parallel_body(%{{.+}}: !llvm.ptr, %{{.+}}: i64, %{{.+}}: i64)
// CHECK: llvm.load %{{.+}} : !llvm.ptr -> !llvm.struct<(f32, struct<
// CHECK: %[[OUT:.+]] = builtin.unrealized_conversion_cast %{{.+}} to memref<5x7xf32>
// CHECK-DAG: %[[C7:.+]] = arith.constant 7 : index
// CHECK-DAG: %[[TEN:.+]] = arith.constant 1.000000e+01 : f32
// CHECK: scf.for %[[L:.+]] = %{{.+}} to %{{.+}} step
// CHECK: arith.remui %[[L]], %[[C7]] : index
// CHECK: arith.divui %[[L]], %[[C7]] : index
// CHECK: arith.mulf %{{.+}}, %[[TEN]] : f32
// CHECK: memref.store %{{.+}}, %[[OUT]]
// CHECK: llvm.func @mlirAsyncRuntimeExecute(!llvm.ptr, !llvm.ptr)
// CHECK-LABEL: llvm.func internal @pb_parallel_task(
// CHECK: %[[CLAIM:.+]] = llvm.cmpxchg %{{.+}}, %{{.+}}, %{{.+}} acq_rel acquire : !llvm.ptr, i32
// CHECK: llvm.cond_br %{{.+}}, ^[[MINE:.+]], ^[[THEIRS:.+]]
// CHECK: ^[[MINE]]:
// CHECK: llvm.call %{{.+}}(%{{.+}}, %{{.+}}, %{{.+}}) : !llvm.ptr, (!llvm.ptr, i64, i64) -> ()
// CHECK: llvm.store %{{.+}}, %{{.+}} atomic release {alignment = 4 : i64} : i32, !llvm.ptr
// CHECK: ^[[THEIRS]]:
// CHECK: llvm.call @free(
// CHECK-LABEL: llvm.func internal @pb_parallel_launch(
// CHECK-SAME: %[[LBODY:.+]]: !llvm.ptr, %[[LCTX:.+]]: !llvm.ptr, %[[LTOTAL:.+]]: i64, %[[LPARTS:.+]]: i64)
// CHECK: %[[PENDING:.+]] = llvm.mlir.constant(0 : i32) : i32
// CHECK: %[[STOLEN:.+]] = llvm.mlir.constant(2 : i32) : i32
// CHECK: %[[DONE:.+]] = llvm.mlir.constant(3 : i32) : i32
// CHECK: %[[TASK:.+]] = llvm.mlir.addressof @pb_parallel_task : !llvm.ptr
// CHECK: %[[RECORD:.+]] = llvm.call @malloc(%{{.+}}) : (i64) -> !llvm.ptr
// CHECK: %[[STATE:.+]] = llvm.getelementptr %[[RECORD]][0, 4] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, i64, i64, i32)>
// CHECK: llvm.store %[[PENDING]], %[[STATE]] : i32, !llvm.ptr
// CHECK: llvm.call @mlirAsyncRuntimeExecute(%{{.+}}, %[[TASK]])
// CHECK: llvm.call %[[LBODY]](%[[LCTX]], %{{.+}}, %{{.+}}) : !llvm.ptr, (!llvm.ptr, i64, i64) -> ()
// CHECK: %[[CAS:.+]] = llvm.cmpxchg %{{.+}}, %[[PENDING]], %[[STOLEN]] acq_rel acquire : !llvm.ptr, i32
// CHECK: llvm.extractvalue %[[CAS]][1]
// CHECK: llvm.call %[[LBODY]](%[[LCTX]], %{{.+}}, %{{.+}}) : !llvm.ptr, (!llvm.ptr, i64, i64) -> ()
// CHECK: llvm.load %{{.+}} atomic acquire {alignment = 4 : i64} : !llvm.ptr -> i32
// CHECK: llvm.icmp "ne" %{{.+}}, %[[DONE]] : i32
// CHECK: llvm.call @sched_yield()
// CHECK: llvm.call @free(
// ONE-LABEL: func.func @fill(
// ONE: scf.parallel
// ONE-NOT: mlirAsyncRuntime
func.func @fill(%out: memref<5x7xf32>, %scale: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  %c7 = arith.constant 7 : index
  %ten = arith.constant 10.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c5, %c7) step (%c1, %c1) {
    %fi = arith.index_cast %i : index to i64
    %fj = arith.index_cast %j : index to i64
    %a = arith.sitofp %fi : i64 to f32
    %b = arith.sitofp %fj : i64 to f32
    %t = arith.mulf %a, %ten : f32
    %u = arith.addf %t, %b : f32
    %v = arith.mulf %u, %scale : f32
    memref.store %v, %out[%i, %j] : memref<5x7xf32>
    scf.reduce
  }
  return
}

// -----

// Dynamic bounds travel in the capture struct (lower bound, step, trip count, as i64s,
// before the captures); one task and one launch function serve every loop of the module; a
// loop nested in another stays a serial scf.parallel inside the outer loop's body.
// CHECK-LABEL: func.func @dynamic(
// CHECK: llvm.alloca %{{.+}} x !llvm.struct<(i64, i64, i64, struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>)>
// CHECK: arith.ceildivsi
// CHECK: llvm.call @pb_parallel_launch(
// CHECK-LABEL: func.func @nested(
// CHECK: constant @pb_parallel_body_{{[0-9]+}} :
// CHECK: llvm.call @pb_parallel_launch(
// CHECK-LABEL: func.func private @pb_parallel_body(
// CHECK: llvm.extractvalue %{{.+}}[0]
// CHECK: llvm.extractvalue %{{.+}}[1]
// CHECK: llvm.extractvalue %{{.+}}[2]
// CHECK-LABEL: func.func private @pb_parallel_body_{{[0-9]+}}(
// CHECK: scf.parallel
// CHECK-COUNT-1: llvm.func internal @pb_parallel_task(
// CHECK-NOT: llvm.func internal @pb_parallel_task
// CHECK-COUNT-1: llvm.func internal @pb_parallel_launch(
// CHECK-NOT: llvm.func internal @pb_parallel_launch
func.func @dynamic(%out: memref<?xf32>, %lo: index, %hi: index, %step: index) {
  %one = arith.constant 1.0 : f32
  scf.parallel (%i) = (%lo) to (%hi) step (%step) {
    memref.store %one, %out[%i] : memref<?xf32>
    scf.reduce
  }
  return
}
func.func @nested(%out: memref<4x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    scf.parallel (%j) = (%c0) to (%c4) step (%c1) {
      memref.store %one, %out[%i, %j] : memref<4x4xf32>
      scf.reduce
    }
    scf.reduce
  }
  return
}

// -----

// Loops with reductions, and loops capturing a value without a fixed LLVM layout (an n-D
// vector), stay serial; a module without a lowered loop gets no runtime declarations.
// CHECK-LABEL: func.func @reduction(
// CHECK: scf.parallel
// CHECK: scf.reduce(
// CHECK-LABEL: func.func @vector_capture(
// CHECK: scf.parallel
// CHECK-NOT: mlirAsyncRuntime
func.func @reduction(%in: memref<8xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  %sum = scf.parallel (%i) = (%c0) to (%c8) step (%c1) init (%zero) -> f32 {
    %x = memref.load %in[%i] : memref<8xf32>
    scf.reduce(%x : f32) {
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      scf.reduce.return %s : f32
    }
  }
  return %sum : f32
}
func.func @vector_capture(%out: memref<8x2x4xf32>, %v: vector<2x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    vector.store %v, %out[%i, %c0, %c0] : memref<8x2x4xf32>, vector<2x4xf32>
    scf.reduce
  }
  return
}
