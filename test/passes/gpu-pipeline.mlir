// The GPU pipeline (passes/gpu_pipeline.py) on pb IR, through its command-line driver:
// kernels (gpu.launch on staged GPU buffers), the LLVM-dialect host module with one
// gpu.binary per kernel, and the kernels' PTX for sm_90. Nothing here needs a GPU.
// RUN: %python -m pullback.runtime.gpu %s --stage=kernels | filecheck %s --check-prefix=KERNELS
// RUN: %python -m pullback.runtime.gpu %s | filecheck %s --check-prefix=LLVM
// RUN: %python -m pullback.runtime.gpu %s --ptx | filecheck %s --check-prefix=PTX

// Elementwise: one kernel over all 64*48 elements, 12 blocks of 256 threads, each thread
// recovering (row, column) with the column fastest. Inputs are copied in, the result out.
// KERNELS-LABEL: func.func @tanh_mul(
// KERNELS-SAME: %[[X:.+]]: memref<64x48xf32>, %[[Y:.+]]: memref<64x48xf32>, %[[OUT:.+]]: memref<64x48xf32>)
// KERNELS-DAG: %[[C12:.+]] = arith.constant 12 : index
// KERNELS-DAG: %[[C256:.+]] = arith.constant 256 : index
// KERNELS-DAG: %[[C48:.+]] = arith.constant 48 : index
// KERNELS: %[[DOUT:.+]], %{{.+}} = gpu.alloc async [%{{.+}}] () : memref<64x48xf32>
// KERNELS: %[[DY:.+]], %{{.+}} = gpu.alloc async
// KERNELS: gpu.memcpy async [%{{.+}}] %[[DY]], %[[Y]]
// KERNELS: %[[DX:.+]], %{{.+}} = gpu.alloc async
// KERNELS: gpu.memcpy async [%{{.+}}] %[[DX]], %[[X]]
// KERNELS: gpu.launch blocks(%[[B:.+]], %{{.+}}, %{{.+}}) in (%{{.+}} = %[[C12]], %{{.+}} = %c1, %{{.+}} = %c1) threads(%[[T:.+]], %{{.+}}, %{{.+}}) in (%{{.+}} = %[[C256]],
// KERNELS: %[[L0:.+]] = arith.muli %[[B]], %[[C256]]
// KERNELS: %[[L:.+]] = arith.addi %[[L0]], %[[T]]
// KERNELS: %[[J:.+]] = arith.remui %[[L]], %[[C48]]
// KERNELS: %[[I:.+]] = arith.divui %[[L]], %[[C48]]
// KERNELS: memref.load %[[DX]][%[[I]], %[[J]]]
// KERNELS: memref.store %{{.+}}, %[[DOUT]][%[[I]], %[[J]]]
// KERNELS: gpu.terminator
// KERNELS: gpu.dealloc async [%{{.+}}] %[[DX]]
// KERNELS: gpu.dealloc async [%{{.+}}] %[[DY]]
// KERNELS: gpu.memcpy async [%{{.+}}] %[[OUT]], %[[DOUT]]
// KERNELS: gpu.dealloc async [%{{.+}}] %[[DOUT]]
// KERNELS-NEXT: gpu.wait
// KERNELS-NEXT: return

// LLVM-LABEL: llvm.func @tanh_mul(
// LLVM-SAME: %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr)
// LLVM: llvm.call @mgpuMemAlloc
// LLVM: llvm.call @mgpuMemcpy
// LLVM: gpu.launch_func @tanh_mul_kernel::@tanh_mul_kernel
// LLVM: llvm.call @mgpuMemFree
// LLVM: llvm.return
// LLVM: gpu.binary @tanh_mul_kernel [#gpu.object<#nvvm.target<O = 3, chip = "sm_90", features = "+ptx80">, {{.*}}assembly = "{{.*}}.target sm_90

// PTX-LABEL: // gpu.binary @tanh_mul_kernel
// PTX: .target sm_90
// PTX: .visible .entry tanh_mul_kernel(
// PTX: .maxntid 256, 1, 1
// PTX: ld.global
// PTX: st.global
func.func @tanh_mul(%x: tensor<64x48xf32>, %y: tensor<64x48xf32>) -> tensor<64x48xf32> {
  %0 = "pb.mul"(%x, %y) : (tensor<64x48xf32>, tensor<64x48xf32>) -> tensor<64x48xf32>
  %1 = "pb.tanh"(%0) : (tensor<64x48xf32>) -> tensor<64x48xf32>
  return %1 : tensor<64x48xf32>
}

// A row reduction: one thread per row, the reduced dimension a sequential loop in it
// (after a kernel that initializes the accumulators).
// KERNELS-LABEL: func.func @row_sum(
// KERNELS: gpu.launch blocks({{.*}}) in (%{{.+}} = %c1, %{{.+}} = %c1, %{{.+}} = %c1) threads(%[[T:.+]], %{{.+}}, %{{.+}}) in (%{{.+}} = %c64,
// KERNELS: memref.store %cst, %[[ACC:.+]][%[[T]]] : memref<64xf32>
// KERNELS: gpu.launch
// KERNELS: scf.for %[[K:.+]] = %c0 to %c48 step %c1 {
// KERNELS: memref.load %{{.+}}[%[[T]], %[[K]]] : memref<64x48xf32>
// KERNELS: memref.store %{{.+}}, %[[ACC]][%[[T]]] : memref<64xf32>
// KERNELS: return

// LLVM-LABEL: llvm.func @row_sum(
// LLVM: gpu.launch_func @row_sum_kernel::@row_sum_kernel
// LLVM: gpu.launch_func @row_sum_kernel_0::@row_sum_kernel
// LLVM: gpu.binary @row_sum_kernel
// LLVM: gpu.binary @row_sum_kernel_0

// PTX-LABEL: // gpu.binary @row_sum_kernel_0
// PTX: .visible .entry row_sum_kernel(
// PTX: .maxntid 64, 1, 1
func.func @row_sum(%x: tensor<64x48xf32>) -> tensor<64xf32> {
  %0 = "pb.reduce_sum"(%x) {axes = array<i64: 1>} : (tensor<64x48xf32>) -> tensor<64xf32>
  return %0 : tensor<64xf32>
}

// A full reduction leaves no parallel loop: pb-gpu-serial-kernels runs it (and the
// scaling after it) in a one-thread kernel, sequentially.
// KERNELS-LABEL: func.func @scaled_total(
// KERNELS: gpu.launch blocks({{.*}}) in (%{{.+}} = %c1, %{{.+}} = %c1, %{{.+}} = %c1) threads({{.*}}) in (%{{.+}} = %c1, %{{.+}} = %c1, %{{.+}} = %c1)
// KERNELS: scf.for
// KERNELS: scf.for
// KERNELS: arith.addf
// KERNELS: arith.mulf
// KERNELS: gpu.terminator
// KERNELS-NOT: gpu.launch
// KERNELS: return

// PTX-LABEL: // gpu.binary @scaled_total_kernel
// PTX: .maxntid 1, 1, 1
func.func @scaled_total(%x: tensor<64x48xf32>) -> tensor<f32> {
  %0 = "pb.reduce_sum"(%x) {axes = array<i64: 0, 1>} : (tensor<64x48xf32>) -> tensor<f32>
  %h = "pb.constant"() {value = dense<5.000000e-01> : tensor<f32>} : () -> tensor<f32>
  %1 = "pb.mul"(%0, %h) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %1 : tensor<f32>
}
