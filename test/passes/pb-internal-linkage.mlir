// RUN: pullback-opt %s -pb-internal-linkage | filecheck %s

// Private definitions become internal (the ExecutionEngine writes no packed wrapper for
// them); public functions, declarations and functions with a linkage of their own keep it.
// CHECK-LABEL: llvm.func @entry(
// CHECK-LABEL: llvm.func internal @kernel(
// CHECK-LABEL: llvm.func @external_decl(
// CHECK-LABEL: llvm.func weak @weak_private(
module {
  llvm.func @entry(%p: !llvm.ptr) {
    llvm.call @kernel(%p) : (!llvm.ptr) -> ()
    llvm.return
  }
  llvm.func @kernel(%p: !llvm.ptr) attributes {sym_visibility = "private"} {
    llvm.return
  }
  llvm.func @external_decl(!llvm.ptr) attributes {sym_visibility = "private"}
  llvm.func weak @weak_private(%p: !llvm.ptr) attributes {sym_visibility = "private"} {
    llvm.return
  }
}
