// RUN: pullback-opt %s -pb-vmap --split-input-file --verify-diagnostics | filecheck %s
// RUN: pullback-opt %s -pb-expand-transforms --split-input-file --verify-diagnostics | filecheck %s --check-prefix=EXPAND
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - -pb-vmap --run=main \
// RUN:   --arg='[[0.5, 1.0, -2.0], [0.0, 1.5, 3.0]]' --arg='[1.0, 2.0, 3.0]' | filecheck %s --check-prefix=NUM

// pb-vmap defines each `vmap` request (a declaration tagged pb.transform, with in_axes,
// out_axes and axis_size; -1 means unbatched) as a call of a generated batched function,
// followed by moving each result's batch dimension to its out_axes entry. The batched
// function applies each op's batching rule; values that depend on no batched input stay
// unbatched, and an unbatched operand of an elementwise op is broadcast at its use.

// Elementwise, one operand batched, the other not: w is broadcast where it meets sin(x),
// and the batched result (at 0) is transposed to out_axes 1 by the request's body.
// CHECK-LABEL: func.func @scale(
// CHECK-LABEL: func.func private @scale_vmap(
// CHECK-SAME: %[[X:.+]]: tensor<2x3xf32>, %[[W:.+]]: tensor<3xf32>) -> tensor<3x2xf32>
// CHECK-NEXT: %[[R:.+]] = call @[[GEN:[A-Za-z0-9_]+]](%[[X]], %[[W]]) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: %[[T:.+]] = "pb.transpose"(%[[R]]) {permutation = array<i64: 1, 0>}
// CHECK-NEXT: return %[[T]] : tensor<3x2xf32>
// CHECK-LABEL: func.func @main(
// CHECK: func.func private @[[GEN]](
// CHECK-SAME: %[[BX:.+]]: tensor<2x3xf32>, %[[BW:.+]]: tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: %[[S:.+]] = "pb.sin"(%[[BX]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: %[[WB:.+]] = "pb.broadcast_in_dim"(%[[BW]]) {broadcast_dimensions = array<i64: 1>, shape = array<i64: 2, 3>}
// CHECK-NEXT: %[[M:.+]] = "pb.mul"(%[[S]], %[[WB]]) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[M]]
// CHECK-NOT: pb.transform
// CHECK: // -----

// Numbers: out[j][i] = sin(x[i][j]) * w[j].
// NUM: result[0]: tensor<3x2xf32> = [[0.47942{{[0-9]*}}, 0.0], [1.68294{{[0-9]*}}, 1.99499{{[0-9]*}}], [-2.72789{{[0-9]*}}, 0.42336{{[0-9]*}}]]
func.func @scale(%x: tensor<3xf32>, %w: tensor<3xf32>) -> tensor<3xf32> {
  %0 = "pb.sin"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  %1 = "pb.mul"(%0, %w) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %1 : tensor<3xf32>
}
func.func private @scale_vmap(tensor<2x3xf32>, tensor<3xf32>) -> tensor<3x2xf32>
    attributes {pb.transform = {kind = "vmap", callee = @scale, in_axes = array<i64: 0, -1>, out_axes = array<i64: 1>, axis_size = 2 : i64}}
func.func @main(%x: tensor<2x3xf32>, %w: tensor<3xf32>) -> tensor<3x2xf32> {
  %0 = call @scale_vmap(%x, %w) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// Operands batched at different dimensions meet at dimension 0; unbatched work (exp of
// the unbatched c) is done once, not per batch member.
// CHECK-LABEL: func.func private @mixed_vmap(
// CHECK: call @[[GEN:[A-Za-z0-9_]+]](
// CHECK: func.func private @[[GEN]](
// CHECK-SAME: %[[A:[^:]+]]: tensor<3x4xf32>, %[[B:[^:]+]]: tensor<4x3xf32>, %[[C:[^:]+]]: tensor<3xf32>) -> tensor<4x3xf32>
// CHECK-DAG: %[[AT:.+]] = "pb.transpose"(%[[A]]) {permutation = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32>
// CHECK-DAG: %[[S:.+]] = "pb.add"(%[[AT]], %[[B]]) : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
// CHECK-DAG: %[[E:.+]] = "pb.exp"(%[[C]]) : (tensor<3xf32>) -> tensor<3xf32>
// CHECK-DAG: %[[EB:.+]] = "pb.broadcast_in_dim"(%[[E]]) {broadcast_dimensions = array<i64: 1>, shape = array<i64: 4, 3>}
// CHECK: "pb.sub"(%[[S]], %[[EB]]) : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
// CHECK: // -----
func.func @mixed(%a: tensor<3xf32>, %b: tensor<3xf32>, %c: tensor<3xf32>) -> tensor<3xf32> {
  %0 = "pb.add"(%a, %b) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %1 = "pb.exp"(%c) : (tensor<3xf32>) -> tensor<3xf32>
  %2 = "pb.sub"(%0, %1) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %2 : tensor<3xf32>
}
func.func private @mixed_vmap(tensor<3x4xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
    attributes {pb.transform = {kind = "vmap", callee = @mixed, in_axes = array<i64: 1, 0, -1>, out_axes = array<i64: 0>, axis_size = 4 : i64}}

// -----

// dot_general with one batched side: the batch dimension is a free dimension of that
// side (no broadcast of the other); with both sides batched it is a dot_general batch
// dimension.
// CHECK-LABEL: func.func private @mm_one_vmap(
// CHECK-NEXT: call @[[ONE:[A-Za-z0-9_]+]](
// CHECK-LABEL: func.func private @mm_both_vmap(
// CHECK-NEXT: call @[[BOTH:[A-Za-z0-9_]+]](
// CHECK: func.func private @[[ONE]](
// CHECK-SAME: %[[A:[^:]+]]: tensor<2x5x3xf32>, %[[B:[^:]+]]: tensor<3x4xf32>) -> tensor<2x5x4xf32>
// CHECK-NEXT: %[[D:.+]] = "pb.dot_general"(%[[A]], %[[B]]) {lhs_batch = array<i64>, lhs_contracting = array<i64: 2>, rhs_batch = array<i64>, rhs_contracting = array<i64: 0>}
// CHECK-SAME: (tensor<2x5x3xf32>, tensor<3x4xf32>) -> tensor<2x5x4xf32>
// CHECK-NEXT: return %[[D]]
// CHECK: func.func private @[[BOTH]](
// CHECK-SAME: %[[A:[^:]+]]: tensor<2x3x5xf32>, %[[B:[^:]+]]: tensor<5x3x4xf32>) -> tensor<5x2x4xf32>
// CHECK-NEXT: %[[D:.+]] = "pb.dot_general"(%[[A]], %[[B]]) {lhs_batch = array<i64: 2>, lhs_contracting = array<i64: 1>, rhs_batch = array<i64: 0>, rhs_contracting = array<i64: 1>}
// CHECK-SAME: (tensor<2x3x5xf32>, tensor<5x3x4xf32>) -> tensor<5x2x4xf32>
// CHECK-NEXT: return %[[D]]
// CHECK-NOT: broadcast_in_dim
// CHECK: // -----
func.func @mm(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %0 = "pb.dot_general"(%a, %b) {lhs_contracting = array<i64: 1>, rhs_contracting = array<i64: 0>, lhs_batch = array<i64>, rhs_batch = array<i64>} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
func.func private @mm_one_vmap(tensor<2x5x3xf32>, tensor<3x4xf32>) -> tensor<2x5x4xf32>
    attributes {pb.transform = {kind = "vmap", callee = @mm, in_axes = array<i64: 1, -1>, out_axes = array<i64: 1>, axis_size = 5 : i64}}
func.func private @mm_both_vmap(tensor<2x3x5xf32>, tensor<5x3x4xf32>) -> tensor<5x2x4xf32>
    attributes {pb.transform = {kind = "vmap", callee = @mm, in_axes = array<i64: 2, 0>, out_axes = array<i64: 0>, axis_size = 5 : i64}}

// -----

// Reductions shift their axes past the batch dimension; reshape needs the batch
// dimension in front, transpose keeps it where it is.
// CHECK-LABEL: func.func private @shapes_vmap(
// CHECK: func.func private @[[GEN:[A-Za-z0-9_]+]](
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x7x3x4xf32>) -> (tensor<7x4xf32>, tensor<7x12x2xf32>)
// CHECK-DAG: "pb.reduce_sum"(%[[X]]) {axes = array<i64: 0, 2>} : (tensor<2x7x3x4xf32>) -> tensor<7x4xf32>
// CHECK-DAG: %[[F:.+]] = "pb.transpose"(%[[X]]) {permutation = array<i64: 1, 0, 2, 3>} : (tensor<2x7x3x4xf32>) -> tensor<7x2x3x4xf32>
// CHECK-DAG: %[[R:.+]] = "pb.reshape"(%[[F]]) {new_sizes = array<i64: 7, 2, 12>} : (tensor<7x2x3x4xf32>) -> tensor<7x2x12xf32>
// CHECK-DAG: "pb.transpose"(%[[R]]) {permutation = array<i64: 0, 2, 1>} : (tensor<7x2x12xf32>) -> tensor<7x12x2xf32>
// CHECK: // -----
func.func @shapes(%x: tensor<2x3x4xf32>) -> (tensor<4xf32>, tensor<12x2xf32>) {
  %0 = "pb.reduce_sum"(%x) {axes = array<i64: 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4xf32>
  %1 = "pb.reshape"(%x) {new_sizes = array<i64: 2, 12>} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  %2 = "pb.transpose"(%1) {permutation = array<i64: 1, 0>} : (tensor<2x12xf32>) -> tensor<12x2xf32>
  return %0, %2 : tensor<4xf32>, tensor<12x2xf32>
}
func.func private @shapes_vmap(tensor<2x7x3x4xf32>) -> (tensor<7x4xf32>, tensor<7x12x2xf32>)
    attributes {pb.transform = {kind = "vmap", callee = @shapes, in_axes = array<i64: 1>, out_axes = array<i64: 0, 0>, axis_size = 7 : i64}}

// -----

// slice gets the batch dimension whole; a gather whose operand and indices are both
// batched puts the member's position (an iota) in front of each index vector.
// CHECK-LABEL: func.func private @take_vmap(
// CHECK: func.func private @[[GEN:[A-Za-z0-9_]+]](
// CHECK-SAME: %[[X:[^:]+]]: tensor<3x5xf32>, %[[I:[^:]+]]: tensor<3x2x1xi32>) -> (tensor<3x3xf32>, tensor<3x2xf32>)
// CHECK-DAG: "pb.slice"(%[[X]]) {limit_indices = array<i64: 3, 4>, start_indices = array<i64: 0, 1>, strides = array<i64: 1, 1>}
// CHECK-DAG: %[[IOTA:.+]] = "pb.iota"() {dimension = 0 : i64, dtype = "int32", shape = array<i64: 3, 2, 1>}
// CHECK-DAG: %[[IDX:.+]] = "pb.concatenate"(%[[IOTA]], %[[I]]) {dimension = 2 : i64} : (tensor<3x2x1xi32>, tensor<3x2x1xi32>) -> tensor<3x2x2xi32>
// CHECK-DAG: "pb.gather"(%[[X]], %[[IDX]]) {collapsed_slice_dims = array<i64: 0, 1>, mode = "clip", offset_dims = array<i64>, slice_sizes = array<i64: 1, 1>, start_index_map = array<i64: 0, 1>} : (tensor<3x5xf32>, tensor<3x2x2xi32>) -> tensor<3x2xf32>
// CHECK: // -----
func.func @take(%x: tensor<5xf32>, %i: tensor<2x1xi32>) -> (tensor<3xf32>, tensor<2xf32>) {
  %0 = "pb.slice"(%x) {start_indices = array<i64: 1>, limit_indices = array<i64: 4>, strides = array<i64: 1>} : (tensor<5xf32>) -> tensor<3xf32>
  %1 = "pb.gather"(%x, %i) {offset_dims = array<i64>, collapsed_slice_dims = array<i64: 0>, start_index_map = array<i64: 0>, slice_sizes = array<i64: 1>, mode = "clip"} : (tensor<5xf32>, tensor<2x1xi32>) -> tensor<2xf32>
  return %0, %1 : tensor<3xf32>, tensor<2xf32>
}
func.func private @take_vmap(tensor<3x5xf32>, tensor<3x2x1xi32>) -> (tensor<3x3xf32>, tensor<3x2xf32>)
    attributes {pb.transform = {kind = "vmap", callee = @take, in_axes = array<i64: 0, 0>, out_axes = array<i64: 0, 0>, axis_size = 3 : i64}}

// -----

// select with an unbatched predicate: the predicate is broadcast to the batch.
// CHECK-LABEL: func.func private @pick_vmap(
// CHECK: func.func private @[[GEN:[A-Za-z0-9_]+]](
// CHECK-SAME: %[[P:[^:]+]]: tensor<3xi1>, %[[A:[^:]+]]: tensor<3x2xf32>, %[[B:[^:]+]]: tensor<3xf32>) -> tensor<3x2xf32>
// CHECK-DAG: %[[PB:.+]] = "pb.broadcast_in_dim"(%[[P]]) {broadcast_dimensions = array<i64: 0>, shape = array<i64: 3, 2>} : (tensor<3xi1>) -> tensor<3x2xi1>
// CHECK-DAG: %[[BB:.+]] = "pb.broadcast_in_dim"(%[[B]]) {broadcast_dimensions = array<i64: 0>, shape = array<i64: 3, 2>}
// CHECK: "pb.select"(%[[PB]], %[[A]], %[[BB]]) : (tensor<3x2xi1>, tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
// CHECK: // -----
func.func @pick(%p: tensor<3xi1>, %a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  %0 = "pb.select"(%p, %a, %b) : (tensor<3xi1>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func private @pick_vmap(tensor<3xi1>, tensor<3x2xf32>, tensor<3xf32>) -> tensor<3x2xf32>
    attributes {pb.transform = {kind = "vmap", callee = @pick, in_axes = array<i64: -1, 1, -1>, out_axes = array<i64: 1>, axis_size = 2 : i64}}

// -----

// Nested vmap: matrix-matrix product as the vmap of a matrix-vector product, itself the
// vmap of a dot product. The inner request is served first; batching the outer callee
// batches the call of the (now defined) inner request, down to one dot_general where the
// rows of %m and the columns of %v are free dimensions: nothing is broadcast or moved.
// CHECK-LABEL: func.func private @mv(
// CHECK-LABEL: func.func private @mm(
// CHECK-SAME: %[[M:[^:]+]]: tensor<4x3xf32>, %[[V:[^:]+]]: tensor<3x2xf32>) -> tensor<4x2xf32>
// CHECK-NEXT: %[[R:.+]] = call @[[OUTER:[A-Za-z0-9_]+]](%[[M]], %[[V]])
// CHECK-NEXT: return %[[R]]
// CHECK: func.func private @[[OUTER]](
// CHECK-SAME: tensor<4x3xf32>, %{{.+}}: tensor<3x2xf32>)
// CHECK-NEXT: call @[[MV:[A-Za-z0-9_]+]](
// CHECK: func.func private @[[MV]](
// CHECK-NEXT: call @[[DOT:[A-Za-z0-9_]+]](
// CHECK: func.func private @[[DOT]](
// CHECK-SAME: %[[A:[^:]+]]: tensor<4x3xf32>, %[[B:[^:]+]]: tensor<3x2xf32>) -> tensor<4x2xf32>
// CHECK-NEXT: %[[D:.+]] = "pb.dot_general"(%[[A]], %[[B]]) {lhs_batch = array<i64>, lhs_contracting = array<i64: 1>, rhs_batch = array<i64>, rhs_contracting = array<i64: 0>}
// CHECK-NEXT: return %[[D]]
// CHECK-NOT: pb.transform
// CHECK: // -----
func.func @dot(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<f32> {
  %0 = "pb.dot_general"(%a, %b) {lhs_contracting = array<i64: 0>, rhs_contracting = array<i64: 0>, lhs_batch = array<i64>, rhs_batch = array<i64>} : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}
func.func private @mv(tensor<4x3xf32>, tensor<3xf32>) -> tensor<4xf32>
    attributes {pb.transform = {kind = "vmap", callee = @dot, in_axes = array<i64: 0, -1>, out_axes = array<i64: 0>, axis_size = 4 : i64}}
func.func @mv_fn(%m: tensor<4x3xf32>, %v: tensor<3xf32>) -> tensor<4xf32> {
  %0 = call @mv(%m, %v) : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func private @mm(tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
    attributes {pb.transform = {kind = "vmap", callee = @mv_fn, in_axes = array<i64: -1, 1>, out_axes = array<i64: 1>, axis_size = 2 : i64}}

// -----

// vmap of a function that calls a jvp request: pb-vmap alone leaves the vmap request
// alone (its callee is not fully defined yet); pb-expand-transforms serves the jvp first,
// then batches the jvp function.
// CHECK-LABEL: func.func private @tangent_vmap(
// CHECK-SAME: attributes {pb.transform = {{{.*}}kind = "vmap"
// EXPAND-LABEL: func.func private @tangent_vmap(
// EXPAND-SAME: %[[X:[^:]+]]: tensor<2x3xf32>, %[[T:[^:]+]]: tensor<3xf32>) -> tensor<2x3xf32>
// EXPAND-NEXT: call @[[GEN:[A-Za-z0-9_]+]](%[[X]], %[[T]])
// EXPAND: func.func private @[[GEN]](
// EXPAND-SAME: tensor<2x3xf32>, %{{.+}}: tensor<3xf32>) -> tensor<2x3xf32>
// EXPAND: call @[[JVP:[A-Za-z0-9_]+]](
// EXPAND: func.func private @[[JVP]](
// EXPAND-NEXT: call @[[INNER:[A-Za-z0-9_]+]](
// EXPAND: func.func private @[[INNER]](
// EXPAND-SAME: %[[BX:[^:]+]]: tensor<2x3xf32>, %[[BT:[^:]+]]: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>)
// EXPAND-DAG: "pb.mul"(%[[BX]], %[[BX]]) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// EXPAND-DAG: "pb.broadcast_in_dim"(%[[BT]]) {broadcast_dimensions = array<i64: 1>, shape = array<i64: 2, 3>}
// EXPAND-NOT: pb.transform
// EXPAND: // -----
func.func @sq(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = "pb.mul"(%x, %x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func private @sq_jvp(tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "jvp", callee = @sq}}
func.func @tangent(%x: tensor<3xf32>, %t: tensor<3xf32>) -> tensor<3xf32> {
  %y, %ty = call @sq_jvp(%x, %t) : (tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return %ty : tensor<3xf32>
}
func.func private @tangent_vmap(tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    attributes {pb.transform = {kind = "vmap", callee = @tangent, in_axes = array<i64: 0, -1>, out_axes = array<i64: 0>, axis_size = 2 : i64}}

// -----

// in_axes entries must lie in [-1, rank] (the verifier checks the declared signature).
func.func @id(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}
// expected-error @+1 {{vmap in_axes entry 2 is out of range for a value of rank 1 (expected -1 for unbatched, or 0..1)}}
func.func private @id_vmap(tensor<3x2xf32>) -> tensor<3x2xf32>
    attributes {pb.transform = {kind = "vmap", callee = @id, in_axes = array<i64: 2>, out_axes = array<i64: 0>, axis_size = 2 : i64}}

// -----

// An output declared unbatched (out_axes -1) must not depend on a batched input.
func.func @twice(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = "pb.add"(%x, %x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
// expected-error @+1 {{at vmap out_axes, got axis spec None but output was batched on axis 0}}
func.func private @twice_vmap(tensor<2x3xf32>) -> tensor<3xf32>
    attributes {pb.transform = {kind = "vmap", callee = @twice, in_axes = array<i64: 0>, out_axes = array<i64: -1>, axis_size = 2 : i64}}
