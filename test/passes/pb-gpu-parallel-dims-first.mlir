// pb-gpu-parallel-dims-first (passes/gpu_parallel_dims_first.py) on memref IR.
// RUN: pullback-opt %s --split-input-file -pb-gpu-parallel-dims-first | filecheck %s --check-prefix=ICHG

// pb-gpu-parallel-dims-first: a sum over axis 0 (reduction dimension first) is
// interchanged so that the parallel dimension is outermost: a parallel loop over the
// columns with the rows a sequential loop in each thread, not a host loop of launches.
// ICHG-DAG: #[[IN:.+]] = affine_map<(d0, d1) -> (d1, d0)>
// ICHG-DAG: #[[OUT:.+]] = affine_map<(d0, d1) -> (d0)>
// ICHG-LABEL: func.func @column_sums
// ICHG: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "reduction"]}
// ICHG-NOT: __pb_gpu_interchange__
#rows = affine_map<(d0, d1) -> (d0, d1)>
#cols = affine_map<(d0, d1) -> (d1)>
func.func @column_sums(%a: memref<32x4xf32>, %o: memref<4xf32>) {
  linalg.generic {indexing_maps = [#rows, #cols], iterator_types = ["reduction", "parallel"]}
      ins(%a : memref<32x4xf32>) outs(%o : memref<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %out, %in : f32
    linalg.yield %0 : f32
  }
  return
}
