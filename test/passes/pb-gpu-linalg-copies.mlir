// pb-gpu-linalg-copies (passes/gpu_linalg_copies.py) on memref IR.
// RUN: pullback-opt %s --split-input-file -pb-gpu-linalg-copies | filecheck %s --check-prefix=COPY

// pb-gpu-linalg-copies: a host memref.copy becomes a linalg.copy (a parallel loop later).
// COPY-LABEL: func.func @copy(
// COPY-SAME: %[[A:.+]]: memref<4x3xf32>, %[[B:.+]]: memref<4x3xf32>)
// COPY: linalg.copy {{.*}}ins(%[[A]] : memref<4x3xf32>) outs(%[[B]] : memref<4x3xf32>)
// COPY-NOT: memref.copy
func.func @copy(%a: memref<4x3xf32>, %b: memref<4x3xf32>) {
  memref.copy %a, %b : memref<4x3xf32> to memref<4x3xf32>
  return
}
