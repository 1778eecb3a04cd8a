// RUN: pullback-opt %s -pb-estimate-work | filecheck %s

// pb-estimate-work (passes/estimate_work.py) runs on memrefs after bufferization and gives
// every defined function `pb.work`: the scalar operations its own body runs per call of the
// public entry, over every call path. A linalg op counts its iteration space times its
// body's ops (the yield included), an op on vectors their elements, other ops one; loops multiply
// their body by their trip count (UNKNOWN_TRIPS = 1024 when it is not a constant, and for
// scf.while); scf.if counts its dearer branch; a matmul marked pb.blas counts nothing (it
// runs library code). Tiered compilation (runtime/native_jit.py) reads it. The pass never
// reports a diagnostic.

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

// 4 x 8 iterations of 3 ops and the return, called 10 times per run of @entry (a loop).
// CHECK-LABEL: func.func private @elementwise(
// CHECK-SAME: pb.work = 970 : i64
func.func private @elementwise(%a: memref<4x8xf32>, %b: memref<8xf32>, %out: memref<4x8xf32>) attributes {no_inline} {
  linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8xf32>) outs(%out : memref<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %t = math.tanh %s : f32
    linalg.yield %t : f32
  }
  return
}

// Library code: nothing but the return.
// CHECK-LABEL: func.func private @blas(
// CHECK-SAME: pb.work = 1 : i64
func.func private @blas(%a: memref<4x8xf32>, %b: memref<8x8xf32>, %out: memref<4x8xf32>) attributes {no_inline} {
  linalg.matmul {pb.blas} ins(%a, %b : memref<4x8xf32>, memref<8x8xf32>) outs(%out : memref<4x8xf32>)
  return
}

// Ops on vectors count their elements: a while loop (1024 trips assumed) of the condition,
// 16 + 16 + 16 and the yield; then two constants and the return.
// CHECK-LABEL: func.func private @vectors(
// CHECK-SAME: pb.work = 51203 : i64
func.func private @vectors(%m: memref<16xf32>, %flag: i1) attributes {no_inline} {
  %c0 = arith.constant 0 : index
  %z = arith.constant 0.0 : f32
  scf.while : () -> () {
    scf.condition(%flag)
  } do {
    %v = vector.transfer_read %m[%c0], %z : memref<16xf32>, vector<16xf32>
    %w = arith.mulf %v, %v : vector<16xf32>
    vector.transfer_write %w, %m[%c0] : vector<16xf32>, memref<16xf32>
    scf.yield
  }
  return
}

// scf.if counts its dearer branch: 1 + max(1, 3) + the return.
// CHECK-LABEL: func.func private @branches(
// CHECK-SAME: pb.work = 5 : i64
func.func private @branches(%p: i1, %x: f32) -> f32 attributes {no_inline} {
  %r = scf.if %p -> f32 {
    scf.yield %x : f32
  } else {
    %a = arith.mulf %x, %x : f32
    %b = arith.addf %a, %x : f32
    scf.yield %b : f32
  }
  return %r : f32
}

// Never called: no work per run.
// CHECK-LABEL: func.func private @unused(
// CHECK-SAME: pb.work = 0 : i64
func.func private @unused() attributes {no_inline} {
  return
}

// The entry runs once: three constants, the loop's 10 trips of (a call and a yield), three
// calls, a constant and the return.
// CHECK-LABEL: func.func @entry(
// CHECK-SAME: pb.work = 28 : i64
func.func @entry(%a: memref<4x8xf32>, %b: memref<8xf32>, %w: memref<8x8xf32>, %out: memref<4x8xf32>,
                 %m: memref<16xf32>, %p: i1) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c10 = arith.constant 10 : index
  scf.for %i = %c0 to %c10 step %c1 {
    func.call @elementwise(%a, %b, %out) : (memref<4x8xf32>, memref<8xf32>, memref<4x8xf32>) -> ()
  }
  func.call @blas(%a, %w, %out) : (memref<4x8xf32>, memref<8x8xf32>, memref<4x8xf32>) -> ()
  func.call @vectors(%m, %p) : (memref<16xf32>, i1) -> ()
  %x = arith.constant 1.0 : f32
  %r = func.call @branches(%p, %x) : (i1, f32) -> f32
  return
}
