// pb-gpu-map-loops (passes/gpu_map_loops.py) on memref IR.
// RUN: pullback-opt %s --split-input-file --verify-diagnostics -pb-gpu-map-loops | filecheck %s --check-prefix=MAP

// pb-gpu-map-loops linearizes a 2-D loop of 5x3 iterations into one block of 15 threads;
// the last dimension is the fastest. No guard: the grid covers the loop exactly.
// MAP-LABEL: func.func @map_2d
// MAP: %[[C15:.+]] = arith.constant 15 : index
// MAP: scf.parallel (%[[B:.+]]) = (%{{.+}}) to (%{{.+}}) step (%{{.+}}) {
// MAP: scf.parallel (%[[T:.+]]) = (%{{.+}}) to (%[[C15]]) step (%{{.+}}) {
// MAP: %[[M:.+]] = arith.muli %[[B]], %[[C15]]
// MAP: %[[L:.+]] = arith.addi %[[M]], %[[T]]
// MAP: %[[C3:.+]] = arith.constant 3 : index
// MAP: %[[J:.+]] = arith.remui %[[L]], %[[C3]]
// MAP: %[[I:.+]] = arith.divui %[[L]], %[[C3]]
// MAP: memref.store %{{.+}}, %{{.+}}[%[[I]], %[[J]]]
// MAP: } {mapping = [#gpu.loop_dim_map<processor = thread_x, map = (d0) -> (d0), bound = (d0) -> (d0)>]}
// MAP: } {mapping = [#gpu.loop_dim_map<processor = block_x, map = (d0) -> (d0), bound = (d0) -> (d0)>]}
// MAP-NOT: scf.parallel
// MAP: return
func.func @map_2d(%out: memref<5x3xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c5, %c3) step (%c1, %c1) {
    memref.store %one, %out[%i, %j] : memref<5x3xf32>
    scf.reduce
  }
  return
}

// -----

// 300 iterations (from 2, step 2): 2 blocks of 256 threads and a guard for the tail;
// a nested parallel loop runs sequentially in each thread.
// MAP-LABEL: func.func @map_tail
// MAP: %[[C256:.+]] = arith.constant 256 : index
// MAP-NEXT: %[[C300:.+]] = arith.constant 300 : index
// MAP-NEXT: scf.parallel (%[[B:.+]]) = (%{{.+}}) to (%c2{{.*}}) step
// MAP: scf.parallel (%[[T:.+]]) = (%{{.+}}) to (%[[C256]])
// MAP: %[[L:.+]] = arith.addi %{{.+}}, %[[T]]
// MAP: %[[IN:.+]] = arith.cmpi ult, %[[L]], %[[C300]]
// MAP: scf.if %[[IN]] {
// MAP: %[[S:.+]] = arith.muli %[[L]], %{{.+}}
// MAP: %[[IV:.+]] = arith.addi %[[S]], %{{.+}}
// MAP: scf.parallel
// MAP: memref.store %{{.+}}, %{{.+}}[%[[IV]], %{{.+}}]
// MAP: } {mapping = [#gpu.loop_dim_map<processor = sequential, map = (d0) -> (d0), bound = (d0) -> (d0)>]}
// MAP: } {mapping = [#gpu.loop_dim_map<processor = thread_x
// MAP: } {mapping = [#gpu.loop_dim_map<processor = block_x
func.func @map_tail(%out: memref<602x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c602 = arith.constant 602 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c2) to (%c602) step (%c2) {
    scf.parallel (%j) = (%c0) to (%c4) step (%c1) {
      memref.store %one, %out[%i, %j] : memref<602x4xf32>
      scf.reduce
    }
    scf.reduce
  }
  return
}

// -----

// A loop without iterations is removed.
// MAP-LABEL: func.func @map_empty
// MAP-NOT: scf.parallel
// MAP: return
func.func @map_empty(%out: memref<0xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c0) to (%c0) step (%c1) {
    memref.store %one, %out[%i] : memref<0xf32>
    scf.reduce
  }
  return
}

// -----

// The grid is sized at compile time: bounds must be constants.
func.func @map_dynamic(%out: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1.0 : f32
  // expected-error @+1 {{pb-gpu-map-loops: parallel loop bounds and steps must be constants}}
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %one, %out[%i] : memref<?xf32>
    scf.reduce
  }
  return
}
