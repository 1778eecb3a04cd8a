// RUN: pullback-opt %s -pb-distinct-results --split-input-file --verify-diagnostics | filecheck %s
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - --pass-pipeline='builtin.module(pb-to-linalg,pb-readonly-args,pb-distinct-results,one-shot-bufferize{bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map},buffer-results-to-out-params{hoist-static-allocs modify-public-functions})' \
// RUN:   | filecheck %s --check-prefix=BUF
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - --run=twice --arg='[1.0, 2.0, 3.0]' | filecheck %s --check-prefix=NUM

// pb-distinct-results (passes/distinct_results.py) runs on tensors right before one-shot-bufferize.
// Each result of a
// public function becomes a caller-allocated out-param, so a tensor returned more than
// once (by the same func.return) is returned as a copy after its first occurrence:
// tensor.empty + linalg.copy. Without it buffer-results-to-out-params crashes on the
// repeated buffer. The pass never reports a diagnostic.

// A computed value and an argument, each returned twice: the second occurrence of each
// is a copy. After bufferization (the BUF run) every out-param is written on its own:
// the add into the first, copies into the others. The NUM run checks the values.
// CHECK-LABEL: func.func @twice(
// CHECK-SAME: %[[X:[^:]+]]: tensor<3xf32>)
// CHECK-NEXT: %[[Y:.+]] = "pb.add"(%[[X]], %[[X]])
// CHECK-NEXT: %[[E1:.+]] = tensor.empty() : tensor<3xf32>
// CHECK-NEXT: %[[Y2:.+]] = linalg.copy {{.*}}ins(%[[Y]] : tensor<3xf32>) outs(%[[E1]] : tensor<3xf32>) -> tensor<3xf32>
// CHECK-NEXT: %[[E2:.+]] = tensor.empty() : tensor<3xf32>
// CHECK-NEXT: %[[X2:.+]] = linalg.copy {{.*}}ins(%[[X]] : tensor<3xf32>) outs(%[[E2]] : tensor<3xf32>) -> tensor<3xf32>
// CHECK-NEXT: return %[[Y]], %[[X]], %[[Y2]], %[[X2]] : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
// BUF-LABEL: func.func @twice(
// BUF-SAME: %[[X:[^:]+]]: memref<3xf32>, %[[O0:[^:]+]]: memref<3xf32>, %[[O1:[^:]+]]: memref<3xf32>, %[[O2:[^:]+]]: memref<3xf32>, %[[O3:[^:]+]]: memref<3xf32>) {
// BUF-NEXT: linalg.generic {{.*}} ins(%[[X]], %[[X]] : memref<3xf32>, memref<3xf32>) outs(%[[O0]] : memref<3xf32>)
// BUF: arith.addf
// BUF-DAG: linalg.copy {{.*}}ins(%[[O0]] : memref<3xf32>) outs(%[[O2]] : memref<3xf32>)
// BUF-DAG: linalg.copy {{.*}}ins(%[[X]] : memref<3xf32>) outs(%[[O3]] : memref<3xf32>)
// BUF-DAG: memref.copy %[[X]], %[[O1]] : memref<3xf32> to memref<3xf32>
// BUF: return
// NUM: result[0]: tensor<3xf32> = [2.0, 4.0, 6.0]
// NUM-NEXT: result[1]: tensor<3xf32> = [1.0, 2.0, 3.0]
// NUM-NEXT: result[2]: tensor<3xf32> = [2.0, 4.0, 6.0]
// NUM-NEXT: result[3]: tensor<3xf32> = [1.0, 2.0, 3.0]
func.func @twice(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %y = "pb.add"(%x, %x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %y, %x, %y, %x : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// A value returned three times gets two copies; repeated non-tensor results (an index)
// stay as they are, and so does a function whose results are all distinct.
// CHECK-LABEL: func.func @thrice(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x2xi32>, %[[I:[^:]+]]: index)
// CHECK-NEXT: %[[E1:.+]] = tensor.empty() : tensor<2x2xi32>
// CHECK-NEXT: %[[C1:.+]] = linalg.copy {{.*}}ins(%[[X]] : tensor<2x2xi32>) outs(%[[E1]] : tensor<2x2xi32>)
// CHECK-NEXT: %[[E2:.+]] = tensor.empty() : tensor<2x2xi32>
// CHECK-NEXT: %[[C2:.+]] = linalg.copy {{.*}}ins(%[[X]] : tensor<2x2xi32>) outs(%[[E2]] : tensor<2x2xi32>)
// CHECK-NEXT: return %[[X]], %[[I]], %[[C1]], %[[I]], %[[C2]] : tensor<2x2xi32>, index, tensor<2x2xi32>, index, tensor<2x2xi32>
func.func @thrice(%x: tensor<2x2xi32>, %i: index) -> (tensor<2x2xi32>, index, tensor<2x2xi32>, index, tensor<2x2xi32>) {
  return %x, %i, %x, %i, %x : tensor<2x2xi32>, index, tensor<2x2xi32>, index, tensor<2x2xi32>
}

// CHECK-LABEL: func.func @distinct(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2xf32>, %[[Y:[^:]+]]: tensor<2xf32>)
// CHECK-NEXT: return %[[Y]], %[[X]] : tensor<2xf32>, tensor<2xf32>
func.func @distinct(%x: tensor<2xf32>, %y: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  return %y, %x : tensor<2xf32>, tensor<2xf32>
}

// Private functions keep their results: they are called, not entered, and their results
// do not become out-params.
// CHECK-LABEL: func.func private @helper(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2xf32>)
// CHECK-NEXT: return %[[X]], %[[X]] : tensor<2xf32>, tensor<2xf32>
func.func private @helper(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  return %x, %x : tensor<2xf32>, tensor<2xf32>
}

// -----

// A function of several blocks: each func.return is handled on its own, and branch
// operands (which are not results) are left alone. (The pass used to look only at the
// end of the entry block, copying a repeated branch operand instead.)
// CHECK-LABEL: func.func @blocks(
// CHECK-SAME: %[[X:[^:]+]]: tensor<4xf32>, %[[P:[^:]+]]: i1)
// CHECK-NEXT: cf.cond_br %[[P]], ^[[BB1:.+]](%[[X]], %[[X]] : tensor<4xf32>, tensor<4xf32>), ^[[BB2:[a-z0-9]+]]
// CHECK-NEXT: ^[[BB1]](%[[A:[^:]+]]: tensor<4xf32>, %{{[^:]+}}: tensor<4xf32>):
// CHECK-NEXT: %[[E1:.+]] = tensor.empty() : tensor<4xf32>
// CHECK-NEXT: %[[A2:.+]] = linalg.copy {{.*}}ins(%[[A]] : tensor<4xf32>) outs(%[[E1]] : tensor<4xf32>)
// CHECK-NEXT: return %[[A]], %[[A2]] : tensor<4xf32>, tensor<4xf32>
// CHECK-NEXT: ^[[BB2]]:
// CHECK-NEXT: %[[E2:.+]] = tensor.empty() : tensor<4xf32>
// CHECK-NEXT: %[[X2:.+]] = linalg.copy {{.*}}ins(%[[X]] : tensor<4xf32>) outs(%[[E2]] : tensor<4xf32>)
// CHECK-NEXT: return %[[X]], %[[X2]] : tensor<4xf32>, tensor<4xf32>
func.func @blocks(%x: tensor<4xf32>, %p: i1) -> (tensor<4xf32>, tensor<4xf32>) {
  cf.cond_br %p, ^bb1(%x, %x : tensor<4xf32>, tensor<4xf32>), ^bb2
^bb1(%a: tensor<4xf32>, %b: tensor<4xf32>):
  return %a, %a : tensor<4xf32>, tensor<4xf32>
^bb2:
  return %x, %x : tensor<4xf32>, tensor<4xf32>
}

// -----

// A dynamic dimension of the copy's destination is read off the value (tensor.dim). (The
// pass used to build a tensor.empty without its dynamic size, which fails the verifier.)
// CHECK-LABEL: func.func @dynamic(
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x3xf32>)
// CHECK-NEXT: %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[D:.+]] = tensor.dim %[[X]], %[[C0]] : tensor<?x3xf32>
// CHECK-NEXT: %[[E:.+]] = tensor.empty(%[[D]]) : tensor<?x3xf32>
// CHECK-NEXT: %[[X2:.+]] = linalg.copy {{.*}}ins(%[[X]] : tensor<?x3xf32>) outs(%[[E]] : tensor<?x3xf32>) -> tensor<?x3xf32>
// CHECK-NEXT: return %[[X]], %[[X2]] : tensor<?x3xf32>, tensor<?x3xf32>
func.func @dynamic(%x: tensor<?x3xf32>) -> (tensor<?x3xf32>, tensor<?x3xf32>) {
  return %x, %x : tensor<?x3xf32>, tensor<?x3xf32>
}

// -----

// After bufferization (unexpected here) results are memrefs, not tensors: left as they are.
// CHECK-LABEL: func.func @buffers(
// CHECK-SAME: %[[X:[^:]+]]: memref<2xf32>)
// CHECK-NEXT: return %[[X]], %[[X]] : memref<2xf32>, memref<2xf32>
func.func @buffers(%x: memref<2xf32>) -> (memref<2xf32>, memref<2xf32>) {
  return %x, %x : memref<2xf32>, memref<2xf32>
}
