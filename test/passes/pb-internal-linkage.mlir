// RUN: pullback-opt %s -pb-internal-linkage | filecheck %s

// Private definitions become internal (the ExecutionEngine writes no packed wrapper for
// them) and noinline (LLVM would inline any with one call site, however large); public
// functions, declarations and functions with a linkage of their own keep theirs.
// CHECK-LABEL: llvm.func @entry(
// CHECK-NOT: passthrough
// CHECK-LABEL: llvm.func internal @kernel(
// CHECK-SAME: passthrough = ["noinline"]
// CHECK-LABEL: llvm.func internal @glue(
// CHECK-SAME: passthrough = ["noinline", "optnone"]
// CHECK-LABEL: llvm.func @external_decl(
// CHECK-LABEL: llvm.func weak @weak_private(
// CHECK-NOT: passthrough
module {
  llvm.func @entry(%p: !llvm.ptr) {
    llvm.call @kernel(%p) : (!llvm.ptr) -> ()
    llvm.call @glue(%p) : (!llvm.ptr) -> ()
    llvm.return
  }
  llvm.func @kernel(%p: !llvm.ptr) attributes {sym_visibility = "private"} {
    llvm.return
  }
  llvm.func @glue(%p: !llvm.ptr) attributes {passthrough = ["noinline", "optnone"], sym_visibility = "private"} {
    llvm.return
  }
  llvm.func @external_decl(!llvm.ptr) attributes {sym_visibility = "private"}
  llvm.func weak @weak_private(%p: !llvm.ptr) attributes {sym_visibility = "private"} {
    llvm.return
  }
}
