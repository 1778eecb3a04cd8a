// pb-gpu-host-memory (passes/gpu_host_memory.py) on memref IR with gpu.launch.
// RUN: pullback-opt %s --split-input-file --verify-diagnostics -pb-gpu-host-memory | filecheck %s --check-prefix=MEM
// RUN: pullback-opt %s --split-input-file --verify-diagnostics -pb-gpu-host-memory=write-only-outputs=1 | filecheck %s --check-prefix=OUTS

// pb-gpu-host-memory: the arguments a kernel uses are staged in GPU memory. Without
// write-only-outputs every argument that is read is copied in and every one that is
// written is copied back; with it, written arguments are outputs and not copied in.
// MEM-LABEL: func.func @stage(
// MEM-SAME: %[[X:.+]]: memref<8xf32>, %[[Y:.+]]: memref<8xf32>)
// MEM: %[[DY:.+]], %{{.+}} = gpu.alloc async [%{{.+}}] () : memref<8xf32>
// MEM: gpu.memcpy async [%{{.+}}] %[[DY]], %[[Y]]
// MEM: %[[DX:.+]], %{{.+}} = gpu.alloc async [%{{.+}}] () : memref<8xf32>
// MEM: gpu.memcpy async [%{{.+}}] %[[DX]], %[[X]]
// MEM: gpu.launch
// MEM: memref.load %[[DX]]
// MEM: memref.load %[[DY]]
// MEM: memref.store %{{.+}}, %[[DY]]
// MEM: gpu.terminator
// MEM: gpu.dealloc async [%{{.+}}] %[[DX]]
// MEM: gpu.memcpy async [%{{.+}}] %[[Y]], %[[DY]]
// MEM: gpu.dealloc async [%{{.+}}] %[[DY]]
// MEM: return
// OUTS-LABEL: func.func @stage(
// OUTS-SAME: %[[X:.+]]: memref<8xf32>, %[[Y:.+]]: memref<8xf32>)
// OUTS: %[[DY:.+]], %{{.+}} = gpu.alloc async
// OUTS-NOT: gpu.memcpy async [%{{.+}}] %[[DY]], %[[Y]]
// OUTS: gpu.memcpy async [%{{.+}}] %{{.+}}, %[[X]]
// OUTS: gpu.launch
// OUTS: gpu.memcpy async [%{{.+}}] %[[Y]], %[[DY]]
func.func @stage(%x: memref<8xf32>, %y: memref<8xf32>) {
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c8, %sy = %c1, %sz = %c1) {
    %a = memref.load %x[%tx] : memref<8xf32>
    %b = memref.load %y[%tx] : memref<8xf32>
    %s = arith.addf %a, %b : f32
    memref.store %s, %y[%tx] : memref<8xf32>
    gpu.terminator
  }
  return
}

// -----

// An allocation that only kernels use becomes device memory; one that host code also
// reads becomes managed memory (host_shared); a global a kernel reads is copied to the
// GPU. Their deallocations become gpu.dealloc.
// MEM-LABEL: func.func @placement(
// MEM: %[[G:.+]] = memref.get_global @table
// MEM-NEXT: gpu.wait async
// MEM-NEXT: %[[DG:.+]], %{{.+}} = gpu.alloc async
// MEM: gpu.memcpy async [%{{.+}}] %[[DG]], %[[G]]
// MEM: %[[D:.+]], %{{.+}} = gpu.alloc async [%{{.+}}] () : memref<4xf32>
// MEM: %[[M:.+]] = gpu.alloc  host_shared () : memref<f32>
// MEM: gpu.launch
// MEM: memref.load %[[DG]]
// MEM: memref.store %{{.+}}, %[[D]]
// MEM: memref.store %{{.+}}, %[[M]][]
// MEM: gpu.terminator
// MEM: memref.load %[[M]][]
// MEM-NOT: memref.dealloc
// MEM: gpu.dealloc async [%{{.+}}] %[[D]]
// MEM: gpu.dealloc async [%{{.+}}] %[[M]]
// MEM: gpu.dealloc async [%{{.+}}] %[[DG]]
// MEM: return
memref.global "private" constant @table : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>
func.func @placement(%out: memref<f32>) {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %g = memref.get_global @table : memref<4xf32>
  %d = memref.alloc() : memref<4xf32>
  %m = memref.alloc() : memref<f32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c4, %sy = %c1, %sz = %c1) {
    %a = memref.load %g[%tx] : memref<4xf32>
    memref.store %a, %d[%tx] : memref<4xf32>
    memref.store %a, %m[] : memref<f32>
    gpu.terminator
  }
  %v = memref.load %m[] : memref<f32>
  memref.store %v, %out[] : memref<f32>
  memref.dealloc %d : memref<4xf32>
  memref.dealloc %m : memref<f32>
  return
}

// -----

// A buffer that a kernel uses and that host control flow carries cannot be tracked.
func.func @escape(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %buf = memref.alloc() : memref<4xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %z = arith.constant 0.0 : f32
    memref.store %z, %buf[%tx] : memref<4xf32>
    gpu.terminator
  }
  // expected-error @+1 {{pb-gpu-host-memory: a buffer used by a GPU kernel cannot be placed: host code passes it to 'scf.for'}}
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%b = %buf) -> (memref<4xf32>) {
    scf.yield %b : memref<4xf32>
  }
  memref.dealloc %r : memref<4xf32>
  return
}
