// RUN: pullback-opt %s -pb-jvp --split-input-file --verify-diagnostics | filecheck %s
// RUN: sed '/^\/\/ -----/,$d' %s | pullback-opt - -pb-jvp --run=main \
// RUN:   --arg='[[4.0, 2.0], [2.0, 5.0]]' --arg='[[1.0, 0.0], [0.0, 0.0]]' | filecheck %s --check-prefix=NUM

// JVP rules of the linear-algebra ops (JAX's): cholesky's is L·Φ(L⁻¹ Ȧ L⁻ᴴ), two triangular
// solves, Φ a multiplication by the lower triangle with a halved diagonal, and a matmul;
// triangular_solve's is the solve of b's tangent plus -A⁻¹ ∂A X, ordered by cost.

// CHECK-LABEL: func.func private @chol_jvp_2(
// CHECK-SAME: %[[X:.+]]: tensor<2x2xf64>, %[[T:.+]]: tensor<2x2xf64>)
// CHECK-NEXT: %[[L:.+]] = "pb.cholesky"(%[[X]])
// CHECK-NEXT: %[[S1:.+]] = "pb.triangular_solve"(%[[L]], %[[T]]) {conjugate_a = 1 : i64, left_side = 0 : i64, lower = 1 : i64, transpose_a = 1 : i64, unit_diagonal = 0 : i64}
// CHECK-NEXT: %[[S2:.+]] = "pb.triangular_solve"(%[[L]], %[[S1]]) {conjugate_a = 0 : i64, left_side = 1 : i64, lower = 1 : i64, transpose_a = 0 : i64, unit_diagonal = 0 : i64}
// CHECK-NEXT: "pb.constant"() {value = dense<{{\[\[}}5.000000e-01, 0.000000e+00], [1.000000e+00, 5.000000e-01]]>
// CHECK: %[[PHI:.+]] = "pb.mul"(%[[S2]],
// CHECK-NEXT: %[[DL:.+]] = "pb.dot_general"(%[[L]], %[[PHI]])
// CHECK-NEXT: return %[[L]], %[[DL]]
// CHECK: // -----

// L = [[2, 0], [1, 2]]; d(sqrt(a00)) = 1/4, the rest follows.
// NUM: result[0]: tensor<2x2xf64> = {{\[\[}}2.0, 0.0], [1.0, 2.0]]
// NUM: result[1]: tensor<2x2xf64> = {{\[\[}}0.25, 0.0], [-0.125, 0.0625]]
func.func @chol(%x: tensor<2x2xf64>) -> tensor<2x2xf64> {
  %0 = "pb.cholesky"(%x) : (tensor<2x2xf64>) -> tensor<2x2xf64>
  return %0 : tensor<2x2xf64>
}
func.func private @chol_jvp(tensor<2x2xf64>, tensor<2x2xf64>) -> (tensor<2x2xf64>, tensor<2x2xf64>)
    attributes {pb.transform = {kind = "jvp", callee = @chol}}
func.func @main(%x: tensor<2x2xf64>, %t: tensor<2x2xf64>) -> (tensor<2x2xf64>, tensor<2x2xf64>) {
  %0:2 = call @chol_jvp(%x, %t) : (tensor<2x2xf64>, tensor<2x2xf64>) -> (tensor<2x2xf64>, tensor<2x2xf64>)
  return %0#0, %0#1 : tensor<2x2xf64>, tensor<2x2xf64>
}

// -----

// CHECK-LABEL: func.func private @solve_jvp_2(
// CHECK-SAME: %[[A:.+]]: tensor<3x3xf32>, %[[B:.+]]: tensor<3x2xf32>, %[[TA:.+]]: tensor<3x3xf32>, %[[TB:.+]]: tensor<3x2xf32>)
// CHECK-NEXT: %[[X:.+]] = "pb.triangular_solve"(%[[A]], %[[B]])
// CHECK-NEXT: %[[DB:.+]] = "pb.triangular_solve"(%[[A]], %[[TB]])
// CHECK: %[[MASKED:.+]] = "pb.mul"(%[[TA]],
// CHECK-NEXT: %[[NEG:.+]] = "pb.neg"(%[[MASKED]])
// CHECK-NEXT: %[[P:.+]] = "pb.dot_general"(%[[NEG]], %[[X]])
// CHECK-NEXT: %[[DA:.+]] = "pb.triangular_solve"(%[[A]], %[[P]])
// CHECK-NEXT: %[[SUM:.+]] = "pb.add"(%[[DB]], %[[DA]])
// CHECK-NEXT: return %[[X]], %[[SUM]]
func.func @solve(%a: tensor<3x3xf32>, %b: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %0 = "pb.triangular_solve"(%a, %b) {left_side = 1, lower = 1, transpose_a = 0, conjugate_a = 0, unit_diagonal = 0} : (tensor<3x3xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
func.func private @solve_jvp(tensor<3x3xf32>, tensor<3x2xf32>, tensor<3x3xf32>, tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>)
    attributes {pb.transform = {kind = "jvp", callee = @solve}}
func.func @main(%a: tensor<3x3xf32>, %b: tensor<3x2xf32>, %ta: tensor<3x3xf32>, %tb: tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>) {
  %0:2 = call @solve_jvp(%a, %b, %ta, %tb) : (tensor<3x3xf32>, tensor<3x2xf32>, tensor<3x3xf32>, tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>)
  return %0#0, %0#1 : tensor<3x2xf32>, tensor<3x2xf32>
}

// -----

// pb.lu (JAX's rule): P·ȧ as a matmul with the one-hot permutation matrix, L and U split out
// of the factor, L⁻¹ (P ȧ) U⁻¹ by two triangular solves, then L·tril(·, -1) + triu(·)·U;
// the pivots and the permutation carry no tangent.
// CHECK-LABEL: func.func private @lu_jvp_2(
// CHECK-SAME: %[[A:.+]]: tensor<2x2xf64>, %[[T:.+]]: tensor<2x2xf64>)
// CHECK-NEXT: %[[LU:.+]]:3 = "pb.lu"(%[[A]])
// CHECK-NEXT: %[[ROWS:.+]] = "pb.broadcast_in_dim"(%[[LU]]#2)
// CHECK-NEXT: %[[COLS:.+]] = "pb.iota"() {dimension = 1 : i64, dtype = "int32", shape = array<i64: 2, 2>}
// CHECK-NEXT: %[[EQ:.+]] = "pb.compare"(%[[ROWS]], %[[COLS]]) {direction = "EQ"}
// CHECK-NEXT: %[[P:.+]] = "pb.convert_element_type"(%[[EQ]]) {new_dtype = "float64"}
// CHECK-NEXT: %[[PT:.+]] = "pb.dot_general"(%[[P]], %[[T]])
// CHECK: %[[LA:.+]] = "pb.triangular_solve"(%{{.+}}, %[[PT]]) {conjugate_a = 0 : i64, left_side = 1 : i64, lower = 1 : i64, transpose_a = 0 : i64, unit_diagonal = 1 : i64}
// CHECK-NEXT: %[[LAU:.+]] = "pb.triangular_solve"(%{{.+}}, %[[LA]]) {conjugate_a = 0 : i64, left_side = 0 : i64, lower = 0 : i64, transpose_a = 0 : i64, unit_diagonal = 0 : i64}
// CHECK: %[[DL:.+]] = "pb.dot_general"
// CHECK: %[[DU:.+]] = "pb.dot_general"
// CHECK-NEXT: %[[D:.+]] = "pb.add"(%[[DL]], %[[DU]])
// CHECK-NEXT: return %[[LU]]#0, %[[D]]
func.func @lu(%a: tensor<2x2xf64>) -> tensor<2x2xf64> {
  %0:3 = "pb.lu"(%a) : (tensor<2x2xf64>) -> (tensor<2x2xf64>, tensor<2xi32>, tensor<2xi32>)
  return %0#0 : tensor<2x2xf64>
}
func.func private @lu_jvp(tensor<2x2xf64>, tensor<2x2xf64>) -> (tensor<2x2xf64>, tensor<2x2xf64>)
    attributes {pb.transform = {kind = "jvp", callee = @lu}}

// -----

// pb.eigh (JAX's rule): Vᴴ Ȧ V; V̇ = V (F ∘ Vᴴ Ȧ V) with F = (I + w_j - w_i)⁻¹ - I, ẇ its diagonal.
// CHECK-LABEL: func.func private @eigh_jvp_2(
// CHECK-SAME: %[[A:.+]]: tensor<2x2xf64>, %[[T:.+]]: tensor<2x2xf64>)
// CHECK-NEXT: %[[E:.+]]:2 = "pb.eigh"(%[[A]]) {lower = 1 : i64}
// CHECK: %[[D:.+]] = "pb.sub"
// CHECK: %[[F:.+]] = "pb.div"
// CHECK: "pb.transpose"(%[[E]]#0)
// CHECK: %[[DV:.+]] = "pb.dot_general"(%[[E]]#0,
// CHECK: %[[DW:.+]] = "pb.reduce_sum"
// CHECK-NEXT: return %[[E]]#0, %[[E]]#1, %[[DV]], %[[DW]]
func.func @eigh(%a: tensor<2x2xf64>) -> (tensor<2x2xf64>, tensor<2xf64>) {
  %0:2 = "pb.eigh"(%a) {lower = 1} : (tensor<2x2xf64>) -> (tensor<2x2xf64>, tensor<2xf64>)
  return %0#0, %0#1 : tensor<2x2xf64>, tensor<2xf64>
}
func.func private @eigh_jvp(tensor<2x2xf64>, tensor<2x2xf64>) -> (tensor<2x2xf64>, tensor<2xf64>, tensor<2x2xf64>, tensor<2xf64>)
    attributes {pb.transform = {kind = "jvp", callee = @eigh}}

// -----

// pb.qr (JAX's rule, reduced, m >= n): X = Ȧ R⁻¹ (a right-side triangular solve), QᴴX, the
// skew-symmetric Ω from its strict lower triangle; Q̇ = Q(Ω - QᴴX) + X, Ṙ = (QᴴX - Ω) R.
// CHECK-LABEL: func.func private @qr_jvp_2(
// CHECK-SAME: %[[A:.+]]: tensor<3x2xf64>, %[[T:.+]]: tensor<3x2xf64>)
// CHECK-NEXT: %[[QR:.+]]:2 = "pb.qr"(%[[A]]) {full_matrices = 0 : i64}
// CHECK-NEXT: %[[X:.+]] = "pb.triangular_solve"(%[[QR]]#1, %[[T]]) {conjugate_a = 0 : i64, left_side = 0 : i64, lower = 0 : i64, transpose_a = 0 : i64, unit_diagonal = 0 : i64}
// CHECK-NEXT: %[[QT:.+]] = "pb.transpose"(%[[QR]]#0)
// CHECK-NEXT: %[[QTX:.+]] = "pb.dot_general"(%[[QT]], %[[X]])
// CHECK: %[[DQ:.+]] = "pb.add"
// CHECK: %[[DR:.+]] = "pb.dot_general"
// CHECK-NEXT: return %[[QR]]#0, %[[QR]]#1, %[[DQ]], %[[DR]]
func.func @qr(%a: tensor<3x2xf64>) -> (tensor<3x2xf64>, tensor<2x2xf64>) {
  %0:2 = "pb.qr"(%a) {full_matrices = 0} : (tensor<3x2xf64>) -> (tensor<3x2xf64>, tensor<2x2xf64>)
  return %0#0, %0#1 : tensor<3x2xf64>, tensor<2x2xf64>
}
func.func private @qr_jvp(tensor<3x2xf64>, tensor<3x2xf64>) -> (tensor<3x2xf64>, tensor<2x2xf64>, tensor<3x2xf64>, tensor<2x2xf64>)
    attributes {pb.transform = {kind = "jvp", callee = @qr}}

// -----

// pb.svd (JAX's rule, reduced): dS = Uᴴ Ȧ V, ṡ its diagonal, U̇ and V̇ from F ∘ (...) and the
// diagonal part; a tall a adds (Ȧ V - U Uᴴ Ȧ V) / s to U̇.
// CHECK-LABEL: func.func private @svd_jvp_2(
// CHECK-SAME: %[[A:.+]]: tensor<3x2xf64>, %[[T:.+]]: tensor<3x2xf64>)
// CHECK-NEXT: %[[S:.+]]:3 = "pb.svd"(%[[A]]) {full_matrices = 0 : i64}
// CHECK: %[[DW:.+]] = "pb.reduce_sum"
// CHECK: "pb.div"
// CHECK: return %[[S]]#0, %[[S]]#1, %[[S]]#2, %[[DW]],
func.func @svd(%a: tensor<3x2xf64>) -> (tensor<2xf64>, tensor<3x2xf64>, tensor<2x2xf64>) {
  %0:3 = "pb.svd"(%a) {full_matrices = 0} : (tensor<3x2xf64>) -> (tensor<2xf64>, tensor<3x2xf64>, tensor<2x2xf64>)
  return %0#0, %0#1, %0#2 : tensor<2xf64>, tensor<3x2xf64>, tensor<2x2xf64>
}
func.func private @svd_jvp(tensor<3x2xf64>, tensor<3x2xf64>) -> (tensor<2xf64>, tensor<3x2xf64>, tensor<2x2xf64>, tensor<2xf64>, tensor<3x2xf64>, tensor<2x2xf64>)
    attributes {pb.transform = {kind = "jvp", callee = @svd}}

// -----

// pb.eig (eigenvalues only): ẇᵢ = uᵢᴴ Ȧ vᵢ / uᵢᴴ vᵢ, i.e. diag(V⁻¹ Ȧ V), from one geev with both
// sets of eigenvectors; the real tangent is made complex first.
// CHECK-LABEL: func.func private @eigvals_jvp_2(
// CHECK-SAME: %[[A:.+]]: tensor<2x2xf64>, %[[T:.+]]: tensor<2x2xf64>)
// CHECK-NEXT: %[[E:.+]]:3 = "pb.eig"(%[[A]]) {compute_left_eigenvectors = 1 : i64, compute_right_eigenvectors = 1 : i64}
// CHECK: %[[TC:.+]] = "pb.complex"(%[[T]],
// CHECK: %[[UC:.+]] = "pb.conj"(%[[E]]#1)
// CHECK-NEXT: %[[UA:.+]] = "pb.dot_general"(%[[UC]], %[[TC]])
// CHECK-NEXT: %[[VT:.+]] = "pb.transpose"(%[[E]]#2)
// CHECK: %[[TOP:.+]] = "pb.reduce_sum"
// CHECK: %[[DEN:.+]] = "pb.reduce_sum"
// CHECK-NEXT: %[[DW:.+]] = "pb.div"(%[[TOP]], %[[DEN]])
// CHECK-NEXT: return %[[E]]#0, %[[DW]]
func.func @eigvals(%a: tensor<2x2xf64>) -> tensor<2xcomplex<f64>> {
  %0 = "pb.eig"(%a) {compute_left_eigenvectors = 0, compute_right_eigenvectors = 0} : (tensor<2x2xf64>) -> tensor<2xcomplex<f64>>
  return %0 : tensor<2xcomplex<f64>>
}
func.func private @eigvals_jvp(tensor<2x2xf64>, tensor<2x2xf64>) -> (tensor<2xcomplex<f64>>, tensor<2xcomplex<f64>>)
    attributes {pb.transform = {kind = "jvp", callee = @eigvals}}

// -----

// Eigenvectors have no derivative, as in JAX.
func.func @eig(%a: tensor<2x2xf64>) -> tensor<2x2xcomplex<f64>> {
  // expected-error @+1 {{The derivatives of eigenvectors are not implemented, only eigenvalues}}
  %0:2 = "pb.eig"(%a) {compute_left_eigenvectors = 0, compute_right_eigenvectors = 1} : (tensor<2x2xf64>) -> (tensor<2xcomplex<f64>>, tensor<2x2xcomplex<f64>>)
  return %0#1 : tensor<2x2xcomplex<f64>>
}
func.func private @eig_jvp(tensor<2x2xf64>, tensor<2x2xf64>) -> (tensor<2x2xcomplex<f64>>, tensor<2x2xcomplex<f64>>)
    attributes {pb.transform = {kind = "jvp", callee = @eig}}
