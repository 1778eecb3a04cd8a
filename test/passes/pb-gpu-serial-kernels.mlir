// pb-gpu-serial-kernels (passes/gpu_serial_kernels.py; helpers of the pb-gpu-* passes:
// passes/gpu_ir.py) on memref IR.
// RUN: pullback-opt %s --split-input-file -pb-gpu-serial-kernels | filecheck %s --check-prefix=SERIAL

// pb-gpu-serial-kernels: a full reduction (no parallel loop) and the arithmetic after it
// move into one one-iteration parallel loop; parallel loops are left alone.
// SERIAL-LABEL: func.func @serial_total
// SERIAL: scf.parallel (%{{.+}}) = (%{{.+}}) to (%{{.+}}) step
// SERIAL: scf.reduce
// SERIAL: scf.parallel (%{{.+}}) = (%[[Z:.+]]) to (%[[O:.+]]) step (%[[O]]) {
// SERIAL-NEXT: memref.store
// SERIAL-NEXT: scf.for
// SERIAL: memref.load
// SERIAL: arith.mulf
// SERIAL: memref.store
// SERIAL: scf.reduce
// SERIAL-NEXT: }
// SERIAL-NEXT: return
func.func @serial_total(%x: memref<16xf32>, %out: memref<f32>, %tmp: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %half = arith.constant 0.5 : f32
  scf.parallel (%i) = (%c0) to (%c16) step (%c1) {
    %v = memref.load %x[%i] : memref<16xf32>
    memref.store %v, %tmp[%i] : memref<16xf32>
    scf.reduce
  }
  memref.store %zero, %out[] : memref<f32>
  scf.for %i = %c0 to %c16 step %c1 {
    %a = memref.load %out[] : memref<f32>
    %b = memref.load %tmp[%i] : memref<16xf32>
    %s = arith.addf %a, %b : f32
    memref.store %s, %out[] : memref<f32>
  }
  %t = memref.load %out[] : memref<f32>
  %h = arith.mulf %t, %half : f32
  memref.store %h, %out[] : memref<f32>
  return
}

// -----

// A load whose value host code needs (here a loop bound) stays on the host, and so does
// the loop containing a parallel loop; the store before the load is wrapped on its own.
// SERIAL-LABEL: func.func @serial_host_value
// SERIAL: scf.parallel
// SERIAL: memref.store %{{.+}}, %[[N:.+]][] : memref<index>
// SERIAL-NEXT: scf.reduce
// SERIAL-NEXT: }
// SERIAL-NEXT: %[[V:.+]] = memref.load %[[N]][]
// SERIAL-NEXT: scf.for %{{.+}} = %{{.+}} to %[[V]]
// SERIAL-NEXT: scf.parallel
func.func @serial_host_value(%n: memref<index>, %out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %one = arith.constant 1.0 : f32
  memref.store %c3, %n[] : memref<index>
  %v = memref.load %n[] : memref<index>
  scf.for %k = %c0 to %v step %c1 {
    scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
      memref.store %one, %out[%i] : memref<4xf32>
      scf.reduce
    }
  }
  return
}
