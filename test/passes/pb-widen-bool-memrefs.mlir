// RUN: pullback-opt %s -pb-widen-bool-memrefs --split-input-file --verify-diagnostics | filecheck %s
// RUN: pullback-opt %s -pb-widen-bool-memrefs -pb-widen-bool-memrefs --split-input-file | filecheck %s
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - --run=bools --arg='[1.0, 2.0, 3.0, 4.0]' --arg='[4.0, 3.0, 2.0, 1.0]' \
// RUN:   --arg='[true, false, true, false]' | filecheck %s --check-prefix=NUM

// pb-widen-bool-memrefs (passes/widen_bool_memrefs.py) runs after bufferization and
// convert-linalg-to-loops: every
// memref of i1 (function signatures, block arguments, op results, globals) becomes a
// memref of i8, loaded bytes are narrowed with arith.trunci and stored booleans widened
// with arith.extui, so booleans are i1 in registers and one byte in memory. A second run
// finds nothing left to widen (the second RUN line checks the same output).
//
// The pass never reports a diagnostic: what is not an i1 memref is left unchanged.

// Before bufferization there is no memory: pb IR and tensors of i1 are left unchanged.
// The NUM run compiles this chunk through the whole CPU pipeline, where the pass widens
// the bool arguments, results and the constant mask: x = (a < b) xor m, then
// select(x, a, b), and reverse(x and [T, T, F, F]).
// CHECK-LABEL: func.func @bools(
// CHECK-SAME: tensor<4xi1>) -> (tensor<4xi1>, tensor<4xf32>, tensor<4xi1>)
// CHECK-NOT: i8
// CHECK-NOT: arith.extui
// CHECK-NOT: arith.trunci
// CHECK: return
// NUM: result[0]: tensor<4xi1> = [false, true, true, false]
// NUM: result[1]: tensor<4xf32> = [4.0, 2.0, 3.0, 1.0]
// NUM: result[2]: tensor<4xi1> = [false, false, true, false]
func.func @bools(%a: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xi1>) -> (tensor<4xi1>, tensor<4xf32>, tensor<4xi1>) {
  %lt = "pb.compare"(%a, %b) {direction = "LT"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %x = "pb.xor"(%lt, %m) : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %s = "pb.select"(%x, %a, %b) : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %k = "pb.constant"() {value = dense<[true, true, false, false]> : tensor<4xi1>} : () -> tensor<4xi1>
  %n = "pb.and"(%x, %k) : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %r = "pb.rev"(%n) {dimensions = array<i64: 0>} : (tensor<4xi1>) -> tensor<4xi1>
  return %x, %s, %r : tensor<4xi1>, tensor<4xf32>, tensor<4xi1>
}

// -----

// The chunk above at the pass's point of the CPU pipeline (after bufferization with
// results as out-params and convert-linalg-to-loops): bool arguments, out-params and the
// constant global become bytes (the global's values 1 and 0), each i1 load is followed by
// a trunci and each i1 store preceded by an extui; f32 memrefs are untouched.
// CHECK: memref.global "private" constant @__constant_4xi1 : memref<4xi8> = dense<[1, 1, 0, 0]> {alignment = 64 : i64}
// CHECK-LABEL: func.func @bools(
// CHECK-SAME: %[[A:[^:]+]]: memref<4xf32>, %[[B:[^:]+]]: memref<4xf32>, %[[M:[^:]+]]: memref<4xi8>, %[[X:[^:]+]]: memref<4xi8>, %[[S:[^:]+]]: memref<4xf32>, %[[R:[^:]+]]: memref<4xi8>)
// CHECK: %[[G:.+]] = memref.get_global @__constant_4xi1 : memref<4xi8>
// CHECK: scf.for %[[I:.+]] = 
// CHECK: memref.load %[[A]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: memref.load %[[B]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: %[[MB:.+]] = memref.load %[[M]][%[[I]]] : memref<4xi8>
// CHECK-NEXT: %[[MV:.+]] = arith.trunci %[[MB]] : i8 to i1
// CHECK-NEXT: %[[LT:.+]] = arith.cmpf olt
// CHECK-NEXT: %[[XV:.+]] = arith.xori %[[LT]], %[[MV]] : i1
// CHECK-NEXT: %[[XB:.+]] = arith.extui %[[XV]] : i1 to i8
// CHECK-NEXT: memref.store %[[XB]], %[[X]][%[[I]]] : memref<4xi8>
// CHECK: scf.for %[[I:.+]] = 
// CHECK-NEXT: %[[XB:.+]] = memref.load %[[X]][%[[I]]] : memref<4xi8>
// CHECK-NEXT: %[[XV:.+]] = arith.trunci %[[XB]] : i8 to i1
// CHECK: %[[SV:.+]] = arith.select %[[XV]], %{{.+}}, %{{.+}} : f32
// CHECK-NEXT: memref.store %[[SV]], %[[S]][%[[I]]] : memref<4xf32>
// CHECK: scf.for %[[I:.+]] = 
// CHECK: memref.load %[[X]][%{{.+}}] : memref<4xi8>
// CHECK-NEXT: %[[XV:.+]] = arith.trunci %{{.+}} : i8 to i1
// CHECK-NEXT: memref.load %[[G]][%{{.+}}] : memref<4xi8>
// CHECK-NEXT: %[[KV:.+]] = arith.trunci %{{.+}} : i8 to i1
// CHECK-NEXT: %[[NV:.+]] = arith.andi %[[XV]], %[[KV]] : i1
// CHECK-NEXT: %[[NB:.+]] = arith.extui %[[NV]] : i1 to i8
// CHECK-NEXT: memref.store %[[NB]], %[[R]][%[[I]]] : memref<4xi8>
// CHECK-NOT: xi1>
// CHECK: return
#rev = affine_map<(d0) -> (-d0 + 3)>
memref.global "private" constant @__constant_4xi1 : memref<4xi1> = dense<[true, true, false, false]> {alignment = 64 : i64}
func.func @bools(%arg0: memref<4xf32>, %arg1: memref<4xf32>, %arg2: memref<4xi1>, %arg3: memref<4xi1>, %arg4: memref<4xf32>, %arg5: memref<4xi1>) {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c0 = arith.constant 0 : index
  %0 = memref.get_global @__constant_4xi1 : memref<4xi1>
  scf.for %arg6 = %c0 to %c4 step %c1 {
    %1 = memref.load %arg0[%arg6] : memref<4xf32>
    %2 = memref.load %arg1[%arg6] : memref<4xf32>
    %3 = memref.load %arg2[%arg6] : memref<4xi1>
    %4 = arith.cmpf olt, %1, %2 : f32
    %5 = arith.xori %4, %3 : i1
    memref.store %5, %arg3[%arg6] : memref<4xi1>
  }
  scf.for %arg6 = %c0 to %c4 step %c1 {
    %1 = memref.load %arg3[%arg6] : memref<4xi1>
    %2 = memref.load %arg0[%arg6] : memref<4xf32>
    %3 = memref.load %arg1[%arg6] : memref<4xf32>
    %4 = arith.select %1, %2, %3 : f32
    memref.store %4, %arg4[%arg6] : memref<4xf32>
  }
  scf.for %arg6 = %c0 to %c4 step %c1 {
    %1 = affine.apply #rev(%arg6)
    %2 = memref.load %arg3[%1] : memref<4xi1>
    %3 = memref.load %0[%1] : memref<4xi1>
    %4 = arith.andi %2, %3 : i1
    memref.store %4, %arg5[%arg6] : memref<4xi1>
  }
  return
}

// -----

// Globals: a splat and a 2-D initial value become bytes; a global without an initial
// value is retyped only; a global that is not bool is left as it is.
// CHECK: memref.global "private" constant @splat : memref<3xi8> = dense<1>
// CHECK: memref.global "private" constant @grid : memref<2x2xi8> = dense<{{\[\[}}1, 0], [0, 1]]>
// CHECK: memref.global "private" @scratch : memref<5xi8> = uninitialized
// CHECK: memref.global "private" constant @floats : memref<2xf32> = dense<[1.000000e+00, 2.000000e+00]>
// CHECK-LABEL: func.func @globals(
// CHECK-SAME: -> i1
// CHECK: %[[G:.+]] = memref.get_global @grid : memref<2x2xi8>
// CHECK: %[[E:.+]] = memref.load %[[G]][%{{.+}}, %{{.+}}] : memref<2x2xi8>
// CHECK: %[[V:.+]] = arith.trunci %[[E]] : i8 to i1
// CHECK: return %[[V]] : i1
memref.global "private" constant @splat : memref<3xi1> = dense<true>
memref.global "private" constant @grid : memref<2x2xi1> = dense<[[true, false], [false, true]]>
memref.global "private" @scratch : memref<5xi1> = uninitialized
memref.global "private" constant @floats : memref<2xf32> = dense<[1.0, 2.0]>
func.func @globals(%i: index) -> i1 {
  %g = memref.get_global @grid : memref<2x2xi1>
  %x = memref.load %g[%i, %i] : memref<2x2xi1>
  return %x : i1
}

// -----

// Allocations, views, copies and calls: every op result and function type holding an
// i1 memref is retyped, layouts (strided views) and unranked memrefs included; only
// element accesses get conversions. A call's result type and its callee's declaration
// change together.
// CHECK-LABEL: func.func private @ext(memref<4xi8>, memref<4xf32>) -> memref<4xi8>
// CHECK-LABEL: func.func @buffers(
// CHECK-SAME: %[[A:[^:]+]]: memref<4xi8>, %[[U:[^:]+]]: memref<*xi8>, %[[I:[^:]+]]: index) -> memref<*xi8>
// CHECK: %[[S:.+]] = memref.alloca() : memref<4xi8>
// CHECK: %[[H:.+]] = memref.alloc() : memref<8xi8>
// CHECK: %[[V:.+]] = memref.subview %[[H]][2] [4] [1] : memref<8xi8> to memref<4xi8, strided<[1], offset: 2>>
// CHECK: memref.cast %[[A]] : memref<4xi8> to memref<?xi8>
// CHECK: %[[F:.+]] = memref.alloc() : memref<4xf32>
// CHECK: %[[R:.+]] = call @ext(%[[A]], %[[F]]) : (memref<4xi8>, memref<4xf32>) -> memref<4xi8>
// CHECK: memref.copy %[[R]], %[[V]] : memref<4xi8> to memref<4xi8, strided<[1], offset: 2>>
// CHECK: %[[X:.+]] = memref.load %[[V]][%[[I]]] : memref<4xi8, strided<[1], offset: 2>>
// CHECK-NEXT: %[[XV:.+]] = arith.trunci %[[X]] : i8 to i1
// CHECK-NEXT: %[[NV:.+]] = arith.xori %[[XV]], %{{.+}} : i1
// CHECK-NEXT: %[[NB:.+]] = arith.extui %[[NV]] : i1 to i8
// CHECK-NEXT: memref.store %[[NB]], %[[S]][%[[I]]] : memref<4xi8>
// CHECK: memref.dealloc %[[H]] : memref<8xi8>
// CHECK: return %[[U]] : memref<*xi8>
func.func private @ext(memref<4xi1>, memref<4xf32>) -> memref<4xi1>
func.func @buffers(%a: memref<4xi1>, %u: memref<*xi1>, %i: index) -> memref<*xi1> {
  %true = arith.constant true
  %s = memref.alloca() : memref<4xi1>
  %h = memref.alloc() : memref<8xi1>
  %v = memref.subview %h[2] [4] [1] : memref<8xi1> to memref<4xi1, strided<[1], offset: 2>>
  %c = memref.cast %a : memref<4xi1> to memref<?xi1>
  %f = memref.alloc() : memref<4xf32>
  %r = func.call @ext(%a, %f) : (memref<4xi1>, memref<4xf32>) -> memref<4xi1>
  memref.copy %r, %v : memref<4xi1> to memref<4xi1, strided<[1], offset: 2>>
  %x = memref.load %v[%i] : memref<4xi1, strided<[1], offset: 2>>
  %n = arith.xori %x, %true : i1
  memref.store %n, %s[%i] : memref<4xi1>
  memref.dealloc %h : memref<8xi1>
  return %u : memref<*xi1>
}

// -----

// Memrefs carried through region arguments and results (loop-carried buffers, scf.if
// results) are retyped as well, and the accesses inside the regions are converted.
// CHECK-LABEL: func.func @regions(
// CHECK-SAME: %[[A:[^:]+]]: memref<4xi8>, %[[B:[^:]+]]: memref<4xi8>, %[[P:[^:]+]]: i1)
// CHECK: %[[L:.+]]:2 = scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[X:.+]] = %[[A]], %[[Y:.+]] = %[[B]]) -> (memref<4xi8>, memref<4xi8>) {
// CHECK: %[[E:.+]] = memref.load %[[X]][%{{.+}}] : memref<4xi8>
// CHECK-NEXT: %[[EV:.+]] = arith.trunci %[[E]] : i8 to i1
// CHECK-NEXT: %[[EB:.+]] = arith.extui %[[EV]] : i1 to i8
// CHECK-NEXT: memref.store %[[EB]], %[[Y]][%{{.+}}] : memref<4xi8>
// CHECK: scf.yield %[[Y]], %[[X]] : memref<4xi8>, memref<4xi8>
// CHECK: %[[W:.+]] = scf.if %[[P]] -> (memref<4xi8>) {
// CHECK: return %[[W]] : memref<4xi8>
func.func @regions(%a: memref<4xi1>, %b: memref<4xi1>, %p: i1) -> memref<4xi1> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %r:2 = scf.for %i = %c0 to %c4 step %c1 iter_args(%x = %a, %y = %b) -> (memref<4xi1>, memref<4xi1>) {
    %e = memref.load %x[%i] : memref<4xi1>
    memref.store %e, %y[%i] : memref<4xi1>
    scf.yield %y, %x : memref<4xi1>, memref<4xi1>
  }
  %w = scf.if %p -> (memref<4xi1>) {
    scf.yield %r#0 : memref<4xi1>
  } else {
    scf.yield %r#1 : memref<4xi1>
  }
  return %w : memref<4xi1>
}

// -----

// Vector accesses convert whole vectors (trunci/extui on vector<..xi1>); a
// transfer_read's padding takes the memref's element type too, while its mask stays a
// vector of i1 (a padding left i1 used to fail the verifier).
// CHECK-LABEL: func.func @vectors(
// CHECK-SAME: %[[A:[^:]+]]: memref<8xi8>, %[[B:[^:]+]]: memref<8xi8>, %[[I:[^:]+]]: index, %[[K:[^:]+]]: vector<4xi1>)
// CHECK: %[[FALSE:.+]] = arith.constant false
// CHECK: %[[L:.+]] = vector.load %[[A]][%[[I]]] : memref<8xi8>, vector<4xi8>
// CHECK-NEXT: %[[LV:.+]] = arith.trunci %[[L]] : vector<4xi8> to vector<4xi1>
// CHECK-NEXT: %[[NV:.+]] = arith.xori %[[LV]], %[[K]] : vector<4xi1>
// CHECK-NEXT: %[[NB:.+]] = arith.extui %[[NV]] : vector<4xi1> to vector<4xi8>
// CHECK-NEXT: vector.store %[[NB]], %[[B]][%[[I]]] : memref<8xi8>, vector<4xi8>
// CHECK-NEXT: %[[PAD:.+]] = arith.extui %[[FALSE]] : i1 to i8
// CHECK-NEXT: %[[T:.+]] = vector.transfer_read %[[A]][%[[I]]], %[[PAD]], %[[K]] : memref<8xi8>, vector<4xi8>
// CHECK-NEXT: %[[TV:.+]] = arith.trunci %[[T]] : vector<4xi8> to vector<4xi1>
// CHECK-NEXT: %[[TB:.+]] = arith.extui %[[TV]] : vector<4xi1> to vector<4xi8>
// CHECK-NEXT: vector.transfer_write %[[TB]], %[[B]][%[[I]]], %[[K]] : vector<4xi8>, memref<8xi8>
// CHECK-NEXT: return %[[TV]] : vector<4xi1>
func.func @vectors(%a: memref<8xi1>, %b: memref<8xi1>, %i: index, %k: vector<4xi1>) -> vector<4xi1> {
  %false = arith.constant false
  %l = vector.load %a[%i] : memref<8xi1>, vector<4xi1>
  %n = arith.xori %l, %k : vector<4xi1>
  vector.store %n, %b[%i] : memref<8xi1>, vector<4xi1>
  %t = vector.transfer_read %a[%i], %false, %k : memref<8xi1>, vector<4xi1>
  vector.transfer_write %t, %b[%i], %k : vector<4xi1>, memref<8xi1>
  return %t : vector<4xi1>
}

// -----

// affine.load and affine.store are converted like memref.load and memref.store.
// CHECK-LABEL: func.func @affine(
// CHECK-SAME: %[[A:[^:]+]]: memref<2x3xi8>)
// CHECK: %[[E:.+]] = affine.load %[[A]][1, 2] : memref<2x3xi8>
// CHECK-NEXT: %[[EV:.+]] = arith.trunci %[[E]] : i8 to i1
// CHECK-NEXT: %[[EB:.+]] = arith.extui %[[EV]] : i1 to i8
// CHECK-NEXT: affine.store %[[EB]], %[[A]][0, 0] : memref<2x3xi8>
func.func @affine(%a: memref<2x3xi1>) {
  %e = affine.load %a[1, 2] : memref<2x3xi1>
  affine.store %e, %a[0, 0] : memref<2x3xi1>
  return
}

// -----

// Left unchanged: byte memrefs (no second conversion, which is why running the pass twice
// changes nothing), booleans and bool vectors that are not in memory, and vector
// transfers of tensors (no memory to widen: their i1 elements and padding stay).
// CHECK-LABEL: func.func @unchanged(
// CHECK-SAME: %[[A:[^:]+]]: memref<4xi8>, %[[T:[^:]+]]: tensor<4xi1>, %[[P:[^:]+]]: i1, %[[V:[^:]+]]: vector<4xi1>, %[[I:[^:]+]]: index) -> (i8, vector<4xi1>, tensor<4xi1>)
// CHECK-NEXT: %[[E:.+]] = memref.load %[[A]][%[[I]]] : memref<4xi8>
// CHECK-NEXT: memref.store %[[E]], %[[A]][%[[I]]] : memref<4xi8>
// CHECK-NEXT: %[[R:.+]] = vector.transfer_read %[[T]][%[[I]]], %[[P]] : tensor<4xi1>, vector<4xi1>
// CHECK-NEXT: %[[N:.+]] = arith.xori %[[R]], %[[V]] : vector<4xi1>
// CHECK-NEXT: %[[W:.+]] = vector.transfer_write %[[N]], %[[T]][%[[I]]] : vector<4xi1>, tensor<4xi1>
// CHECK-NEXT: return %[[E]], %[[N]], %[[W]] : i8, vector<4xi1>, tensor<4xi1>
func.func @unchanged(%a: memref<4xi8>, %t: tensor<4xi1>, %p: i1, %v: vector<4xi1>, %i: index) -> (i8, vector<4xi1>, tensor<4xi1>) {
  %e = memref.load %a[%i] : memref<4xi8>
  memref.store %e, %a[%i] : memref<4xi8>
  %r = vector.transfer_read %t[%i], %p : tensor<4xi1>, vector<4xi1>
  %n = arith.xori %r, %v : vector<4xi1>
  %w = vector.transfer_write %n, %t[%i] : vector<4xi1>, tensor<4xi1>
  return %e, %n, %w : i8, vector<4xi1>, tensor<4xi1>
}
